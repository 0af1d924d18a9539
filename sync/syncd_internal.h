/* SPDX-License-Identifier: Apache-2.0 */
/* The sync daemon's own object, shared by its files: syncd.c (the loop, connection, backoff,
 * status and systemd notify), sync_push.c (this kiosk's scans up) and sync_pull.c (the other
 * kiosks' scans and the event model down). Not for callers: they use syncd.h. */
#ifndef PORTIER_SYNCD_INTERNAL_H
#define PORTIER_SYNCD_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "central.h"
#include "scan.h"
#include "store.h"
#include "syncd.h"

#define MS 1000000LL /* ns per ms */
/* --pull rooms: rows per device a pull statement looks at, at most (sync_pull.c). */
#define SYNCD_ROOMS_WINDOW 200

/* The columns of portier.scans read back (pulls, checks of a push), in the order
 * syncd_row_to_scan reads them. */
#define SYNCD_SCAN_COLUMNS                                                                         \
    "s.device_id, s.db_epoch, s.seq, s.wall_ms, s.mono_ns, s.boot_id, s.clock_synced, s.room, "    \
    "s.session, s.attendee, s.mode, s.kind, s.result, s.reason, s.override, s.clock_given, "       \
    "s.staff"

typedef struct pg_result PGresult;
struct strbuf;

/* A pull cursor: the last seq pulled of another (device_id, db_epoch). */
struct syncd_cursor {
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
    bool model_published;          /* the server holds our event's model */
    int64_t central_model_version; /* portier.event.model_version when last read, -1 before */
    bool retry_quarantine;         /* set-aside scans are to be offered to the server again */
    int64_t push_seq;              /* last pushed seq of this epoch */
    int64_t push_rowid;            /* the local log is read from here for unpushed scans */
    struct syncd_cursor *cursors;
    size_t n_cursors, cap_cursors;
    int64_t follow_seq; /* --pull rooms: own seq whose scans into the rooms were followed */
    int rooms_window;   /* --pull rooms: rows per device in one statement (0: the default) */
    int64_t attendees_version, revocations_version, device_keys_version;
    int64_t model_heads[3]; /* central's highest device key, attendee, revocation version */
    int64_t conflicts;
    char *boot_offsets;        /* sync.boot_offsets as last written (copy_boot_offsets) */
    char boot_offsets_md5[33]; /* the digest of the text central last sent ("": none yet) */
    bool boot_offsets_due;     /* an anchor was sent, or a scan of an unlisted boot pulled */
    bool offset_known;         /* clock_offset_ms was measured on this connection */
    int64_t clock_offset_ms;   /* server clock - kiosk clock at the last anchor */

    /* Status as last written to the store meta. */
    bool online;
    bool status_known;
    int64_t pending_written;
    char last_error[512];
    char error_written[512];

    int failures; /* consecutive failed connections or cycles */
    int64_t next_connect_ns, next_poll_ns, next_local_ns, next_anchor_ns, next_ok_ns;
    int64_t local_last_seq;     /* store_last_seq at the last check */
    bool want_pull, want_model; /* pulls to make in the next cycle */
    bool hint_pull, hint_model; /* notifications heard, not yet acted on */
    int64_t next_hint_ns;       /* hints are acted on no earlier than this */
    char *rooms;     /* " ROOM ROOM " this login is bound to, with others_ms > 0 or pull_rooms */
    bool hint_other; /* a notification about other rooms, not yet acted on */
    int64_t next_other_ns; /* hint_other becomes hint_pull no earlier (last pull + others_ms) */

    uint64_t rng;
    int stop_pipe[2];
    volatile sig_atomic_t stop;
};

/* syncd.c */
/* Remembers an error for the status ("what: why") and logs it when it is new. */
void syncd_set_error(struct syncd *d, const char *what, const char *why);
/* Runs a statement without parameters; false after recording the error. */
bool syncd_exec(struct syncd *d, const char *sql, const char *what);
/* Runs a parameterised query; returns the result (PQclear it) or NULL after recording the
 * error. */
PGresult *syncd_query(struct syncd *d, const char *sql, int n, const char *const *values,
                      const char *what);
/* Writes a decimal meta value to the scan log. */
bool syncd_set_meta_int(struct syncd *d, const char *key, int64_t value);

/* sync_push.c */
/* Pushes every unpushed local scan, batch by batch, with central_upload_scans; a batch that
 * inserted fewer rows than it holds is checked against the server (the conflict alarm). */
bool syncd_push(struct syncd *d);
/* Offers the quarantined scans to the server again, one by one: the ones it now accepts (the
 * model they did not fit has changed since, e.g. published or an attendee added) leave the
 * quarantine; the ones it still refuses stay. Called at start and when the model changes. */
bool syncd_retry_quarantined(struct syncd *d);

/* sync_issues.c */
/* Uploads the badges this kiosk issued that are pending (retry_refused: those the server
 * refused before, offered again after a change of the central model), in seq order. */
bool syncd_push_issues(struct syncd *d, bool retry_refused);
/* sync_wake.c */
/* With others_ms > 0 or pull_rooms, reads the rooms this device's login is bound to into
 * d->rooms. A change of what the pulls take (--pull rooms or all, or the rooms) since the
 * cursors were saved starts the cursors afresh: rows the old filter skipped lie below them. */
bool syncd_read_rooms(struct syncd *d);
/* Takes one notification on portier_scans: sets hint_pull (about this daemon's rooms, or a
 * payload it cannot read), hint_other (other rooms) or nothing (this device's own push). */
void syncd_scan_hint(struct syncd *d, const char *payload);
/* Turns hint_other into hint_pull once others_ms has passed since the last pull. */
void syncd_other_hints_due(struct syncd *d, int64_t now);
/* Called by each pull of scans: it takes what the other rooms' notifications were about. */
void syncd_others_taken(struct syncd *d);

/* sync_pull.c */
/* Appends item to sb as a quoted element of a PostgreSQL array literal. */
void syncd_array_item(struct strbuf *sb, const char *item);
/* Converts one row of SYNCD_SCAN_COLUMNS to a scan; false when a field is out of range. */
bool syncd_row_to_scan(const PGresult *res, int row, struct scan *s);
/* Parses the sync.pull meta value ("DEVICE EPOCH SEQ" lines) into the cursors. */
void syncd_cursors_parse(struct syncd *d, const char *text);
/* Pulls the other kiosks' scans above the cursors into the local log; sets boot_offsets_due
 * when an unsynchronised scan of a boot not in boot_offsets arrived. */
bool syncd_pull_scans(struct syncd *d);
/* Checks that the server holds this kiosk's event (or none yet) and reads the heads of its
 * model tables (model_heads). */
bool syncd_check_event(struct syncd *d);
/* Pulls device keys, attendee changes and revocations into the bundle (event_db_apply_pulled),
 * each only when its head (syncd_check_event, called just before) passed its cursor. */
bool syncd_pull_model(struct syncd *d);

#endif
