/* SPDX-License-Identifier: Apache-2.0 */
/* Staff actions by name at a kiosk: find, admit by hand, reprint, register (see kiosk_staff.h). */
#include "kiosk_staff.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "event_db.h"
#include "file.h"
#include "json_obj.h"
#include "kiosk_issue.h"
#include "kiosk_printer.h"
#include "kiosk_internal.h"
#include "i18n.h"
#include "log.h"
#include "lookup.h"
#include "roster.h"
#include "sysclock.h"
#include "timeutil.h"

/* What one action needs: its object, name, the staff member, and its time. */
struct action {
    struct json_obj obj;
    const char *name; /* NULL when the line has no "action" string */
    const struct attendee *staff;
    int64_t wall_ms;
    bool has_time;
};

/* Writes the refusal line of an action; extra (NULL: none) is more of its fields,
 * ",\"key\":value...". */
static void answer_refusal(struct kiosk *k, const char *action, const char *code,
                           const char *message, const char *extra)
{
    log_info("kiosk: staff action %s refused: %s: %s", action ? action : "(none)", code, message);
    if (k->settings.out == NULL)
        return;
    struct strbuf sb = {0};
    strbuf_puts(&sb, "{\"action\":");
    if (action != NULL)
        strbuf_json_string(&sb, action);
    else
        strbuf_puts(&sb, "null");
    strbuf_printf(&sb, ",\"error\":\"%s\",\"message\":", code);
    strbuf_json_string(&sb, message);
    strbuf_puts(&sb, extra != NULL ? extra : "");
    strbuf_puts(&sb, "}\n");
    fwrite(sb.data, 1, sb.len, k->settings.out);
    fflush(k->settings.out);
    strbuf_finish(&sb);
}

/* Writes the refusal line of an action, its message formatted. */
static void answer_error(struct kiosk *k, const char *action, const char *code, const char *fmt,
                         ...) __attribute__((format(printf, 4, 5)));
static void answer_error(struct kiosk *k, const char *action, const char *code, const char *fmt,
                         ...)
{
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    answer_refusal(k, action, code, message, NULL);
}

/* Checks the fields every action has: staff (a valid staff badge) and time. False after
 * answering the refusal. */
static bool check_common(struct kiosk *k, struct action *a)
{
    const char *token = json_obj_string(&a->obj, "staff");
    if (token == NULL) {
        answer_error(k, a->name, "not_staff",
                     "\"staff\" must be the token of a staff badge (a string)");
        return false;
    }
    enum scan_reason why;
    if (!rules_badge_holder(k->rules, (const uint8_t *)token, strlen(token), &a->staff, &why)) {
        answer_error(k, a->name, "not_staff", "the staff badge is refused (%s)",
                     scan_reason_name(why));
        return false;
    }
    if (a->staff->category != CATEGORY_STAFF) {
        answer_error(k, a->name, "not_staff", "the badge of %s is not a staff badge (%s)",
                     a->staff->id, category_name(a->staff->category));
        return false;
    }
    const struct json_field *t = json_obj_get(&a->obj, "time");
    a->wall_ms = kiosk_now(k);
    if (t != NULL) {
        if (t->type != JSON_STRING || !time_parse_iso8601(t->text, &a->wall_ms)) {
            answer_error(k, a->name, "bad_time",
                         "\"time\" must be ISO 8601 with an offset, e.g. "
                         "2024-04-22T10:47:03+02:00");
            return false;
        }
        if (!time_is_sane(a->wall_ms)) {
            answer_error(k, a->name, "bad_time", "\"time\" must be " TIME_SANE_RANGE);
            return false;
        }
        a->has_time = true;
    }
    return true;
}

/* An action that is done moves the replay's clock to its time, as a scan's timestamp does (a
 * refused one changes nothing, not even the clock). */
static void take_time(struct kiosk *k, const struct action *a)
{
    if (a->has_time && a->wall_ms > k->replay_ms)
        k->replay_ms = a->wall_ms;
}

