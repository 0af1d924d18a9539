/* SPDX-License-Identifier: Apache-2.0 */
#include "central.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include <sodium.h>
#include <sqlite3.h>

#include "device_id.h"
#include "event.h"
#include "log.h"
#include "event_db.h"

/* Advisory lock keys (pg_advisory_xact_lock): one for schema changes, one for publishing. */
#define LOCK_MIGRATE 0x706f7274696572LL /* "portier" */
#define LOCK_PUBLISH 0x706f7274696573LL

/* Connection defaults, each used only when the conninfo does not set it. */
static const char *const connect_defaults[][2] = {
    {"connect_timeout", "10"},       {"keepalives", "1"},       {"keepalives_idle", "30"},
    {"keepalives_interval", "10"},   {"keepalives_count", "3"}, {"tcp_user_timeout", "30000"},
    {"application_name", "portier"},
};

/* Returns libpq's message for a failed result or connection, without the trailing newline, in
 * a static buffer. */
static const char *pq_error(PGconn *conn, const PGresult *res)
{
    static char buf[1024];
    const char *msg = NULL;
    if (res != NULL)
        msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (msg == NULL && res != NULL)
        msg = PQresultErrorMessage(res);
    if (msg == NULL || msg[0] == '\0')
        msg = PQerrorMessage(conn);
    snprintf(buf, sizeof buf, "%s", msg);
    size_t len = strlen(buf);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state != NULL && strcmp(state, "25006") == 0) /* read_only_sql_transaction */
        snprintf(buf + len, sizeof buf - len, " (" CENTRAL_STANDBY_HINT ")");
    return buf;
}

/* Runs a command without parameters; logs "<what>: <why>" on failure. */
static bool exec_ok(PGconn *conn, const char *sql, const char *what)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        log_warnx("central: %s: %s", what, pq_error(conn, res));
    PQclear(res);
    return ok;
}

/* Runs a parameterised command; returns its result, or NULL after logging. */
static PGresult *exec_params(PGconn *conn, const char *sql, int n, const char *const *values,
                             const char *what)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        log_warnx("central: %s: %s", what, pq_error(conn, res));
        PQclear(res);
        return NULL;
    }
    return res;
}

/* Rolls back whatever transaction is open, ignoring errors (used while unwinding). */
static void rollback(PGconn *conn)
{
    PQclear(PQexec(conn, "ROLLBACK"));
}

/* Passes server notices to the debug log. */
static void notice_to_log(void *arg, const char *message)
{
    size_t len = strlen(message);
    while (len > 0 && message[len - 1] == '\n')
        len--;
    log_debug("central: server says: %.*s", (int)len, message);
}

PGconn *central_connect(const char *conninfo)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    if (opts == NULL) {
        log_warnx("central: bad connection string: %s", err ? err : "out of memory");
        PQfreemem(err);
        return NULL;
    }
    size_t n_opts = 0;
    while (opts[n_opts].keyword != NULL)
        n_opts++;
    size_t cap = n_opts + ARRAY_LEN(connect_defaults) + 2;
    const char **keys = xcalloc(cap, sizeof *keys);
    const char **values = xcalloc(cap, sizeof *values);
    size_t k = 0;
    for (size_t i = 0; i < n_opts; i++) {
        if (opts[i].val == NULL || strcmp(opts[i].keyword, "client_encoding") == 0)
            continue;
        keys[k] = opts[i].keyword;
        values[k++] = opts[i].val;
    }
    for (size_t d = 0; d < ARRAY_LEN(connect_defaults); d++) {
        bool set = false;
        for (size_t i = 0; i < n_opts; i++)
            set |= opts[i].val != NULL && strcmp(opts[i].keyword, connect_defaults[d][0]) == 0;
        if (!set) {
            keys[k] = connect_defaults[d][0];
            values[k++] = connect_defaults[d][1];
        }
    }
    keys[k] = "client_encoding";
    values[k++] = "UTF8";
    keys[k] = NULL;
    values[k] = NULL;

    PGconn *conn = PQconnectdbParams(keys, values, 0);
    free(keys);
    free(values);
    PQconninfoFree(opts);
    if (conn == NULL) {
        log_warnx("central: connecting: out of memory");
        return NULL;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        log_warnx("central: connecting: %s", pq_error(conn, NULL));
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeProcessor(conn, notice_to_log, NULL);
    return conn;
}

