/* SPDX-License-Identifier: Apache-2.0 */
/* The kiosk: the top-level object that owns every subsystem of one door (event, scan log,
 * occupancy, rules, camera, decode thread, scanner) and runs the main loop. This is the
 * headless kiosk; the screen (issue 4) is a layer over the same loop.
 *
 * The main loop polls the scanner, the decode thread's results, the screen's input and a
 * signal pipe; hands the newest camera frame to the decode thread; decides each code; stores
 * the decision durably; only then folds it into the occupancy and reports it (JSON line,
 * answer screen). One periodic tick (1 s) folds scans other processes added to the log (the
 * sync daemon), records session ends and reads the slow facts the screen shows (sync state,
 * free disk, frame rates), so that drawing a frame never waits on the disk or the network.
 *
 * A failed commit is never confirmed. Headless, the kiosk then stops (exit 1) so that its
 * supervisor sees it; with a screen it shows the database trouble screen, refuses every scan,
 * and recovers by itself once a commit succeeds again (disk space returned). */
#ifndef PORTIER_KIOSK_H
#define PORTIER_KIOSK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "badge.h"
#include "rules.h"
#include "scan.h"
#include "ui.h"

struct kiosk_settings {
    const char *kiosk_dir; /* holds event.db and verify.pub (a bundle or an event dir) */
    const char *device_id;
    const char *room_id; /* a room of the event, or "entrance" */
    enum kiosk_mode mode;
    const char *db_path;      /* the scan log */
    const char *camera;       /* camera spec (camera.h) */
    const char *scanner;      /* scanner spec (hid.h) */
    const char *synth_tokens; /* tokens.csv whose tokens the synth camera shows, or NULL */
    bool clock_fixed;         /* the wall clock starts at clock_start_ms (replays, demos) */
    int64_t clock_start_ms;
    struct rules_config rules;
    FILE *out; /* JSON lines, one per decision; NULL: none (a kiosk with a screen) */
    /* The screen: none when headless. */
    bool headless;
    enum ui_display display;
    enum language lang; /* the screen's language until staff change it */
    int width, height;  /* window or offscreen size; 0: the default */
    int volume;         /* 0..100 */
    bool mute;
    const char *screenshots; /* a folder for a PNG of every answer screen, or NULL */
    uint64_t max_frames;     /* stop after this many camera frames (tests, soaks); 0: never */
    const char *printer;     /* the CUPS queue that prints badges (kiosk_printer.h), or NULL */
    enum badge_label label;  /* its label format */
    const char *device_key;  /* this device's issuing key file (devkey.h), or NULL */
    bool desk; /* a registration desk at the entrance: a staff badge opens the search screen
                * (kiosk_desk.h); decisions stay mode entry's */
};

/* What the screen did, for tests and benchmarks. */
struct kiosk_screen_stats {
    uint64_t frames;                                        /* frames drawn */
    double frame_median_ms, frame_p99_ms, frame_worst_ms;   /* time to draw and present one */
    uint64_t answers;                                       /* answers shown after a camera code */
    double scan_to_pixels_median_ms, scan_to_pixels_p99_ms; /* code captured -> its answer drawn */
};

struct kiosk;

/* Opens everything the settings name. Returns NULL after logging what is wrong (unknown room,
 * unreadable bundle, refused database, bad camera spec...). Owned by the caller. */
struct kiosk *kiosk_create(const struct kiosk_settings *settings);
/* Runs the main loop until a stop is requested (kiosk_request_stop, SIGTERM, SIGINT) or every
 * source has ended (stdin at EOF and no camera, or a replay that ended); everything decided is
 * committed when it returns. Returns true on a clean stop, false when the scan log failed. */
bool kiosk_run(struct kiosk *k);
/* Asks the loop to stop; async-signal-safe. */
void kiosk_request_stop(struct kiosk *k);
/* Frees everything; NULL is a no-op. */
void kiosk_destroy(struct kiosk *k);
/* Draws the screen as it is now and saves it as a PNG at path (tests, docs); false when
 * headless or the file could not be written. */
bool kiosk_screenshot(struct kiosk *k, const char *path);
/* Fills *out with what the screen did so far (zeros when headless). */
void kiosk_screen_stats(const struct kiosk *k, struct kiosk_screen_stats *out);

/* Decides one scanned payload at wall time wall_ms (read at mono_ns), stores the decision and
 * reports it: the path every code takes, from the camera or a scanner. Returns false when the
 * decision could not be stored (nothing is reported as decided then). */
bool kiosk_handle_payload(struct kiosk *k, const uint8_t *payload, size_t len, int64_t wall_ms,
                          int64_t mono_ns);

#endif