/* The string field key, or NULL after answering missing_field. */
static const char *need_string(struct kiosk *k, const struct action *a, const char *key)
{
    const char *v = json_obj_string(&a->obj, key);
    if (v == NULL)
        answer_error(k, a->name, "missing_field", "\"%s\" is required (a string)", key);
    return v;
}

/* Appends an attendee's id, name and organisation to sb as an object left open. */
static void put_person(struct strbuf *sb, const struct attendee *at)
{
    strbuf_puts(sb, "{\"attendee\":");
    strbuf_json_string(sb, at->id);
    strbuf_puts(sb, ",\"name\":");
    strbuf_json_string(sb, at->name);
    strbuf_puts(sb, ",\"organisation\":");
    strbuf_json_string(sb, at->organisation != NULL ? at->organisation : "");
}

/* Appends one result of a search to sb. */
static void put_hit(struct kiosk *k, struct strbuf *sb, const struct lookup_hit *h,
                    bool session_running)
{
    const struct attendee *at = &k->event->attendees[h->attendee];
    put_person(sb, at);
    strbuf_printf(sb,
                  ",\"category\":\"%s\",\"state\":\"%s\",\"room\":", category_name(at->category),
                  lookup_state_name(h->state));
    if (h->room != OCCUPANCY_NONE)
        strbuf_json_string(sb, k->event->rooms[h->room].id);
    else
        strbuf_puts(sb, "null");
    if (session_running)
        strbuf_printf(sb, ",\"registered\":%s", h->registered ? "true" : "false");
    strbuf_putc(sb, '}');
}

/* find: the attendees matching "query", with their state at the action's time. */
static void do_find(struct kiosk *k, const struct action *a)
{
    const char *query = need_string(k, a, "query");
    if (query == NULL)
        return;
    if (k->lookup == NULL)
        k->lookup = lookup_create(k->event);
    size_t session = OCCUPANCY_NONE;
    if (k->room != OCCUPANCY_ENTRANCE)
        session = occupancy_session_at(k->occupancy, k->room, a->wall_ms,
                                       k->settings.rules.session_lead_ms);
    struct lookup_result r;
    switch (lookup_find(k->lookup, query, k->occupancy, a->wall_ms, session, &r)) {
    case LOOKUP_TOO_SHORT:
        answer_error(k, a->name, "query_too_short",
                     "type at least %d letters or digits of a name or organisation",
                     LOOKUP_MIN_CHARS);
        return;
    case LOOKUP_TOO_LONG:
        answer_error(k, a->name, "query_too_long", "a query has fewer than %d bytes",
                     LOOKUP_QUERY_MAX);
        return;
    case LOOKUP_OK:
        break;
    }
    take_time(k, a);
    log_info("kiosk: staff %s searched: %zu found", a->staff->id, r.total);
    if (k->settings.out == NULL)
        return;
    struct strbuf sb = {0};
    strbuf_puts(&sb, "{\"action\":\"find\",\"results\":[");
    for (size_t i = 0; i < r.n; i++) {
        if (i > 0)
            strbuf_putc(&sb, ',');
        put_hit(k, &sb, &r.hits[i], session != OCCUPANCY_NONE);
    }
    strbuf_printf(&sb, "],\"total\":%zu}\n", r.total);
    fwrite(sb.data, 1, sb.len, k->settings.out);
    fflush(k->settings.out);
    strbuf_finish(&sb);
}

/* Decides, stores, reports and shows the admission by hand of attendee who (an index into the
 * event's attendees) by the staff member staff_id at wall_ms. False when it was not stored. */
