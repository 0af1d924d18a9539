/* SPDX-License-Identifier: Apache-2.0 */
/* Badges a kiosk issues, recorded for the sync daemon (see kiosk_issue.h). */
#include "kiosk_issue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "kiosk_internal.h"
#include "log.h"

/* Fills the fields every issue has. */
static void issue_init(const struct kiosk *k, struct store_issue *is, enum store_issue_kind kind,
                       const char *id, uint32_t num, uint32_t serial, const char *staff_id,
                       int64_t wall_ms)
{
    memset(is, 0, sizeof *is);
    is->kind = kind;
    snprintf(is->attendee, sizeof is->attendee, "%s", id);
    is->num = num;
    is->serial = serial;
    devkey_hex_encode(k->issuer.pk, sizeof k->issuer.pk, is->public_key);
    snprintf(is->staff, sizeof is->staff, "%s", staff_id);
    is->wall_ms = wall_ms;
}

/* Revokes id's current badge in event.db. */
static bool revoke(struct kiosk *k, const char *id, uint32_t *num, uint32_t *revoked)
{
    char *db = path_join(k->settings.kiosk_dir, EVENT_DB_NAME);
    bool ok = event_revoke(db, id, num, revoked);
    free(db);
    return ok;
}

/* Adds walk-in att to event.db. */
static bool add_walkin(struct kiosk *k, const struct event_db_pulled_attendee *att, char *why,
                       size_t why_size)
{
    char *db = path_join(k->settings.kiosk_dir, EVENT_DB_NAME);
    bool ok = event_db_apply_pulled(db, att, 1, NULL, 0, why, why_size);
    free(db);
    return ok;
}

bool kiosk_issue_reprint(struct kiosk *k, const char *id, const char *staff_id, int64_t wall_ms,
                         uint32_t *num, uint32_t *revoked)
{
    /* The serial to revoke is event.db's latest: take in what the sync daemon pulled. */
    kiosk_reload_if_changed(k);
    struct store_issue is;
    const struct attendee *a = event_attendee_by_id(k->event, id);
    if (a == NULL)
        return false;
    uint32_t serial = a->serial;
    issue_init(k, &is, STORE_ISSUE_REPRINT, id, a->num, serial + 1, staff_id, wall_ms);
    if (!store_append_issue(k->store, &is))
        return false;
    if (revoke(k, id, num, revoked) && *revoked == serial)
        return true;
    /* event.db moved on under us (a pull) or refused: the record goes, nothing was issued. */
    log_warnx("kiosk: the reprint of %s was not applied to event.db; taken back", id);
    store_withdraw_issue(k->store, is.seq);
    return false;
}

bool kiosk_issue_walkin(struct kiosk *k, const struct event_db_pulled_attendee *att,
                        const char *staff_id, int64_t wall_ms, char *why, size_t why_size)
{
    struct store_issue is;
    issue_init(k, &is, STORE_ISSUE_WALKIN, att->id, (uint32_t)att->num, 0, staff_id, wall_ms);
    snprintf(is.name, sizeof is.name, "%s", att->name);
    snprintf(is.organisation, sizeof is.organisation, "%s", att->organisation);
    snprintf(is.language, sizeof is.language, "%s", att->language);
    snprintf(is.category, sizeof is.category, "%s", att->category);
    if (strlen(att->sessions) >= sizeof is.sessions) {
        snprintf(why, why_size,
                 "the walk-in is registered for too many sessions (at most %zu "
                 "bytes of session ids)",
                 sizeof is.sessions - 1);
        return false;
    }
    snprintf(is.sessions, sizeof is.sessions, "%s", att->sessions);
    if (!store_append_issue(k->store, &is)) {
        snprintf(why, why_size, "the scan log refused its record (see the kiosk's log)");
        return false;
    }
    if (add_walkin(k, att, why, why_size))
        return true;
    store_withdraw_issue(k->store, is.seq);
    return false;
}

/* store_read_issues callback: applies one issue event.db lacks. */
static bool replay_one(const struct store_issue *is, void *ctx)
{
    struct kiosk *k = ctx;
    const struct attendee *a = event_attendee_by_id(k->event, is->attendee);
    char why[256] = "";
    bool ok = true;
    if (is->kind == STORE_ISSUE_WALKIN && a == NULL) {
        struct event_db_pulled_attendee att = {
            is->attendee, is->num, is->name, is->organisation, is->language, is->category, 0,
            is->sessions, ""};
        ok = add_walkin(k, &att, why, sizeof why);
    } else if (is->kind == STORE_ISSUE_REPRINT && a != NULL && a->serial + 1 == is->serial) {
        uint32_t num, revoked;
        ok = revoke(k, is->attendee, &num, &revoked);
    } else {
        return true;
    }
    /* One that event.db keeps refusing must not stop the kiosk: it is still uploaded, and
     * comes back through the pull once central merged it. */
    if (ok)
        log_info("kiosk: issue %lld (%s of %s) applied to event.db again", (long long)is->seq,
                 is->kind == STORE_ISSUE_WALKIN ? "walk-in" : "reprint", is->attendee);
    else
        log_warnx("kiosk: issue %lld (%s) cannot be applied to event.db: %s", (long long)is->seq,
                  is->attendee, why[0] ? why : "see above");
    return true;
}

bool kiosk_issues_replay(struct kiosk *k)
{
    bool ok = store_read_issues(k->store, -1, replay_one, k);
    kiosk_reload_if_changed(k);
    return ok;
}
