/* SPDX-License-Identifier: Apache-2.0 */
/* event.db: the event model on disk (the schema below), the key files of an
 * EVENT_DIR, revocation and kiosk bundles. The only code that reads or writes event.db, with
 * roster_db.h (imports) and privacy.h (forget).
 *
 * event.db (SQLite, user_version = EVENT_DB_VERSION) holds:
 *   meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)
 *       keys: format ('portier-event'), event_id (decimal uint32), name, timezone,
 *             key_id (decimal uint16), created (ISO 8601),
 *             next_num (decimal: the num the next imported attendee gets; nums are never reused),
 *             bundle ('1' in a kiosk bundle, absent in an EVENT_DIR),
 *             model_version (decimal, absent = 0: bumped in the transaction of every change
 *             of the model: import, revoke, forget; in a bundle also every pulled change.
 *             `portier central publish` refuses an EVENT_DIR older than the central model)
 *   rooms(id TEXT PRIMARY KEY, name TEXT NOT NULL, capacity INTEGER NOT NULL CHECK(capacity > 0),
 *         pos INTEGER NOT NULL DEFAULT 0)   -- order of rooms.csv; event_load sorts by (pos, id)
 *   sessions(id TEXT PRIMARY KEY, room TEXT NOT NULL REFERENCES rooms(id), title TEXT NOT NULL,
 *            start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
 *            start_text TEXT NOT NULL, end_text TEXT NOT NULL,   -- as written in sessions.csv
 *            credits_centi INTEGER)   -- hundredths of the column 'credits'; NULL when none
 *   attendees(id TEXT PRIMARY KEY, num INTEGER NOT NULL UNIQUE, name TEXT NOT NULL,
 *             organisation TEXT NOT NULL DEFAULT '', email TEXT, language TEXT NOT NULL,
 *             category TEXT NOT NULL, serial INTEGER NOT NULL DEFAULT 0,
 *             days TEXT NOT NULL DEFAULT '')   -- 'YYYY-MM-DD;...' the badge is valid on; '': all
 *   registrations(attendee TEXT NOT NULL REFERENCES attendees(id),
 *                 session TEXT NOT NULL REFERENCES sessions(id), PRIMARY KEY(attendee, session))
 *   revocations(num INTEGER NOT NULL, serial INTEGER NOT NULL, revoked_at TEXT NOT NULL,
 *               PRIMARY KEY(num, serial))
 *   attendee_sources(source TEXT NOT NULL, source_id TEXT NOT NULL,      -- since version 2
 *                    attendee TEXT NOT NULL REFERENCES attendees(id), PRIMARY KEY(source,
 * source_id))
 *       -- an imported attendee's id in the system the import came from (source: 'pretix',
 *       -- 'eventbrite' or a map's name); empty in a kiosk bundle
 *
 * `num` is the attendee's compact number (1, 2, 3, ... in import order, never reused): the badge
 * token carries it rather than the textual id so that the QR code stays at version 5.
 * `serial` is the attendee's current badge serial; revoking a badge records (num, serial) in
 * revocations and increments serial, so the next `portier badges` issues a new token.
 * A kiosk bundle is the same file with e-mail addresses removed.
 */
#ifndef PORTIER_EVENT_DB_H
#define PORTIER_EVENT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define EVENT_DB_VERSION       4
#define EVENT_DB_NAME          "event.db"
#define EVENT_SIGNING_KEY_NAME "signing.key"
#define EVENT_VERIFY_KEY_NAME  "verify.pub"
#define EVENT_DB_MODEL_VERSION "model_version" /* the meta key */

/* Schema step 2: attendees imported from another system (pretix, Eventbrite, a map) keep that
 * system's own id, so that a re-import of an updated export updates the same people. */
#define EVENT_DB_STEP_ATTENDEE_SOURCES                                                             \
    "CREATE TABLE attendee_sources(source TEXT NOT NULL, source_id TEXT NOT NULL,\n"               \
    "  attendee TEXT NOT NULL REFERENCES attendees(id), PRIMARY KEY(source, source_id));\n"

/* Bumps meta model_version by one (from 0 when absent): run it inside the transaction of
 * every change of the model. */
