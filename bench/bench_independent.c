/* SPDX-License-Identifier: Apache-2.0 */
/* Portier's decode pipeline and plain zbar on the independent test set of issue 13
 * (bench/frames/gen_frames.py: frames drawn by other encoders, degraded as a door camera does).
 * Driven by bench/decode_independent.sh, which adds ZXing-C++ and prints the tables.
 *
 *   bench_independent decode MANIFEST [--continuous]
 *       one CSV line per frame: file,portier_single,portier_seq,zbar, each ok|miss|wrong|none
 *       (ok: the expected payload was read; miss: a code was expected, nothing read; wrong: a
 *       payload other than the expected one, or one where no code is; none: no code, none read)
 *       portier_single: a fresh pipeline whose reference is the sequence's empty scene (a
 *       person just stepped up), this frame alone. portier_seq: one fresh pipeline per
 *       sequence fed its frames in order (a badge held in view), this frame's result;
 *       --continuous: one pipeline for all frames (the door minute).
 *   bench_independent cost MANIFEST idle|busy|badge|all portier|zbar [EVERY]
 *       runs the frames of that kind (every EVERY-th sequence, default 1; all: the whole
 *       manifest through one pipeline, and for zbar, which keeps no state, every EVERY-th
 *       frame) through the function `measured`, for valgrind
 *       --tool=callgrind --toggle-collect=measured; prints the number of frames measured.
 *   bench_independent rss MANIFEST N
 *       N frames through one pipeline cycling through the set (the reference set to each
 *       sequence's scene when it starts); prints the RSS growth after the first pass.
 * Plain zbar: a zbar image scanner with QR only, default configuration, on the whole frame. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

#include "csv.h"
#include "decoder.h"
#include "file.h"
#include "image.h"
#include "log.h"
#include "reader.h"
#include "util.h"

struct frame_row {
    char *file, *cls, *expected, *scene; /* paths joined with the manifest's directory */
    int module_px;
    long seq, index;
};

struct manifest {
    struct frame_row *rows;
    size_t n;
};

enum pipeline { PORTIER, ZBAR };

/* Returns the value of a manifest field, exiting with file:line when it is missing. */
static const char *field(const char *path, const struct csv_record *r, int col, const char *name)
{
    if (col < 0 || (size_t)col >= r->n_fields) {
        fprintf(stderr,
                "bench_independent: %s:%zu: no '%s' field (regenerate the set with "
                "bench/frames/gen_frames.py)\n",
                path, r->line, name);
        exit(1);
    }
    return r->fields[col];
}

/* Loads a gen_frames.py manifest; exits with file:line on bad input. */
static void manifest_load(const char *path, struct manifest *m)
{
    size_t len;
    char *data = file_read_all(path, &len);
    if (data == NULL)
        exit(1);
    struct csv_error err;
    struct csv *csv = csv_parse(data, len, &err);
    free(data);
    if (csv == NULL || csv->n_records < 2) {
        fprintf(stderr, "bench_independent: %s:%zu: %s\n", path, csv ? (size_t)1 : err.line,
                csv ? "no frames in the manifest" : err.message);
        exit(1);
    }
    static const char *names[] = {"file", "module_px", "class", "expected",
                                  "seq",  "index",     "scene"};
    int col[7];
    for (int i = 0; i < 7; i++)
        col[i] = csv_header_index(&csv->records[0], names[i]);
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL)
        *slash = '\0';
    else
        strcpy(dir, ".");
    m->n = csv->n_records - 1;
    m->rows = xcalloc(m->n, sizeof *m->rows);
    for (size_t i = 0; i < m->n; i++) {
        const struct csv_record *r = &csv->records[i + 1];
        struct frame_row *f = &m->rows[i];
        f->file = path_join(dir, field(path, r, col[0], names[0]));
        f->module_px = atoi(field(path, r, col[1], names[1]));
        f->cls = xstrdup(field(path, r, col[2], names[2]));
        f->expected = xstrdup(field(path, r, col[3], names[3]));
        f->seq = atol(field(path, r, col[4], names[4]));
        f->index = atol(field(path, r, col[5], names[5]));
        f->scene = path_join(dir, field(path, r, col[6], names[6]));
    }
    free(dir);
    csv_destroy(csv);
}

static void manifest_free(struct manifest *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->rows[i].file);
        free(m->rows[i].cls);
        free(m->rows[i].expected);
        free(m->rows[i].scene);
    }
    free(m->rows);
}

/* Loads a frame, exiting when it cannot be read (image_load said why). */
static void load(const char *path, struct image *img)
{
    image_finish(img);
    if (!image_load(path, img))
        exit(1);
    if (img->stride != img->width) { /* zbar's Y800 rows are width bytes apart */
        fprintf(stderr, "bench_independent: %s: rows not packed\n", path);
        exit(1);
    }
}

