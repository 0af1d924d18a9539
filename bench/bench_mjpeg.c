/* SPDX-License-Identifier: Apache-2.0 */
/* MJPEG camera frames to decoded luma (mjpeg.h, what the v4l2: camera does for every frame of
 * an MJPEG webcam): time per frame, median and p99, at the scale policy (half size from 1920
 * wide) and, for comparison, at the other scale (half size at 720p, full size at 1080p).
 *
 *   bench/mjpeg.sh [COUNT]          draws the frames (bench/make_mjpeg_frames.py: numpy, segno,
 *                                   Pillow; no Portier code) and runs this on them
 *   bench_mjpeg DIR... [--rounds N] each DIR a folder of *.jpg of one size
 *
 * Every frame of a folder is decoded N times (default 5), interleaved (frame 1..n, then again),
 * so the figures cover the whole set rather than one frame hot in the cache; the first round is
 * a warm-up and is not counted. Target (issue 13): 1280x720 at or under 3 ms median. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "file.h"
#include "image.h"
#include "mjpeg.h"
#include "sysclock.h"
#include "util.h"

#define TARGET_720P_MS 3.0

struct jpeg_file {
    char *data;
    size_t len;
};

/* CPU time of this thread, ns: what a frame costs, whatever else the machine runs. */
static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Loads the *.jpg files of dir, in name order; returns how many. */
static size_t load_dir(const char *dir, struct jpeg_file **out)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "bench_mjpeg: %s: cannot open the folder\n", dir);
        return 0;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len > 4 && strcmp(de->d_name + len - 4, ".jpg") == 0) {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = path_join(dir, de->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    *out = xcalloc(n ? n : 1, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        (*out)[i].data = file_read_all(names[i], &(*out)[i].len);
        if ((*out)[i].data == NULL) {
            fprintf(stderr, "bench_mjpeg: %s: cannot read\n", names[i]);
            exit(1);
        }
        free(names[i]);
    }
    free(names);
    return n;
}

/* The width of a JPEG frame (0 when it does not decode). */
static int full_width(const struct jpeg_file *f)
{
    struct mjpeg *m = mjpeg_create();
    struct image probe = {0};
    int width = mjpeg_decode_luma(m, (const uint8_t *)f->data, f->len, 1, &probe) ? probe.width : 0;
    image_finish(&probe);
    mjpeg_destroy(m);
    return width;
}

/* Sorts ms[0..k) and prints its median, p99 and max under label. */
static double print_figures(const char *label, double *ms, size_t k)
{
    qsort(ms, k, sizeof *ms, cmp_double);
    printf("  %-5s median %6.2f ms  p99 %6.2f ms  max %6.2f ms\n", label, ms[k / 2],
           ms[(k * 99) / 100], ms[k - 1]);
    return ms[k / 2];
}

/* Decodes every frame rounds times at 1/scale (0 = the policy); prints median and p99 of the
 * thread's CPU time (what a frame costs) and of the wall-clock time (what it took, other
 * processes included). Returns the CPU median, ms. */
static double run(const char *dir, const struct jpeg_file *files, size_t n, int rounds, int scale)
{
    struct mjpeg *m = mjpeg_create();
    struct image frame = {0};
    double *cpu = xcalloc(n * (size_t)rounds, sizeof *cpu);
    double *wall = xcalloc(n * (size_t)rounds, sizeof *wall);
    size_t k = 0, failed = 0;
    for (int r = 0; r <= rounds; r++) {
        for (size_t i = 0; i < n; i++) {
            int64_t t0 = time_mono_ns(), c0 = cpu_ns();
            bool ok =
                mjpeg_decode_luma(m, (const uint8_t *)files[i].data, files[i].len, scale, &frame);
            int64_t c1 = cpu_ns(), t1 = time_mono_ns();
            failed += !ok;
            if (r > 0) { /* round 0 warms up */
                cpu[k] = (double)(c1 - c0) / 1e6;
                wall[k++] = (double)(t1 - t0) / 1e6;
            }
        }
    }
    printf("%s at %s -> %dx%d, %zu decodes%s\n", dir,
           scale == 0   ? "the policy's scale"
           : scale == 1 ? "full size"
                        : "half size",
           frame.width, frame.height, k, failed ? " (SOME FRAMES FAILED)" : "");
    double median = print_figures("cpu", cpu, k);
    print_figures("wall", wall, k);
    free(cpu);
    free(wall);
    image_finish(&frame);
    mjpeg_destroy(m);
    return median;
}

int main(int argc, char **argv)
{
    int rounds = 5;
    int status = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--rounds") == 0 && a + 1 < argc) {
            rounds = atoi(argv[++a]);
            continue;
        }
        struct jpeg_file *files;
        size_t n = load_dir(argv[a], &files);
        if (n == 0 || rounds < 1) {
            fprintf(stderr, "bench_mjpeg: %s: no *.jpg frames (or --rounds < 1)\n", argv[a]);
            return 1;
        }
        size_t bytes = 0;
        for (size_t i = 0; i < n; i++)
            bytes += files[i].len;
        printf("%s: %zu frames, %.0f KB on average\n", argv[a], n, (double)bytes / n / 1024);
        double median = run(argv[a], files, n, rounds, 0);
        /* For comparison, the other choice the policy could have made. */
        run(argv[a], files, n, rounds, mjpeg_policy_scale(full_width(&files[0])) == 1 ? 2 : 1);
        if (strstr(argv[a], "1280x720") != NULL) {
            printf("target: 1280x720 median (cpu) <= %.1f ms: %s\n", TARGET_720P_MS,
                   median <= TARGET_720P_MS ? "met" : "MISSED");
            status = median <= TARGET_720P_MS ? status : 2;
        }
        for (size_t i = 0; i < n; i++)
            free(files[i].data);
        free(files);
    }
    return status;
}
