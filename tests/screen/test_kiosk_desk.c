/* SPDX-License-Identifier: Apache-2.0 */
/* The registration desk (issue 15) on a real kiosk under SDL's offscreen driver, with a real
 * CUPS scheduler (tests/support/cups_harness.h): a staff badge opens the search screen at once
 * (--desk); a result's "Reprint badge" revokes the old serial in event.db (the old badge is then
 * refused revoked) and prints the new one, whose QR decodes (pdftoppm + zbarimg) to the token
 * the device key signs; "Register walk-in" takes a name on the on-screen keyboard (capitals at
 * each word's start) and an organisation on a physical keyboard (SDL text input), issues the
 * badge, prints it (decoded too) and checks the walk-in in (event.db and the scan log hold
 * them); a name already registered is shown as a possible duplicate before anything is made, an
 * empty name is refused on the form; a printer out of labels shows on the issued screen with
 * Retry; an admission by hand shows its answer over the search, which comes back. Without a
 * printer the issued screen says to write the attendee id down; without a device key it says
 * the kiosk cannot make badges. The run goes at 800x480 in Dutch, 1280x800 in French, 1920x1080
 * in English and 480x800 (portrait) in French, no text leaving its box or cut short at any.
 * Bad input gets its answer on the screen and on the headless channel (staff action lines sent
 * to the same kiosk): a query too short, an empty name, a possible duplicate (listed with
 * "matches", made only with "confirm":true), a badge that is not staff, a printer offline
 * (the issued screen with Retry; "printer":"offline" in the headless answer);
 * PORTIER_UI_SHOTS=DIR keeps the screens (docs/screenshots/desk-*.png are made so). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "cups_harness.h"
#include "devkey.h"
#include "event.h"
#include "event_db.h"
#include "file.h"
#include "keyboard.h"
#include "kiosk_desk.h"
#include "kiosk_internal.h"
#include "kiosk_staff.h"
#include "shell.h"
#include "sysclock.h"
#include "timeutil.h"
#include "token.h"
#include "ui_internal.h"
#include "util.h"

#define WAIT_MS 20000
#define QUEUE   "desk-ql"

static char *dir;
static const char *shots;
static struct cups_harness *cups;

/* Taps the centre of the kiosk's button with action a and value. */
static bool tap_button(struct kiosk *k, enum ui_action a, int value)
{
    return ui_inject_tap_button(k->ui, a, value);
}

/* The kiosk's view now, as its loop fills it for the screens of the desk. */
static void view_of(struct kiosk *k, struct ui_view *v)
{
    memset(v, 0, sizeof *v);
    v->lang = k->lang;
    v->mode = k->settings.mode;
    v->entrance = true;
    v->event_name = k->event->name;
    kiosk_staff_fill_view(k, v);
    if (k->printer != NULL) {
        kiosk_printer_state(k->printer, &k->printer_st);
        kiosk_printer_view(&k->printer_st, &v->printer);
    }
    kiosk_desk_fill_view(k, v);
}

/* Hands the screen's actions to the kiosk as its loop does, then draws a frame; returns the
 * screen drawn. */
static enum ui_screen step(struct kiosk *k)
{
    struct ui_input in;
    int64_t now = time_mono_ns() / 1000000;
    while (ui_poll(k->ui, now, &in)) {
        if (in.action == UI_ACTION_PRINT_RETRY)
            CHECK(kiosk_printer_retry(k->printer));
        else if (!kiosk_staff_ui(k, &in))
            kiosk_desk_ui(k, &in);
    }
    struct ui_view v;
    view_of(k, &v);
    ui_frame(k->ui, &v, now);
    CHECK_MSG(ui_text_overflows(k->ui) == 0, "text left its box on screen %d",
              (int)ui_current_screen(k->ui, &v, now));
    return ui_current_screen(k->ui, &v, now);
}

