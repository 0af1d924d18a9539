/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile QR codes: codes that are not this event's badges (URLs, vCards, Wi-Fi credentials,
 * pretix tickets, a 2,953-byte binary blob in a version-40-L code, control characters, invalid
 * UTF-8, another event's badge, a forged and an altered badge, a revoked one) and a real badge
 * shown as a phone screenshot (small, bezel, glare, moiré). Each is rendered as a camera frame,
 * decoded by the decoder (the bytes must come back exactly), then all frames are replayed
 * through `portier kiosk --camera dir:FRAMES`: one decision per code, the right one, in order,
 * and the whole run must end within a generous bound (a stall detector, not a performance
 * assertion). */
#include <inttypes.h>
#include <math.h>
#include <qrencode.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "camera.h"
#include "check.h"
#include "decoder.h"
#include "event.h"
#include "fixture.h"
#include "image.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "sysclock.h"

#define STALL_SECONDS 60
#define HOLD_FRAMES   3

struct hostile {
    const char *what;
    uint8_t *data; /* owned */
    size_t len;
    bool phone; /* draw as a phone screenshot instead of a clean code */
    const char *result, *reason;
    const char *attendee; /* the attendee the decision names; "" for none */
};

static struct fixture fx;
static struct hostile codes[64];
static size_t n_codes;
static uint64_t rng;

/* Adds a code to the set (data copied). */
static void add(const char *what, const void *data, size_t len, const char *result,
                const char *reason)
{
    struct hostile *h = &codes[n_codes++];
    h->what = what;
    h->data = xmalloc(len + 1);
    memcpy(h->data, data, len);
    h->data[len] = 0;
    h->len = len;
    h->result = result;
    h->reason = reason;
    h->attendee = "";
}

/* Adds a text code that must be refused as invalid. */
static void add_invalid(const char *what, const char *text)
{
    add(what, text, strlen(text), "denied", "invalid");
}

/* Encodes data: as the badges are (text, alphanumeric mode where it can) when as_badge, else
 * as 8-bit bytes; the smallest version that holds it. */
static QRcode *encode(const uint8_t *data, size_t len, QRecLevel level, bool as_badge)
{
    if (as_badge)
        return QRcode_encodeString((const char *)data, 0, level, QR_MODE_8, 1);
    return QRcode_encodeData((int)len, data, 0, level);
}

/* Draws a QR code of data into img with scale px per module and a 4-module quiet zone, at
 * (x0, y0) over whatever img holds. */
static bool draw_code(struct image *img, const uint8_t *data, size_t len, QRecLevel level,
                      bool as_badge, int scale, int x0, int y0, uint8_t dark, uint8_t light)
{
    QRcode *qr = encode(data, len, level, as_badge);
    if (qr == NULL)
        return false;
    int side = (qr->width + 8) * scale;
    for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
            int mx = x / scale - 4, my = y / scale - 4;
            bool on = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
                      (qr->data[my * qr->width + mx] & 1);
            int px = x0 + x, py = y0 + y;
            if (px >= 0 && py >= 0 && px < img->width && py < img->height)
                img->pixels[py * img->stride + px] = on ? dark : light;
        }
    }
    QRcode_free(qr);
    return true;
}

/* The modules of a code (with quiet zone) for data. */
static int code_modules(const uint8_t *data, size_t len, QRecLevel level, bool as_badge)
{
    QRcode *qr = encode(data, len, level, as_badge);
    int w = qr != NULL ? qr->width + 8 : -1;
    QRcode_free(qr);
    return w;
}

/* A clean frame of one code: large enough for 4 px per module, grey surroundings. */
static bool render_clean(const struct hostile *h, struct image *img)
{
    QRecLevel level = h->len > 2331 ? QR_ECLEVEL_L : QR_ECLEVEL_M;
    int modules = code_modules(h->data, h->len, level, false);
    if (modules < 0)
        return false;
    int scale = modules > 100 ? 4 : 6;
    int side = modules * scale + 80;
    if (side < 480)
        side = 480;
    if (!image_init(img, side, side))
        return false;
    memset(img->pixels, 120, (size_t)side * (size_t)side);
    int off = (side - modules * scale) / 2;
    return draw_code(img, h->data, h->len, level, false, scale, off, off, 20, 235);
}

/* A badge on a phone held up to the camera: a small code on a backlit screen inside a dark
 * bezel, the screen's pixel grid beating with the camera's (moiré), a glare spot across a
 * corner of the code, slight blur and sensor noise. */
