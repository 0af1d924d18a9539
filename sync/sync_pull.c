/* SPDX-License-Identifier: Apache-2.0 */
/* The sync daemon's pulls: the other kiosks' scans into the local log, by per-device cursors,
 * and the event model's attendee changes and revocations into the kiosk's bundle (written by
 * src/store, event_db_apply_pulled). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "devkey_db.h"
#include "event_db.h"
#include "log.h"
#include "syncd_internal.h"
#include "util.h"

/* The scans above this kiosk's cursors: portier.scan_heads (schema step 13, one row per
 * (device_id, db_epoch), kept by the insert trigger) names the pairs whose head is above the
 * cursor, and only those are probed, so that a pull costs what it returns, not one index probe
 * per pair on the server ($1..$3: the cursors as arrays; $4, $5: this file's own key,
 * skipped; $6: rows per pair). */
static const char pull_sql[] =
    "WITH cur AS ("
    "  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS c(device_id, db_epoch, seq)"
    ") "
    "SELECT " SYNCD_SCAN_COLUMNS " FROM portier.scan_heads AS h"
    " LEFT JOIN cur AS c ON c.device_id = h.device_id AND c.db_epoch = h.db_epoch"
    " CROSS JOIN LATERAL (SELECT * FROM portier.scans AS y"
    "   WHERE y.device_id = h.device_id AND y.db_epoch = h.db_epoch"
    "     AND y.seq > coalesce(c.seq, 0) ORDER BY y.seq LIMIT $6) AS s"
    " WHERE h.seq > coalesce(c.seq, 0) AND NOT (h.device_id = $4 AND h.db_epoch = $5::bigint)"
    " ORDER BY s.device_id, s.db_epoch, s.seq";

/* True when the boot of s is a line of text (sync.boot_offsets' format). */
static bool boot_listed(const char *text, const struct scan *s)
{
    char key[SCAN_ID_MAX + SCAN_BOOT_ID_MAX + 4];
    size_t len = (size_t)snprintf(key, sizeof key, "%s %s ", s->device_id, s->boot_id);
    for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p) {
        if (strncmp(p, key, len) == 0)
            return true;
    }
    return false;
}

bool syncd_row_to_scan(const PGresult *res, int row, struct scan *s)
{
    memset(s, 0, sizeof *s);
    const char *f[17];
    for (int c = 0; c < 17; c++)
        f[c] = PQgetvalue(res, row, c);
    if (strlen(f[0]) >= sizeof s->device_id || strlen(f[5]) >= sizeof s->boot_id ||
        strlen(f[7]) >= sizeof s->room || strlen(f[8]) >= sizeof s->session ||
        strlen(f[9]) >= sizeof s->attendee || strlen(f[16]) >= sizeof s->staff)
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
    s->clock_given = f[15][0] == 't';
    strcpy(s->staff, f[16]);
    return kiosk_mode_parse(f[10], &s->mode) && scan_kind_parse(f[11], &s->kind) &&
           scan_result_parse(f[12], &s->result) && scan_reason_parse(f[13], &s->reason);
}

/* Returns the cursor of (device_id, db_epoch), creating it at seq 0 when absent. */
static struct syncd_cursor *cursor_get(struct syncd *d, const char *device_id, int64_t db_epoch)
{
    for (size_t i = 0; i < d->n_cursors; i++) {
        if (d->cursors[i].db_epoch == db_epoch && strcmp(d->cursors[i].device_id, device_id) == 0)
            return &d->cursors[i];
    }
    if (d->n_cursors == d->cap_cursors) {
        d->cap_cursors = d->cap_cursors ? d->cap_cursors * 2 : 8;
        d->cursors = xrealloc(d->cursors, d->cap_cursors * sizeof *d->cursors);
    }
    struct syncd_cursor *c = &d->cursors[d->n_cursors++];
    memset(c, 0, sizeof *c);
    snprintf(c->device_id, sizeof c->device_id, "%s", device_id);
    c->db_epoch = db_epoch;
    return c;
}

void syncd_cursors_parse(struct syncd *d, const char *text)
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

