/* SPDX-License-Identifier: Apache-2.0 */
/* The kiosk's local store: one SQLite file (DESIGN.md §5) holding the append-only scan log and a
 * little key/value metadata. Two processes share the file: the kiosk appends its own scans and
 * the sync daemon inserts other devices' scans; both read. Knows nothing of kiosk rules.
 *
 * Ownership and threads: store_open returns a struct store owned by the caller and released with
 * store_close. A struct store is one SQLite connection: use it from one thread at a time (one
 * per process or thread is the intended use; SQLite's file locks serialise the processes).
 * Strings returned by store_device_id are borrowed until store_close.
 *
 * Durability: WAL, synchronous=FULL, every write in its own BEGIN IMMEDIATE transaction: when a
 * write function returns true its rows are on disk. The scans table refuses UPDATE and DELETE
 * (triggers), so the log can only grow. */
#ifndef PORTIER_STORE_H
#define PORTIER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan.h"

/* PRAGMA application_id of a Portier kiosk database: "PKSD" (Portier KioSk Database). */
#define STORE_APPLICATION_ID 0x504B5344
/* How long a write waits for the other process's transaction before giving up, in ms. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store;

/* Opens the store at path for device_id, creating the file (and its random db_epoch) when it
 * does not exist or is empty, else checking it and migrating its schema forward. Refuses,
 * without writing a byte to it, a file that is not SQLite, another application's SQLite file, a
 * corrupt one (PRAGMA quick_check), one with a newer schema than this build knows, or another
 * device's; the message says what to do. Returns NULL after logging the reason. */
struct store *store_open(const char *path, const char *device_id);
/* Closes the store. NULL is a no-op. */
void store_close(struct store *st);

/* The random positive 63-bit id made when the file was created. */
int64_t store_db_epoch(const struct store *st);
/* The device this file belongs to; borrowed until store_close. */
const char *store_device_id(const struct store *st);
/* The schema version this build creates and migrates to (PRAGMA user_version). */
int store_schema_version(void);

/* Takes the lock that keeps a second kiosk off the scan log at path: an exclusive lock on
 * path + ".lock" (created 0600, holding the holder's pid). Two kiosks appending to one log
 * decide from occupancies that miss each other's latest scans. The sync daemon does not take
 * it: it shares the log with its kiosk through SQLite's locking. Returns the descriptor that
 * holds the lock (close it to release; the process ending releases it), or -1 after logging
 * "PATH is already in use by pid N" or why the lock could not be taken. */
int store_lock(const char *path);
/* Binds the log to the event whose bundle the kiosk or the sync daemon runs on (meta event_id
 * and key_id), or checks it is bound to it. A log made before logs were bound takes the event
 * of the first kiosk or sync daemon that opens it. Refuses, logging what to do, a log of
 * another event. */
bool store_bind_event(struct store *st, uint32_t event_id, uint16_t key_id);
/* True when the store's path no longer names the file it opened (deleted, or replaced by
 * another file): what is written is lost with the unlinked file. */
bool store_file_moved(struct store *st);

/* Appends one of this device's scans: fills s->device_id, s->db_epoch and s->seq (the next of
 * this epoch: 1, 2, 3...) and commits. Returns true only once the commit is durable; on false
 * nothing was stored and s->seq is 0. The other fields are the caller's (enums must be valid,
 * strings NUL-terminated). */
bool store_append_scan(struct store *st, struct scan *s);

/* Inserts scans of other devices (from the sync daemon) in one transaction, stamping each with
 * received_ms (this machine's wall clock now; their own received_ms is ignored), ignoring those
 * already present (same device_id, db_epoch, seq) and this file's own (device_id, db_epoch),
 * which are already here. All or nothing: returns false, storing none, when a scan is invalid
 * or the database fails. n may be 0. */
bool store_insert_remote_scans(struct store *st, const struct scan *scans, size_t n);

/* Calls cb for every scan (local and remote) inserted after the local row id after_rowid, in
 * insertion order. Pass 0 to read everything, then the returned *last_rowid to read only what
 * was added since (by either process). *last_rowid is the row id of the last scan cb accepted
 * (after_rowid when none). cb returns false to stop; store_read_scans then returns false, as it
 * does on a database error. cb may call other store functions: rows are read in batches. */
