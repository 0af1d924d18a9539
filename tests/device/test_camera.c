/* SPDX-License-Identifier: Apache-2.0 */
/* Cameras: spec parsing and errors, none, dir: replay in name order (PNG and PGM), the synth
 * camera (frames decode to the payloads it reports, deterministic per seed), and v4l2 on a
 * missing device (a status, not an error). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "camera.h"
#include "check.h"
#include "decoder.h"
#include "image.h"
#include "util.h"
#include "file.h"

static char tmpdir[64];

/* Writes img as a binary PGM. */
static bool save_pgm(const struct image *img, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return false;
    fprintf(f, "P5\n%d %d\n255\n", img->width, img->height);
    for (int y = 0; y < img->height; y++)
        fwrite(img->pixels + (size_t)y * img->stride, 1, (size_t)img->width, f);
    return fclose(f) == 0;
}

/* Removes every file of dir, then dir. */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d != NULL && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *p = path_join(dir, de->d_name);
        unlink(p);
        free(p);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

/* Spec strings: valid ones pass, bad ones say why. */
static void test_specs(void)
{
    char why[512];
    CHECK(camera_spec_check("none", why, sizeof why));
    CHECK(camera_spec_check("synth", why, sizeof why));
    CHECK(camera_spec_check("synth:seed=3,fps=10,loop", why, sizeof why));
    CHECK(camera_spec_check("dir:/tmp/frames", why, sizeof why));
    CHECK(camera_spec_check("dir:/tmp/a,b/frames,fps=2.5", why, sizeof why));
    CHECK(camera_spec_check("v4l2:/dev/video0", why, sizeof why));
    CHECK(camera_spec_check("v4l2:/dev/video0@1280x720", why, sizeof why));
    CHECK(camera_spec_check("v4l2:/dev/video0@640x480,fps=15", why, sizeof why));

    CHECK(!camera_spec_check("webcam", why, sizeof why));
    CHECK(strstr(why, "unknown camera 'webcam'") != NULL);
    CHECK(strstr(why, "v4l2:") != NULL); /* says what is expected */
    CHECK(!camera_spec_check("", why, sizeof why));
    CHECK(strstr(why, "empty") != NULL);
    CHECK(!camera_spec_check("v4l2:", why, sizeof why));
    CHECK(strstr(why, "missing device") != NULL);
    CHECK(!camera_spec_check("v4l2:/dev/video0@640", why, sizeof why));
    CHECK(strstr(why, "bad frame size '640'") != NULL);
    CHECK(!camera_spec_check("v4l2:/dev/video0@0x0", why, sizeof why));
    CHECK(!camera_spec_check("v4l2:/dev/video0@640x480x3", why, sizeof why));
    CHECK(!camera_spec_check("dir:", why, sizeof why));
    CHECK(strstr(why, "missing folder") != NULL);
    CHECK(!camera_spec_check("synth:seed=abc", why, sizeof why));
    CHECK(strstr(why, "bad synth option 'seed=abc'") != NULL);
    CHECK(!camera_spec_check("synth:speed=3", why, sizeof why));
    CHECK(!camera_spec_check("synthetic", why, sizeof why));
    CHECK(camera_open("webcam", NULL) == NULL);
    CHECK(camera_open("v4l2:/dev/video0@12x", NULL) == NULL);
    camera_close(NULL);
}

/* The none camera never delivers. */
static void test_none(void)
{
    struct camera *cam = camera_open("none", NULL);
    struct image frame = {0};
    int64_t ns;
    CHECK(cam != NULL);
    CHECK(camera_status(cam) == CAMERA_NONE);
    CHECK(!camera_grab(cam, &frame, &ns));
    CHECK(camera_fd(cam) == -1);
    camera_close(cam);
}

/* dir: frames come in name order, PNG and PGM alike; other files are ignored; the camera ends
 * (or loops with the option). */