int central_schema_version(PGconn *conn)
{
    PGresult *res = PQexec(conn, "SELECT to_regclass('portier.schema_version') IS NOT NULL");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_warnx("central: reading the schema version: %s", pq_error(conn, res));
        PQclear(res);
        return -1;
    }
    bool exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (!exists)
        return 0;
    res = PQexec(conn, "SELECT coalesce(max(version), 0) FROM portier.schema_version");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_warnx("central: reading the schema version: %s", pq_error(conn, res));
        PQclear(res);
        return -1;
    }
    int version = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return version;
}

/* Applies one step if the schema is not already past it; *done tells whether it was applied.
 * The version is read under the lock, so two concurrent runs apply each step once. */
static bool migrate_step(PGconn *conn, const struct central_migration *step, int last_known,
                         bool *done)
{
    char lock_sql[80];
    *done = false;
    if (!exec_ok(conn, "BEGIN", "starting a transaction"))
        return false;
    snprintf(lock_sql, sizeof lock_sql, "SELECT pg_advisory_xact_lock(%lld)", LOCK_MIGRATE);
    if (!exec_ok(conn, lock_sql, "locking the schema"))
        goto fail;
    int current = central_schema_version(conn);
    if (current < 0)
        goto fail;
    if (current > last_known) {
        log_warnx("central: the database's schema (version %d) is newer than this program's "
                  "(version %d): upgrade portier",
                  current, last_known);
        goto fail;
    }
    if (current >= step->version) {
        rollback(conn);
        return true;
    }
    if (current != step->version - 1) {
        log_warnx("central: schema step %s follows version %d, but the database is at %d",
                  step->name, step->version - 1, current);
        goto fail;
    }
    char what[128];
    snprintf(what, sizeof what, "applying schema step %s", step->name);
    if (!exec_ok(conn, step->sql, what))
        goto fail;
    char version[16];
    snprintf(version, sizeof version, "%d", step->version);
    const char *params[] = {version, step->name};
    PGresult *res =
        exec_params(conn, "INSERT INTO portier.schema_version (version, name) VALUES ($1, $2)", 2,
                    params, "recording the schema version");
    if (res == NULL)
        goto fail;
    PQclear(res);
    if (!exec_ok(conn, "COMMIT", what))
        goto fail;
    *done = true;
    log_debug("central: applied schema step %s", step->name);
    return true;
fail:
    rollback(conn);
    return false;
}

bool central_migrate(PGconn *conn, const struct central_migration *steps, size_t n, int *applied)
{
    if (n == 0) {
        log_warnx("central: no schema steps");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (steps[i].version != (int)i + 1) {
            log_warnx("central: schema step %s has version %d, expected %zu", steps[i].name,
                      steps[i].version, i + 1);
            return false;
        }
    }
    /* Names must round-trip byte for byte: a database in another encoding would convert (or
     * refuse) them. */
    const char *encoding = PQparameterStatus(conn, "server_encoding");
    if (encoding == NULL || strcmp(encoding, "UTF8") != 0) {
        log_warnx("central: the database's encoding is %s, not UTF8: create it with "
                  "ENCODING 'UTF8'",
                  encoding ? encoding : "unknown");
        return false;
    }
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        bool done;
        if (!migrate_step(conn, &steps[i], steps[n - 1].version, &done))
            return false;
        count += done;
    }
    if (applied != NULL)
        *applied = count;
    return true;
}

void central_copy_field(struct strbuf *sb, const char *s)
{
    if (s == NULL) {
        strbuf_puts(sb, "\\N");
        return;
    }
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '\\':
            strbuf_puts(sb, "\\\\");
            break;
        case '\t':
            strbuf_puts(sb, "\\t");
            break;
        case '\n':
            strbuf_puts(sb, "\\n");
            break;
        case '\r':
            strbuf_puts(sb, "\\r");
            break;
        default:
            strbuf_putc(sb, *s);
        }
    }
}

