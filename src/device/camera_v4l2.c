/* SPDX-License-Identifier: Apache-2.0 */
/* The v4l2: camera: a USB/UVC camera through the V4L2 ioctls directly, mmap streaming.
 *
 * Format: GREY is asked for first (the decoder wants luma only); else YUYV, whose Y bytes are
 * taken. Cameras that only offer MJPEG/H.264 are refused with a clear status.
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
 * (libcamerify sets LD_PRELOAD=v4l2-compat.so). The layer offers YUYV among others, which is
 * handled here; GREY may not be offered, which is why YUYV is the fallback. */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "camera_impl.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"
#include "sysclock.h"

#define V4L2_BUFFERS 2

struct v4l2_camera {
    struct camera base;
    char *device;
    int want_width, want_height;
    double want_fps;
    int fd;
    int width, height, bytesperline;
    uint32_t pixfmt;
    void *buf_start[V4L2_BUFFERS];
    size_t buf_len[V4L2_BUFFERS];
    unsigned nbufs;
    bool streaming;
    int64_t retry_at_ns; /* when to try opening again */
    bool warned;         /* the current outage was logged */
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

/* Tries to set fmt; true when the driver accepted exactly this pixel format. */
static bool try_format(struct v4l2_camera *vc, uint32_t pixfmt, struct v4l2_format *fmt)
{
    memset(fmt, 0, sizeof *fmt);
    fmt->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fmt->fmt.pix.width = (uint32_t)(vc->want_width > 0 ? vc->want_width : 640);
    fmt->fmt.pix.height = (uint32_t)(vc->want_height > 0 ? vc->want_height : 480);
    fmt->fmt.pix.pixelformat = pixfmt;
    fmt->fmt.pix.field = V4L2_FIELD_NONE;
    return xioctl(vc->fd, VIDIOC_S_FMT, fmt) == 0 && fmt->fmt.pix.pixelformat == pixfmt;
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
    if (try_format(vc, V4L2_PIX_FMT_GREY, &fmt))
        vc->pixfmt = V4L2_PIX_FMT_GREY;
    else if (try_format(vc, V4L2_PIX_FMT_YUYV, &fmt))
        vc->pixfmt = V4L2_PIX_FMT_YUYV;
    else {
        errno = EINVAL;
        what = "offers neither GREY nor YUYV";
        goto fail;
    }
    vc->width = (int)fmt.fmt.pix.width;
    vc->height = (int)fmt.fmt.pix.height;
    vc->bytesperline = (int)fmt.fmt.pix.bytesperline;
    int bpp = vc->pixfmt == V4L2_PIX_FMT_YUYV ? 2 : 1;
    if (vc->bytesperline < vc->width * bpp)
        vc->bytesperline = vc->width * bpp;
    if (vc->want_fps > 0) {
        struct v4l2_streamparm parm = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
        parm.parm.capture.timeperframe.numerator = 1000;
        parm.parm.capture.timeperframe.denominator = (uint32_t)(vc->want_fps * 1000);
        xioctl(vc->fd, VIDIOC_S_PARM, &parm); /* a request; drivers round or ignore it */
    }
    struct v4l2_requestbuffers req = {
        .count = V4L2_BUFFERS, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
    what = "cannot allocate buffers";
    if (xioctl(vc->fd, VIDIOC_REQBUFS, &req) != 0)
        goto fail;
    if (req.count < 1) {
        errno = ENOMEM;
        goto fail;
    }
    vc->nbufs = req.count < V4L2_BUFFERS ? req.count : V4L2_BUFFERS;
    for (unsigned i = 0; i < vc->nbufs; i++) {
        struct v4l2_buffer b = {
            .type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = i};
        if (xioctl(vc->fd, VIDIOC_QUERYBUF, &b) != 0)
            goto fail;
        vc->buf_len[i] = b.length;
        vc->buf_start[i] =
            mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, vc->fd, b.m.offset);
        if (vc->buf_start[i] == MAP_FAILED)
            goto fail;
        if (xioctl(vc->fd, VIDIOC_QBUF, &b) != 0)
            goto fail;
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    what = "cannot start streaming";
    if (xioctl(vc->fd, VIDIOC_STREAMON, &type) != 0)
        goto fail;
    vc->streaming = true;
    vc->base.fd = vc->fd;
    vc->warned = false;
    camera_set_status(&vc->base, CAMERA_OK, "camera %s: %dx%d %s", vc->device, vc->width,
                      vc->height, vc->pixfmt == V4L2_PIX_FMT_GREY ? "GREY" : "YUYV");
    log_info("%s", vc->base.status_text);
    return true;
fail:
    outage(vc, what, errno);
    return false;
}

/* Copies the luma of a driver buffer into frame. */
static bool copy_luma(struct v4l2_camera *vc, const uint8_t *src, size_t used, struct image *frame)
{
    if (used < (size_t)vc->bytesperline * (size_t)(vc->height - 1) + (size_t)vc->width)
        return false; /* a short (corrupt) buffer */
    if (!camera_frame_reserve(frame, vc->width, vc->height))
        return false;
    for (int y = 0; y < vc->height; y++) {
        const uint8_t *s = src + (size_t)y * vc->bytesperline;
        uint8_t *d = frame->pixels + (size_t)y * frame->stride;
        if (vc->pixfmt == V4L2_PIX_FMT_GREY) {
            memcpy(d, s, (size_t)vc->width);
        } else {
            for (int x = 0; x < vc->width; x++)
                d[x] = s[2 * x];
        }
    }
    return true;
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
    bool ok = !(newest.flags & V4L2_BUF_FLAG_ERROR) && newest.index < vc->nbufs &&
              copy_luma(vc, vc->buf_start[newest.index], newest.bytesused, frame);
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
