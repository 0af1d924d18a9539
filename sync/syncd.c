#include "syncd.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "central.h"
#include "event.h"
#include "log.h"
#include "sdnotify.h"
#include "store.h"
#include "sysclock.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"

#define MS 1000000LL /* ns per ms */

/* The columns of portier.scans a kiosk supplies. */
#define SYNC_SCAN_COLUMNS                                                                          \
    "device_id, db_epoch, seq, wall_ms, mono_ns, boot_id, clock_synced, room, session, "           \
    "attendee, mode, kind, result, reason, override"

/* The columns pulled, in the order row_to_scan reads them. */
#define PULL_COLUMNS                                                                               \
    "s.device_id, s.db_epoch, s.seq, s.wall_ms, s.mono_ns, s.boot_id, s.clock_synced, s.room, "    \
    "s.session, s.attendee, s.mode, s.kind, s.result, s.reason, s.override"

/* Every other (device_id, db_epoch) on the server, found with a skip scan of the primary key
 * (one index probe per pair, not a pass over the table), and for each the scans above its
 * cursor ($1..$3: the cursors as arrays; $4, $5: this file's own key, skipped; $6: rows per
 * pair). */
static const char pull_sql[] =
    "WITH RECURSIVE pairs AS ("
    "  (SELECT device_id, db_epoch FROM portier.scans ORDER BY device_id, db_epoch LIMIT 1)"
    "  UNION ALL"
    "  SELECT n.device_id, n.db_epoch FROM pairs AS p CROSS JOIN LATERAL"
    "    (SELECT x.device_id, x.db_epoch FROM portier.scans AS x"
    "     WHERE (x.device_id, x.db_epoch) > (p.device_id, p.db_epoch)"
    "     ORDER BY x.device_id, x.db_epoch LIMIT 1) AS n"
    "), cur AS ("
    "  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS c(device_id, db_epoch, seq)"
    ") "
    "SELECT " PULL_COLUMNS " FROM pairs AS p"
    " LEFT JOIN cur AS c ON c.device_id = p.device_id AND c.db_epoch = p.db_epoch"
    " CROSS JOIN LATERAL (SELECT * FROM portier.scans AS y"
    "   WHERE y.device_id = p.device_id AND y.db_epoch = p.db_epoch"
    "     AND y.seq > coalesce(c.seq, 0) ORDER BY y.seq LIMIT $6) AS s"
    " WHERE NOT (p.device_id = $4 AND p.db_epoch = $5::bigint)"
    " ORDER BY s.device_id, s.db_epoch, s.seq";

/* The rows of this device's batch that the server already holds ($1 device, $2 epoch, $3..$4
 * the seq range). */
static const char existing_sql[] =
    "SELECT " PULL_COLUMNS " FROM portier.scans AS s"
    " WHERE s.device_id = $1 AND s.db_epoch = $2::bigint AND s.seq BETWEEN $3::bigint AND "
    "$4::bigint ORDER BY s.seq";

struct cursor {
    char device_id[SCAN_ID_MAX];
    int64_t db_epoch;
    int64_t seq;
};

struct syncd {
    struct syncd_settings set;
    struct store *store;
    char *event_db; /* KIOSK_DIR/event.db */
    uint32_t event_id;
    char boot_id[SCAN_BOOT_ID_MAX];
    int64_t epoch;

    PGconn *conn;
    bool model_published; /* the server holds our event's model */
    bool use_copy;        /* push with COPY (pg_temp.push_buf exists) */
    int64_t push_seq;     /* last pushed seq of this epoch */
    int64_t push_rowid;   /* the local log is read from here for unpushed scans */
    struct cursor *cursors;
    size_t n_cursors, cap_cursors;
    int64_t attendees_version, revocations_version;
    int64_t conflicts;

    /* Status as last written to the store meta. */
    bool online;
    bool status_known;
    int64_t pending_written;
    char last_error[512];
    char error_written[512];

    int failures; /* consecutive failed connections or cycles */
    int64_t next_connect_ns, next_poll_ns, next_local_ns, next_anchor_ns, next_ok_ns;
    int64_t local_last_seq; /* store_last_seq at the last check */
    bool want_pull, want_model;

    uint64_t rng;
    int stop_pipe[2];
    volatile sig_atomic_t stop;
};

static struct syncd *running; /* for the signal handler */

/* xorshift64*: jitter needs no cryptographic randomness. */
static uint64_t next_random(struct syncd *d)
{
    d->rng ^= d->rng >> 12;
    d->rng ^= d->rng << 25;
    d->rng ^= d->rng >> 27;
    return d->rng * 2685821657736338717ULL;
}

int64_t syncd_backoff_ms(int failures, int64_t max_ms, uint64_t random)
{
    if (max_ms <= 0)
        max_ms = SYNCD_BACKOFF_MAX_MS;
    int64_t cap = SYNCD_BACKOFF_MIN_MS;
    for (int i = 1; i < failures && cap < max_ms; i++)
        cap *= 2;
    if (cap > max_ms)
        cap = max_ms;
    int64_t floor_ms = SYNCD_BACKOFF_MIN_MS / 2 < cap ? SYNCD_BACKOFF_MIN_MS / 2 : cap;
    return floor_ms + (int64_t)(random % (uint64_t)(cap - floor_ms + 1));
}

