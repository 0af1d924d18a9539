/* SPDX-License-Identifier: Apache-2.0 */
/* The sync daemon (`portier sync`): one process per kiosk, beside the kiosk, sharing its SQLite
 * scan log (store.h). It pushes this kiosk's scans to the central PostgreSQL database (central.h),
 * pulls the other kiosks' scans into the log (the kiosk folds them on its tick), pulls attendee
 * additions and revocations into the kiosk's bundle (KIOSK_DIR/event.db), dates the kiosk's
 * clock against the server's, and writes its status where the kiosk screen reads it.
 *
 * Push (sync_push.c): this device's scans of this db_epoch with seq above the push cursor, in
 * seq order, in batches of SYNCD_PUSH_BATCH, each one transaction of central_upload_scans (COPY
 * into a session-local table, then INSERT ... SELECT ... ON CONFLICT DO NOTHING; multi-row
 * INSERTs when the role may not create temporary tables). When a batch inserts fewer rows than it
 * holds (a retry after a commit whose answer was lost), the rows already there are compared with
 * the local ones: a key with different content is an alarm (logged, counted in sync.conflicts,
 * described in sync.alarm), never a silent drop. A scan whose content the server refuses (a
 * CHECK or a bad value: SQLSTATE class 22 or 23) is found by halving the batch, set aside in the
 * log's quarantine table (store_quarantine_scan), counted in sync.quarantined and raised as an
 * alarm; the scans before and after it go on (one bad row must not stop a kiosk's upload).
 * Set-aside scans are offered again at start and whenever the central model changes (a scan of
 * an attendee imported at the kiosk but not yet published fits once it is published); the ones
 * the server then accepts leave the quarantine.
 *
 * Issued badges (sync_issues.c): the walk-ins and reprints of this kiosk (store.h, table
 * issues), uploaded before the scans, one by one (central_upload_issue); one the server refuses
 * is marked refused, counted in sync.quarantined and raised in sync.alarm, and offered again
 * when the central model changes.
 *
 * Pull (sync_pull.c): per (device_id, db_epoch) cursors, the last seq pulled. A device's seqs reach
 * the server in order (one daemon per device pushes them in seq order, batch after batch), so "seq
 * above the cursor" never skips a row, whereas a server-side serial can commit out of order.
 * A room door (settings.pull_rooms, `--pull rooms`) moves the same cursors past every row but
 * takes only what its rooms' decisions depend on: the scans into its rooms (portier.devices.rooms
 * of its login), every scan of the people seen in them (their whole history, read once when
 * they are first seen: a scan elsewhere may reach the server before their entry here and be
 * dated after it), and the first synchronised scan of each boot that dates unsynchronised
 * scans. The kiosk then holds some devices' scans out of seq order (occupancy.h, Clocks). A
 * change of the filter (rooms, or back to everything) starts the cursors afresh.
 *
 * Wake-ups: LISTEN portier_scans and portier_model; on every (re)connection LISTEN first, then
 * pull, so that nothing committed in between is missed; polling every poll_ms as a fallback;
 * the local log is checked for new scans every SYNCD_LOCAL_CHECK_MS. Any login may NOTIFY any
 * channel, so a notification is only a hint: its payload only decides how soon to pull (a room
 * door, settings.others_ms > 0: at once for its rooms, at most every others_ms for the others;
 * never for this device's own pushes: sync_wake.c), the pull it wakes is the incremental one
 * (above the cursors), and hints are coalesced to at most one pull of each kind per hint
 * interval (settings.hint_ms, SYNCD_HINT_INTERVAL_MS by default): a flood of notifications
 * costs a bounded number of pulls.
 *
 * Unreliable networks: central_connect's connect_timeout, keepalives and tcp_user_timeout, plus
 * statement_timeout set here; after a failure, reconnection after an exponential backoff with
 * full jitter (SYNCD_BACKOFF_MIN_MS doubling up to backoff_max_ms).
 *
 * Clocks: on each connection (and every SYNCD_ANCHOR_INTERVAL_MS) the daemon inserts a clock
 * anchor (device_id, boot_id, CLOCK_MONOTONIC ns, the kiosk's wall ms; the server stamps its
 * own time). The central view portier.scans_timed dates scans taken with an unsynchronised
 * clock from the anchors of the same boot: corrected = server_time + (scan.mono - anchor.mono).
 * After each anchor, and a pull that brought a scan of a boot it does not list, the daemon
 * copies central's portier.boot_offsets (one offset per device and boot) of the boots that
 * date something (with unsynchronised scans at central, and this device's own) into the log's
 * meta sync.boot_offsets, so that the kiosk dates unsynchronised scans, its own and the other
 * kiosks', as central does (src/core/scan_clock.h). Central sends them only when they changed.
 *
 * Heartbeat: once per polled cycle (also when the push failed) the daemon upserts its row of
 * portier.device_status (scans waiting and quarantined, clock synchronised and offset, version)
 * for the dashboard's Kiosks page and alerts; the server stamps last_contact.
 *
 * Status, in the store's meta table (store_get_meta), for the kiosk screen:
 *   sync.state        "online" (connected, last cycle succeeded) or "offline"
 *   sync.since        ISO 8601 time the state began (kiosk wall clock)
 *   sync.pending      decimal: this device's scans not yet pushed
 *   sync.last_error   the last connection or sync error ("" once none since)
 *   sync.last_ok      ISO 8601 time of the last successful cycle
 *   sync.clock_offset_ms  decimal: server clock - kiosk wall clock, measured at the last anchor
 *   sync.boot_offsets "DEVICE_ID BOOT_ID OFFSET_MS" lines: server time - monotonic time per boot
 *   sync.conflicts    decimal: scans whose key the server holds with other content (alarm)
 *   sync.alarm        description of the last such conflict or quarantined scan
 *   sync.quarantined  decimal: this device's scans and issued badges the server refused, set
 *                     aside
 * Cursors, in the same table:
 *   sync.push_seq     the last pushed seq of this db_epoch
 *   sync.pull         one line per other device and epoch: "DEVICE_ID DB_EPOCH SEQ\n"
 *   sync.pull_rooms   what the pulls take: " ROOM ROOM " with --pull rooms, empty for all
 *   sync.pull_follow  --pull rooms: this device's own seq whose admissions were followed
 *   sync.attendees_version, sync.revocations_version, sync.device_keys_version   model
 *                     cursors (central change_seq)
 * In KIOSK_DIR/event.db's meta: model_version (decimal), bumped by every pulled model change;
 * the kiosk reloads its model when it changes. E-mail addresses are never written there.
 *
 * Under systemd (Type=notify, through sdnotify.h): READY=1 once the store is open, STATUS= on
 * state changes, WATCHDOG=1 every half $WATCHDOG_USEC (the loop wakes every
 * SYNCD_LOCAL_CHECK_MS), STOPPING=1. A blocking step (connect, a statement) lasts at most
 * connect_timeout / statement_timeout, so WatchdogSec must exceed SYNCD_STATEMENT_TIMEOUT_MS.
 */
