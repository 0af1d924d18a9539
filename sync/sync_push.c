/* SPDX-License-Identifier: Apache-2.0 */
/* The sync daemon's push: this kiosk's unpushed scans, in seq order, batch by batch, through
 * the one upload path (central_upload_scans), the conflict alarm and the quarantine of scans
 * the server refuses (syncd.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"
#include "syncd_internal.h"
#include "util.h"

/* The rows of this device's batch that the server already holds ($1 device, $2 epoch, $3..$4
 * the seq range). */
static const char existing_sql[] =
    "SELECT " SYNCD_SCAN_COLUMNS " FROM portier.scans AS s"
    " WHERE s.device_id = $1 AND s.db_epoch = $2::bigint AND s.seq BETWEEN $3::bigint AND "
    "$4::bigint ORDER BY s.seq";

/* True when two scans with the same key carry the same content. */
static bool same_scan(const struct scan *a, const struct scan *b)
{
    return a->wall_ms == b->wall_ms && a->mono_ns == b->mono_ns &&
           strcmp(a->boot_id, b->boot_id) == 0 && a->clock_synced == b->clock_synced &&
           a->clock_given == b->clock_given && strcmp(a->room, b->room) == 0 &&
           strcmp(a->session, b->session) == 0 && strcmp(a->attendee, b->attendee) == 0 &&
           a->mode == b->mode && a->kind == b->kind && a->result == b->result &&
           a->reason == b->reason && a->override == b->override && strcmp(a->staff, b->staff) == 0;
}

/* After a batch inserted fewer rows than it holds: compares what the server holds under the
 * batch's keys with the local scans. Differences raise the alarm. False when the server could
 * not be asked, or lacks a row (nothing may be marked pushed then). */
static bool verify_batch(struct syncd *d, const struct scan *batch, size_t n)
{
    char epoch[24], lo[24], hi[24];
    snprintf(epoch, sizeof epoch, "%" PRId64, batch[0].db_epoch);
    snprintf(lo, sizeof lo, "%" PRId64, batch[0].seq);
    snprintf(hi, sizeof hi, "%" PRId64, batch[n - 1].seq);
    const char *values[] = {batch[0].device_id, epoch, lo, hi};
    PGresult *res = syncd_query(d, existing_sql, 4, values, "checking pushed scans");
    if (res == NULL)
        return false;
    bool ok = true;
    int rows = PQntuples(res), r = 0;
    for (size_t i = 0; i < n && ok; i++) {
        struct scan remote;
        while (r < rows && strtoll(PQgetvalue(res, r, 2), NULL, 10) < batch[i].seq)
            r++;
        if (r >= rows || strtoll(PQgetvalue(res, r, 2), NULL, 10) != batch[i].seq) {
            syncd_set_error(d, "pushing scans", "a pushed scan is missing on the server");
            ok = false;
            break;
        }
        if (!syncd_row_to_scan(res, r, &remote) || !same_scan(&remote, &batch[i])) {
            d->conflicts++;
            char alarm[256];
            snprintf(alarm, sizeof alarm,
                     "scan %s/%" PRId64 "/%" PRId64
                     " is on the server with other content; the local scan was not uploaded",
                     batch[i].device_id, batch[i].db_epoch, batch[i].seq);
            log_warnx("sync: ALARM: %s", alarm);
            store_set_meta(d->store, "sync.alarm", alarm);
            syncd_set_meta_int(d, "sync.conflicts", d->conflicts);
        }
    }
    PQclear(res);
    return ok;
}

/* Sets a scan the server refused aside: marked in the local log's quarantine, counted in
 * sync.quarantined, described in sync.alarm and logged as an alarm. The push goes on without
 * it. False when the mark could not be stored (then nothing may be marked pushed). */
static bool quarantine(struct syncd *d, const struct scan *s, const char *why)
{
    if (!store_quarantine_scan(d->store, s->db_epoch, s->seq, why))
        return false;
    char alarm[768];
    snprintf(alarm, sizeof alarm,
             "scan %s/%" PRId64 "/%" PRId64 " was refused by the server and set aside (%s); "
             "the other scans go on",
             s->device_id, s->db_epoch, s->seq, why);
    log_warnx("sync: ALARM: %s", alarm);
    store_set_meta(d->store, "sync.alarm", alarm);
    return syncd_set_meta_int(d, "sync.quarantined", store_quarantine_count(d->store));
}

