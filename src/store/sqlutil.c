/* SPDX-License-Identifier: Apache-2.0 */
#include "sqlutil.h"

#include <string.h>

#include "log.h"

bool sql_exec(sqlite3 *db, const char *what, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return true;
    log_warnx("%s: %s", what, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return false;
}

bool sql_column_copy(sqlite3_stmt *q, int col, char *dst, size_t size)
{
    const unsigned char *v = sqlite3_column_text(q, col);
    size_t len = (size_t)sqlite3_column_bytes(q, col);
    if (v == NULL || len >= size)
        return false;
    memcpy(dst, v, len + 1);
    return true;
}
