/* SPDX-License-Identifier: Apache-2.0 */
/* A V4L2 camera faked at the system-call level (fake_v4l2.c, built as libfake_v4l2.so): a
 * process that has it before libc (LD_PRELOAD, or linked in as a shared library) sees a capture
 * device at every /dev/video* path, served through the real ioctl sequence (QUERYCAP, ENUM_FMT,
 * G/S/TRY_FMT, REQBUFS, QUERYBUF, mmap, QBUF/DQBUF, STREAMON/OFF, poll/select). All other paths
 * and descriptors pass through to libc.
 *
 * The device is described by environment variables, read at the first open (and again at
 * fake_v4l2_reset):
 *   FAKE_V4L2_FORMATS="MJPG@1280x720,YUYV@640x480/10"  the pixel formats offered, each at
 *       one size (S_FMT gives that size whatever is asked) and frame rate (ENUM_FRAMEINTERVALS;
 *       default 30 fps); GREY, YUYV, UYVY, NV12, NV21, YU12, YV12, MJPG, JPEG
 *   FAKE_V4L2_FRAMES_<FOURCC>="a:b:c"  the frames served in that format, in turn (looping):
 *       raw files packed without padding (YUYV: w*h*2 bytes; 4:2:0 formats: w*h*3/2), or JPEG
 *       files served as they are
 *   FAKE_V4L2_PAD=N     bytes of padding at the end of every row (bytesperline = row + N; the
 *       padding holds garbage, so a reader that ignores bytesperline sees a sheared frame)
 *   FAKE_V4L2_UNPLUG_AFTER=N  after N frames the device is gone: ioctls fail with ENODEV,
 *       poll says POLLERR, open says ENOENT (until fake_v4l2_replug)
 *
 * Time: the fake's sensor delivers a frame into a queued buffer whenever the application waits
 * for one (poll or select on the device, or a blocking DQBUF), so tests wait on events and
 * never on the clock. */
#ifndef PORTIER_FAKE_V4L2_H
#define PORTIER_FAKE_V4L2_H

#include <stdint.h>

struct fake_v4l2_stats {
    int open_fds;       /* device descriptors open now */
    int mapped_buffers; /* buffers mmapped and not unmapped */
    int streaming;      /* descriptors streaming now */
    uint64_t frames;    /* frames delivered since the last reset */
    uint64_t opens;     /* successful opens since the last reset */
};

/* Forgets the device and reads the environment again. Only with no device descriptor open. */
void fake_v4l2_reset(void);
/* Plugs the device back in after FAKE_V4L2_UNPLUG_AFTER unplugged it (no more unplugging). */
void fake_v4l2_replug(void);
/* Makes CLOCK_MONOTONIC (clock_gettime) read ns later from now on: lets a test reach a retry
 * deadline without waiting for it. */
void fake_v4l2_clock_skip(int64_t ns);
/* Counters, for tests that check nothing leaked. */
void fake_v4l2_stats(struct fake_v4l2_stats *out);

#endif