/* Uploads scans[0..n) (seq order). When the server refuses the content of the batch (a CHECK,
 * a bad value: central_refuses_content), halves it until the refused scans stand alone, sets
 * them aside (quarantine) and uploads the rest: one bad row costs about 2 log2(n) round trips,
 * never the upload of the whole log. Any other failure (connection, timeout, privilege) stops
 * the push as before, to be retried. */
static bool push_part(struct syncd *d, const struct scan *scans, size_t n)
{
    char why[sizeof d->last_error], sqlstate[6];
    long inserted = central_upload_scans_ex(d->conn, scans, n, why, sizeof why, sqlstate);
    if (inserted >= 0)
        return (size_t)inserted == n || verify_batch(d, scans, n);
    if (!central_refuses_content(sqlstate) || PQstatus(d->conn) != CONNECTION_OK) {
        syncd_set_error(d, "pushing scans", why);
        return false;
    }
    if (n == 1)
        return quarantine(d, scans, why);
    size_t half = n / 2;
    return push_part(d, scans, half) && push_part(d, scans + half, n - half);
}

struct push_batch {
    const struct syncd *d;
    struct scan *scans;
    size_t n;
    bool full;
};

/* store_read_scans callback: collects this file's unpushed scans. */
static bool collect_local(const struct scan *s, void *ctx)
{
    struct push_batch *b = ctx;
    if (b->n == SYNCD_PUSH_BATCH) {
        b->full = true;
        return false;
    }
    if (s->db_epoch == b->d->epoch && s->seq > b->d->push_seq &&
        strcmp(s->device_id, b->d->set.device_id) == 0)
        b->scans[b->n++] = *s;
    return true;
}

bool syncd_push(struct syncd *d)
{
    struct push_batch b = {.d = d, .scans = xmalloc(SYNCD_PUSH_BATCH * sizeof(struct scan))};
    bool ok = true;
    for (;;) {
        int64_t rowid;
        b.n = 0;
        b.full = false;
        if (!store_read_scans(d->store, d->push_rowid, collect_local, &b, &rowid) && !b.full) {
            syncd_set_error(d, "reading the scan log", "database error");
            ok = false;
            break;
        }
        if (b.n > 0) {
            if (!push_part(d, b.scans, b.n)) {
                ok = false;
                break;
            }
            d->push_seq = b.scans[b.n - 1].seq;
            if (!syncd_set_meta_int(d, "sync.push_seq", d->push_seq)) {
                ok = false;
                break;
            }
        }
        d->push_rowid = rowid;
        if (!b.full)
            break;
    }
    free(b.scans);
    return ok;
}

struct quarantined {
    struct scan *scans;
    size_t n, cap;
};

/* store_read_quarantined callback: collects them. */
static bool collect_quarantined(const struct scan *s, void *ctx)
{
    struct quarantined *q = ctx;
    if (q->n == q->cap)
        q->scans = xrealloc(q->scans, (q->cap = q->cap ? 2 * q->cap : 16) * sizeof *q->scans);
    q->scans[q->n++] = *s;
    return true;
}

bool syncd_retry_quarantined(struct syncd *d)
{
    struct quarantined q = {0};
    if (!store_read_quarantined(d->store, collect_quarantined, &q)) {
        syncd_set_error(d, "reading the scan log", "database error");
        return false;
    }
    bool ok = true;
    size_t accepted = 0;
    for (size_t i = 0; i < q.n && ok; i++) {
        char why[sizeof d->last_error], sqlstate[6];
        long inserted = central_upload_scans_ex(d->conn, &q.scans[i], 1, why, sizeof why, sqlstate);
        if (inserted < 0) {
            if (!central_refuses_content(sqlstate) || PQstatus(d->conn) != CONNECTION_OK) {
                syncd_set_error(d, "pushing set-aside scans", why);
                ok = false;
            }
            continue; /* still refused: it stays aside */
        }
        ok = (inserted == 1 || verify_batch(d, &q.scans[i], 1)) &&
             store_unquarantine_scan(d->store, q.scans[i].db_epoch, q.scans[i].seq);
        accepted += ok;
    }
    if (accepted > 0)
        log_info("sync: %zu set-aside scan%s accepted by the server on a new try", accepted,
                 accepted == 1 ? "" : "s");
    free(q.scans);
    return syncd_set_meta_int(d, "sync.quarantined", store_quarantine_count(d->store)) && ok;
}
