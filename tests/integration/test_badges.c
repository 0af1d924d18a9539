/* SPDX-License-Identifier: Apache-2.0 */
/* portier init, then portier badges: every badge PNG scans back (through image_load and the
 * zbar decoder) to the token in tokens.csv, which verifies with verify.pub and names the
 * attendee whose id is the file name; the PDF sheet has the right page count; --only and
 * revoke issue a replacement badge and nothing else. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "badge.h"
#include "check.h"
#include "csv.h"
#include "decoder.h"
#include "event.h"
#include "image.h"
#include "token.h"
#include "util.h"
#include "event_db.h"
#include "file.h"

/* LeakSanitizer's hook (a sanitizer build only calls it): fontconfig, under pango, keeps a few
 * hundred bytes it never frees; that is fontconfig's, not ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

static char tmpdir[] = "/tmp/portier-test-badges-XXXXXX";
static const char *portier;

static const char rooms_csv[] = "id,name,capacity\naula,Aula Magna,100\n";
static const char sessions_csv[] =
    "id,room,title,start,end\n"
    "s1,aula,Opening,2024-04-22T09:00:00+02:00,2024-04-22T10:00:00+02:00\n";
/* Accents, Vietnamese, Arabic, a quote and a comma for tokens.csv, a name far too long for a
 * badge, and every category. */
static const char attendees_csv[] =
    "id,name,organisation,email,language,category,sessions\n"
    "A0001,Françoise Dieudonné,Université libre de Bruxelles,f@example.org,fr,attendee,s1\n"
    "A0002,Jürgen Çelik,\"Stadtwerke Köln, Abteilung 4\",j@example.de,en,speaker,\n"
    "A0003,Ngọc Anh,Hanoi Tech,n@example.vn,en,staff,s1\n"
    "A0004,محمد,,m@example.com,en,press,\n"
    "B-7.x_y,\"Olivia \"\"Liv\"\" Maes\",Maes BV,o@example.be,nl,attendee,\n"
    "A0006,Maximiliane Alexandrina Wilhelmina von Hohenzollern-Sigmaringen-Habsburg-"
    "Lothringen,An Organisation With A Remarkably Long Name That Does Not Fit,x@example.be,"
    "nl,speaker,\n";
#define N_ATTENDEES 6

/* Runs a shell command line in tmpdir; returns its exit status (-1 when it did not exit). */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char cmd[4096];
    int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof cmd)
        abort();
    char *full = xasprintf("cd '%s' && %s", tmpdir, cmd);
    int status = system(full);
    free(full);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Reads a file under tmpdir; NULL when missing. */
static char *read_tmp(const char *name, size_t *len)
{
    char *path = path_join(tmpdir, name);
    size_t n = 0;
    char *data = file_read_all(path, &n);
    free(path);
    if (len != NULL)
        *len = n;
    return data;
}

/* Writes a file under tmpdir. */
static void write_tmp(const char *name, const char *text)
{
    char *path = path_join(tmpdir, name);
    CHECK(file_write_atomic(path, text, strlen(text), 0644));
    free(path);
}

/* Counts PDF page objects ("/Type /Page" not followed by 's'). */
static size_t count_pages(const char *pdf, size_t len)
{
    size_t n = 0;
    const char *key = "/Type /Page";
    size_t klen = strlen(key);
    for (size_t i = 0; i + klen <= len; i++) {
        if (memcmp(pdf + i, key, klen) == 0 && (i + klen == len || pdf[i + klen] != 's'))
            n++;
    }
    return n;
}

/* Scans out/<id>.png and returns the one QR payload in it (owned by the caller), or NULL. */
static char *scan_badge(struct decoder *dec, const char *id)
{
    char *name = xasprintf("out/%s.png", id);
    char *path = path_join(tmpdir, name);
    struct image img;
    char *payload = NULL;
    if (image_load(path, &img)) {
        struct decoded out[2];
        size_t n = decoder_decode(dec, img.pixels, img.width, img.height, img.stride, out, 2);
        CHECK_MSG(n == 1, "%s: %zu codes found", name, n);
        if (n >= 1)
            payload = xstrndup((const char *)out[0].data, out[0].len);
        image_finish(&img);
    } else {
        CHECK_MSG(false, "%s does not load", name);
    }
    free(path);
    free(name);
    return payload;
}