/* Formats the kiosk's wall clock now as ISO 8601 into buf (TIME_ISO_LEN bytes). */
static void now_iso(char *buf)
{
    time_format_iso8601(time_now_ms(), buf);
}

/* Reads a decimal meta value; def when absent. */
static bool meta_int(struct store *st, const char *key, int64_t def, int64_t *out)
{
    char *v = NULL;
    if (!store_get_meta(st, key, &v))
        return false;
    *out = v != NULL ? strtoll(v, NULL, 10) : def;
    free(v);
    return true;
}

/* Writes a decimal meta value. */
static bool set_meta_int(struct store *st, const char *key, int64_t value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, value);
    return store_set_meta(st, key, buf);
}

/* Returns the cursor of (device_id, db_epoch), creating it at seq 0 when absent. */
static struct cursor *cursor_get(struct syncd *d, const char *device_id, int64_t db_epoch)
{
    for (size_t i = 0; i < d->n_cursors; i++) {
        if (d->cursors[i].db_epoch == db_epoch && strcmp(d->cursors[i].device_id, device_id) == 0)
            return &d->cursors[i];
    }
    if (d->n_cursors == d->cap_cursors) {
        d->cap_cursors = d->cap_cursors ? d->cap_cursors * 2 : 8;
        d->cursors = xrealloc(d->cursors, d->cap_cursors * sizeof *d->cursors);
    }
    struct cursor *c = &d->cursors[d->n_cursors++];
    memset(c, 0, sizeof *c);
    snprintf(c->device_id, sizeof c->device_id, "%s", device_id);
    c->db_epoch = db_epoch;
    return c;
}

/* Parses the sync.pull meta value ("DEVICE EPOCH SEQ" lines). */
static void cursors_parse(struct syncd *d, const char *text)
{
    const char *p = text;
    while (*p != '\0') {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char line[256];
        if (len < sizeof line) {
            memcpy(line, p, len);
            line[len] = '\0';
            char dev[SCAN_ID_MAX];
            long long epoch, seq;
            if (sscanf(line, "%63s %lld %lld", dev, &epoch, &seq) == 3)
                cursor_get(d, dev, epoch)->seq = seq;
        }
        p += len;
        if (*p == '\n')
            p++;
    }
}

/* Stores the pull cursors in the store meta. */
static bool cursors_save(struct syncd *d)
{
    struct strbuf sb = {0};
    for (size_t i = 0; i < d->n_cursors; i++)
        strbuf_printf(&sb, "%s %" PRId64 " %" PRId64 "\n", d->cursors[i].device_id,
                      d->cursors[i].db_epoch, d->cursors[i].seq);
    bool ok = store_set_meta(d->store, "sync.pull", sb.data ? sb.data : "");
    strbuf_finish(&sb);
    return ok;
}

/* Writes what changed of the status the kiosk screen shows. */
static void write_status(struct syncd *d, bool online)
{
    char when[TIME_ISO_LEN];
    if (!d->status_known || online != d->online) {
        now_iso(when);
        if (store_set_meta(d->store, "sync.state", online ? "online" : "offline"))
            store_set_meta(d->store, "sync.since", when);
        d->online = online;
        d->status_known = true;
        sdnotify_status("%s%s%s", online ? "online" : "offline",
                        online || d->last_error[0] == '\0' ? "" : ": ",
                        online ? "" : d->last_error);
    }
    if (strcmp(d->error_written, d->last_error) != 0 &&
        store_set_meta(d->store, "sync.last_error", d->last_error))
        snprintf(d->error_written, sizeof d->error_written, "%s", d->last_error);
    int64_t last = store_last_seq(d->store);
    if (last >= 0) {
        int64_t pending = last > d->push_seq ? last - d->push_seq : 0;
        if (pending != d->pending_written && set_meta_int(d->store, "sync.pending", pending))
            d->pending_written = pending;
    }
    /* last_ok at most once a second: each meta write is a durable transaction. */
    int64_t now = time_mono_ns();
    if (online && now >= d->next_ok_ns) {
        now_iso(when);
        store_set_meta(d->store, "sync.last_ok", when);
        d->next_ok_ns = now + 1000 * MS;
    }
}

/* Remembers an error for the status and logs it. */
static void set_error(struct syncd *d, const char *what, const char *why)
{
    char msg[sizeof d->last_error];
    snprintf(msg, sizeof msg, "%s: %s", what, why);
    size_t len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    if (strcmp(msg, d->last_error) != 0)
        log_warnx("sync: %s", msg);
    memcpy(d->last_error, msg, sizeof msg);
}

/* Runs a statement without parameters; false after recording the error. */
static bool pq_exec(struct syncd *d, const char *sql, const char *what)
{
    PGresult *res = PQexec(d->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        set_error(d, what, res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn));
    PQclear(res);
    return ok;
}

/* Runs a parameterised query; returns the result or NULL after recording the error. */
static PGresult *pq_query(struct syncd *d, const char *sql, int n, const char *const *values,
                          const char *what)
{
    PGresult *res = PQexecParams(d->conn, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return res;
    set_error(d, what, res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn));
    PQclear(res);
    return NULL;
}

