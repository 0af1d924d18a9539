/* SPDX-License-Identifier: Apache-2.0 */
/* The camera backends' private side (camera.c, camera_dir.c, camera_synth.c, camera_v4l2.c):
 * callers see struct camera as an opaque handle (camera.h). To add a camera type, write a
 * camera_<kind>.c with a struct camera_impl and a create function declared here, and teach
 * camera.c's spec parser its prefix. */
#ifndef PORTIER_CAMERA_IMPL_H
#define PORTIER_CAMERA_IMPL_H

#include "camera.h"

/* Backends (camera_dir.c, camera_synth.c, camera_v4l2.c): a table of functions and a
 * struct camera embedded first in each backend's own struct. */
struct camera_impl {
    const char *name;
    /* Fills frame and *mono_ns with the newest frame; false when none (status set). */
    bool (*grab)(struct camera *cam, struct image *frame, int64_t *mono_ns);
    /* Frees the backend's struct (the one embedding the struct camera). */
    void (*destroy)(struct camera *cam);
};

struct camera {
    const struct camera_impl *impl;
    enum camera_status status;
    char status_text[CAMERA_STATUS_TEXT];
    int fd;
    const char *payload;
    uint64_t frames;
};

/* Sets the status and its text (printf format) of a camera. */
void camera_set_status(struct camera *cam, enum camera_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Makes sure frame is a width x height image; false when a side is out of range. */
bool camera_frame_reserve(struct image *frame, int width, int height);

struct camera *camera_dir_create(const char *path, const struct camera_options *opts);
struct camera *camera_synth_create(const struct camera_options *opts);
struct camera *camera_v4l2_create(const char *device, const struct camera_options *opts);

#endif