static void test_dir(void)
{
    /* Frames told apart by their width: name k has width 40 + 8 * k. */
    static const char *names[] = {"frame-01.pgm", "frame-02.png", "frame-03.png", "frame-10.pgm"};
    static const int order[] = {3, 0, 2, 1}; /* creation order, not name order */
    for (int i = 0; i < 4; i++) {
        int k = order[i];
        struct image img = {0};
        CHECK(image_init(&img, 40 + 8 * k, 30));
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < img.width; x++)
                img.pixels[y * img.stride + x] = (uint8_t)(x * 5 + k);
        char *p = path_join(tmpdir, names[k]);
        CHECK(strstr(names[k], ".png") ? image_save_png(&img, p) : save_pgm(&img, p));
        free(p);
        image_finish(&img);
    }
    char *txt = path_join(tmpdir, "notes.txt");
    FILE *f = fopen(txt, "w");
    fputs("not a frame\n", f);
    fclose(f);
    free(txt);

    char **list;
    size_t count;
    CHECK(camera_dir_list(tmpdir, &list, &count));
    CHECK(count == 4);
    for (size_t i = 0; i < count; i++) {
        CHECK_STR(list[i], names[i]);
        free(list[i]);
    }
    free(list);

    char spec[128];
    snprintf(spec, sizeof spec, "dir:%s", tmpdir);
    struct camera *cam = camera_open(spec, NULL);
    CHECK(cam != NULL);
    struct image frame = {0};
    int64_t ns = -1;
    for (int k = 0; k < 4; k++) {
        CHECK(camera_grab(cam, &frame, &ns));
        CHECK_MSG(frame.width == 40 + 8 * k, "frame %d has width %d", k, frame.width);
        CHECK(frame.height == 30);
        CHECK(frame.pixels[frame.stride + 3] == (uint8_t)(15 + k));
        CHECK(ns > 0);
    }
    CHECK(!camera_grab(cam, &frame, &ns));
    CHECK(camera_status(cam) == CAMERA_ENDED);
    CHECK(strstr(camera_status_text(cam), "end") != NULL);
    CHECK(camera_frame_count(cam) == 4);
    camera_close(cam);

    snprintf(spec, sizeof spec, "dir:%s,loop", tmpdir);
    cam = camera_open(spec, NULL);
    CHECK(cam != NULL);
    for (int k = 0; k < 9; k++) {
        CHECK(camera_grab(cam, &frame, &ns));
        CHECK(frame.width == 40 + 8 * (k % 4));
    }
    CHECK(camera_status(cam) == CAMERA_OK);
    camera_close(cam);
    image_finish(&frame);

    /* With a frame rate, frames are paced: a grab right after the first finds nothing due. */
    snprintf(spec, sizeof spec, "dir:%s,fps=0.5", tmpdir);
    cam = camera_open(spec, NULL);
    CHECK(cam != NULL);
    CHECK(camera_grab(cam, &frame, &ns));
    CHECK(frame.width == 40);
    CHECK(!camera_grab(cam, &frame, &ns));
    CHECK(camera_status(cam) == CAMERA_OK);
    camera_close(cam);
    image_finish(&frame);

    /* A folder without frames, and a missing one, are errors. */
    char *empty = path_join(tmpdir, "empty");
    CHECK(mkdir_p(empty));
    snprintf(spec, sizeof spec, "dir:%s", empty);
    CHECK(camera_open(spec, NULL) == NULL);
    rmdir(empty);
    free(empty);
    CHECK(camera_open("dir:/nonexistent/frames", NULL) == NULL);
}

/* synth: frames decode to the payloads the camera reports, at a good rate; same seed, same
 * frames. */