/* Stores the pull cursors (and, at a room door, the own seq followed) in the store meta. */
static bool cursors_save(struct syncd *d)
{
    if (d->set.pull_rooms && !syncd_set_meta_int(d, "sync.pull_follow", d->follow_seq))
        return false;
    struct strbuf sb = {0};
    for (size_t i = 0; i < d->n_cursors; i++)
        strbuf_printf(&sb, "%s %" PRId64 " %" PRId64 "\n", d->cursors[i].device_id,
                      d->cursors[i].db_epoch, d->cursors[i].seq);
    bool ok = store_set_meta(d->store, "sync.pull", sb.data ? sb.data : "");
    strbuf_finish(&sb);
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
            syncd_set_error(d, "storing pulled scans", "the scan log cannot be written");
            return false;
        }
    }
    return true;
}

/* The cursors as three PostgreSQL array literals (device ids, epochs, seqs). */
static void cursor_arrays(const struct syncd *d, struct strbuf *devs, struct strbuf *epochs,
                          struct strbuf *seqs)
{
    strbuf_putc(devs, '{');
    strbuf_putc(epochs, '{');
    strbuf_putc(seqs, '{');
    for (size_t i = 0; i < d->n_cursors; i++) {
        const char *sep = i > 0 ? "," : "";
        strbuf_printf(devs, "%s", sep);
        syncd_array_item(devs, d->cursors[i].device_id);
        strbuf_printf(epochs, "%s%" PRId64, sep, d->cursors[i].db_epoch);
        strbuf_printf(seqs, "%s%" PRId64, sep, d->cursors[i].seq);
    }
    strbuf_putc(devs, '}');
    strbuf_putc(epochs, '}');
    strbuf_putc(seqs, '}');
}

void syncd_array_item(struct strbuf *sb, const char *item)
{
    strbuf_putc(sb, '"');
    for (const char *c = item; *c; c++) {
        if (*c == '"' || *c == '\\')
            strbuf_putc(sb, '\\');
        strbuf_putc(sb, *c);
    }
    strbuf_putc(sb, '"');
}

/* Converts the scan rows of res (all rows, or those whose column kind_col is 's' when
 * kind_col >= 0) and stores them; sets boot_offsets_due for a scan of a boot not listed. */
static bool store_rows(struct syncd *d, const PGresult *res, int kind_col)
{
    int rows = PQntuples(res);
    struct scan *scans = xmalloc(((size_t)rows + 1) * sizeof *scans);
    size_t n = 0;
    for (int r = 0; r < rows; r++) {
        if (kind_col >= 0 && strcmp(PQgetvalue(res, r, kind_col), "s") != 0)
            continue;
        if (!syncd_row_to_scan(res, r, &scans[n])) {
            log_warnx("sync: pulled scan %s/%s/%s has fields this build cannot store; "
                      "skipped",
                      PQgetvalue(res, r, 0), PQgetvalue(res, r, 1), PQgetvalue(res, r, 2));
            continue;
        }
        n++;
    }
    bool ok = insert_pulled(d, scans, n);
    for (size_t i = 0; ok && i < n && !d->boot_offsets_due; i++)
        d->boot_offsets_due = !scans[i].clock_synced && !scans[i].clock_given &&
                              !boot_listed(d->boot_offsets, &scans[i]);
    free(scans);
    return ok;
}

/* Runs one pull statement: $1..$3 the cursors, $4, $5 this file's own key, $6 rows per pair,
 * then extra values. */
static PGresult *pull_query(struct syncd *d, const char *sql, int per_pair, int n_extra,
                            const char *const *extra)
{
    struct strbuf devs = {0}, epochs = {0}, seqs = {0};
    cursor_arrays(d, &devs, &epochs, &seqs);
    char epoch[24], limit[16];
    snprintf(epoch, sizeof epoch, "%" PRId64, d->epoch);
    snprintf(limit, sizeof limit, "%d", per_pair);
    const char *values[8] = {devs.data, epochs.data, seqs.data, d->set.device_id, epoch, limit};
    for (int i = 0; i < n_extra && 6 + i < 8; i++)
        values[6 + i] = extra[i];
    PGresult *res = syncd_query(d, sql, 6 + n_extra, values, "pulling scans");
    strbuf_finish(&devs);
    strbuf_finish(&epochs);
    strbuf_finish(&seqs);
    return res;
}

