/* SPDX-License-Identifier: Apache-2.0 */
/* sd_notify without libsystemd: one AF_UNIX datagram per message (sdnotify.h). */
#include "sdnotify.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "sysclock.h"
#include "timeutil.h"

static struct {
    bool loaded;
    bool warned; /* a failed send is logged once, not at every ping */
    struct sockaddr_un addr;
    socklen_t addr_len;     /* 0: no $NOTIFY_SOCKET */
    uint64_t watchdog_usec; /* 0: no watchdog */
    int64_t last_ping_ns;
    bool pinged;
} state;

/* Reads $NOTIFY_SOCKET and $WATCHDOG_USEC/$WATCHDOG_PID into state. */
static void load(void)
{
    memset(&state, 0, sizeof state);
    state.loaded = true;

    const char *path = getenv("NOTIFY_SOCKET");
    if (path != NULL && path[0] != '\0') {
        size_t len = strlen(path);
        if ((path[0] != '/' && path[0] != '@') || len >= sizeof state.addr.sun_path) {
            log_warnx("sd_notify: NOTIFY_SOCKET '%s' is not a socket path; not notifying systemd",
                      path);
        } else {
            state.addr.sun_family = AF_UNIX;
            memcpy(state.addr.sun_path, path, len);
            /* '@' names a socket in the abstract namespace: a leading NUL, no terminator. */
            if (path[0] == '@')
                state.addr.sun_path[0] = '\0';
            state.addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
        }
    }

    const char *usec = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    if (usec != NULL) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(usec, &end, 10);
        bool for_us = pid == NULL || strtol(pid, NULL, 10) == (long)getpid();
        if (errno == 0 && *usec != '\0' && *end == '\0' && for_us)
            state.watchdog_usec = v;
    }
}

void sdnotify_reload(void)
{
    load();
}

bool sdnotify_send(const char *message)
{
    if (!state.loaded)
        load();
    if (state.addr_len == 0)
        return true;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto fail;
    ssize_t n = sendto(fd, message, strlen(message), MSG_NOSIGNAL,
                       (const struct sockaddr *)&state.addr, state.addr_len);
    int saved = errno;
    close(fd);
    errno = saved;
    if (n < 0)
        goto fail;
    state.warned = false;
    return true;
fail:
    if (!state.warned)
        log_warn("sd_notify: %s", getenv("NOTIFY_SOCKET"));
    state.warned = true;
    return false;
}

bool sdnotify_ready(const char *status)
{
    if (status == NULL)
        return sdnotify_send("READY=1");
    char buf[512];
    snprintf(buf, sizeof buf, "READY=1\nSTATUS=%s", status);
    return sdnotify_send(buf);
}

bool sdnotify_stopping(void)
{
    return sdnotify_send("STOPPING=1");
}

bool sdnotify_status(const char *fmt, ...)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "STATUS=");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    return sdnotify_send(buf);
}

uint64_t sdnotify_watchdog_usec(void)
{
    if (!state.loaded)
        load();
    return state.watchdog_usec;
}

bool sdnotify_watchdog(void)
{
    if (!state.loaded)
        load();
    if (state.watchdog_usec == 0 || state.addr_len == 0)
        return false;
    /* Half the interval, as sd_watchdog_enabled(3) recommends: a late loop turn still makes it. */
    int64_t now = time_mono_ns();
    int64_t half_ns = (int64_t)(state.watchdog_usec * 1000 / 2);
    if (state.pinged && now - state.last_ping_ns < half_ns)
        return false;
    state.pinged = true;
    state.last_ping_ns = now;
    return sdnotify_send("WATCHDOG=1");
}