/* Converts one pulled row to a scan; false when a field is out of range. */
static bool row_to_scan(const PGresult *res, int row, struct scan *s)
{
    memset(s, 0, sizeof *s);
    const char *f[15];
    for (int c = 0; c < 15; c++)
        f[c] = PQgetvalue(res, row, c);
    if (strlen(f[0]) >= sizeof s->device_id || strlen(f[5]) >= sizeof s->boot_id ||
        strlen(f[7]) >= sizeof s->room || strlen(f[8]) >= sizeof s->session ||
        strlen(f[9]) >= sizeof s->attendee)
        return false;
    strcpy(s->device_id, f[0]);
    s->db_epoch = strtoll(f[1], NULL, 10);
    s->seq = strtoll(f[2], NULL, 10);
    s->wall_ms = strtoll(f[3], NULL, 10);
    s->mono_ns = strtoll(f[4], NULL, 10);
    strcpy(s->boot_id, f[5]);
    s->clock_synced = f[6][0] == 't';
    strcpy(s->room, f[7]);
    strcpy(s->session, f[8]);
    strcpy(s->attendee, f[9]);
    s->override = f[14][0] == 't';
    return kiosk_mode_parse(f[10], &s->mode) && scan_kind_parse(f[11], &s->kind) &&
           scan_result_parse(f[12], &s->result) && scan_reason_parse(f[13], &s->reason);
}

/* True when two scans with the same key carry the same content. */
static bool same_scan(const struct scan *a, const struct scan *b)
{
    return a->wall_ms == b->wall_ms && a->mono_ns == b->mono_ns &&
           strcmp(a->boot_id, b->boot_id) == 0 && a->clock_synced == b->clock_synced &&
           strcmp(a->room, b->room) == 0 && strcmp(a->session, b->session) == 0 &&
           strcmp(a->attendee, b->attendee) == 0 && a->mode == b->mode && a->kind == b->kind &&
           a->result == b->result && a->reason == b->reason && a->override == b->override;
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
    PGresult *res = pq_query(d, existing_sql, 4, values, "checking pushed scans");
    if (res == NULL)
        return false;
    bool ok = true;
    int rows = PQntuples(res), r = 0;
    for (size_t i = 0; i < n && ok; i++) {
        struct scan remote;
        while (r < rows && strtoll(PQgetvalue(res, r, 2), NULL, 10) < batch[i].seq)
            r++;
        if (r >= rows || strtoll(PQgetvalue(res, r, 2), NULL, 10) != batch[i].seq) {
            set_error(d, "pushing scans", "a pushed scan is missing on the server");
            ok = false;
            break;
        }
        if (!row_to_scan(res, r, &remote) || !same_scan(&remote, &batch[i])) {
            d->conflicts++;
            char alarm[256];
            snprintf(alarm, sizeof alarm,
                     "scan %s/%" PRId64 "/%" PRId64
                     " is on the server with other content; the local scan was not uploaded",
                     batch[i].device_id, batch[i].db_epoch, batch[i].seq);
            log_warnx("sync: ALARM: %s", alarm);
            store_set_meta(d->store, "sync.alarm", alarm);
            set_meta_int(d->store, "sync.conflicts", d->conflicts);
        }
    }
    PQclear(res);
    return ok;
}

/* Appends one COPY text-format field and its separator (a tab, or a newline after the last). */
static void copy_field(struct strbuf *sb, const char *s, bool last)
{
    central_copy_field(sb, s);
    strbuf_putc(sb, last ? '\n' : '\t');
}

/* Uploads scans like central_upload_scans, faster: COPY into a session-local table, then one
 * INSERT ... SELECT ... ON CONFLICT DO NOTHING, in one transaction. Returns the number of new
 * rows, or -1 after recording the error (the transaction is rolled back). */
static long upload_copy(struct syncd *d, const struct scan *scans, size_t n)
{
    struct strbuf rows = {0};
    for (size_t i = 0; i < n; i++) {
        const struct scan *s = &scans[i];
        char num[24];
        copy_field(&rows, s->device_id, false);
        snprintf(num, sizeof num, "%" PRId64, s->db_epoch);
        copy_field(&rows, num, false);
        snprintf(num, sizeof num, "%" PRId64, s->seq);
        copy_field(&rows, num, false);
        snprintf(num, sizeof num, "%" PRId64, s->wall_ms);
        copy_field(&rows, num, false);
        snprintf(num, sizeof num, "%" PRId64, s->mono_ns);
        copy_field(&rows, num, false);
        copy_field(&rows, s->boot_id, false);
        copy_field(&rows, s->clock_synced ? "t" : "f", false);
        copy_field(&rows, s->room, false);
        copy_field(&rows, s->session, false);
        copy_field(&rows, s->attendee, false);
        copy_field(&rows, kiosk_mode_name(s->mode), false);
        copy_field(&rows, scan_kind_name(s->kind), false);
        copy_field(&rows, scan_result_name(s->result), false);
        copy_field(&rows, scan_reason_name(s->reason), false);
        copy_field(&rows, s->override ? "t" : "f", true);
    }
    long inserted = -1;
    if (!pq_exec(d, "BEGIN", "pushing scans"))
        goto out;
    PGresult *res = PQexec(d->conn, "COPY pg_temp.push_buf FROM STDIN");
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        set_error(d, "pushing scans", PQresultErrorMessage(res));
        PQclear(res);
        goto rollback;
    }
    PQclear(res);
    if (PQputCopyData(d->conn, rows.data, (int)rows.len) != 1 || PQputCopyEnd(d->conn, NULL) != 1) {
        set_error(d, "pushing scans", PQerrorMessage(d->conn));
        goto rollback;
    }
    bool copied = true;
    while ((res = PQgetResult(d->conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            set_error(d, "pushing scans", PQresultErrorMessage(res));
            copied = false;
        }
        PQclear(res);
    }
    if (!copied)
        goto rollback;
    res = PQexec(d->conn, "INSERT INTO portier.scans (" SYNC_SCAN_COLUMNS
                          ") SELECT " SYNC_SCAN_COLUMNS " FROM pg_temp.push_buf ORDER BY seq"
                          " ON CONFLICT (device_id, db_epoch, seq) DO NOTHING");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        set_error(d, "pushing scans", PQresultErrorMessage(res));
        PQclear(res);
        goto rollback;
    }
    long n_new = atol(PQcmdTuples(res));
    PQclear(res);
    if (!pq_exec(d, "COMMIT", "pushing scans"))
        goto out;
    inserted = n_new;
    goto out;
