/* SPDX-License-Identifier: Apache-2.0 */
/* The desk's screens at a kiosk: reprint, walk-in, and their outcome (see kiosk_desk.h). */
#include "kiosk_desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "kiosk_internal.h"
#include "kiosk_staff.h"
#include "log.h"
#include "sysclock.h"

#define DESK_TEXT 600

/* What the desk's screens show: the last badge issued (or refused), and the walk-in form's
 * last answer. */
struct kiosk_desk {
    struct kiosk_issued issued; /* the issued screen's */
    bool walkin, checked_in;
    char name[KIOSK_WALKIN_TEXT_MAX + 1];
    int job_before; /* the printer's last job before this badge was handed over */
    char error[DESK_TEXT];
    struct kiosk_issued form; /* the form's last refusal (form.error NULL: none) */
    char form_error[DESK_TEXT];
    char duplicate[DESK_TEXT];                 /* people with the name typed, "" for none */
    char confirmed[KIOSK_WALKIN_TEXT_MAX + 1]; /* the name to register despite them */
};

static struct kiosk_desk *desk_state(struct kiosk *k)
{
    if (k->desk == NULL)
        k->desk = xcalloc(1, sizeof *k->desk);
    return k->desk;
}

/* A refusal in the screen's language: the usual ones said plainly, the others with the
 * headless message. */
static void refusal_text(const struct kiosk_issued *r, enum language lang, char *buf, size_t n)
{
    if (strcmp(r->error, "no_device_key") == 0)
        snprintf(buf, n, "%s", i18n(lang, MSG_ISSUE_NO_KEY));
    else if (strcmp(r->error, "no_numbers_left") == 0)
        snprintf(buf, n, "%s", i18n(lang, MSG_ISSUE_NO_NUMBERS));
    else if (strcmp(r->error, "bad_field") == 0 && strncmp(r->message, "\"name\"", 6) == 0)
        snprintf(buf, n, "%s", i18n(lang, MSG_REGISTER_BAD_NAME));
    else
        snprintf(buf, n, i18n(lang, MSG_ISSUE_FAILED), r->message);
}

/* The printer's last job (0: none, or no printer). */
static int printer_job(struct kiosk *k)
{
    struct kiosk_printer_state st = {0};
    if (k->printer != NULL)
        kiosk_printer_state(k->printer, &st);
    return st.job;
}

/* A copy of s without its leading and trailing spaces, in n bytes. */
static void trimmed(const char *s, char *out, size_t n)
{
    while (*s == ' ')
        s++;
    snprintf(out, n, "%s", s);
    size_t len = strlen(out);
    while (len > 0 && out[len - 1] == ' ')
        out[--len] = '\0';
}

/* Lists in d->duplicate (up to three, "Name (Organisation)") the people a walk-in's refusal
 * as a possible duplicate found. */
static void list_duplicates(const struct kiosk *k, struct kiosk_desk *d)
{
    const struct kiosk_issued *r = &d->form;
    size_t len = 0;
    d->duplicate[0] = '\0';
    for (size_t i = 0; i < r->n_matches && i < 3; i++) {
        const struct attendee *a = &k->event->attendees[r->matches[i]];
        const char *org = a->organisation != NULL ? a->organisation : "";
        len += (size_t)snprintf(d->duplicate + len, sizeof d->duplicate - len, "%s%s%s%s%s",
                                i > 0 ? "; " : "", a->name, org[0] ? " (" : "", org,
                                org[0] ? ")" : "");
        if (len >= sizeof d->duplicate)
            return;
    }
    if (r->total_matches > 3)
        snprintf(d->duplicate + len, sizeof d->duplicate - len, "; …");
}

/* Reprints the badge of the search screen's result row. */
static void reprint(struct kiosk *k, struct kiosk_desk *d, int row)
{
    const struct attendee *a = kiosk_staff_result(k, row);
    if (a == NULL || kiosk_staff_member(k)[0] == '\0')
        return;
    /* The model reloads: keep what is needed of the attendee before. */
    char id[SCAN_ID_MAX];
    snprintf(id, sizeof id, "%s", a->id);
    snprintf(d->name, sizeof d->name, "%s", a->name);
    d->walkin = d->checked_in = false;
    d->job_before = printer_job(k);
    if (!kiosk_staff_reprint(k, kiosk_staff_member(k), kiosk_now(k), id, &d->issued))
        log_info("kiosk: staff %s could not reprint the badge of %s: %s: %s", kiosk_staff_member(k),
                 id, d->issued.error, d->issued.message);
    ui_show_issued(k->ui, time_mono_ns() / 1000000);
}

/* Registers the form's walk-in, prints its badge and checks it in; a name that finds people
 * already registered is shown first (Register again registers it anyway), and a refusal stays
 * on the form. */
