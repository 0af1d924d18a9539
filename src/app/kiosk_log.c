/* SPDX-License-Identifier: Apache-2.0 */
/* The kiosk's clock, its scan log and the event model it decides on. */
#include "kiosk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decision_line.h"
#include "event_db.h"
#include "file.h"
#include "kiosk_staff.h"
#include "log.h"
#include "sysclock.h"
#include "timeutil.h"

/* The kiosk's wall clock: the real one, or one started at settings.clock_start_ms. */
int64_t kiosk_now(const struct kiosk *k)
{
    if (k->replay_ms != 0)
        return k->replay_ms;
    int64_t offset;
    if (!k->settings.clock_fixed && !k->clock_synced &&
        scan_clock_offset(k->clock, k->settings.device_id, k->boot_id, &offset))
        return time_mono_ns() / 1000000 + offset;
    if (!k->settings.clock_fixed)
        return time_now_ms();
    return k->settings.clock_start_ms + (time_mono_ns() - k->mono_start_ns) / 1000000;
}

/* The system clock counts as synchronised when the kernel says so and its time is plausible
 * (time_is_sane): a clock before 2020 was never set, whatever the kernel believes. */
bool kiosk_system_clock_synced(void)
{
    return sysclock_is_synchronised() && time_is_sane(time_now_ms());
}

/* Folds one scan of the log into the occupancy. */
static bool fold_scan(const struct scan *s, void *ctx)
{
    struct kiosk *k = ctx;
    if (scan_clock_learn(k->clock, s))
        k->refold = true;
    size_t room = occupancy_room_index(k->occupancy, s->room);
    if (room < k->event->n_rooms && s->result != RESULT_DENIED &&
        s->wall_ms > k->room_updated[room])
        k->room_updated[room] = s->wall_ms;
    if (!occupancy_apply(k->occupancy, s))
        log_debug("scan %s/%lld/%lld names something this event does not know; ignored",
                  s->device_id, (long long)s->db_epoch, (long long)s->seq);
    return true;
}

/* Folds whatever was added to the scan log since the last call (by us or the sync daemon). */
bool kiosk_fold_new_scans(struct kiosk *k)
{
    if (!store_read_scans(k->store, k->last_rowid, fold_scan, k, &k->last_rowid))
        return false;
    if (!k->refold)
        return true;
    /* Scans folded at one time now count at another: derive the occupancy again. */
    k->refold = false;
    struct occupancy *occ = kiosk_new_occupancy(k, k->event);
    occupancy_destroy(k->occupancy);
    k->occupancy = occ;
    memset(k->room_updated, 0, (k->event->n_rooms + 1) * sizeof *k->room_updated);
    k->last_rowid = 0;
    /* The kiosk's own clock may have moved too: new rules walk the session ends again (those
     * already recorded are skipped), as at a start. */
    if (k->rules != NULL) {
        struct rules *r = rules_create(k->event, k->pk, &k->settings.rules, k->settings.room_id,
                                       k->settings.mode, k->settings.device_id);
        if (r != NULL) {
            rules_destroy(k->rules);
            k->rules = r;
        }
    }
    log_info("kiosk: clock anchors re-date scans of the log; counting it again");
    return store_read_scans(k->store, 0, fold_scan, k, &k->last_rowid);
}

struct occupancy *kiosk_new_occupancy(const struct kiosk *k, const struct event *ev)
{
    struct occupancy *occ = occupancy_create(ev);
    occupancy_bound_ahead(occ);
    occupancy_use_clock(occ, k->clock);
    occupancy_use_local_day(occ, k->settings.rules.local_day);
    return occ;
}

void kiosk_read_boot_offsets(struct kiosk *k)
{
    char *text = NULL;
    if (!store_get_meta(k->store, SCAN_CLOCK_META_KEY, &text) || text == NULL)
        return;
    bool changed;
    int bad;
    if (!scan_clock_set_anchors_text(k->clock, text, &changed, &bad))
        log_warnx("%s: meta %s line %d is not 'DEVICE_ID BOOT_ID OFFSET_MS' (written by the "
                  "sync daemon; restart it to rewrite it)",
                  k->settings.db_path, SCAN_CLOCK_META_KEY, bad);
    free(text);
    if (changed) {
        k->refold = true;
        if (!kiosk_fold_new_scans(k))
            log_warnx("kiosk: could not read the scan log again");
    }
}

/* The count and capacity a decision reports: the room's, or the venue's at the entrance. */
void kiosk_current_count(const struct kiosk *k, int64_t t, int *count, int *capacity)
{
    *count = occupancy_room_count(k->occupancy, k->room, t);
    *capacity = k->room == OCCUPANCY_ENTRANCE ? 0 : k->event->rooms[k->room].capacity;
}

/* True while the scan log is the file at its path. Deleted or replaced under the kiosk, what
 * it appends is lost with the unlinked file: then the kiosk is in trouble (the trouble screen;
 * headless, it stops) until it is restarted on the file now at the path. */
