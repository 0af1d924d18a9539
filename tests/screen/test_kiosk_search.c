/* SPDX-License-Identifier: Apache-2.0 */
/* The search screen wired to a real kiosk (offscreen): a staff badge scanned twice opens the
 * staff menu, "Find a person" opens the search, keys typed on the on-screen keyboard search
 * the event (folded: "dieu" finds "Françoise Dieudonné"), the tapped result is admitted by
 * hand: a decision line with reason manual and the staff member's id, in the scan log too. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csv.h"
#include "csv_file.h"
#include "kiosk_internal.h"
#include "kiosk_staff.h"
#include "shell.h"
#include "timeutil.h"
#include "ui_internal.h"
#include "util.h"
#include "file.h"
#include "sysclock.h"

/* Draws a frame of the kiosk's search view, then hands the ui's actions to the kiosk as its
 * loop does; returns the last action. */
static enum ui_action step(struct kiosk *k)
{
    struct ui_input in;
    enum ui_action last = UI_ACTION_NONE;
    int64_t now = time_mono_ns() / 1000000;
    while (ui_poll(k->ui, now, &in)) {
        kiosk_staff_ui(k, &in);
        last = in.action;
    }
    struct ui_view v = {0};
    v.lang = LANG_EN;
    v.mode = MODE_ENTRY;
    kiosk_staff_fill_view(k, &v);
    ui_frame(k->ui, &v, now);
    return last;
}

/* The token of attendee id in tokens.csv. */
static char *token_of(const char *dir, const char *id)
{
    char *path = path_join(dir, "badges/tokens.csv");
    struct csv *csv = csv_read_file(path);
    free(path);
    char *tok = NULL;
    for (size_t i = 1; csv != NULL && i < csv->n_records; i++) {
        if (strcmp(csv->records[i].fields[0], id) == 0)
            tok = xstrdup(csv->records[i].fields[2]);
    }
    csv_destroy(csv);
    CHECK(tok != NULL);
    return tok ? tok : xstrdup("");
}

int main(void)
{
    const char *bin = getenv("PORTIER_BIN"), *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-kiosk-search-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL);
    CHECK(test_sh("cd %s && %s init ev --name Test --timezone Europe/Brussels --rooms "
                  "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && %s badges ev --out badges --format csv "
                  ">/dev/null && %s bundle ev --out kiosk >/dev/null",
                  dir, bin, data, data, data, bin, bin) == 0);
    char *kiosk_dir = path_join(dir, "kiosk"), *db = path_join(dir, "k.db");
    char *out_path = path_join(dir, "out.jsonl");
    FILE *out = fopen(out_path, "w+");
    CHECK(out != NULL);
    struct kiosk_settings s = {0};
    s.kiosk_dir = kiosk_dir;
    s.device_id = "door-aula";
    s.room_id = "aula";
    s.mode = MODE_ENTRY;
    s.db_path = db;
    s.camera = "none";
    s.scanner = "none";
    s.clock_fixed = true;
    CHECK(time_parse_iso8601("2024-04-22T08:30:00+02:00", &s.clock_start_ms));
    rules_config_default(&s.rules);
    s.out = out;
    s.display = UI_OFFSCREEN;
    s.lang = LANG_EN;
    s.width = 800;
    s.height = 480;
    s.mute = true;
    struct kiosk *k = kiosk_create(&s);
    CHECK(k != NULL);
    if (k == NULL || out == NULL)
        return check_done();

    /* A staff badge twice (the second past the 3 s repeat window) opens the staff menu. */
    char *staff = token_of(dir, "A0007");
    int64_t t = s.clock_start_ms;
    CHECK(kiosk_handle_payload(k, (const uint8_t *)staff, strlen(staff), t, time_mono_ns()));
    CHECK(kiosk_handle_payload(k, (const uint8_t *)staff, strlen(staff), t + 4000, time_mono_ns()));
    step(k);
    CHECK(ui_inject_tap_button(k->ui, UI_ACTION_SEARCH_OPEN, 0));
    CHECK(step(k) == UI_ACTION_SEARCH_OPEN);
    /* "dieu" on the on-screen keyboard: after "d" nothing (too short), then one result. */
    const char *typed = "dieu";
    for (const char *c = typed; *c; c++) {
        CHECK(ui_inject_tap_button(k->ui, UI_ACTION_SEARCH_KEY, *c));
        CHECK(step(k) == UI_ACTION_SEARCH_QUERY);
        struct ui_view v = {0};
        kiosk_staff_fill_view(k, &v);
        CHECK(v.search.too_short == (c == typed));
    }
    struct ui_view v = {0};
    kiosk_staff_fill_view(k, &v);
    CHECK(v.search.n == 1 && v.search.total == 1);
    if (v.search.n == 1) {
        CHECK_STR(v.search.rows[0].name, "Françoise Dieudonné");
        CHECK_STR(v.search.rows[0].organisation, "Université libre de Bruxelles");
        CHECK_STR(v.search.rows[0].detail, "attendee · not checked in");
    }
    /* Tap the result, then "Admit". */
    CHECK(ui_inject_tap_button(k->ui, UI_ACTION_SEARCH_PICK, 0));
    step(k);
    CHECK(ui_inject_tap_button(k->ui, UI_ACTION_SEARCH_ADMIT, 0));
    CHECK(step(k) == UI_ACTION_SEARCH_ADMIT);
    fflush(out);
    char *lines = file_read_all(out_path, NULL);
    CHECK(lines != NULL && strstr(lines, "\"attendee\":\"A0001\"") != NULL &&
          strstr(lines, "\"result\":\"admitted\",\"reason\":\"manual\",\"occupancy\":1,"
                        "\"capacity\":120,\"staff\":\"A0007\"}") != NULL);
    CHECK(store_scan_count(k->store) == 3); /* the staff badge twice, the admission */
    free(lines);
    kiosk_destroy(k);
    fclose(out);
    free(staff);
    free(kiosk_dir);
    free(db);
    free(out_path);
    test_sh("rm -rf %s", dir);
    return check_done();
}