bool store_read_scans(struct store *st, int64_t after_rowid,
                      bool (*cb)(const struct scan *s, void *ctx), void *ctx, int64_t *last_rowid);

/* The seq of this device's last scan in this epoch, 0 when none, -1 on error. */
int64_t store_last_seq(struct store *st);
/* The number of scans (local and remote), -1 on error. */
int64_t store_scan_count(struct store *st);

/* Marks this device's scan (db_epoch, seq) quarantined: the central server refused it (reason:
 * the server's message), so the sync daemon went on without it. The scan stays in the log; the
 * mark is in the table quarantine (db_epoch, seq, reason, at_ms). Durable when true. */
bool store_quarantine_scan(struct store *st, int64_t db_epoch, int64_t seq, const char *reason);
/* The number of quarantined scans plus the issued badges the server refused (store_issue),
 * -1 on error: what the sync daemon set aside. */
int64_t store_quarantine_count(struct store *st);
/* Calls cb for each quarantined scan of this log's device, in log order; false on a database
 * error or when cb returns false. */
bool store_read_quarantined(struct store *st, bool (*cb)(const struct scan *s, void *ctx),
                            void *ctx);
/* Takes scan (db_epoch, seq) out of the quarantine (the server accepted it after all: the model
 * it did not fit has changed). Durable when true. */
bool store_unquarantine_scan(struct store *st, int64_t db_epoch, int64_t seq);

/* A badge this kiosk issued (store_issues.c, table issues): a walk-in it registered, or a
 * reprint (serial issued, serial - 1 revoked). Recorded before the kiosk's event.db changes
 * and uploaded by the sync daemon, keyed by (device, db_epoch, seq). */
enum store_issue_kind { STORE_ISSUE_WALKIN, STORE_ISSUE_REPRINT };
enum store_issue_state { STORE_ISSUE_PENDING, STORE_ISSUE_PUSHED, STORE_ISSUE_REFUSED };
#define STORE_ISSUE_TEXT_MAX     256  /* bytes of a walk-in's name or organisation, NUL included */
#define STORE_ISSUE_SESSIONS_MAX 1024 /* bytes of its session ids (one per line), NUL included */
#define STORE_ISSUE_KEY_HEX      65   /* the device public key in hex, NUL included */
struct store_issue {
    int64_t seq; /* 1, 2, 3... set by store_append_issue */
    enum store_issue_kind kind;
    enum store_issue_state state;
    char attendee[SCAN_ID_MAX];
    uint32_t num, serial;                 /* the new badge: attendee number and serial */
    char public_key[STORE_ISSUE_KEY_HEX]; /* the device key that signed it */
    char staff[SCAN_ID_MAX];              /* the staff member's attendee id */
    int64_t wall_ms;
    /* Walk-ins only ("" for a reprint). */
    char name[STORE_ISSUE_TEXT_MAX], organisation[STORE_ISSUE_TEXT_MAX];
    char language[4], category[16];
    char sessions[STORE_ISSUE_SESSIONS_MAX];
    char refusal[512]; /* the server's reason when refused */
};
/* Appends an issue (is->seq set to the next), durably; false (nothing stored) on error. */
bool store_append_issue(struct store *st, struct store_issue *is);
/* Takes back an issue that was never pushed (the kiosk could not apply it), durably. */
bool store_withdraw_issue(struct store *st, int64_t seq);
/* Calls cb for each issue in state (or every issue when state is -1), in seq order; false on
 * a database error or when cb returns false. */
bool store_read_issues(struct store *st, int state,
                       bool (*cb)(const struct store_issue *is, void *ctx), void *ctx);
/* Marks an issue pushed (refusal NULL) or refused by the server (with its reason), durably. */
bool store_mark_issue(struct store *st, int64_t seq, const char *refusal);
/* The number of issues in state, -1 on error. */
int64_t store_issue_count(struct store *st, enum store_issue_state state);

/* Reads a metadata value: true with *value (owned by the caller) set, or NULL when the key is
 * absent; false on a database error. */
bool store_get_meta(struct store *st, const char *key, char **value);
/* Sets a metadata value durably. The keys the store keeps itself ("db_epoch", "device_id",
 * "created", "event_id", "key_id") cannot be set. */
bool store_set_meta(struct store *st, const char *key, const char *value);

#endif
