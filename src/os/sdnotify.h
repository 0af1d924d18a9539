/* SPDX-License-Identifier: Apache-2.0 */
/* The systemd notification protocol (sd_notify(3)) without libsystemd: readiness, watchdog
 * pings, stopping and status lines sent as datagrams to $NOTIFY_SOCKET. Every function is a
 * cheap no-op when the process does not run under a Type=notify unit ($NOTIFY_SOCKET unset),
 * so callers call them unconditionally.
 *
 * The environment ($NOTIFY_SOCKET, $WATCHDOG_USEC, $WATCHDOG_PID) is read once, at the first
 * call; sdnotify_reload() reads it again (tests). Not thread-safe: call from the main loop only,
 * which is also what the watchdog is meant to prove alive. Shared by the kiosk and the sync
 * daemon. */
#ifndef PORTIER_SDNOTIFY_H
#define PORTIER_SDNOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* Sends one state string ("READY=1", "STATUS=...", several separated by '\n'). Returns true
 * when sent or when there is no $NOTIFY_SOCKET; false, after logging once, when sending
 * failed. */
bool sdnotify_send(const char *state);
/* Tells systemd the service is ready (READY=1) and, when status is not NULL, its STATUS=. */
bool sdnotify_ready(const char *status);
/* Tells systemd the service is stopping (STOPPING=1). */
bool sdnotify_stopping(void);
/* Sets the status line "systemctl status" shows (STATUS=...); printf-style. */
bool sdnotify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Pings the watchdog (WATCHDOG=1) when half of $WATCHDOG_USEC has passed since the last ping;
 * otherwise does nothing. Call it from every turn of the main loop or its periodic tick (at
 * least every quarter of WatchdogSec). Returns true when a ping was sent. */
bool sdnotify_watchdog(void);
/* The watchdog interval in microseconds from $WATCHDOG_USEC (0 when there is no watchdog, or
 * when $WATCHDOG_PID names another process). A loop must wake up at least every half of it. */
uint64_t sdnotify_watchdog_usec(void);
/* Reads the environment again and forgets the last ping (for tests). */
void sdnotify_reload(void);

#endif