struct ctx {
    struct event *ev;
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN];
    struct decoder *dec;
};

/* The token of an attendee in out/tokens.csv (owned by the caller), or NULL. Also checks the
 * file's shape and that every name is the event's byte for byte. */
static char *token_in_csv(const struct ctx *c, const char *id)
{
    size_t len;
    char *text = read_tmp("out/tokens.csv", &len);
    CHECK(text != NULL);
    if (text == NULL)
        return NULL;
    struct csv_error err;
    struct csv *csv = csv_parse(text, len, &err);
    CHECK(csv != NULL && csv->n_records == N_ATTENDEES + 1);
    char *token = NULL;
    if (csv != NULL && csv->n_records > 0) {
        const struct csv_record *h = &csv->records[0];
        CHECK(h->n_fields == 3 && strcmp(h->fields[0], "attendee_id") == 0 &&
              strcmp(h->fields[1], "name") == 0 && strcmp(h->fields[2], "token") == 0);
        for (size_t i = 1; i < csv->n_records; i++) {
            const struct csv_record *r = &csv->records[i];
            if (r->n_fields != 3)
                continue;
            const struct attendee *a = event_attendee_by_id(c->ev, r->fields[0]);
            CHECK_MSG(a != NULL && strcmp(a->name, r->fields[1]) == 0, "row %zu: %s", i,
                      r->fields[1]);
            if (strcmp(r->fields[0], id) == 0)
                token = xstrdup(r->fields[2]);
        }
    }
    csv_destroy(csv);
    free(text);
    return token;
}

/* Checks one badge end to end; returns its serial (or -1). */
static int check_badge(const struct ctx *c, const char *id)
{
    char *payload = scan_badge(c->dec, id);
    char *token = token_in_csv(c, id);
    int serial = -1;
    CHECK_MSG(payload != NULL && token != NULL && strcmp(payload, token) == 0,
              "%s: scanned payload differs from tokens.csv", id);
    if (payload != NULL) {
        struct token t;
        enum token_status st = token_verify(payload, strlen(payload), c->ev->event_id, c->pk, &t);
        CHECK_MSG(st == TOKEN_OK, "%s: %s", id, token_status_text(st));
        if (st == TOKEN_OK) {
            const struct attendee *a = event_attendee_by_num(c->ev, t.attendee_num);
            CHECK_MSG(a != NULL && strcmp(a->id, id) == 0, "%s: token names attendee %u", id,
                      (unsigned)t.attendee_num);
            serial = (int)t.serial;
        }
    }
    free(payload);
    free(token);
    return serial;
}

/* Loads the event and its public key into c. */
static bool load_event(struct ctx *c)
{
    event_destroy(c->ev);
    char *dir = path_join(tmpdir, "ev");
    char *db = path_join(dir, EVENT_DB_NAME);
    c->ev = event_load(db);
    bool ok = c->ev != NULL && event_read_public_key(dir, c->pk);
    free(db);
    free(dir);
    return ok;
}

static void test_all(struct ctx *c)
{
    CHECK(run("%s badges ev --out out > stdout.txt", portier) == 0);
    char *out = read_tmp("stdout.txt", NULL);
    CHECK(out != NULL && strstr(out, "6 badges") != NULL && strstr(out, "out") != NULL);
    free(out);
    for (size_t i = 0; i < c->ev->n_attendees; i++)
        CHECK(check_badge(c, c->ev->attendees[i].id) == 0);

    size_t len;
    char *pdf = read_tmp("out/badges.pdf", &len);
    CHECK(pdf != NULL && len > 4 && memcmp(pdf, "%PDF", 4) == 0);
    if (pdf != NULL)
        CHECK_MSG(count_pages(pdf, len) == (N_ATTENDEES + 3) / 4, "%zu pages",
                  count_pages(pdf, len));
    free(pdf);

    /* tokens.csv: quoting, CRLF, private. */
    char *csv = read_tmp("out/tokens.csv", &len);
    CHECK(csv != NULL && strstr(csv, "\r\nB-7.x_y,\"Olivia \"\"Liv\"\" Maes\",") != NULL);
    CHECK(csv != NULL && strstr(csv, "\r\nA0004,محمد,") != NULL);
    free(csv);
    struct stat st;
    char *path = path_join(tmpdir, "out/tokens.csv");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);
    free(path);
    /* No temporary file is left behind. */
    CHECK(run("ls out | grep -c tmp > /dev/null") != 0);
}

