/* SPDX-License-Identifier: Apache-2.0 */
/* The decode thread and its pipeline (see reader.h for the why of each step). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "finder.h"
#include "log.h"
#include "reader.h"
#include "timeutil.h"
#include "util.h"
#include "sysclock.h"

struct thumb {
    bool valid;
    int width, height; /* of the frame it was made from */
    uint8_t cell[READER_THUMB_H][READER_THUMB_W];
};

struct reader_pipeline {
    struct decoder *dec;
    struct thumb ref;  /* the settled scene */
    struct thumb prev; /* the previous frame */
    struct thumb cur;
    int still_failures; /* attempts on a still, unsettled scene */
    struct finder_hit hits[FINDER_MAX];
    uint8_t *work; /* the rescaled region */
    size_t work_cap;
    struct reader_pipeline_stats stats;
};

/* Computes the thumbnail of frame: the mean of every other pixel of each cell. */
static void thumb_make(const struct image *frame, struct thumb *t)
{
    int w = frame->width, h = frame->height;
    t->valid = true;
    t->width = w;
    t->height = h;
    for (int cy = 0; cy < READER_THUMB_H; cy++) {
        int y0 = cy * h / READER_THUMB_H, y1 = (cy + 1) * h / READER_THUMB_H;
        uint32_t sum[READER_THUMB_W] = {0}, count[READER_THUMB_W] = {0};
        for (int y = y0; y < y1; y += 2) {
            const uint8_t *row = frame->pixels + (size_t)y * frame->stride;
            for (int cx = 0; cx < READER_THUMB_W; cx++) {
                int x0 = cx * w / READER_THUMB_W, x1 = (cx + 1) * w / READER_THUMB_W;
                uint32_t s = 0;
                for (int x = x0; x < x1; x += 2)
                    s += row[x];
                sum[cx] += s;
                count[cx] += (uint32_t)(x1 - x0 + 1) / 2;
            }
        }
        for (int cx = 0; cx < READER_THUMB_W; cx++)
            t->cell[cy][cx] = (uint8_t)(count[cx] ? (sum[cx] + count[cx] / 2) / count[cx] : 0);
    }
}

/* Compares two thumbnails; returns how many cells changed and their bounding box in cells. */
static int thumb_diff(const struct thumb *a, const struct thumb *b, int box[4])
{
    if (!a->valid || !b->valid || a->width != b->width || a->height != b->height) {
        box[0] = box[1] = 0;
        box[2] = READER_THUMB_W - 1;
        box[3] = READER_THUMB_H - 1;
        return READER_THUMB_W * READER_THUMB_H;
    }
    int n = 0;
    box[0] = READER_THUMB_W;
    box[1] = READER_THUMB_H;
    box[2] = box[3] = -1;
    for (int cy = 0; cy < READER_THUMB_H; cy++) {
        for (int cx = 0; cx < READER_THUMB_W; cx++) {
            int d = (int)a->cell[cy][cx] - (int)b->cell[cy][cx];
            if (d > READER_CELL_DELTA || d < -READER_CELL_DELTA) {
                n++;
                if (cx < box[0])
                    box[0] = cx;
                if (cy < box[1])
                    box[1] = cy;
                if (cx > box[2])
                    box[2] = cx;
                if (cy > box[3])
                    box[3] = cy;
            }
        }
    }
    return n;
}

/* Makes sure the work buffer holds n bytes. */
static uint8_t *work_reserve(struct reader_pipeline *p, size_t n)
{
    if (n > p->work_cap) {
        p->work = xrealloc(p->work, n);
        p->work_cap = n;
    }
    return p->work;
}

/* How a region is prepared for the decoder: as it is, doubled, or shrunk by an integer factor. */
enum prep { PREP_RAW, PREP_UP2, PREP_DOWN };

struct rect {
    int x, y, w, h;
};

/* Decodes region r of frame prepared as prep (f: the PREP_DOWN factor); results in frame
 * coordinates. */
static size_t decode_region(struct reader_pipeline *p, const struct image *frame, struct rect r,
                            enum prep prep, int f, struct decoded *out, size_t max_out)
{
    if (prep != PREP_DOWN || f < 2)
        f = 1;
    if (r.w / f < 16 || r.h / f < 16)
        return 0;
    const uint8_t *base = frame->pixels + (size_t)r.y * (size_t)frame->stride + (size_t)r.x;
    size_t n;
    if (prep == PREP_UP2) {
        uint8_t *buf = work_reserve(p, 4 * (size_t)r.w * (size_t)r.h);
        image_upsample2(base, frame->stride, r.w, r.h, buf);
        n = decoder_decode(p->dec, buf, 2 * r.w, 2 * r.h, 2 * r.w, out, max_out);
        for (size_t i = 0; i < n; i++) {
            out[i].x = r.x + out[i].x / 2;
            out[i].y = r.y + out[i].y / 2;
        }
        return n;
    }
    if (f == 1) {
        n = decoder_decode(p->dec, base, r.w, r.h, frame->stride, out, max_out);
    } else {
        int dw = r.w / f, dh = r.h / f;
        uint8_t *buf = work_reserve(p, (size_t)dw * (size_t)dh);
        image_downscale(base, frame->stride, r.w, r.h, f, buf);
        n = decoder_decode(p->dec, buf, dw, dh, dw, out, max_out);
    }
    for (size_t i = 0; i < n; i++) {
        out[i].x = r.x + out[i].x * f + f / 2;
        out[i].y = r.y + out[i].y * f + f / 2;
    }
    return n;
}