#ifndef PORTIER_SYNCD_H
#define PORTIER_SYNCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNCD_PUSH_BATCH     2000 /* scans per push transaction */
#define SYNCD_PULL_BATCH     500  /* rows per local SQLite transaction */
#define SYNCD_LOCAL_CHECK_MS 20
#define SYNCD_POLL_MS        5000
/* A room door (--pull rooms) that listens: its rooms' channels wake it for everything its
 * decisions depend on (central schema steps 14 and 16), so its poll is a fallback, and each
 * poll costs bytes (docs/scale.md). */
#define SYNCD_POLL_ROOMS_MS        30000
#define SYNCD_HINT_INTERVAL_MS     250
#define SYNCD_BACKOFF_MIN_MS       250
#define SYNCD_BACKOFF_MAX_MS       30000
#define SYNCD_STATEMENT_TIMEOUT_MS 10000
#define SYNCD_ANCHOR_INTERVAL_MS   60000

struct syncd_settings {
    const char *kiosk_dir; /* holds event.db (the bundle the kiosk runs on) */
    const char *device_id;
    const char *db_path;  /* the kiosk's scan log */
    const char *conninfo; /* libpq connection string of this device's login */
    bool once;            /* one connect + push + pull, then return */
    int poll_ms;          /* 0: SYNCD_POLL_MS */
    int backoff_max_ms;   /* 0: SYNCD_BACKOFF_MAX_MS */
    int hint_ms;          /* 0: SYNCD_HINT_INTERVAL_MS (longer at congress size: docs/scale.md) */
    bool no_listen;       /* no LISTEN and no session settings, pulls every poll_ms: for a
                             connection pooler in transaction mode (docs/scale.md) */
    int others_ms;        /* > 0: a room door, woken at once only for its rooms (sync_wake.c) */
    bool pull_rooms;      /* a room door: pull only what its rooms' decisions depend on */
};

struct syncd;

/* Opens the store and reads the cursors. Does not connect. Returns NULL after logging why.
 * Owned by the caller. settings' strings are borrowed and must outlive the daemon. */
struct syncd *syncd_create(const struct syncd_settings *settings);
/* Runs until syncd_request_stop (or SIGTERM/SIGINT, handled while it runs); with
 * settings.once, runs one cycle. Returns true on a clean stop, or with once when the cycle
 * synced everything; false when the server was unreachable (once) or the store failed. */
bool syncd_run(struct syncd *d);
/* Asks syncd_run to return; async-signal-safe. */
void syncd_request_stop(struct syncd *d);
/* Closes the connection and the store; NULL is a no-op. */
void syncd_destroy(struct syncd *d);

/* The delay before reconnection attempt number failures (1, 2, ...): uniform in
 * [0, min(max_ms, SYNCD_BACKOFF_MIN_MS * 2^(failures-1))] drawn from random (full jitter),
 * never below SYNCD_BACKOFF_MIN_MS / 2. Pure. */
int64_t syncd_backoff_ms(int failures, int64_t max_ms, uint64_t random);

#endif
