/* SPDX-License-Identifier: Apache-2.0 */
/* The sync daemon's loop (syncd.h): connection and LISTEN, backoff, the status the kiosk screen
 * reads, clock anchors and systemd notify. The push is in sync_push.c, the pulls in
 * sync_pull.c. */
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

#include "central.h"
#include "event.h"
#include "log.h"
#include "scan_clock.h"
#include "sdnotify.h"
#include "store.h"
#include "sysclock.h"
#include "timeutil.h"
#include "syncd_internal.h"
#include "util.h"
#include "event_db.h"
#include "file.h"

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

bool syncd_set_meta_int(struct syncd *d, const char *key, int64_t value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, value);
    return store_set_meta(d->store, key, buf);
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
        if (pending != d->pending_written && syncd_set_meta_int(d, "sync.pending", pending))
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

void syncd_set_error(struct syncd *d, const char *what, const char *why)
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
bool syncd_exec(struct syncd *d, const char *sql, const char *what)
{
    PGresult *res = PQexec(d->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        syncd_set_error(d, what, res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn));
    PQclear(res);
    return ok;
}

PGresult *syncd_query(struct syncd *d, const char *sql, int n, const char *const *values,
                      const char *what)
{
    PGresult *res = PQexecParams(d->conn, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return res;
    syncd_set_error(d, what, res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn));
    PQclear(res);
    return NULL;
}

/* Records a clock anchor (this boot's monotonic time; the server stamps its own clock) and
 * measures the offset between the server's clock and the kiosk's wall clock. A failure is
 * only logged unless the connection broke: scans can still be dated from their arrival. */
static bool send_anchor(struct syncd *d)
{
    d->next_anchor_ns = time_mono_ns() + SYNCD_ANCHOR_INTERVAL_MS * MS;
    int64_t before = time_now_ms();
    PGresult *res = syncd_query(d, "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint",
                                0, NULL, "reading the server's clock");
    int64_t after = time_now_ms();
    if (res == NULL)
        return PQstatus(d->conn) == CONNECTION_OK;
    int64_t offset = strtoll(PQgetvalue(res, 0, 0), NULL, 10) - (before + after) / 2;
    PQclear(res);
    syncd_set_meta_int(d, "sync.clock_offset_ms", offset);
    d->clock_offset_ms = offset;
    d->offset_known = true;
    d->boot_offsets_due = true;
    log_debug("sync: server clock - kiosk clock = %" PRId64 " ms (round trip %" PRId64 " ms)",
              offset, after - before);

    char mono[24], wall[24];
    snprintf(mono, sizeof mono, "%" PRId64, time_mono_ns());
    snprintf(wall, sizeof wall, "%" PRId64, time_now_ms());
    const char *values[] = {d->set.device_id, d->boot_id, mono, wall};
    res = syncd_query(d,
                      "INSERT INTO portier.clock_anchors (device_id, boot_id, mono_ns, wall_ms)"
                      " VALUES ($1, $2, $3::bigint, $4::bigint) ON CONFLICT DO NOTHING",
                      4, values, "recording a clock anchor");
    PQclear(res);
    return res != NULL || PQstatus(d->conn) == CONNECTION_OK;
}

/* Copies central's boot offsets (portier.boot_offsets) into the log's meta, for the kiosk to
 * date unsynchronised scans as central does (scan_clock.h); written only when they changed.
 * Called after an anchor (every SYNCD_ANCHOR_INTERVAL_MS) and when a pull brought a scan of an
 * unlisted boot, not on every pull.
 *
 * Only the boots that date something are copied: those with unsynchronised scans at central
 * (the only other kiosks' scans this kiosk can hold) and this device's own (its scans not yet
 * pushed). The server sends the text only when its digest differs from the one it sent last:
 * every boot of every kiosk, sent to every kiosk each minute, was a third of an idle room
 * door's traffic at the congress peak (docs/scale.md). */