/* Copies the rows of a query on event.db into a PostgreSQL table with COPY; the query's
 * columns are the table's, in order. Returns the number of rows, or -1 after logging. */
static long copy_rows(sqlite3 *db, PGconn *conn, const char *select_sql, const char *table)
{
    sqlite3_stmt *stmt = NULL;
    struct strbuf sb = {0};
    long rows = 0;
    char copy_sql[128];
    snprintf(copy_sql, sizeof copy_sql, "COPY %s FROM STDIN", table);

    if (sqlite3_prepare_v2(db, select_sql, -1, &stmt, NULL) != SQLITE_OK) {
        log_warnx("central: reading event.db (%s): %s", table, sqlite3_errmsg(db));
        return -1;
    }
    PGresult *res = PQexec(conn, copy_sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        log_warnx("central: uploading %s: %s", table, pq_error(conn, res));
        PQclear(res);
        sqlite3_finalize(stmt);
        return -1;
    }
    PQclear(res);
    int ncols = sqlite3_column_count(stmt);
    int rc;
    const char *failure = NULL;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        strbuf_reset(&sb);
        for (int c = 0; c < ncols; c++) {
            if (c > 0)
                strbuf_putc(&sb, '\t');
            central_copy_field(&sb, (const char *)sqlite3_column_text(stmt, c));
        }
        strbuf_putc(&sb, '\n');
        if (PQputCopyData(conn, sb.data, (int)sb.len) != 1) {
            failure = "sending rows failed";
            break;
        }
        rows++;
    }
    if (failure == NULL && rc != SQLITE_DONE) {
        log_warnx("central: reading event.db (%s): %s", table, sqlite3_errmsg(db));
        failure = "reading event.db failed";
    }
    PQputCopyEnd(conn, failure);
    res = PQgetResult(conn);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        log_warnx("central: uploading %s: %s", table, pq_error(conn, res));
        rows = -1;
    }
    PQclear(res);
    while ((res = PQgetResult(conn)) != NULL)
        PQclear(res);
    strbuf_finish(&sb);
    sqlite3_finalize(stmt);
    return failure ? -1 : rows;
}

/* Temporary tables that receive event.db's rows before they are merged. */
static const char publish_tables_sql[] =
    "CREATE TEMP TABLE pub_rooms (id text, name text, capacity integer) ON COMMIT DROP;"
    "CREATE TEMP TABLE pub_sessions (id text, room text, title text, start_ms bigint,"
    " end_ms bigint, start_text text, end_text text) ON COMMIT DROP;"
    "CREATE TEMP TABLE pub_attendees (id text, num bigint, name text, organisation text,"
    " email text, language text, category text, serial bigint, days text) ON COMMIT DROP;"
    "CREATE TEMP TABLE pub_registrations (attendee text, session text) ON COMMIT DROP;"
    "CREATE TEMP TABLE pub_revocations (num bigint, serial bigint, revoked_at text)"
    " ON COMMIT DROP;"
    "CREATE TEMP TABLE pub_device_keys (public_key text, device text, first_num bigint,"
    " last_num bigint, cert text, created_at text, revoked_at text) ON COMMIT DROP;";

static const char merge_rooms_sql[] =
    "INSERT INTO portier.rooms AS r (id, name, capacity)"
    " SELECT id, name, capacity FROM pub_rooms"
    " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, capacity = EXCLUDED.capacity"
    " WHERE (r.name, r.capacity) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.capacity)";

static const char merge_sessions_sql[] =
    "INSERT INTO portier.sessions AS s (id, room, title, starts_at, ends_at, start_text,"
    " end_text)"
    " SELECT id, room, title, to_timestamp(start_ms / 1000.0), to_timestamp(end_ms / 1000.0),"
    " start_text, end_text FROM pub_sessions"
    " ON CONFLICT (id) DO UPDATE SET room = EXCLUDED.room, title = EXCLUDED.title,"
    " starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,"
    " start_text = EXCLUDED.start_text, end_text = EXCLUDED.end_text"
    " WHERE (s.room, s.title, s.starts_at, s.ends_at, s.start_text, s.end_text)"
    " IS DISTINCT FROM (EXCLUDED.room, EXCLUDED.title, EXCLUDED.starts_at, EXCLUDED.ends_at,"
    " EXCLUDED.start_text, EXCLUDED.end_text)";