static void test_only_and_revoke(struct ctx *c)
{
    char *old_token = token_in_csv(c, "A0001");
    CHECK(run("rm out/A0002.png out/A0003.png") == 0);
    CHECK(run("%s revoke ev A0001 > /dev/null", portier) == 0);
    CHECK(load_event(c));
    CHECK(run("%s badges ev --out out --only A0001 > /dev/null", portier) == 0);

    /* Only the chosen badge was made; the full sheet is kept, a reprint sheet added. */
    CHECK(run("test -e out/A0002.png") != 0 && run("test -e out/A0003.png") != 0);
    CHECK(check_badge(c, "A0001") == 1);
    char *new_token = token_in_csv(c, "A0001");
    CHECK(old_token != NULL && new_token != NULL && strcmp(old_token, new_token) != 0);
    const struct attendee *a = event_attendee_by_id(c->ev, "A0001");
    CHECK(a != NULL && a->serial == 1 && event_is_revoked(c->ev, a->num, 0) &&
          !event_is_revoked(c->ev, a->num, 1));
    size_t len;
    char *pdf = read_tmp("out/reprint.pdf", &len);
    CHECK(pdf != NULL && count_pages(pdf, len) == 1);
    free(pdf);
    pdf = read_tmp("out/badges.pdf", &len);
    CHECK(pdf != NULL && count_pages(pdf, len) == 2);
    free(pdf);
    /* Other tokens are unchanged (Ed25519 signatures are deterministic). */
    CHECK(check_badge(c, "A0004") == 0);
    free(old_token);
    free(new_token);

    /* Two --only, one format. */
    CHECK(run("%s badges ev --out only2 --only A0002 --only A0003 --format png >/dev/null",
              portier) == 0);
    CHECK(run("test -e only2/A0002.png && test -e only2/A0003.png") == 0);
    CHECK(run("ls only2 | wc -l | grep -qx 2") == 0);
}

static void test_errors(void)
{
    CHECK(run("%s badges ev --out bad --only A0001 --only NOPE-1 2> err.txt", portier) == 1);
    char *err = read_tmp("err.txt", NULL);
    CHECK(err != NULL && strstr(err, "portier: ") == err && strstr(err, "'NOPE-1'") != NULL);
    free(err);
    CHECK(run("test -e bad") != 0); /* nothing written */
    CHECK(run("%s badges ev 2> /dev/null", portier) == 2);
    CHECK(run("%s badges --out x 2> /dev/null", portier) == 2);
    CHECK(run("%s badges ev --out x --format png,gif 2> err.txt", portier) == 2);
    err = read_tmp("err.txt", NULL);
    CHECK(err != NULL && strstr(err, "gif") != NULL);
    free(err);
    CHECK(run("%s badges ev --out x --bogus 2> /dev/null", portier) == 2);
    CHECK(run("%s badges ev extra --out x 2> /dev/null", portier) == 2);
    CHECK(run("%s badges --help | grep -q -- --only", portier) == 0);
    CHECK(run("%s badges nowhere --out x 2> /dev/null", portier) == 1);
    /* A signing key others can read is refused (the event module's rule). */
    CHECK(run("chmod 644 ev/signing.key && %s badges ev --out x 2> /dev/null", portier) == 1);
    CHECK(run("chmod 600 ev/signing.key") == 0);
}

/* In-process: a name and an organisation far too long, and a word wider than the badge, stay
 * inside the margins (shrunk, wrapped, ellipsized; never spilling over the edge); the rendered
 * badge scans. */
