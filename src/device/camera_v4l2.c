/* SPDX-License-Identifier: Apache-2.0 */
/* The v4l2: camera: a USB/UVC camera (or a Raspberry Pi CSI camera under libcamerify) through
 * the V4L2 ioctls directly, mmap streaming. The decoder wants luma only, so every format is
 * reduced to its grey (Y) frame here.
 *
 * Formats, in order of preference (VIDIOC_ENUM_FMT says which the device offers):
 *   1. GREY                      the frame itself
 *   2. NV12, NV21, YU12, YV12    planar YUV 4:2:0 (libcamera's usual output): the Y plane
 *   3. YUYV, UYVY                packed YUV 4:2:2: every other byte
 *   4. MJPG, JPEG                compressed (most USB webcams at 720p/1080p, 30 fps): only the
 *                                luma is decoded (libturbojpeg, TJPF_GRAY skips the chroma)
 * Uncompressed comes first: it costs nothing to convert and a corrupt frame cannot hide in it.
 * The requested size wins over that order: each offered format is tried with S_FMT, and the
 * first that gives exactly the requested size is taken; when none does, the one whose size is
 * nearest (in pixels) is. So a webcam that offers YUYV only up to 640x480 but MJPEG at
 * 1280x720 streams MJPEG when asked for @1280x720. At the same size, a format too slow there
 * (VIDIOC_ENUM_FRAMEINTERVALS: under the spec's fps=, or CAMERA_MIN_FPS, 15, without one)
 * ranks after those fast enough: a USB 2 webcam offers 720p YUYV at 5-10 fps only (the bus
 * cannot carry more) and 720p MJPEG at 30, and a badge is read sooner at 30. Rows are bytesperline
 * apart (drivers pad them); a buffer whose bytesused is short of the frame is skipped.
 *
 * MJPEG: only the luma is decoded, at half size from 1920 pixels wide (mjpeg.h has the policy
 * and its reasons). A frame that does not decode (truncated by a USB glitch, garbage) is
 * skipped; one warning per CAMERA_CORRUPT_WARN_S seconds says how many were.
 *
 * Latency: the driver queue holds only 2 buffers and every grab drains it (DQBUF until EAGAIN,
 * re-queueing all but the last), so the frame handed out is always the newest one and a slow
 * consumer never watches the past.
 *
 * Unplugging: any error that is not EAGAIN closes the device; the status says so and the next
 * grab after CAMERA_RETRY_MS tries to open it again. A camera absent at start is the same case.
 *
 * Raspberry Pi CSI cameras (camera modules on the ribbon cable) are driven by libcamera, not by
 * a plain V4L2 capture node. libcamera ships a V4L2 compatibility layer, an LD_PRELOAD library
 * that presents each libcamera camera as /dev/videoN and translates these very ioctls (S_FMT,
 * REQBUFS/mmap, QBUF/DQBUF, STREAMON). Run the kiosk under its wrapper:
 *     libcamerify portier kiosk ... --camera v4l2:/dev/video0@1280x720
 * (libcamerify sets LD_PRELOAD=v4l2-compat.so). The layer offers YUV420/NV12 (and YUYV), all
 * handled here. tests/device/fake_v4l2.c is an LD_PRELOAD double of the same kind that the
 * tests run this file against. */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "camera_impl.h"
#include "log.h"
#include "mjpeg.h"
#include "timeutil.h"
#include "util.h"
#include "sysclock.h"

#define V4L2_BUFFERS          2
#define V4L2_MAX_FORMATS      64 /* ENUM_FMT entries looked at */
#define CAMERA_CORRUPT_WARN_S 60
#define CAMERA_MIN_FPS        15 /* slower formats rank after faster ones (see the top) */

/* How the grey frame sits in a buffer of a pixel format. */
enum layout {
    LAYOUT_PLANE,  /* Y plane first, 1 byte per pixel, rows bytesperline apart */
    LAYOUT_PACKED, /* Y every other byte from luma_offset, rows bytesperline apart */
    LAYOUT_JPEG,   /* compressed */
};

struct pixfmt {
    uint32_t fourcc;
    const char *name;
    enum layout layout;
    int luma_offset; /* LAYOUT_PACKED: byte of the first Y */
};