/* An attendee's version moves only when something about them changed, so that kiosks pull
 * just the changes; (xmax = 0) tells an inserted row from an updated one. SERIAL is the badge
 * serial the row takes: without --force it never goes back (a kiosk's reprint,
 * 011_issued_badges.sql, may have moved it past event.db's); --force rolls the model back. */
#define MERGE_ATTENDEES_SQL(SERIAL)                                                                \
    "WITH merged AS ("                                                                             \
    " INSERT INTO portier.attendees AS a (id, num, name, organisation, email, language,"           \
    " category, serial, sessions, days, version)"                                                  \
    " SELECT p.id, p.num, p.name, p.organisation, p.email, p.language, p.category, p.serial,"      \
    " coalesce(g.sessions, '{}'), coalesce((SELECT array_agg(DISTINCT d::date ORDER BY d::date)"   \
    " FROM unnest(string_to_array(p.days, ';')) AS d WHERE d <> ''), '{}'),"                       \
    " nextval('portier.change_seq')"                                                               \
    " FROM pub_attendees p LEFT JOIN (SELECT attendee,"                                            \
    " array_agg(session ORDER BY session) AS sessions FROM pub_registrations GROUP BY attendee)"   \
    " AS g ON g.attendee = p.id ORDER BY p.num"                                                    \
    " ON CONFLICT (id) DO UPDATE SET num = EXCLUDED.num, name = EXCLUDED.name,"                    \
    " organisation = EXCLUDED.organisation, email = EXCLUDED.email,"                               \
    " language = EXCLUDED.language, category = EXCLUDED.category, serial = " SERIAL ","            \
    " sessions = EXCLUDED.sessions, days = EXCLUDED.days, version = EXCLUDED.version,"             \
    " updated_at = now()"                                                                          \
    " WHERE (a.num, a.name, a.organisation, a.email, a.language, a.category, a.serial,"            \
    " a.sessions, a.days) IS DISTINCT FROM (EXCLUDED.num, EXCLUDED.name, EXCLUDED.organisation,"   \
    " EXCLUDED.email, EXCLUDED.language, EXCLUDED.category, " SERIAL ", EXCLUDED.sessions,"        \
    " EXCLUDED.days)"                                                                              \
    " RETURNING (xmax = 0) AS inserted)"                                                           \
    " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged"

static const char merge_revocations_sql[] =
    "INSERT INTO portier.revocations (num, serial, revoked_at, version)"
    " SELECT num, serial, revoked_at, nextval('portier.change_seq') FROM pub_revocations"
    " ORDER BY num, serial ON CONFLICT (num, serial) DO NOTHING";

/* Device keys are added, and a revocation is copied (never undone); each change moves the
 * key's version, by which kiosks pull them. */
static const char merge_device_keys_sql[] =
    "INSERT INTO portier.device_keys AS k (public_key, device, first_num, last_num, cert,"
    " created_at, revoked_at, version)"
    " SELECT public_key, device, first_num, last_num, cert, created_at, revoked_at,"
    " nextval('portier.change_seq') FROM pub_device_keys ORDER BY device, first_num"
    " ON CONFLICT (public_key) DO UPDATE SET revoked_at = EXCLUDED.revoked_at,"
    " version = EXCLUDED.version"
    " WHERE k.revoked_at IS NULL AND EXCLUDED.revoked_at IS NOT NULL";

/* Runs a merge statement and returns the number of rows it touched, or -1. */
static long merge(PGconn *conn, const char *sql, const char *what)
{
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        log_warnx("central: %s: %s", what, pq_error(conn, res));
        PQclear(res);
        return -1;
    }
    long n = atol(PQcmdTuples(res));
    PQclear(res);
    return n;
}

/* Refuses (unless force) to publish model version `local` over the central database's newer
 * one (res: its event row, columns event_id, model_version, published_at). */