struct reader_pipeline *reader_pipeline_create(void)
{
    struct decoder *dec = decoder_create();
    if (dec == NULL)
        return NULL;
    struct reader_pipeline *p = xcalloc(1, sizeof *p);
    p->dec = dec;
    return p;
}

void reader_pipeline_destroy(struct reader_pipeline *p)
{
    if (p == NULL)
        return;
    decoder_destroy(p->dec);
    free(p->work);
    free(p);
}

void reader_pipeline_set_reference(struct reader_pipeline *p, const struct image *scene)
{
    thumb_make(scene, &p->ref);
    p->prev = p->ref;
    p->still_failures = 0;
}

void reader_pipeline_stats(const struct reader_pipeline *p, struct reader_pipeline_stats *out)
{
    *out = p->stats;
}

/* The part of the frame the changed cells (plus a margin) cover. */
static struct rect changed_rect(const struct image *frame, const int box[4])
{
    int w = frame->width, h = frame->height;
    int c0 = box[0] - READER_MARGIN_CELLS, r0 = box[1] - READER_MARGIN_CELLS;
    int c1 = box[2] + 1 + READER_MARGIN_CELLS, r1 = box[3] + 1 + READER_MARGIN_CELLS;
    c0 = c0 < 0 ? 0 : c0;
    r0 = r0 < 0 ? 0 : r0;
    c1 = c1 > READER_THUMB_W ? READER_THUMB_W : c1;
    r1 = r1 > READER_THUMB_H ? READER_THUMB_H : r1;
    int x0 = c0 * w / READER_THUMB_W, y0 = r0 * h / READER_THUMB_H;
    return (struct rect){x0, y0, c1 * w / READER_THUMB_W - x0, r1 * h / READER_THUMB_H - y0};
}

/* Grows box (x0, y0, x1, y1) to hold (x, y). */
static void box_add(int b[4], int x, int y)
{
    b[0] = x < b[0] ? x : b[0];
    b[1] = y < b[1] ? y : b[1];
    b[2] = x > b[2] ? x : b[2];
    b[3] = y > b[3] ? y : b[3];
}

/* Where the code whose n finder patterns (of modules about m pixels) were seen lies. Three
 * patterns give the fourth corner (the corner pattern is the one opposite the longest side)
 * and the code is their box plus the half finder and quiet zone around them; two leave the
 * third anywhere within their distance; one leaves the code on any side of it (a 37-module
 * badge, plus margin). */
static struct rect code_rect(const struct image *frame, const struct finder_hit *hit, int n,
                             float m)
{
    int b[4] = {hit[0].x, hit[0].y, hit[0].x, hit[0].y};
    int span = 0;
    for (int i = 1; i < n && i < 3; i++) {
        box_add(b, hit[i].x, hit[i].y);
        int dx = abs(hit[i].x - hit[0].x), dy = abs(hit[i].y - hit[0].y);
        span = dx > span ? dx : dy > span ? dy : span;
    }
    float pad = 44 * m;
    if (n >= 3) {
        /* The corner pattern: the one not on the longest side. */
        long d[3];
        for (int i = 0; i < 3; i++) {
            const struct finder_hit *a = &hit[(i + 1) % 3], *c = &hit[(i + 2) % 3];
            d[i] = (long)(a->x - c->x) * (a->x - c->x) + (long)(a->y - c->y) * (a->y - c->y);
        }
        int k = d[0] >= d[1] && d[0] >= d[2] ? 0 : d[1] >= d[2] ? 1 : 2;
        const struct finder_hit *a = &hit[(k + 1) % 3], *c = &hit[(k + 2) % 3];
        box_add(b, a->x + c->x - hit[k].x, a->y + c->y - hit[k].y);
        pad = 9 * m;
    } else if (n == 2) {
        pad = (float)span * 1.5f + 9 * m;
    }
    int ipad = (int)pad;
    int x0 = b[0] - ipad < 0 ? 0 : b[0] - ipad, y0 = b[1] - ipad < 0 ? 0 : b[1] - ipad;
    int x1 = b[2] + ipad > frame->width ? frame->width : b[2] + ipad;
    int y1 = b[3] + ipad > frame->height ? frame->height : b[3] + ipad;
    if (x1 < x0 || y1 < y0)
        return (struct rect){0, 0, 0, 0};
    return (struct rect){x0, y0, x1 - x0, y1 - y0};
}