/* A room door's pull (portier sync --pull rooms): what its decisions depend on, not the whole
 * log (occupancy.h). A room's count, its reserved seats and who is "here" depend on the
 * admissions into the room and on each admitted person's next move while the admission counts:
 * until the end of the room's first session ending at or after it (forever when none does),
 * when an entry elsewhere, an exit or leaving the venue ends it. In one statement, so in one
 * snapshot:
 *  - win: each pair's rows above its cursor (at most $6), read on the server; the cursor then
 *    moves past all of them, matched or not (the one 'm' row: each pair's last seq in the
 *    window and the window's size, a line each, and this device's own head, which becomes $8);
 *  - adm: the admissions into this door's rooms ($7) of the people in the window or in this
 *    device's own scans above $8 (the own seq followed so far), each with the end of the
 *    session it counts until;
 *  - wanted: of the window, the scans into the rooms, and a person's scans that fall while one
 *    of their admissions counts (from ten minutes before it to ten minutes after its session's
 *    end: dated kiosks order scans within that); a scan or an admission whose clock was not
 *    synchronised (central cannot date it as the kiosk will) always counts as falling within;
 *  - history: for each admission in the window (or the own ones above $8), the person's scans
 *    below the window's end that fall while it counts, once: such a scan may have reached the
 *    server before the admission and been skipped by an earlier window;
 *  - dating: the first synchronised scan of a boot with unsynchronised scans (it dates them,
 *    scan_clock.h rule 3, as at a kiosk that holds everything): of the boots of the
 *    unsynchronised scans pulled now, and in the window, of every boot that has any.
 * The kind is the last column, so that rows read as scans with syncd_row_to_scan. */