bool kiosk_log_in_place(struct kiosk *k)
{
    if (!store_file_moved(k->store))
        return true;
    if (!k->store_failed)
        log_warnx("kiosk: %s was deleted or replaced while the kiosk ran; nothing more is "
                  "confirmed: restart the kiosk (it opens the file now at that path, or makes a "
                  "new one)",
                  k->settings.db_path);
    k->store_failed = true;
    return false;
}

/* Stamps, stores and folds one of this kiosk's scans, then reports it. The order is the
 * durability promise: nothing is reported (or shown) before its commit returned. */
bool kiosk_record(struct kiosk *k, struct scan *s, int64_t mono_ns, const char *name)
{
    s->mono_ns = mono_ns;
    memcpy(s->boot_id, k->boot_id, sizeof s->boot_id);
    s->clock_given = k->replay_ms != 0 || k->settings.clock_fixed;
    s->clock_synced = k->clock_synced && !s->clock_given;
    if (!kiosk_log_in_place(k) || !store_append_scan(k->store, s)) {
        k->store_failed = true;
        log_warnx("kiosk: the scan could not be stored; it was NOT confirmed");
        return false;
    }
    k->store_failed = false;
    fold_scan(s, k);
    if (k->settings.out != NULL) {
        int count, capacity;
        kiosk_current_count(k, s->wall_ms, &count, &capacity);
        strbuf_reset(&k->line);
        decision_line_format(&k->line, s, name, count, capacity);
        strbuf_putc(&k->line, '\n');
        fwrite(k->line.data, 1, k->line.len, k->settings.out);
        fflush(k->settings.out);
    }
    return true;
}

/* Stats event.db and its WAL into st[2] (zeroed when absent). */
void kiosk_model_stat(const struct kiosk *k, struct stat st[2])
{
    char *db = path_join(k->settings.kiosk_dir, EVENT_DB_NAME);
    char *wal = xasprintf("%s-wal", db);
    memset(st, 0, 2 * sizeof *st);
    stat(db, &st[0]);
    stat(wal, &st[1]);
    free(db);
    free(wal);
}

static bool stat_same(const struct stat *a, const struct stat *b)
{
    return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ino == b->st_ino;
}

/* Reloads the event model after the sync daemon changed it (attendees registered on site,
 * revocations) and derives the occupancy again from the whole log. On failure the kiosk goes
 * on with the model it has. */
static void reload_model(struct kiosk *k)
{
    char *db = path_join(k->settings.kiosk_dir, EVENT_DB_NAME);
    struct event *ev = event_load(db);
    free(db);
    if (ev == NULL) {
        log_warnx("kiosk: the event model changed but could not be read; keeping the old one");
        return;
    }
    struct occupancy *occ = kiosk_new_occupancy(k, ev);
    size_t room = occupancy_room_index(occ, k->settings.room_id);
    struct rules *r = NULL;
    if (room == OCCUPANCY_NONE ||
        (k->settings.mode != MODE_OVERVIEW &&
         (r = rules_create(ev, k->pk, &k->settings.rules, k->settings.room_id, k->settings.mode,
                           k->settings.device_id)) == NULL)) {
        log_warnx("kiosk: the new event model has no room '%s'; keeping the old one",
                  k->settings.room_id);
        occupancy_destroy(occ);
        event_destroy(ev);
        return;
    }
    rules_destroy(k->rules);
    kiosk_staff_forget_index(k); /* built on the old model */
    occupancy_destroy(k->occupancy);
    event_destroy(k->event);
    k->event = ev;
    k->occupancy = occ;
    k->rules = r;
    k->room = room;
    free(k->room_updated);
    free(k->tiles);
    free(k->last_counts);
    k->overview_day.ev = NULL;
    k->room_updated = xcalloc(ev->n_rooms + 1, sizeof *k->room_updated);
    k->tiles = xcalloc(ev->n_rooms + 1, sizeof *k->tiles);
    k->last_counts = xcalloc(ev->n_rooms + 1, sizeof *k->last_counts);
    for (size_t i = 0; i <= ev->n_rooms; i++)
        k->last_counts[i] = -1;
    k->last_rowid = 0;
    if (!kiosk_fold_new_scans(k))
        log_warnx("kiosk: could not read the scan log again");
    log_info("kiosk: event model reloaded (%zu attendees, %zu revocations)", ev->n_attendees,
             ev->n_revocations);
}

/* Reloads the model when the sync daemon changed event.db (or its WAL) since the last look. */
void kiosk_reload_if_changed(struct kiosk *k)
{
    struct stat st[2];
    kiosk_model_stat(k, st);
    if (!stat_same(&st[0], &k->model_stat[0]) || !stat_same(&st[1], &k->model_stat[1])) {
        memcpy(k->model_stat, st, sizeof st);
        reload_model(k);
    }
}