static bool publish_is_current(const PGresult *res, const char *local, const char *path, bool force)
{
    if (PQntuples(res) != 1)
        return true;
    long long central = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    if (central <= strtoll(local, NULL, 10))
        return true;
    if (force) {
        log_warnx("central: --force: publishing model version %s over the central database's "
                  "newer version %lld",
                  local, central);
        return true;
    }
    log_warnx("central: the central database holds a newer model (version %lld, published %s) "
              "than %s (version %s): it has an import, revoke or forget that this event.db "
              "lacks, and publishing would roll it back. Publish from the event folder that "
              "made the change (or copy its event.db here), or pass --force to publish this "
              "one anyway",
              central, PQgetvalue(res, 0, 2), path, local);
    return false;
}

/* Writes the event row with event.db's model version; refuses when the database holds
 * another event, or (unless force) a newer model version. */
static bool publish_event_row(PGconn *conn, sqlite3 *db, const char *path, bool force,
                              long long *model_version)
{
    bool ok = false;
    char *event_id = event_db_meta(db, "event_id");
    char *name = event_db_meta(db, "name");
    char *timezone = event_db_meta(db, "timezone");
    char *key_id = event_db_meta(db, "key_id");
    char *created = event_db_meta(db, "created");
    char *version = event_db_meta(db, EVENT_DB_MODEL_VERSION); /* absent: 0, never changed */
    PGresult *res = NULL;
    if (event_id == NULL || name == NULL || timezone == NULL || key_id == NULL) {
        log_warnx("central: event.db lacks the event's id, name, time zone or key id");
        goto out;
    }
    if (version == NULL)
        version = xstrdup("0");
    res = exec_params(conn, "SELECT event_id, model_version, published_at FROM portier.event", 0,
                      NULL, "reading the event");
    if (res == NULL)
        goto out;
    if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), event_id) != 0) {
        log_warnx("central: the database holds event %s, not event %s: use one database per "
                  "event",
                  PQgetvalue(res, 0, 0), event_id);
        goto out;
    }
    if (!publish_is_current(res, version, path, force))
        goto out;
    PQclear(res);
    const char *params[] = {event_id, name, timezone, key_id, created ? created : "", version};
    res = exec_params(conn,
                      "INSERT INTO portier.event (event_id, name, timezone, key_id, created,"
                      " model_version) VALUES ($1, $2, $3, $4, $5, $6)"
                      " ON CONFLICT (singleton) DO UPDATE SET"
                      " name = EXCLUDED.name, timezone = EXCLUDED.timezone,"
                      " key_id = EXCLUDED.key_id, created = EXCLUDED.created,"
                      " model_version = EXCLUDED.model_version, published_at = now()",
                      6, params, "writing the event");
    ok = res != NULL;
    *model_version = strtoll(version, NULL, 10);
out:
    PQclear(res);
    free(event_id);
    free(name);
    free(timezone);
    free(key_id);
    free(created);
    free(version);
    return ok;
}

