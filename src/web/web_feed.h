/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's feed: one thread LISTENs on the central database and, on each notification
 * (at most every notified_ms, or every WEB_FEED_REFRESH_MS, so that sessions start and end on
 * the page without scans; on a standby, which cannot LISTEN, every standby_ms),
 * reads every room again and publishes the rooms that changed as events. Event-stream clients
 * (HTTP threads) wait on it; GET /api/rooms reads its snapshot.
 *
 * Each room has two JSON forms: the open one of DESIGN.md §8 ({"room","name","occupancy",
 * "capacity","session","next_session"}) and the page's, which adds "open" and "level" (the
 * fill level of occupancy_level(), the kiosk's thresholds). When the database goes away the
 * feed says so (web_feed_status) and reconnects by itself. */
#ifndef PORTIER_WEB_FEED_H
#define PORTIER_WEB_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define WEB_FEED_REFRESH_MS  30000
#define WEB_FEED_STANDBY_MS  1000 /* how often the feed reads a standby, which cannot notify */
#define WEB_FEED_NOTIFIED_MS 1000 /* at most one read per this many ms on notifications */
#define WEB_FEED_RING        1024 /* events kept for clients that are behind */
#define WEB_FEED_SILENT_MS   (2 * 60 * 1000) /* a kiosk unheard of this long raises an alert */
#define WEB_FEED_ALERT_NEAR  90              /* percent of capacity: the default near-full alert */
#define WEB_FEED_STUCK_MS    (2 * 60 * 1000) /* scans waiting this long without going down */

struct web_feed;

/* Starts the feed's thread on conninfo (borrowed; must outlive the feed); rooms at
 * alert_near percent of their capacity or more raise an alert. On a hot standby (a streaming
 * replica), which cannot LISTEN, the feed reads every standby_ms milliseconds (0:
 * WEB_FEED_STANDBY_MS) instead of on notifications. On the primary, notifications start a read
 * at most every notified_ms (0: on each one): a read goes over all of central's scans, and at a
 * congress's peak some 30 notifications arrive a second (docs/scale.md). Returns NULL after
 * logging why; owned by the caller. The first read happens in the thread: until it succeeds
 * the feed has no rooms and says it is not connected. */
struct web_feed *web_feed_start(const char *conninfo, int alert_near, int standby_ms,
                                int notified_ms);
/* Stops the thread, wakes every waiting client (web_feed_wait returns false) and frees the
 * feed; NULL is a no-op. Call it after the HTTP server stopped. */
void web_feed_destroy(struct web_feed *feed);
/* Wakes every waiting client, which then ends (the server is stopping). */
void web_feed_shutdown(struct web_feed *feed);

/* A client's position in the feed. */
struct web_feed_cursor {
    uint64_t seq;          /* the next event it has not seen */
    uint64_t status_gen;   /* the connection status it last saw */
    uint64_t arrivals_gen; /* the arrivals it last saw */
    bool started;          /* it has the snapshot */
};

/* Appends to out what the client at cur has not seen, as server-sent events, and moves cur:
 * on the first call (or when it fell more than WEB_FEED_RING events behind) every room; then
 * each changed room ("data: JSON\n\n"), page or open form; for the page, "event: status" when
 * the connection to the database changed and "event: arrivals" ({"checked_in","recent",
 * "minutes","expected_today"}: central_dash_arrivals) when the arrivals at the entrances changed.
 * Waits up to timeout_ms when there is nothing new. Returns false when the feed is shutting down.
 */
bool web_feed_wait(struct web_feed *feed, struct web_feed_cursor *cur, bool page, int timeout_ms,
                   struct strbuf *out);
/* Appends the JSON array of every room (open or page form) to out. */
void web_feed_rooms_json(struct web_feed *feed, bool page, struct strbuf *out);
/* Appends {"connected":bool,"since":ms} to out: since when the feed has (or has not had) its
 * database connection, wall-clock milliseconds (0: never connected). */
void web_feed_status_json(struct web_feed *feed, struct strbuf *out);

/* Appends the alerts (DESIGN.md §8) as a JSON array [{"kind","room"|"device","since","text"}]:
 *   room_full, room_near  occupancy >= capacity, >= alert_near % (open rooms), since the feed
 *                         first saw the room so;
 *   session_overbooked    the room's next session starts within CENTRAL_DASH_SOON_MIN minutes
 *                         with more registrations than seats;
 *   kiosk_silent          nothing (heartbeat, scan or clock anchor) reached central from the
 *                         kiosk for WEB_FEED_SILENT_MS before now_ms (since: then; 0: never);
 *   kiosk_clock           its heartbeat says its clock is unsynchronised or more than
 *                         TIME_CLOCK_DISAGREE_MS off the server's;
 *   kiosk_stuck           scans waiting that have not gone down for WEB_FEED_STUCK_MS (since:
 *                         then), or scans quarantined (refused by the server). */
void web_feed_alerts_json(struct web_feed *feed, int64_t now_ms, struct strbuf *out);

/* Appends every kiosk as a JSON array [{"device","rooms","room","mode","last_contact",
 * "heartbeat"} + with a heartbeat {"pending","quarantined","clock_synced","clock_offset_ms",
 * "clock_ok","version"}]: rooms those it is bound to, room and mode of its latest scan at
 * central ("" when none), last_contact wall-clock ms (0: never). */
void web_feed_kiosks_json(struct web_feed *feed, struct strbuf *out);

#endif
