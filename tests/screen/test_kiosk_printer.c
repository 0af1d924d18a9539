/* SPDX-License-Identifier: Apache-2.0 */
/* The kiosk's badge printer against a real CUPS scheduler (tests/support/cups_harness.h), with
 * the screen under SDL's offscreen driver: a badge handed to the kiosk prints and its QR code
 * (pdftoppm + zbarimg) is the attendee's token; the staff menu shows the printer's line, and
 * when the printer runs out of labels, what to do and a Retry button that prints the badge
 * once the labels are back. The frames are saved as PNGs (PORTIER_UI_SHOTS=DIR keeps them:
 * docs/screenshots/kiosk-printer-*.png and trouble-printer-*.png are made so;
 * staff-menu-printer-empty-*.png at every size come from test_ui_screens). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "cups_harness.h"
#include "kiosk_internal.h"
#include "shell.h"
#include "sysclock.h"
#include "timeutil.h"
#include "util.h"

#define WAIT_MS 20000

static const char *shots;

/* Waits until the kiosk's printer watcher reports want (and, with job_after > 0, a job newer
 * than that); the last state seen. */
static enum ui_printer_state wait_printer(struct kiosk *k, enum ui_printer_state want,
                                          int job_after, struct kiosk_printer_state *st)
{
    for (int waited = 0; waited < WAIT_MS; waited += 50) {
        kiosk_printer_state(k->printer, st);
        if (st->state == want && st->job > job_after)
            break;
        nanosleep(&(struct timespec){0, 50000000}, NULL);
    }
    return st->state;
}

/* The job's label decodes (at 300 dpi) to token. */
static void check_printed(const struct cups_harness *h, int job, const char *token)
{
    char pdf[CUPS_HARNESS_PATH], line[512];
    cups_harness_output(h, "brother-ql", job, pdf, sizeof pdf);
    test_pdf_qr(pdf, line, sizeof line);
    CHECK_MSG(strcmp(line, token) == 0, "job %d decodes to '%s'", job, line);
}

/* Saves the kiosk's screen as NAME-800x480.png in the shots folder. */
static void shot(struct kiosk *k, const char *name)
{
    char path[1024];
    int w, h;
    ui_size(k->ui, &w, &h);
    snprintf(path, sizeof path, "%s/%s-%dx%d.png", shots, name, w, h);
    CHECK_MSG(kiosk_screenshot(k, path), "%s", path);
}

/* Taps the centre of a named element of the last frame; false when it was not drawn. */
static bool tap(struct kiosk *k, int element)
{
    struct ui_rect r;
    if (!ui_element_rect(k->ui, element, &r))
        return false;
    ui_inject_tap(k->ui, r.x + r.w / 2, r.y + r.h / 2);
    return true;
}

/* Takes the screen's actions as the kiosk's loop does; true when Retry was among them. */
static bool poll_retry(struct kiosk *k)
{
    struct ui_input in;
    bool retry = false;
    int64_t now = time_mono_ns() / 1000000;
    while (ui_poll(k->ui, now, &in)) {
        if (in.action == UI_ACTION_PRINT_RETRY) {
            retry = true;
            CHECK(kiosk_printer_retry(k->printer));
        }
    }
    return retry;
}