#define EVENT_DB_BUMP_MODEL_VERSION_SQL                                                            \
    "INSERT INTO meta (key, value) VALUES ('" EVENT_DB_MODEL_VERSION "', '1')"                     \
    " ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)"

/* Loads the model from an event.db file (read-only). Returns NULL after logging why. The
 * event is owned by the caller. */
struct event *event_load(const char *db_path);
/* The SQL that creates an empty event.db (tables above and user_version). */
const char *event_db_schema_sql(void);
/* The SQL of one schema step (1..EVENT_DB_VERSION): what brings version - 1 to version. An
 * older event.db is upgraded through the steps it lacks the first time it is opened by a
 * process that may write it. */
const char *event_db_schema_step(int version);
/* Reads the event id from an event.db's meta table without loading the model. Logs why on
 * failure. */
bool event_read_id(const char *db_path, uint32_t *event_id);
/* The same with the key id (the two ids a scan log is bound to, store.h). */
bool event_read_ids(const char *db_path, uint32_t *event_id, uint16_t *key_id);
struct sqlite3;
/* Opens an event.db read-only inside one read transaction (every read sees one snapshot),
 * after checking that it is an event database this program reads. NULL after logging why.
 * Close it with sqlite3_close. */
struct sqlite3 *event_db_open(const char *db_path);
/* One meta value of an open event.db (owned by the caller), or NULL when absent. */
char *event_db_meta(struct sqlite3 *db, const char *key);

/* Key files. EVENT_DIR/signing.key holds the lowercase hex of the 64-byte libsodium Ed25519
 * secret key and a newline, mode 0600; verify.pub (in an EVENT_DIR and in a kiosk bundle) the
 * hex of the 32-byte public key and a newline. */
/* Reads dir/verify.pub. Logs why on failure. */
bool event_read_public_key(const char *dir, uint8_t pk[32]);
/* Reads event_dir/signing.key; refuses (with a message saying how to fix it) a file that group
 * or others may read. Logs why on failure. */
bool event_read_secret_key(const char *event_dir, uint8_t sk[64]);
/* Creates event_dir/signing.key (mode 0600 from the start) and verify.pub; fails when
 * signing.key exists. Logs why on failure. */
bool event_write_keys(const char *event_dir, const uint8_t pk[32], const uint8_t sk[64]);

/* Revokes the current badge of an attendee in event.db: records (num, serial) in revocations
 * and increments serial (refused past 255). Returns the revoked badge's num and serial. Logs
 * why on failure (unknown id included). */
bool event_revoke(const char *db_path, const char *attendee_id, uint32_t *num,
                  uint32_t *revoked_serial);
/* Writes kiosk_dir/event.db (a copy of event_dir's without e-mail addresses) and
 * kiosk_dir/verify.pub, each replaced atomically; never the signing key. Refuses a kiosk_dir
 * that holds another event's bundle, or a signing key. Logs why on failure. */
bool event_bundle(const char *event_dir, const char *kiosk_dir);

/* What the sync daemon pulls from the central database (sync/central.h) into a kiosk bundle.
 * Strings are borrowed. */
struct event_db_pulled_attendee {
    const char *id;
    int64_t num;
    const char *name, *organisation, *language, *category;
    int64_t serial;
    const char *sessions; /* the session ids it is registered for, one per line */
    const char *days;     /* the dates its badge is valid on, "YYYY-MM-DD;..." ("": every day) */
};
struct event_db_pulled_revocation {
    int64_t num, serial;
    const char *revoked_at;
};
/* Applies pulled attendee additions and changes (upserted with their registrations replaced;
 * a bundle's newer badge serial is kept) and revocations (added) to the bundle's event.db at
 * db_path in one transaction, and bumps its meta model_version so that the kiosk reloads. An
 * attendee the bundle refuses (say a num it gave another id) is logged and skipped. Returns
 * false, changing nothing, with SQLite's reason in why (why_size bytes). */
bool event_db_apply_pulled(const char *db_path, const struct event_db_pulled_attendee *att,
                           size_t n_att, const struct event_db_pulled_revocation *rev, size_t n_rev,
                           char *why, size_t why_size);

#endif