/* Decodes the code whose finder patterns were seen: first at the scale its module size asks
 * for (2x up when modules are READER_UPSAMPLE_MAX pixels or less, shrunk by an integer factor
 * that keeps them READER_TARGET_MODULE pixels or more when they are large), then, if that
 * failed, at full resolution, and last the whole frame as plain zbar sees it, when the
 * patterns did not bound the code. */
static size_t decode_code(struct reader_pipeline *p, const struct image *frame, int used,
                          struct decoded *out, size_t max_out, enum reader_action *action)
{
    float m = p->hits[0].module;
    struct rect r = code_rect(frame, p->hits, used, m);
    int f = (int)(m / READER_TARGET_MODULE);
    f = f > 4 ? 4 : f;
    enum prep prep = m <= READER_UPSAMPLE_MAX ? PREP_UP2 : f >= 2 ? PREP_DOWN : PREP_RAW;
    *action = READER_FAST;
    size_t n = decode_region(p, frame, r, prep, f, out, max_out);
    if (n == 0 && prep != PREP_RAW) {
        *action = READER_FULL;
        n = decode_region(p, frame, r, PREP_RAW, 1, out, max_out);
    }
    if (n == 0) {
        *action = READER_FULL;
        struct rect all = {0, 0, frame->width, frame->height};
        n = decode_region(p, frame, all, PREP_RAW, 1, out, max_out);
    }
    return n;
}

size_t reader_pipeline_process(struct reader_pipeline *p, const struct image *frame,
                               struct decoded *out, size_t max_out, enum reader_action *action)
{
    enum reader_action dummy;
    if (action == NULL)
        action = &dummy;
    p->stats.frames++;
    thumb_make(frame, &p->cur);
    int box[4], still_box[4];
    if (thumb_diff(&p->cur, &p->ref, box) == 0) {
        p->stats.skipped++;
        p->prev = p->cur;
        *action = READER_SKIPPED;
        return 0;
    }
    bool still = p->prev.valid && thumb_diff(&p->cur, &p->prev, still_box) == 0;
    p->stats.decoded++;

    struct rect r = changed_rect(frame, box);
    int nhits = finder_scan(frame->pixels, frame->stride, frame->width, frame->height, r.x, r.y,
                            r.w, r.h, finder_step(READER_MIN_MODULE), p->hits, FINDER_MAX);
    size_t n = 0;
    *action = READER_NO_CODE;
    /* The pre-test: zbar is called only when two finder patterns of one code were seen. */
    int used = nhits > 0 ? finder_code(p->hits, nhits) : 0;
    if (used >= 2)
        n = decode_code(p, frame, used, out, max_out, action);
    p->stats.full += *action == READER_FULL;
    if (n > 0) {
        p->stats.found += n;
        p->ref = p->cur;
        p->still_failures = 0;
    } else if (still && ++p->still_failures >= READER_SETTLE_TRIES) {
        /* Still, and looked at in vain several times: nothing to find here. */
        p->ref = p->cur;
        p->still_failures = 0;
    } else if (!still) {
        p->still_failures = 0;
    }
    p->prev = p->cur;
    return n;
}

struct reader {
    pthread_t thread;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* signalled on: a frame in the slot, stop, resume, the thread idle */
    struct image slot;
    int64_t slot_ns;
    uint64_t slot_seq;
    bool slot_full, busy, stop, paused;
    struct image work; /* the thread's frame, swapped with the slot */
    struct reader_pipeline *pipe;
    struct reader_result ring[READER_RING];
    size_t ring_head, ring_count;
    int efd;
    struct reader_stats stats;
    double decode_ms_total;
};

/* Appends a result to the ring (dropping the oldest when full); called with the lock held. */
static void publish(struct reader *r, const struct reader_result *res)
{
    if (r->ring_count == READER_RING) {
        r->ring_head = (r->ring_head + 1) % READER_RING;
        r->ring_count--;
        r->stats.results_lost++;
    }
    r->ring[(r->ring_head + r->ring_count) % READER_RING] = *res;
    r->ring_count++;
    uint64_t one = 1;
    if (write(r->efd, &one, sizeof one) < 0 && errno != EAGAIN)
        log_warn("reader: eventfd");
}