/* Plain zbar: QR only, zbar's defaults otherwise. */
static zbar_image_scanner_t *zbar_plain(void)
{
    zbar_image_scanner_t *sc = zbar_image_scanner_create();
    if (sc == NULL) {
        fprintf(stderr, "bench_independent: cannot create a zbar image scanner\n");
        exit(1);
    }
    zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    return sc;
}

struct state {
    zbar_image_scanner_t *zbar;
    struct reader_pipeline *pipe;
    struct decoded out[READER_MAX_CODES];
};

/* The measured work for callgrind's --toggle-collect: one frame through one decoder. Stores up
 * to READER_MAX_CODES results in st->out (zbar's: data and length only). */
__attribute__((noinline)) size_t measured(struct state *st, enum pipeline pl,
                                          const struct image *frame);
__attribute__((noinline)) size_t measured(struct state *st, enum pipeline pl,
                                          const struct image *frame)
{
    if (pl == PORTIER)
        return reader_pipeline_process(st->pipe, frame, st->out, READER_MAX_CODES, NULL);
    zbar_image_t *zi = zbar_image_create();
    zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(zi, (unsigned)frame->width, (unsigned)frame->height);
    zbar_image_set_data(zi, frame->pixels, (unsigned long)frame->stride * frame->height, NULL);
    size_t n = 0;
    if (zbar_scan_image(st->zbar, zi) > 0) {
        for (const zbar_symbol_t *s = zbar_image_first_symbol(zi); s && n < READER_MAX_CODES;
             s = zbar_symbol_next(s), n++) {
            size_t len = zbar_symbol_get_data_length(s);
            if (len > DECODER_MAX_PAYLOAD)
                len = DECODER_MAX_PAYLOAD;
            memcpy(st->out[n].data, zbar_symbol_get_data(s), len);
            st->out[n].len = len;
        }
    }
    zbar_image_destroy(zi);
    return n;
}

/* ok|miss|wrong|none for n results in st->out against the expected payload ("" for none).
 * A wrong payload is also reported on stderr, with the frame. */
static const char *verdict(const struct state *st, size_t n, const struct frame_row *f,
                           const char *who)
{
    bool ok = false, wrong = false;
    size_t elen = strlen(f->expected);
    for (size_t i = 0; i < n; i++) {
        if (elen > 0 && st->out[i].len == elen && memcmp(st->out[i].data, f->expected, elen) == 0)
            ok = true;
        else {
            wrong = true;
            fprintf(stderr, "bench_independent: %s: %s read a wrong payload (%zu bytes: %.40s)\n",
                    f->file, who, st->out[i].len, (const char *)st->out[i].data);
        }
    }
    if (wrong)
        return "wrong";
    if (ok)
        return "ok";
    return elen > 0 ? "miss" : "none";
}

/* A fresh pipeline whose reference is scene. */
static struct reader_pipeline *fresh_pipeline(struct reader_pipeline *old,
                                              const struct image *scene)
{
    reader_pipeline_destroy(old);
    struct reader_pipeline *p = reader_pipeline_create();
    if (p == NULL)
        exit(1);
    reader_pipeline_set_reference(p, scene);
    return p;
}

/* True when row i starts a new sequence (its scene is then the reference to set). */
static bool seq_starts(const struct manifest *m, size_t i)
{
    return i == 0 || m->rows[i].seq != m->rows[i - 1].seq ||
           strcmp(m->rows[i].scene, m->rows[i - 1].scene) != 0;
}

/* continuous: one pipeline for the whole manifest (the door minute) instead of one per
 * sequence. */
static int run_decode(const struct manifest *m, bool continuous)
{
    struct state single = {.zbar = zbar_plain()}, seq = {0};
    struct image frame = {0}, scene = {0};
    printf("file,portier_single,portier_seq,zbar\n");
    for (size_t i = 0; i < m->n; i++) {
        const struct frame_row *f = &m->rows[i];
        load(f->file, &frame);
        if (i == 0 || strcmp(f->scene, m->rows[i - 1].scene) != 0)
            load(f->scene, &scene);
        if (continuous ? i == 0 : seq_starts(m, i))
            seq.pipe = fresh_pipeline(seq.pipe, &scene);
        single.pipe = fresh_pipeline(single.pipe, &scene);
        const char *ps = verdict(&single, measured(&single, PORTIER, &frame), f, "portier");
        const char *pq = verdict(&seq, measured(&seq, PORTIER, &frame), f, "portier(seq)");
        const char *zb = verdict(&single, measured(&single, ZBAR, &frame), f, "zbar");
        const char *base = strrchr(f->file, '/');
        printf("%s,%s,%s,%s\n", base ? base + 1 : f->file, ps, pq, zb);
    }
    reader_pipeline_destroy(single.pipe);
    reader_pipeline_destroy(seq.pipe);
    zbar_image_scanner_destroy(single.zbar);
    image_finish(&frame);
    image_finish(&scene);
    return 0;
}