bool central_publish(PGconn *conn, const char *event_db_path, bool force,
                     struct central_publish_counts *counts)
{
    struct central_publish_counts c = {0};
    long n;
    char lock_sql[80];
    PGresult *res = NULL;
    sqlite3 *db = NULL;
    if (!exec_ok(conn, "BEGIN", "starting a transaction"))
        goto fail;
    /* Publishes are serialised, so that the versions kiosks pull by become visible in order. */
    snprintf(lock_sql, sizeof lock_sql, "SELECT pg_advisory_xact_lock(%lld)", LOCK_PUBLISH);
    if (!exec_ok(conn, lock_sql, "locking for publish"))
        goto fail;
    int version = central_schema_version(conn);
    if (version < 0)
        goto fail;
    if (version == 0) {
        log_warnx("central: the database has no Portier schema: run 'portier central init' "
                  "first");
        goto fail;
    }
    /* Write as the owner, whom row-level security lets maintain the model (and nothing more),
     * whoever connected. */
    if (!exec_ok(conn, "SET LOCAL ROLE " CENTRAL_ROLE_OWNER, "becoming " CENTRAL_ROLE_OWNER))
        goto fail;
    if (!exec_ok(conn,
                 "LOCK TABLE portier.attendees, portier.revocations, portier.device_keys"
                 " IN EXCLUSIVE MODE",
                 "locking the attendees"))
        goto fail;
    if (!exec_ok(conn, publish_tables_sql, "preparing the upload"))
        goto fail;
    /* One read transaction on event.db, so that a concurrent `portier import` is seen whole
     * or not at all; taken only now, so that a publish waiting for another's lock does not
     * hold up writers of event.db meanwhile. */
    if ((db = event_db_open(event_db_path)) == NULL)
        goto fail;
    if (!publish_event_row(conn, db, event_db_path, force, &c.model_version))
        goto fail;
    if ((n = copy_rows(db, conn, "SELECT id, name, capacity FROM rooms", "pub_rooms")) < 0)
        goto fail;
    c.rooms = (size_t)n;
    if ((n = copy_rows(db, conn,
                       "SELECT id, room, title, start_ms, end_ms, start_text, end_text "
                       "FROM sessions",
                       "pub_sessions")) < 0)
        goto fail;
    c.sessions = (size_t)n;
    if ((n = copy_rows(db, conn,
                       "SELECT id, num, name, organisation, email, language, category, serial, "
                       "days FROM attendees",
                       "pub_attendees")) < 0)
        goto fail;
    c.attendees = (size_t)n;
    if (copy_rows(db, conn, "SELECT attendee, session FROM registrations", "pub_registrations") < 0)
        goto fail;
    if ((n = copy_rows(db, conn, "SELECT num, serial, revoked_at FROM revocations",
                       "pub_revocations")) < 0)
        goto fail;
    c.revocations = (size_t)n;
    if ((n = copy_rows(db, conn,
                       "SELECT public_key, device, first_num, last_num, cert, created_at, "
                       "revoked_at FROM device_keys",
                       "pub_device_keys")) < 0)
        goto fail;
    c.device_keys = (size_t)n;

    if (merge(conn, merge_rooms_sql, "publishing rooms") < 0 ||
        merge(conn, merge_sessions_sql, "publishing sessions") < 0)
        goto fail;
    res = PQexec(conn, force ? MERGE_ATTENDEES_SQL("EXCLUDED.serial")
                             : MERGE_ATTENDEES_SQL("greatest(a.serial, EXCLUDED.serial)"));
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        log_warnx("central: publishing attendees: %s", pq_error(conn, res));
        goto fail;
    }
    c.attendees_added = strtoul(PQgetvalue(res, 0, 0), NULL, 10);
    c.attendees_changed = strtoul(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    res = NULL;
    if ((n = merge(conn, merge_revocations_sql, "publishing revocations")) < 0)
        goto fail;
    c.revocations_added = (size_t)n;
    if ((n = merge(conn, merge_device_keys_sql, "publishing device keys")) < 0)
        goto fail;
    c.device_keys_changed = (size_t)n;
    if (!exec_ok(conn, "COMMIT", "committing the publish"))
        goto fail;
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    if (counts != NULL)
        *counts = c;
    return true;
fail:
    PQclear(res);
    rollback(conn);
    if (db != NULL)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return false;
}

bool central_login_name_valid(const char *name, const char **why)
{
    const char *reason = device_id_check(name);
    if (reason != NULL && why != NULL)
        *why = reason;
    return reason == NULL;
}

void central_conninfo_append(struct strbuf *sb, const char *key, const char *value)
{
    bool plain = value[0] != '\0';
    for (const char *p = value; plain && *p != '\0'; p++)
        plain = *p != ' ' && *p != '\'' && *p != '\\' && *p != '\t' && *p != '\n';
    if (sb->len > 0)
        strbuf_putc(sb, ' ');
    strbuf_printf(sb, "%s=", key);
    if (plain) {
        strbuf_puts(sb, value);
        return;
    }
    strbuf_putc(sb, '\'');
    for (const char *p = value; *p != '\0'; p++) {
        if (*p == '\'' || *p == '\\')
            strbuf_putc(sb, '\\');
        strbuf_putc(sb, *p);
    }
    strbuf_putc(sb, '\'');
}

