/* SPDX-License-Identifier: Apache-2.0 */
/* The fake V4L2 camera (see fake_v4l2.h): wrappers of open/openat/close/ioctl/mmap/munmap/
 * poll/select/read/clock_gettime that serve /dev/video* from recorded frames and hand
 * everything else to the next definition (dlsym(RTLD_NEXT): libc, or the sanitizer's
 * interceptors).
 *
 * A device descriptor is a real eventfd, so that it is a valid, unique, pollable descriptor for
 * code that mixes it with others; its readiness is computed here. The driver's buffers are
 * anonymous mappings owned by the fake: mmap of a device descriptor returns them, munmap only
 * counts, and they are freed at REQBUFS(0), at close when unmapped, or at the last munmap after
 * close. One device descriptor at a time; used from one thread. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fake_v4l2.h"

#define FAKE_MAX_FORMATS 12
#define FAKE_MAX_FRAMES  32
#define FAKE_MAX_BUFFERS 4
#define FAKE_PAD_BYTE    0xEE

struct fake_frame {
    uint8_t *data;
    size_t len;
};

struct fake_format {
    uint32_t fourcc;
    int width, height;
    int fps; /* the one frame interval listed: 1/fps */
    struct fake_frame frames[FAKE_MAX_FRAMES];
    int n_frames;
};

struct fake_buffer {
    uint8_t *mem;
    size_t len;
    bool queued, done, mapped;
    uint32_t bytesused, sequence;
};

static struct {
    bool loaded;
    struct fake_format formats[FAKE_MAX_FORMATS];
    int n_formats;
    int pad;
    uint64_t unplug_after;
    bool unplugged;
    int64_t clock_skip_ns;
    /* the open descriptor */
    int fd;
    bool nonblock, streaming;
    int cur; /* index of the current format */
    struct fake_buffer bufs[FAKE_MAX_BUFFERS];
    int n_bufs;
    struct fake_buffer orphans[FAKE_MAX_BUFFERS]; /* still mapped after close */
    uint64_t frames, opens, next_frame;
} dev = {.fd = -1};

/* The next definition of a wrapped function. */
#define REAL(name, type) ((type)dlsym(RTLD_NEXT, name))

/* Bits per pixel-ish facts of a format: bytes per pixel of the first plane, and the size of a
 * whole frame as a multiple of the first plane (in halves: 2 = one plane, 3 = 4:2:0). */
static void format_geometry(uint32_t fourcc, int *bpp, int *halves)
{
    *bpp = 1;
    *halves = 2;
    if (fourcc == V4L2_PIX_FMT_YUYV || fourcc == V4L2_PIX_FMT_UYVY)
        *bpp = 2;
    else if (fourcc == V4L2_PIX_FMT_NV12 || fourcc == V4L2_PIX_FMT_NV21 ||
             fourcc == V4L2_PIX_FMT_YUV420 || fourcc == V4L2_PIX_FMT_YVU420)
        *halves = 3;
}

static bool is_jpeg(uint32_t fourcc)
{
    return fourcc == V4L2_PIX_FMT_MJPEG || fourcc == V4L2_PIX_FMT_JPEG;
}

static int bytesperline(const struct fake_format *f)
{
    int bpp, halves;
    format_geometry(f->fourcc, &bpp, &halves);
    return is_jpeg(f->fourcc) ? 0 : f->width * bpp + dev.pad;
}

static uint32_t sizeimage(const struct fake_format *f)
{
    if (is_jpeg(f->fourcc)) {
        size_t most = (size_t)f->width * (size_t)f->height;
        for (int i = 0; i < f->n_frames; i++)
            if (f->frames[i].len > most)
                most = f->frames[i].len;
        return (uint32_t)most;
    }
    int bpp, halves;
    format_geometry(f->fourcc, &bpp, &halves);
    return (uint32_t)((size_t)bytesperline(f) * (size_t)f->height * (size_t)halves / 2);
}

/* Dies with a message: a fake misconfigured by its test is the test's bug. */
static void fake_die(const char *what, const char *detail)
{
    fprintf(stderr, "fake_v4l2: %s: %s\n", what, detail);
    abort();
}

