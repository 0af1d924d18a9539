/* SPDX-License-Identifier: Apache-2.0 */
/* The v4l2: camera against a camera faked at the ioctl level (fake_v4l2.c, linked in before
 * libc): every pixel format a camera may offer, negotiated, captured and decoded to the badge's
 * payload, through the camera API and through the reader's pipeline; the choice among offered
 * formats; corrupt MJPEG frames skipped; unplugging reported, nothing leaked, and the reconnect
 * the kiosk relies on. The frames are drawn by tests/device/make_camera_frames.py (segno and
 * Pillow, no Portier code), in the folder PORTIER_CAMERA_FRAMES. */
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "check.h"
#include "decoder.h"
#include "fake_v4l2.h"
#include "image.h"
#include "reader.h"

#define DEVICE "/dev/video7"

static const char *frames_dir;
static char payload[256];

/* Sets FAKE_V4L2_FRAMES_<fourcc> to the files of the frames folder named in list ("a:b"). */
static void set_frames(const char *fourcc, const char *list)
{
    char var[64], value[4096] = "";
    snprintf(var, sizeof var, "FAKE_V4L2_FRAMES_%s", fourcc);
    char *copy = strdup(list), *save = NULL;
    for (char *p = strtok_r(copy, ":", &save); p != NULL; p = strtok_r(NULL, ":", &save)) {
        size_t n = strlen(value);
        snprintf(value + n, sizeof value - n, "%s%s/%s", n ? ":" : "", frames_dir, p);
    }
    free(copy);
    setenv(var, value, 1);
}

/* Describes the fake device: its formats, row padding and unplugging. */
static void set_device(const char *formats, int pad, int unplug_after)
{
    char buf[32];
    setenv("FAKE_V4L2_FORMATS", formats, 1);
    snprintf(buf, sizeof buf, "%d", pad);
    setenv("FAKE_V4L2_PAD", buf, 1);
    snprintf(buf, sizeof buf, "%d", unplug_after);
    setenv("FAKE_V4L2_UNPLUG_AFTER", buf, 1);
    fake_v4l2_reset();
}

/* Waits for the camera's descriptor as the kiosk does, then grabs; false when no frame. */
static bool wait_and_grab(struct camera *cam, struct image *frame)
{
    struct pollfd p = {.fd = camera_fd(cam), .events = POLLIN};
    if (p.fd < 0 || poll(&p, 1, 10000) != 1)
        return false;
    int64_t mono;
    return camera_grab(cam, frame, &mono);
}

/* True when frame shows the payload to zbar. */
static bool shows_payload(const struct image *frame)
{
    static struct decoder *dec;
    if (dec == NULL)
        dec = decoder_create();
    struct decoded out[2];
    size_t n =
        decoder_decode(dec, frame->pixels, frame->width, frame->height, frame->stride, out, 2);
    return n == 1 && strcmp((const char *)out[0].data, payload) == 0;
}

/* Nothing of the device is left open, mapped or streaming. */
static void check_released(const char *what)
{
    struct fake_v4l2_stats st;
    fake_v4l2_stats(&st);
    CHECK_MSG(st.open_fds == 0 && st.mapped_buffers == 0 && st.streaming == 0,
              "%s: %d open, %d mapped, %d streaming", what, st.open_fds, st.mapped_buffers,
              st.streaming);
}

/* One format end to end: negotiated, captured (rows padded), decoded by zbar and by the
 * reader's pipeline, released. */
static void check_format(const char *fourcc, const char *file, int pad, int w, int h, int frame_w,
                         int frame_h)
{
    char formats[64], spec[64];
    snprintf(formats, sizeof formats, "%s@%dx%d", fourcc, w, h);
    set_frames(fourcc, file);
    set_device(formats, pad, 0);
    snprintf(spec, sizeof spec, "v4l2:" DEVICE "@%dx%d", w, h);
    struct camera *cam = camera_open(spec, NULL);
    CHECK(cam != NULL);
    CHECK_MSG(camera_status(cam) == CAMERA_OK && strstr(camera_status_text(cam), fourcc), "%s: %s",
              fourcc, camera_status_text(cam));
    struct image frame = {0};
    struct reader_pipeline *rp = reader_pipeline_create();
    for (int i = 0; i < 3; i++) {
        bool got = wait_and_grab(cam, &frame);
        CHECK_MSG(got, "%s: frame %d not grabbed: %s", fourcc, i, camera_status_text(cam));
        if (!got)
            break;
        CHECK_MSG(frame.width == frame_w && frame.height == frame_h, "%s: frame %dx%d", fourcc,
                  frame.width, frame.height);
        CHECK_MSG(shows_payload(&frame), "%s: frame %d does not decode", fourcc, i);
        struct decoded out[READER_MAX_CODES];
        size_t n = reader_pipeline_process(rp, &frame, out, READER_MAX_CODES, NULL);
        if (i == 0)
            CHECK_MSG(n == 1 && strcmp((const char *)out[0].data, payload) == 0,
                      "%s: the reader did not read the badge", fourcc);
    }
    CHECK(camera_frame_count(cam) == 3);
    reader_pipeline_destroy(rp);
    image_finish(&frame);
    camera_close(cam);
    check_released(fourcc);
}

