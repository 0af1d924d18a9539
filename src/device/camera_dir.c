/* SPDX-License-Identifier: Apache-2.0 */
/* The dir: camera: replays PNG/PGM files of a folder in name order (strcmp order of the file
 * names, so frame-0001.png style names sort as expected).
 *
 * Pacing: with fps = 0 every grab returns the next file, which makes tests deterministic.
 * With fps > 0 the files are a recording: the file due at the current time is returned, files
 * whose time passed while nobody grabbed are skipped (newest wins, like a real camera), and a
 * grab before the next file is due returns false.
 *
 * At the end the camera ends (CAMERA_ENDED) unless the loop option is set: a replay should
 * have a defined end so that a headless run over it terminates; the demo loops. */
#include <dirent.h>
#include <strings.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "camera_impl.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"
#include "sysclock.h"

struct dir_camera {
    struct camera base;
    char *path;
    char **names;
    size_t count;
    uint64_t next; /* index of the next frame to deliver (fps = 0), or the last delivered + 1 */
    double fps;
    bool loop;
    int64_t start_ns;
};

/* True when name ends in .png or .pgm (any case). */
static bool is_image_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 5 || name[0] == '.')
        return false;
    const char *ext = name + n - 4;
    return strcasecmp(ext, ".png") == 0 || strcasecmp(ext, ".pgm") == 0;
}

/* qsort comparator for file names. */
static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool camera_dir_list(const char *dir, char ***names_out, size_t *count_out)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        log_warn("camera dir:%s", dir);
        return false;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!is_image_name(de->d_name))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[count++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (count > 1)
        qsort(names, count, sizeof *names, compare_names);
    *names_out = names;
    *count_out = count;
    return true;
}

/* Loads frame index i (modulo the count) into frame. */
static bool load_frame(struct dir_camera *dc, uint64_t i, struct image *frame)
{
    const char *name = dc->names[i % dc->count];
    char *path = path_join(dc->path, name);
    struct image img = {0};
    bool ok = image_load(path, &img);
    free(path);
    if (!ok) {
        camera_set_status(&dc->base, CAMERA_OK, "camera dir:%s: cannot read %s; skipped", dc->path,
                          name);
        return false;
    }
    image_finish(frame);
    *frame = img;
    return true;
}

/* Grabs the next (or the currently due) file. */
static bool dir_grab(struct camera *cam, struct image *frame, int64_t *mono_ns)
{
    struct dir_camera *dc = (struct dir_camera *)cam;
    if (cam->status == CAMERA_ENDED)
        return false;
    uint64_t i;
    int64_t when;
    if (dc->fps > 0) {
        int64_t now = time_mono_ns();
        if (dc->start_ns == 0)
            dc->start_ns = now;
        i = (uint64_t)((double)(now - dc->start_ns) * dc->fps / 1e9);
        if (dc->next > 0 && i < dc->next)
            return false; /* the next file is not due yet */
        when = dc->start_ns + (int64_t)((double)i * 1e9 / dc->fps);
    } else {
        i = dc->next;
        when = time_mono_ns();
    }
    if (i >= dc->count && !dc->loop) {
        camera_set_status(cam, CAMERA_ENDED, "camera dir:%s: end of the %zu frames", dc->path,
                          dc->count);
        return false;
    }
    dc->next = i + 1;
    if (!load_frame(dc, i, frame))
        return false;
    camera_set_status(cam, CAMERA_OK, "camera dir:%s: frame %zu of %zu", dc->path,
                      (size_t)(i % dc->count) + 1, dc->count);
    *mono_ns = when;
    return true;
}

/* Frees a dir: camera. */
static void dir_destroy(struct camera *cam)
{
    struct dir_camera *dc = (struct dir_camera *)cam;
    for (size_t i = 0; i < dc->count; i++)
        free(dc->names[i]);
    free(dc->names);
    free(dc->path);
    free(dc);
}

static const struct camera_impl dir_impl = {
    .name = "dir",
    .grab = dir_grab,
    .destroy = dir_destroy,
};

struct camera *camera_dir_create(const char *path, const struct camera_options *opts)
{
    char **names;
    size_t count;
    if (!camera_dir_list(path, &names, &count))
        return NULL;
    if (count == 0) {
        log_warnx("camera dir:%s: no .png or .pgm files", path);
        free(names);
        return NULL;
    }
    struct dir_camera *dc = xcalloc(1, sizeof *dc);
    dc->base.impl = &dir_impl;
    dc->base.fd = -1;
    dc->path = xstrdup(path);
    dc->names = names;
    dc->count = count;
    dc->fps = opts->fps;
    dc->loop = opts->loop;
    camera_set_status(&dc->base, CAMERA_OK, "camera dir:%s: %zu frames", path, count);
    return &dc->base;
}