/* Reads a whole file. */
static void load_file(const char *path, struct fake_frame *fr)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fake_die("cannot read frame", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    fr->data = malloc(n > 0 ? (size_t)n : 1);
    fr->len = fr->data != NULL && n > 0 ? fread(fr->data, 1, (size_t)n, f) : 0;
    fclose(f);
}

/* Loads the frames of one format from FAKE_V4L2_FRAMES_<FOURCC>. */
static void load_frames(struct fake_format *f, const char *name)
{
    char var[64];
    snprintf(var, sizeof var, "FAKE_V4L2_FRAMES_%s", name);
    const char *list = getenv(var);
    if (list == NULL)
        fake_die("no frames for an offered format", var);
    char *copy = strdup(list), *save = NULL;
    for (char *p = strtok_r(copy, ":", &save); p != NULL && f->n_frames < FAKE_MAX_FRAMES;
         p = strtok_r(NULL, ":", &save))
        load_file(p, &f->frames[f->n_frames++]);
    free(copy);
}

/* Forgets the loaded device. */
static void unload(void)
{
    for (int k = 0; k < dev.n_formats; k++)
        for (int i = 0; i < dev.formats[k].n_frames; i++)
            free(dev.formats[k].frames[i].data);
    memset(dev.formats, 0, sizeof dev.formats);
    dev.n_formats = 0;
    dev.loaded = false;
}

/* Reads the device's description from the environment. */
static void load(void)
{
    const char *formats = getenv("FAKE_V4L2_FORMATS");
    if (formats == NULL)
        fake_die("FAKE_V4L2_FORMATS is not set", "e.g. GREY@640x480");
    char *copy = strdup(formats), *save = NULL;
    for (char *p = strtok_r(copy, ",", &save); p != NULL && dev.n_formats < FAKE_MAX_FORMATS;
         p = strtok_r(NULL, ",", &save)) {
        struct fake_format *f = &dev.formats[dev.n_formats++];
        char name[5] = {0};
        f->fps = 30;
        int n = sscanf(p, "%4[A-Z0-9]@%dx%d/%d", name, &f->width, &f->height, &f->fps);
        if (n < 3 || strlen(name) != 4 || f->fps < 1)
            fake_die("bad FAKE_V4L2_FORMATS entry (expected FOURCC@WxH[/FPS])", p);
        f->fourcc = v4l2_fourcc(name[0], name[1], name[2], name[3]);
        load_frames(f, name);
    }
    free(copy);
    const char *pad = getenv("FAKE_V4L2_PAD");
    dev.pad = pad != NULL ? atoi(pad) : 0;
    const char *after = getenv("FAKE_V4L2_UNPLUG_AFTER");
    dev.unplug_after = after != NULL ? strtoull(after, NULL, 10) : 0;
    dev.unplugged = false;
    dev.frames = dev.opens = dev.next_frame = 0;
    dev.cur = 0;
    dev.loaded = true;
}

static bool is_device_path(const char *path)
{
    return path != NULL && strncmp(path, "/dev/video", 10) == 0;
}

static bool is_device_fd(int fd)
{
    return fd >= 0 && fd == dev.fd;
}

/* Frees the buffers (REQBUFS(0) or close): mapped ones become orphans, freed at munmap. */
static void drop_buffers(void)
{
    for (int i = 0; i < dev.n_bufs; i++) {
        struct fake_buffer *b = &dev.bufs[i];
        if (b->mapped) {
            for (int k = 0; k < FAKE_MAX_BUFFERS; k++) {
                if (dev.orphans[k].mem == NULL) {
                    dev.orphans[k] = *b;
                    break;
                }
            }
        } else {
            REAL("munmap", int (*)(void *, size_t))(b->mem, b->len);
        }
    }
    memset(dev.bufs, 0, sizeof dev.bufs);
    dev.n_bufs = 0;
}

