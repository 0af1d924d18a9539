/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's feed (web_feed.h). */
#include "web_feed.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "central_dash.h"
#include "log.h"
#include "occupancy.h"
#include "sysclock.h"
#include "timeutil.h"

#define RECONNECT_MIN_MS 500
#define RECONNECT_MAX_MS 5000

/* A room's two JSON forms, and what its alert needs. */
struct room_json {
    char *room, *open, *page;
    char *name;
    int occupancy, capacity;
    bool is_open;
    const char *alert;   /* "room_full", "room_near" or NULL */
    int64_t alert_since; /* when the feed first saw that alert */
    int soon_registered; /* central_dash_room's */
    int64_t soon_since;  /* when the feed first saw the next session overbooked; 0: it is not */
};

/* When the feed first saw a kiosk's clock or quarantine alert (0: it has none). */
struct kiosk_seen {
    int64_t clock_since, quarantine_since;
};

struct web_feed {
    const char *conninfo;
    int alert_near;  /* percent */
    int standby_ms;  /* how often a standby is read */
    int notified_ms; /* on notifications, a read at most this often */
    pthread_t thread;
    bool thread_started;
    int wake[2]; /* written on shutdown: wakes the thread out of its wait */

    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t changed;
    struct room_json *rooms;
    size_t n_rooms;
    struct room_json ring[WEB_FEED_RING]; /* event seq is at ring[seq % WEB_FEED_RING] */
    uint64_t next_seq;
    struct central_dash_kiosk *kiosks;
    struct kiosk_seen *kiosk_seen; /* one per kiosk */
    size_t n_kiosks;
    uint64_t status_gen;
    struct central_dash_arrivals arrivals;
    uint64_t arrivals_gen; /* moves when the arrivals change */
    bool connected;
    int64_t since_ms;
    bool stopping;
};

/* Appends one room's JSON: the open form, or the page's with "open" and "level". */
static void room_json(struct strbuf *sb, const struct central_dash_room *r, bool page)
{
    strbuf_puts(sb, "{\"room\":");
    strbuf_json_string(sb, r->room);
    strbuf_puts(sb, ",\"name\":");
    strbuf_json_string(sb, r->name);
    strbuf_printf(sb, ",\"occupancy\":%d,\"capacity\":%d,\"session\":%s,\"next_session\":%s",
                  r->occupancy, r->capacity, r->session_json, r->next_json);
    if (page)
        strbuf_printf(sb, ",\"open\":%s,\"level\":\"%s\"", r->open ? "true" : "false",
                      occupancy_level_name(occupancy_level(r->occupancy, r->capacity, !r->open)));
    strbuf_putc(sb, '}');
}

static void room_json_free(struct room_json *r)
{
    free(r->room);
    free(r->open);
    free(r->page);
    free(r->name);
    *r = (struct room_json){0};
}

/* The room's alert at alert_near percent, or NULL. A closed room raises none. */
static const char *room_alert(const struct room_json *r, int alert_near)
{
    if (!r->is_open || r->capacity <= 0)
        return NULL;
    if (r->occupancy >= r->capacity)
        return "room_full";
    if ((long)r->occupancy * 100 >= (long)r->capacity * alert_near)
        return "room_near";
    return NULL;
}

/* True when the room's next session starts within CENTRAL_DASH_SOON_MIN minutes with more
 * registrations than the room has seats. */
static bool room_overbooked(const struct room_json *r)
{
    return r->soon_registered > r->capacity;
}

/* True when a kiosk's heartbeat says its clock is not synchronised, or that it is but
 * disagrees with the server's by more than TIME_CLOCK_DISAGREE_MS (the kiosk screen's test). */
static bool kiosk_clock_bad(const struct central_dash_kiosk *k)
{
    return k->status && (!k->clock_synced ||
                         (k->offset_known && llabs(k->clock_offset_ms) > TIME_CLOCK_DISAGREE_MS));
}