rollback:
    if (PQstatus(d->conn) == CONNECTION_OK) {
        res = PQexec(d->conn, "ROLLBACK");
        PQclear(res);
    }
out:
    strbuf_finish(&rows);
    return inserted;
}

/* Creates the session-local table upload_copy fills; without it (no TEMP privilege), pushes
 * go through central_upload_scans. */
static void prepare_copy(struct syncd *d)
{
    PGresult *res =
        PQexec(d->conn, "CREATE TEMP TABLE push_buf (device_id text, db_epoch bigint,"
                        " seq bigint, wall_ms bigint, mono_ns bigint, boot_id text,"
                        " clock_synced boolean, room text, session text, attendee text,"
                        " mode text, kind text, result text, reason text, override boolean)"
                        " ON COMMIT DELETE ROWS");
    d->use_copy = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!d->use_copy)
        log_debug("sync: no temporary table (%s); pushing with INSERT", PQresultErrorMessage(res));
    PQclear(res);
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

/* Pushes every unpushed local scan, batch by batch. */
static bool push(struct syncd *d)
{
    struct push_batch b = {.d = d, .scans = xmalloc(SYNCD_PUSH_BATCH * sizeof(struct scan))};
    bool ok = true;
    for (;;) {
        int64_t rowid;
        b.n = 0;
        b.full = false;
        if (!store_read_scans(d->store, d->push_rowid, collect_local, &b, &rowid) && !b.full) {
            set_error(d, "reading the scan log", "database error");
            ok = false;
            break;
        }
        if (b.n > 0) {
            long inserted = d->use_copy ? upload_copy(d, b.scans, b.n)
                                        : central_upload_scans(d->conn, b.scans, b.n);
            if (inserted < 0) {
                if (!d->use_copy)
                    set_error(d, "pushing scans",
                              PQstatus(d->conn) == CONNECTION_OK ? "the server refused them"
                                                                 : PQerrorMessage(d->conn));
                ok = false;
                break;
            }
            if ((size_t)inserted < b.n && !verify_batch(d, b.scans, b.n)) {
                ok = false;
                break;
            }
            d->push_seq = b.scans[b.n - 1].seq;
            if (!set_meta_int(d->store, "sync.push_seq", d->push_seq)) {
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

/* Inserts pulled scans into the local log, in transactions of SYNCD_PULL_BATCH. A batch the
 * store refuses is retried scan by scan, so that a scan this build cannot store (logged and
 * skipped) does not stop the others; but when the database itself fails (none goes in, and a
 * write of the cursors fails too) nothing is skipped: false, and the pull is retried. */
static bool insert_pulled(struct syncd *d, const struct scan *scans, size_t n)
{
    for (size_t i = 0; i < n; i += SYNCD_PULL_BATCH) {
        size_t len = n - i < SYNCD_PULL_BATCH ? n - i : SYNCD_PULL_BATCH;
        if (store_insert_remote_scans(d->store, scans + i, len))
            continue;
        size_t stored = 0;
        for (size_t j = i; j < i + len; j++) {
            if (store_insert_remote_scans(d->store, scans + j, 1))
                stored++;
            else
                log_warnx("sync: scan %s/%" PRId64 "/%" PRId64 " pulled but refused by the "
                          "scan log",
                          scans[j].device_id, scans[j].db_epoch, scans[j].seq);
        }
        if (stored == 0 && !cursors_save(d)) {
            set_error(d, "storing pulled scans", "the scan log cannot be written");
            return false;
        }
    }
    return true;
}

/* Pulls the other kiosks' scans above the cursors into the local log. */
static bool pull_scans(struct syncd *d)
{
    const int per_pair = 2000;
    for (;;) {
        struct strbuf devs = {0}, epochs = {0}, seqs = {0};
        strbuf_putc(&devs, '{');
        strbuf_putc(&epochs, '{');
        strbuf_putc(&seqs, '{');
        for (size_t i = 0; i < d->n_cursors; i++) {
            const char *sep = i > 0 ? "," : "";
            strbuf_printf(&devs, "%s\"", sep);
            for (const char *c = d->cursors[i].device_id; *c; c++) {
                if (*c == '"' || *c == '\\')
                    strbuf_putc(&devs, '\\');
                strbuf_putc(&devs, *c);
            }
            strbuf_putc(&devs, '"');
            strbuf_printf(&epochs, "%s%" PRId64, sep, d->cursors[i].db_epoch);
            strbuf_printf(&seqs, "%s%" PRId64, sep, d->cursors[i].seq);
        }
        strbuf_putc(&devs, '}');
        strbuf_putc(&epochs, '}');
        strbuf_putc(&seqs, '}');
        char epoch[24], limit[16];
        snprintf(epoch, sizeof epoch, "%" PRId64, d->epoch);
        snprintf(limit, sizeof limit, "%d", per_pair);
        const char *values[] = {devs.data, epochs.data, seqs.data, d->set.device_id, epoch, limit};
        PGresult *res = pq_query(d, pull_sql, 6, values, "pulling scans");
        strbuf_finish(&devs);
        strbuf_finish(&epochs);
        strbuf_finish(&seqs);
        if (res == NULL)
            return false;
        int rows = PQntuples(res);
        struct scan *scans = xmalloc(((size_t)rows + 1) * sizeof *scans);
        size_t n = 0;
        bool more = false;
        int in_pair = 0;
        for (int r = 0; r < rows; r++) {
            if (!row_to_scan(res, r, &scans[n])) {
                log_warnx("sync: pulled scan %s/%s/%s has fields this build cannot store; "
                          "skipped",
                          PQgetvalue(res, r, 0), PQgetvalue(res, r, 1), PQgetvalue(res, r, 2));
                continue;
            }
            n++;
        }
        /* Cursors move only once the rows are stored. Each pair's rows arrive in seq order. */
        bool ok = insert_pulled(d, scans, n);
        for (int r = 0; ok && r < rows; r++) {
            struct cursor *c =
                cursor_get(d, PQgetvalue(res, r, 0), strtoll(PQgetvalue(res, r, 1), NULL, 10));
            int64_t seq = strtoll(PQgetvalue(res, r, 2), NULL, 10);
            if (seq > c->seq)
                c->seq = seq;
            bool same_pair = r > 0 &&
                             strcmp(PQgetvalue(res, r, 0), PQgetvalue(res, r - 1, 0)) == 0 &&
                             strcmp(PQgetvalue(res, r, 1), PQgetvalue(res, r - 1, 1)) == 0;
            in_pair = same_pair ? in_pair + 1 : 1;
            if (in_pair >= per_pair)
                more = true;
        }
        PQclear(res);
        free(scans);
        if (rows > 0 && !cursors_save(d))
            return false;
        if (!ok)
            return false;
        if (!more)
            return true;
    }
}

/* Checks that the server holds this kiosk's event (or none yet). */
static bool check_event(struct syncd *d)
{
    PGresult *res =
        pq_query(d, "SELECT event_id FROM portier.event", 0, NULL, "reading the central event");
    if (res == NULL)
        return false;
    bool ok = true;
    d->model_published = PQntuples(res) > 0;
    if (d->model_published && strtoull(PQgetvalue(res, 0, 0), NULL, 10) != d->event_id) {
        set_error(d, "central database",
                  "it holds another event than this kiosk's bundle; refusing to sync");
        ok = false;
    }
    PQclear(res);
    return ok;
}

/* Opens the bundle's event.db for writing. */
static sqlite3 *open_bundle(struct syncd *d)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(d->event_db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        set_error(d, d->event_db, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
    /* A pulled change may be a 'portier forget': overwrite what it replaces, so the old name
     * does not linger in free pages of the bundle. */
    sqlite3_exec(db, "PRAGMA secure_delete=ON", NULL, NULL, NULL);
    return db;
}

/* Runs SQL on the bundle; false after recording the error. */
static bool bundle_exec(struct syncd *d, sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return true;
    set_error(d, d->event_db, sqlite3_errmsg(db));
    return false;
}

/* Writes pulled attendees (res: id, num, name, organisation, language, category, serial,
 * sessions joined by newlines, version) into the bundle. */
static bool apply_attendees(struct syncd *d, sqlite3 *db, const PGresult *res)
{
    static const char upsert[] =
        "INSERT INTO attendees (id, num, name, organisation, email, language, category, serial)"
        " VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET"
        " num = excluded.num, name = excluded.name, organisation = excluded.organisation,"
        " language = excluded.language, category = excluded.category, serial = excluded.serial"
        /* A bundle made after a newer import than the server's keeps its newer badge serial. */
        " WHERE excluded.serial >= attendees.serial";
    sqlite3_stmt *up = NULL, *del = NULL, *reg = NULL;
    bool ok = sqlite3_prepare_v2(db, upsert, -1, &up, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "DELETE FROM registrations WHERE attendee = ?1", -1, &del,
                                 NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db,
                                 "INSERT OR IGNORE INTO registrations (attendee, session) "
                                 "SELECT ?1, id FROM sessions WHERE id = ?2",
                                 -1, &reg, NULL) == SQLITE_OK;
    if (!ok)
        set_error(d, d->event_db, sqlite3_errmsg(db));
    for (int r = 0; ok && r < PQntuples(res); r++) {
        const char *id = PQgetvalue(res, r, 0);
        sqlite3_reset(up);
        sqlite3_bind_text(up, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 2, strtoll(PQgetvalue(res, r, 1), NULL, 10));
        for (int c = 2; c <= 5; c++)
            sqlite3_bind_text(up, c + 1, PQgetvalue(res, r, c), -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 7, strtoll(PQgetvalue(res, r, 6), NULL, 10));
        if (sqlite3_step(up) != SQLITE_DONE) {
            /* One bad row (say a num the bundle gave another id) must not stall the rest. */
            log_warnx("sync: attendee %s not applied to %s: %s", id, d->event_db,
                      sqlite3_errmsg(db));
            continue;
        }
        sqlite3_reset(del);
        sqlite3_bind_text(del, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(del) != SQLITE_DONE) {
            set_error(d, d->event_db, sqlite3_errmsg(db));
            ok = false;
            break;
        }
        char *sessions = xstrdup(PQgetvalue(res, r, 7));
        for (char *save = NULL, *s = strtok_r(sessions, "\n", &save); s && ok;
             s = strtok_r(NULL, "\n", &save)) {
            sqlite3_reset(reg);
            sqlite3_bind_text(reg, 1, id, -1, SQLITE_STATIC);
            sqlite3_bind_text(reg, 2, s, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(reg) != SQLITE_DONE) {
                set_error(d, d->event_db, sqlite3_errmsg(db));
                ok = false;
            }
        }
        free(sessions);
    }
    sqlite3_finalize(up);
    sqlite3_finalize(del);
    sqlite3_finalize(reg);
    return ok;
}

/* Writes pulled revocations (res: num, serial, revoked_at, version) into the bundle. */
static bool apply_revocations(struct syncd *d, sqlite3 *db, const PGresult *res)
{
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO revocations (num, serial, revoked_at) "
                           "VALUES (?1, ?2, ?3)",
                           -1, &ins, NULL) != SQLITE_OK) {
        set_error(d, d->event_db, sqlite3_errmsg(db));
        return false;
    }
    bool ok = true;
    for (int r = 0; ok && r < PQntuples(res); r++) {
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, strtoll(PQgetvalue(res, r, 0), NULL, 10));
        sqlite3_bind_int64(ins, 2, strtoll(PQgetvalue(res, r, 1), NULL, 10));
        sqlite3_bind_text(ins, 3, PQgetvalue(res, r, 2), -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            set_error(d, d->event_db, sqlite3_errmsg(db));
            ok = false;
        }
    }
    sqlite3_finalize(ins);
    return ok;
}

/* The highest value of the last column of res, or cur when it has no rows. */
static int64_t max_version(const PGresult *res, int64_t cur)
{
    int col = PQnfields(res) - 1;
    for (int r = 0; r < PQntuples(res); r++) {
        int64_t v = strtoll(PQgetvalue(res, r, col), NULL, 10);
        if (v > cur)
            cur = v;
    }
    return cur;
}

/* Pulls attendee additions and changes and revocations into the bundle, in one transaction
 * per round, and bumps its model_version so that the kiosk reloads. */
static bool pull_model(struct syncd *d)
{
    if (!d->model_published)
        return true;
    for (;;) {
        char av[24], rv[24];
        snprintf(av, sizeof av, "%" PRId64, d->attendees_version);
        snprintf(rv, sizeof rv, "%" PRId64, d->revocations_version);
        const char *a_values[] = {av};
        const char *r_values[] = {rv};
        PGresult *att = pq_query(d,
                                 "SELECT id, num, name, organisation, language, category, serial,"
                                 " array_to_string(sessions, E'\\n'), version"
                                 " FROM portier.attendees WHERE version > $1::bigint"
                                 " ORDER BY version LIMIT 1000",
                                 1, a_values, "pulling attendees");
        if (att == NULL)
            return false;
        PGresult *rev = pq_query(d,
                                 "SELECT num, serial, revoked_at, version FROM portier.revocations"
                                 " WHERE version > $1::bigint ORDER BY version LIMIT 1000",
                                 1, r_values, "pulling revocations");
        if (rev == NULL) {
            PQclear(att);
            return false;
        }
        bool more = PQntuples(att) == 1000 || PQntuples(rev) == 1000;
        bool ok = true;
        if (PQntuples(att) > 0 || PQntuples(rev) > 0) {
            sqlite3 *db = open_bundle(d);
            ok = db != NULL && bundle_exec(d, db, "BEGIN IMMEDIATE") &&
                 apply_attendees(d, db, att) && apply_revocations(d, db, rev) &&
                 bundle_exec(d, db,
                             "INSERT INTO meta (key, value) VALUES ('model_version', '1')"
                             " ON CONFLICT (key) DO UPDATE SET"
                             " value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)") &&
                 bundle_exec(d, db, "COMMIT");
            if (!ok && db != NULL)
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            sqlite3_close(db);
            if (ok) {
                log_info("sync: %d attendee change%s and %d revocation%s applied to %s",
                         PQntuples(att), PQntuples(att) == 1 ? "" : "s", PQntuples(rev),
                         PQntuples(rev) == 1 ? "" : "s", d->event_db);
                d->attendees_version = max_version(att, d->attendees_version);
                d->revocations_version = max_version(rev, d->revocations_version);
                ok = set_meta_int(d->store, "sync.attendees_version", d->attendees_version) &&
                     set_meta_int(d->store, "sync.revocations_version", d->revocations_version);
            }
        }
        PQclear(att);
        PQclear(rev);
        if (!ok)
            return false;
        if (!more)
            return true;
    }
}

/* Records a clock anchor (this boot's monotonic time; the server stamps its own clock) and
 * measures the offset between the server's clock and the kiosk's wall clock. A failure is
 * only logged unless the connection broke: scans can still be dated from their arrival. */
static bool send_anchor(struct syncd *d)
{
    d->next_anchor_ns = time_mono_ns() + SYNCD_ANCHOR_INTERVAL_MS * MS;
    int64_t before = time_now_ms();
    PGresult *res = pq_query(d, "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint", 0,
                             NULL, "reading the server's clock");
    int64_t after = time_now_ms();
    if (res == NULL)
        return PQstatus(d->conn) == CONNECTION_OK;
    int64_t offset = strtoll(PQgetvalue(res, 0, 0), NULL, 10) - (before + after) / 2;
    PQclear(res);
    set_meta_int(d->store, "sync.clock_offset_ms", offset);
    log_debug("sync: server clock - kiosk clock = %" PRId64 " ms (round trip %" PRId64 " ms)",
              offset, after - before);

    char mono[24], wall[24];
    snprintf(mono, sizeof mono, "%" PRId64, time_mono_ns());
    snprintf(wall, sizeof wall, "%" PRId64, time_now_ms());
    const char *values[] = {d->set.device_id, d->boot_id, mono, wall};
    res = pq_query(d,
                   "INSERT INTO portier.clock_anchors (device_id, boot_id, mono_ns, wall_ms)"
                   " VALUES ($1, $2, $3::bigint, $4::bigint) ON CONFLICT DO NOTHING",
                   4, values, "recording a clock anchor");
    PQclear(res);
    return res != NULL || PQstatus(d->conn) == CONNECTION_OK;
}

/* Drops the connection. */
static void disconnect(struct syncd *d)
{
    PQfinish(d->conn);
    d->conn = NULL;
}

/* Connects, sets the session up and LISTENs. */
static bool connect_central(struct syncd *d)
{
    d->conn = central_connect(d->set.conninfo);
    if (d->conn == NULL) {
        set_error(d, "connecting", "the central server is unreachable");
        return false;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "SET statement_timeout = %d", SYNCD_STATEMENT_TIMEOUT_MS);
    /* LISTEN before the first pull: whatever commits after this point wakes us, and whatever
     * committed before it is found by the pull. */
    if (!pq_exec(d, sql, "setting up the session") ||
        !pq_exec(d, "LISTEN " CENTRAL_CHANNEL_SCANS, "LISTEN") ||
        !pq_exec(d, "LISTEN " CENTRAL_CHANNEL_MODEL, "LISTEN") || !check_event(d) ||
        !send_anchor(d)) {
        disconnect(d);
        return false;
    }
    prepare_copy(d);
    log_info("sync: connected to the central server");
    d->want_pull = d->want_model = true;
    return true;
}

/* Takes the notifications that arrived; false when the connection broke. */
static bool take_notifications(struct syncd *d)
{
    if (!PQconsumeInput(d->conn)) {
        set_error(d, "connection lost", PQerrorMessage(d->conn));
        return false;
    }
    PGnotify *n;
    while ((n = PQnotifies(d->conn)) != NULL) {
        if (strcmp(n->relname, CENTRAL_CHANNEL_MODEL) == 0)
            d->want_model = true;
        else if (strcmp(n->extra, d->set.device_id) != 0)
            d->want_pull = true;
        PQfreemem(n);
    }
    return true;
}

/* One exchange: push what is unsent, then pull what was asked for (or due). */
static bool cycle(struct syncd *d, bool poll_due)
{
    if (!take_notifications(d))
        return false;
    if (poll_due)
        d->want_pull = d->want_model = true;
    if (d->want_model) {
        d->want_model = false;
        if (!check_event(d) || !pull_model(d)) {
            d->want_model = true;
            return false;
        }
    }
    if (d->want_pull) {
        d->want_pull = false;
        if (!pull_scans(d)) {
            d->want_pull = true;
            return false;
        }
    }
    if (!push(d))
        return false;
    if (time_mono_ns() >= d->next_anchor_ns && !send_anchor(d))
        return false;
    return true;
}

static void on_signal(int sig)
{
    (void)sig;
    if (running != NULL)
        syncd_request_stop(running);
}

void syncd_request_stop(struct syncd *d)
{
    int saved = errno;
    d->stop = 1;
    if (d->stop_pipe[1] >= 0) {
        ssize_t ignored = write(d->stop_pipe[1], "x", 1);
        (void)ignored;
    }
    errno = saved;
}

struct syncd *syncd_create(const struct syncd_settings *settings)
{
    struct syncd *d = xcalloc(1, sizeof *d);
    d->set = *settings;
    d->stop_pipe[0] = d->stop_pipe[1] = -1;
    d->pending_written = -1;
    if (d->set.poll_ms <= 0)
        d->set.poll_ms = SYNCD_POLL_MS;
    if (d->set.backoff_max_ms <= 0)
        d->set.backoff_max_ms = SYNCD_BACKOFF_MAX_MS;
    d->rng = (uint64_t)time_mono_ns() ^ ((uint64_t)getpid() << 32) ^ 0x9E3779B97F4A7C15ULL;
    if (d->rng == 0)
        d->rng = 1;

    d->event_db = path_join(settings->kiosk_dir, EVENT_DB_NAME);
    if (!event_read_id(d->event_db, &d->event_id))
        goto fail;
    d->store = store_open(settings->db_path, settings->device_id);
    if (d->store == NULL)
        goto fail;
    d->epoch = store_db_epoch(d->store);
    sysclock_boot_id(d->boot_id);
    char *pull = NULL;
    if (!meta_int(d->store, "sync.push_seq", 0, &d->push_seq) ||
        !meta_int(d->store, "sync.attendees_version", 0, &d->attendees_version) ||
        !meta_int(d->store, "sync.revocations_version", 0, &d->revocations_version) ||
        !meta_int(d->store, "sync.conflicts", 0, &d->conflicts) ||
        !store_get_meta(d->store, "sync.pull", &pull))
        goto fail;
    if (pull != NULL)
        cursors_parse(d, pull);
    free(pull);
    if (pipe(d->stop_pipe) != 0) {
        log_warn("sync: pipe");
        goto fail;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(d->stop_pipe[i], F_SETFD, FD_CLOEXEC);
        fcntl(d->stop_pipe[i], F_SETFL, O_NONBLOCK);
    }
    return d;
fail:
    syncd_destroy(d);
    return NULL;
}

void syncd_destroy(struct syncd *d)
{
    if (d == NULL)
        return;
    disconnect(d);
    store_close(d->store);
    free(d->event_db);
    free(d->cursors);
    for (int i = 0; i < 2; i++) {
        if (d->stop_pipe[i] >= 0)
            close(d->stop_pipe[i]);
    }
    free(d);
}

/* Notes a failure: offline status and the next reconnection after a backoff. */
static void failed(struct syncd *d)
{
    disconnect(d);
    d->failures++;
    int64_t delay = syncd_backoff_ms(d->failures, d->set.backoff_max_ms, next_random(d));
    d->next_connect_ns = time_mono_ns() + delay * MS;
    write_status(d, false);
    log_debug("sync: next attempt in %" PRId64 " ms", delay);
}

/* The single pass of --once: connect, pull, push. */
static bool run_once(struct syncd *d)
{
    bool ok = connect_central(d) && cycle(d, true);
    if (ok)
        d->last_error[0] = '\0';
    write_status(d, ok);
    disconnect(d);
    return ok;
}

bool syncd_run(struct syncd *d)
{
    struct sigaction sa, old_term, old_int;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    running = d;
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGINT, &sa, &old_int);
    signal(SIGPIPE, SIG_IGN);

    /* Ready once the store is open: an unreachable server is the daemon's normal state. */
    sdnotify_ready("starting");

    bool ok = true;
    if (d->set.once) {
        ok = run_once(d);
        goto out;
    }
    int64_t now = time_mono_ns();
    d->next_connect_ns = d->next_poll_ns = d->next_local_ns = now;
    d->local_last_seq = -1;
    write_status(d, false);
    while (!d->stop) {
        now = time_mono_ns();
        sdnotify_watchdog(); /* the loop wakes at least every SYNCD_LOCAL_CHECK_MS */
        if (d->conn == NULL && now >= d->next_connect_ns) {
            if (!connect_central(d)) {
                failed(d);
                continue;
            }
            d->next_poll_ns = now; /* pull at once after a reconnection */
        }
        bool local_new = false;
        if (now >= d->next_local_ns) {
            int64_t last = store_last_seq(d->store);
            local_new = last != d->local_last_seq;
            d->local_last_seq = last;
            d->next_local_ns = now + SYNCD_LOCAL_CHECK_MS * MS;
            if (local_new && d->conn == NULL)
                write_status(d, false); /* the pending count, for the screen */
        }
        if (d->conn != NULL) {
            bool poll_due = now >= d->next_poll_ns;
            /* Notifications may already sit in libpq's buffer (read along with an earlier
             * result), where poll() on the socket cannot see them: look every pass. */
            if (!take_notifications(d)) {
                failed(d);
                continue;
            }
            if (poll_due || local_new || d->want_pull || d->want_model || d->failures > 0) {
                if (!cycle(d, poll_due)) {
                    failed(d);
                    continue;
                }
                if (poll_due)
                    d->next_poll_ns = time_mono_ns() + (int64_t)d->set.poll_ms * MS;
                if (d->failures > 0 || d->last_error[0] != '\0')
                    d->last_error[0] = '\0';
                d->failures = 0;
                write_status(d, true);
            }
        }
        now = time_mono_ns();
        int64_t wake = d->next_local_ns;
        if (d->conn == NULL && d->next_connect_ns < wake)
            wake = d->next_connect_ns;
        if (d->conn != NULL && d->next_poll_ns < wake)
            wake = d->next_poll_ns;
        int timeout = wake > now ? (int)((wake - now + MS - 1) / MS) : 0;
        struct pollfd fds[2];
        nfds_t n = 0;
        fds[n++] = (struct pollfd){.fd = d->stop_pipe[0], .events = POLLIN};
        if (d->conn != NULL && PQsocket(d->conn) >= 0)
            fds[n++] = (struct pollfd){.fd = PQsocket(d->conn), .events = POLLIN};
        if (poll(fds, n, timeout) < 0 && errno != EINTR) {
            log_warn("sync: poll");
            ok = false;
            break;
        }
    }
    disconnect(d);
    write_status(d, false);
out:
    sdnotify_stopping();
    running = NULL;
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGINT, &old_int, NULL);
    return ok;
}
