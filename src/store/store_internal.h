/* SPDX-License-Identifier: Apache-2.0 */
/* What the scan log's files share inside src/store (store.c owns the connection; store_ident.c
 * binds the log to its event; report_source.c reads collected logs). Not for other layers. */
#ifndef PORTIER_STORE_INTERNAL_H
#define PORTIER_STORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "store.h"

struct sqlite3;

/* The meta keys that bind a log to its event (store_bind_event); the store's own. */
#define STORE_META_EVENT_ID "event_id"
#define STORE_META_KEY_ID   "key_id"

/* The schema as ordered steps (store_schema.c): step i takes user_version i to i + 1, in one
 * transaction. Never edit a released step: add one. */
extern const char *const store_migrations[];
extern const int store_schema_steps;

/* The store's connection and path, borrowed until store_close. */
struct sqlite3 *store_sqlite(struct store *st);
const char *store_path(const struct store *st);
/* Whether store_open ran PRAGMA quick_check: false when the file was closed cleanly and not
 * written since (the PATH-closed marker, store.c). */
bool store_was_checked(const struct store *st);

/* The clean-close marker (store_closed.c): true when path was closed cleanly by its last
 * connection and nothing wrote to it since, so store_open may skip PRAGMA quick_check. */
bool store_closed_cleanly(const char *path);
/* After a clean sqlite3_close: records path's state when no WAL is left beside it and path is
 * still the file (dev, ino) that was opened. */
void store_mark_closed(const char *path, dev_t dev, ino_t ino);

/* Reads the event binding of a scan log through any connection to it (the store's, or a
 * collected file's read-only one): *bound is false for a log made before logs were bound.
 * False after logging why (path names the file) when the meta table cannot be read or holds
 * an invalid binding. */
bool store_read_event_binding(struct sqlite3 *db, const char *path, bool *bound, uint32_t *event_id,
                              uint16_t *key_id);

#endif
