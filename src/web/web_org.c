/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's organiser pages (web_org.h). */
#include "web_org.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "central.h"
#include "event.h"
#include "lookup.h"
#include "report.h"
#include "report_out.h"
#include "sysclock.h"
#include "timeutil.h"

struct web_org {
    const char *conninfo;
    pthread_mutex_t mu; /* guards the cache, and the process's time zone while a report is made */
    struct event *ev;
    struct report *report;
    struct lookup *lookup;
    int64_t made_ms; /* monotonic */
};

const char *const web_org_report_names[] = {
    REPORT_HTML,          REPORT_ATTENDANCE_CSV,
    REPORT_ATTENDEES_CSV, REPORT_OCCUPANCY_CSV,
    REPORT_ARRIVALS_CSV,  REPORT_OVER_CAPACITY_CSV,
    REPORT_MANUAL_CSV,    REPORT_WALKINS_CSV,
    REPORT_CHECKINS_CSV,  NULL,
};

struct web_org *web_org_create(const char *conninfo)
{
    struct web_org *org = xcalloc(1, sizeof *org);
    org->conninfo = conninfo;
    pthread_mutex_init(&org->mu, NULL);
    return org;
}

static void drop_cache(struct web_org *org)
{
    lookup_destroy(org->lookup);
    report_destroy(org->report);
    event_destroy(org->ev);
    org->lookup = NULL;
    org->report = NULL;
    org->ev = NULL;
}

void web_org_destroy(struct web_org *org)
{
    if (org == NULL)
        return;
    drop_cache(org);
    pthread_mutex_destroy(&org->mu);
    free(org);
}

/* Reads the model and the scans from central and computes the report, as `portier report
 * --central` does (called locked). False after logging why. */
static bool make(struct web_org *org, struct event **ev, struct report **r)
{
    *ev = NULL;
    *r = NULL;
    PGconn *conn = central_connect(org->conninfo);
    if (conn == NULL)
        return false;
    struct report_log *log = report_log_create();
    *ev = central_load_event(conn);
    /* The report's times are in the process's zone: set it to the event's, once (setenv is
     * not safe while other threads read the environment, so not again when it is already). */
    const char *tz = getenv("TZ");
    if (*ev != NULL &&
        ((tz != NULL && strcmp(tz, (*ev)->timezone) == 0) || time_set_zone((*ev)->timezone))) {
        report_log_set_local_day(log, time_local_day);
        if (report_log_add_central(log, conn))
            *r = report_compute(*ev, log);
    }
    report_log_destroy(log);
    central_close(conn);
    if (*r == NULL) {
        event_destroy(*ev);
        *ev = NULL;
    }
    return *r != NULL;
}

/* The cache, made again when older than WEB_ORG_MAX_AGE_MS (called locked). */
static bool fresh(struct web_org *org)
{
    int64_t now = time_mono_ns() / 1000000;
    if (org->report != NULL && now - org->made_ms < WEB_ORG_MAX_AGE_MS)
        return true;
    struct event *ev;
    struct report *r;
    if (!make(org, &ev, &r))
        return false;
    drop_cache(org);
    org->ev = ev;
    org->report = r;
    org->lookup = lookup_create(ev);
    org->made_ms = now;
    return true;
}

/* Appends an ISO 8601 time in the event's zone, or null. */
static void time_json(struct strbuf *out, int64_t ms)
{
    if (ms == INT64_MIN) {
        strbuf_puts(out, "null");
        return;
    }
    char iso[TIME_ISO_LEN];
    time_format_iso8601(ms, iso);
    strbuf_json_string(out, iso);
}