static void test_render(struct decoder *dec)
{
    static const char token[] = "AH6AD2Z6A3WQAAABAAMXTSKI5MVDRGBLBR4MZZLBAR2TRCGGAUF3E5TEAI4KX5L"
                                "EFTXWY3KDNDITPLKG5U2KAK3PLYY5XPTTZ54DSYHXHHLJNRVLS2FNNJAL";
    const char *names[] = {
        "Supercalifragilisticexpialidociousandevenlongerthanthatwordhere",
        "Maximiliane Alexandrina Wilhelmina von Hohenzollern-Sigmaringen Habsburg Lothringen",
        "محمد بن عبد الله بن عبد المطلب بن هاشم بن عبد مناف القرشي الهاشمي",
    };
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        struct badge_info b = {"X-1", names[i], names[i], names[i], CATEGORY_PRESS, token};
        struct image img;
        CHECK(badge_render_gray(&b, BADGE_PNG_WIDTH, &img));
        if (img.pixels == NULL)
            continue;
        CHECK(img.width == BADGE_PNG_WIDTH && img.height == BADGE_PNG_HEIGHT);
        /* Text rows (top of the badge to the QR code): the outer 4 mm on each side stay white. */
        double px_per_mm = BADGE_PNG_WIDTH / BADGE_WIDTH_MM;
        int edge = (int)(4 * px_per_mm), bottom = (int)(45 * px_per_mm);
        int dark = 0;
        for (int y = 0; y < bottom; y++) {
            for (int x = 0; x < edge; x++) {
                dark += img.pixels[y * img.stride + x] < 200;
                dark += img.pixels[y * img.stride + img.width - 1 - x] < 200;
            }
        }
        CHECK_MSG(dark == 0, "name %zu: %d dark pixels in the margins", i, dark);
        struct decoded out[1];
        size_t n = decoder_decode(dec, img.pixels, img.width, img.height, img.stride, out, 1);
        CHECK(n == 1 && out[0].len == strlen(token) && memcmp(out[0].data, token, n) == 0);
        image_finish(&img);
    }
    /* A small rendering, as a camera might see the badge, still scans. */
    struct badge_info b = {"A1", "Jürgen Çelik", "", "E", CATEGORY_STAFF, token};
    struct image img;
    CHECK(badge_render_gray(&b, 480, &img));
    struct decoded out[1];
    CHECK(img.pixels != NULL &&
          decoder_decode(dec, img.pixels, img.width, img.height, img.stride, out, 1) == 1 &&
          strcmp((const char *)out[0].data, token) == 0);
    image_finish(&img);
    CHECK(!badge_render_gray(&b, 10, &img));
    CHECK_STR(badge_category_label(CATEGORY_SPEAKER), "SPEAKER");

    struct strbuf sb = {0};
    badge_csv_field(&sb, "plain");
    strbuf_putc(&sb, '|');
    badge_csv_field(&sb, "a,b");
    strbuf_putc(&sb, '|');
    badge_csv_field(&sb, "say \"hi\"\r\n");
    CHECK_STR(sb.data, "plain|\"a,b\"|\"say \"\"hi\"\"\r\n\"");
    strbuf_finish(&sb);
}

int main(void)
{
    portier = getenv("PORTIER_BIN");
    if (portier == NULL || mkdtemp(tmpdir) == NULL) {
        fprintf(stderr, "PORTIER_BIN not set or no temp dir\n");
        return 1;
    }
    if (!token_init())
        return 1;
    /* In a sanitizer build, fontconfig (under pango) leaves 288 bytes it never frees at exit;
     * that is fontconfig's, not ours: tell LeakSanitizer in the portier processes. */
    write_tmp("lsan.supp", "leak:libfontconfig.so\n");
    const char *lsan = getenv("LSAN_OPTIONS");
    char *opts = xasprintf("%s%ssuppressions=%s/lsan.supp:print_suppressions=0",
                           lsan != NULL ? lsan : "", lsan != NULL && *lsan ? ":" : "", tmpdir);
    setenv("LSAN_OPTIONS", opts, 1);
    free(opts);
    write_tmp("rooms.csv", rooms_csv);
    write_tmp("sessions.csv", sessions_csv);
    write_tmp("attendees.csv", attendees_csv);
    int rc = run("%s init ev --name 'Summit 2024' --timezone Europe/Brussels --rooms rooms.csv "
                 "--sessions sessions.csv --attendees attendees.csv > /dev/null",
                 portier);
    CHECK(rc == 0);
    struct ctx c = {0};
    c.dec = decoder_create();
    test_render(c.dec);
    if (rc == 0 && load_event(&c) && c.ev->n_attendees == N_ATTENDEES) {
        test_all(&c);
        test_only_and_revoke(&c);
        test_errors();
    } else {
        CHECK_MSG(false, "event setup failed");
    }
    decoder_destroy(c.dec);
    event_destroy(c.ev);
    badge_release_fonts();
    char *rm = xasprintf("rm -rf '%s'", tmpdir);
    CHECK(system(rm) == 0);
    free(rm);
    return check_done();
}