static bool admit_by_hand(struct kiosk *k, size_t who, const char *staff_id, int64_t wall_ms,
                          int64_t mono_ns)
{
    if (!kiosk_record_session_ends(k, wall_ms))
        return false;
    struct scan s;
    struct rules_verdict v;
    rules_decide_manual(k->rules, k->occupancy, who, wall_ms, &s, &v);
    snprintf(s.staff, sizeof s.staff, "%s", staff_id);
    log_info("kiosk: staff %s admits %s by hand: %s/%s", staff_id, v.attendee->id,
             scan_result_name(s.result), scan_reason_name(s.reason));
    if (!kiosk_record(k, &s, mono_ns, v.attendee->name))
        return false;
    kiosk_show_decision(k, &s, &v);
    return true;
}

/* admit: a decision by hand for "attendee", stored and reported like a scan's. */
static bool do_admit(struct kiosk *k, const struct action *a, int64_t mono_ns)
{
    const char *id = need_string(k, a, "attendee");
    if (id == NULL)
        return true;
    size_t who = occupancy_attendee_index(k->occupancy, id);
    if (who == OCCUPANCY_NONE) {
        answer_error(k, a->name, "unknown_attendee",
                     "no attendee '%s' in this kiosk's event (find gives the ids)", id);
        return true;
    }
    take_time(k, a);
    if (admit_by_hand(k, who, a->staff->id, a->wall_ms, mono_ns))
        return true;
    answer_error(k, a->name, "not_stored",
                 "the scan log refused the decision: nothing was admitted (see the kiosk's log)");
    return false;
}

bool kiosk_staff_load_issuer(struct kiosk *k)
{
    const char *path = k->settings.device_key;
    if (path == NULL)
        return true;
    char *text = file_read_all(path, NULL);
    if (text == NULL) {
        log_warn("%s: cannot read the device key", path);
        return false;
    }
    uint32_t event_id = 0;
    char err[256];
    bool ok = devkey_file_parse(text, &event_id, &k->issuer, k->issuer_sk, err, sizeof err);
    sodium_memzero(text, strlen(text));
    free(text);
    if (!ok) {
        log_warnx("%s: %s", path, err);
        return false;
    }
    const struct device_key *listed = devkey_find(k->event, k->issuer.device);
    for (size_t i = 0; i < k->event->n_device_keys; i++) {
        if (memcmp(k->event->device_keys[i].pk, k->issuer.pk, TOKEN_PUBLIC_KEY_LEN) == 0)
            listed = &k->event->device_keys[i];
    }
    const char *why = NULL;
    if (event_id != k->event->event_id)
        why = "is a key of another event";
    else if (listed == NULL || memcmp(listed->pk, k->issuer.pk, TOKEN_PUBLIC_KEY_LEN) != 0)
        why = "is not listed in this kiosk's bundle: make the bundle again (portier bundle)";
    else if (!devkey_cert_valid(k->pk, event_id, &k->issuer))
        why = "has a certificate the event key did not sign";
    else if (listed->revoked)
        why = "has been revoked: make a new one (portier device-key --device ID --out FILE)";
    if (why != NULL) {
        log_warnx("%s: the device key of '%s' %s", path, k->issuer.device, why);
        sodium_memzero(k->issuer_sk, sizeof k->issuer_sk);
        return false;
    }
    k->can_issue = true;
    log_info("kiosk: issuing key of '%s' loaded: staff may reprint badges", k->issuer.device);
    return true;
}

