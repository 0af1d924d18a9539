/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by every module that talks to SQLite. */
#ifndef PORTIER_SQLUTIL_H
#define PORTIER_SQLUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

/* Runs SQL without results; on error logs "<what>: <SQLite's message>" and returns false. */
bool sql_exec(sqlite3 *db, const char *what, const char *sql);
/* Copies text column col of the current row into dst (size bytes, NUL included); false when
 * the column is NULL or does not fit. */
bool sql_column_copy(sqlite3_stmt *q, int col, char *dst, size_t size);

#endif