static bool render_phone(const struct hostile *h, struct image *img)
{
    int w = 640, hgt = 480;
    if (!image_init(img, w, hgt))
        return false;
    for (int y = 0; y < hgt; y++) {
        for (int x = 0; x < w; x++)
            img->pixels[y * w + x] = (uint8_t)(70 + 25 * sin(x * 0.05) * cos(y * 0.031));
    }
    /* The phone: body, then screen. */
    int px = 215, py = 50, pw = 210, ph = 380, bezel = 9;
    for (int y = py; y < py + ph; y++) {
        for (int x = px; x < px + pw; x++)
            img->pixels[y * w + x] = 18;
    }
    int sx = px + bezel, sy = py + 40, sw = pw - 2 * bezel, sh = ph - 80;
    for (int y = sy; y < sy + sh; y++) {
        for (int x = sx; x < sx + sw; x++)
            img->pixels[y * w + x] = 210;
    }
    /* The badge as the phone shows it: the real badge's code (version 5), 3 px per module. */
    int modules = code_modules(h->data, h->len, QR_ECLEVEL_M, true);
    int scale = 3, side = modules * scale;
    int cx = sx + (sw - side) / 2, cy = sy + 40;
    if (!draw_code(img, h->data, h->len, QR_ECLEVEL_M, true, scale, cx, cy, 35, 225))
        return false;
    /* Moiré over the screen, glare over the code's upper right. */
    double gx = cx + side * 0.8, gy = cy + side * 0.2, gs = side * 0.25;
    for (int y = sy; y < sy + sh; y++) {
        for (int x = sx; x < sx + sw; x++) {
            double v = img->pixels[y * w + x];
            v *= 1.0 - 0.18 * (0.5 + 0.5 * sin(2 * M_PI * (x / 2.7 + y / 11.3)));
            double d2 = ((x - gx) * (x - gx) + (y - gy) * (y - gy)) / (2 * gs * gs);
            v += 80 * exp(-d2);
            img->pixels[y * w + x] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
    /* A 3x3 blur and noise over everything. */
    uint8_t *copy = xmalloc((size_t)w * (size_t)hgt);
    memcpy(copy, img->pixels, (size_t)w * (size_t)hgt);
    for (int y = 1; y < hgt - 1; y++) {
        for (int x = 1; x < w - 1; x++) {
            int sum = 0;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++)
                    sum += copy[(y + dy) * w + x + dx] * (dx == 0 && dy == 0 ? 8 : 1);
            }
            int v = sum / 16 + (int)(fixture_rand(&rng) % 9) - 4;
            img->pixels[y * w + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    free(copy);
    return true;
}

/* Reads a token of tokens.csv in dir/badges_dir for attendee id. */
static char *token_in(const char *csv_path, const char *id)
{
    char *text = file_read_all(csv_path, NULL);
    if (text == NULL)
        return NULL;
    char *found = NULL;
    for (char *line = strtok(text, "\n"); line != NULL && found == NULL;
         line = strtok(NULL, "\n")) {
        size_t n = strlen(id);
        if (strncmp(line, id, n) == 0 && line[n] == ',') {
            char *last = strrchr(line, ',');
            found = xstrdup(last + 1);
            found[strcspn(found, "\r")] = '\0';
        }
    }
    free(text);
    return found;
}

/* Builds the set of codes. */
static bool build_codes(void)
{
    /* Another event (its own id and key), a revoked badge, a forged and an altered one. */
    const char *data = getenv("PORTIER_TEST_DATA");
    int rc = fixture_run("cd %s && %s init ev2 --name Other --timezone Europe/Brussels --rooms "
                         "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                         "%s/event/attendees.csv >/dev/null",
                         fx.dir, fx.bin, data, data, data);
    rc = rc == 0 ? fixture_run("cd %s && %s badges ev2 --out badges2 --format csv >/dev/null",
                               fx.dir, fx.bin)
                 : rc;
    /* Revoke A0005's badge, and give the kiosk the new bundle. */
    rc = rc == 0 ? fixture_run("cd %s && %s revoke ev A0005 >/dev/null && %s bundle ev --out "
                               "kiosk >/dev/null",
                               fx.dir, fx.bin, fx.bin)
                 : rc;
    if (rc != 0) {
        fprintf(stderr, "making the other event / revoking failed\n");
        return false;
    }
    char *csv2 = path_join(fx.dir, "badges2/tokens.csv");
    char *csv1 = path_join(fx.dir, "badges/tokens.csv");
    char *other = token_in(csv2, "A0001");
    char *revoked = token_in(csv1, "A0005");
    char *good = token_in(csv1, "A0003");
    char *good2 = token_in(csv1, "A0004");
    free(csv1);
    free(csv2);
    if (other == NULL || revoked == NULL || good == NULL || good2 == NULL)
        return false;

    uint32_t event_id;
    char *db = path_join(fx.kiosk_dir, "event.db");
    bool have_id = event_read_id(db, &event_id);
    free(db);
    if (!have_id || !token_init())
        return false;
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
    token_keypair(pk, sk);
    struct token t = {.event_id = event_id, .attendee_num = 3, .serial = 0};
    char forged[TOKEN_TEXT_LEN + 1];
    if (!token_encode(&t, sk, forged))
        return false;
    char altered[TOKEN_TEXT_LEN + 1];
    memcpy(altered, good2, sizeof altered);
    altered[60] = altered[60] == 'A' ? 'B' : 'A';

    add_invalid("URL", "https://pretix.eu/demo/democon/order/ABC12/secret/");
    add_invalid("long URL", "HTTPS://EXAMPLE.ORG/CHECK-IN?T=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    add_invalid("vCard", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Dieudonn\xc3\xa9;Fran\xc3\xa7oise;;;\r\n"
                         "FN:Fran\xc3\xa7oise Dieudonn\xc3\xa9\r\nORG:ULB\r\n"
                         "EMAIL:francoise@example.org\r\nEND:VCARD\r\n");
    add_invalid("Wi-Fi credentials", "WIFI:T:WPA;S:venue-guests;P:s3cr3t\\;pass;H:false;;");
    add_invalid("pretix ticket secret", "a3jdw8fy7d9hhrusfqx2hnk6wb8fvt4e");
    add_invalid("pretix signed ticket",
                "E4BibCAIKq8q2F7yGWEgpcLPBy7KN9DprrPK8O2aotrwTXzXvfjpXPQRR0NKBrHjh0jQ94bkJK"
                "9gW2EOAgV1CwM6gTSA6xFpmT7ZmAxDwvSMRIs4KRbsmf1IYRkY6qqtzJqpc8k0dgq7TP3vSq8");
    add_invalid("JSON", "{\"ticket\":\"A0003\",\"event\":\"other\"}");
    add_invalid("control characters", "\x01\x02\x03\x1b[31mRED\x1b[0m\x7f\t\r\n\x08\x0c");
    add("NUL bytes", "A0003\0\0\0TOKEN\0", 15, "denied", "invalid");
    add_invalid("invalid UTF-8", "\xff\xfe\xc0\x80\xed\xa0\x80\xf8\x88\x80\x80\x80 caf\xe9");
    add_invalid("emoji and RTL", "\xf0\x9f\x8e\x9f\xef\xb8\x8f \xd9\x85\xd8\xad\xd9\x85\xd8\xaf "
                                 "\xe2\x80\xae\xe2\x80\x8b");
    add_invalid("base32 of the right length", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
                                              "ABCDEFGHIJKLMNOPQRSTUVWX");
    {
        uint8_t blob[2953];
        for (size_t i = 0; i < sizeof blob; i++)
            blob[i] = (uint8_t)(fixture_rand(&rng) >> 24);
        add("2,953-byte binary blob (version 40-L)", blob, sizeof blob, "denied", "invalid");
    }
    {
        char *prefixed = xasprintf("%s%s", good, good);
        add_invalid("badge twice over", prefixed);
        free(prefixed);
    }
    add("another event's badge", other, strlen(other), "denied", "wrong_event");
    add("forged badge (this event, another key)", forged, strlen(forged), "denied", "invalid");
    add("altered badge", altered, strlen(altered), "denied", "invalid");
    add("revoked badge", revoked, strlen(revoked), "denied", "revoked");
    codes[n_codes - 1].attendee = "A0005";
    add("badge as a phone screenshot", good, strlen(good), "admitted", "ok");
    codes[n_codes - 1].phone = true;
    codes[n_codes - 1].attendee = "A0003";
    add("badge after all that", good2, strlen(good2), "admitted", "ok");
    codes[n_codes - 1].attendee = "A0004";
    free(other);
    free(revoked);
    free(good);
    free(good2);
    return true;
}

/* Runs the kiosk over the frames with a watchdog; returns its stdout (owned) and sets *status
 * and *stalled. */
static char *run_kiosk(const char *frames, const char *db, int *status, bool *stalled)
{
    int op[2];
    if (pipe(op) != 0)
        abort();
    char *camera = xasprintf("dir:%s", frames);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(op[1], 1);
        close(op[0]);
        close(op[1]);
        execl(fx.bin, "portier", "kiosk", fx.kiosk_dir, "--headless", "--device", "door-h",
              "--room", "entrance", "--mode", "entry", "--camera", camera, "--scanner", "none",
              "--db", db, "--clock", "2024-04-22T08:30:00+02:00", (char *)NULL);
        _exit(127);
    }
    free(camera);
    close(op[1]);
    /* The watchdog: a second child that kills the kiosk when the bound passes. */
    pid_t dog = fork();
    if (dog == 0) {
        sleep(STALL_SECONDS);
        kill(pid, SIGKILL);
        _exit(0);
    }
    char *out = read_all_fd(op[0]);
    close(op[0]);
    waitpid(pid, status, 0);
    *stalled = WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL;
    kill(dog, SIGKILL);
    waitpid(dog, NULL, 0);
    return out;
}

int main(void)
{
    if (!fixture_setup(&fx, "hostile"))
        return 1;
    rng = fixture_seed();
    CHECK(build_codes());
    char *frames = path_join(fx.dir, "frames");
    CHECK(mkdir_p(frames));
    struct decoder *dec = decoder_create();
    CHECK(dec != NULL);
    static struct decoded found[4];
    size_t wrong_decodes = 0, frame_no = 0;
    struct image blank = {0};
    CHECK(image_init(&blank, 640, 480));
    memset(blank.pixels, 120, 640 * 480);
    for (size_t i = 0; i < n_codes; i++) {
        struct hostile *h = &codes[i];
        struct image img = {0};
        bool drawn = h->phone ? render_phone(h, &img) : render_clean(h, &img);
        CHECK_MSG(drawn, "%s: cannot render", h->what);
        size_t n =
            drawn ? decoder_decode(dec, img.pixels, img.width, img.height, img.stride, found, 4)
                  : 0;
        bool exact =
            n == 1 && found[0].len == h->len && memcmp(found[0].data, h->data, h->len) == 0;
        CHECK_MSG(exact, "%s: the decoder returned %zu codes (%zu bytes) for %zu bytes", h->what, n,
                  n > 0 ? found[0].len : 0, h->len);
        wrong_decodes += !exact;
        /* The phone is held up for HOLD_FRAMES frames, as a person does (the repeats within
         * the 3 s window are ignored: one decision). Shown in one frame only, its small code
         * is missed: the reader's fast pass smooths 3-pixel modules away and its
         * full-resolution fallback waits for a still scene. The other codes are large: one
         * frame each, so that a slow machine never sees a repeat after the window. */
        char *name = NULL;
        for (int k = 0; k < (h->phone ? HOLD_FRAMES : 1); k++) {
            name = xasprintf("%s/frame-%04zu.png", frames, frame_no++);
            CHECK(drawn && image_save_png(&img, name));
            free(name);
        }
        name = xasprintf("%s/frame-%04zu.png", frames, frame_no++);
        CHECK(image_save_png(&blank, name));
        free(name);
        image_finish(&img);
    }
    image_finish(&blank);
    decoder_destroy(dec);

    char *db = path_join(fx.dir, "h.db");
    int status;
    bool stalled;
    int64_t t0 = time_mono_ns();
    char *out = run_kiosk(frames, db, &status, &stalled);
    double secs = (double)(time_mono_ns() - t0) / 1e9;
    CHECK_MSG(!stalled, "the kiosk stalled: killed after %d s", STALL_SECONDS);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the kiosk ended with status %d",
              status);
    /* One decision per code, in order. */
    size_t wrong = 0;
    const char *p = out;
    for (size_t i = 0; i < n_codes; i++) {
        const char *nl = p != NULL ? strchr(p, '\n') : NULL;
        char *line = nl != NULL ? xstrndup(p, (size_t)(nl - p)) : xstrdup("");
        struct decision d;
        bool ok = decision_parse(line, &d) && strcmp(d.result, codes[i].result) == 0 &&
                  strcmp(d.reason, codes[i].reason) == 0 &&
                  strcmp(d.attendee, codes[i].attendee) == 0;
        CHECK_MSG(ok, "%s: expected %s/%s '%s', got: %s", codes[i].what, codes[i].result,
                  codes[i].reason, codes[i].attendee, line);
        wrong += !ok;
        free(line);
        p = nl != NULL ? nl + 1 : NULL;
    }
    CHECK_MSG(p != NULL && *p == '\0', "more decisions than codes: %s", p != NULL ? p : "");
    struct ledger ledger = {0};
    size_t lines = ledger_add_lines(&ledger, out);
    struct ledger_check c;
    ledger_check(&ledger, db, "door-h", &c);
    CHECK(lines == n_codes && c.lost == 0);
    fixture_figures("hostile",
                    "hostile codes: %zu tried, %zu wrong answers, %zu not decoded exactly, "
                    "kiosk %s (%.1f s for the replay)",
                    n_codes, wrong, wrong_decodes, stalled ? "STALLED" : "did not stall", secs);
    ledger_finish(&ledger);
    free(out);
    free(db);
    free(frames);
    for (size_t i = 0; i < n_codes; i++)
        free(codes[i].data);
    fixture_teardown(&fx);
    return check_done();
}