/* Fills out with a refusal (code, message); returns false. */
static bool refuse(struct kiosk_issued *out, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool refuse(struct kiosk_issued *out, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
    out->error = code;
    return false;
}

/* Signs the badge (num, serial) with the device key into out->token and hands it to the printer
 * when there is one; false after refusing. */
static bool sign_and_print(struct kiosk *k, uint32_t num, uint32_t serial, struct kiosk_issued *out)
{
    struct token t = {.event_id = k->event->event_id, .attendee_num = num, .serial = serial};
    if (!token_encode(&t, k->issuer_sk, out->token))
        return refuse(out, "not_signed", "the new badge could not be signed");
    out->printer = UI_PRINTER_NONE;
    if (k->printer != NULL) {
        struct kiosk_printer_state st;
        kiosk_printer_state(k->printer, &st);
        out->printer = (int)st.state;
        if (st.state >= UI_PRINTER_OFFLINE)
            snprintf(out->printer_message, sizeof out->printer_message, "%s", st.message);
    }
    out->printed =
        k->settings.printer != NULL && kiosk_print_attendee(k, out->attendee, out->token);
    return true;
}

bool kiosk_staff_reprint(struct kiosk *k, const char *staff_id, int64_t wall_ms,
                         const char *attendee_id, struct kiosk_issued *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->attendee, sizeof out->attendee, "%s", attendee_id);
    if (!k->can_issue)
        return refuse(out, "no_device_key",
                      "this kiosk holds no issuing key: start it with --device-key FILE "
                      "(portier device-key makes one)");
    const struct attendee *who = event_attendee_by_id(k->event, attendee_id);
    if (who == NULL)
        return refuse(out, "unknown_attendee",
                      "no attendee '%s' in this kiosk's event (find gives the ids)", attendee_id);
    if (who->serial >= TOKEN_MAX_SERIAL)
        return refuse(out, "too_many_badges", "attendee '%s' has had %u badges: no serial is left",
                      attendee_id, TOKEN_MAX_SERIAL);
    /* The model reloads below: keep what is needed of it before. */
    char staff[SCAN_ID_MAX];
    snprintf(staff, sizeof staff, "%s", staff_id);
    uint32_t num = 0, revoked = 0;
    if (!kiosk_issue_reprint(k, out->attendee, staff, wall_ms, &num, &revoked))
        return refuse(out, "not_stored",
                      "the event database refused the revocation: nothing changed (see the log)");
    kiosk_reload_if_changed(k);
    out->revoked_serial = revoked;
    if (!sign_and_print(k, num, revoked + 1, out))
        return false;
    log_info("kiosk: staff %s reprinted the badge of %s: serial %u revoked, serial %u issued%s",
             staff, out->attendee, (unsigned)revoked, (unsigned)revoked + 1,
             out->printed ? ", sent to the printer" : "");
    return true;
}

/* Appends what became of an issued badge's printing to sb: ,"printed":..,"printer":.. */
static void put_printing(struct strbuf *sb, const struct kiosk_issued *r)
{
    static const char *const states[] = {"none",    "checking",     "ready", "printing",
                                         "offline", "out_of_media", "error"};
    _Static_assert(sizeof states / sizeof states[0] == UI_PRINTER_ERROR + 1,
                   "a name per printer state");
    strbuf_printf(sb, ",\"printed\":%s,\"printer\":\"%s\"", r->printed ? "true" : "false",
                  states[r->printer]);
    if (r->printer >= UI_PRINTER_OFFLINE) {
        strbuf_puts(sb, ",\"printer_message\":");
        strbuf_json_string(sb, r->printer_message);
    }
}

/* reprint: revokes the attendee's current badge in this kiosk's event.db (the model reloads),
 * signs the next serial with the device key and prints it when a printer is set. */
static void do_reprint(struct kiosk *k, const struct action *a)
{
    const char *id = need_string(k, a, "attendee");
    if (id == NULL)
        return;
    struct kiosk_issued r;
    if (!kiosk_staff_reprint(k, a->staff->id, a->wall_ms, id, &r)) {
        answer_error(k, a->name, r.error, "%s", r.message);
        return;
    }
    if (k->settings.out == NULL)
        return;
    struct strbuf sb = {0};
    strbuf_puts(&sb, "{\"action\":\"reprint\",\"attendee\":");
    strbuf_json_string(&sb, r.attendee);
    strbuf_printf(&sb, ",\"token\":\"%s\",\"revoked_serial\":%u", r.token,
                  (unsigned)r.revoked_serial);
    put_printing(&sb, &r);
    strbuf_puts(&sb, "}\n");
    fwrite(sb.data, 1, sb.len, k->settings.out);
    fflush(k->settings.out);
    strbuf_finish(&sb);
}