/* Stores the rooms just read as the snapshot and publishes those that changed. */
static void publish(struct web_feed *feed, struct room_json *rooms, size_t n,
                    struct central_dash_kiosk *kiosks, size_t n_kiosks,
                    const struct central_dash_arrivals *arrivals)
{
    int64_t now = time_now_ms();
    pthread_mutex_lock(&feed->mu);
    for (size_t i = 0; i < n; i++) {
        const struct room_json *old = NULL;
        for (size_t j = 0; j < feed->n_rooms && old == NULL; j++) {
            if (strcmp(feed->rooms[j].room, rooms[i].room) == 0)
                old = &feed->rooms[j];
        }
        rooms[i].alert = room_alert(&rooms[i], feed->alert_near);
        rooms[i].alert_since = old != NULL && old->alert == rooms[i].alert ? old->alert_since : now;
        rooms[i].soon_since = 0;
        if (room_overbooked(&rooms[i]))
            rooms[i].soon_since = old != NULL && old->soon_since != 0 ? old->soon_since : now;
        if (old != NULL && strcmp(old->page, rooms[i].page) == 0)
            continue;
        struct room_json *slot = &feed->ring[feed->next_seq % WEB_FEED_RING];
        room_json_free(slot);
        slot->room = xstrdup(rooms[i].room);
        slot->open = xstrdup(rooms[i].open);
        slot->page = xstrdup(rooms[i].page);
        feed->next_seq++;
    }
    for (size_t j = 0; j < feed->n_rooms; j++)
        room_json_free(&feed->rooms[j]);
    free(feed->rooms);
    feed->rooms = rooms;
    feed->n_rooms = n;
    struct kiosk_seen *seen = xcalloc(n_kiosks > 0 ? n_kiosks : 1, sizeof *seen);
    for (size_t i = 0; i < n_kiosks; i++) {
        const struct kiosk_seen *was = NULL;
        for (size_t j = 0; j < feed->n_kiosks && was == NULL; j++) {
            if (strcmp(feed->kiosks[j].id, kiosks[i].id) == 0)
                was = &feed->kiosk_seen[j];
        }
        if (kiosk_clock_bad(&kiosks[i]))
            seen[i].clock_since = was != NULL && was->clock_since != 0 ? was->clock_since : now;
        if (kiosks[i].status && kiosks[i].quarantined > 0)
            seen[i].quarantine_since =
                was != NULL && was->quarantine_since != 0 ? was->quarantine_since : now;
    }
    central_dash_kiosks_free(feed->kiosks, feed->n_kiosks);
    free(feed->kiosk_seen);
    feed->kiosks = kiosks;
    feed->kiosk_seen = seen;
    feed->n_kiosks = n_kiosks;
    if (feed->arrivals_gen == 0 || feed->arrivals.checked_in != arrivals->checked_in ||
        feed->arrivals.recent != arrivals->recent ||
        feed->arrivals.expected_today != arrivals->expected_today) {
        feed->arrivals = *arrivals;
        feed->arrivals_gen++;
    }
    pthread_cond_broadcast(&feed->changed);
    pthread_mutex_unlock(&feed->mu);
}

/* Reads every room and publishes what changed. */
static bool refresh(struct web_feed *feed, PGconn *conn)
{
    struct central_dash_room *rows;
    struct central_dash_kiosk *kiosks;
    size_t n, n_kiosks;
    if (!central_dash_rooms(conn, &rows, &n))
        return false;
    struct central_dash_arrivals arrivals;
    if (!central_dash_kiosks(conn, &kiosks, &n_kiosks)) {
        central_dash_rooms_free(rows, n);
        return false;
    }
    if (!central_dash_arrivals(conn, &arrivals)) {
        central_dash_rooms_free(rows, n);
        central_dash_kiosks_free(kiosks, n_kiosks);
        return false;
    }
    struct room_json *rooms = xcalloc(n > 0 ? n : 1, sizeof *rooms);
    struct strbuf sb = {0};
    for (size_t i = 0; i < n; i++) {
        rooms[i].room = xstrdup(rows[i].room);
        rooms[i].name = xstrdup(rows[i].name);
        rooms[i].occupancy = rows[i].occupancy;
        rooms[i].capacity = rows[i].capacity;
        rooms[i].is_open = rows[i].open;
        rooms[i].soon_registered = rows[i].soon_registered;
        room_json(&sb, &rows[i], false);
        rooms[i].open = strbuf_take(&sb);
        room_json(&sb, &rows[i], true);
        rooms[i].page = strbuf_take(&sb);
    }
    strbuf_finish(&sb);
    central_dash_rooms_free(rows, n);
    publish(feed, rooms, n, kiosks, n_kiosks, &arrivals);
    return true;
}

