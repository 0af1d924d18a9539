/* SPDX-License-Identifier: Apache-2.0 */
/* Files and paths: whole-file reads, atomic writes, directories. Thin shell over POSIX. */
#ifndef PORTIER_FILE_H
#define PORTIER_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* Reads a whole file; returns a NUL-terminated buffer owned by the caller, or NULL (errno set). */
char *file_read_all(const char *path, size_t *len_out);
/* Writes a file atomically: temp file in the same directory, fsync, rename, fsync of the
 * directory. mode is applied to the new file. Returns false with errno set. */
bool file_write_atomic(const char *path, const void *data, size_t len, unsigned mode);
/* The same without the fsyncs, for many files written in a row: the file is whole or absent
 * to a reader, but a power cut may leave it empty until the caller's file_sync_fs. */
bool file_write_replace(const char *path, const void *data, size_t len, unsigned mode);
/* Flushes the file system that holds path to disk (syncfs). Returns false with errno set. */
bool file_sync_fs(const char *path);
/* Creates a directory and its parents (mode 0755 for new ones). */
bool mkdir_p(const char *path);
/* Creates a directory for personal data: its parents as mkdir_p, the directory itself mode
 * 0700. One that exists is left as it is (it may be the user's own, like '.'). */
bool mkdir_private(const char *path);
/* Creates an empty file readable by its owner alone (mode 0600), failing when path exists:
 * SQLite then fills it, and gives its journal and WAL files the same mode. */
bool file_create_private(const char *path);
/* fsyncs the directory that holds path (or path itself when it is a directory). */
bool fsync_dir_of(const char *path);
bool path_exists(const char *path);
/* Takes an exclusive lock on the file at path (created mode 0600 when missing) and writes this
 * process's pid into it. Returns the descriptor that holds the lock (closing it, or the
 * process ending, releases it), or -1 with errno set: EWOULDBLOCK when another open of the file
 * holds the lock, with *holder the pid written there (0 when unknown). */
int file_lock_pid(const char *path, long *holder);
/* Returns dir + "/" + name, owned by the caller. */
char *path_join(const char *dir, const char *name);

#endif
