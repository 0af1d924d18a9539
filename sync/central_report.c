/* SPDX-License-Identifier: Apache-2.0 */
/* Where a report's scans come from: the central PostgreSQL database, at corrected times. */
#include "central.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"
#include "report.h"
#include "util.h"

/* A row of PostgreSQL's binary COPY format being read: 16-bit field count, then per field a
 * 32-bit length (-1: NULL) and the bytes (big-endian integers, text as is, bool one byte). */
struct copy_row {
    const unsigned char *p, *end;
    bool bad;
};

/* The next field's bytes and length (-1: NULL); marks the row bad when it is cut short. */
static const unsigned char *copy_field(struct copy_row *r, int32_t *len)
{
    if (r->end - r->p < 4) {
        r->bad = true;
        *len = -1;
        return NULL;
    }
    uint32_t n =
        (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
    r->p += 4;
    *len = (int32_t)n;
    if (*len < 0)
        return NULL;
    if (r->end - r->p < *len) {
        r->bad = true;
        *len = -1;
        return NULL;
    }
    const unsigned char *data = r->p;
    r->p += *len;
    return data;
}

/* A bigint field. A NULL is bad unless is_null is given, which then says so. */
static int64_t copy_int8(struct copy_row *r, bool *is_null)
{
    int32_t len;
    const unsigned char *d = copy_field(r, &len);
    if (is_null != NULL)
        *is_null = len == -1 && !r->bad;
    if (len != 8) {
        r->bad |= len != -1 || is_null == NULL;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | d[i];
    return (int64_t)v;
}

/* A text field copied into buf (size bytes, NUL included); bad when NULL or too long. */
static void copy_text(struct copy_row *r, char *buf, size_t size)
{
    int32_t len;
    const unsigned char *d = copy_field(r, &len);
    if (len < 0 || (size_t)len >= size) {
        r->bad = true;
        buf[0] = '\0';
        return;
    }
    memcpy(buf, d, (size_t)len);
    buf[len] = '\0';
}

/* A text field read by parse (one of scan.h's *_parse) into *out; bad when it does not parse. */
#define COPY_ENUM(r, parse, out)                                                                   \
    do {                                                                                           \
        char word_[32];                                                                            \
        copy_text((r), word_, sizeof word_);                                                       \
        if (!(r)->bad && !parse(word_, (out)))                                                     \
            (r)->bad = true;                                                                       \
    } while (0)

/* Decodes one COPY row of report_log_add_central's query into s and its report time. */
static bool copy_to_scan(struct copy_row *r, struct scan *s, int64_t *time_ms)
{
    memset(s, 0, sizeof *s);
    if (r->end - r->p < 2 || (r->p[0] << 8 | r->p[1]) != 14)
        return false;
    r->p += 2;
    copy_text(r, s->device_id, sizeof s->device_id);
    s->db_epoch = copy_int8(r, NULL);
    s->seq = copy_int8(r, NULL);
    s->wall_ms = copy_int8(r, NULL);
    copy_text(r, s->room, sizeof s->room);
    copy_text(r, s->session, sizeof s->session);
    copy_text(r, s->attendee, sizeof s->attendee);
    COPY_ENUM(r, kiosk_mode_parse, &s->mode);
    COPY_ENUM(r, scan_kind_parse, &s->kind);
    COPY_ENUM(r, scan_result_parse, &s->result);
    int32_t len;
    const unsigned char *b = copy_field(r, &len);
    r->bad |= len != 1;
    s->override = len == 1 && b[0] != 0;
    bool no_time;
    int64_t t = copy_int8(r, &no_time);
    *time_ms = no_time ? s->wall_ms : t;
    COPY_ENUM(r, scan_reason_parse, &s->reason);
    copy_text(r, s->staff, sizeof s->staff);
    s->clock_synced = true;
    return !r->bad && r->p == r->end;
}

/* Adds the walk-ins registered on site, as their kiosks recorded them (portier.issues). */
static bool add_walkins(struct report_log *log, PGconn *conn)
{
    PGresult *res = PQexec(conn, "SELECT attendee, name, organisation, category, wall_ms,"
                                 " device_id, staff FROM portier.issues WHERE action = 'register'");
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok)
        log_warnx("report: central: reading walk-ins: %s", PQresultErrorMessage(res));
    for (int i = 0; ok && i < PQntuples(res); i++) {
        struct report_walkin w = {.registered_ms = strtoll(PQgetvalue(res, i, 4), NULL, 10)};
        snprintf(w.attendee, sizeof w.attendee, "%s", PQgetvalue(res, i, 0));
        snprintf(w.name, sizeof w.name, "%s", PQgetvalue(res, i, 1));
        snprintf(w.organisation, sizeof w.organisation, "%s", PQgetvalue(res, i, 2));
        snprintf(w.category, sizeof w.category, "%s", PQgetvalue(res, i, 3));
        snprintf(w.device, sizeof w.device, "%s", PQgetvalue(res, i, 5));
        snprintf(w.staff, sizeof w.staff, "%s", PQgetvalue(res, i, 6));
        report_log_add_walkin(log, &w);
    }
    PQclear(res);
    return ok;
}

/* Adds the central database's scans at their corrected times, and the walk-ins. */
bool report_log_add_central(struct report_log *log, PGconn *conn)
{
    /* One COPY: one consistent snapshot, rows streamed one at a time (memory stays flat at a
     * million scans), in the binary format (no text to parse back into numbers).
     * scans_timed's corrected time of a scan taken with a synchronised clock is its wall
     * time; asking the view only for the others spares the server its per-scan lookups for
     * the great majority (the predicate reaches into the view). Same rows, same times. */
    PGresult *res =
        PQexec(conn, "COPY ("
                     " SELECT device_id, db_epoch, seq, wall_ms, room, session, attendee,"
                     " mode, kind, result, override, NULL::bigint, reason, staff"
                     " FROM portier.scans WHERE clock_synced OR clock_given"
                     " UNION ALL"
                     " SELECT t.device_id, t.db_epoch, t.seq, t.wall_ms, t.room, t.session,"
                     " t.attendee, t.mode, t.kind, t.result, t.override, t.corrected_ms,"
                     " t.reason, x.staff"
                     " FROM portier.scans_timed AS t JOIN portier.scans AS x USING (device_id,"
                     " db_epoch, seq) WHERE NOT t.clock_synced AND NOT t.clock_given"
                     ") TO STDOUT (FORMAT binary)");
    bool ok = PQresultStatus(res) == PGRES_COPY_OUT;
    if (!ok)
        log_warnx("report: central: reading scans: %s", PQresultErrorMessage(res));
    PQclear(res);
    if (!ok)
        return false;
    static const unsigned char signature[11] = "PGCOPY\n\377\r\n";
    bool header = true, trailer = false;
    char *buf;
    int n;
    while ((n = PQgetCopyData(conn, &buf, 0)) > 0) {
        struct copy_row r = {(const unsigned char *)buf, (const unsigned char *)buf + n, false};
        if (header) {
            /* Signature, flags, then a header extension of the given length. */
            if (n < 19 || memcmp(buf, signature, sizeof signature) != 0) {
                ok = false;
            } else {
                r.p += 15;
                int32_t ext;
                copy_field(&r, &ext); /* same shape as a field: length, then bytes */
                ok = !r.bad;
            }
            header = false;
        }
        if (ok && r.end - r.p == 2 && r.p[0] == 0xFF && r.p[1] == 0xFF) {
            trailer = true;
        } else if (ok && r.p < r.end) {
            struct scan s;
            int64_t t;
            if (copy_to_scan(&r, &s, &t)) {
                report_log_add(log, &s, t);
            } else {
                log_warnx("report: central: scan %s/%" PRId64 "/%" PRId64 " has an invalid field",
                          s.device_id, s.db_epoch, s.seq);
                ok = false;
            }
        }
        PQfreemem(buf);
        if (!ok)
            break;
    }
    if (!ok) {
        /* Drain the rest of the COPY so that the connection stays usable. */
        while ((n = PQgetCopyData(conn, &buf, 0)) > 0)
            PQfreemem(buf);
    }
    if (n == -2)
        log_warnx("report: central: reading scans: %s", PQerrorMessage(conn));
    while ((res = PQgetResult(conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            log_warnx("report: central: reading scans: %s", PQresultErrorMessage(res));
            ok = false;
        }
        PQclear(res);
    }
    if (ok && !trailer)
        log_warnx("report: central: the scans ended before the end of the copy");
    return ok && trailer && n == -1 && add_walkins(log, conn);
}