static void test_synth(void)
{
    const char *payloads[] = {
        "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJAUGQ2EIVDEOSCJJJFUYTKOJ5IFCUSTKRKVMV2YLFNDAMJSGM"
        "2DKNRXHA4TAMJSGM2DKNRXHA4TAMJSGM2D",
        "BADGE-0002",
        "PORTIER:A0042",
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ2222222222222222222222222222222222222222",
    };
    struct camera_options o = {.payloads = payloads, .payload_count = 4, .seed = 7};
    struct camera *cam = camera_open("synth", &o);
    struct camera *twin = camera_open("synth", &o);
    o.seed = 8;
    struct camera *other = camera_open("synth", &o);
    CHECK(cam != NULL && twin != NULL && other != NULL);
    struct decoder *dec = decoder_create();
    CHECK(dec != NULL);
    struct image frame = {0}, frame2 = {0}, frame3 = {0};
    struct decoded out[2];
    int64_t ns;
    int frames = 0, with_badge = 0, decoded_ok = 0, wrong = 0, empty_hits = 0, differ = 0;
    bool seen[4] = {false};
    while (camera_grab(cam, &frame, &ns)) {
        frames++;
        CHECK(frame.width == CAMERA_SYNTH_WIDTH && frame.height == CAMERA_SYNTH_HEIGHT);
        CHECK(camera_grab(twin, &frame2, &ns));
        CHECK(memcmp(frame.pixels, frame2.pixels, (size_t)frame.stride * frame.height) == 0);
        CHECK(camera_frame_payload(twin) == camera_frame_payload(cam) ||
              strcmp(camera_frame_payload(twin), camera_frame_payload(cam)) == 0);
        if (camera_grab(other, &frame3, &ns) &&
            memcmp(frame.pixels, frame3.pixels, (size_t)frame.stride * frame.height) != 0)
            differ++;
        const char *shown = camera_frame_payload(cam);
        size_t n =
            decoder_decode(dec, frame.pixels, frame.width, frame.height, frame.stride, out, 2);
        if (shown == NULL) {
            empty_hits += n > 0;
            continue;
        }
        with_badge++;
        if (n > 0 && out[0].len == strlen(shown) && memcmp(out[0].data, shown, out[0].len) == 0) {
            decoded_ok++;
            for (int i = 0; i < 4; i++)
                if (shown == payloads[i])
                    seen[i] = true;
        } else if (n > 0) {
            wrong++;
        }
    }
    CHECK(camera_status(cam) == CAMERA_ENDED);
    CHECK(frames == 4 * 12);
    CHECK(with_badge == 4 * 8);
    CHECK(empty_hits == 0);
    CHECK(wrong == 0);
    CHECK_MSG(decoded_ok * 10 >= with_badge * 7, "%d of %d badge frames decoded", decoded_ok,
              with_badge);
    CHECK(seen[0] && seen[1] && seen[2] && seen[3]);
    CHECK(differ == frames);
    printf("synth: %d of %d badge frames decoded by plain zbar\n", decoded_ok, with_badge);

    /* Looping, with built-in demo payloads and another size. */
    camera_close(cam);
    struct camera_options o2 = {.width = 320, .height = 240, .seed = 1};
    cam = camera_open("synth:loop,seed=5", &o2);
    CHECK(cam != NULL);
    int shown_count = 0;
    for (int i = 0; i < 5 * 12; i++) {
        CHECK(camera_grab(cam, &frame, &ns));
        shown_count += camera_frame_payload(cam) != NULL;
        if (camera_frame_payload(cam) != NULL)
            CHECK(strlen(camera_frame_payload(cam)) == 120);
    }
    CHECK(frame.width == 320 && frame.height == 240);
    CHECK(shown_count == 5 * 8);
    CHECK(camera_status(cam) == CAMERA_OK);

    /* idle=N: N empty frames before each badge's 8; an empty frame is the same picture as
     * camera_synth_render draws for an empty scene of that seed. */
    camera_close(cam);
    cam = camera_open("synth:seed=5,idle=30", &o);
    CHECK(cam != NULL);
    int badge_frames = 0, first_badge = -1;
    char why_buf[256];
    for (int i = 0; camera_grab(cam, &frame, &ns); i++) {
        if (camera_frame_payload(cam) != NULL) {
            badge_frames++;
            if (first_badge < 0)
                first_badge = i;
        } else if (i == 3) {
            CHECK(camera_synth_render(&frame2, frame.width, frame.height, 5, NULL, NULL,
                                      5 ^ (3 * 0x9E37ull)));
            CHECK(memcmp(frame.pixels, frame2.pixels, (size_t)frame.stride * frame.height) == 0);
        }
    }
    CHECK(first_badge == 30);
    CHECK(badge_frames == 4 * 8);
    CHECK(!camera_spec_check("synth:idle=0", why_buf, sizeof why_buf));
    CHECK(camera_spec_check("synth:idle=10000,loop", why_buf, sizeof why_buf));

    camera_close(cam);
    camera_close(twin);
    camera_close(other);
    decoder_destroy(dec);
    image_finish(&frame);
    image_finish(&frame2);
    image_finish(&frame3);
}

/* v4l2: a missing device is reported and retried, never fatal. */
static void test_v4l2_missing(void)
{
    struct camera *cam = camera_open("v4l2:/dev/video-portier-test-missing@320x240", NULL);
    CHECK(cam != NULL);
    CHECK(camera_status(cam) == CAMERA_UNAVAILABLE);
    CHECK(strstr(camera_status_text(cam), "/dev/video-portier-test-missing") != NULL);
    CHECK(strstr(camera_status_text(cam), "retrying") != NULL);
    CHECK(camera_fd(cam) == -1);
    struct image frame = {0};
    int64_t ns;
    CHECK(!camera_grab(cam, &frame, &ns));
    CHECK(camera_status(cam) == CAMERA_UNAVAILABLE);
    camera_close(cam);

    cam = camera_open("v4l2:/dev/null", NULL); /* exists, but is no camera */
    CHECK(cam != NULL);
    CHECK(camera_status(cam) == CAMERA_UNAVAILABLE);
    CHECK(strstr(camera_status_text(cam), "not a V4L2 device") != NULL);
    camera_close(cam);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/portier-test-camera-XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_specs();
    test_none();
    test_dir();
    test_synth();
    test_v4l2_missing();
    remove_tree(tmpdir);
    return check_done();
}