/* Checks a walk-in's text field; false after refusing. */
static bool walkin_text_ok(struct kiosk_issued *out, const char *field, const char *s,
                           bool required)
{
    uint32_t cp = 0;
    if (required && s[0] == '\0')
        return refuse(out, "bad_field", "\"%s\" is empty: type it", field);
    if (strlen(s) > KIOSK_WALKIN_TEXT_MAX)
        return refuse(out, "bad_field", "\"%s\" is longer than %d bytes", field,
                      KIOSK_WALKIN_TEXT_MAX);
    if (roster_text_forbidden(s, &cp) >= 0)
        return refuse(out, "bad_field",
                      "\"%s\" holds the character U+%04X (a control "
                      "or direction character): retype it",
                      field, (unsigned)cp);
    return true;
}

/* The sessions of a walk-in: "id;id" -> "id\nid" (owned), or NULL after refusing. */
static char *walkin_sessions(const struct kiosk *k, const char *list, struct kiosk_issued *out)
{
    struct strbuf sb = {0};
    strbuf_puts(&sb, "");
    for (const char *p = list; *p != '\0';) {
        size_t n = strcspn(p, ";");
        char *id = xstrndup(p, n);
        if (n > 0 && event_session_index(k->event, id) == SIZE_MAX) {
            refuse(out, "unknown_session",
                   "no session '%s' in this kiosk's event (\"sessions\": ids separated by ;)", id);
            free(id);
            strbuf_finish(&sb);
            return NULL;
        }
        if (n > 0)
            strbuf_printf(&sb, "%s%s", sb.len ? "\n" : "", id);
        free(id);
        p += n + (p[n] == ';');
    }
    return strbuf_take(&sb);
}

/* The next walk-in number of this device's range, or 0 when it is used up. */
static uint32_t next_walkin_num(const struct kiosk *k)
{
    uint32_t next = k->issuer.first_num;
    for (size_t i = 0; i < k->event->n_attendees; i++) {
        uint32_t n = k->event->attendees[i].num;
        if (n >= next && n <= k->issuer.last_num)
            next = n + 1;
    }
    return next <= k->issuer.last_num ? next : 0;
}

/* Fills out->matches with the attendees the name finds as a search would; false when it finds
 * nobody. */
static bool find_matches(struct kiosk *k, const char *name, struct kiosk_issued *out)
{
    if (k->lookup == NULL)
        k->lookup = lookup_create(k->event);
    struct lookup_result r;
    if (lookup_find(k->lookup, name, NULL, 0, OCCUPANCY_NONE, &r) != LOOKUP_OK || r.n == 0)
        return false;
    for (size_t i = 0; i < r.n && i < KIOSK_MATCHES_MAX; i++)
        out->matches[out->n_matches++] = r.hits[i].attendee;
    out->total_matches = r.total;
    return true;
}

