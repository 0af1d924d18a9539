/* SPDX-License-Identifier: Apache-2.0 */
/* Filtered wake-ups (issue 18, docs/scale.md): which notifications on portier_scans wake the
 * sync daemon at once; and the rooms a room door pulls for (--pull rooms, sync_pull.c). The payload
 * (central schema step 13) names the pushing device and the rooms its statement's scans are for. A
 * daemon started with --others-interval MS (a room door) pulls at once for notifications about the
 * rooms its login is bound to (portier.devices.rooms) and at most every MS for the others'; without
 * it (entrance and overview kiosks) every notification counts alike. Notifications of this device's
 * own pushes wake nothing: its scans are in its log already. A payload this code does not
 * understand counts as about its rooms: a notification is only a hint, and polling finds
 * everything. */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "central.h"
#include "log.h"
#include "store.h"
#include "sysclock.h"
#include "syncd_internal.h"
#include "util.h"

/* Starts the pull cursors afresh when what the pulls take changed since they were saved
 * (sync.pull_rooms: the rooms of --pull rooms, empty for everything). */
static bool pull_filter_check(struct syncd *d)
{
    const char *now = d->set.pull_rooms && d->rooms != NULL ? d->rooms : "";
    char *was = NULL;
    if (!store_get_meta(d->store, "sync.pull_rooms", &was))
        return false;
    bool same = strcmp(was != NULL ? was : "", now) == 0;
    free(was);
    if (same)
        return true;
    if (d->n_cursors > 0)
        log_info("sync: pulling %s%s: reading the scan log again from the start",
                 *now != '\0' ? "for rooms" : "everything", *now != '\0' ? now : "");
    d->n_cursors = 0;
    d->follow_seq = 0;
    return store_set_meta(d->store, "sync.pull", "") &&
           syncd_set_meta_int(d, "sync.pull_follow", 0) &&
           store_set_meta(d->store, "sync.pull_rooms", now);
}

/* A room door (--pull rooms) listens on its rooms' channels (central schema step 14) instead
 * of portier_scans, which carries every kiosk's pushes: its own rooms' scans wake it, and it
 * finds the other rooms' (the later moves of the people it counts) by polling. */
static bool listen_rooms(struct syncd *d)
{
    PGresult *res = syncd_query(d,
                                "SELECT 'LISTEN portier_room_' || md5(r) FROM"
                                " unnest(string_to_array(btrim($1), ' ')) AS r",
                                1, (const char *const[]){d->rooms}, "reading the rooms' channels");
    if (res == NULL)
        return false;
    bool ok = syncd_exec(d, "UNLISTEN " CENTRAL_CHANNEL_SCANS, "UNLISTEN");
    for (int i = 0; ok && i < PQntuples(res); i++)
        ok = syncd_exec(d, PQgetvalue(res, i, 0), "LISTEN");
    PQclear(res);
    return ok;
}

bool syncd_read_rooms(struct syncd *d)
{
    free(d->rooms);
    d->rooms = NULL;
    if (d->set.others_ms > 0 || d->set.pull_rooms) {
        PGresult *res = syncd_query(d,
                                    "SELECT ' ' || array_to_string(rooms, ' ') || ' '"
                                    " FROM portier.devices WHERE id = current_user",
                                    0, NULL, "reading this device's rooms");
        if (res == NULL)
            return false;
        if (PQntuples(res) == 1)
            d->rooms = xstrdup(PQgetvalue(res, 0, 0));
        PQclear(res);
        log_debug("sync: rooms of this device:%s", d->rooms ? d->rooms : " (none)");
        if (d->set.pull_rooms && d->rooms != NULL && strstr(d->rooms, " entrance ") != NULL)
            log_info("sync: --pull rooms at a device bound to the entrance pulls nearly "
                     "everything (the venue's state is everyone's)");
    }
    if (d->set.pull_rooms && d->rooms != NULL && !d->set.no_listen && !listen_rooms(d))
        return false;
    if (!pull_filter_check(d)) {
        syncd_set_error(d, "storing the pull cursors", "the scan log cannot be written");
        return false;
    }
    return true;
}

/* True when the word [w, w + len) is one of the rooms d->rooms lists. */
static bool own_room(const struct syncd *d, const char *w, size_t len)
{
    for (const char *p = d->rooms; (p = strchr(p, ' ')) != NULL && p[1] != '\0'; p++) {
        if (strncmp(p + 1, w, len) == 0 && p[1 + len] == ' ')
            return true;
    }
    return false;
}

/* True when a notification with this payload is about this daemon's rooms (or says nothing
 * this code can read). */
static bool about_own_rooms(const struct syncd *d, const char *rooms)
{
    if (d->rooms == NULL || *rooms == '\0' || strcmp(rooms, "*") == 0)
        return true;
    for (const char *w = rooms; *w != '\0';) {
        size_t len = strcspn(w, " ");
        if (len > 0 && own_room(d, w, len))
            return true;
        w += len;
        w += *w == ' ';
    }
    return false;
}

void syncd_scan_hint(struct syncd *d, const char *payload)
{
    size_t dev_len = strcspn(payload, " ");
    if (dev_len > 0 && strncmp(payload, d->set.device_id, dev_len) == 0 &&
        d->set.device_id[dev_len] == '\0')
        return;
    const char *rooms = payload[dev_len] == ' ' ? payload + dev_len + 1 : "";
    if (about_own_rooms(d, rooms))
        d->hint_pull = true;
    else
        d->hint_other = true;
}

void syncd_other_hints_due(struct syncd *d, int64_t now)
{
    if (d->hint_other && now >= d->next_other_ns) {
        d->hint_other = false;
        d->hint_pull = true;
    }
}

void syncd_others_taken(struct syncd *d)
{
    d->hint_other = false;
    d->next_other_ns = time_mono_ns() + (int64_t)d->set.others_ms * MS;
}