/* One person: who, their check-in, and every session they registered for or attended. */
static void person_json(const struct web_org *org, size_t ai, struct strbuf *out)
{
    const struct event *ev = org->ev;
    const struct attendee *a = &ev->attendees[ai];
    strbuf_puts(out, "{\"attendee\":");
    strbuf_json_string(out, a->id);
    strbuf_puts(out, ",\"name\":");
    strbuf_json_string(out, a->name);
    strbuf_puts(out, ",\"organisation\":");
    strbuf_json_string(out, a->organisation);
    strbuf_puts(out, ",\"category\":");
    strbuf_json_string(out, category_name(a->category));
    strbuf_puts(out, ",\"checked_in\":");
    time_json(out, org->report->attendees[ai].checked_in_ms);
    strbuf_puts(out, ",\"sessions\":[");
    bool first = true;
    for (size_t s = 0; s < ev->n_sessions; s++) {
        int64_t present = org->report->present_ms[ai * ev->n_sessions + s];
        bool registered = event_is_registered(a, s);
        if (present <= 0 && !registered)
            continue;
        strbuf_puts(out, first ? "{\"id\":" : ",{\"id\":");
        first = false;
        strbuf_json_string(out, ev->sessions[s].id);
        strbuf_puts(out, ",\"title\":");
        strbuf_json_string(out, ev->sessions[s].title);
        strbuf_puts(out, ",\"start\":");
        time_json(out, ev->sessions[s].start_ms);
        strbuf_printf(out, ",\"registered\":%s,\"minutes\":%lld}", registered ? "true" : "false",
                      (long long)(present / 60000));
    }
    strbuf_puts(out, "]}");
}

int web_org_people_json(struct web_org *org, const char *query, struct strbuf *out)
{
    pthread_mutex_lock(&org->mu);
    if (!fresh(org)) {
        pthread_mutex_unlock(&org->mu);
        return 503;
    }
    struct lookup_result res;
    enum lookup_status st = lookup_find(org->lookup, query, NULL, 0, SIZE_MAX, &res);
    if (st != LOOKUP_OK) {
        pthread_mutex_unlock(&org->mu);
        strbuf_puts(out, st == LOOKUP_TOO_SHORT ? "{\"error\":\"too_short\"}"
                                                : "{\"error\":\"too_long\"}");
        return 400;
    }
    strbuf_printf(out, "{\"total\":%zu,\"people\":[", res.total);
    for (size_t i = 0; i < res.n; i++) {
        if (i > 0)
            strbuf_putc(out, ',');
        person_json(org, res.hits[i].attendee, out);
    }
    strbuf_puts(out, "]}");
    pthread_mutex_unlock(&org->mu);
    return 200;
}

int web_org_report_file(struct web_org *org, const char *name, char **data, size_t *len,
                        const char **type)
{
    size_t which = 0;
    while (web_org_report_names[which] != NULL && strcmp(web_org_report_names[which], name) != 0)
        which++;
    if (web_org_report_names[which] == NULL)
        return 404;
    pthread_mutex_lock(&org->mu);
    struct event *ev;
    struct report *r;
    if (!make(org, &ev, &r)) {
        pthread_mutex_unlock(&org->mu);
        return 503;
    }
    static const struct report_csv_format fmt = {.sep = ','};
    char *text;
    switch (which) {
    case 0:
        text = report_html(r);
        break;
    case 1:
        text = report_attendance_csv(r, &fmt);
        break;
    case 2:
        text = report_attendees_csv(r, &fmt);
        break;
    case 3:
        text = report_occupancy_csv(r, &fmt);
        break;
    case 4:
        text = report_arrivals_csv(r, &fmt);
        break;
    case 5:
        text = report_over_capacity_csv(r, &fmt);
        break;
    case 6:
        text = report_manual_csv(r, &fmt);
        break;
    case 7:
        text = report_walkins_csv(r, &fmt);
        break;
    default:
        text = report_checkins_by_day_csv(r, &fmt);
        break;
    }
    report_destroy(r);
    event_destroy(ev);
    pthread_mutex_unlock(&org->mu);
    *data = text;
    *len = strlen(text);
    *type = which == 0 ? "text/html; charset=utf-8" : "text/csv; charset=utf-8";
    return 200;
}