bool kiosk_staff_register(struct kiosk *k, const char *staff_id, int64_t wall_ms,
                          const struct kiosk_walkin *w, struct kiosk_issued *out)
{
    memset(out, 0, sizeof *out);
    const char *org = w->organisation ? w->organisation : "";
    enum language l;
    enum category c;
    if (!k->can_issue)
        return refuse(out, "no_device_key",
                      "this kiosk holds no issuing key: start it with --device-key FILE");
    if (!language_parse(w->language, &l) || !category_parse(w->category, &c))
        return refuse(out, "bad_field",
                      "\"language\" is nl, fr or en and \"category\" attendee, speaker, staff "
                      "or press");
    if (!walkin_text_ok(out, "name", w->name, true) ||
        !walkin_text_ok(out, "organisation", org, false))
        return false;
    char *regs = walkin_sessions(k, w->sessions ? w->sessions : "", out);
    if (regs == NULL)
        return false;
    if (!w->confirmed && find_matches(k, w->name, out)) {
        free(regs);
        return refuse(out, "possible_duplicate",
                      "already registered under this name: %zu (see \"matches\"); check they are "
                      "not this person, or register anyway (\"confirm\":true)",
                      out->total_matches);
    }
    uint32_t num = next_walkin_num(k);
    if (num == 0) {
        free(regs);
        return refuse(out, "no_numbers_left",
                      "this device's walk-in numbers are used up: give it a new key "
                      "(portier device-key --revoke, then --device)");
    }
    char why[256];
    snprintf(out->attendee, sizeof out->attendee, DEVKEY_WALKIN_PREFIX "%u", (unsigned)num);
    struct event_db_pulled_attendee att = {out->attendee, num, w->name, org, w->language,
                                           w->category,   0,   regs,    ""};
    bool stored = kiosk_issue_walkin(k, &att, staff_id, wall_ms, why, sizeof why);
    free(regs);
    kiosk_reload_if_changed(k);
    if (!stored || event_attendee_by_id(k->event, out->attendee) == NULL)
        return refuse(out, "not_stored", "the event database refused the walk-in: %s",
                      stored ? "see the kiosk's log" : why);
    if (!sign_and_print(k, num, 0, out))
        return false;
    log_info("kiosk: walk-in %s registered%s", out->attendee,
             out->printed ? ", badge sent to the printer" : "");
    return true;
}

/* Answers a refused register; a possible duplicate lists the people its name finds. */
static void answer_matches(struct kiosk *k, const char *action, const struct kiosk_issued *r)
{
    if (r->n_matches == 0) {
        answer_refusal(k, action, r->error, r->message, NULL);
        return;
    }
    struct strbuf sb = {0};
    strbuf_puts(&sb, ",\"matches\":[");
    for (size_t i = 0; i < r->n_matches; i++) {
        if (i > 0)
            strbuf_putc(&sb, ',');
        put_person(&sb, &k->event->attendees[r->matches[i]]);
        strbuf_putc(&sb, '}');
    }
    strbuf_printf(&sb, "],\"total\":%zu", r->total_matches);
    answer_refusal(k, action, r->error, r->message, sb.data);
    strbuf_finish(&sb);
}

/* register: a walk-in added to this kiosk's event.db with an id of the device's range, its
 * badge signed and printed, then checked in like a scan of it; a name that finds people already
 * registered is refused with them unless the line says "confirm":true. */
static bool do_register(struct kiosk *k, const struct action *a, int64_t mono_ns)
{
    struct kiosk_walkin w = {0};
    w.name = need_string(k, a, "name");
    w.language = w.name ? need_string(k, a, "language") : NULL;
    w.category = w.language ? need_string(k, a, "category") : NULL;
    w.organisation = json_obj_string(&a->obj, "organisation");
    w.sessions = json_obj_string(&a->obj, "sessions");
    if (w.category == NULL)
        return true;
    const struct json_field *confirm = json_obj_get(&a->obj, "confirm");
    if (confirm != NULL && confirm->type != JSON_TRUE && confirm->type != JSON_FALSE) {
        answer_error(k, a->name, "bad_field",
                     "\"confirm\" is true (register despite possible duplicates) or false");
        return true;
    }
    w.confirmed = confirm != NULL && confirm->type == JSON_TRUE;
    struct kiosk_issued r;
    if (!kiosk_staff_register(k, a->staff->id, a->wall_ms, &w, &r)) {
        answer_matches(k, a->name, &r);
        return true;
    }
    if (k->settings.out != NULL) {
        struct strbuf sb = {0};
        strbuf_printf(&sb, "{\"action\":\"register\",\"attendee\":\"%s\",\"token\":\"%s\"",
                      r.attendee, r.token);
        put_printing(&sb, &r);
        strbuf_puts(&sb, "}\n");
        fwrite(sb.data, 1, sb.len, k->settings.out);
        fflush(k->settings.out);
        strbuf_finish(&sb);
    }
    take_time(k, a);
    return kiosk_handle_payload(k, (const uint8_t *)r.token, strlen(r.token), a->wall_ms, mono_ns);
}