static bool copy_boot_offsets(struct syncd *d)
{
    const char *values[] = {d->set.device_id, d->boot_offsets_md5};
    PGresult *res = syncd_query(
        d,
        /* Boot by boot (the view's grouping would otherwise read every anchor of the event),
         * found through the index of unsynchronised scans (central schema step 15). */
        "WITH b AS (SELECT DISTINCT device_id, boot_id FROM portier.scans"
        " WHERE NOT clock_synced AND NOT clock_given"
        " UNION SELECT device_id, boot_id FROM portier.clock_anchors WHERE device_id = $1),"
        " o AS MATERIALIZED (SELECT b.device_id, b.boot_id, (SELECT v.offset_ms"
        " FROM portier.boot_offsets AS v WHERE v.device_id = b.device_id"
        " AND v.boot_id = b.boot_id) AS offset_ms FROM b),"
        " t AS (SELECT coalesce(string_agg(device_id || ' ' || boot_id || ' ' || offset_ms"
        " || E'\\n', '' ORDER BY device_id, boot_id), '') AS text FROM o"
        " WHERE offset_ms IS NOT NULL)"
        " SELECT md5(text), CASE WHEN md5(text) = $2 THEN NULL ELSE text END FROM t",
        2, values, "reading the boot offsets");
    if (res == NULL)
        return false;
    bool ok = true;
    if (!PQgetisnull(res, 0, 1)) {
        const char *now = PQgetvalue(res, 0, 1);
        if (d->boot_offsets == NULL || strcmp(d->boot_offsets, now) != 0) {
            ok = store_set_meta(d->store, SCAN_CLOCK_META_KEY, now);
            if (ok) {
                free(d->boot_offsets);
                d->boot_offsets = xstrdup(now);
            }
        }
        if (ok)
            snprintf(d->boot_offsets_md5, sizeof d->boot_offsets_md5, "%s", PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    d->boot_offsets_due = !ok;
    return ok;
}

/* Writes this device's heartbeat into portier.device_status (schema step 10): scans waiting,
 * scans quarantined, the clock's state and this program's version; the server stamps the
 * time. Once per polled cycle, not per scan. A failure breaks the cycle only when the
 * connection broke: a central database without the table yet (older schema) just has none. */
static bool send_heartbeat(struct syncd *d)
{
    int64_t last = store_last_seq(d->store);
    int64_t pending = last > d->push_seq ? last - d->push_seq : 0;
    int64_t quarantined = store_quarantine_count(d->store);
    char pend[24], quar[24], offset[24];
    snprintf(pend, sizeof pend, "%" PRId64, pending);
    snprintf(quar, sizeof quar, "%" PRId64, quarantined > 0 ? quarantined : 0);
    snprintf(offset, sizeof offset, "%" PRId64, d->clock_offset_ms);
    const char *values[] = {d->set.device_id,
                            pend,
                            quar,
                            sysclock_is_synchronised() ? "t" : "f",
                            d->offset_known ? offset : NULL,
                            PORTIER_VERSION};
    PGresult *res = syncd_query(
        d,
        "INSERT INTO portier.device_status AS s (device_id, pending, quarantined, clock_synced,"
        " clock_offset_ms, version) VALUES ($1, $2::bigint, $3::bigint, $4::boolean,"
        " $5::bigint, $6) ON CONFLICT (device_id) DO UPDATE SET pending = EXCLUDED.pending,"
        " quarantined = EXCLUDED.quarantined, clock_synced = EXCLUDED.clock_synced,"
        " clock_offset_ms = EXCLUDED.clock_offset_ms, version = EXCLUDED.version",
        6, values, "writing the heartbeat");
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
        syncd_set_error(d, "connecting", "the central server is unreachable");
        return false;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "SET statement_timeout = %d", SYNCD_STATEMENT_TIMEOUT_MS);
    /* LISTEN before the first pull: whatever commits after this point wakes us, and whatever
     * committed before it is found by the pull. Behind a pooler in transaction mode
     * (no_listen) neither a LISTEN nor a SET stays with us: each transaction may run on
     * another server connection; the pooler's query_timeout stands in for the SET. */
    bool session = !d->set.no_listen;
    if ((session && (!syncd_exec(d, sql, "setting up the session") ||
                     !syncd_exec(d, "LISTEN " CENTRAL_CHANNEL_SCANS, "LISTEN") ||
                     !syncd_exec(d, "LISTEN " CENTRAL_CHANNEL_MODEL, "LISTEN"))) ||
        !syncd_check_event(d) || !syncd_read_rooms(d) || !send_anchor(d)) {
        disconnect(d);
        return false;
    }
    log_info("sync: connected to the central server");
    d->want_pull = d->want_model = true;
    return true;
}

/* Takes the notifications that arrived; false when the connection broke. */
static bool take_notifications(struct syncd *d)
{
    if (!PQconsumeInput(d->conn)) {
        syncd_set_error(d, "connection lost", PQerrorMessage(d->conn));
        return false;
    }
    /* Any login that may connect may NOTIFY any channel with any payload: a notification is
     * only a hint that something may have changed. Its payload only says how soon to pull
     * (sync_wake.c; the pulls take what is above their cursors, whatever it says), and hints
     * are coalesced (take_hints). */
    PGnotify *n;
    while ((n = PQnotifies(d->conn)) != NULL) {
        if (strcmp(n->relname, CENTRAL_CHANNEL_MODEL) == 0)
            d->hint_model = true;
        else
            syncd_scan_hint(d, n->extra);
        PQfreemem(n);
    }
    syncd_other_hints_due(d, time_mono_ns());
    return true;
}

/* True when hints wait and may be acted on: at most one pull per hint interval, so
 * that a flood of notifications costs a few pulls, not one each. */
static bool hints_due(const struct syncd *d, int64_t now)
{
    return (d->hint_pull || d->hint_model) && now >= d->next_hint_ns;
}

/* Turns due hints into pulls (a poll's pull covers every hint before it). */
static void take_hints(struct syncd *d, bool poll_due)
{
    int64_t now = time_mono_ns();
    if (!poll_due && !hints_due(d, now))
        return;
    d->want_pull |= d->hint_pull;
    d->want_model |= d->hint_model;
    d->hint_pull = d->hint_model = false;
    d->next_hint_ns = now + (int64_t)d->set.hint_ms * MS;
}

/* One exchange: push what is unsent, then pull what was asked for (or due). */
static bool cycle(struct syncd *d, bool poll_due)
{
    if (!take_notifications(d))
        return false;
    if (poll_due)
        d->want_pull = d->want_model = true;
    take_hints(d, poll_due);
    if (d->want_model) {
        log_debug("sync: pulling the model");
        d->want_model = false;
        if (!syncd_check_event(d) || !syncd_pull_model(d)) {
            d->want_model = true;
            return false;
        }
    }
    if (d->want_pull) {
        log_debug("sync: pulling scans");
        d->want_pull = false;
        if (!syncd_pull_scans(d)) {
            d->want_pull = true;
            return false;
        }
    }
    /* The heartbeat goes out even when the push failed: an upload that is stuck is what it
     * is for. */
    int64_t pushed_before = d->push_seq;
    bool pushed = syncd_push_issues(d, false) && syncd_push(d);
    /* A room door follows the people it admitted from the next pull on (their history). */
    if (d->set.pull_rooms && d->push_seq != pushed_before)
        d->hint_pull = true;
    if (poll_due && PQstatus(d->conn) == CONNECTION_OK && !send_heartbeat(d))
        return false;
    if (!pushed)
        return false;
    if (d->retry_quarantine && d->model_published) {
        if (!syncd_push_issues(d, true) || !syncd_retry_quarantined(d))
            return false;
        d->retry_quarantine = false;
    }
    if (time_mono_ns() >= d->next_anchor_ns && !send_anchor(d))
        return false;
    if (d->boot_offsets_due && !copy_boot_offsets(d))
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
    if (d->set.hint_ms <= 0)
        d->set.hint_ms = SYNCD_HINT_INTERVAL_MS;
    if (d->set.backoff_max_ms <= 0)
        d->set.backoff_max_ms = SYNCD_BACKOFF_MAX_MS;
    d->rng = (uint64_t)time_mono_ns() ^ ((uint64_t)getpid() << 32) ^ 0x9E3779B97F4A7C15ULL;
    if (d->rng == 0)
        d->rng = 1;

    d->event_db = path_join(settings->kiosk_dir, EVENT_DB_NAME);
    uint16_t key_id;
    if (!event_read_ids(d->event_db, &d->event_id, &key_id))
        goto fail;
    d->store = store_open(settings->db_path, settings->device_id);
    if (d->store == NULL || !store_bind_event(d->store, d->event_id, key_id))
        goto fail;
    d->epoch = store_db_epoch(d->store);
    d->central_model_version = -1;
    d->retry_quarantine = true;
    sysclock_boot_id(d->boot_id);
    char *pull = NULL;
    if (!meta_int(d->store, "sync.push_seq", 0, &d->push_seq) ||
        !meta_int(d->store, "sync.attendees_version", 0, &d->attendees_version) ||
        !meta_int(d->store, "sync.revocations_version", 0, &d->revocations_version) ||
        !meta_int(d->store, "sync.device_keys_version", 0, &d->device_keys_version) ||
        !meta_int(d->store, "sync.conflicts", 0, &d->conflicts) ||
        !meta_int(d->store, "sync.pull_follow", 0, &d->follow_seq) ||
        !store_get_meta(d->store, "sync.pull", &pull))
        goto fail;
    if (pull != NULL)
        syncd_cursors_parse(d, pull);
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
    free(d->boot_offsets);
    free(d->rooms);
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
            int64_t issues = store_issue_count(d->store, STORE_ISSUE_PENDING);
            local_new = last != d->local_last_seq || issues > 0;
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
            if (poll_due || local_new || hints_due(d, now) || d->want_pull || d->want_model ||
                d->failures > 0) {
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
        if (d->conn != NULL && (d->hint_pull || d->hint_model) && d->next_hint_ns < wake)
            wake = d->next_hint_ns;
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
