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
    /* One column call, then the value's own: every Portier connection is used by one thread
     * at a time, which is all an unprotected sqlite3_value asks (a kiosk's start copies some
     * five million strings). */
    sqlite3_value *value = sqlite3_column_value(q, col);
    const unsigned char *v = sqlite3_value_text(value);
    size_t len = (size_t)sqlite3_value_bytes(value);
    if (v == NULL || len >= size)
        return false;
    memcpy(dst, v, len + 1);
    return true;
}
