/* SPDX-License-Identifier: Apache-2.0 */
/* The sync daemon's push of the badges this kiosk issued (walk-ins, reprints: store.h
 * store_issue) through central_upload_issue, before its scans: the check-in scan of a walk-in
 * names an attendee the server knows only once the walk-in is merged. An issue the server
 * refuses is set aside (marked refused, raised as an alarm, counted with the quarantine) and
 * the others go on; refused ones are offered again when the central model changes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"
#include "syncd_internal.h"
#include "util.h"

struct issue_list {
    struct store_issue *all;
    size_t n, cap;
};

/* store_read_issues callback: collects them. */
static bool collect(const struct store_issue *is, void *ctx)
{
    struct issue_list *l = ctx;
    if (l->n == l->cap)
        l->all = xrealloc(l->all, (l->cap = l->cap ? 2 * l->cap : 8) * sizeof *l->all);
    l->all[l->n++] = *is;
    return true;
}

/* Uploads one issue and records the outcome; false when the push must stop (connection lost,
 * a failure that is not a refusal, or the scan log cannot be written). */
static bool push_one(struct syncd *d, const struct store_issue *is, size_t *accepted)
{
    char why[sizeof d->last_error], sqlstate[6];
    long n =
        central_upload_issue(d->conn, d->set.device_id, d->epoch, is, why, sizeof why, sqlstate);
    if (n >= 0) {
        (*accepted)++;
        return store_mark_issue(d->store, is->seq, NULL);
    }
    if (!central_refuses_content(sqlstate) || PQstatus(d->conn) != CONNECTION_OK) {
        syncd_set_error(d, "pushing issued badges", why);
        return false;
    }
    if (is->state == STORE_ISSUE_REFUSED)
        return true; /* still refused: it stays aside */
    if (!store_mark_issue(d->store, is->seq, why))
        return false;
    char alarm[768];
    snprintf(alarm, sizeof alarm,
             "%s of %s (issue %s/%" PRId64 "/%" PRId64 ") was refused by the server and set "
             "aside (%s); the others go on",
             is->kind == STORE_ISSUE_WALKIN ? "the walk-in registration" : "the reprint",
             is->attendee, d->set.device_id, d->epoch, is->seq, why);
    log_warnx("sync: ALARM: %s", alarm);
    store_set_meta(d->store, "sync.alarm", alarm);
    return syncd_set_meta_int(d, "sync.quarantined", store_quarantine_count(d->store));
}

bool syncd_push_issues(struct syncd *d, bool retry_refused)
{
    struct issue_list l = {0};
    int state = retry_refused ? STORE_ISSUE_REFUSED : STORE_ISSUE_PENDING;
    if (!store_read_issues(d->store, state, collect, &l)) {
        syncd_set_error(d, "reading the issued badges", "database error");
        return false;
    }
    bool ok = true;
    size_t accepted = 0;
    for (size_t i = 0; i < l.n && ok; i++)
        ok = push_one(d, &l.all[i], &accepted);
    if (accepted > 0)
        log_info("sync: %zu issued badge%s uploaded%s", accepted, accepted == 1 ? "" : "s",
                 retry_refused ? " on a new try" : "");
    if (retry_refused && accepted > 0)
        ok = syncd_set_meta_int(d, "sync.quarantined", store_quarantine_count(d->store)) && ok;
    free(l.all);
    return ok;
}