/* Types text on the on-screen keyboard, a frame after each key. */
static void type_keys(struct kiosk *k, const char *text)
{
    for (const char *c = text; *c != '\0'; c++) {
        CHECK(tap_button(k, UI_ACTION_SEARCH_KEY, *c));
        step(k);
    }
}

/* Types text on a physical keyboard (an SDL text input event). */
static void type_physical(struct kiosk *k, const char *text)
{
    SDL_Event ev = {0};
    ev.type = SDL_TEXTINPUT;
    snprintf(ev.text.text, sizeof ev.text.text, "%s", text);
    CHECK(SDL_PushEvent(&ev) == 1);
    step(k);
}

/* Waits until the issued badge's printing is want; the last state seen. */
static enum ui_issued_print wait_print(struct kiosk *k, enum ui_issued_print want)
{
    struct ui_view v;
    for (int waited = 0; waited < WAIT_MS; waited += 50) {
        step(k);
        view_of(k, &v);
        if (v.desk.issued.print == want)
            break;
        nanosleep(&(struct timespec){0, 50000000}, NULL);
    }
    return v.desk.issued.print;
}

/* Saves the screen as desk-NAME-LANG-WxH.png in the shots folder. */
static void shot(struct kiosk *k, const char *name)
{
    char path[1024];
    int w, h;
    step(k);
    ui_size(k->ui, &w, &h);
    snprintf(path, sizeof path, "%s/desk-%s-%s-%dx%d.png", shots, name, language_name(k->lang), w,
             h);
    CHECK_MSG(kiosk_screenshot(k, path), "%s", path);
    CHECK_MSG(ui_text_overflows(k->ui) == 0, "%s: text left its box", path);
    CHECK_MSG(ui_text_ellipsized(k->ui) == 0, "%s: text cut short (…)", path);
}

/* The printer's last job decodes (at 300 dpi) to token. */
static void check_printed(struct kiosk *k, const char *token)
{
    char pdf[CUPS_HARNESS_PATH], line[512];
    cups_harness_output(cups, QUEUE, k->printer_st.job, pdf, sizeof pdf);
    test_pdf_qr(pdf, line, sizeof line);
    CHECK_MSG(strcmp(line, token) == 0, "job %d decodes to '%s'", k->printer_st.job, line);
}

/* The token of attendee id in badges/tokens.csv. */
static void badge_token(const char *id, char *out, size_t n)
{
    test_sh_line(out, n, "grep '^%s,' %s/badges/tokens.csv | tr -d '\\r' | cut -d, -f3", id, dir);
    CHECK_MSG(strlen(out) == TOKEN_TEXT_LEN, "token of %s: '%s'", id, out);
}

/* The token the device key of file signs for (num, serial): signatures are deterministic, so it
 * is the badge the kiosk must have made. */
static void signed_token(const char *file, uint32_t event_id, uint32_t num, uint32_t serial,
                         char *out)
{
    char *path = path_join(dir, file);
    char *text = file_read_all(path, NULL);
    struct device_key dk;
    uint8_t sk[TOKEN_SECRET_KEY_LEN];
    uint32_t ev_id;
    char err[256];
    CHECK_MSG(text != NULL && devkey_file_parse(text, &ev_id, &dk, sk, err, sizeof err), "%s",
              path);
    struct token t = {.event_id = event_id, .attendee_num = num, .serial = serial};
    CHECK(token_encode(&t, sk, out));
    free(text);
    free(path);
}