bool kiosk_staff_action(struct kiosk *k, const char *line, size_t len, int64_t mono_ns)
{
    struct action a = {0};
    char why[JSON_OBJ_WHY_MAX];
    bool ok = true;
    if (!json_obj_parse(line, len, &a.obj, why)) {
        answer_error(k, NULL, "bad_json", "%s (a staff action is one JSON object per line)", why);
        return true;
    }
    a.name = json_obj_string(&a.obj, "action");
    if (a.name == NULL) {
        answer_error(k, NULL, "missing_field",
                     "\"action\" is required: find, admit, reprint or register");
        goto end;
    }
    if (strcmp(a.name, "find") != 0 && strcmp(a.name, "admit") != 0 &&
        strcmp(a.name, "reprint") != 0 && strcmp(a.name, "register") != 0) {
        answer_error(k, a.name, "unknown_action",
                     "this kiosk knows the actions find, admit, reprint and register");
        goto end;
    }
    if (k->rules == NULL) {
        answer_error(k, a.name, "no_decisions",
                     "an overview kiosk takes no staff actions: use a kiosk in entry, exit or "
                     "toggle mode");
        goto end;
    }
    if (!check_common(k, &a))
        goto end;
    if (strcmp(a.name, "find") == 0)
        do_find(k, &a);
    else if (strcmp(a.name, "reprint") == 0)
        do_reprint(k, &a);
    else if (strcmp(a.name, "register") == 0)
        ok = do_register(k, &a, mono_ns);
    else
        ok = do_admit(k, &a, mono_ns);
end:
    json_obj_finish(&a.obj);
    return ok;
}

/* ---- The search screen (ui.h): the kiosk's side. ---- */

/* What the search screen lists: the hits of the last query and their text. */
struct kiosk_search {
    char staff_id[SCAN_ID_MAX]; /* the staff member whose badge opened the staff menu */
    struct ui_search_row rows[LOOKUP_MAX_RESULTS];
    char *detail[LOOKUP_MAX_RESULTS];
    size_t hits[LOOKUP_MAX_RESULTS];
    size_t n, total;
    bool too_short;
};

/* Empties the list (the query is too short to show anything). */
static void search_clear(struct kiosk_search *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->detail[i]);
    s->n = s->total = 0;
    s->too_short = true;
}

static struct kiosk_search *search_state(struct kiosk *k)
{
    if (k->search == NULL) {
        k->search = xcalloc(1, sizeof *k->search);
        k->search->too_short = true;
    }
    return k->search;
}

void kiosk_staff_badge_seen(struct kiosk *k, const struct attendee *staff)
{
    snprintf(search_state(k)->staff_id, SCAN_ID_MAX, "%s", staff->id);
}

/* A result's second column: category and state (and the registration for the running
 * session), in the screen's language. Owned by the caller. */
static char *hit_detail(const struct kiosk *k, const struct lookup_hit *h, bool session_running)
{
    char state[160];
    switch (h->state) {
    case LOOKUP_IN_ROOM:
        snprintf(state, sizeof state, i18n(k->lang, MSG_STATE_IN_ROOM),
                 k->event->rooms[h->room].name);
        break;
    case LOOKUP_INSIDE:
        snprintf(state, sizeof state, "%s", i18n(k->lang, MSG_STATE_INSIDE));
        break;
    case LOOKUP_OUTSIDE:
        snprintf(state, sizeof state, "%s", i18n(k->lang, MSG_STATE_OUTSIDE));
        break;
    default:
        snprintf(state, sizeof state, "%s", i18n(k->lang, MSG_STATE_NOT_CHECKED_IN));
        break;
    }
    static const enum i18n_msg category_msgs[CATEGORY_COUNT] = {
        MSG_CATEGORY_ATTENDEE, MSG_CATEGORY_SPEAKER, MSG_CATEGORY_STAFF, MSG_CATEGORY_PRESS};
    _Static_assert(CATEGORY_COUNT == 4, "a category's name on the search screen");
    const struct attendee *a = &k->event->attendees[h->attendee];
    return xasprintf("%s · %s%s%s", i18n(k->lang, category_msgs[a->category]), state,
                     session_running && h->registered ? " · " : "",
                     session_running && h->registered ? i18n(k->lang, MSG_STATE_REGISTERED) : "");
}