/* Fills buf with a random password of CENTRAL_PASSWORD_LEN base32 characters (160 bits). */
static bool make_password(char *buf)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    unsigned char raw[CENTRAL_PASSWORD_LEN];
    if (sodium_init() < 0) {
        log_warnx("central: cannot initialise libsodium");
        return false;
    }
    randombytes_buf(raw, sizeof raw);
    for (size_t i = 0; i < CENTRAL_PASSWORD_LEN; i++)
        buf[i] = alphabet[raw[i] & 31];
    buf[CENTRAL_PASSWORD_LEN] = '\0';
    sodium_memzero(raw, sizeof raw);
    return true;
}

/* True when name can be a login and the database has the Portier schema; logs why not. */
static bool login_target_ready(PGconn *conn, const char *name)
{
    const char *why = NULL;
    if (!central_login_name_valid(name, &why)) {
        log_warnx("central: '%s' cannot be a login name: it %s", name, why);
        return false;
    }
    int version = central_schema_version(conn);
    if (version < 0)
        return false;
    if (version == 0) {
        log_warnx("central: the database has no Portier schema: run 'portier central init' "
                  "first");
        return false;
    }
    return true;
}

/* Checks, inside create_role's transaction, that every one of rooms (newline-separated) is
 * "entrance" or a room of the published model; logs which are not. */
static bool rooms_published(PGconn *conn, const char *rooms)
{
    const char *params[] = {rooms};
    PGresult *res = exec_params(conn,
                                "SELECT string_agg(r, ', ' ORDER BY r)"
                                " FROM unnest(string_to_array($1, E'\\n')) AS r"
                                " WHERE r <> 'entrance'"
                                " AND NOT EXISTS (SELECT FROM portier.rooms WHERE id = r)",
                                1, params, "checking the rooms");
    if (res == NULL)
        return false;
    bool ok = PQgetisnull(res, 0, 0);
    if (!ok)
        log_warnx("central: --room %s: not a room of the published model (run 'portier central "
                  "publish' first; 'entrance' is the venue entrance)",
                  PQgetvalue(res, 0, 0));
    PQclear(res);
    return ok;
}

/* In one transaction: creates the role ident (escaped name) in its group, with the password
 * verifier literal when not NULL, and records the login (a device with its rooms, one per
 * line). Rolls back on failure. */
static bool create_role(PGconn *conn, enum central_role role, const char *name,
                        enum central_auth auth, const char *rooms, const char *ident,
                        const char *literal)
{
    PGresult *res = NULL;
    char *sql = NULL;
    bool ok = false;

    if (!exec_ok(conn, "BEGIN", "starting a transaction"))
        return false;
    const char *params[] = {name};
    res = exec_params(conn, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, params,
                      "looking for the role");
    if (res == NULL)
        goto fail;
    if (PQntuples(res) > 0) {
        log_warnx("central: a role named '%s' already exists", name);
        goto fail;
    }
    PQclear(res);
    res = NULL;
    if (role == CENTRAL_DEVICE && !rooms_published(conn, rooms))
        goto fail;
    const char *group = role == CENTRAL_DEVICE ? CENTRAL_ROLE_DEVICE : CENTRAL_ROLE_ORGANISER;
    sql = xasprintf("CREATE ROLE %s LOGIN%s%s IN ROLE %s", ident, literal ? " PASSWORD " : "",
                    literal ? literal : "", group);
    if (!exec_ok(conn, sql, "creating the role"))
        goto fail;
    /* The row is what lets the role act on this database (and no other of the cluster), and
     * for a device on its rooms only (sync/schema/002_device_rooms.sql). */
    const char *login[] = {name, auth == CENTRAL_AUTH_PASSWORD ? "password" : "cert", rooms};
    if (!exec_ok(conn, "SET LOCAL ROLE " CENTRAL_ROLE_OWNER, "becoming the owner"))
        goto fail;
    res = exec_params(conn,
                      role == CENTRAL_DEVICE
                          ? "INSERT INTO portier.devices (id, auth, rooms)"
                            " VALUES ($1, $2, string_to_array($3, E'\\n'))"
                          : "INSERT INTO portier.organisers (id, auth) VALUES ($1, $2)",
                      role == CENTRAL_DEVICE ? 3 : 2, login, "recording the login");
    if (res == NULL)
        goto fail;
    ok = exec_ok(conn, "COMMIT", "creating the role");
    goto out;
fail:
    rollback(conn);
out:
    PQclear(res);
    free(sql);
    return ok;
}

