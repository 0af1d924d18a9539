/* SPDX-License-Identifier: Apache-2.0 */
/* Disk full and read-only disk: the kiosk refuses new scans (never reports a decision it did
 * not store), keeps what it has, and works again once space (or write access) returns.
 *
 *  1. In process, through the fault VFS: writes fail with SQLITE_FULL (disk full) or
 *     SQLITE_IOERR_WRITE (a disk remounted read-only) from the k-th operation of a scan on, for
 *     every k that falls inside a commit.
 *  2. The real `portier kiosk` under RLIMIT_FSIZE (writes past the limit fail with EFBIG): it
 *     must stop with exit 1 and a message, every line it printed stored; without the limit it
 *     takes scans again.
 *  3. A read-only scan log (file and directory not writable: chmod, and as root a child running
 *     as nobody, since root ignores modes): the kiosk refuses to start, prints no decision and
 *     leaves the file as it was; writable again, it works. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "faultvfs.h"
#include "fixture.h"
#include "kiosk.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"
#include "sysclock.h"

#define DEVICE    "door-full"
#define NOBODY_ID 65534

static struct fixture fx;
static int64_t base_ms;
static int64_t next_idx;

/* Scans the next badge (each scan its own time). */
static bool scan(struct kiosk *k)
{
    int64_t idx = next_idx++;
    const char *tok = fx.tokens[idx % (int64_t)fx.n_tokens];
    return kiosk_handle_payload(k, (const uint8_t *)tok, strlen(tok), base_ms + idx * 5000,
                                time_mono_ns());
}

struct tally {
    int faults;        /* fault injections */
    int refused;       /* scans refused while the disk failed */
    int green_unsaved; /* decisions reported but not stored: must stay 0 */
    size_t lost;       /* confirmed scans missing afterwards */
    int recovered;     /* faults after which the kiosk worked again */
};

/* Part 1: the fault VFS failing writes with err from the k-th operation of a scan on. */
static void vfs_faults(const char *db, int err, int max_k, struct ledger *ledger, struct tally *t)
{
    for (int k = 1; k <= max_k; k++) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        struct kiosk_settings s = fixture_kiosk_settings(&fx, DEVICE, db, out);
        struct kiosk *kk = kiosk_create(&s);
        CHECK_MSG(kk != NULL, "k=%d: the kiosk did not start", k);
        if (kk == NULL) {
            fclose(out);
            free(text);
            continue;
        }
        CHECK(scan(kk));
        t->faults++;
        faultvfs_arm_error((uint64_t)k, err);
        bool refused = false;
        for (int i = 0; i < 10 && !refused; i++) {
            fflush(out);
            size_t before = len;
            if (scan(kk))
                continue;
            refused = true;
            fflush(out);
            CHECK_MSG(len == before, "k=%d: a refused scan was reported", k);
            t->green_unsaved += len != before;
        }
        CHECK_MSG(refused, "k=%d err=%d: no scan was refused", k, err);
        t->refused += refused;
        /* Still failing: every scan is refused, nothing is reported. */
        for (int i = 0; i < 3; i++) {
            fflush(out);
            size_t before = len;
            bool stored = scan(kk);
            fflush(out);
            CHECK(!stored && len == before);
            t->refused += !stored;
            t->green_unsaved += len != before;
        }
        kiosk_destroy(kk);
        fclose(out);
        ledger_add_lines(ledger, text);
        free(text);
        /* What it had is all there while the disk is still full... */
        CHECK(db_integrity_ok(db));
        /* ... and once space returns, a new kiosk starts and takes scans. */
        faultvfs_disarm();
        struct ledger_check c;
        ledger_check(ledger, db, DEVICE, &c);
        CHECK_MSG(c.lost == 0, "k=%d: %zu confirmed scans lost", k, c.lost);
        text = NULL;
        out = open_memstream(&text, &len);
        s = fixture_kiosk_settings(&fx, DEVICE, db, out);
        kk = kiosk_create(&s);
        bool works = kk != NULL && scan(kk) && scan(kk);
        kiosk_destroy(kk);
        fclose(out);
        CHECK_MSG(works, "k=%d: the kiosk did not recover", k);
        t->recovered += works;
        ledger_add_lines(ledger, text);
        free(text);
    }
}

