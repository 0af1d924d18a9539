/* SPDX-License-Identifier: Apache-2.0 */
/* sd_notify without libsystemd (sdnotify.h): messages reach a socket standing in for systemd's,
 * the watchdog is rate-limited from $WATCHDOG_USEC and ignored when meant for another process,
 * and nothing is sent (or fails) without $NOTIFY_SOCKET. */
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "sdnotify.h"
#include "util.h"
#include "file.h"

/* Receives one pending datagram into buf; returns its length, or -1 when none is waiting. */
static ssize_t receive(int fd, char *buf, size_t size)
{
    ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);
    buf[n > 0 ? n : 0] = '\0';
    return n;
}

/* Binds a datagram socket at path ('@' = abstract); returns its fd. */
static int listen_at(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    size_t len = strlen(path);
    memcpy(addr.sun_path, path, len);
    if (path[0] == '@')
        addr.sun_path[0] = '\0';
    CHECK(bind(fd, (struct sockaddr *)&addr,
               (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) == 0);
    return fd;
}

int main(void)
{
    char tmpl[] = "/tmp/portier-notify-XXXXXX";
    char *dir = mkdtemp(tmpl);
    char *path = path_join(dir, "notify");
    char buf[1024];
    int fd = listen_at(path);

    /* No socket: every call is a harmless no-op. */
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    sdnotify_reload();
    CHECK(sdnotify_ready(NULL));
    CHECK(!sdnotify_watchdog());
    CHECK(sdnotify_watchdog_usec() == 0);
    CHECK(receive(fd, buf, sizeof buf) < 0);

    /* Readiness, status and stopping arrive as systemd expects them. */
    setenv("NOTIFY_SOCKET", path, 1);
    sdnotify_reload();
    CHECK(sdnotify_ready("door-aula-1: 3 scans"));
    CHECK(receive(fd, buf, sizeof buf) > 0);
    CHECK_STR(buf, "READY=1\nSTATUS=door-aula-1: 3 scans");
    CHECK(sdnotify_status("camera %s", "unplugged"));
    CHECK(receive(fd, buf, sizeof buf) > 0);
    CHECK_STR(buf, "STATUS=camera unplugged");
    CHECK(sdnotify_stopping());
    CHECK(receive(fd, buf, sizeof buf) > 0);
    CHECK_STR(buf, "STOPPING=1");

    /* No watchdog without $WATCHDOG_USEC. */
    CHECK(!sdnotify_watchdog());
    CHECK(receive(fd, buf, sizeof buf) < 0);

    /* A watchdog of an hour: the first call pings, the next ones (well within half an hour) do
     * not. */
    setenv("WATCHDOG_USEC", "3600000000", 1);
    sdnotify_reload();
    CHECK(sdnotify_watchdog_usec() == 3600000000ULL);
    CHECK(sdnotify_watchdog());
    CHECK(receive(fd, buf, sizeof buf) > 0);
    CHECK_STR(buf, "WATCHDOG=1");
    CHECK(!sdnotify_watchdog());
    CHECK(!sdnotify_watchdog());
    CHECK(receive(fd, buf, sizeof buf) < 0);

    /* A tiny watchdog (1 us): every call pings. */
    setenv("WATCHDOG_USEC", "1", 1);
    sdnotify_reload();
    CHECK(sdnotify_watchdog());
    usleep(1000);
    CHECK(sdnotify_watchdog());
    CHECK(receive(fd, buf, sizeof buf) > 0 && receive(fd, buf, sizeof buf) > 0);

    /* $WATCHDOG_PID names another process (a child inherited the environment): no watchdog. */
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", (long)getpid() + 1);
    setenv("WATCHDOG_PID", pid, 1);
    sdnotify_reload();
    CHECK(sdnotify_watchdog_usec() == 0);
    CHECK(!sdnotify_watchdog());
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    sdnotify_reload();
    CHECK(sdnotify_watchdog_usec() == 1);
    while (receive(fd, buf, sizeof buf) > 0)
        ;

    /* A bad value is no watchdog, not a crash. */
    setenv("WATCHDOG_USEC", "soon", 1);
    sdnotify_reload();
    CHECK(sdnotify_watchdog_usec() == 0);

    /* The abstract namespace ("@name"), as systemd in a container may hand out. */
    char abstract[64];
    snprintf(abstract, sizeof abstract, "@portier-test-%ld", (long)getpid());
    int afd = listen_at(abstract);
    setenv("NOTIFY_SOCKET", abstract, 1);
    sdnotify_reload();
    CHECK(sdnotify_ready(NULL));
    CHECK(receive(afd, buf, sizeof buf) > 0);
    CHECK_STR(buf, "READY=1");
    close(afd);

    /* A socket nobody listens on: false, once logged; a relative path is refused. */
    close(fd);
    unlink(path);
    setenv("NOTIFY_SOCKET", path, 1);
    sdnotify_reload();
    CHECK(!sdnotify_ready(NULL));
    CHECK(!sdnotify_stopping());
    setenv("NOTIFY_SOCKET", "relative/notify", 1);
    sdnotify_reload();
    CHECK(sdnotify_ready(NULL)); /* nothing to send to: like no socket */

    free(path);
    rmdir(dir);
    return check_done();
}
