/* SPDX-License-Identifier: Apache-2.0 */
/* Scan-to-decision latency of the headless kiosk: a camera frame showing a badge is handed to
 * the decode thread; the clock stops when the decision is committed to the scan log (and
 * printed). Also decide+commit alone. Prints median and p99.
 *
 * usage: bench_kiosk [SCANS] [DIR]   (DIR: where the event and the scan log live; default a
 * temporary directory under /tmp — put it on the kiosk's real storage to measure that) */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "camera.h"
#include "demo.h"
#include "event.h"
#include "kiosk.h"
#include "reader.h"
#include "roster.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "roster_db.h"
#include "sysclock.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp);
    printf("%-44s median %8.2f ms   p99 %8.2f ms   max %8.2f ms   (n=%zu)\n", what, v[n / 2],
           v[(n * 99) / 100], v[n - 1], n);
}

int main(int argc, char **argv)
{
    size_t scans = argc > 1 ? (size_t)atoi(argv[1]) : 300;
    char tmpl[] = "/tmp/portier-bench-kiosk-XXXXXX";
    const char *dir = argc > 2 ? argv[2] : mkdtemp(tmpl);
    if (dir == NULL || scans < 10)
        return 2;
    char *csv_dir = path_join(dir, "csv"), *event_dir = path_join(dir, "event"),
         *kiosk_dir = path_join(dir, "kiosk"), *db = path_join(dir, "scans.db");
    mkdir_p(csv_dir);
    struct demo_options opts;
    demo_options_init(&opts);
    opts.attendees = 200;
    char *rooms = path_join(csv_dir, "rooms.csv"), *sessions = path_join(csv_dir, "sessions.csv"),
         *attendees = path_join(csv_dir, "attendees.csv");
    uint32_t event_id;
    if (!demo_write_csvs(csv_dir, &opts) ||
        !roster_init_event(event_dir, "Bench", DEMO_TIMEZONE, rooms, sessions, attendees,
                           &event_id) ||
        !event_bundle(event_dir, kiosk_dir))
        return 1;
    uint8_t sk[TOKEN_SECRET_KEY_LEN];
    char *evdb = path_join(event_dir, EVENT_DB_NAME);
    struct event *ev = event_load(evdb);
    if (ev == NULL || !event_read_secret_key(event_dir, sk))
        return 1;

    /* Frames: one clean badge per attendee, 640x480, rendered before the clock starts. */
    size_t n_frames = ev->n_attendees < 100 ? ev->n_attendees : 100;
    struct image *frames = xcalloc(n_frames, sizeof *frames);
    char tok[TOKEN_TEXT_LEN + 1];
    for (size_t i = 0; i < n_frames; i++) {
        struct token t = {.event_id = ev->event_id,
                          .attendee_num = ev->attendees[i].num,
                          .serial = ev->attendees[i].serial};
        struct camera_synth_params p;
        camera_synth_params_clean(&p);
        if (!token_encode(&t, sk, tok) || !camera_synth_render(&frames[i], 640, 480, 1, tok, &p, i))
            return 1;
    }

    FILE *devnull = fopen("/dev/null", "w");
    struct kiosk_settings s = {.kiosk_dir = kiosk_dir,
                               .device_id = "bench-1",
                               .room_id = "entrance",
                               .mode = MODE_TOGGLE,
                               .db_path = db,
                               .camera = "none",
                               .scanner = "none",
                               .out = devnull};
    rules_config_default(&s.rules);
    s.rules.duplicate_ms = 0;
    struct kiosk *k = kiosk_create(&s);
    struct reader *r = reader_create(NULL);
    if (k == NULL || r == NULL)
        return 1;

    double *total = xcalloc(scans, sizeof *total), *commit = xcalloc(scans, sizeof *commit);
    struct image blank = {0};
    camera_synth_render(&blank, 640, 480, 1, NULL, NULL, 0);
    size_t done = 0;
    int64_t wall = time_now_ms();
    for (size_t i = 0; done < scans && i < scans * 3; i++) {
        /* An empty frame between badges, as at a real door: the change test sees the badge
         * arrive. */
        reader_submit(r, &blank, time_mono_ns());
        reader_wait_idle(r, 5000);
        struct reader_result res;
        while (reader_take(r, &res))
            ;
        int64_t t0 = time_mono_ns();
        reader_submit(r, &frames[i % n_frames], t0);
        struct pollfd pfd = {.fd = reader_fd(r), .events = POLLIN};
        bool got = false;
        while (!got && poll(&pfd, 1, 2000) > 0)
            got = reader_take(r, &res);
        if (!got)
            continue;
        int64_t t1 = time_mono_ns();
        if (!kiosk_handle_payload(k, res.code.data, res.code.len, wall + (int64_t)i * 5000, t0))
            return 1;
        int64_t t2 = time_mono_ns();
        total[done] = (double)(t2 - t0) / 1e6;
        commit[done] = (double)(t2 - t1) / 1e6;
        done++;
    }
    struct statfs fs;
    statfs(dir, &fs);
    printf("scan-to-decision latency, 640x480 frames, scan log in %s (fs magic 0x%lx)\n", dir,
           (unsigned long)fs.f_type);
    report("frame handed over -> decision committed", total, done);
    report("decide + commit + print (after decode)", commit, done);
    printf("decoded %zu of %zu badge frames; target: p99 <= 15 ms\n", done, scans);
    kiosk_destroy(k);
    reader_destroy(r);
    fclose(devnull);
    if (argc <= 2) {
        char *rm = xasprintf("rm -rf '%s'", dir);
        if (system(rm) != 0)
            fprintf(stderr, "bench_kiosk: could not remove %s\n", dir);
        free(rm);
    }
    return 0;
}
