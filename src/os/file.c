/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

char *file_read_all(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    struct strbuf sb = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_append(&sb, buf, n);
    int err = ferror(f) ? EIO : 0;
    fclose(f);
    if (err) {
        strbuf_finish(&sb);
        errno = err;
        return NULL;
    }
    if (len_out)
        *len_out = sb.len;
    return strbuf_take(&sb);
}

bool fsync_dir_of(const char *path)
{
    struct stat st;
    char *dir;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        dir = xstrdup(path);
    } else {
        char *copy = xstrdup(path);
        dir = xstrdup(dirname(copy));
        free(copy);
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    free(dir);
    if (fd < 0)
        return false;
    int rc = fsync(fd);
    close(fd);
    return rc == 0;
}

/* Writes path through a temp file and a rename; with sync, fsyncs the file and directory. */
static bool write_replace(const char *path, const void *data, size_t len, unsigned mode, bool sync)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        free(tmp);
        return false;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fchmod(fd, (mode_t)mode) != 0 || (sync && fsync(fd) != 0))
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    free(tmp);
    return !sync || fsync_dir_of(path);
fail:;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    errno = saved;
    return false;
}

bool file_write_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
    return write_replace(path, data, len, mode, true);
}

bool file_write_replace(const char *path, const void *data, size_t len, unsigned mode)
{
    return write_replace(path, data, len, mode, false);
}

bool file_sync_fs(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    int rc = syncfs(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc == 0;
}

bool mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            free(p);
            return false;
        }
        *s = '/';
    }
    bool ok = mkdir(p, 0755) == 0 || errno == EEXIST;
    free(p);
    return ok;
}

bool mkdir_private(const char *path)
{
    char *copy = xstrdup(path);
    char *parent = dirname(copy);
    bool ok = (strcmp(parent, ".") == 0 || strcmp(parent, "/") == 0 || mkdir_p(parent)) &&
              (mkdir(path, 0700) == 0 || errno == EEXIST);
    free(copy);
    return ok;
}

bool file_create_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    /* The umask may only take bits away: 0600 stays 0600 (or less). */
    return close(fd) == 0;
}

bool path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    if (n > 0 && dir[n - 1] == '/')
        return xasprintf("%s%s", dir, name);
    return xasprintf("%s/%s", dir, name);
}

/* Reads the pid a lock holder wrote into its lock file; 0 when unknown. */
static long read_holder(int fd)
{
    char buf[24];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    long pid = strtol(buf, NULL, 10);
    return pid > 0 ? pid : 0;
}

int file_lock_pid(const char *path, long *holder)
{
    /* An open-file-description lock: it conflicts with every other open of the file, in this
     * process too, and goes away with the descriptor, so a killed holder leaves none. */
    *holder = 0;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
        int saved = errno == EACCES || errno == EAGAIN ? EWOULDBLOCK : errno;
        if (saved == EWOULDBLOCK)
            *holder = read_holder(fd);
        close(fd);
        errno = saved;
        return -1;
    }
    char pid[24];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}
