/* SPDX-License-Identifier: Apache-2.0 */
/* The decode thread and its pipeline: idle frames are skipped, a badge that appears is read
 * within 3 frames, a code that stops moving before it was read is still read, the slot keeps
 * only the newest frame, results reach the main loop through a pollable fd. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "check.h"
#include "qr_draw.h"
#include "reader.h"

#define SCENE 11

/* True when fd is readable right now. */
static bool readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* True when a result holds payload. */
static bool is(const struct decoded *d, const char *payload)
{
    return d->len == strlen(payload) && memcmp(d->data, payload, d->len) == 0;
}

/* Idle frames through the thread are skipped once the scene settled; a badge in the synth
 * sequence is read within its first 3 frames in view; results carry their frame's time. */
static void test_thread_sequence(void)
{
    struct reader *r = reader_create(NULL);
    CHECK(r != NULL);
    struct image frame = {0};

    /* 20 frames of the empty scene, each with its own sensor noise. */
    for (int i = 0; i < 20; i++) {
        CHECK(camera_synth_render(&frame, 640, 480, SCENE, NULL, NULL, 100 + (uint64_t)i));
        reader_submit(r, &frame, 1000 + i);
        CHECK(reader_wait_idle(r, 10000));
    }
    struct reader_stats st;
    reader_stats(r, &st);
    CHECK(st.frames_in == 20);
    CHECK(st.frames_dropped == 0);
    CHECK_MSG(st.frames_skipped >= 15, "%llu idle frames skipped",
              (unsigned long long)st.frames_skipped);
    CHECK(st.frames_skipped + st.frames_decoded == 20);
    CHECK(st.codes_found == 0);
    CHECK(!readable(reader_fd(r)));

    /* The synth camera: badges come and go. */
    const char *payloads[] = {
        "BADGE-ONE-0000000000000000000000000000000000000000000000000000000",
        "BADGE-TWO-2222222222222222222222222222222222222222222222222222222",
        "BADGE-THREE-33333333333333333333333333333333333333333333333333333",
        "BADGE-FOUR-44444444444444444444444444444444444444444444444444444",
        "BADGE-FIVE-55555555555555555555555555555555555555555555555555555",
        "BADGE-SIX-666666666666666666666666666666666666666666666666666666",
    };
    size_t np = sizeof payloads / sizeof payloads[0];
    struct camera_options o = {.payloads = payloads, .payload_count = np, .seed = 3};
    struct camera *cam = camera_open("synth", &o);
    CHECK(cam != NULL);
    int64_t ns;
    const char *prev = NULL;
    int in_view = 0, read_in_time = 0, foreign = 0, idle_frames = 0;
    bool done = false;
    uint64_t seq = 20;
    while (camera_grab(cam, &frame, &ns)) {
        const char *shown = camera_frame_payload(cam);
        if (shown != prev) {
            in_view = 0;
            done = false;
        }
        prev = shown;
        in_view += shown != NULL;
        idle_frames += shown == NULL;
        reader_submit(r, &frame, ns);
        seq++;
        CHECK(reader_wait_idle(r, 10000));
        struct reader_result res;
        while (reader_take(r, &res)) {
            CHECK(res.frame_mono_ns == ns);
            CHECK(res.frame_seq == seq);
            CHECK(res.decode_ns > 0);
            if (shown != NULL && is(&res.code, shown)) {
                if (!done && in_view <= 3)
                    read_in_time++;
                done = true;
            } else {
                foreign++;
            }
        }
        CHECK(!readable(reader_fd(r)));
    }
    CHECK(foreign == 0);
    CHECK_MSG(read_in_time == (int)np, "%d of %zu badges read within 3 frames", read_in_time, np);
    reader_stats(r, &st);
    CHECK(st.frames_decoded > 0);
    CHECK(st.decode_ms_avg > 0 && st.decode_ms_last > 0 && st.decode_ms_max >= st.decode_ms_avg);
    printf("reader: %llu frames in, %llu skipped, %llu decoded (%llu full), %llu codes, "
           "decode %.2f ms avg\n",
           (unsigned long long)st.frames_in, (unsigned long long)st.frames_skipped,
           (unsigned long long)st.frames_decoded, (unsigned long long)st.frames_full,
           (unsigned long long)st.codes_found, st.decode_ms_avg);
    camera_close(cam);
    image_finish(&frame);
    reader_destroy(r);
}

