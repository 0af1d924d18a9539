/* SPDX-License-Identifier: Apache-2.0 */
/* Camera: spec parsing, the backend table, and the "none" backend. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera_impl.h"
#include "log.h"
#include "util.h"

#define SPEC_USAGE "expected v4l2:DEVICE[@WxH], dir:PATH, synth or none"

enum spec_kind { SPEC_NONE, SPEC_SYNTH, SPEC_DIR, SPEC_V4L2 };

struct spec {
    enum spec_kind kind;
    char path[PATH_MAX];
    int width, height;
    bool fps_set, loop_set, seed_set;
    double fps;
    bool loop;
    uint64_t seed;
    unsigned idle_frames; /* synth: 0 = the default */
};

/* Parses one ",key[=value]" option of a spec; false when it is not one. */
static bool parse_option(const char *opt, size_t len, struct spec *sp)
{
    char buf[64];
    if (len >= sizeof buf)
        return false;
    memcpy(buf, opt, len);
    buf[len] = '\0';
    char *end;
    if (strcmp(buf, "loop") == 0) {
        sp->loop = sp->loop_set = true;
        return true;
    }
    if (strncmp(buf, "fps=", 4) == 0) {
        errno = 0;
        double fps = strtod(buf + 4, &end);
        if (errno != 0 || end == buf + 4 || *end != '\0' || !(fps > 0 && fps <= 1000))
            return false;
        sp->fps = fps;
        sp->fps_set = true;
        return true;
    }
    if (strncmp(buf, "idle=", 5) == 0 && sp->kind == SPEC_SYNTH) {
        errno = 0;
        unsigned long idle = strtoul(buf + 5, &end, 10);
        if (errno != 0 || end == buf + 5 || *end != '\0' || buf[5] == '-' || idle < 1 ||
            idle > CAMERA_SYNTH_IDLE_MAX)
            return false;
        sp->idle_frames = (unsigned)idle;
        return true;
    }
    if (strncmp(buf, "seed=", 5) == 0) {
        errno = 0;
        unsigned long long seed = strtoull(buf + 5, &end, 10);
        if (errno != 0 || end == buf + 5 || *end != '\0' || buf[5] == '-')
            return false;
        sp->seed = seed;
        sp->seed_set = true;
        return true;
    }
    return false;
}

/* Splits trailing ",option"s off s[0..*len). A path may itself hold commas, so only options
 * that parse are taken; anything else stays part of the path. */
static void strip_options(const char *s, size_t *len, struct spec *sp)
{
    for (;;) {
        const char *comma = NULL;
        for (size_t i = *len; i > 0; i--) {
            if (s[i - 1] == ',') {
                comma = s + i - 1;
                break;
            }
        }
        if (comma == NULL)
            return;
        size_t opt_len = (size_t)(s + *len - comma - 1);
        if (!parse_option(comma + 1, opt_len, sp))
            return;
        *len = (size_t)(comma - s);
    }
}

/* Parses "@WxH" at the end of s[0..*len) into sp; true when absent or valid. */
static bool strip_size(const char *s, size_t *len, struct spec *sp, char *why, size_t why_size)
{
    const char *at = NULL;
    for (size_t i = *len; i > 0; i--) {
        if (s[i - 1] == '@') {
            at = s + i - 1;
            break;
        }
        if (s[i - 1] == '/')
            break;
    }
    if (at == NULL)
        return true;
    int w, h, n = 0;
    char buf[32];
    size_t sz = (size_t)(s + *len - at - 1);
    if (sz >= sizeof buf)
        goto bad;
    memcpy(buf, at + 1, sz);
    buf[sz] = '\0';
    if (sscanf(buf, "%dx%d%n", &w, &h, &n) != 2 || (size_t)n != sz || w < 16 || h < 16 ||
        w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE)
        goto bad;
    sp->width = w;
    sp->height = h;
    *len = (size_t)(at - s);
    return true;
bad:
    snprintf(why, why_size, "bad frame size '%.*s' (expected @WIDTHxHEIGHT, e.g. @640x480)",
             (int)sz, at + 1);
    return false;
}

