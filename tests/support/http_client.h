/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal HTTP/1.1 client over TCP on 127.0.0.1 for the dashboard's tests and benchmark
 * (header only): one request per connection, and event streams read as they arrive. */
#ifndef PORTIER_HTTP_CLIENT_H
#define PORTIER_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* Connects to 127.0.0.1:port; returns the socket or -1. */
static inline int http_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

/* Writes all of s. */
static inline bool http_send(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        s += n;
        len -= (size_t)n;
    }
    return true;
}

/* Reads what is there into sb, waiting up to timeout_ms for the first bytes. Returns the number
 * of bytes read, 0 on timeout, -1 at the end of the stream or on error. */
static inline ssize_t http_read_some(int fd, struct strbuf *sb, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0) /* a timeout, or a signal: the caller tries again */
        return 0;
    char buf[16384];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR)
        return 0;
    if (n > 0)
        strbuf_append(sb, buf, (size_t)n);
    return n == 0 ? -1 : n; /* the end of the stream */
}

/* Sends a raw request (the caller writes "Connection: close") and reads the whole answer.
 * Returns the status code (0 when none came) and the answer, headers included, in *out (owned
 * by the caller; may be NULL). */
static inline int http_raw(int port, const char *request, size_t len, char **out)
{
    int fd = http_connect(port);
    struct strbuf sb = {0};
    if (fd >= 0 && http_send(fd, request, len)) {
        while (http_read_some(fd, &sb, 5000) > 0)
            ;
    }
    if (fd >= 0)
        close(fd);
    strbuf_putc(&sb, '\0');
    int status = 0;
    sscanf(sb.data, "HTTP/1.%*d %d", &status);
    if (out != NULL)
        *out = strbuf_take(&sb);
    strbuf_finish(&sb);
    return status;
}

/* GET path with extra header lines (each ending in \r\n, or ""). */
static inline int http_get(int port, const char *path, const char *headers, char **out)
{
    char *req = xasprintf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n", path,
                          headers);
    int status = http_raw(port, req, strlen(req), out);
    free(req);
    return status;
}

/* POST a form body to path. */
static inline int http_post(int port, const char *path, const char *headers, const char *body,
                            char **out)
{
    char *req = xasprintf("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: "
                          "application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
                          "Connection: close\r\n\r\n%s",
                          path, headers, strlen(body), body);
    int status = http_raw(port, req, strlen(req), out);
    free(req);
    return status;
}

/* Opens an event stream at path; returns the socket (its answer arrives through
 * http_read_some) or -1. */
static inline int http_stream(int port, const char *path)
{
    int fd = http_connect(port);
    char *req =
        xasprintf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n", path);
    bool ok = fd >= 0 && http_send(fd, req, strlen(req));
    free(req);
    if (!ok && fd >= 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Reads the stream into sb until it holds needle (after offset from), or timeout_ms passes.
 * Returns the offset just after needle, or -1. */
static inline long http_stream_wait(int fd, struct strbuf *sb, size_t from, const char *needle,
                                    int timeout_ms)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        strbuf_putc(sb, '\0');
        sb->len--;
        const char *hit = sb->len > from ? strstr(sb->data + from, needle) : NULL;
        if (hit != NULL)
            return (long)(hit - sb->data) + (long)strlen(needle);
        clock_gettime(CLOCK_MONOTONIC, &t);
        long spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (spent >= timeout_ms || http_read_some(fd, sb, (int)(timeout_ms - spent)) < 0)
            return -1;
    }
}

#endif