static void run(const char *dir, struct cups_harness *h)
{
    char path[1024], token[256];
    test_sh_line(token, sizeof token,
                 "grep '^A0001,' %s/badges/tokens.csv | tr -d '\\r' | cut -d, -f3", dir);
    CHECK_MSG(strlen(token) > 100, "token '%s'", token);

    struct kiosk_settings s = {0};
    snprintf(path, sizeof path, "%s/kiosk", dir);
    s.kiosk_dir = path;
    s.device_id = "desk-1";
    s.room_id = "entrance";
    s.mode = MODE_ENTRY;
    char db[1100];
    snprintf(db, sizeof db, "%s/k.db", dir);
    s.db_path = db;
    s.camera = "none";
    s.scanner = "none";
    rules_config_default(&s.rules);
    s.display = UI_OFFSCREEN;
    s.width = 800;
    s.height = 480;
    s.mute = true;
    s.lang = LANG_EN;
    s.printer = "brother-ql";
    s.label = BADGE_LABEL_CR80;
    struct kiosk *k = kiosk_create(&s);
    CHECK(k != NULL && k->printer != NULL);
    if (k == NULL || k->printer == NULL) {
        kiosk_destroy(k);
        return;
    }
    int64_t now = time_mono_ns() / 1000000;
    ui_staff_badge(k->ui, "Sam (staff)", now);
    CHECK(ui_staff_badge(k->ui, "Sam (staff)", now + 500)); /* a second scan opens the menu */

    /* Ready: one line, no Retry. */
    struct kiosk_printer_state st;
    CHECK(wait_printer(k, UI_PRINTER_READY, -1, &st) == UI_PRINTER_READY);
    shot(k, "kiosk-printer-ready");
    struct ui_rect r;
    CHECK(ui_element_rect(k->ui, UI_EL_PRINTER, &r) && r.w > 0);
    CHECK(!ui_element_rect(k->ui, UI_EL_PRINT_RETRY, &r));

    /* A badge prints. */
    CHECK(kiosk_print_attendee(k, "A0001", token));
    CHECK(!kiosk_print_attendee(k, "NOBODY", token));
    CHECK_MSG(wait_printer(k, UI_PRINTER_READY, 0, &st) == UI_PRINTER_READY, "state %d: %s",
              st.state, st.message);
    CHECK_STR(st.attendee, "A0001");
    check_printed(h, st.job, token);
    int first = st.job;

    /* Out of labels: the staff menu says so and offers Retry. */
    CHECK(cups_harness_set_empty(h, "brother-ql", true));
    CHECK(kiosk_print_attendee(k, "A0001", token));
    CHECK_MSG(wait_printer(k, UI_PRINTER_OUT_OF_MEDIA, first, &st) == UI_PRINTER_OUT_OF_MEDIA,
              "state %d: %s", st.state, st.message);
    CHECK(st.can_retry);
    shot(k, "kiosk-printer-empty");
    CHECK(ui_element_rect(k->ui, UI_EL_PRINT_RETRY, &r));
    int failed = st.job;

    /* The trouble screen (here: the clock was never set) shows the printer too. */
    ui_staff_close(k->ui);
    struct ui_view v = {0};
    v.lang = LANG_FR;
    v.event_name = "Symposium 2026";
    v.trouble = UI_TROUBLE_CLOCK;
    v.diag.clock_synced = false;
    kiosk_printer_view(&st, &v.printer);
    int sw, sh;
    ui_size(k->ui, &sw, &sh);
    snprintf(path, sizeof path, "%s/trouble-printer-fr-%dx%d.png", shots, sw, sh);
    CHECK(ui_screenshot(k->ui, &v, now + 1000, path));
    CHECK(ui_element_rect(k->ui, UI_EL_PRINTER, &r));

    /* Labels back, Retry tapped: the badge prints once. */
    ui_staff_badge(k->ui, "Sam (staff)", now + 2000);
    CHECK(ui_staff_badge(k->ui, "Sam (staff)", now + 2500));
    shot(k, "kiosk-printer-empty");
    CHECK(cups_harness_set_empty(h, "brother-ql", false));
    CHECK(tap(k, UI_EL_PRINT_RETRY));
    CHECK(poll_retry(k));
    CHECK_MSG(wait_printer(k, UI_PRINTER_READY, failed, &st) == UI_PRINTER_READY, "state %d: %s",
              st.state, st.message);
    check_printed(h, st.job, token);
    CHECK(!st.can_retry);
    cups_harness_output(h, "brother-ql", failed, path, sizeof path);
    CHECK_MSG(access(path, F_OK) != 0, "the failed job %d printed too", failed);
    kiosk_destroy(k);
}