/* Parses a camera spec; on error writes the reason into why. */
static bool spec_parse(const char *spec, struct spec *sp, char *why, size_t why_size)
{
    memset(sp, 0, sizeof *sp);
    if (spec == NULL || *spec == '\0') {
        snprintf(why, why_size, "empty camera spec (" SPEC_USAGE ")");
        return false;
    }
    if (strcmp(spec, "none") == 0) {
        sp->kind = SPEC_NONE;
        return true;
    }
    const char *rest;
    size_t len;
    if (strcmp(spec, "synth") == 0 || strncmp(spec, "synth:", 6) == 0) {
        sp->kind = SPEC_SYNTH;
        rest = spec[5] == ':' ? spec + 6 : spec + 5;
        /* synth takes options only: "synth:seed=3,fps=10". */
        const char *p = rest;
        while (*p != '\0') {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            if (!parse_option(p, n, sp)) {
                snprintf(why, why_size,
                         "bad synth option '%.*s' (expected seed=N, fps=N, idle=N (1-%d), loop)",
                         (int)n, p, CAMERA_SYNTH_IDLE_MAX);
                return false;
            }
            p += n + (comma ? 1 : 0);
        }
        return true;
    }
    if (strncmp(spec, "dir:", 4) == 0) {
        sp->kind = SPEC_DIR;
        rest = spec + 4;
    } else if (strncmp(spec, "v4l2:", 5) == 0) {
        sp->kind = SPEC_V4L2;
        rest = spec + 5;
    } else {
        snprintf(why, why_size, "unknown camera '%s' (" SPEC_USAGE ")", spec);
        return false;
    }
    len = strlen(rest);
    strip_options(rest, &len, sp);
    if (sp->kind == SPEC_V4L2 && !strip_size(rest, &len, sp, why, why_size))
        return false;
    if (len == 0) {
        snprintf(why, why_size, "camera '%s': missing %s", spec,
                 sp->kind == SPEC_DIR ? "folder" : "device path");
        return false;
    }
    if (len >= sizeof sp->path) {
        snprintf(why, why_size, "camera '%.40s...': path too long", spec);
        return false;
    }
    memcpy(sp->path, rest, len);
    sp->path[len] = '\0';
    return true;
}

bool camera_spec_check(const char *spec, char *why, size_t why_size)
{
    struct spec sp;
    return spec_parse(spec, &sp, why, why_size);
}

bool camera_spec_is_replay(const char *spec)
{
    struct spec sp;
    char why[CAMERA_STATUS_TEXT + PATH_MAX];
    return spec_parse(spec, &sp, why, sizeof why) &&
           (sp.kind == SPEC_DIR || sp.kind == SPEC_SYNTH) && !sp.fps_set;
}

void camera_set_status(struct camera *cam, enum camera_status status, const char *fmt, ...)
{
    va_list ap;
    cam->status = status;
    va_start(ap, fmt);
    vsnprintf(cam->status_text, sizeof cam->status_text, fmt, ap);
    va_end(ap);
}

bool camera_frame_reserve(struct image *frame, int width, int height)
{
    if (frame->pixels != NULL && frame->width == width && frame->height == height)
        return true;
    image_finish(frame);
    return image_init(frame, width, height);
}

/* The "none" backend: never a frame. */
static bool none_grab(struct camera *cam, struct image *frame, int64_t *mono_ns)
{
    return false;
}

/* Frees a "none" camera. */
static void none_destroy(struct camera *cam)
{
    free(cam);
}

static const struct camera_impl none_impl = {
    .name = "none",
    .grab = none_grab,
    .destroy = none_destroy,
};

/* Creates the "none" camera. */
static struct camera *none_create(void)
{
    struct camera *cam = xcalloc(1, sizeof *cam);
    cam->impl = &none_impl;
    cam->fd = -1;
    camera_set_status(cam, CAMERA_NONE, "no camera");
    return cam;
}

struct camera *camera_open(const char *spec, const struct camera_options *opts)
{
    struct spec sp;
    char why[CAMERA_STATUS_TEXT + PATH_MAX];
    if (!spec_parse(spec, &sp, why, sizeof why)) {
        log_warnx("%s", why);
        return NULL;
    }
    struct camera_options o = {0};
    if (opts != NULL)
        o = *opts;
    if (sp.width > 0) {
        o.width = sp.width;
        o.height = sp.height;
    }
    if (sp.fps_set)
        o.fps = sp.fps;
    if (sp.loop_set)
        o.loop = sp.loop;
    if (sp.seed_set)
        o.seed = sp.seed;
    if (sp.idle_frames > 0)
        o.idle_frames = sp.idle_frames;
    switch (sp.kind) {
    case SPEC_NONE:
        return none_create();
    case SPEC_SYNTH:
        return camera_synth_create(&o);
    case SPEC_DIR:
        return camera_dir_create(sp.path, &o);
    case SPEC_V4L2:
        return camera_v4l2_create(sp.path, &o);
    }
    return NULL;
}

bool camera_grab(struct camera *cam, struct image *frame, int64_t *mono_ns)
{
    cam->payload = NULL;
    if (!cam->impl->grab(cam, frame, mono_ns))
        return false;
    cam->frames++;
    return true;
}

enum camera_status camera_status(const struct camera *cam)
{
    return cam->status;
}

const char *camera_status_text(const struct camera *cam)
{
    return cam->status_text;
}

int camera_fd(const struct camera *cam)
{
    return cam->fd;
}

const char *camera_frame_payload(const struct camera *cam)
{
    return cam->payload;
}

uint64_t camera_frame_count(const struct camera *cam)
{
    return cam->frames;
}

void camera_close(struct camera *cam)
{
    if (cam == NULL)
        return;
    cam->impl->destroy(cam);
}
