/* SPDX-License-Identifier: Apache-2.0 */
/* The scan upload (DESIGN.md §6): the one path by which scans reach the central database, for
 * the sync daemon and for every other uploader (tests, benchmarks). */
#include "central.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"

/* Columns of portier.scans that a kiosk supplies, in the order both paths send them. */
#define SCAN_COLUMNS                                                                               \
    "device_id, db_epoch, seq, wall_ms, mono_ns, boot_id, clock_synced, room, session, "           \
    "attendee, mode, kind, result, reason, override, clock_given, staff"
#define SCAN_NCOLS   17
#define UPLOAD_CHUNK 500 /* rows per INSERT: 8000 parameters, well under the 65535 limit */

/* Opens the upload's transaction and makes sure the session-local table COPY fills exists, in
 * one round trip ("already exists" notices silenced). The table empties itself at commit. */
static const char begin_copy_sql[] =
    "BEGIN; SET LOCAL client_min_messages = warning;"
    " CREATE TEMP TABLE IF NOT EXISTS push_buf (device_id text, db_epoch bigint,"
    " seq bigint, wall_ms bigint, mono_ns bigint, boot_id text, clock_synced boolean,"
    " room text, session text, attendee text, mode text, kind text, result text,"
    " reason text, override boolean, clock_given boolean, staff text) ON COMMIT DELETE ROWS";

/* Where an upload's failure is told: the caller's buffer. */
struct upload_error {
    char *why;
    size_t size;
    char sqlstate[6]; /* the server's SQLSTATE, "" when none */
};

/* Records the reason of a failure on one line: the server's message and its hint (a refused
 * scan's says which scan, which rule and what to do: sync/schema/002_device_rooms.sql), else
 * the connection's message; trimmed. */
static void note_error(struct upload_error *e, PGconn *conn, const PGresult *res)
{
    const char *primary = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *hint = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(e->sqlstate, sizeof e->sqlstate, "%s", state != NULL ? state : "");
    if (primary != NULL && primary[0] != '\0') {
        snprintf(e->why, e->size, "%s%s%s%s", primary, hint ? " (" : "", hint ? hint : "",
                 hint ? ")" : "");
        return;
    }
    const char *msg = res != NULL ? PQresultErrorMessage(res) : NULL;
    if (msg == NULL || msg[0] == '\0')
        msg = PQerrorMessage(conn);
    snprintf(e->why, e->size, "%s", msg);
    size_t len = strlen(e->why);
    while (len > 0 && (e->why[len - 1] == '\n' || e->why[len - 1] == ' '))
        e->why[--len] = '\0';
}