/* "TIMESTAMP<TAB>TOKEN\n" lines for n scans. */
static char *scan_lines(int n)
{
    struct strbuf sb = {0};
    for (int i = 0; i < n; i++) {
        int64_t idx = next_idx++;
        time_t tt = (time_t)((base_ms + idx * 5000) / 1000);
        struct tm tm;
        gmtime_r(&tt, &tm);
        char when[32];
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        strbuf_printf(&sb, "%s\t%s\n", when, fx.tokens[idx % (int64_t)fx.n_tokens]);
    }
    return strbuf_take(&sb);
}

/* Runs the kiosk on db with input on stdin; fsize_limit > 0 sets RLIMIT_FSIZE, as_nobody runs
 * it as uid/gid 65534. Returns stdout (owned); *status its wait status, *err its stderr. */
static char *run_kiosk(const char *db, const char *input, rlim_t fsize_limit, bool as_nobody,
                       int *status, char **err)
{
    char *in_path = path_join(fx.dir, "stdin.txt");
    char *err_path = path_join(fx.dir, "stderr.txt");
    file_write_atomic(in_path, input, strlen(input), 0644);
    int op[2];
    if (pipe(op) != 0)
        abort();
    /* nobody may not reach the build tree (a clone in a 0700 temp dir): run a copy of the
     * program from the test's own directory, which the test opens to everyone. */
    char *bin = as_nobody ? path_join(fx.dir, "portier-nobody") : xstrdup(fx.bin);
    if (as_nobody && fixture_run("cp '%s' '%s' && chmod 0755 '%s'", fx.bin, bin, bin) != 0)
        abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int in = open(in_path, O_RDONLY);
        int er = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || er < 0)
            _exit(126);
        dup2(in, 0);
        dup2(op[1], 1);
        dup2(er, 2);
        close(op[0]);
        if (fsize_limit > 0) {
            /* Past the limit write() fails with EFBIG instead of killing the process. */
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl = {fsize_limit, fsize_limit};
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
                _exit(126);
        }
        if (as_nobody &&
            (setgroups(0, NULL) != 0 || setgid(NOBODY_ID) != 0 || setuid(NOBODY_ID) != 0))
            _exit(126);
        execl(bin, "portier", "kiosk", fx.kiosk_dir, "--headless", "--device", DEVICE, "--room",
              "entrance", "--mode", "toggle", "--camera", "none", "--scanner", "stdin", "--db", db,
              (char *)NULL);
        _exit(127);
    }
    free(bin);
    close(op[1]);
    char *out = read_all_fd(op[0]);
    close(op[0]);
    waitpid(pid, status, 0);
    *err = file_read_all(err_path, NULL);
    if (*err == NULL)
        *err = xstrdup("");
    free(in_path);
    free(err_path);
    return out;
}

/* Counts the lines of s. */
static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The size of a file, or 0. */
static off_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/* Runs the kiosk (no limit) on 5 scans of db, adding its decisions to ledger; true when it
 * ended well with 5 decisions. *err_out (when given) gets its stderr. */
static bool five_scans(const char *db, struct ledger *ledger, char **err_out)
{
    int status;
    char *err, *in = scan_lines(5);
    char *out = run_kiosk(db, in, 0, false, &status, &err);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && count_lines(out) == 5;
    ledger_add_lines(ledger, out);
    free(in);
    free(out);
    if (err_out != NULL)
        *err_out = err;
    else
        free(err);
    return ok;
}

/* Part 2: the real kiosk running into RLIMIT_FSIZE. */
static void fsize_limit(struct ledger *ledger, struct tally *t)
{
    char *db = path_join(fx.dir, "fsize.db");
    CHECK(five_scans(db, ledger, NULL));
    int status;
    char *err, *in, *out;

    /* Room for the database as it is and a few WAL frames: the disk fills during the burst. */
    rlim_t limit = (rlim_t)file_size(db) + 40000;
    in = scan_lines(200);
    out = run_kiosk(db, in, limit, false, &status, &err);
    t->faults++;
    size_t printed = count_lines(out);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1,
              "the kiosk on a full disk ended with status %d", status);
    CHECK_MSG(printed < 200, "all 200 scans were reported on a full disk");
    CHECK_MSG(strstr(err, "could not be stored") != NULL, "no message on stderr: %s", err);
    t->refused += printed < 200;
    ledger_add_lines(ledger, out);
    struct ledger_check c;
    ledger_check(ledger, db, DEVICE, &c);
    CHECK_MSG(c.lost == 0, "%zu confirmed scans lost on a full disk", c.lost);
    t->green_unsaved += (int)c.lost;
    CHECK(db_integrity_ok(db));
    free(in);
    free(out);
    free(err);

    /* Space returns. */
    bool works = five_scans(db, ledger, &err);
    CHECK_MSG(works, "the kiosk did not recover after the disk full: %s", err);
    t->recovered += works;
    ledger_check(ledger, db, DEVICE, &c);
    CHECK(c.lost == 0);
    t->lost += c.lost;
    free(err);
    free(db);
}

