/* SPDX-License-Identifier: Apache-2.0 */
/* The screen's frame time while the decode thread works: the scan screen with a live camera
 * preview (a new frame every pass), an answer every 1.5 s, paced at 60 frames per second, at
 * 800x480 (the Pi touchscreen) and 1920x1080.
 *
 *   bench_ui [--quick] [--frames N]
 *
 * Runs under SDL's offscreen driver unless SDL_VIDEODRIVER says otherwise (on a Pi: run it on
 * the console with SDL_VIDEODRIVER=kmsdrm for the real renderer). Prints, per size, the time of
 * ui_frame (draw + present) as wall time and as the main thread's CPU time (the figure that does
 * not depend on what else the machine runs): median, p99 and worst; and what the decoder did
 * meanwhile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camera.h"
#include "log.h"
#include "reader.h"
#include "timeutil.h"
#include "ui.h"
#include "util.h"
#include "sysclock.h"

#define N_FRAMES_SET 16
#define FRAME_NS     16666667LL

/* qsort order of doubles. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* CPU time of the calling thread, ns: what a frame costs whatever else the machine runs. */
static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleeps until the monotonic clock reaches mono_ns. */
static void sleep_until(int64_t mono_ns)
{
    int64_t d = mono_ns - time_mono_ns();
    if (d <= 0)
        return;
    struct timespec ts = {(time_t)(d / 1000000000), (long)(d % 1000000000)};
    nanosleep(&ts, NULL);
}

/* Runs n frames at w x h; returns false when the ui cannot be made. */
static bool run(int w, int h, int n, struct image *frames, const char *display)
{
    struct ui_options o = {UI_OFFSCREEN, w, h, 0, true, true, false};
    if (display != NULL && strcmp(display, "offscreen") != 0)
        o.display = UI_FULLSCREEN;
    struct ui *ui = ui_create(&o);
    if (ui == NULL)
        return false;
    struct reader *reader = reader_create(NULL);
    if (reader == NULL) {
        ui_destroy(ui);
        return false;
    }
    double *ms = xcalloc((size_t)n, sizeof *ms);
    double *cpu = xcalloc((size_t)n, sizeof *cpu);
    struct ui_room_tile tile = {"Aula", "Keynote", 0, 0, 50, 120, false, 0};
    struct ui_view v = {0};
    v.lang = LANG_NL;
    v.mode = MODE_ENTRY;
    v.event_name = "Portier Demo Day 2026";
    v.room_name = "Aula Magna";
    v.session_title = "Keynote: kiosks that never lose a scan";
    v.capacity = 120;
    v.sync = (struct ui_sync){UI_SYNC_ONLINE, 0, 3};
    v.tiles = &tile;
    v.n_tiles = 1;
    int64_t wall = time_now_ms();
    int64_t next = time_mono_ns();
    uint64_t codes = 0;
    for (int i = 0; i < n; i++) {
        reader_submit(reader, &frames[i % N_FRAMES_SET], time_mono_ns());
        struct reader_result res;
        while (reader_take(reader, &res))
            codes++;
        int64_t now_ms = time_mono_ns() / 1000000;
        if (i % 90 == 45) {
            struct answer a = {RESULT_ADMITTED,
                               REASON_OK,
                               false,
                               "Françoise Dieudonné",
                               true,
                               LANG_FR,
                               "Aula Magna",
                               NULL,
                               0,
                               0};
            if (i % 180 == 135)
                a = (struct answer){RESULT_DENIED,
                                    REASON_ROOM_FULL,
                                    false,
                                    "Jürgen Çelik",
                                    true,
                                    LANG_NL,
                                    NULL,
                                    "2.14",
                                    12,
                                    0};
            ui_show_answer(ui, &a, now_ms);
        }
        v.frame = &frames[i % N_FRAMES_SET];
        v.frame_serial = (uint64_t)i + 1;
        v.count = 40 + (i / 60) % 80;
        v.wall_ms = wall + (int64_t)i * 16;
        struct ui_input in;
        while (ui_poll(ui, now_ms, &in))
            ;
        int64_t t0 = time_mono_ns(), c0 = thread_cpu_ns();
        ui_frame(ui, &v, now_ms);
        ms[i] = (time_mono_ns() - t0) / 1e6;
        cpu[i] = (thread_cpu_ns() - c0) / 1e6;
        next += FRAME_NS;
        sleep_until(next);
    }
    reader_wait_idle(reader, 5000);
    struct reader_stats rs;
    reader_stats(reader, &rs);
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    qsort(cpu, (size_t)n, sizeof *cpu, cmp_double);
    int late = 0;
    for (int i = 0; i < n; i++)
        late += ms[i] > 16.7;
    printf("%4dx%-4d  %d frames\n"
           "  ui_frame wall ms: median %6.2f  p99 %6.2f  worst %6.2f  (%d over 16.7 ms)\n"
           "  ui_frame CPU ms:  median %6.2f  p99 %6.2f  worst %6.2f\n"
           "  decoder meanwhile: %llu frames decoded (avg %.1f ms, max %.1f ms), %llu codes\n",
           w, h, n, ms[n / 2], ms[(int)(n * 0.99)], ms[n - 1], late, cpu[n / 2],
           cpu[(int)(n * 0.99)], cpu[n - 1], (unsigned long long)rs.frames_decoded,
           rs.decode_ms_avg, rs.decode_ms_max, (unsigned long long)codes);
    free(ms);
    free(cpu);
    reader_destroy(reader);
    ui_destroy(ui);
    return true;
}

int main(int argc, char **argv)
{
    int n = 600;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            n = 120;
        else if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc)
            n = atoi(argv[++i]);
    }
    if (n < 10)
        n = 10;
    const char *display = getenv("SDL_VIDEODRIVER");
    if (display == NULL)
        setenv("SDL_VIDEODRIVER", "offscreen", 1);
    if (getenv("SDL_AUDIODRIVER") == NULL)
        setenv("SDL_AUDIODRIVER", "dummy", 1);
    time_set_zone("Europe/Brussels");

    /* Frames that keep the decoder busy: degraded badges, each different from the last. */
    struct image frames[N_FRAMES_SET] = {0};
    for (int i = 0; i < N_FRAMES_SET; i++) {
        struct camera_synth_params p;
        camera_synth_params_degraded((uint64_t)i + 1, &p);
        char payload[32];
        snprintf(payload, sizeof payload, "PORTIER-BENCH-%02d", i);
        if (!camera_synth_render(&frames[i], 1280, 720, 42, payload, &p, (uint64_t)i)) {
            fprintf(stderr, "bench_ui: cannot render a synthetic frame\n");
            return 1;
        }
    }
    printf("bench_ui: scan screen with a 1280x720 camera preview, decoding on its own thread, "
           "paced at 60 fps (video driver: %s)\n",
           getenv("SDL_VIDEODRIVER"));
    bool ok = run(800, 480, n, frames, display) && run(1920, 1080, n, frames, display);
    for (int i = 0; i < N_FRAMES_SET; i++)
        image_finish(&frames[i]);
    return ok ? 0 : 1;
}
