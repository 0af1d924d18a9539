/* SPDX-License-Identifier: Apache-2.0 */
/* Greyscale images: PNG and PGM loading, saving, and refusing damaged or hostile files. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>

#include "check.h"
#include "image.h"
#include "util.h"
#include "file.h"

static char tmpdir[] = "/tmp/portier-test-image-XXXXXX";
static char captured[4096];

/* Loads data with stderr captured into `captured`; returns image_load_memory's result. */
static bool load_captured(const char *name, const void *data, size_t len, struct image *img)
{
    char *path = path_join(tmpdir, "stderr.txt");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
    bool ok = image_load_memory(name, data, len, img);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t n = 0;
    char *text = file_read_all(path, &n);
    snprintf(captured, sizeof captured, "%s", text != NULL ? text : "");
    free(text);
    unlink(path);
    free(path);
    return ok;
}

/* Expects data to be refused with a message holding `why`, and img left zeroed. */
static void expect_refused(const char *what, const void *data, size_t len, const char *why)
{
    struct image img;
    memset(&img, 0xa5, sizeof img);
    bool ok = load_captured("bad.img", data, len, &img);
    CHECK_MSG(!ok, "%s: accepted", what);
    CHECK_MSG(img.pixels == NULL && img.width == 0, "%s: image not zeroed", what);
    CHECK_MSG(strncmp(captured, "portier: bad.img: ", 18) == 0 && strstr(captured, why) != NULL,
              "%s: message \"%s\" lacks \"%s\"", what, captured, why);
    image_finish(&img);
}