/* A kiosk whose queue does not exist says so and offers Retry. */
static void run_no_queue(const char *dir)
{
    char path[1024], db[1100];
    struct kiosk_settings s = {0};
    snprintf(path, sizeof path, "%s/kiosk", dir);
    snprintf(db, sizeof db, "%s/k2.db", dir);
    s.kiosk_dir = path;
    s.device_id = "desk-2";
    s.room_id = "entrance";
    s.mode = MODE_ENTRY;
    s.db_path = db;
    s.camera = "none";
    s.scanner = "none";
    rules_config_default(&s.rules);
    s.headless = true;
    s.printer = "no-such-queue";
    s.label = BADGE_LABEL_A6;
    struct kiosk *k = kiosk_create(&s);
    CHECK(k != NULL);
    if (k == NULL)
        return;
    struct kiosk_printer_state st;
    CHECK(wait_printer(k, UI_PRINTER_ERROR, -1, &st) == UI_PRINTER_ERROR);
    CHECK_MSG(strstr(st.message, "no-such-queue") != NULL, "%s", st.message);
    CHECK(kiosk_print_attendee(k, "A0002", "ABC"));
    for (int i = 0; i < 100 && !st.can_retry; i++) {
        nanosleep(&(struct timespec){0, 50000000}, NULL);
        kiosk_printer_state(k->printer, &st);
    }
    CHECK(st.state == UI_PRINTER_ERROR && st.can_retry);
    kiosk_destroy(k);
}

/* A print server that accepts connections and never answers: the kiosk still stops within
 * KIOSK_PRINTER_STOP_MS (plus a margin), without waiting out the request's timeout. */
static void run_hung_server(const char *dir)
{
    char sock[100], path[1024], db[1100];
    snprintf(sock, sizeof sock, "%s/hung.sock", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock);
    CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && listen(fd, 16) == 0);
    char *saved = xstrdup(getenv("CUPS_SERVER") ? getenv("CUPS_SERVER") : "");
    setenv("CUPS_SERVER", sock, 1);
    struct kiosk_settings s = {0};
    snprintf(path, sizeof path, "%s/kiosk", dir);
    snprintf(db, sizeof db, "%s/k3.db", dir);
    s.kiosk_dir = path;
    s.device_id = "desk-3";
    s.room_id = "entrance";
    s.mode = MODE_ENTRY;
    s.db_path = db;
    s.camera = "none";
    s.scanner = "none";
    rules_config_default(&s.rules);
    s.headless = true;
    s.printer = "brother-ql";
    s.label = BADGE_LABEL_62MM;
    struct kiosk *k = kiosk_create(&s);
    CHECK(k != NULL);
    nanosleep(&(struct timespec){0, 300000000}, NULL); /* the watcher is waiting on the server */
    struct kiosk_printer_state st;
    if (k != NULL) {
        kiosk_printer_state(k->printer, &st);
        CHECK(st.state == UI_PRINTER_CHECKING);
    }
    int64_t t0 = time_mono_ns();
    kiosk_destroy(k);
    double ms = (double)(time_mono_ns() - t0) / 1e6;
    CHECK_MSG(ms < 1500, "kiosk_destroy took %.0f ms", ms); /* the kiosk stops within 2 s */
    setenv("CUPS_SERVER", saved, 1);
    free(saved);
    close(fd);
}

int main(void)
{
    const char *bin = getenv("PORTIER_BIN"), *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-kprint-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL && bin != NULL && data != NULL);
    if (dir == NULL || bin == NULL || data == NULL)
        return check_done();
    shots = getenv("PORTIER_UI_SHOTS") != NULL ? getenv("PORTIER_UI_SHOTS") : dir;
    CHECK(test_sh("cd %s && %s init ev --name 'Symposium 2026' --timezone Europe/Brussels "
                  "--rooms %s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && %s badges ev --out badges --format csv "
                  ">/dev/null && %s bundle ev --out kiosk >/dev/null",
                  dir, bin, data, data, data, bin, bin) == 0);
    struct cups_harness *h = cups_harness_start();
    CHECK(h != NULL);
    if (h != NULL) {
        CHECK(cups_harness_add_queue(h, "brother-ql"));
        run(dir, h);
        run_no_queue(dir);
        run_hung_server(dir);
        if (check_failed > 0)
            cups_harness_print_log(h);
        cups_harness_destroy(h);
    }
    test_sh("rm -rf %s", dir);
    return check_done();
}