/* Records whether the feed has its database, and since when. */
static void set_connected(struct web_feed *feed, bool connected)
{
    pthread_mutex_lock(&feed->mu);
    if (feed->connected != connected || feed->since_ms == 0) {
        if (connected)
            log_info("dashboard: connected to the central database");
        else if (feed->connected)
            log_warnx("dashboard: lost the central database; reconnecting");
        feed->connected = connected;
        feed->since_ms = time_now_ms();
        feed->status_gen++;
        pthread_cond_broadcast(&feed->changed);
    }
    pthread_mutex_unlock(&feed->mu);
}

static bool stopping(struct web_feed *feed)
{
    pthread_mutex_lock(&feed->mu);
    bool stop = feed->stopping;
    pthread_mutex_unlock(&feed->mu);
    return stop;
}

/* The thread: connect, read, wait for notifications; on any failure start again. */
static void *feed_main(void *arg)
{
    struct web_feed *feed = arg;
    int backoff = RECONNECT_MIN_MS;
    while (!stopping(feed)) {
        bool standby = false;
        PGconn *conn = central_dash_connect(feed->conninfo, &standby);
        if (conn != NULL && refresh(feed, conn)) {
            if (standby)
                log_info("dashboard: the database is a standby: reading it every %d ms",
                         feed->standby_ms);
            set_connected(feed, true);
            backoff = RECONNECT_MIN_MS;
            int wait_ms = standby ? feed->standby_ms : WEB_FEED_REFRESH_MS;
            int64_t notified = 0; /* when a notification last started a read; 0: never */
            int r;
            while ((r = central_dash_wait(conn, wait_ms, feed->wake[0])) >= 0 && !stopping(feed)) {
                /* A notification after a quiet spell is read at once; one in a burst waits for
                 * the interval, and those that arrive meanwhile wait in the connection: the
                 * next read covers them all. */
                int64_t due_ms =
                    notified ? (notified - time_mono_ns()) / 1000000 + feed->notified_ms : 0;
                if (r > 0 && due_ms > 0) {
                    struct pollfd p = {.fd = feed->wake[0], .events = POLLIN};
                    poll(&p, 1, (int)due_ms);
                    if (stopping(feed))
                        break;
                }
                if (r > 0)
                    notified = time_mono_ns();
                if (!refresh(feed, conn))
                    break;
            }
        }
        central_close(conn);
        if (stopping(feed))
            break;
        set_connected(feed, false);
        struct pollfd p = {.fd = feed->wake[0], .events = POLLIN};
        poll(&p, 1, backoff);
        backoff = backoff * 2 > RECONNECT_MAX_MS ? RECONNECT_MAX_MS : backoff * 2;
    }
    return NULL;
}