static cairo_status_t append(void *closure, const unsigned char *data, unsigned int length)
{
    strbuf_append(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* A small colour PNG (ARGB32 with transparency) made with cairo, in memory. */
static struct strbuf colour_png(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 2);
    cairo_t *cr = cairo_create(s);
    const double colours[4][4] = {{1, 0, 0, 1}, {0, 1, 0, 1}, {0, 0, 1, 1}, {0, 0, 0, 0}};
    for (int i = 0; i < 4; i++) {
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
        cairo_set_source_rgba(cr, colours[i][0], colours[i][1], colours[i][2], colours[i][3]);
        cairo_rectangle(cr, i, 0, 1, 1);
        cairo_fill(cr);
    }
    cairo_set_source_rgba(cr, 0, 0, 0, 0.5); /* half-transparent black: mid grey on paper */
    cairo_rectangle(cr, 0, 1, 4, 1);
    cairo_fill(cr);
    cairo_destroy(cr);
    struct strbuf sb = {0};
    cairo_surface_write_to_png_stream(s, append, &sb);
    cairo_surface_destroy(s);
    return sb;
}

static void test_init(void)
{
    struct image img;
    CHECK(image_init(&img, 3, 2));
    CHECK(img.width == 3 && img.height == 2 && img.stride == 3 && img.pixels[5] == 0);
    image_finish(&img);
    CHECK(img.pixels == NULL);
    image_finish(&img);
    CHECK(!image_init(&img, 0, 5));
    CHECK(!image_init(&img, 5, IMAGE_MAX_SIDE + 1));
    CHECK(img.pixels == NULL);
}

static void test_png_roundtrip(void)
{
    struct image img, back;
    CHECK(image_init(&img, 37, 21));
    for (int y = 0; y < img.height; y++)
        for (int x = 0; x < img.width; x++)
            img.pixels[y * img.stride + x] = (uint8_t)(x * 7 + y * 11);
    char *path = path_join(tmpdir, "round.png");
    CHECK(image_save_png(&img, path));
    CHECK(image_load(path, &back));
    CHECK(back.width == 37 && back.height == 21);
    bool same = back.pixels != NULL;
    for (int y = 0; same && y < img.height; y++)
        same = memcmp(img.pixels + y * img.stride, back.pixels + y * back.stride, 37) == 0;
    CHECK_MSG(same, "pixels differ after a PNG round trip");
    image_finish(&back);

    /* The file is an 8-bit greyscale PNG: colour type 0 in the IHDR. */
    size_t len;
    char *data = file_read_all(path, &len);
    CHECK(data != NULL && len > 26 && data[24] == 8 && data[25] == 0);
    free(data);
    /* No temporary file is left beside it. */
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    CHECK(!path_exists(tmp));
    free(tmp);
    unlink(path);
    free(path);
    image_finish(&img);
}

static void test_png_colour(void)
{
    struct strbuf png = colour_png();
    struct image img;
    CHECK(load_captured("colour.png", png.data, png.len, &img));
    CHECK(img.width == 4 && img.height == 2);
    if (img.pixels != NULL) {
        CHECK(img.pixels[0] == 77);  /* red */
        CHECK(img.pixels[1] == 149); /* green */
        CHECK(img.pixels[2] == 29);  /* blue */
        CHECK(img.pixels[3] == 255); /* transparent: white paper */
        CHECK(abs(img.pixels[4] - 128) <= 1);
    }
    image_finish(&img);
    strbuf_finish(&png);
}

static void test_pgm(void)
{
    struct image img;
    const char p8[] = "P5\n# made by hand\n3 2\n255\n\x00\x10\x20\x30\x40\xff";
    CHECK(load_captured("a.pgm", p8, sizeof p8 - 1, &img));
    CHECK(img.width == 3 && img.height == 2);
    CHECK(img.pixels != NULL && img.pixels[1] == 0x10 && img.pixels[5] == 0xff);
    image_finish(&img);

    /* maxval 15 scales to 0..255; a sample above maxval is clamped. */
    const char p4[] = "P5 2 1 15 \x0f\x1f";
    CHECK(load_captured("b.pgm", p4, sizeof p4 - 1, &img));
    CHECK(img.pixels != NULL && img.pixels[0] == 255 && img.pixels[1] == 255);
    image_finish(&img);
    const char p4b[] = "P5 2 1 15\t\x05\x0a";
    CHECK(load_captured("b.pgm", p4b, sizeof p4b - 1, &img));
    CHECK(img.pixels != NULL && img.pixels[0] == 85 && img.pixels[1] == 170);
    image_finish(&img);

    /* 16-bit big-endian samples. */
    const char p16[] = "P5\n2 1\n65535\n\x80\x00\xff\xff";
    CHECK(load_captured("c.pgm", p16, sizeof p16 - 1, &img));
    CHECK(img.pixels != NULL && img.pixels[0] == 128 && img.pixels[1] == 255);
    image_finish(&img);

    /* Trailing bytes (a second image) are ignored. */
    const char two[] = "P5 1 1 255\n\x42P5 1 1 255\n\x43";
    CHECK(load_captured("d.pgm", two, sizeof two - 1, &img));
    CHECK(img.pixels != NULL && img.pixels[0] == 0x42);
    image_finish(&img);

    /* Through a file. */
    char *path = path_join(tmpdir, "e.pgm");
    CHECK(file_write_atomic(path, p8, sizeof p8 - 1, 0644));
    CHECK(image_load(path, &img));
    CHECK(img.width == 3);
    image_finish(&img);
    unlink(path);
    free(path);
}

static void test_refused(void)
{
    expect_refused("empty", "", 0, "empty file");
    expect_refused("text", "hello, world", 12, "not a PNG or binary PGM (P5) image");
    expect_refused("ascii pgm", "P2 1 1 255 7", 12, "only binary greymaps (P5)");
    expect_refused("no width", "P5\n", 3, "width missing");
    expect_refused("zero width", "P5 0 1 255 ", 11, "width missing or not in 1..8192");
    expect_refused("huge width", "P5 99999999999999999999 1 255 ", 30, "width");
    expect_refused("side too big", "P5 8193 1 255 ", 14, "width");
    expect_refused("junk height", "P5 2 2x 255 ", 12, "height");
    expect_refused("no maxval", "P5 2 2", 6, "maximum grey value");
    expect_refused("zero maxval", "P5 2 2 0 ", 9, "maximum grey value");
    expect_refused("big maxval", "P5 2 2 65536 ", 13, "maximum grey value");
    expect_refused("no separator", "P5 2 1 255", 10, "no whitespace before the pixel data");
    expect_refused("truncated", "P5 2 2 255 abc", 14, "truncated PGM: 3 bytes of pixel data");
    expect_refused("truncated 16", "P5 2 1 1000 abc", 15, "truncated PGM");
    expect_refused("comment to end", "P5 2 # 1 255\n", 13, "height");

    struct strbuf png = colour_png();
    expect_refused("png signature only", png.data, 8, "no IHDR chunk");
    expect_refused("png half", png.data, png.len / 2, "truncated or damaged PNG");
    expect_refused("png no end", png.data, png.len - 12, "truncated or damaged PNG");
    char *big = xmalloc(png.len);
    memcpy(big, png.data, png.len);
    big[16] = 0x00, big[17] = 0x01, big[18] = 0x00, big[19] = 0x00; /* width 65536 */
    expect_refused("png too wide", big, png.len, "PNG is 65536 x 2 pixels");
    memcpy(big, png.data, png.len);
    big[20] = big[21] = big[22] = big[23] = 0; /* height 0 */
    expect_refused("png zero height", big, png.len, "sides must be 1 to 8192");
    memcpy(big, png.data, png.len);
    big[30] ^= 0x55; /* IHDR CRC */
    expect_refused("png bad crc", big, png.len, "portier: bad.img");
    free(big);

    /* Every truncation and many single-byte corruptions: refused or loaded, never a crash
     * (the sanitizer build checks that nothing reads out of bounds). */
    uint32_t seed = 7;
    for (size_t cut = 0; cut < png.len; cut++) {
        struct image img;
        char *copy = xmalloc(cut + 1);
        memcpy(copy, png.data, cut);
        if (load_captured("cut.png", copy, cut, &img))
            image_finish(&img);
        memcpy(copy, png.data, cut);
        if (cut > 0) {
            seed = seed * 1103515245u + 12345u;
            copy[(seed >> 8) % cut] ^= (char)(1u << ((seed >> 4) % 8));
        }
        if (load_captured("flip.png", copy, cut, &img))
            image_finish(&img);
        free(copy);
    }
    const char pgm[] = "P5\n# c\n3 2\n65535\n0123456789ab";
    for (size_t cut = 0; cut <= sizeof pgm - 1; cut++) {
        struct image img;
        char *copy = xmalloc(cut + 1);
        memcpy(copy, pgm, cut);
        bool ok = load_captured("cut.pgm", copy, cut, &img);
        CHECK_MSG(ok == (cut == sizeof pgm - 1), "PGM cut at %zu: %s", cut, ok ? "ok" : "refused");
        image_finish(&img);
        free(copy);
    }
    strbuf_finish(&png);

    struct image img;
    char *missing = path_join(tmpdir, "missing.png");
    CHECK(!image_load(missing, &img));
    free(missing);
    CHECK(img.pixels == NULL);
}

int main(void)
{
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_init();
    test_png_roundtrip();
    test_png_colour();
    test_pgm();
    test_refused();
    rmdir(tmpdir);
    return check_done();
}