/* In order of preference (see the top of the file). */
static const struct pixfmt pixfmts[] = {
    {V4L2_PIX_FMT_GREY, "GREY", LAYOUT_PLANE, 0},   {V4L2_PIX_FMT_NV12, "NV12", LAYOUT_PLANE, 0},
    {V4L2_PIX_FMT_YUV420, "YU12", LAYOUT_PLANE, 0}, {V4L2_PIX_FMT_NV21, "NV21", LAYOUT_PLANE, 0},
    {V4L2_PIX_FMT_YVU420, "YV12", LAYOUT_PLANE, 0}, {V4L2_PIX_FMT_YUYV, "YUYV", LAYOUT_PACKED, 0},
    {V4L2_PIX_FMT_UYVY, "UYVY", LAYOUT_PACKED, 1},  {V4L2_PIX_FMT_MJPEG, "MJPG", LAYOUT_JPEG, 0},
    {V4L2_PIX_FMT_JPEG, "JPEG", LAYOUT_JPEG, 0},
};
#define N_PIXFMTS (sizeof pixfmts / sizeof pixfmts[0])

struct v4l2_camera {
    struct camera base;
    char *device;
    int want_width, want_height;
    double want_fps;
    int fd;
    int width, height, bytesperline;
    const struct pixfmt *fmt;
    struct mjpeg *jpeg;
    void *buf_start[V4L2_BUFFERS];
    size_t buf_len[V4L2_BUFFERS];
    unsigned nbufs;
    bool streaming;
    int64_t retry_at_ns; /* when to try opening again */
    bool warned;         /* the current outage was logged */
    uint64_t corrupt;    /* frames skipped since the last warning */
    int64_t corrupt_warned_ns;
};

/* ioctl that retries on EINTR. */
static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;
    do {
        r = ioctl(fd, req, arg);
    } while (r == -1 && errno == EINTR);
    return r;
}

/* Stops streaming, unmaps the buffers and closes the device. */
static void device_close(struct v4l2_camera *vc)
{
    if (vc->fd < 0)
        return;
    if (vc->streaming) {
        enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        xioctl(vc->fd, VIDIOC_STREAMOFF, &type);
        vc->streaming = false;
    }
    for (unsigned i = 0; i < vc->nbufs; i++)
        if (vc->buf_start[i] != NULL && vc->buf_start[i] != MAP_FAILED)
            munmap(vc->buf_start[i], vc->buf_len[i]);
    memset(vc->buf_start, 0, sizeof vc->buf_start);
    vc->nbufs = 0;
    close(vc->fd);
    vc->fd = -1;
    vc->base.fd = -1;
}

/* Records an outage: closes the device, sets the status, schedules a retry, logs once. */
static void outage(struct v4l2_camera *vc, const char *what, int err)
{
    device_close(vc);
    camera_set_status(&vc->base, CAMERA_UNAVAILABLE, "camera %s: %s: %s; retrying", vc->device,
                      what, strerror(err));
    if (!vc->warned)
        log_warnx("%s", vc->base.status_text);
    vc->warned = true;
    vc->retry_at_ns = time_mono_ns() + (int64_t)CAMERA_RETRY_MS * 1000000;
}

/* Asks the driver for pixfmt at the wanted size; true when it accepted this pixel format (at
 * the size it stored in fmt, maybe another). */
static bool set_format(struct v4l2_camera *vc, uint32_t pixfmt, struct v4l2_format *fmt)
{
    memset(fmt, 0, sizeof *fmt);
    fmt->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fmt->fmt.pix.width = (uint32_t)(vc->want_width > 0 ? vc->want_width : 640);
    fmt->fmt.pix.height = (uint32_t)(vc->want_height > 0 ? vc->want_height : 480);
    fmt->fmt.pix.pixelformat = pixfmt;
    fmt->fmt.pix.field = V4L2_FIELD_NONE;
    return xioctl(vc->fd, VIDIOC_S_FMT, fmt) == 0 && fmt->fmt.pix.pixelformat == pixfmt &&
           fmt->fmt.pix.width > 0 && fmt->fmt.pix.height > 0 &&
           fmt->fmt.pix.width <= IMAGE_MAX_SIDE && fmt->fmt.pix.height <= IMAGE_MAX_SIDE;
}