/* The thread: takes the newest frame from the slot, processes it, publishes what it found. */
static void *reader_main(void *arg)
{
    struct reader *r = arg;
    struct decoded codes[READER_MAX_CODES];
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (!r->stop && (r->paused || !r->slot_full))
            pthread_cond_wait(&r->cond, &r->lock);
        if (r->stop)
            break;
        struct image tmp = r->work;
        r->work = r->slot;
        r->slot = tmp;
        int64_t frame_ns = r->slot_ns;
        uint64_t seq = r->slot_seq;
        r->slot_full = false;
        r->busy = true;
        pthread_mutex_unlock(&r->lock);

        enum reader_action action;
        int64_t t0 = time_mono_ns();
        size_t n = reader_pipeline_process(r->pipe, &r->work, codes, READER_MAX_CODES, &action);
        int64_t dt = time_mono_ns() - t0;

        pthread_mutex_lock(&r->lock);
        if (action == READER_SKIPPED) {
            r->stats.frames_skipped++;
        } else {
            double ms = (double)dt / 1e6;
            r->stats.frames_decoded++;
            r->stats.frames_full += action == READER_FULL;
            r->stats.decode_ms_last = ms;
            r->decode_ms_total += ms;
            r->stats.decode_ms_avg = r->decode_ms_total / (double)r->stats.frames_decoded;
            if (ms > r->stats.decode_ms_max)
                r->stats.decode_ms_max = ms;
        }
        for (size_t i = 0; i < n; i++) {
            struct reader_result res = {
                .code = codes[i], .frame_mono_ns = frame_ns, .decode_ns = dt, .frame_seq = seq};
            r->stats.codes_found++;
            publish(r, &res);
        }
        r->busy = false;
        pthread_cond_broadcast(&r->cond);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

struct reader *reader_create(const struct reader_options *opts)
{
    struct reader *r = xcalloc(1, sizeof *r);
    r->efd = -1;
    r->paused = opts != NULL && opts->paused;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    r->pipe = reader_pipeline_create();
    if (r->pipe == NULL)
        goto fail;
    r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (r->efd < 0) {
        log_warn("reader: eventfd");
        goto fail;
    }
    int err = pthread_create(&r->thread, NULL, reader_main, r);
    if (err != 0) {
        errno = err;
        log_warn("reader: cannot start the decode thread");
        goto fail;
    }
    r->started = true;
    return r;
fail:
    reader_destroy(r);
    return NULL;
}

void reader_destroy(struct reader *r)
{
    if (r == NULL)
        return;
    if (r->started) {
        pthread_mutex_lock(&r->lock);
        r->stop = true;
        pthread_cond_broadcast(&r->cond);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
    }
    reader_pipeline_destroy(r->pipe);
    image_finish(&r->slot);
    image_finish(&r->work);
    if (r->efd >= 0)
        close(r->efd);
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

void reader_submit(struct reader *r, const struct image *frame, int64_t mono_ns)
{
    pthread_mutex_lock(&r->lock);
    if (r->slot.pixels == NULL || r->slot.width != frame->width ||
        r->slot.height != frame->height) {
        image_finish(&r->slot);
        if (!image_init(&r->slot, frame->width, frame->height)) {
            pthread_mutex_unlock(&r->lock);
            return;
        }
    }
    image_copy_pixels(&r->slot, frame);
    r->stats.frames_in++;
    if (r->slot_full)
        r->stats.frames_dropped++;
    r->slot_full = true;
    r->slot_ns = mono_ns;
    r->slot_seq = r->stats.frames_in;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

int reader_fd(const struct reader *r)
{
    return r->efd;
}

bool reader_take(struct reader *r, struct reader_result *out)
{
    pthread_mutex_lock(&r->lock);
    bool have = r->ring_count > 0;
    if (have) {
        *out = r->ring[r->ring_head];
        r->ring_head = (r->ring_head + 1) % READER_RING;
        r->ring_count--;
    }
    if (r->ring_count == 0) {
        uint64_t v;
        if (read(r->efd, &v, sizeof v) < 0 && errno != EAGAIN)
            log_warn("reader: eventfd");
    }
    pthread_mutex_unlock(&r->lock);
    return have;
}

void reader_stats(struct reader *r, struct reader_stats *out)
{
    pthread_mutex_lock(&r->lock);
    *out = r->stats;
    pthread_mutex_unlock(&r->lock);
}

void reader_resume(struct reader *r)
{
    pthread_mutex_lock(&r->lock);
    r->paused = false;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

bool reader_wait_idle(struct reader *r, int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->lock);
    bool ok = true;
    while (ok && (r->busy || (r->slot_full && !r->paused)))
        ok = pthread_cond_timedwait(&r->cond, &r->lock, &deadline) == 0;
    ok = !r->busy && !(r->slot_full && !r->paused);
    pthread_mutex_unlock(&r->lock);
    return ok;
}
