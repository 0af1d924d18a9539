/* SPDX-License-Identifier: Apache-2.0 */
/* The scan log's clean-close marker (store_internal.h), PATH-closed: written after the last
 * connection closed the log cleanly (SQLite checkpointed and removed the WAL), it records the
 * file's identity, size and change time. A later open whose file still matches, with no WAL beside
 * it, skips the full PRAGMA quick_check (reading the whole file: about 1.4 G instructions on a
 * 300,000-scan log). Any write through the file system (a crash's WAL left behind, a checkpoint, a
 * byte changed in place) changes ctime, which cannot be set back, so the check runs again; only
 * silent media corruption without a write escapes it until the next unclean start. */
#include "store_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "log.h"
#include "util.h"

static char *closed_marker_path(const char *path)
{
    return xasprintf("%s-closed", path);
}

/* Formats the file state the marker records; false when path cannot be stat'ed. */
static bool closed_state(const char *path, char *buf, size_t size)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return false;
    snprintf(buf, size, "portier-closed 1 %ju %ju %jd %jd.%09ld %jd.%09ld\n", (uintmax_t)sb.st_dev,
             (uintmax_t)sb.st_ino, (intmax_t)sb.st_size, (intmax_t)sb.st_mtim.tv_sec,
             sb.st_mtim.tv_nsec, (intmax_t)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec);
    return true;
}

/* True when no WAL (or an empty one) lies beside path. */
static bool no_wal(const char *path)
{
    char *wal = xasprintf("%s-wal", path);
    struct stat sb;
    bool none = stat(wal, &sb) != 0 ? errno == ENOENT : sb.st_size == 0;
    free(wal);
    return none;
}

/* True when the marker says path was closed cleanly and nothing wrote to it since. */
bool store_closed_cleanly(const char *path)
{
    char now[160];
    if (!no_wal(path) || !closed_state(path, now, sizeof now))
        return false;
    char *marker = closed_marker_path(path);
    size_t len = 0;
    char *saved = file_read_all(marker, &len);
    free(marker);
    bool same = saved != NULL && len == strlen(now) && memcmp(saved, now, len) == 0;
    free(saved);
    return same;
}

/* After a clean close: when this was the last connection (SQLite removed the WAL) and path
 * is still the file that was opened (not moved or replaced since), records the file's state.
 * Without fsync: a lost marker only costs one check. */
void store_mark_closed(const char *path, dev_t dev, ino_t ino)
{
    char now[160];
    struct stat sb;
    if (stat(path, &sb) != 0 || sb.st_dev != dev || sb.st_ino != ino)
        return;
    if (!no_wal(path) || !closed_state(path, now, sizeof now))
        return;
    char *marker = closed_marker_path(path);
    if (!file_write_replace(marker, now, strlen(now), 0600))
        log_warn("%s: cannot record the clean close (the next start checks the log)", marker);
    free(marker);
}
