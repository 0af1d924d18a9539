/* SPDX-License-Identifier: Apache-2.0 */
/* The scan log's schema steps (store.c applies them; store.h describes the tables). */
#include "store_internal.h"

#include "util.h"

/* The schema, as an ordered list of migration steps: step i takes user_version i to i + 1, in
 * one transaction. A new file runs them all; an old file runs those it lacks. Never edit a
 * released step: add one. */
const char *const store_migrations[] = {
    /* 1: metadata and the append-only scan log. Enums are stored as their scan.h names so
     * that the file reads well in the sqlite3 shell; they are not CHECKed here so that a new
     * reason does not need a table rebuild (the store validates them in C). */
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY NOT NULL,"
    "  value TEXT NOT NULL"
    ");"
    "CREATE TABLE scans ("
    "  id INTEGER PRIMARY KEY," /* local insertion order: the read cursor */
    "  origin TEXT NOT NULL CHECK (origin IN ('local', 'remote')),"
    "  device_id TEXT NOT NULL CHECK (device_id <> ''),"
    "  db_epoch INTEGER NOT NULL CHECK (db_epoch > 0),"
    "  seq INTEGER NOT NULL CHECK (seq > 0),"
    "  wall_ms INTEGER NOT NULL,"
    "  mono_ns INTEGER NOT NULL,"
    "  boot_id TEXT NOT NULL,"
    "  clock_synced INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),"
    "  room TEXT NOT NULL,"
    "  session TEXT NOT NULL,"
    "  attendee TEXT NOT NULL,"
    "  mode TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  result TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  override INTEGER NOT NULL CHECK (override IN (0, 1)),"
    "  UNIQUE (device_id, db_epoch, seq)"
    ");"
    "CREATE TRIGGER scans_no_update BEFORE UPDATE ON scans"
    "  BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;"
    "CREATE TRIGGER scans_no_delete BEFORE DELETE ON scans"
    "  BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;",
    /* 2: a view for people reading the file with the sqlite3 shell: times in UTC ISO 8601. */
    "CREATE VIEW scans_readable AS SELECT id, origin, device_id, seq,"
    "  strftime('%Y-%m-%dT%H:%M:%fZ', wall_ms / 1000.0, 'unixepoch') AS time_utc,"
    "  clock_synced, room, session, attendee, mode, kind, result, reason, override"
    "  FROM scans ORDER BY id;",
    /* 3: this kiosk's scans that the central server refused (issue 14): the sync daemon
     * reports them and goes on with the rest instead of blocking the log behind them. */
    "CREATE TABLE quarantine ("
    "  db_epoch INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (db_epoch, seq)"
    ");",
    /* 4: when a scan of another device reached this log (this kiosk's wall clock): a pulled
     * scan may not count further ahead of that than OCCUPANCY_AHEAD_MAX_MS (occupancy.h). */
    "ALTER TABLE scans ADD COLUMN received_ms INTEGER NOT NULL DEFAULT 0;",
    /* 5: the wall time was given (a replay's timestamp, --clock), not read from a clock: it
     * stands as the scan's time at central and at other kiosks (issue 14). */
    "ALTER TABLE scans ADD COLUMN clock_given INTEGER NOT NULL DEFAULT 0"
    "  CHECK (clock_given IN (0, 1) AND NOT (clock_given = 1 AND clock_synced = 1));",
    /* 6: the staff member (attendee id) who admitted someone by hand (issue 15). */
    "ALTER TABLE scans ADD COLUMN staff TEXT NOT NULL DEFAULT '';",
    /* 7: the badges this kiosk issued (issue 15): walk-ins it registered and reprints (a new
     * serial, the old one revoked), recorded before event.db changes so that the sync daemon
     * uploads each one exactly once, whatever stops the kiosk in between (store_issues.c). */
    "CREATE TABLE issues ("
    "  seq INTEGER PRIMARY KEY CHECK (seq > 0),"
    "  action TEXT NOT NULL CHECK (action IN ('register', 'reprint')),"
    "  attendee TEXT NOT NULL,"
    "  num INTEGER NOT NULL CHECK (num > 0),"
    "  serial INTEGER NOT NULL CHECK (serial >= 0),"
    "  public_key TEXT NOT NULL,"
    "  staff TEXT NOT NULL,"
    "  wall_ms INTEGER NOT NULL,"
    "  name TEXT NOT NULL DEFAULT '',"
    "  organisation TEXT NOT NULL DEFAULT '',"
    "  language TEXT NOT NULL DEFAULT '',"
    "  category TEXT NOT NULL DEFAULT '',"
    "  sessions TEXT NOT NULL DEFAULT '',"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'pushed', 'refused')),"
    "  refusal TEXT NOT NULL DEFAULT ''"
    ");",
};
const int store_schema_steps = (int)ARRAY_LEN(store_migrations);