static const char pull_rooms_sql[] =
    "WITH cur AS ("
    "  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY"
    "    AS c(device_id, db_epoch, seq, i)"
    "), win AS MATERIALIZED ("
    "  SELECT y.* FROM portier.scan_heads AS h"
    "  LEFT JOIN cur AS c ON c.device_id = h.device_id AND c.db_epoch = h.db_epoch"
    "  CROSS JOIN LATERAL (SELECT * FROM portier.scans AS y"
    "    WHERE y.device_id = h.device_id AND y.db_epoch = h.db_epoch"
    "      AND y.seq > coalesce(c.seq, 0) ORDER BY y.seq LIMIT $6) AS y"
    "  WHERE h.seq > coalesce(c.seq, 0) AND NOT (h.device_id = $4 AND h.db_epoch = $5::bigint)"
    "), own AS MATERIALIZED ("
    "  SELECT * FROM portier.scans WHERE device_id = $4 AND db_epoch = $5::bigint"
    "    AND seq > $8::bigint AND room = ANY($7::text[]) AND attendee <> ''"
    "), ends AS MATERIALIZED ("
    "  SELECT room, (extract(epoch FROM ends_at) * 1000)::bigint AS end_ms FROM portier.sessions"
    "  WHERE room = ANY($7::text[])"
    "), adm AS MATERIALIZED ("
    "  SELECT z.device_id, z.db_epoch, z.seq, z.attendee, z.wall_ms,"
    "    z.clock_synced OR z.clock_given AS trusted,"
    "    coalesce((SELECT min(e.end_ms) FROM ends AS e WHERE e.room = z.room"
    "      AND e.end_ms >= z.wall_ms), 253402300799999) AS until_ms"
    "  FROM (SELECT attendee FROM win WHERE attendee <> '' UNION SELECT attendee FROM own) AS p"
    "  CROSS JOIN LATERAL (SELECT * FROM portier.scans AS y WHERE y.attendee = p.attendee"
    "    AND y.attendee <> '' OFFSET 0) AS z"
    "  WHERE z.room = ANY($7::text[]) AND z.kind = 'badge' AND z.result = 'admitted'"
    "), fresh AS MATERIALIZED ("
    "  SELECT a.* FROM adm AS a JOIN win AS w"
    "    ON w.device_id = a.device_id AND w.db_epoch = a.db_epoch AND w.seq = a.seq"
    "  UNION ALL SELECT a.* FROM adm AS a"
    "  WHERE a.device_id = $4 AND a.db_epoch = $5::bigint AND a.seq > $8::bigint"
    "), upto AS MATERIALIZED ("
    "  SELECT device_id, db_epoch, max(seq) AS seq FROM (SELECT device_id, db_epoch, seq FROM cur"
    "    UNION ALL SELECT device_id, db_epoch, max(seq) FROM win GROUP BY device_id, db_epoch)"
    "    AS x GROUP BY device_id, db_epoch"
    "), wanted AS ("
    "  SELECT " SYNCD_SCAN_COLUMNS " FROM win AS s WHERE s.room = ANY($7::text[])"
    "  UNION SELECT " SYNCD_SCAN_COLUMNS " FROM win AS s"
    "  JOIN adm AS a ON a.attendee = s.attendee AND (NOT a.trusted"
    "    OR NOT (s.clock_synced OR s.clock_given) OR (s.wall_ms >= a.wall_ms - 600000"
    "    AND s.wall_ms <= a.until_ms + 600000))"
    "  UNION SELECT " SYNCD_SCAN_COLUMNS " FROM fresh AS a"
    "  CROSS JOIN LATERAL (SELECT * FROM portier.scans AS y WHERE y.attendee = a.attendee"
    "    AND y.attendee <> '' OFFSET 0) AS s"
    "  WHERE s.seq <= (SELECT u.seq FROM upto AS u WHERE u.device_id = s.device_id"
    "      AND u.db_epoch = s.db_epoch)"
    "    AND NOT (s.device_id = $4 AND s.db_epoch = $5::bigint) AND (NOT a.trusted"
    "    OR NOT (s.clock_synced OR s.clock_given) OR (s.wall_ms >= a.wall_ms - 600000"
    "    AND s.wall_ms <= a.until_ms + 600000))"
    "), dating AS ("
    "  SELECT " SYNCD_SCAN_COLUMNS " FROM (SELECT DISTINCT device_id, boot_id FROM wanted"
    "    WHERE NOT clock_synced AND NOT clock_given) AS b"
    "  CROSS JOIN LATERAL (SELECT * FROM portier.scans AS z WHERE z.device_id = b.device_id"
    "    AND z.boot_id = b.boot_id AND z.clock_synced ORDER BY z.mono_ns LIMIT 1) AS s"
    "  UNION SELECT " SYNCD_SCAN_COLUMNS " FROM win AS s WHERE s.clock_synced"
    "    AND NOT EXISTS (SELECT FROM portier.scans AS z WHERE z.device_id = s.device_id"
    "      AND z.boot_id = s.boot_id AND z.clock_synced AND z.mono_ns < s.mono_ns)"
    "    AND EXISTS (SELECT FROM portier.scans AS z WHERE z.device_id = s.device_id"
    "      AND z.db_epoch = s.db_epoch AND z.boot_id = s.boot_id AND NOT z.clock_synced"
    "      AND NOT z.clock_given)"
    ") "
    /* One-letter column names: their names are sent with every answer, and most of a room
     * door's answers hold no scan. */
    "SELECT s.*, 's' AS r FROM (SELECT * FROM wanted UNION SELECT * FROM dating)"
    "  AS s(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q) "
    "UNION ALL SELECT (SELECT coalesce(string_agg(CASE WHEN c.i IS NULL THEN w.device_id || ' '"
    "    || w.db_epoch || ' ' || w.last ELSE c.i || '+' || (w.last - c.seq) END, E'\\n'), '')"
    "    FROM (SELECT device_id, db_epoch, max(seq) AS last FROM win GROUP BY device_id, db_epoch)"
    "    AS w LEFT JOIN cur AS c ON c.device_id = w.device_id AND c.db_epoch = w.db_epoch),"
    "  (SELECT count(*) FROM (SELECT FROM win GROUP BY device_id, db_epoch"
    "    HAVING count(*) >= $6) AS f),"
    "  coalesce((SELECT seq FROM portier.scan_heads WHERE device_id = $4"
    "    AND db_epoch = $5::bigint), 0), 0, 0, '', false, '', '', '', '', '', '', '', false, false,"
    "  '', 'm'";

