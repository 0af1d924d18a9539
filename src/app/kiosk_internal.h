/* SPDX-License-Identifier: Apache-2.0 */
/* The kiosk's state, shared by the files of the kiosk (kiosk.c: the loop and the screen;
 * kiosk_log.c: the clock, the scan log and the event model it decides on). Not for other
 * modules: they use kiosk.h. */
#ifndef PORTIER_KIOSK_INTERNAL_H
#define PORTIER_KIOSK_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "camera.h"
#include "event.h"
#include "hid.h"
#include "histogram.h"
#include "image.h"
#include "kiosk.h"
#include "lookup.h"
#include "kiosk_printer.h"
#include "occupancy.h"
#include "reader.h"
#include "rules.h"
#include "scan.h"
#include "devkey.h"
#include "scan_clock.h"
#include "store.h"
#include "token.h"
#include "ui.h"
#include "util.h"

struct kiosk {
    struct kiosk_settings settings;
    bool can_issue;           /* --device-key loaded: reprints (kiosk_staff.c) */
    struct device_key issuer; /* this device's certified key */
    uint8_t issuer_sk[TOKEN_SECRET_KEY_LEN];
    struct event *event;
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN];
    struct store *store;
    int lock_fd; /* holds the scan log's lock file (take_log_lock) */
    struct occupancy *occupancy;
    struct scan_clock *clock; /* dates the log's scans (scan_clock.h); outlives the occupancy */
    bool refold;              /* the clock re-dated folded scans: fold the log again */
    struct rules *rules;      /* NULL in overview mode */
    size_t room;              /* occupancy room index (OCCUPANCY_ENTRANCE at the entrance) */
    struct camera *camera;
    struct reader *reader; /* NULL without a camera */
    struct hid *hid;
    char **synth_tokens;
    size_t n_synth_tokens;

    char boot_id[SCAN_BOOT_ID_MAX];
    bool clock_synced;
    int64_t clock_offset_ms; /* server - this kiosk's clock, as the sync daemon measured it */
    int64_t mono_start_ns;
    int64_t replay_ms;  /* latest "TIMESTAMP<TAB>TOKEN" time seen: the replay's clock */
    int64_t last_rowid; /* scan log folded up to here */
    int64_t next_tick_ns, next_fold_ns;
    struct stat model_stat[2]; /* event.db and its -wal, to notice the sync daemon's changes */
    int *last_counts;          /* overview: the counts last reported, per room */
    int stop_pipe[2];
    volatile sig_atomic_t stop;
    bool store_failed; /* the last commit failed */
    struct image frame;
    struct strbuf line;

    /* The screen (NULL when headless) and what it shows. */
    struct ui *ui;
    enum language lang;
    int64_t *room_updated; /* per room: wall time of the last scan that moved its count */
    uint64_t frame_serial;
    struct ui_room_tile *tiles;
    /* The overview's day on a multi-day event, worked out once per day and model (NULL ev:
     * not yet, or the model was reloaded). */
    struct {
        const struct event *ev;
        int64_t day;
        int index, n_days, expected;
    } overview_day;
    /* Slow facts, refreshed on the tick so that a frame never waits. */
    struct ui_sync sync;
    int64_t disk_free;
    double camera_fps, decode_ms;
    uint64_t fps_frames;
    int64_t fps_since_ns;
    bool frames_done; /* settings.max_frames reached */
    bool replay;      /* the camera is a replay (camera_spec_is_replay) */
    /* Screen timings: drawing a frame, and a camera frame's capture to its answer drawn. */
    struct histogram *frame_times, *scan_to_pixels;
    int64_t answer_pending_ns;   /* capture time of the code whose answer is not drawn yet */
    struct lookup *lookup;       /* the staff's search index (kiosk_staff.c), built when needed */
    struct kiosk_search *search; /* the search screen's results (kiosk_staff.c) */
    struct kiosk_desk *desk;     /* the desk's screens (kiosk_desk.c) */
    /* The badge printer's watcher (NULL without --printer) and its state last copied. */
    struct kiosk_printer *printer;
    struct kiosk_printer_state printer_st;
};

/* The kiosk's wall clock: the replay's, a --clock one, or the system's; an unsynchronised
 * system clock is replaced by this boot's anchored time (monotonic + offset) once known. */
int64_t kiosk_now(const struct kiosk *k);
/* The system clock is synchronised and plausible (time_is_sane). */
bool kiosk_system_clock_synced(void);
/* Folds whatever was added to the scan log since the last call (by us or the sync daemon);
 * folds the whole log again when the clock re-dated scans folded before. */
bool kiosk_fold_new_scans(struct kiosk *k);
/* A new occupancy for the kiosk's event, dated by its clock (nothing folded yet). */
struct occupancy *kiosk_new_occupancy(const struct kiosk *k, const struct event *ev);
/* Reads the boot offsets the sync daemon copied into the log's meta (SCAN_CLOCK_META_KEY);
 * when they re-date folded scans, folds the log again. */
void kiosk_read_boot_offsets(struct kiosk *k);
/* Stats event.db and its WAL into st[2] (zeroed when absent). */
void kiosk_model_stat(const struct kiosk *k, struct stat st[2]);
/* Reloads the model (and refolds the log) when the sync daemon changed event.db. */
void kiosk_reload_if_changed(struct kiosk *k);
/* False (and the kiosk in trouble) once the scan log was deleted or replaced under it. */
bool kiosk_log_in_place(struct kiosk *k);
/* The count and capacity a decision reports: the room's, or the venue's at the entrance. */
void kiosk_current_count(const struct kiosk *k, int64_t t, int *count, int *capacity);
/* Stamps, stores and folds one of this kiosk's scans, then prints its decision line. Nothing
 * is reported (or shown) before the commit returned. */
bool kiosk_record(struct kiosk *k, struct scan *s, int64_t mono_ns, const char *name);
/* Records the session-end exits due at t (before a decision at t). */
bool kiosk_record_session_ends(struct kiosk *k, int64_t t);
/* Shows a recorded decision on the screen, if there is one. */
void kiosk_show_decision(struct kiosk *k, const struct scan *s, const struct rules_verdict *v);

#endif