/* Marks in offered[] the formats of pixfmts[] the device lists; false when it lists none of
 * them or cannot list (then every format is worth a try). */
static bool list_formats(int fd, bool offered[N_PIXFMTS])
{
    bool any = false;
    for (uint32_t i = 0; i < V4L2_MAX_FORMATS; i++) {
        struct v4l2_fmtdesc d = {.index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
        if (xioctl(fd, VIDIOC_ENUM_FMT, &d) != 0)
            break;
        for (size_t k = 0; k < N_PIXFMTS; k++) {
            if (pixfmts[k].fourcc == d.pixelformat) {
                offered[k] = true;
                any = true;
            }
        }
    }
    return any;
}

/* How far a w x h frame is from the wanted size, in pixels (0 = exactly it). */
static long size_distance(const struct v4l2_camera *vc, const struct v4l2_format *fmt)
{
    long want = (long)(vc->want_width > 0 ? vc->want_width : 640) *
                (vc->want_height > 0 ? vc->want_height : 480);
    long got = (long)fmt->fmt.pix.width * (long)fmt->fmt.pix.height;
    long d = got - want;
    return d < 0 ? -d : d;
}

/* The highest frame rate the device lists for the format and size in fmt
 * (VIDIOC_ENUM_FRAMEINTERVALS); 0 when it lists none. */
static double best_fps(int fd, const struct v4l2_format *fmt)
{
    double best = 0;
    for (uint32_t i = 0; i < V4L2_MAX_FORMATS; i++) {
        struct v4l2_frmivalenum fi = {.index = i,
                                      .pixel_format = fmt->fmt.pix.pixelformat,
                                      .width = fmt->fmt.pix.width,
                                      .height = fmt->fmt.pix.height};
        if (xioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) != 0)
            break;
        /* Discrete: one entry per rate. Stepwise/continuous: one entry, min = fastest. */
        struct v4l2_fract t = fi.type == V4L2_FRMIVAL_TYPE_DISCRETE ? fi.discrete : fi.stepwise.min;
        if (t.numerator > 0 && (double)t.denominator / t.numerator > best)
            best = (double)t.denominator / t.numerator;
        if (fi.type != V4L2_FRMIVAL_TYPE_DISCRETE)
            break;
    }
    return best;
}

/* Chooses and sets the pixel format (see the top of the file); false when the device offers
 * none that can be read. */
static bool negotiate_format(struct v4l2_camera *vc, struct v4l2_format *fmt)
{
    bool offered[N_PIXFMTS] = {false};
    if (!list_formats(vc->fd, offered))
        memset(offered, 1, sizeof offered);
    double min_fps = vc->want_fps > 0 ? vc->want_fps : CAMERA_MIN_FPS;
    const struct pixfmt *best = NULL;
    long best_distance = 0;
    bool best_slow = false;
    for (size_t k = 0; k < N_PIXFMTS; k++) {
        if (!offered[k] || !set_format(vc, pixfmts[k].fourcc, fmt))
            continue;
        long d = size_distance(vc, fmt);
        double fps = best_fps(vc->fd, fmt);
        bool slow = fps > 0 && fps < min_fps;
        if (best == NULL || d < best_distance || (d == best_distance && best_slow && !slow)) {
            best = &pixfmts[k];
            best_distance = d;
            best_slow = slow;
        }
        if (d == 0 && !slow)
            break;
    }
    if (best == NULL || !set_format(vc, best->fourcc, fmt))
        return false;
    vc->fmt = best;
    vc->width = (int)fmt->fmt.pix.width;
    vc->height = (int)fmt->fmt.pix.height;
    int bpp = best->layout == LAYOUT_PACKED ? 2 : 1;
    vc->bytesperline = (int)fmt->fmt.pix.bytesperline;
    if (vc->bytesperline < vc->width * bpp)
        vc->bytesperline = vc->width * bpp; /* 0 from drivers that leave it to us */
    return true;
}

/* Requests, maps and queues the buffers, then starts streaming; what names the step that
 * failed (errno set). */