/* The pull of a room door (--pull rooms, pull_rooms_sql); true when it is complete. */
static bool pull_rooms(struct syncd *d)
{
    /* Each row of the window costs the server a look at the person's admissions: at most
     * SYNCD_ROOMS_WINDOW rows per device in one statement keeps a catch-up's statements short
     * (the plenary's door takes a day in about 2 minutes on a busy 2-core server), and a
     * statement that failed (its timeout, on a server busier still) is retried with half,
     * until the door has caught up. */
    if (d->rooms_window <= 0)
        d->rooms_window = SYNCD_ROOMS_WINDOW;
    int per_pair = d->rooms_window;
    struct strbuf rooms = {0};
    strbuf_putc(&rooms, '{');
    for (const char *w = d->rooms; *w != '\0';) {
        w += strspn(w, " ");
        size_t len = strcspn(w, " ");
        if (len == 0)
            break;
        char room[SCAN_ID_MAX];
        snprintf(room, sizeof room, "%.*s", (int)len, w);
        if (rooms.len > 1)
            strbuf_putc(&rooms, ',');
        syncd_array_item(&rooms, room);
        w += len;
    }
    strbuf_putc(&rooms, '}');
    bool ok = true;
    for (bool more = true; ok && more;) {
        char follow[24];
        snprintf(follow, sizeof follow, "%" PRId64, d->follow_seq);
        const char *extra[] = {rooms.data, follow};
        size_t sent = d->n_cursors; /* the "I+D" lines below refer to these */
        PGresult *res = pull_query(d, pull_rooms_sql, per_pair, 2, extra);
        if (res == NULL) {
            d->rooms_window = per_pair > 20 ? per_pair / 2 : 10;
            ok = false;
            break;
        }
        int kind = PQnfields(res) - 1;
        ok = store_rows(d, res, kind);
        more = false;
        bool moved = false;
        for (int r = 0; ok && r < PQntuples(res); r++) {
            if (PQgetvalue(res, r, kind)[0] != 'm')
                continue;
            /* The one 'm' row: each pair's last seq in the window, a line each ("I+D": the
             * I-th cursor sent moved by D; "DEVICE EPOCH SEQ" for a pair new to this
             * kiosk), how many windows were full, and this device's own head. */
            for (const char *p = PQgetvalue(res, r, 0); *p != '\0';) {
                size_t len = strcspn(p, "\n"), idx;
                long long delta, epoch, last;
                char dev[SCAN_ID_MAX];
                int used = 0;
                if (memchr(p, ' ', len) == NULL &&
                    sscanf(p, "%zu+%lld%n", &idx, &delta, &used) == 2 && idx >= 1 && idx <= sent) {
                    d->cursors[idx - 1].seq += delta;
                } else if (sscanf(p, "%63s %lld %lld", dev, &epoch, &last) == 3) {
                    struct syncd_cursor *c = cursor_get(d, dev, epoch);
                    if (last > c->seq)
                        c->seq = last;
                }
                moved = true;
                p += len;
                p += *p == '\n';
            }
            more = strtoll(PQgetvalue(res, r, 1), NULL, 10) > 0;
            int64_t own = strtoll(PQgetvalue(res, r, 2), NULL, 10);
            if (own > d->follow_seq) {
                d->follow_seq = own;
                moved = true;
            }
        }
        PQclear(res);
        if (ok && moved)
            ok = cursors_save(d);
    }
    if (ok)
        d->rooms_window = SYNCD_ROOMS_WINDOW; /* caught up: the next catch-up starts whole */
    strbuf_finish(&rooms);
    return ok;
}