/* Part 3: a read-only scan log. */
static void read_only(struct ledger *ledger, struct tally *t)
{
    char *ro = path_join(fx.dir, "ro");
    char *db = path_join(ro, "scans.db");
    CHECK(mkdir_p(ro));
    CHECK(five_scans(db, ledger, NULL));
    int status;
    char *err, *in, *out;
    char *before = file_read_all(db, NULL);
    off_t size_before = file_size(db);

    /* Nothing writable; as root (modes do not bind root) the kiosk runs as nobody. */
    bool root = geteuid() == 0;
    CHECK(fixture_run("chmod -R go+rX '%s' && chmod 0444 '%s' && chmod 0555 '%s'", fx.dir, db,
                      ro) == 0);
    in = scan_lines(5);
    out = run_kiosk(db, in, 0, root, &status, &err);
    t->faults++;
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1,
              "the kiosk on a read-only log ended with status %d", status);
    CHECK_MSG(count_lines(out) == 0, "decisions reported on a read-only log: %s", out);
    CHECK_MSG(strncmp(err, "portier: ", 9) == 0, "no message on stderr: %s", err);
    t->refused += count_lines(out) == 0;
    t->green_unsaved += (int)count_lines(out);
    char *after = file_read_all(db, NULL);
    CHECK(before != NULL && after != NULL && file_size(db) == size_before &&
          memcmp(before, after, (size_t)size_before) == 0);
    free(after);
    free(in);
    free(out);
    free(err);

    /* Writable again. */
    CHECK(fixture_run("chmod 0755 '%s' && chmod 0644 '%s'", ro, db) == 0);
    in = scan_lines(5);
    out = run_kiosk(db, in, 0, false, &status, &err);
    bool works = WIFEXITED(status) && WEXITSTATUS(status) == 0 && count_lines(out) == 5;
    CHECK_MSG(works, "the kiosk did not recover on a writable log: %s", err);
    t->recovered += works;
    ledger_add_lines(ledger, out);
    struct ledger_check c;
    ledger_check(ledger, db, DEVICE, &c);
    CHECK(c.lost == 0);
    t->lost += c.lost;
    free(before);
    free(in);
    free(out);
    free(err);
    free(db);
    free(ro);
}

int main(void)
{
    if (!fixture_setup(&fx, "diskfull"))
        return 1;
    CHECK(time_parse_iso8601("2024-04-22T08:00:00+02:00", &base_ms));
    int max_k = fixture_full() ? 40 : 12;
    struct tally t = {0};

    /* Part 1 runs with the fault VFS as the default; parts 2 and 3 are other processes. */
    CHECK(faultvfs_register(true));
    faultvfs_reset(fixture_seed());
    char *db = path_join(fx.dir, "vfs.db");
    struct ledger vfs_ledger = {0};
    vfs_faults(db, SQLITE_FULL, max_k, &vfs_ledger, &t);
    vfs_faults(db, SQLITE_IOERR_WRITE, max_k, &vfs_ledger, &t);
    faultvfs_restore_default();
    struct ledger_check c;
    ledger_check(&vfs_ledger, db, DEVICE, &c);
    CHECK(c.lost == 0 && vfs_ledger.conflicts == 0);
    t.lost += c.lost + vfs_ledger.conflicts;
    ledger_finish(&vfs_ledger);
    free(db);

    struct ledger fsize_ledger = {0}, ro_ledger = {0};
    fsize_limit(&fsize_ledger, &t);
    read_only(&ro_ledger, &t);
    ledger_finish(&fsize_ledger);
    ledger_finish(&ro_ledger);

    CHECK(t.green_unsaved == 0 && t.lost == 0 && t.recovered == t.faults);
    fixture_figures("diskfull",
                    "disk full / read-only: %d faults, %d scans refused, %d decisions reported "
                    "without being stored, %zu confirmed scans lost, recovered %d of %d",
                    t.faults, t.refused, t.green_unsaved, t.lost, t.recovered, t.faults);
    fixture_teardown(&fx);
    return check_done();
}
