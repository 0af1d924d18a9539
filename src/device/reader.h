/* SPDX-License-Identifier: Apache-2.0 */
/* The decode thread: the main loop hands it camera frames, it finds badge codes in them and
 * hands back what it read. Rendering never waits for decoding.
 *
 * Hand-over: a single slot, never a queue. reader_submit copies a frame into the slot,
 * replacing a frame the thread has not taken yet (newest wins: a frame that waited is stale).
 * Results come back through a small mutex-protected ring; reader_fd() becomes readable when
 * there are some, so the main loop can poll it beside its other fds.
 *
 * The work itself is struct reader_pipeline (usable without the thread, for tests and
 * benchmarks). Its rule: never read less than plain zbar on the whole frame, at a fraction of
 * its cost (zbar's cost grows with the pixels it is given, whatever they hold).
 *  1. Change test: a READER_THUMB_W x READER_THUMB_H thumbnail of cell means (every other
 *     pixel), compared with the reference thumbnail, the scene as of the last settled decode.
 *     No cell changed: the frame is skipped (an idle camera is the common case).
 *  2. Finder pre-test (finder.h): the changed cells (plus a margin) are scanned on every third
 *     row for the 1:1:3:1:1 runs of a QR finder pattern, each cross-checked down its column and
 *     a diagonal. A changing background (people walking past the door) changes every cell; only
 *     two finder patterns of one module size call zbar at all, so such frames cost a few per
 *     cent of a decode.
 *  3. Scale from the code, not the frame: the patterns give the module size, and the code's
 *     region (their box, with the fourth corner, the half finder and the quiet zone) is decoded
 *     doubled (bilinear) when modules are READER_UPSAMPLE_MAX pixels or less (zbar misses
 *     2-pixel modules; a smoothing filter would erase them), shrunk by an integer factor that
 *     keeps them READER_TARGET_MODULE pixels or more when they are large (fewer pixels, and the
 *     box average takes sensor noise out), and as it is otherwise.
 *  4. Fallbacks while a code is in view but not read: the region at full resolution, then the
 *     whole frame exactly as plain zbar sees it (zbar reads a marginal code or not depending on
 *     the crop). Both are paid only on frames with finder patterns that the cheaper attempt
 *     did not read, so the pipeline reads every frame plain zbar reads.
 *  5. Settling: the reference moves to the current frame only once the frame is "done": a code
 *     was found in it, or it was still and READER_SETTLE_TRIES attempts found nothing. So a
 *     code that came into view while moving (too blurred to read) and is then held still keeps
 *     being decoded until it is read, instead of being skipped as "no change" the moment it
 *     stops. */
#ifndef PORTIER_READER_H
#define PORTIER_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decoder.h"
#include "image.h"

#define READER_THUMB_W       40
#define READER_THUMB_H       30
#define READER_CELL_DELTA    8 /* grey levels of change of a thumbnail cell mean */
#define READER_MARGIN_CELLS  1
#define READER_MIN_MODULE    2.0f /* pixels: the smallest modules the pre-test looks for */
#define READER_UPSAMPLE_MAX  2.5f /* pixels: modules this small are decoded doubled */
#define READER_TARGET_MODULE 3.5f /* pixels: large modules are shrunk no smaller than this */
#define READER_SETTLE_TRIES  3
#define READER_MAX_CODES     4 /* codes per frame */
#define READER_RING          16

/* What one frame's processing did (for tests and diagnostics). */
enum reader_action {
    READER_SKIPPED, /* no change since the reference */
    READER_FAST,    /* decoded the code's region at the scale its module size asks for */
    READER_FULL,    /* ... and at full resolution (region, then the whole frame) */
    READER_NO_CODE, /* changed, but the pre-test saw no finder pattern: not decoded */
};

struct reader_pipeline_stats {
    uint64_t frames, skipped, decoded, full, found;
};

/* Creates a pipeline (with its own decoder). Owned by the caller; NULL after logging. */
struct reader_pipeline *reader_pipeline_create(void);
/* Frees a pipeline; NULL is a no-op. */
void reader_pipeline_destroy(struct reader_pipeline *p);
/* Processes one frame; stores up to max_out codes found in out (coordinates of frame) and
 * returns how many. *action (may be NULL) tells what was done. */
size_t reader_pipeline_process(struct reader_pipeline *p, const struct image *frame,
                               struct decoded *out, size_t max_out, enum reader_action *action);
/* Makes scene (e.g. the empty view of the camera) the reference the next frame is compared
 * with, as if it had been settled. Forgets where codes were seen. */
void reader_pipeline_set_reference(struct reader_pipeline *p, const struct image *scene);
/* Counters since creation. */
void reader_pipeline_stats(const struct reader_pipeline *p, struct reader_pipeline_stats *out);

/* A code read by the thread. */
struct reader_result {
    struct decoded code;
    int64_t frame_mono_ns; /* the capture time passed to reader_submit */
    int64_t decode_ns;     /* how long processing that frame took */
    uint64_t frame_seq;    /* 1 for the first frame submitted, 2 for the next, ... */
};

struct reader_stats {
    uint64_t frames_in;      /* submitted */
    uint64_t frames_dropped; /* replaced in the slot before the thread took them */
    uint64_t frames_skipped; /* taken, but nothing changed */
    uint64_t frames_decoded; /* taken and decoded */
    uint64_t frames_full;    /* ... of which also at full resolution */
    uint64_t codes_found;
    uint64_t results_lost; /* the main loop did not take them in time (ring full) */
    double decode_ms_last, decode_ms_avg, decode_ms_max; /* over decoded frames */
};

struct reader_options {
    bool paused; /* start without taking frames until reader_resume (tests) */
};

/* Starts a decode thread; opts may be NULL. Owned by the caller (reader_destroy). NULL after
 * logging when the thread or its decoder cannot be made. */
struct reader *reader_create(const struct reader_options *opts);
/* Stops the thread and frees everything; NULL is a no-op. */
void reader_destroy(struct reader *r);
/* Hands a frame to the thread (copied: frame stays the caller's). mono_ns is its capture time. */
void reader_submit(struct reader *r, const struct image *frame, int64_t mono_ns);
/* Polled by the main loop: readable when results are waiting. */
int reader_fd(const struct reader *r);
/* Takes the oldest waiting result; false when there is none. */
bool reader_take(struct reader *r, struct reader_result *out);
/* A snapshot of the counters. */
void reader_stats(struct reader *r, struct reader_stats *out);
/* Lets a reader created paused start taking frames. */
void reader_resume(struct reader *r);
/* Waits until the slot is empty and the thread idle, at most timeout_ms; false on timeout.
 * For tests and orderly shutdown. */
bool reader_wait_idle(struct reader *r, int timeout_ms);

#endif