/* Newest wins: frames submitted while the thread is busy replace each other in the slot. */
static void test_newest_wins(void)
{
    struct reader_options opts = {.paused = true};
    struct reader *r = reader_create(&opts);
    CHECK(r != NULL);
    struct image a = {0}, b = {0}, c = {0};
    CHECK(camera_synth_render(&a, 640, 480, SCENE, "OLDEST-FRAME", NULL, 1));
    CHECK(camera_synth_render(&b, 640, 480, SCENE, "MIDDLE-FRAME", NULL, 2));
    CHECK(camera_synth_render(&c, 640, 480, SCENE, "NEWEST-FRAME", NULL, 3));
    reader_submit(r, &a, 100);
    reader_submit(r, &b, 200);
    reader_submit(r, &c, 300);
    image_finish(&c);                  /* the slot holds a copy */
    CHECK(reader_wait_idle(r, 10000)); /* paused: nothing is taken */
    struct reader_result res;
    CHECK(!reader_take(r, &res));
    reader_resume(r);
    CHECK(reader_wait_idle(r, 10000));
    struct reader_stats st;
    reader_stats(r, &st);
    CHECK(st.frames_in == 3);
    CHECK(st.frames_dropped == 2);
    CHECK(st.frames_decoded + st.frames_skipped == 1);
    CHECK(readable(reader_fd(r)));
    CHECK(reader_take(r, &res));
    CHECK(is(&res.code, "NEWEST-FRAME"));
    CHECK(res.frame_mono_ns == 300);
    CHECK(res.frame_seq == 3);
    CHECK(!reader_take(r, &res));
    CHECK(!readable(reader_fd(r)));
    image_finish(&a);
    image_finish(&b);
    reader_destroy(r);
    reader_destroy(NULL);
}

/* A code that came in too blurred to read and then stops moving is still read, although its
 * thumbnail no longer changes; once read, it is not decoded again while it stays. */
static void test_still_code(void)
{
    struct reader_pipeline *p = reader_pipeline_create();
    CHECK(p != NULL);
    struct image empty = {0}, blurred = {0}, sharp = {0}, sharp2 = {0};
    struct camera_synth_params prm;
    camera_synth_params_clean(&prm);
    prm.size = 0.4;
    prm.rotate_deg = 20;
    CHECK(camera_synth_render(&empty, 640, 480, SCENE, NULL, NULL, 1));
    CHECK(camera_synth_render(&sharp, 640, 480, SCENE, "HELD-STILL-BADGE", &prm, 3));
    CHECK(camera_synth_render(&sharp2, 640, 480, SCENE, "HELD-STILL-BADGE", &prm, 4));
    prm.blur = 6;
    CHECK(camera_synth_render(&blurred, 640, 480, SCENE, "HELD-STILL-BADGE", &prm, 2));

    reader_pipeline_set_reference(p, &empty);
    struct decoded out[READER_MAX_CODES];
    enum reader_action action;
    CHECK(reader_pipeline_process(p, &empty, out, READER_MAX_CODES, &action) == 0);
    CHECK(action == READER_SKIPPED);
    CHECK(reader_pipeline_process(p, &blurred, out, READER_MAX_CODES, &action) == 0);
    CHECK(action != READER_SKIPPED);
    CHECK(reader_pipeline_process(p, &sharp, out, READER_MAX_CODES, &action) == 1);
    CHECK(action != READER_SKIPPED);
    CHECK(is(&out[0], "HELD-STILL-BADGE"));
    CHECK(out[0].x > 280 && out[0].x < 360 && out[0].y > 200 && out[0].y < 280);
    CHECK(reader_pipeline_process(p, &sharp2, out, READER_MAX_CODES, &action) == 0);
    CHECK(action == READER_SKIPPED);

    /* An empty scene that stays: decoded a few times, then settled and skipped. */
    int skipped = 0;
    for (int i = 0; i < 10; i++) {
        struct image e = {0};
        CHECK(camera_synth_render(&e, 640, 480, SCENE, NULL, NULL, 50 + (uint64_t)i));
        CHECK(reader_pipeline_process(p, &e, out, READER_MAX_CODES, &action) == 0);
        skipped += action == READER_SKIPPED;
        image_finish(&e);
    }
    CHECK_MSG(skipped >= 6, "%d of 10 skipped", skipped);
    struct reader_pipeline_stats ps;
    reader_pipeline_stats(p, &ps);
    CHECK(ps.frames == 14 && ps.found == 1);
    image_finish(&empty);
    image_finish(&blurred);
    image_finish(&sharp);
    image_finish(&sharp2);
    reader_pipeline_destroy(p);
}