/* An entrance desk on the bundle in folder bundle (a copy of its own), at w x h in lang. */
static struct kiosk *open_desk(const char *bundle, const char *key, const char *printer, int w,
                               int h, enum language lang, FILE *out)
{
    CHECK(test_sh("cd %s && %s bundle ev --out %s >/dev/null", dir, getenv("PORTIER_BIN"),
                  bundle) == 0);
    struct kiosk_settings s = {0};
    static char kiosk_dir[1024], db[1100], key_path[1100];
    snprintf(kiosk_dir, sizeof kiosk_dir, "%s/%s", dir, bundle);
    snprintf(db, sizeof db, "%s/%s.db", dir, bundle);
    s.kiosk_dir = kiosk_dir;
    s.device_id = "desk-1";
    s.room_id = "entrance";
    s.mode = MODE_ENTRY;
    s.db_path = db;
    s.camera = "none";
    s.scanner = "none";
    s.clock_fixed = true;
    CHECK(time_parse_iso8601("2024-04-22T08:30:00+02:00", &s.clock_start_ms));
    rules_config_default(&s.rules);
    s.out = out;
    s.display = UI_OFFSCREEN;
    s.lang = lang;
    s.width = w;
    s.height = h;
    s.mute = true;
    s.desk = true;
    s.printer = printer;
    s.label = BADGE_LABEL_CR80;
    if (key != NULL) {
        snprintf(key_path, sizeof key_path, "%s/%s", dir, key);
        s.device_key = key_path;
    }
    struct kiosk *k = kiosk_create(&s);
    CHECK(k != NULL);
    return k;
}

/* The staff badge of A0007 scanned once: the desk opens the search screen at once. */
static void log_in(struct kiosk *k)
{
    char staff[256];
    badge_token("A0007", staff, sizeof staff);
    CHECK(kiosk_handle_payload(k, (const uint8_t *)staff, strlen(staff), kiosk_now(k),
                               time_mono_ns()));
    CHECK_MSG(step(k) == UI_SCREEN_SEARCH, "a staff badge at a desk opens the search");
    shot(k, "search-start");
}

/* Searches query and picks the first result. */
static void search_pick(struct kiosk *k, const char *query)
{
    CHECK(tap_button(k, UI_ACTION_SEARCH_KEY, KEYBOARD_CLEAR));
    step(k);
    type_keys(k, query);
    CHECK(tap_button(k, UI_ACTION_SEARCH_PICK, 0));
    step(k);
}

/* The event.db of the kiosk's bundle, loaded afresh. */
static struct event *load_bundle(struct kiosk *k)
{
    char *path = path_join(k->settings.kiosk_dir, EVENT_DB_NAME);
    struct event *ev = event_load(path);
    free(path);
    CHECK(ev != NULL);
    return ev;
}

/* The decision lines written so far. */
static char *lines_of(FILE *out)
{
    fflush(out);
    rewind(out);
    struct strbuf sb = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, out)) > 0)
        strbuf_append(&sb, buf, n);
    fseek(out, 0, SEEK_END);
    strbuf_puts(&sb, "");
    return strbuf_take(&sb);
}

/* Reprint: the old badge revoked (event.db, and refused at this kiosk), the new one printed. */
static void reprint(struct kiosk *k, FILE *out)
{
    search_pick(k, "dieu");
    struct ui_rect r;
    CHECK(ui_element_rect(k->ui, UI_EL_SEARCH_ADMIT, &r));
    CHECK(ui_element_rect(k->ui, UI_EL_SEARCH_REPRINT, &r));
    shot(k, "search");
    CHECK(tap_button(k, UI_ACTION_SEARCH_REPRINT, 0));
    CHECK(step(k) == UI_SCREEN_ISSUED);
    struct event *ev = load_bundle(k);
    const struct attendee *a = ev ? event_attendee_by_id(ev, "A0001") : NULL;
    CHECK(a != NULL && a->serial == 1);
    char fresh[TOKEN_TEXT_LEN + 1], old[256];
    signed_token("desk1.key", ev ? ev->event_id : 0, a ? a->num : 0, 1, fresh);
    event_destroy(ev);
    CHECK(wait_print(k, UI_ISSUED_PRINTED) == UI_ISSUED_PRINTED);
    check_printed(k, fresh);
    shot(k, "reprinted");
    /* Done goes back to the search; the old badge is refused revoked, its answer over the
     * search until a tap. */
    CHECK(tap_button(k, UI_ACTION_ISSUED_DONE, 0));
    CHECK(step(k) == UI_SCREEN_SEARCH);
    badge_token("A0001", old, sizeof old);
    CHECK(kiosk_handle_payload(k, (const uint8_t *)old, strlen(old), kiosk_now(k), time_mono_ns()));
    char *text = lines_of(out);
    CHECK_MSG(strstr(text, "\"attendee\":\"A0001\"") != NULL &&
                  strstr(text, "\"result\":\"denied\",\"reason\":\"revoked\"") != NULL,
              "%s", text);
    free(text);
    CHECK(step(k) == UI_SCREEN_ANSWER);
    CHECK(tap_button(k, UI_ACTION_NONE, 0));
    CHECK(step(k) == UI_SCREEN_SEARCH);
}