/* Every format a camera may deliver, rows padded (bytesperline > width) where uncompressed. */
static void test_formats(void)
{
    check_format("GREY", "vga.grey", 32, 640, 480, 640, 480);
    check_format("YUYV", "vga.yuyv", 64, 640, 480, 640, 480);
    check_format("UYVY", "vga.uyvy", 0, 640, 480, 640, 480);
    check_format("NV12", "vga.nv12", 64, 640, 480, 640, 480);
    check_format("NV21", "vga.nv21", 0, 640, 480, 640, 480);
    check_format("YU12", "vga.yu12", 64, 640, 480, 640, 480);
    check_format("YV12", "vga.yv12", 32, 640, 480, 640, 480);
    check_format("MJPG", "vga.mjpg", 0, 640, 480, 640, 480);
    check_format("MJPG", "vga-nodht.mjpg", 0, 640, 480, 640, 480); /* UVC: no DHT */
    check_format("JPEG", "vga.mjpg", 0, 640, 480, 640, 480);
    /* 720p MJPEG at full size; from 1920 wide, at half size (mjpeg.h). */
    check_format("MJPG", "hd.mjpg", 0, 1280, 720, 1280, 720);
    check_format("MJPG", "fhd.mjpg", 0, 1920, 1080, 960, 540);
}

/* Opens spec on a device offering formats; true when it streams in want. */
static bool negotiates(const char *formats, const char *spec, const char *want)
{
    set_device(formats, 0, 0);
    struct camera *cam = camera_open(spec, NULL);
    bool ok = camera_status(cam) == CAMERA_OK && strstr(camera_status_text(cam), want) != NULL;
    if (!ok)
        fprintf(stderr, "%s on %s: %s (wanted %s)\n", spec, formats, camera_status_text(cam), want);
    camera_close(cam);
    check_released(formats);
    return ok;
}

/* The format chosen among those offered: GREY > 4:2:0 > 4:2:2 > MJPEG, the size first. */
static void test_negotiation(void)
{
    set_frames("GREY", "vga.grey");
    set_frames("YUYV", "vga.yuyv");
    set_frames("NV12", "vga.nv12");
    set_frames("MJPG", "hd.mjpg");
    CHECK(
        negotiates("MJPG@640x480,YUYV@640x480,NV12@640x480,GREY@640x480", "v4l2:" DEVICE, "GREY"));
    CHECK(negotiates("MJPG@640x480,YUYV@640x480,NV12@640x480", "v4l2:" DEVICE, "NV12"));
    CHECK(negotiates("MJPG@640x480,YUYV@640x480", "v4l2:" DEVICE, "YUYV"));
    /* A webcam with YUYV up to VGA only and MJPEG at 720p: the asked size decides. */
    CHECK(negotiates("YUYV@640x480,MJPG@1280x720", "v4l2:" DEVICE "@1280x720", "1280x720 MJPG"));
    CHECK(negotiates("YUYV@640x480,MJPG@1280x720", "v4l2:" DEVICE "@640x480", "640x480 YUYV"));
    /* A USB 2 webcam: 720p YUYV at 10 fps only, 720p MJPEG at 30: MJPEG, unless 10 will do. */
    CHECK(negotiates("YUYV@1280x720/10,MJPG@1280x720/30", "v4l2:" DEVICE "@1280x720",
                     "1280x720 MJPG"));
    CHECK(negotiates("YUYV@1280x720/10,MJPG@1280x720/30", "v4l2:" DEVICE "@1280x720,fps=10",
                     "1280x720 YUYV"));
    CHECK(negotiates("YUYV@1280x720/10", "v4l2:" DEVICE "@1280x720", "1280x720 YUYV"));
    /* Nothing readable: a clear status, retried like a missing camera. */
    set_frames("H264", "vga.grey");
    set_device("H264@640x480", 0, 0);
    struct camera *cam = camera_open("v4l2:" DEVICE, NULL);
    CHECK(camera_status(cam) == CAMERA_UNAVAILABLE);
    CHECK(strstr(camera_status_text(cam), "offers none of") != NULL);
    camera_close(cam);
    check_released("H264");
}