/* Opens the fake device. */
static int device_open(const char *path, int flags)
{
    if (!dev.loaded)
        load();
    if (dev.unplugged) {
        errno = ENOENT;
        return -1;
    }
    if (dev.fd >= 0) {
        errno = EBUSY;
        return -1;
    }
    dev.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (dev.fd < 0)
        return -1;
    dev.nonblock = (flags & O_NONBLOCK) != 0;
    dev.streaming = false;
    dev.opens++;
    return dev.fd;
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (is_device_path(path))
        return device_open(path, flags);
    return REAL("open", int (*)(const char *, int, ...))(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (is_device_path(path))
        return device_open(path, flags);
    return REAL("openat", int (*)(int, const char *, int, ...))(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

int close(int fd)
{
    if (is_device_fd(fd)) {
        dev.streaming = false;
        drop_buffers();
        dev.fd = -1;
    }
    return REAL("close", int (*)(int))(fd);
}

/* Makes the sensor deliver a frame into the first queued buffer, unless one is already waiting
 * to be dequeued; unplugs the device when its frames are up. */
static void deliver(void)
{
    if (!dev.streaming || dev.unplugged)
        return;
    for (int i = 0; i < dev.n_bufs; i++)
        if (dev.bufs[i].done)
            return;
    if (dev.unplug_after > 0 && dev.frames >= dev.unplug_after) {
        dev.unplugged = true;
        return;
    }
    const struct fake_format *f = &dev.formats[dev.cur];
    for (int i = 0; i < dev.n_bufs; i++) {
        struct fake_buffer *b = &dev.bufs[i];
        if (!b->queued)
            continue;
        const struct fake_frame *fr = &f->frames[dev.next_frame++ % (uint64_t)f->n_frames];
        int bpp, halves;
        format_geometry(f->fourcc, &bpp, &halves);
        if (!is_jpeg(f->fourcc) &&
            fr->len != (size_t)f->width * bpp * (size_t)f->height * (size_t)halves / 2)
            fake_die("raw frame of the wrong size for its format", "FAKE_V4L2_FRAMES_*");
        memset(b->mem, FAKE_PAD_BYTE, b->len);
        if (is_jpeg(f->fourcc)) {
            memcpy(b->mem, fr->data, fr->len);
            b->bytesused = (uint32_t)fr->len;
        } else {
            /* Packed rows of w*bpp bytes (the first plane), then the 4:2:0 chroma: the fake
             * pads each row to bytesperline (chroma rows of YU12/YV12 to half of it). */
            size_t row = (size_t)f->width * bpp, bpl = (size_t)bytesperline(f);
            size_t rows = (size_t)f->height * (size_t)halves / 2;
            bool half_rows = f->fourcc == V4L2_PIX_FMT_YUV420 || f->fourcc == V4L2_PIX_FMT_YVU420;
            size_t src = 0, dst = 0;
            for (size_t y = 0; y < rows; y++) {
                bool chroma = y >= (size_t)f->height;
                size_t n = chroma && half_rows ? row / 2 : row;
                memcpy(b->mem + dst, fr->data + src, n);
                src += n;
                dst += chroma && half_rows ? bpl / 2 : bpl;
            }
            b->bytesused = sizeimage(f);
        }
        b->queued = false;
        b->done = true;
        b->sequence = (uint32_t)dev.frames++;
        return;
    }
}

/* Readiness of the device for poll. */
static short device_revents(short events)
{
    if (dev.unplugged || !dev.streaming)
        return POLLERR;
    deliver();
    if (dev.unplugged)
        return POLLERR | POLLHUP;
    for (int i = 0; i < dev.n_bufs; i++)
        if (dev.bufs[i].done)
            return (short)(events & (POLLIN | POLLRDNORM));
    return 0;
}

/* Fills a v4l2_format with the current (or the given) format. */
static void fill_format(struct v4l2_format *fmt, const struct fake_format *f)
{
    memset(&fmt->fmt.pix, 0, sizeof fmt->fmt.pix);
    fmt->fmt.pix.width = (uint32_t)f->width;
    fmt->fmt.pix.height = (uint32_t)f->height;
    fmt->fmt.pix.pixelformat = f->fourcc;
    fmt->fmt.pix.field = V4L2_FIELD_NONE;
    fmt->fmt.pix.bytesperline = (uint32_t)bytesperline(f);
    fmt->fmt.pix.sizeimage = sizeimage(f);
    fmt->fmt.pix.colorspace = is_jpeg(f->fourcc) ? V4L2_COLORSPACE_JPEG : V4L2_COLORSPACE_SRGB;
}

/* G_FMT, S_FMT, TRY_FMT: a format not offered becomes the first one (as drivers do). */
static int do_format(unsigned long req, struct v4l2_format *fmt)
{
    if (fmt->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
        return EINVAL;
    if (req == VIDIOC_G_FMT) {
        fill_format(fmt, &dev.formats[dev.cur]);
        return 0;
    }
    if (req == VIDIOC_S_FMT && dev.n_bufs > 0)
        return EBUSY;
    int k = 0;
    for (int i = 0; i < dev.n_formats; i++)
        if (dev.formats[i].fourcc == fmt->fmt.pix.pixelformat)
            k = i;
    if (req == VIDIOC_S_FMT)
        dev.cur = k;
    fill_format(fmt, &dev.formats[k]);
    return 0;
}

/* REQBUFS: allocates (or with count 0 frees) the buffers. */
static int do_reqbufs(struct v4l2_requestbuffers *r)
{
    if (r->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || r->memory != V4L2_MEMORY_MMAP)
        return EINVAL;
    if (dev.streaming)
        return EBUSY;
    drop_buffers();
    unsigned n = r->count > FAKE_MAX_BUFFERS ? FAKE_MAX_BUFFERS : r->count;
    size_t len = (sizeimage(&dev.formats[dev.cur]) + 4095) & ~(size_t)4095;
    for (unsigned i = 0; i < n; i++) {
        void *m = REAL("mmap", void *(*)(void *, size_t, int, int, int, off_t))(
            NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return ENOMEM;
        dev.bufs[i] = (struct fake_buffer){.mem = m, .len = len};
        dev.n_bufs++;
    }
    r->count = n;
    return 0;
}

/* QUERYBUF, QBUF, DQBUF. */
static int do_buffer(unsigned long req, struct v4l2_buffer *b)
{
    if (b->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || b->memory != V4L2_MEMORY_MMAP)
        return EINVAL;
    if (req == VIDIOC_DQBUF) {
        if (!dev.nonblock)
            deliver();
        for (int i = 0; i < dev.n_bufs; i++) {
            if (dev.bufs[i].done) {
                dev.bufs[i].done = false;
                b->index = (uint32_t)i;
                goto describe;
            }
        }
        return dev.streaming ? EAGAIN : EINVAL;
    }
    if (b->index >= (uint32_t)dev.n_bufs)
        return EINVAL;
    if (req == VIDIOC_QBUF) {
        struct fake_buffer *fb = &dev.bufs[b->index];
        if (fb->queued || fb->done)
            return EINVAL;
        fb->queued = true;
    }
describe:;
    const struct fake_buffer *fb = &dev.bufs[b->index];
    b->length = (uint32_t)fb->len;
    b->m.offset = b->index * (uint32_t)fb->len;
    b->bytesused = fb->bytesused;
    b->sequence = fb->sequence;
    b->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_MAPPED |
               (fb->queued ? V4L2_BUF_FLAG_QUEUED : 0) | (fb->done ? V4L2_BUF_FLAG_DONE : 0);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    b->timestamp.tv_sec = ts.tv_sec;
    b->timestamp.tv_usec = ts.tv_nsec / 1000;
    return 0;
}

/* The ioctls of a capture device; returns 0 or an errno. */
static int device_ioctl(unsigned long req, void *arg)
{
    if (dev.unplugged)
        return ENODEV;
    switch (req) {
    case VIDIOC_QUERYCAP: {
        struct v4l2_capability *c = arg;
        memset(c, 0, sizeof *c);
        snprintf((char *)c->driver, sizeof c->driver, "fake_v4l2");
        snprintf((char *)c->card, sizeof c->card, "Portier test camera");
        snprintf((char *)c->bus_info, sizeof c->bus_info, "platform:fake");
        c->version = 0x060100;
        c->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
        c->capabilities = c->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *d = arg;
        if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->index >= (uint32_t)dev.n_formats)
            return EINVAL;
        uint32_t fourcc = dev.formats[d->index].fourcc;
        d->pixelformat = fourcc;
        d->flags = is_jpeg(fourcc) ? V4L2_FMT_FLAG_COMPRESSED : 0;
        snprintf((char *)d->description, sizeof d->description, "%.4s", (const char *)&fourcc);
        return 0;
    }
    case VIDIOC_ENUM_FRAMEINTERVALS: {
        struct v4l2_frmivalenum *fi = arg;
        for (int k = 0; k < dev.n_formats; k++) {
            const struct fake_format *f = &dev.formats[k];
            if (fi->index == 0 && f->fourcc == fi->pixel_format && (int)fi->width == f->width &&
                (int)fi->height == f->height) {
                fi->type = V4L2_FRMIVAL_TYPE_DISCRETE;
                fi->discrete = (struct v4l2_fract){1, (uint32_t)f->fps};
                return 0;
            }
        }
        return EINVAL;
    }
    case VIDIOC_G_FMT:
    case VIDIOC_S_FMT:
    case VIDIOC_TRY_FMT:
        return do_format(req, arg);
    case VIDIOC_REQBUFS:
        return do_reqbufs(arg);
    case VIDIOC_QUERYBUF:
    case VIDIOC_QBUF:
    case VIDIOC_DQBUF:
        return do_buffer(req, arg);
    case VIDIOC_STREAMON:
    case VIDIOC_STREAMOFF:
        if (*(const int *)arg != V4L2_BUF_TYPE_VIDEO_CAPTURE || dev.n_bufs == 0)
            return EINVAL;
        dev.streaming = req == VIDIOC_STREAMON;
        if (!dev.streaming) /* STREAMOFF takes every buffer back */
            for (int i = 0; i < dev.n_bufs; i++)
                dev.bufs[i].queued = dev.bufs[i].done = false;
        return 0;
    case VIDIOC_G_PARM:
    case VIDIOC_S_PARM: {
        struct v4l2_streamparm *p = arg;
        if (p->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
            return EINVAL;
        p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
        p->parm.capture.timeperframe = (struct v4l2_fract){1, 30};
        return 0;
    }
    default:
        return ENOTTY;
    }
}

int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (!is_device_fd(fd))
        return REAL("ioctl", int (*)(int, unsigned long, ...))(fd, req, arg);
    int err = device_ioctl(req, arg);
    if (err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    if (!is_device_fd(fd))
        return REAL("mmap", void *(*)(void *, size_t, int, int, int, off_t))(addr, len, prot, flags,
                                                                             fd, offset);
    for (int i = 0; i < dev.n_bufs; i++) {
        struct fake_buffer *b = &dev.bufs[i];
        if ((size_t)offset == (size_t)i * b->len && len <= b->len && !b->mapped && !dev.unplugged) {
            b->mapped = true;
            return b->mem;
        }
    }
    errno = EINVAL;
    return MAP_FAILED;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
    __attribute__((alias("mmap")));

int munmap(void *addr, size_t len)
{
    for (int i = 0; i < dev.n_bufs; i++) {
        if (dev.bufs[i].mem == addr && dev.bufs[i].mapped) {
            dev.bufs[i].mapped = false;
            return 0;
        }
    }
    for (int k = 0; k < FAKE_MAX_BUFFERS; k++) {
        struct fake_buffer *b = &dev.orphans[k];
        if (b->mem == addr) {
            REAL("munmap", int (*)(void *, size_t))(b->mem, b->len);
            memset(b, 0, sizeof *b);
            return 0;
        }
    }
    return REAL("munmap", int (*)(void *, size_t))(addr, len);
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    int ready = 0;
    for (nfds_t i = 0; i < n; i++) {
        if (is_device_fd(fds[i].fd) && (fds[i].revents = device_revents(fds[i].events)) != 0)
            ready++;
    }
    int (*real_poll)(struct pollfd *, nfds_t, int) =
        REAL("poll", int (*)(struct pollfd *, nfds_t, int));
    if (ready == 0) {
        bool others = false;
        for (nfds_t i = 0; i < n; i++)
            others = others || (fds[i].fd >= 0 && !is_device_fd(fds[i].fd));
        if (!others && n > 0 && timeout < 0)
            fake_die("poll would wait forever", "no frame can come (not streaming?)");
    }
    /* The others: waited for only when the device has nothing; the device's eventfd never
     * becomes readable, so the kernel leaves its entry alone. */
    struct pollfd saved[8];
    nfds_t nsaved = 0;
    for (nfds_t i = 0; i < n && nsaved < 8; i++)
        if (is_device_fd(fds[i].fd))
            saved[nsaved++] = fds[i];
    int r = real_poll(fds, n, ready > 0 ? 0 : timeout);
    if (r < 0)
        return r;
    for (nfds_t i = 0, k = 0; i < n && k < nsaved; i++)
        if (is_device_fd(fds[i].fd))
            fds[i].revents = saved[k++].revents;
    int total = 0;
    for (nfds_t i = 0; i < n; i++)
        total += fds[i].revents != 0;
    return total;
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
    if (dev.fd < 0 || dev.fd >= nfds ||
        !((rd != NULL && FD_ISSET(dev.fd, rd)) || (ex != NULL && FD_ISSET(dev.fd, ex))))
        return REAL("select", int (*)(int, fd_set *, fd_set *, fd_set *, struct timeval *))(
            nfds, rd, wr, ex, tv);
    /* Only the device is waited for here (the product never selects on it with others). */
    short re = device_revents(POLLIN);
    int total = 0;
    bool want_rd = rd != NULL && FD_ISSET(dev.fd, rd), want_ex = ex != NULL && FD_ISSET(dev.fd, ex);
    if (rd != NULL)
        FD_ZERO(rd);
    if (wr != NULL)
        FD_ZERO(wr);
    if (ex != NULL)
        FD_ZERO(ex);
    if (want_rd && (re & (POLLIN | POLLERR))) {
        FD_SET(dev.fd, rd);
        total++;
    }
    if (want_ex && (re & POLLERR)) {
        FD_SET(dev.fd, ex);
        total++;
    }
    return total;
}

ssize_t read(int fd, void *buf, size_t len)
{
    if (is_device_fd(fd)) {
        errno = EINVAL; /* no V4L2_CAP_READWRITE: streaming only, as most UVC cameras */
        return -1;
    }
    return REAL("read", ssize_t(*)(int, void *, size_t))(fd, buf, len);
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
    int r = REAL("clock_gettime", int (*)(clockid_t, struct timespec *))(clk, ts);
    if (r == 0 && clk == CLOCK_MONOTONIC && dev.clock_skip_ns != 0) {
        int64_t ns = (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec + dev.clock_skip_ns;
        ts->tv_sec = (time_t)(ns / 1000000000);
        ts->tv_nsec = (long)(ns % 1000000000);
    }
    return r;
}

void fake_v4l2_reset(void)
{
    if (dev.fd >= 0)
        fake_die("fake_v4l2_reset", "the device is still open");
    unload();
    load();
}

void fake_v4l2_replug(void)
{
    dev.unplugged = false;
    dev.unplug_after = 0;
}

void fake_v4l2_clock_skip(int64_t ns)
{
    dev.clock_skip_ns += ns;
}

void fake_v4l2_stats(struct fake_v4l2_stats *out)
{
    memset(out, 0, sizeof *out);
    out->open_fds = dev.fd >= 0;
    for (int i = 0; i < dev.n_bufs; i++)
        out->mapped_buffers += dev.bufs[i].mapped;
    for (int k = 0; k < FAKE_MAX_BUFFERS; k++)
        out->mapped_buffers += dev.orphans[k].mem != NULL;
    out->streaming = dev.fd >= 0 && dev.streaming;
    out->frames = dev.frames;
    out->opens = dev.opens;
}