struct web_feed *web_feed_start(const char *conninfo, int alert_near, int standby_ms,
                                int notified_ms)
{
    struct web_feed *feed = xcalloc(1, sizeof *feed);
    feed->conninfo = conninfo;
    feed->alert_near = alert_near;
    feed->standby_ms = standby_ms > 0 ? standby_ms : WEB_FEED_STANDBY_MS;
    feed->notified_ms = notified_ms;
    pthread_mutex_init(&feed->mu, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&feed->changed, &attr);
    pthread_condattr_destroy(&attr);
    if (pipe(feed->wake) != 0 || fcntl(feed->wake[1], F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(feed->wake[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(feed->wake[1], F_SETFD, FD_CLOEXEC) != 0) {
        log_warn("dashboard: pipe");
        feed->wake[0] = feed->wake[1] = -1;
        web_feed_destroy(feed);
        return NULL;
    }
    if (pthread_create(&feed->thread, NULL, feed_main, feed) != 0) {
        log_warnx("dashboard: cannot start the feed's thread");
        web_feed_destroy(feed);
        return NULL;
    }
    feed->thread_started = true;
    return feed;
}

void web_feed_shutdown(struct web_feed *feed)
{
    if (feed == NULL)
        return;
    pthread_mutex_lock(&feed->mu);
    feed->stopping = true;
    pthread_cond_broadcast(&feed->changed);
    pthread_mutex_unlock(&feed->mu);
    if (feed->wake[1] >= 0 && write(feed->wake[1], "x", 1) < 0 && errno != EAGAIN)
        log_warn("dashboard: waking the feed");
}

void web_feed_destroy(struct web_feed *feed)
{
    if (feed == NULL)
        return;
    web_feed_shutdown(feed);
    if (feed->thread_started)
        pthread_join(feed->thread, NULL);
    for (size_t i = 0; i < feed->n_rooms; i++)
        room_json_free(&feed->rooms[i]);
    free(feed->rooms);
    for (size_t i = 0; i < WEB_FEED_RING; i++)
        room_json_free(&feed->ring[i]);
    central_dash_kiosks_free(feed->kiosks, feed->n_kiosks);
    free(feed->kiosk_seen);
    if (feed->wake[0] >= 0) {
        close(feed->wake[0]);
        close(feed->wake[1]);
    }
    pthread_cond_destroy(&feed->changed);
    pthread_mutex_destroy(&feed->mu);
    free(feed);
}

static void status_json(struct web_feed *feed, struct strbuf *out)
{
    strbuf_printf(out, "{\"connected\":%s,\"since\":%lld}", feed->connected ? "true" : "false",
                  (long long)feed->since_ms);
}

/* Appends one server-sent event. */
static void sse(struct strbuf *out, const char *event, const char *data)
{
    if (event != NULL)
        strbuf_printf(out, "event: %s\n", event);
    strbuf_printf(out, "data: %s\n\n", data);
}

/* True when cur has something to take (called locked). */
static bool news(const struct web_feed *feed, const struct web_feed_cursor *cur, bool page)
{
    return !cur->started || cur->seq != feed->next_seq ||
           (page &&
            (cur->status_gen != feed->status_gen || cur->arrivals_gen != feed->arrivals_gen));
}

bool web_feed_wait(struct web_feed *feed, struct web_feed_cursor *cur, bool page, int timeout_ms,
                   struct strbuf *out)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&feed->mu);
    while (!feed->stopping && !news(feed, cur, page)) {
        if (pthread_cond_timedwait(&feed->changed, &feed->mu, &deadline) == ETIMEDOUT)
            break;
    }
    if (feed->stopping) {
        pthread_mutex_unlock(&feed->mu);
        return false;
    }
    size_t before = out->len;
    if (!cur->started || feed->next_seq - cur->seq > WEB_FEED_RING) {
        for (size_t i = 0; i < feed->n_rooms; i++)
            sse(out, NULL, page ? feed->rooms[i].page : feed->rooms[i].open);
        cur->started = true;
        cur->status_gen = feed->status_gen - 1; /* the page gets the status too */
        cur->arrivals_gen = 0;                  /* and the arrivals */
    } else {
        for (uint64_t s = cur->seq; s < feed->next_seq; s++) {
            const struct room_json *e = &feed->ring[s % WEB_FEED_RING];
            sse(out, NULL, page ? e->page : e->open);
        }
    }
    cur->seq = feed->next_seq;
    if (page && cur->status_gen != feed->status_gen) {
        struct strbuf st = {0};
        status_json(feed, &st);
        sse(out, "status", st.data);
        strbuf_finish(&st);
    }
    cur->status_gen = feed->status_gen;
    if (page && feed->arrivals_gen != 0 && cur->arrivals_gen != feed->arrivals_gen) {
        char data[128];
        snprintf(data, sizeof data,
                 "{\"checked_in\":%d,\"recent\":%d,\"minutes\":%d,\"expected_today\":%d}",
                 feed->arrivals.checked_in, feed->arrivals.recent, CENTRAL_DASH_ARRIVALS_MIN,
                 feed->arrivals.expected_today);
        sse(out, "arrivals", data);
        cur->arrivals_gen = feed->arrivals_gen;
    }
    pthread_mutex_unlock(&feed->mu);
    if (out->len == before)
        strbuf_puts(out, ": keep-alive\n\n");
    return true;
}

void web_feed_rooms_json(struct web_feed *feed, bool page, struct strbuf *out)
{
    pthread_mutex_lock(&feed->mu);
    strbuf_putc(out, '[');
    for (size_t i = 0; i < feed->n_rooms; i++) {
        if (i > 0)
            strbuf_putc(out, ',');
        strbuf_puts(out, page ? feed->rooms[i].page : feed->rooms[i].open);
    }
    strbuf_putc(out, ']');
    pthread_mutex_unlock(&feed->mu);
}

void web_feed_status_json(struct web_feed *feed, struct strbuf *out)
{
    pthread_mutex_lock(&feed->mu);
    status_json(feed, out);
    pthread_mutex_unlock(&feed->mu);
}

/* Appends one alert object; a room's (r not NULL) also carries the room's name and figures,
 * which the pages word the alert with in their language. */
static void alert_json(struct strbuf *out, bool *first, const char *kind, const char *key,
                       const char *id, const struct room_json *r, int64_t since, const char *text)
{
    strbuf_puts(out, *first ? "{\"kind\":" : ",{\"kind\":");
    *first = false;
    strbuf_json_string(out, kind);
    strbuf_printf(out, ",\"%s\":", key);
    strbuf_json_string(out, id);
    strbuf_printf(out, ",\"since\":%lld", (long long)since);
    if (r != NULL) {
        strbuf_puts(out, ",\"name\":");
        strbuf_json_string(out, r->name);
        strbuf_printf(out, ",\"occupancy\":%d,\"capacity\":%d", r->occupancy, r->capacity);
    }
    strbuf_puts(out, ",\"text\":");
    strbuf_json_string(out, text);
    strbuf_putc(out, '}');
}

/* The alerts of one room (called locked). */
static void room_alerts(const struct room_json *r, bool *first, struct strbuf *out)
{
    char text[256];
    if (r->alert != NULL) {
        if (strcmp(r->alert, "room_full") == 0)
            snprintf(text, sizeof text, "%s is full (%d/%d)", r->name, r->occupancy, r->capacity);
        else
            snprintf(text, sizeof text, "%s is at %ld%% (%d/%d)", r->name,
                     (long)r->occupancy * 100 / r->capacity, r->occupancy, r->capacity);
        alert_json(out, first, r->alert, "room", r->room, r, r->alert_since, text);
    }
    if (r->soon_since != 0) {
        snprintf(text, sizeof text,
                 "%s: the next session starts within %d min with %d registered for %d seats",
                 r->name, CENTRAL_DASH_SOON_MIN, r->soon_registered, r->capacity);
        alert_json(out, first, "session_overbooked", "room", r->room, r, r->soon_since, text);
    }
}

/* The alerts of one kiosk at now_ms (called locked). */
static void kiosk_alerts(const struct central_dash_kiosk *k, const struct kiosk_seen *seen,
                         int64_t now_ms, bool *first, struct strbuf *out)
{
    char text[256];
    if (k->last_ms == 0 || now_ms - k->last_ms > WEB_FEED_SILENT_MS) {
        if (k->last_ms == 0)
            snprintf(text, sizeof text, "kiosk %s: nothing received from it yet", k->id);
        else
            snprintf(text, sizeof text, "kiosk %s: nothing received for %lld min", k->id,
                     (long long)((now_ms - k->last_ms) / 60000));
        alert_json(out, first, "kiosk_silent", "device", k->id, NULL, k->last_ms, text);
    }
    if (seen->clock_since != 0) {
        if (!k->clock_synced)
            snprintf(text, sizeof text, "kiosk %s: its clock is not synchronised", k->id);
        else
            snprintf(text, sizeof text, "kiosk %s: its clock is %+.1f s off the server's", k->id,
                     (double)-k->clock_offset_ms / 1000.0);
        alert_json(out, first, "kiosk_clock", "device", k->id, NULL, seen->clock_since, text);
    }
    if (k->status && k->pending > 0 && now_ms - k->pending_since_ms > WEB_FEED_STUCK_MS) {
        snprintf(text, sizeof text, "kiosk %s: %lld scans waiting to upload, not going down", k->id,
                 (long long)k->pending);
        alert_json(out, first, "kiosk_stuck", "device", k->id, NULL, k->pending_since_ms, text);
    } else if (seen->quarantine_since != 0) {
        snprintf(text, sizeof text, "kiosk %s: %lld scans refused by the server (quarantined)",
                 k->id, (long long)k->quarantined);
        alert_json(out, first, "kiosk_stuck", "device", k->id, NULL, seen->quarantine_since, text);
    }
}

void web_feed_alerts_json(struct web_feed *feed, int64_t now_ms, struct strbuf *out)
{
    bool first = true;
    strbuf_putc(out, '[');
    pthread_mutex_lock(&feed->mu);
    for (size_t i = 0; i < feed->n_rooms; i++)
        room_alerts(&feed->rooms[i], &first, out);
    for (size_t i = 0; i < feed->n_kiosks; i++)
        kiosk_alerts(&feed->kiosks[i], &feed->kiosk_seen[i], now_ms, &first, out);
    pthread_mutex_unlock(&feed->mu);
    strbuf_putc(out, ']');
}

void web_feed_kiosks_json(struct web_feed *feed, struct strbuf *out)
{
    strbuf_putc(out, '[');
    pthread_mutex_lock(&feed->mu);
    for (size_t i = 0; i < feed->n_kiosks; i++) {
        const struct central_dash_kiosk *k = &feed->kiosks[i];
        strbuf_puts(out, i > 0 ? ",{\"device\":" : "{\"device\":");
        strbuf_json_string(out, k->id);
        strbuf_puts(out, ",\"rooms\":");
        strbuf_json_string(out, k->rooms);
        strbuf_puts(out, ",\"room\":");
        strbuf_json_string(out, k->room);
        strbuf_puts(out, ",\"mode\":");
        strbuf_json_string(out, k->mode);
        strbuf_printf(out, ",\"last_contact\":%lld,\"heartbeat\":%s", (long long)k->last_ms,
                      k->status ? "true" : "false");
        if (k->status) {
            strbuf_printf(out, ",\"pending\":%lld,\"quarantined\":%lld,\"clock_synced\":%s",
                          (long long)k->pending, (long long)k->quarantined,
                          k->clock_synced ? "true" : "false");
            if (k->offset_known)
                strbuf_printf(out, ",\"clock_offset_ms\":%lld", (long long)k->clock_offset_ms);
            else
                strbuf_puts(out, ",\"clock_offset_ms\":null");
            strbuf_printf(out,
                          ",\"clock_ok\":%s,\"version\":", kiosk_clock_bad(k) ? "false" : "true");
            strbuf_json_string(out, k->version);
        }
        strbuf_putc(out, '}');
    }
    pthread_mutex_unlock(&feed->mu);
    strbuf_putc(out, ']');
}