/* The conninfo the new login connects with: the password, or the certificate files named
 * after it. Owned by the caller. */
static char *login_conninfo(PGconn *conn, const char *name, enum central_auth auth,
                            const char *host, const char *port, const char *password)
{
    struct strbuf out = {0};
    central_conninfo_append(&out, "host", host ? host : PQhost(conn));
    central_conninfo_append(&out, "port", port ? port : PQport(conn));
    central_conninfo_append(&out, "dbname", PQdb(conn));
    central_conninfo_append(&out, "user", name);
    if (auth == CENTRAL_AUTH_PASSWORD) {
        central_conninfo_append(&out, "password", password);
    } else {
        char *cert = xasprintf("%s.crt", name), *key = xasprintf("%s.key", name);
        central_conninfo_append(&out, "sslmode", "verify-full");
        central_conninfo_append(&out, "sslcert", cert);
        central_conninfo_append(&out, "sslkey", key);
        central_conninfo_append(&out, "sslrootcert", "root.crt");
        free(cert);
        free(key);
    }
    return strbuf_take(&out);
}

char *central_add_login(PGconn *conn, enum central_role role, const char *name,
                        enum central_auth auth, const char *const *rooms, size_t n_rooms,
                        const char *host, const char *port)
{
    char password[CENTRAL_PASSWORD_LEN + 1] = "";
    char *verifier = NULL, *ident = NULL, *literal = NULL, *conninfo = NULL;
    struct strbuf places = {0};
    for (size_t i = 0; i < n_rooms; i++)
        strbuf_printf(&places, "%s%s", i > 0 ? "\n" : "", rooms[i]);
    if (n_rooms == 0)
        strbuf_puts(&places, "entrance");

    if (!login_target_ready(conn, name))
        goto out;
    if (auth == CENTRAL_AUTH_PASSWORD) {
        if (!make_password(password))
            goto out;
        /* Only the SCRAM verifier travels and can reach the server's logs. */
        verifier = PQencryptPasswordConn(conn, password, name, NULL);
        if (verifier == NULL) {
            log_warnx("central: encrypting the password: %s", pq_error(conn, NULL));
            goto out;
        }
        literal = PQescapeLiteral(conn, verifier, strlen(verifier));
    }
    ident = PQescapeIdentifier(conn, name, strlen(name));
    if (ident == NULL || (auth == CENTRAL_AUTH_PASSWORD && literal == NULL)) {
        log_warnx("central: %s", pq_error(conn, NULL));
        goto out;
    }
    if (create_role(conn, role, name, auth, places.data, ident, literal))
        conninfo = login_conninfo(conn, name, auth, host, port, password);
out:
    strbuf_finish(&places);
    sodium_memzero(password, sizeof password);
    PQfreemem(verifier);
    PQfreemem(literal);
    PQfreemem(ident);
    return conninfo;
}

void central_close(PGconn *conn)
{
    PQfinish(conn);
}

bool central_is_local(PGconn *conn)
{
    const char *host = PQhost(conn);
    return host == NULL || host[0] == '/';
}

bool central_probe(const char *conninfo, const char *password, char **detail)
{
    const char *keys[] = {"dbname", "password", "connect_timeout", NULL};
    const char *values[] = {conninfo, password, "5", NULL};
    PGconn *pg = PQconnectdbParams(keys, values, 1);
    bool ok = PQstatus(pg) == CONNECTION_OK;
    if (ok) {
        *detail = xasprintf("%s as %s", PQhost(pg), PQuser(pg));
    } else {
        *detail = xstrdup(PQerrorMessage(pg));
        (*detail)[strcspn(*detail, "\n")] = '\0';
    }
    PQfinish(pg);
    return ok;
}
