/* SPDX-License-Identifier: Apache-2.0 */
/* What the web dashboard (src/web, DESIGN.md §8) reads from and writes to the central
 * database: the rooms' fill from the view occupancy_now with their running and next session,
 * LISTEN for scans and model changes, and the dashboard's users (portier.dashboard_users).
 * Only sync/ calls libpq: src/web calls these. */
#ifndef PORTIER_CENTRAL_DASH_H
#define PORTIER_CENTRAL_DASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "central.h"

/* One room as the dashboard shows it. session_json and next_json are JSON objects
 * {"id","title","start","end"} (times ISO 8601 in the event's time zone) or "null". */
struct central_dash_room {
    char *room, *name;
    int occupancy, capacity;
    bool open;
    char *session_json, *next_json;
    int soon_registered; /* the next session's registrations if it starts within
                            CENTRAL_DASH_SOON_MIN minutes, else -1 */
};

/* A session this close to its start with more registrations than seats raises an alert. */
#define CENTRAL_DASH_SOON_MIN 10

/* Connects for the dashboard: statement timeout, the event's time zone, LISTEN on the scans'
 * and the model's channels. A hot standby (a streaming replica: pg_is_in_recovery()) cannot
 * LISTEN: there *standby (when not NULL) is set and nothing is listened to, so the caller
 * polls. Returns NULL after logging why; owned by the caller (central_close). */
PGconn *central_dash_connect(const char *conninfo, bool *standby);

/* Reads every room, ordered by name then id, into *rooms (owned by the caller:
 * central_dash_rooms_free) and *n. Returns false after logging why. */
bool central_dash_rooms(PGconn *conn, struct central_dash_room **rooms, size_t *n);
/* Frees what central_dash_rooms returned; NULL is a no-op. */
void central_dash_rooms_free(struct central_dash_room *rooms, size_t n);

/* Arrivals at the entrances: people (staff excluded) admitted at an entrance so far (on a
 * multi-day event: today, in the event's time zone), and badge admissions at the entrances in
 * the last CENTRAL_DASH_ARRIVALS_MIN minutes (by the scans' corrected times). On a multi-day
 * event, expected_today is the people (staff excluded) whose badge is valid today; else -1. */
#define CENTRAL_DASH_ARRIVALS_MIN 15
struct central_dash_arrivals {
    int checked_in, recent, expected_today;
};
/* Reads them; false after logging why. */
bool central_dash_arrivals(PGconn *conn, struct central_dash_arrivals *out);

/* One kiosk (a device login of portier.devices), when central last heard from it (its
 * heartbeat, latest scan or clock anchor received, wall-clock ms; 0: never) and its last
 * heartbeat (portier.device_status) when it sent one. */
struct central_dash_kiosk {
    char *id;
    int64_t last_ms;
    char *rooms; /* the rooms it is bound to, comma-separated ("entrance" included) */
    char *room;  /* the room and mode of its latest scan received; "" when none */
    char *mode;
    bool status;              /* a heartbeat was received: the fields below are set */
    int64_t pending;          /* scans waiting to upload */
    int64_t pending_since_ms; /* since when the waiting count has not gone down */
    int64_t quarantined;      /* scans the server refused, set aside on the kiosk */
    bool clock_synced;
    bool offset_known;
    int64_t clock_offset_ms; /* server clock - kiosk clock */
    char *version;
};

/* Reads every kiosk, ordered by id, into *kiosks (owned by the caller:
 * central_dash_kiosks_free) and *n. Returns false after logging why. */
bool central_dash_kiosks(PGconn *conn, struct central_dash_kiosk **kiosks, size_t *n);
/* Frees what central_dash_kiosks returned; NULL is a no-op. */
void central_dash_kiosks_free(struct central_dash_kiosk *kiosks, size_t n);

/* Waits up to timeout_ms for a notification on conn, or for wake_fd (-1: none) to be
 * readable. Drains the notifications (hints only: payloads are not read). Returns 1 when one
 * came, 0 on timeout or wake, -1 when the connection is lost (logged). */
int central_dash_wait(PGconn *conn, int timeout_ms, int wake_fd);

/* Stores (or replaces) a dashboard user with role "staff" or "organiser" and the password
 * hash (crypto_pwhash_str's string). Needs the owner or a superuser. Returns false after
 * logging why. */
bool central_dash_add_user(PGconn *conn, const char *name, const char *role, const char *hash);
/* Looks a dashboard user up: 1 with *hash and *role (owned by the caller), 0 when there is no
 * such user, -1 after logging why. */
int central_dash_user(PGconn *conn, const char *name, char **hash, char **role);

#endif