/* Truncated and garbage MJPEG frames are skipped; the next good frame comes through. */
static void test_corrupt_mjpeg(void)
{
    set_frames("MJPG", "truncated.mjpg:garbage.mjpg:vga.mjpg:truncated.mjpg:vga.mjpg");
    set_device("MJPG@640x480", 0, 0);
    struct camera *cam = camera_open("v4l2:" DEVICE "@640x480", NULL);
    struct image frame = {0};
    CHECK(!wait_and_grab(cam, &frame)); /* truncated */
    CHECK(camera_status(cam) == CAMERA_OK);
    CHECK(!wait_and_grab(cam, &frame)); /* garbage */
    CHECK(wait_and_grab(cam, &frame) && shows_payload(&frame));
    CHECK(!wait_and_grab(cam, &frame));
    CHECK(wait_and_grab(cam, &frame) && shows_payload(&frame));
    CHECK(camera_status(cam) == CAMERA_OK);
    CHECK(camera_frame_count(cam) == 2);
    image_finish(&frame);
    camera_close(cam);
    check_released("corrupt");
}

/* Unplugged after 2 frames: poll says so, the grab reports it and releases the device; the
 * camera reopens once CAMERA_RETRY_MS has passed and the device is back. */
static void test_unplug(void)
{
    set_frames("NV12", "vga.nv12");
    set_device("NV12@640x480", 0, 2);
    struct camera *cam = camera_open("v4l2:" DEVICE, NULL);
    struct image frame = {0};
    CHECK(wait_and_grab(cam, &frame));
    CHECK(wait_and_grab(cam, &frame));
    struct pollfd p = {.fd = camera_fd(cam), .events = POLLIN};
    CHECK(poll(&p, 1, 10000) == 1 && (p.revents & POLLERR));
    int64_t mono;
    CHECK(!camera_grab(cam, &frame, &mono));
    CHECK(camera_status(cam) == CAMERA_UNAVAILABLE);
    CHECK_MSG(strstr(camera_status_text(cam), "No such device") != NULL, "%s",
              camera_status_text(cam));
    CHECK(camera_fd(cam) == -1);
    check_released("unplugged");
    struct fake_v4l2_stats st;
    fake_v4l2_stats(&st);
    uint64_t opens = st.opens;
    /* Still unplugged when the retry comes: still unavailable. */
    fake_v4l2_clock_skip((int64_t)(CAMERA_RETRY_MS + 1) * 1000000);
    CHECK(!camera_grab(cam, &frame, &mono));
    CHECK(camera_status(cam) == CAMERA_UNAVAILABLE);
    /* Plugged back: not before the retry is due, then streaming again. */
    fake_v4l2_replug();
    CHECK(!camera_grab(cam, &frame, &mono));
    fake_v4l2_stats(&st);
    CHECK(st.opens == opens);
    fake_v4l2_clock_skip((int64_t)(CAMERA_RETRY_MS + 1) * 1000000);
    CHECK(!camera_grab(cam, &frame, &mono)); /* reopened; no frame yet */
    CHECK(camera_status(cam) == CAMERA_OK && camera_fd(cam) >= 0);
    CHECK(wait_and_grab(cam, &frame) && shows_payload(&frame));
    image_finish(&frame);
    camera_close(cam);
    check_released("replugged");
}

int main(void)
{
    frames_dir = getenv("PORTIER_CAMERA_FRAMES");
    if (frames_dir == NULL) {
        fprintf(stderr, "PORTIER_CAMERA_FRAMES is not set (ctest sets it)\n");
        return 1;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/payload.txt", frames_dir);
    FILE *f = fopen(path, "r");
    if (f == NULL || fgets(payload, sizeof payload, f) == NULL) {
        fprintf(stderr, "%s: cannot read the badge's payload\n", path);
        return 1;
    }
    fclose(f);
    test_formats();
    test_negotiation();
    test_corrupt_mjpeg();
    test_unplug();
    return check_done();
}
