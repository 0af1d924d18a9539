/* SPDX-License-Identifier: Apache-2.0 */
/* Figures for the foundation: token verify/encode time, the QR size of a token, and the cost of
 * a durable scan append. Usage: bench_foundation [DIR] (DIR for the temp database, default
 * $TMPDIR or /tmp: run it on the file system the kiosk will use). */
#include <errno.h>
#include <inttypes.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "store.h"
#include "sysclock.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"
#include "file.h"

#define TOKEN_RUNS 5000
#define STORE_RUNS 1000

/* Orders int64s for qsort. */
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Returns the q-quantile (0..1) of n samples, sorting them. */
static double quantile_us(int64_t *ns, size_t n, double q)
{
    qsort(ns, n, sizeof *ns, cmp_i64);
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return (double)ns[i] / 1000.0;
}

/* Names the file system that holds path. */
static const char *fs_name(const char *path)
{
    struct statfs sf;
    if (statfs(path, &sf) != 0)
        return "unknown";
    switch ((unsigned long)sf.f_type) {
    case 0xEF53:
        return "ext2/3/4";
    case 0x01021994:
        return "tmpfs";
    case 0x58465342:
        return "xfs";
    case 0x9123683E:
        return "btrfs";
    case 0x794C7630:
        return "overlayfs";
    case 0xF2F52010:
        return "f2fs";
    case 0x4d44:
        return "vfat";
    default:
        return "other";
    }
}

/* Times token encode and verify; prints the QR size of the token. */
static bool bench_token(void)
{
    if (!token_init())
        return false;
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
    token_keypair(pk, sk);
    struct token t = {.event_id = 20240422, .attendee_num = 1234, .serial = 1};
    char text[TOKEN_TEXT_LEN + 1];
    int64_t *enc = xmalloc(TOKEN_RUNS * sizeof *enc), *ver = xmalloc(TOKEN_RUNS * sizeof *ver);
    bool ok = true;
    for (int i = 0; i < TOKEN_RUNS; i++) {
        t.attendee_num = (uint32_t)i;
        int64_t t0 = time_mono_ns();
        ok = ok && token_encode(&t, sk, text);
        int64_t t1 = time_mono_ns();
        struct token out;
        ok = ok && token_verify(text, TOKEN_TEXT_LEN, t.event_id, pk, &out) == TOKEN_OK;
        int64_t t2 = time_mono_ns();
        enc[i] = t1 - t0;
        ver[i] = t2 - t1;
    }
    printf("token encode: median %.1f us (%d runs)\n", quantile_us(enc, TOKEN_RUNS, 0.5),
           TOKEN_RUNS);
    printf("token verify: median %.1f us, p99 %.1f us (%d runs)\n",
           quantile_us(ver, TOKEN_RUNS, 0.5), quantile_us(ver, TOKEN_RUNS, 0.99), TOKEN_RUNS);
    free(enc);
    free(ver);

    /* libqrencode accepts only QR_MODE_8 or QR_MODE_KANJI as the hint of QRcode_encodeString
     * (QR_MODE_AN fails with EINVAL); the hint only concerns Kanji, and the library picks
     * alphanumeric mode by itself for A-Z2-7. An explicit alphanumeric segment cross-checks. */
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_AN, 1);
    if (qr == NULL)
        printf("QRcode_encodeString(tok, 0, QR_ECLEVEL_M, QR_MODE_AN, 1): NULL (%s)\n",
               strerror(errno));
    QRcode_free(qr);
    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
    QRcode *an = NULL;
    if (in != NULL && QRinput_append(in, QR_MODE_AN, TOKEN_TEXT_LEN, (unsigned char *)text) == 0)
        an = QRcode_encodeInput(in);
    if (qr == NULL || an == NULL) {
        fprintf(stderr, "bench_foundation: QR encoding failed: %s\n", strerror(errno));
        ok = false;
    } else {
        printf("token QR (%d chars, ECC M, QRcode_encodeString hint QR_MODE_8): version %d, "
               "%dx%d modules\n",
               TOKEN_TEXT_LEN, qr->version, qr->width, qr->width);
        printf("token QR (one explicit alphanumeric segment, ECC M): version %d, %dx%d modules\n",
               an->version, an->width, an->width);
    }
    QRcode_free(qr);
    QRcode_free(an);
    QRinput_free(in);
    return ok;
}

/* Times durable appends on a temp database in dir. */
static bool bench_store(const char *dir)
{
    char *tmpl = path_join(dir, "portier-bench-XXXXXX");
    if (mkdtemp(tmpl) == NULL) {
        perror(tmpl);
        free(tmpl);
        return false;
    }
    char *path = path_join(tmpl, "kiosk.db");
    struct store *st = store_open(path, "bench-1");
    bool ok = st != NULL;
    int64_t *ns = xmalloc(STORE_RUNS * sizeof *ns);
    struct scan s;
    memset(&s, 0, sizeof s);
    sysclock_boot_id(s.boot_id);
    s.clock_synced = sysclock_is_synchronised();
    snprintf(s.room, sizeof s.room, "aula");
    snprintf(s.session, sizeof s.session, "s-aula-am");
    for (int i = 0; ok && i < STORE_RUNS; i++) {
        snprintf(s.attendee, sizeof s.attendee, "A%04d", i);
        s.wall_ms = time_now_ms();
        s.mono_ns = time_mono_ns();
        int64_t t0 = time_mono_ns();
        ok = store_append_scan(st, &s);
        ns[i] = time_mono_ns() - t0;
    }
    if (ok)
        printf("store append+commit (%s, %s, synchronous=FULL): median %.0f us, p99 %.0f us "
               "(%d appends)\n",
               tmpl, fs_name(tmpl), quantile_us(ns, STORE_RUNS, 0.5),
               quantile_us(ns, STORE_RUNS, 0.99), STORE_RUNS);
    store_close(st);
    free(ns);
    char *cmd = xasprintf("rm -rf '%s'", tmpl);
    if (system(cmd) != 0)
        ok = false;
    free(cmd);
    free(path);
    free(tmpl);
    return ok;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    bool ok = bench_token();
    ok = bench_store(dir) && ok;
    return ok ? 0 : 1;
}