static bool start_streaming(struct v4l2_camera *vc, const char **what)
{
    struct v4l2_requestbuffers req = {
        .count = V4L2_BUFFERS, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
    *what = "cannot allocate buffers";
    if (xioctl(vc->fd, VIDIOC_REQBUFS, &req) != 0)
        return false;
    if (req.count < 1) {
        errno = ENOMEM;
        return false;
    }
    vc->nbufs = req.count < V4L2_BUFFERS ? req.count : V4L2_BUFFERS;
    for (unsigned i = 0; i < vc->nbufs; i++) {
        struct v4l2_buffer b = {
            .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = i};
        if (xioctl(vc->fd, VIDIOC_QUERYBUF, &b) != 0)
            return false;
        vc->buf_len[i] = b.length;
        vc->buf_start[i] =
            mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, vc->fd, b.m.offset);
        if (vc->buf_start[i] == MAP_FAILED)
            return false;
        if (xioctl(vc->fd, VIDIOC_QBUF, &b) != 0)
            return false;
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    *what = "cannot start streaming";
    if (xioctl(vc->fd, VIDIOC_STREAMON, &type) != 0)
        return false;
    vc->streaming = true;
    return true;
}

/* Opens and starts the device; on failure records the outage and returns false. */
static bool device_open(struct v4l2_camera *vc)
{
    const char *what = "open";
    vc->fd = open(vc->device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (vc->fd < 0)
        goto fail;
    struct v4l2_capability cap;
    what = "not a V4L2 device";
    if (xioctl(vc->fd, VIDIOC_QUERYCAP, &cap) != 0)
        goto fail;
    uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
        errno = ENODEV;
        what = "not a streaming capture device";
        goto fail;
    }
    struct v4l2_format fmt;
    if (!negotiate_format(vc, &fmt)) {
        errno = EINVAL;
        what = "offers none of GREY, NV12, YU12, NV21, YV12, YUYV, UYVY, MJPG";
        goto fail;
    }
    if (vc->fmt->layout == LAYOUT_JPEG && vc->jpeg == NULL && (vc->jpeg = mjpeg_create()) == NULL) {
        errno = ENOMEM;
        what = "cannot start the JPEG decoder";
        goto fail;
    }
    if (vc->want_fps > 0) {
        struct v4l2_streamparm parm = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
        parm.parm.capture.timeperframe.numerator = 1000;
        parm.parm.capture.timeperframe.denominator = (uint32_t)(vc->want_fps * 1000);
        xioctl(vc->fd, VIDIOC_S_PARM, &parm); /* a request; drivers round or ignore it */
    }
    if (!start_streaming(vc, &what))
        goto fail;
    vc->base.fd = vc->fd;
    vc->warned = false;
    int scale = vc->fmt->layout == LAYOUT_JPEG ? mjpeg_policy_scale(vc->width) : 1;
    camera_set_status(&vc->base, CAMERA_OK, "camera %s: %dx%d %s%s", vc->device, vc->width,
                      vc->height, vc->fmt->name, scale > 1 ? ", luma decoded at half size" : "");
    log_info("%s", vc->base.status_text);
    return true;
fail:
    outage(vc, what, errno);
    return false;
}

/* Copies the grey frame of an uncompressed driver buffer into frame; false when the buffer is
 * short of a whole frame. */
static bool copy_luma(struct v4l2_camera *vc, const uint8_t *src, size_t used, struct image *frame)
{
    int bpp = vc->fmt->layout == LAYOUT_PACKED ? 2 : 1;
    if (used < (size_t)vc->bytesperline * (size_t)(vc->height - 1) + (size_t)vc->width * bpp)
        return false;
    if (!camera_frame_reserve(frame, vc->width, vc->height))
        return false;
    for (int y = 0; y < vc->height; y++) {
        const uint8_t *s = src + (size_t)y * vc->bytesperline;
        uint8_t *d = frame->pixels + (size_t)y * frame->stride;
        if (vc->fmt->layout == LAYOUT_PLANE) {
            memcpy(d, s, (size_t)vc->width);
        } else {
            s += vc->fmt->luma_offset;
            for (int x = 0; x < vc->width; x++)
                d[x] = s[2 * x];
        }
    }
    return true;
}

/* Counts a frame skipped as corrupt; warns at most once per CAMERA_CORRUPT_WARN_S. */
static void skip_corrupt(struct v4l2_camera *vc, const char *why)
{
    vc->corrupt++;
    int64_t now = time_mono_ns();
    if (vc->corrupt_warned_ns != 0 &&
        now - vc->corrupt_warned_ns < (int64_t)CAMERA_CORRUPT_WARN_S * 1000000000)
        return;
    log_warnx("camera %s: skipped %llu corrupt %s frame%s (last: %s)", vc->device,
              (unsigned long long)vc->corrupt, vc->fmt->name, vc->corrupt == 1 ? "" : "s", why);
    vc->corrupt = 0;
    vc->corrupt_warned_ns = now;
}

/* Turns a dequeued buffer into frame; false (after counting it) when it is corrupt. */
static bool convert_buffer(struct v4l2_camera *vc, const struct v4l2_buffer *b, struct image *frame)
{
    const char *why = "flagged as damaged by the driver";
    bool ok = false;
    if (!(b->flags & V4L2_BUF_FLAG_ERROR) && b->index < vc->nbufs) {
        size_t used = b->bytesused;
        why = "more bytes than its buffer";
        if (used <= vc->buf_len[b->index]) {
            if (vc->fmt->layout == LAYOUT_JPEG) {
                ok = mjpeg_decode_luma(vc->jpeg, vc->buf_start[b->index], used, 0, frame);
                if (!ok)
                    why = mjpeg_error(vc->jpeg);
            } else {
                why = "short of a whole frame";
                ok = copy_luma(vc, vc->buf_start[b->index], used, frame);
            }
        }
    }
    if (!ok)
        skip_corrupt(vc, why);
    return ok;
}

/* Grabs the newest frame the driver holds. */
static bool v4l2_grab(struct camera *cam, struct image *frame, int64_t *mono_ns)
{
    struct v4l2_camera *vc = (struct v4l2_camera *)cam;
    if (vc->fd < 0) {
        if (time_mono_ns() < vc->retry_at_ns || !device_open(vc))
            return false;
    }
    struct v4l2_buffer newest;
    bool have = false;
    for (;;) {
        struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
        if (xioctl(vc->fd, VIDIOC_DQBUF, &b) != 0) {
            if (errno == EAGAIN)
                break;
            outage(vc, "capture failed", errno);
            return false;
        }
        if (have && xioctl(vc->fd, VIDIOC_QBUF, &newest) != 0) {
            outage(vc, "capture failed", errno);
            return false;
        }
        newest = b;
        have = true;
    }
    if (!have)
        return false;
    bool ok = convert_buffer(vc, &newest, frame);
    if ((newest.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
        *mono_ns = (int64_t)newest.timestamp.tv_sec * 1000000000 +
                   (int64_t)newest.timestamp.tv_usec * 1000;
    else
        *mono_ns = time_mono_ns();
    if (xioctl(vc->fd, VIDIOC_QBUF, &newest) != 0) {
        outage(vc, "capture failed", errno);
        return false;
    }
    return ok;
}

/* Frees a v4l2: camera. */
static void v4l2_destroy(struct camera *cam)
{
    struct v4l2_camera *vc = (struct v4l2_camera *)cam;
    device_close(vc);
    mjpeg_destroy(vc->jpeg);
    free(vc->device);
    free(vc);
}

static const struct camera_impl v4l2_impl = {
    .name = "v4l2",
    .grab = v4l2_grab,
    .destroy = v4l2_destroy,
};

struct camera *camera_v4l2_create(const char *device, const struct camera_options *opts)
{
    struct v4l2_camera *vc = xcalloc(1, sizeof *vc);
    vc->base.impl = &v4l2_impl;
    vc->base.fd = -1;
    vc->fd = -1;
    vc->device = xstrdup(device);
    vc->want_width = opts->width;
    vc->want_height = opts->height;
    vc->want_fps = opts->fps;
    device_open(vc); /* a missing camera is a status, not an error */
    return &vc->base;
}