/* Runs a command without parameters; false after recording the error. */
static bool exec_ok(PGconn *conn, const char *sql, struct upload_error *e)
{
    PGresult *res = PQexec(conn, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        note_error(e, conn, res);
    PQclear(res);
    return ok;
}

/* Appends one COPY text-format field and its separator (a tab, or a newline after the last). */
static void copy_field(struct strbuf *sb, const char *s, bool last)
{
    central_copy_field(sb, s);
    strbuf_putc(sb, last ? '\n' : '\t');
}

/* Appends a decimal COPY field. */
static void copy_int(struct strbuf *sb, int64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%" PRId64, v);
    copy_field(sb, num, false);
}

/* Inside the open transaction: COPY the scans into push_buf, then one INSERT ... SELECT ... ON
 * CONFLICT DO NOTHING. Returns the number of new rows, or -1 after recording the error. */
static long upload_copy(PGconn *conn, const struct scan *scans, size_t n, struct upload_error *e)
{
    struct strbuf rows = {0};
    for (size_t i = 0; i < n; i++) {
        const struct scan *s = &scans[i];
        copy_field(&rows, s->device_id, false);
        copy_int(&rows, s->db_epoch);
        copy_int(&rows, s->seq);
        copy_int(&rows, s->wall_ms);
        copy_int(&rows, s->mono_ns);
        copy_field(&rows, s->boot_id, false);
        copy_field(&rows, s->clock_synced ? "t" : "f", false);
        copy_field(&rows, s->room, false);
        copy_field(&rows, s->session, false);
        copy_field(&rows, s->attendee, false);
        copy_field(&rows, kiosk_mode_name(s->mode), false);
        copy_field(&rows, scan_kind_name(s->kind), false);
        copy_field(&rows, scan_result_name(s->result), false);
        copy_field(&rows, scan_reason_name(s->reason), false);
        copy_field(&rows, s->override ? "t" : "f", false);
        copy_field(&rows, s->clock_given ? "t" : "f", false);
        copy_field(&rows, s->staff, true);
    }
    long inserted = -1;
    PGresult *res = PQexec(conn, "COPY pg_temp.push_buf FROM STDIN");
    bool copied = PQresultStatus(res) == PGRES_COPY_IN;
    if (!copied)
        note_error(e, conn, res);
    PQclear(res);
    if (copied &&
        (PQputCopyData(conn, rows.data, (int)rows.len) != 1 || PQputCopyEnd(conn, NULL) != 1)) {
        note_error(e, conn, NULL);
        copied = false;
    }
    while (copied && (res = PQgetResult(conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            note_error(e, conn, res);
            copied = false;
        }
        PQclear(res);
    }
    strbuf_finish(&rows);
    if (!copied)
        return -1;
    res = PQexec(conn, "INSERT INTO portier.scans (" SCAN_COLUMNS ") SELECT " SCAN_COLUMNS
                       " FROM pg_temp.push_buf ORDER BY seq"
                       " ON CONFLICT (device_id, db_epoch, seq) DO NOTHING");
    if (PQresultStatus(res) == PGRES_COMMAND_OK)
        inserted = atol(PQcmdTuples(res));
    else
        note_error(e, conn, res);
    PQclear(res);
    return inserted;
}

/* Inside the open transaction: one multi-row INSERT ... ON CONFLICT DO NOTHING of at most
 * UPLOAD_CHUNK scans. Returns the number of new rows, or -1 after recording the error. */
static long upload_chunk(PGconn *conn, const struct scan *scans, size_t n, struct upload_error *e)
{
    struct strbuf sql = {0};
    char(*nums)[4][24] = xcalloc(n, sizeof *nums);
    const char **values = xcalloc(n * SCAN_NCOLS, sizeof *values);
    long inserted = -1;

    strbuf_puts(&sql, "INSERT INTO portier.scans (" SCAN_COLUMNS ") VALUES ");
    for (size_t i = 0; i < n; i++) {
        const struct scan *s = &scans[i];
        const char **v = &values[i * SCAN_NCOLS];
        snprintf(nums[i][0], sizeof nums[i][0], "%" PRId64, s->db_epoch);
        snprintf(nums[i][1], sizeof nums[i][1], "%" PRId64, s->seq);
        snprintf(nums[i][2], sizeof nums[i][2], "%" PRId64, s->wall_ms);
        snprintf(nums[i][3], sizeof nums[i][3], "%" PRId64, s->mono_ns);
        v[0] = s->device_id;
        v[1] = nums[i][0];
        v[2] = nums[i][1];
        v[3] = nums[i][2];
        v[4] = nums[i][3];
        v[5] = s->boot_id;
        v[6] = s->clock_synced ? "true" : "false";
        v[7] = s->room;
        v[8] = s->session;
        v[9] = s->attendee;
        v[10] = kiosk_mode_name(s->mode);
        v[11] = scan_kind_name(s->kind);
        v[12] = scan_result_name(s->result);
        v[13] = scan_reason_name(s->reason);
        v[14] = s->override ? "true" : "false";
        v[15] = s->clock_given ? "true" : "false";
        v[16] = s->staff;
        strbuf_puts(&sql, i > 0 ? ", (" : "(");
        for (size_t c = 0; c < SCAN_NCOLS; c++)
            strbuf_printf(&sql, c > 0 ? ", $%zu" : "$%zu", i * SCAN_NCOLS + c + 1);
        strbuf_putc(&sql, ')');
    }
    strbuf_puts(&sql, " ON CONFLICT (device_id, db_epoch, seq) DO NOTHING");

    PGresult *res =
        PQexecParams(conn, sql.data, (int)(n * SCAN_NCOLS), NULL, values, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_COMMAND_OK)
        inserted = atol(PQcmdTuples(res));
    else
        note_error(e, conn, res);
    PQclear(res);
    free(nums);
    free(values);
    strbuf_finish(&sql);
    return inserted;
}

/* Opens the upload's transaction; *copy tells whether push_buf is there for upload_copy. */
static bool begin_upload(PGconn *conn, bool *copy, struct upload_error *e)
{
    PGresult *res = PQexec(conn, begin_copy_sql);
    *copy = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (*copy) {
        PQclear(res);
        return true;
    }
    /* The role may not create temporary tables (REVOKE TEMPORARY ON DATABASE ... FROM PUBLIC,
     * as hardened setups do): the same rows go with multi-row INSERTs, slower. */
    log_debug("central: no temporary table (%s); uploading with INSERT", PQresultErrorMessage(res));
    note_error(e, conn, res);
    PQclear(res);
    if (PQstatus(conn) != CONNECTION_OK)
        return false;
    PQclear(PQexec(conn, "ROLLBACK"));
    return exec_ok(conn, "BEGIN", e);
}

long central_upload_scans(PGconn *conn, const struct scan *scans, size_t n, char *why,
                          size_t why_size)
{
    char sqlstate[6];
    return central_upload_scans_ex(conn, scans, n, why, why_size, sqlstate);
}

bool central_refuses_content(const char *sqlstate)
{
    return strncmp(sqlstate, "22", 2) == 0 || strncmp(sqlstate, "23", 2) == 0;
}

long central_upload_scans_ex(PGconn *conn, const struct scan *scans, size_t n, char *why,
                             size_t why_size, char sqlstate[6])
{
    sqlstate[0] = '\0';
    if (n == 0)
        return 0;
    char own[512];
    struct upload_error e = {why != NULL ? why : own, why != NULL ? why_size : sizeof own, ""};
    long total = -1;
    bool copy;
    if (!begin_upload(conn, &copy, &e))
        goto out;
    if (copy) {
        total = upload_copy(conn, scans, n, &e);
    } else {
        total = 0;
        for (size_t i = 0; i < n && total >= 0; i += UPLOAD_CHUNK) {
            size_t len = n - i < UPLOAD_CHUNK ? n - i : UPLOAD_CHUNK;
            long k = upload_chunk(conn, scans + i, len, &e);
            total = k < 0 ? -1 : total + k;
        }
    }
    if (total < 0) {
        if (PQstatus(conn) == CONNECTION_OK)
            PQclear(PQexec(conn, "ROLLBACK"));
    } else if (!exec_ok(conn, "COMMIT", &e)) {
        total = -1;
    }
out:
    if (total < 0)
        memcpy(sqlstate, e.sqlstate, sizeof e.sqlstate);
    if (total < 0 && why == NULL)
        log_warnx("central: uploading scans: %s", own);
    return total;
}

/* The columns of portier.issues a kiosk supplies (011_issued_badges.sql). */
static const char issue_insert_sql[] =
    "INSERT INTO portier.issues (device_id, db_epoch, seq, action, attendee, num, serial,"
    " public_key, staff, wall_ms, name, organisation, language, category, sessions)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
    " string_to_array($15, E'\\n'))"
    " ON CONFLICT (device_id, db_epoch, seq) DO NOTHING";

long central_upload_issue(PGconn *conn, const char *device_id, int64_t db_epoch,
                          const struct store_issue *is, char *why, size_t why_size,
                          char sqlstate[6])
{
    char epoch[24], seq[24], num[16], serial[16], wall[24];
    snprintf(epoch, sizeof epoch, "%" PRId64, db_epoch);
    snprintf(seq, sizeof seq, "%" PRId64, is->seq);
    snprintf(num, sizeof num, "%" PRIu32, is->num);
    snprintf(serial, sizeof serial, "%" PRIu32, is->serial);
    snprintf(wall, sizeof wall, "%" PRId64, is->wall_ms);
    const char *values[] = {device_id,    epoch,
                            seq,          is->kind == STORE_ISSUE_WALKIN ? "register" : "reprint",
                            is->attendee, num,
                            serial,       is->public_key,
                            is->staff,    wall,
                            is->name,     is->organisation,
                            is->language, is->category,
                            is->sessions};
    PGresult *res = PQexecParams(conn, issue_insert_sql, 15, NULL, values, NULL, NULL, 0);
    struct upload_error e = {why, why_size, ""};
    long n = -1;
    if (PQresultStatus(res) == PGRES_COMMAND_OK)
        n = atol(PQcmdTuples(res));
    else
        note_error(&e, conn, res);
    PQclear(res);
    snprintf(sqlstate, 6, "%s", e.sqlstate);
    return n;
}