/* 720p frames are decoded downscaled, with coordinates mapped back to the frame. */
static void test_hd(void)
{
    struct reader_pipeline *p = reader_pipeline_create();
    struct image empty = {0}, badge = {0};
    struct camera_synth_params prm;
    camera_synth_params_degraded(5, &prm);
    CHECK(camera_synth_render(&empty, 1280, 720, SCENE, NULL, NULL, 1));
    CHECK(camera_synth_render(&badge, 1280, 720, SCENE, "HD-BADGE-1280", &prm, 2));
    reader_pipeline_set_reference(p, &empty);
    struct decoded out[READER_MAX_CODES];
    enum reader_action action;
    CHECK(reader_pipeline_process(p, &badge, out, READER_MAX_CODES, &action) == 1);
    CHECK(action == READER_FAST);
    CHECK(is(&out[0], "HD-BADGE-1280"));
    int ex = (int)(prm.cx * 1280), ey = (int)(prm.cy * 720);
    CHECK_MSG(abs(out[0].x - ex) < 40 && abs(out[0].y - ey) < 40, "at %d,%d, expected %d,%d",
              out[0].x, out[0].y, ex, ey);
    image_finish(&empty);
    image_finish(&badge);
    reader_pipeline_destroy(p);
}

/* Small modules, drawn by segno (not Portier's renderer): codes of 2 pixels per module at VGA
 * and of 5 at 720p are read in their first frame. The old pipeline lost both: its 3x3 smoothing
 * erased 2-pixel modules, its fixed 2x downscale of 720p left 2.5 pixels of 5. A busy frame
 * without a code is not decoded at all. */
static void test_small_modules(void)
{
    static const struct {
        const char *size;
        int module;
        const char *opts;
    } cases[] = {
        {"640x480", 2, "--noise 3 --seed 21"},
        {"640x480", 2, "--rotate 20 --blur 0.4 --noise 3 --seed 22"},
        {"640x480", 2, "--rotate -10 --noise 5 --seed 23"},
        {"1280x720", 2, "--rotate 12 --noise 3 --seed 24"},
        {"1280x720", 5, "--rotate 25 --blur 1.2 --noise 3 --seed 25"},
        {"1280x720", 5, "--rotate -35 --blur 1.3 --noise 4 --seed 26"},
    };
    const size_t n_cases = sizeof cases / sizeof cases[0];
    const char *payload = "SMALLMODULESBADGE234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJ";
    struct qr_batch b;
    CHECK(qr_batch_begin(&b));
    for (size_t i = 0; i < n_cases; i++) {
        qr_batch_add(&b, cases[i].size, 0, "-", cases[i].opts); /* the empty scene */
        qr_batch_add(&b, cases[i].size, cases[i].module, payload, cases[i].opts);
    }
    qr_batch_add(&b, "640x480", 0, "-", "--busy --noise 3 --seed 27");
    bool drawn = qr_batch_draw(&b);
    CHECK(drawn);
    for (size_t i = 0; drawn && i < n_cases; i++) {
        struct reader_pipeline *p = reader_pipeline_create();
        struct image empty, badge;
        CHECK(qr_batch_load(&b, 2 * (int)i, &empty));
        CHECK(qr_batch_load(&b, 2 * (int)i + 1, &badge));
        reader_pipeline_set_reference(p, &empty);
        struct decoded out[READER_MAX_CODES];
        size_t n = reader_pipeline_process(p, &badge, out, READER_MAX_CODES, NULL);
        CHECK_MSG(n == 1 && is(&out[0], payload), "%s, %d px, %s: %zu read", cases[i].size,
                  cases[i].module, cases[i].opts, n);
        if (n == 1) {
            int dx = out[0].x - badge.width / 2, dy = out[0].y - badge.height / 2;
            CHECK_MSG(abs(dx) < 20 && abs(dy) < 20, "read at %d,%d", out[0].x, out[0].y);
        }
        image_finish(&empty);
        image_finish(&badge);
        reader_pipeline_destroy(p);
    }
    if (drawn) {
        struct reader_pipeline *p = reader_pipeline_create();
        struct image busy;
        CHECK(qr_batch_load(&b, 2 * (int)n_cases, &busy));
        struct decoded out[READER_MAX_CODES];
        enum reader_action action;
        CHECK(reader_pipeline_process(p, &busy, out, READER_MAX_CODES, &action) == 0);
        CHECK(action == READER_NO_CODE);
        image_finish(&busy);
        reader_pipeline_destroy(p);
    }
    qr_batch_end(&b);
}

int main(void)
{
    test_small_modules();
    test_thread_sequence();
    test_newest_wins();
    test_still_code();
    test_hd();
    return check_done();
}