/* Whether a row is of the kind measured by `cost`. */
static bool kind_matches(const char *kind, const struct frame_row *f)
{
    if (strcmp(kind, "all") == 0)
        return true;
    if (strcmp(kind, "badge") == 0)
        return f->expected[0] != '\0';
    return strcmp(kind, f->cls) == 0;
}

static int run_cost(const struct manifest *m, const char *kind, enum pipeline pl, int every)
{
    struct state st = {.zbar = zbar_plain()};
    struct image frame = {0}, scene = {0};
    long measured_frames = 0, found = 0, seqs = -1, nth = -1;
    bool continuous = strcmp(kind, "all") == 0; /* the door minute: one pipeline throughout */
    for (size_t i = 0; i < m->n; i++) {
        const struct frame_row *f = &m->rows[i];
        if (!kind_matches(kind, f))
            continue;
        nth++;
        bool starts = seq_starts(m, i);
        if (starts)
            seqs++;
        if (continuous ? pl == ZBAR && nth % every != 0 : seqs % every != 0)
            continue;
        load(f->file, &frame);
        if (pl == PORTIER && (st.pipe == NULL || (starts && !continuous))) {
            load(f->scene, &scene);
            st.pipe = fresh_pipeline(st.pipe, &scene);
        }
        found += measured(&st, pl, &frame) > 0;
        measured_frames++;
    }
    printf("%ld frames measured, %ld with a code read\n", measured_frames, found);
    reader_pipeline_destroy(st.pipe);
    zbar_image_scanner_destroy(st.zbar);
    image_finish(&frame);
    image_finish(&scene);
    return measured_frames > 0 ? 0 : 1;
}

/* Resident set size in kB, from /proc/self/status. */
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kb;
}

static int run_rss(const struct manifest *m, long total)
{
    struct image *frames = xcalloc(m->n, sizeof *frames), *scenes = xcalloc(m->n, sizeof *scenes);
    for (size_t i = 0; i < m->n; i++) { /* loaded first: only the pipeline runs below */
        load(m->rows[i].file, &frames[i]);
        if (seq_starts(m, i))
            load(m->rows[i].scene, &scenes[i]);
    }
    struct state st = {.pipe = reader_pipeline_create()};
    if (st.pipe == NULL)
        exit(1);
    long before = 0, found = 0;
    const struct image *scene = NULL;
    for (long k = 0; k < total; k++) {
        size_t i = (size_t)k % m->n;
        if (i == 0 && k > 0 && before == 0)
            before = rss_kb(); /* after one pass: the pipeline's buffers have their size */
        if (seq_starts(m, i)) {
            scene = &scenes[i];
            reader_pipeline_set_reference(st.pipe, scene);
        }
        found += measured(&st, PORTIER, &frames[i]) > 0;
    }
    long after = rss_kb();
    printf("RSS: %ld kB after one pass of %zu frames, %ld kB after %ld frames (%ld with a code "
           "read): growth %ld kB\n",
           before, m->n, after, total, found, after - before);
    reader_pipeline_destroy(st.pipe);
    for (size_t i = 0; i < m->n; i++) {
        image_finish(&frames[i]);
        image_finish(&scenes[i]);
    }
    free(frames);
    free(scenes);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_independent decode MANIFEST [--continuous]\n"
                    "       bench_independent cost MANIFEST idle|busy|badge|all portier|zbar "
                    "[EVERY]\n"
                    "       bench_independent rss MANIFEST N\n");
    return 2;
}

int main(int argc, char **argv)
{
    log_init("bench_independent");
    if (argc < 3)
        return usage();
    const char *mode = argv[1];
    struct manifest m;
    int rc;
    if (strcmp(mode, "decode") == 0 &&
        (argc == 3 || (argc == 4 && !strcmp(argv[3], "--continuous")))) {
        manifest_load(argv[2], &m);
        rc = run_decode(&m, argc == 4);
    } else if (strcmp(mode, "cost") == 0 && (argc == 5 || argc == 6)) {
        int every = argc == 6 ? atoi(argv[5]) : 1;
        bool portier = strcmp(argv[4], "portier") == 0;
        if (every < 1 || (!portier && strcmp(argv[4], "zbar") != 0))
            return usage();
        manifest_load(argv[2], &m);
        rc = run_cost(&m, argv[3], portier ? PORTIER : ZBAR, every);
    } else if (strcmp(mode, "rss") == 0 && argc == 4 && atol(argv[3]) > 0) {
        manifest_load(argv[2], &m);
        rc = run_rss(&m, atol(argv[3]));
    } else
        return usage();
    manifest_free(&m);
    return rc;
}