/* A walk-in: name on the on-screen keyboard, organisation on a physical one, French, speaker;
 * registered, printed, checked in. Returns its number. */
static uint32_t walk_in(struct kiosk *k, FILE *out, const char *name_keys, const char *name)
{
    CHECK(tap_button(k, UI_ACTION_REGISTER_OPEN, 0));
    CHECK(step(k) == UI_SCREEN_REGISTER);
    type_keys(k, name_keys);
    CHECK(tap_button(k, UI_ACTION_REGISTER_FIELD, 1));
    step(k);
    type_physical(k, "Hôpital Érasme");
    CHECK(tap_button(k, UI_ACTION_REGISTER_LANG, LANG_FR));
    CHECK(tap_button(k, UI_ACTION_REGISTER_CAT, CATEGORY_SPEAKER));
    step(k);
    struct ui_register_form f;
    CHECK(ui_register_form(k->ui, &f));
    CHECK_STR(f.name, name);
    CHECK_STR(f.organisation, "Hôpital Érasme");
    if (k->printer != NULL)
        shot(k, "register");
    int64_t scans = store_scan_count(k->store);
    CHECK(tap_button(k, UI_ACTION_REGISTER, 0));
    CHECK(step(k) == UI_SCREEN_ISSUED);
    struct ui_view v;
    view_of(k, &v);
    CHECK(v.desk.issued.walkin && v.desk.issued.checked_in && v.desk.issued.error == NULL);
    uint32_t num = 0;
    struct event *ev = load_bundle(k);
    const struct attendee *a = ev ? event_attendee_by_id(ev, v.desk.issued.attendee) : NULL;
    CHECK_MSG(a != NULL, "%s is not in event.db", v.desk.issued.attendee);
    if (a != NULL) {
        CHECK_STR(a->name, name);
        CHECK_STR(a->organisation, "Hôpital Érasme");
        CHECK(a->language == LANG_FR && a->category == CATEGORY_SPEAKER && a->serial == 0);
        CHECK(a->num >= DEVKEY_WALKIN_FIRST);
        num = a->num;
    }
    /* Checked in: the scan log holds the admission of the new badge. */
    CHECK(store_scan_count(k->store) == scans + 1);
    char *text = lines_of(out), want[128];
    snprintf(want, sizeof want, "\"attendee\":\"%s\"", v.desk.issued.attendee);
    const char *line = strstr(text, want);
    CHECK_MSG(line != NULL && strstr(line, "\"result\":\"admitted\",\"reason\":\"ok\"") != NULL,
              "%s", text);
    free(text);
    if (k->printer != NULL) {
        char token[TOKEN_TEXT_LEN + 1];
        signed_token("desk1.key", ev ? ev->event_id : 0, num, 0, token);
        CHECK(wait_print(k, UI_ISSUED_PRINTED) == UI_ISSUED_PRINTED);
        check_printed(k, token);
    }
    event_destroy(ev);
    return num;
}

/* The number of walk-ins in the kiosk's event.db. */
static size_t walkins(struct kiosk *k)
{
    struct event *ev = load_bundle(k);
    size_t n = 0;
    for (size_t i = 0; ev != NULL && i < ev->n_attendees; i++)
        n += ev->attendees[i].num >= DEVKEY_WALKIN_FIRST;
    event_destroy(ev);
    return n;
}