/* Runs the screen's query and keeps its results for the view. */
static void search_run(struct kiosk *k, const char *query)
{
    struct kiosk_search *s = search_state(k);
    search_clear(s);
    if (query == NULL)
        return;
    if (k->lookup == NULL)
        k->lookup = lookup_create(k->event);
    int64_t t = kiosk_now(k);
    size_t session = OCCUPANCY_NONE;
    if (k->room != OCCUPANCY_ENTRANCE)
        session = occupancy_session_at(k->occupancy, k->room, t, k->settings.rules.session_lead_ms);
    struct lookup_result r;
    if (lookup_find(k->lookup, query, k->occupancy, t, session, &r) != LOOKUP_OK)
        return;
    s->too_short = false;
    s->total = r.total;
    for (size_t i = 0; i < r.n; i++) {
        const struct attendee *a = &k->event->attendees[r.hits[i].attendee];
        s->hits[i] = r.hits[i].attendee;
        s->detail[i] = hit_detail(k, &r.hits[i], session != OCCUPANCY_NONE);
        /* Already there: inside the venue at the entrance, in this room at a room's door. */
        bool present = k->room == OCCUPANCY_ENTRANCE
                           ? r.hits[i].state == LOOKUP_INSIDE || r.hits[i].state == LOOKUP_IN_ROOM
                           : r.hits[i].state == LOOKUP_IN_ROOM && r.hits[i].room == k->room;
        s->rows[i] = (struct ui_search_row){a->name, a->organisation ? a->organisation : "",
                                            s->detail[i], present};
    }
    s->n = r.n;
}

bool kiosk_staff_ui(struct kiosk *k, const struct ui_input *in)
{
    struct kiosk_search *s = search_state(k);
    switch (in->action) {
    case UI_ACTION_SEARCH_OPEN:
        search_clear(s);
        return true;
    case UI_ACTION_SEARCH_QUERY:
        search_run(k, ui_search_query(k->ui));
        return true;
    case UI_ACTION_SEARCH_ADMIT:
        if (in->value < 0 || (size_t)in->value >= s->n || k->rules == NULL ||
            s->staff_id[0] == '\0')
            return true;
        admit_by_hand(k, s->hits[in->value], s->staff_id, kiosk_now(k), time_mono_ns());
        search_clear(s);
        return true;
    default:
        return false;
    }
}

const struct attendee *kiosk_staff_result(struct kiosk *k, int row)
{
    struct kiosk_search *s = search_state(k);
    return row >= 0 && (size_t)row < s->n ? &k->event->attendees[s->hits[row]] : NULL;
}

const char *kiosk_staff_member(struct kiosk *k)
{
    return search_state(k)->staff_id;
}

void kiosk_staff_fill_view(struct kiosk *k, struct ui_view *v)
{
    struct kiosk_search *s = search_state(k);
    v->search = (struct ui_search){s->rows, s->n, s->total, s->too_short};
}

void kiosk_staff_forget_index(struct kiosk *k)
{
    lookup_destroy(k->lookup);
    k->lookup = NULL;
    /* The results point into the old model: the screen lists nothing until the next key. */
    if (k->search != NULL)
        search_clear(k->search);
}

void kiosk_staff_finish(struct kiosk *k)
{
    kiosk_staff_forget_index(k);
    if (k->search != NULL)
        search_clear(k->search);
    free(k->search);
    k->search = NULL;
}