bool syncd_pull_scans(struct syncd *d)
{
    const int per_pair = 2000;
    syncd_others_taken(d);
    if (d->set.pull_rooms && d->rooms != NULL)
        return pull_rooms(d);
    for (;;) {
        PGresult *res = pull_query(d, pull_sql, per_pair, 0, NULL);
        if (res == NULL)
            return false;
        int rows = PQntuples(res);
        /* Cursors move only once the rows are stored. Each pair's rows arrive in seq order. */
        bool ok = store_rows(d, res, -1);
        bool more = false;
        int in_pair = 0;
        for (int r = 0; ok && r < rows; r++) {
            struct syncd_cursor *c =
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
        if (rows > 0 && !cursors_save(d))
            return false;
        if (!ok)
            return false;
        if (!more)
            return true;
    }
}

bool syncd_check_event(struct syncd *d)
{
    /* One statement per poll: the event and the head of each model table, whose rows are then
     * read only when a head passed its cursor (a poll used to run four statements, a quarter
     * of an idle room door's traffic at the congress peak: docs/scale.md). */
    PGresult *res = syncd_query(d,
                                "SELECT event_id, model_version,"
                                " (SELECT max(version) FROM portier.device_keys) AS k,"
                                " (SELECT max(version) FROM portier.attendees) AS a,"
                                " (SELECT max(version) FROM portier.revocations) AS r"
                                " FROM portier.event",
                                0, NULL, "reading the central event");
    if (res == NULL)
        return false;
    bool ok = true;
    d->model_published = PQntuples(res) > 0;
    int64_t version = d->model_published ? strtoll(PQgetvalue(res, 0, 1), NULL, 10) : -1;
    if (version != d->central_model_version) {
        d->central_model_version = version;
        d->retry_quarantine = true; /* a scan that did not fit the old model may fit this one */
    }
    for (int i = 0; i < 3; i++)
        d->model_heads[i] = d->model_published ? strtoll(PQgetvalue(res, 0, 2 + i), NULL, 10) : 0;
    if (d->model_published && strtoull(PQgetvalue(res, 0, 0), NULL, 10) != d->event_id) {
        syncd_set_error(d, "central database",
                        "it holds another event than this kiosk's bundle; refusing to sync");
        ok = false;
    }
    PQclear(res);
    return ok;
}

/* Applies pulled attendees (att: id, num, name, organisation, language, category, serial,
 * sessions joined by newlines, days as "YYYY-MM-DD;...", version) and revocations (rev: num,
 * serial, revoked_at, version) to the bundle through src/store. */
static bool apply_pulled(struct syncd *d, const PGresult *att, const PGresult *rev)
{
    size_t n_att = (size_t)PQntuples(att), n_rev = (size_t)PQntuples(rev);
    struct event_db_pulled_attendee *a = xcalloc(n_att + 1, sizeof *a);
    struct event_db_pulled_revocation *r = xcalloc(n_rev + 1, sizeof *r);
    for (size_t i = 0; i < n_att; i++) {
        int row = (int)i;
        a[i] = (struct event_db_pulled_attendee){
            .id = PQgetvalue(att, row, 0),
            .num = strtoll(PQgetvalue(att, row, 1), NULL, 10),
            .name = PQgetvalue(att, row, 2),
            .organisation = PQgetvalue(att, row, 3),
            .language = PQgetvalue(att, row, 4),
            .category = PQgetvalue(att, row, 5),
            .serial = strtoll(PQgetvalue(att, row, 6), NULL, 10),
            .sessions = PQgetvalue(att, row, 7),
            .days = PQgetvalue(att, row, 8),
        };
    }
    for (size_t i = 0; i < n_rev; i++) {
        int row = (int)i;
        r[i] = (struct event_db_pulled_revocation){
            .num = strtoll(PQgetvalue(rev, row, 0), NULL, 10),
            .serial = strtoll(PQgetvalue(rev, row, 1), NULL, 10),
            .revoked_at = PQgetvalue(rev, row, 2),
        };
    }
    char why[256];
    bool ok = event_db_apply_pulled(d->event_db, a, n_att, r, n_rev, why, sizeof why);
    if (!ok)
        syncd_set_error(d, d->event_db, why);
    free(a);
    free(r);
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

/* Pulls the device issuing keys added or revoked since the cursor into the bundle. */
static bool pull_device_keys(struct syncd *d)
{
    char kv[24];
    snprintf(kv, sizeof kv, "%" PRId64, d->device_keys_version);
    const char *values[] = {kv};
    PGresult *res = syncd_query(d,
                                "SELECT public_key, device, first_num, last_num, cert,"
                                " created_at, revoked_at, version FROM portier.device_keys"
                                " WHERE version > $1::bigint ORDER BY version",
                                1, values, "pulling device keys");
    if (res == NULL)
        return false;
    size_t n = (size_t)PQntuples(res);
    struct devkey_db_pulled *k = xcalloc(n + 1, sizeof *k);
    for (size_t i = 0; i < n; i++) {
        int row = (int)i;
        k[i] = (struct devkey_db_pulled){
            .public_key = PQgetvalue(res, row, 0),
            .device = PQgetvalue(res, row, 1),
            .first_num = strtoll(PQgetvalue(res, row, 2), NULL, 10),
            .last_num = strtoll(PQgetvalue(res, row, 3), NULL, 10),
            .cert = PQgetvalue(res, row, 4),
            .created_at = PQgetvalue(res, row, 5),
            .revoked_at = PQgetisnull(res, row, 6) ? NULL : PQgetvalue(res, row, 6),
        };
    }
    char why[256];
    bool ok = n == 0 || devkey_db_apply_pulled(d->event_db, k, n, why, sizeof why);
    if (!ok)
        syncd_set_error(d, d->event_db, why);
    if (ok && n > 0) {
        log_info("sync: %zu device key change%s applied to %s", n, n == 1 ? "" : "s", d->event_db);
        d->retry_quarantine = true; /* an issued badge refused for its key may fit now */
        d->device_keys_version = max_version(res, d->device_keys_version);
        ok = syncd_set_meta_int(d, "sync.device_keys_version", d->device_keys_version);
    }
    free(k);
    PQclear(res);
    return ok;
}

/* Pulls device keys, attendee additions and changes and revocations into the bundle, in one
 * transaction per round, and bumps its model_version so that the kiosk reloads. */
bool syncd_pull_model(struct syncd *d)
{
    if (!d->model_published)
        return true;
    if (d->model_heads[0] > d->device_keys_version && !pull_device_keys(d))
        return false;
    if (d->model_heads[1] <= d->attendees_version && d->model_heads[2] <= d->revocations_version)
        return true;
    for (;;) {
        char av[24], rv[24];
        snprintf(av, sizeof av, "%" PRId64, d->attendees_version);
        snprintf(rv, sizeof rv, "%" PRId64, d->revocations_version);
        const char *a_values[] = {av};
        const char *r_values[] = {rv};
        PGresult *att =
            syncd_query(d,
                        "SELECT id, num, name, organisation, language, category, serial,"
                        " array_to_string(sessions, E'\\n'),"
                        " array_to_string(ARRAY(SELECT to_char(d, 'YYYY-MM-DD')"
                        " FROM unnest(days) AS d), ';'), version"
                        " FROM portier.attendees WHERE version > $1::bigint"
                        " ORDER BY version LIMIT 1000",
                        1, a_values, "pulling attendees");
        if (att == NULL)
            return false;
        PGresult *rev =
            syncd_query(d,
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
            ok = apply_pulled(d, att, rev);
            if (ok) {
                log_info("sync: %d attendee change%s and %d revocation%s applied to %s",
                         PQntuples(att), PQntuples(att) == 1 ? "" : "s", PQntuples(rev),
                         PQntuples(rev) == 1 ? "" : "s", d->event_db);
                d->retry_quarantine = true;
                d->attendees_version = max_version(att, d->attendees_version);
                d->revocations_version = max_version(rev, d->revocations_version);
                ok = syncd_set_meta_int(d, "sync.attendees_version", d->attendees_version) &&
                     syncd_set_meta_int(d, "sync.revocations_version", d->revocations_version);
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
