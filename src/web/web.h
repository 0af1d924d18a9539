/* SPDX-License-Identifier: Apache-2.0 */
/* portier dashboard: the web dashboard's HTTP server (DESIGN.md §8), on libmicrohttpd.
 *
 * Pages: / (rooms, live through /stream, server-sent events from web_feed), /login (GET: the
 * form; POST: fields name and password), /logout (POST). /api/status says whether the
 * database is reachable; /api/me who is logged in (null: nobody); /api/alerts the alerts and
 * /api/kiosks every kiosk's heartbeat (401 without a login); /alerts and /kiosks their pages
 * (the login form, 401, without a login). For organisers only (403 for staff): /people and
 * /api/people?q= (web_org: the kiosk lookup on central's model), /reports and /reports/NAME
 * (portier report's files made from central). The open feed
 * /api/rooms and /api/rooms/stream only with public_feed (else 404). Everything served comes
 * from the binary (assets/web). One thread per connection: an event stream's thread waits on
 * the feed. */
#ifndef PORTIER_WEB_H
#define PORTIER_WEB_H

#include <stdbool.h>

struct web_options {
    const char *conninfo;           /* the central database (an organiser's login suffices) */
    const char *listen;             /* "ADDR:PORT", "[ADDR6]:PORT"; PORT 0: any free port */
    const char *tls_cert, *tls_key; /* PEM files, both or neither */
    bool public_feed;
    int alert_near;  /* percent of capacity for the near-full alert; 0: WEB_FEED_ALERT_NEAR */
    int standby_ms;  /* how often a standby is read (it cannot notify); 0: WEB_FEED_STANDBY_MS */
    int notified_ms; /* on notifications, the rooms are read at most this often (0: each one) */
};

struct web_server;

/* Starts the server and the feed. Returns NULL after logging why (a bad address, a port in
 * use, an unreadable certificate); owned by the caller. */
struct web_server *web_server_start(const struct web_options *opts);
/* The port it listens on. */
int web_server_port(const struct web_server *server);
/* Stops the server (ends every event stream) and frees it; NULL is a no-op. */
void web_server_stop(struct web_server *server);

/* The whole command: starts, tells systemd it is ready, runs until SIGTERM or SIGINT, stops.
 * Returns false after logging why it could not start. */
bool web_run(const struct web_options *opts);

#endif