/* A name already registered is shown first; Register again makes it anyway (a staff walk-in
 * does not log in). An empty name is refused on the form. Nothing is added before. */
static void bad_forms(struct kiosk *k)
{
    CHECK(tap_button(k, UI_ACTION_REGISTER_OPEN, 0));
    step(k);
    size_t before = walkins(k);
    CHECK(tap_button(k, UI_ACTION_REGISTER, 0));
    CHECK(step(k) == UI_SCREEN_REGISTER);
    struct ui_view v;
    view_of(k, &v);
    CHECK(v.desk.form_error != NULL && strstr(v.desk.form_error, "200") != NULL);
    type_keys(k, "Francoise Dieu");
    CHECK(tap_button(k, UI_ACTION_REGISTER, 0));
    CHECK(step(k) == UI_SCREEN_REGISTER);
    view_of(k, &v);
    CHECK(v.desk.form_error == NULL);
    CHECK_MSG(v.desk.duplicate != NULL && strstr(v.desk.duplicate, "Françoise Dieudonné") != NULL,
              "%s", v.desk.duplicate ? v.desk.duplicate : "(none)");
    struct ui_rect r;
    CHECK(ui_element_rect(k->ui, UI_EL_REGISTER_NOTE, &r));
    shot(k, "register-duplicate");
    CHECK(walkins(k) == before);
    /* Registered anyway, as staff: the staff member at the screen stays A0007. */
    CHECK(tap_button(k, UI_ACTION_REGISTER_CAT, CATEGORY_STAFF));
    CHECK(tap_button(k, UI_ACTION_REGISTER, 0));
    CHECK(step(k) == UI_SCREEN_ISSUED);
    CHECK(walkins(k) == before + 1);
    CHECK_STR(kiosk_staff_member(k), "A0007");
    /* Its badge printed before the printer runs out of labels below. */
    CHECK(wait_print(k, UI_ISSUED_PRINTED) == UI_ISSUED_PRINTED);
    CHECK(tap_button(k, UI_ACTION_ISSUED_DONE, 0));
    CHECK(step(k) == UI_SCREEN_SEARCH);
}

/* The printer out of labels: the issued screen says so with Retry, which prints the badge. */
static void printer_trouble(struct kiosk *k)
{
    CHECK(cups_harness_set_empty(cups, QUEUE, true));
    search_pick(k, "celik");
    CHECK(tap_button(k, UI_ACTION_SEARCH_REPRINT, 0));
    CHECK(step(k) == UI_SCREEN_ISSUED);
    CHECK(wait_print(k, UI_ISSUED_TROUBLE) == UI_ISSUED_TROUBLE);
    /* Until Retry is offered and CUPS says why: out of labels, in its words (while the job is
     * held its state and message pass through others; the screenshot is of the settled
     * screen). */
    struct ui_rect r;
    for (int waited = 0;
         waited < WAIT_MS &&
         !(k->printer_st.can_retry && k->printer_st.state == UI_PRINTER_OUT_OF_MEDIA &&
           strcmp(k->printer_st.message, "the label roll is empty") == 0 &&
           ui_element_rect(k->ui, UI_EL_PRINT_RETRY, &r));
         waited += 50) {
        nanosleep(&(struct timespec){0, 50000000}, NULL);
        step(k);
    }
    CHECK(k->printer_st.state == UI_PRINTER_OUT_OF_MEDIA);
    CHECK_STR(k->printer_st.message, "the label roll is empty");
    /* Drawn: the frame after the state came, not the one before it. */
    CHECK(ui_element_rect(k->ui, UI_EL_PRINT_RETRY, &r));
    shot(k, "printer-trouble");
    CHECK(cups_harness_set_empty(cups, QUEUE, false));
    CHECK(tap_button(k, UI_ACTION_PRINT_RETRY, 0));
    CHECK(wait_print(k, UI_ISSUED_PRINTED) == UI_ISSUED_PRINTED);
    struct event *ev = load_bundle(k);
    const struct attendee *a = ev ? event_attendee_by_id(ev, "A0002") : NULL;
    CHECK(a != NULL && a->serial == 1);
    char token[TOKEN_TEXT_LEN + 1];
    signed_token("desk1.key", ev ? ev->event_id : 0, a ? a->num : 0, 1, token);
    check_printed(k, token);
    event_destroy(ev);
    CHECK(tap_button(k, UI_ACTION_ISSUED_DONE, 0));
    CHECK(step(k) == UI_SCREEN_SEARCH);
}