static void register_walkin(struct kiosk *k, struct kiosk_desk *d)
{
    struct ui_register_form f;
    if (!ui_register_form(k->ui, &f) || kiosk_staff_member(k)[0] == '\0')
        return;
    char name[KIOSK_WALKIN_TEXT_MAX + 1], org[KIOSK_WALKIN_TEXT_MAX + 1];
    trimmed(f.name, name, sizeof name);
    trimmed(f.organisation, org, sizeof org);
    d->duplicate[0] = '\0';
    struct kiosk_walkin w = {name,
                             org,
                             language_name(f.lang),
                             category_name(f.category),
                             NULL,
                             strcmp(name, d->confirmed) == 0};
    int job = printer_job(k);
    if (!kiosk_staff_register(k, kiosk_staff_member(k), kiosk_now(k), &w, &d->form)) {
        if (strcmp(d->form.error, "possible_duplicate") == 0) {
            list_duplicates(k, d);
            snprintf(d->confirmed, sizeof d->confirmed, "%s", name);
            d->form.error = NULL;
            return;
        }
        log_info("kiosk: staff %s could not register a walk-in: %s: %s", kiosk_staff_member(k),
                 d->form.error, d->form.message);
        return;
    }
    d->issued = d->form;
    d->form.error = NULL;
    d->confirmed[0] = '\0';
    d->job_before = job;
    d->walkin = true;
    snprintf(d->name, sizeof d->name, "%s", name);
    log_info("kiosk: staff %s registered the walk-in %s", kiosk_staff_member(k),
             d->issued.attendee);
    /* Checked in like a scan of the new badge (the same rules as any other); a walk-in of
     * category staff does not become the staff member at the screen. */
    char staff[SCAN_ID_MAX];
    snprintf(staff, sizeof staff, "%s", kiosk_staff_member(k));
    int before = occupancy_checked_in(k->occupancy);
    kiosk_handle_payload(k, (const uint8_t *)d->issued.token, strlen(d->issued.token), kiosk_now(k),
                         time_mono_ns());
    d->checked_in = occupancy_checked_in(k->occupancy) > before;
    const struct attendee *member = event_attendee_by_id(k->event, staff);
    if (member != NULL)
        kiosk_staff_badge_seen(k, member);
    ui_show_issued(k->ui, time_mono_ns() / 1000000);
}

bool kiosk_desk_ui(struct kiosk *k, const struct ui_input *in)
{
    struct kiosk_desk *d = desk_state(k);
    switch (in->action) {
    case UI_ACTION_SEARCH_REPRINT:
        reprint(k, d, in->value);
        return true;
    case UI_ACTION_REGISTER_OPEN:
        d->form.error = NULL;
        d->duplicate[0] = d->confirmed[0] = '\0';
        return true;
    case UI_ACTION_REGISTER:
        register_walkin(k, d);
        return true;
    default:
        return false;
    }
}

/* How far the issued badge got on the printer (k->printer_st: the state fill_view copied). */
static enum ui_issued_print print_progress(const struct kiosk *k, const struct kiosk_desk *d)
{
    if (k->printer == NULL)
        return UI_ISSUED_NO_PRINTER;
    if (!d->issued.printed)
        return UI_ISSUED_NOT_SENT;
    const struct kiosk_printer_state *st = &k->printer_st;
    if (strcmp(st->attendee, d->issued.attendee) != 0)
        return UI_ISSUED_PRINTING; /* the watcher has not taken it yet */
    switch (st->state) {
    case UI_PRINTER_READY:
        return st->job > d->job_before ? UI_ISSUED_PRINTED : UI_ISSUED_PRINTING;
    case UI_PRINTER_OFFLINE:
    case UI_PRINTER_OUT_OF_MEDIA:
    case UI_PRINTER_ERROR:
        return UI_ISSUED_TROUBLE;
    default:
        return UI_ISSUED_PRINTING;
    }
}

void kiosk_desk_fill_view(struct kiosk *k, struct ui_view *v)
{
    struct kiosk_desk *d = desk_state(k);
    struct ui_desk *out = &v->desk;
    if (d->form.error != NULL) {
        refusal_text(&d->form, v->lang, d->form_error, sizeof d->form_error);
        out->form_error = d->form_error;
    }
    out->duplicate = d->duplicate[0] != '\0' ? d->duplicate : NULL;
    struct ui_issued *is = &out->issued;
    is->walkin = d->walkin;
    is->attendee = d->issued.attendee;
    is->name = d->name;
    is->checked_in = d->checked_in;
    if (d->issued.error != NULL) {
        refusal_text(&d->issued, v->lang, d->error, sizeof d->error);
        is->error = d->error;
    }
    is->print = print_progress(k, d);
}

void kiosk_desk_finish(struct kiosk *k)
{
    free(k->desk);
    k->desk = NULL;
}