/* Admit by hand at a desk: the answer shows over the search, which then comes back with the
 * person inside (no Admit any more). */
static void admit(struct kiosk *k, FILE *out)
{
    search_pick(k, "ngoc");
    CHECK(tap_button(k, UI_ACTION_SEARCH_ADMIT, 0));
    CHECK(step(k) == UI_SCREEN_ANSWER);
    shot(k, "admitted");
    char *text = lines_of(out);
    CHECK_MSG(strstr(text, "\"reason\":\"manual\"") != NULL &&
                  strstr(text, "\"staff\":\"A0007\"") != NULL,
              "%s", text);
    free(text);
    struct ui_view v;
    view_of(k, &v);
    CHECK(ui_current_screen(k->ui, &v, time_mono_ns() / 1000000 + UI_ANSWER_MS) ==
          UI_SCREEN_SEARCH);
    CHECK(v.search.n == 1 && v.search.rows[0].present);
}

/* Sends one staff action line (printf format) as the headless kiosk reads it; returns its
 * answer line (the first line written), owned by the caller. */
static char *action(struct kiosk *k, FILE *out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static char *action(struct kiosk *k, FILE *out, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char *before = lines_of(out);
    kiosk_staff_action(k, line, strlen(line), time_mono_ns());
    char *after = lines_of(out);
    const char *fresh = after + strlen(before);
    char *answer = xstrndup(fresh, strcspn(fresh, "\n"));
    free(before);
    free(after);
    return answer;
}

/* s starts with prefix. */
static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A walk-in line for "Francoise Dieu", the staff token to fill in, and END to end it. */
#define DUP(END)                                                                                   \
    "{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Francoise Dieu\",\"language\":\"fr\","   \
    "\"category\":\"attendee\"" END "}"

/* Bad input on both channels at one desk (the headless lines of DESIGN.md §7 sent to the same
 * kiosk): a query too short, an empty name, a name already registered (listed, nothing made
 * until "confirm":true), a token that is not staff, a printer that is offline. */
static void run_bad_input(void)
{
    FILE *out = tmpfile();
    struct kiosk *k = open_desk("bad", "desk1.key", QUEUE, 800, 480, LANG_NL, out);
    if (k == NULL || out == NULL)
        return;
    char staff[256], other[256];
    badge_token("A0007", staff, sizeof staff);
    badge_token("A0001", other, sizeof other);
    /* A badge that is not staff is an ordinary scan at a desk: its answer, not the search. */
    CHECK(kiosk_handle_payload(k, (const uint8_t *)other, strlen(other), kiosk_now(k),
                               time_mono_ns()));
    CHECK(step(k) == UI_SCREEN_ANSWER);
    log_in(k);
    /* Too short: the screen lists nothing and says so; headless, query_too_short. */
    type_keys(k, "f");
    struct ui_view v;
    view_of(k, &v);
    CHECK(v.search.too_short && v.search.n == 0);
    char *a = action(k, out, "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"f\"}", staff);
    CHECK_MSG(strstr(a, "\"error\":\"query_too_short\"") != NULL, "%s", a);
    free(a);
    a = action(k, out, "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"\"}", staff);
    CHECK_MSG(strstr(a, "\"error\":\"query_too_short\"") != NULL, "%s", a);
    free(a);
    /* Not staff. */
    a = action(k, out, "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"dieu\"}", other);
    CHECK_STR(a, "{\"action\":\"find\",\"error\":\"not_staff\",\"message\":\"the badge of "
                 "A0001 is not a staff badge (attendee)\"}");
    free(a);
    /* An empty name, then a possible duplicate: nothing is added until confirmed. */
    size_t before = walkins(k);
    a = action(k, out,
               "{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"\",\"language\":\"fr\","
               "\"category\":\"attendee\"}",
               staff);
    CHECK_MSG(strstr(a, "\"error\":\"bad_field\",\"message\":\"\\\"name\\\" is empty") != NULL,
              "%s", a);
    free(a);
    a = action(k, out, DUP(""), staff);
    CHECK_MSG(starts(a, "{\"action\":\"register\",\"error\":\"possible_duplicate\",") &&
                  strstr(a, ",\"matches\":[{\"attendee\":\"A0001\",\"name\":\"Françoise "
                            "Dieudonné\",\"organisation\":\"Université libre de "
                            "Bruxelles\"}],\"total\":1}") != NULL,
              "%s", a);
    free(a);
    a = action(k, out, DUP(",\"confirm\":\"yes\""), staff);
    CHECK_MSG(strstr(a, "\"error\":\"bad_field\",\"message\":\"\\\"confirm\\\"") != NULL, "%s", a);
    free(a);
    CHECK(walkins(k) == before);
    a = action(k, out, DUP(",\"confirm\":true"), staff);
    CHECK_MSG(starts(a, "{\"action\":\"register\",\"attendee\":\"W"), "%s", a);
    free(a);
    CHECK(walkins(k) == before + 1);
    /* Its check-in's answer shows over the search until a tap. */
    CHECK(step(k) == UI_SCREEN_ANSWER);
    CHECK(tap_button(k, UI_ACTION_NONE, 0));
    CHECK(step(k) == UI_SCREEN_SEARCH);
    /* The printer offline: the issued screen says so with Retry; headless, the answer names
     * the printer's state and what the print server said. */
    CHECK(cups_harness_run(cups, "cupsdisable", QUEUE));
    for (int waited = 0; waited < WAIT_MS && k->printer_st.state != UI_PRINTER_OFFLINE;
         waited += 50) {
        nanosleep(&(struct timespec){0, 50000000}, NULL);
        step(k);
    }
    CHECK(k->printer_st.state == UI_PRINTER_OFFLINE);
    a = action(k, out, "{\"action\":\"reprint\",\"staff\":\"%s\",\"attendee\":\"A0005\"}", staff);
    CHECK_MSG(strstr(a, "\"printed\":true,\"printer\":\"offline\",\"printer_message\":") != NULL,
              "%s", a);
    free(a);
    search_pick(k, "celik");
    CHECK(tap_button(k, UI_ACTION_SEARCH_REPRINT, 0));
    CHECK(step(k) == UI_SCREEN_ISSUED);
    CHECK(wait_print(k, UI_ISSUED_TROUBLE) == UI_ISSUED_TROUBLE);
    shot(k, "printer-offline");
    CHECK(cups_harness_run(cups, "cupsenable", QUEUE));
    CHECK(wait_print(k, UI_ISSUED_PRINTED) == UI_ISSUED_PRINTED);
    kiosk_destroy(k);
    fclose(out);
}

/* The whole desk at one size and language, with the printer. */
static void run_desk(const char *bundle, int w, int h, enum language lang)
{
    char out_path[1024];
    snprintf(out_path, sizeof out_path, "%s/%s.jsonl", dir, bundle);
    FILE *out = fopen(out_path, "w+");
    CHECK(out != NULL);
    struct kiosk *k = open_desk(bundle, "desk1.key", QUEUE, w, h, lang, out);
    if (k == NULL || out == NULL)
        return;
    log_in(k);
    reprint(k, out);
    /* "ann walkin" on the on-screen keyboard: capitals at the start of each word. */
    walk_in(k, out, "Ann Walkin", "Ann Walkin");
    shot(k, "walkin-printed");
    CHECK(tap_button(k, UI_ACTION_ISSUED_DONE, 0));
    CHECK(step(k) == UI_SCREEN_SEARCH);
    bad_forms(k);
    printer_trouble(k);
    admit(k, out);
    kiosk_destroy(k);
    fclose(out);
}

/* Without a printer the issued screen says to write the id down; without a device key it says
 * the kiosk cannot make badges, and nothing changes. */
static void run_without(int w, int h, enum language lang)
{
    char out_path[1024];
    char bare[64], nokey[64];
    snprintf(bare, sizeof bare, "bare-%s-%d", language_name(lang), w);
    snprintf(nokey, sizeof nokey, "nokey-%s-%d", language_name(lang), w);
    snprintf(out_path, sizeof out_path, "%s/%s.jsonl", dir, bare);
    FILE *out = fopen(out_path, "w+");
    struct kiosk *k = open_desk(bare, "desk1.key", NULL, w, h, lang, out);
    if (k == NULL)
        return;
    log_in(k);
    walk_in(k, out, "Bo Tran", "Bo Tran");
    struct ui_view v;
    view_of(k, &v);
    CHECK(v.desk.issued.print == UI_ISSUED_NO_PRINTER);
    shot(k, "walkin-no-printer");
    kiosk_destroy(k);
    fclose(out);

    out = fopen(out_path, "w+");
    k = open_desk(nokey, NULL, NULL, w, h, lang, out);
    if (k == NULL)
        return;
    log_in(k);
    search_pick(k, "dieu");
    CHECK(tap_button(k, UI_ACTION_SEARCH_REPRINT, 0));
    CHECK(step(k) == UI_SCREEN_ISSUED);
    view_of(k, &v);
    CHECK(v.desk.issued.error != NULL && strstr(v.desk.issued.error, "device-key") != NULL);
    struct event *ev = load_bundle(k);
    const struct attendee *a = ev ? event_attendee_by_id(ev, "A0001") : NULL;
    CHECK(a != NULL && a->serial == 0);
    event_destroy(ev);
    shot(k, "reprint-refused");
    kiosk_destroy(k);
    fclose(out);
}

int main(void)
{
    const char *bin = getenv("PORTIER_BIN"), *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-kiosk-desk-XXXXXX";
    dir = mkdtemp(tmpl);
    CHECK(dir != NULL && bin != NULL && data != NULL && token_init());
    if (dir == NULL || bin == NULL || data == NULL)
        return check_done();
    shots = getenv("PORTIER_UI_SHOTS") != NULL ? getenv("PORTIER_UI_SHOTS") : dir;
    CHECK(test_sh("cd %s && %s init ev --name 'Symposium 2026' --timezone Europe/Brussels "
                  "--rooms %s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && %s badges ev --out badges --format csv "
                  ">/dev/null && %s device-key ev --device desk-1 --out desk1.key >/dev/null",
                  dir, bin, data, data, data, bin, bin) == 0);
    /* --desk is for the entrance, in mode entry. */
    CHECK(test_sh("cd %s && %s bundle ev --out k0 >/dev/null && %s kiosk k0 --headless --camera "
                  "none --device d --room aula --desk 2>err.txt; test $? = 2 && grep -q "
                  "'room entrance --mode entry' err.txt",
                  dir, bin, bin) == 0);
    cups = cups_harness_start();
    CHECK(cups != NULL);
    if (cups != NULL) {
        CHECK(cups_harness_add_queue(cups, QUEUE));
        run_desk("nl", 800, 480, LANG_NL);
        run_desk("fr", 1280, 800, LANG_FR);
        run_desk("en", 1920, 1080, LANG_EN);
        run_desk("fr-portrait", 480, 800, LANG_FR);
        run_bad_input();
        if (check_failed > 0)
            cups_harness_print_log(cups);
        cups_harness_destroy(cups);
    }
    run_without(800, 480, LANG_NL);
    run_without(1280, 800, LANG_FR);
    run_without(1920, 1080, LANG_EN);
    run_without(480, 800, LANG_FR);
    test_sh("rm -rf %s", dir);
    return check_done();
}
