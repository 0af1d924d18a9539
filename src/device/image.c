/* SPDX-License-Identifier: Apache-2.0 */
/* 8-bit greyscale images: PNG through cairo, binary PGM (P5) parsed here.
 *
 * image_load_memory() is fed untrusted bytes (camera directories, test fixtures, a fuzzer), so
 * every size is checked before anything is allocated or read: a PNG's IHDR is inspected before
 * cairo sees the data, so that a file claiming 30000 x 30000 pixels is refused without a large
 * allocation, and a PGM header is parsed with explicit bounds on every number. */
#include "image.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>

#include "log.h"
#include "util.h"
#include "file.h"

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

bool image_init(struct image *img, int width, int height)
{
    memset(img, 0, sizeof *img);
    if (width < 1 || width > IMAGE_MAX_SIDE || height < 1 || height > IMAGE_MAX_SIDE)
        return false;
    img->pixels = xcalloc((size_t)width * (size_t)height, 1);
    img->width = width;
    img->height = height;
    img->stride = width;
    return true;
}

void image_finish(struct image *img)
{
    if (img == NULL)
        return;
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

void image_copy_pixels(struct image *dst, const struct image *src)
{
    for (int y = 0; y < src->height; y++)
        memcpy(dst->pixels + (size_t)y * dst->stride, src->pixels + (size_t)y * src->stride,
               (size_t)src->width);
}

void image_downscale(const uint8_t *src, int stride, int w, int h, int f, uint8_t *dst)
{
    int dw = w / f, dh = h / f, area = f * f;
    for (int dy = 0; dy < dh; dy++) {
        uint8_t *drow = dst + (size_t)dy * (size_t)dw;
        const uint8_t *srow = src + (size_t)dy * (size_t)f * (size_t)stride;
        for (int dx = 0; dx < dw; dx++) {
            unsigned s = 0;
            for (int j = 0; j < f; j++)
                for (int i = 0; i < f; i++)
                    s += srow[(size_t)j * (size_t)stride + (size_t)dx * (size_t)f + (size_t)i];
            drow[dx] = (uint8_t)((s + (unsigned)area / 2) / (unsigned)area);
        }
    }
}

/* One output row of image_upsample2: a and b are the source rows weighted 3:1 (b is the nearer
 * neighbour row, a the row itself); each output pixel weighs its column 3:1 against the next
 * column on its side. */
static void upsample_row(const uint8_t *a, const uint8_t *b, int w, uint8_t *dst)
{
    unsigned left = 3u * a[0] + b[0], here = left;
    for (int x = 0; x < w; x++) {
        unsigned right = x + 1 < w ? 3u * a[x + 1] + b[x + 1] : here;
        dst[2 * x] = (uint8_t)((3 * here + left + 8) >> 4);
        dst[2 * x + 1] = (uint8_t)((3 * here + right + 8) >> 4);
        left = here;
        here = right;
    }
}

void image_upsample2(const uint8_t *src, int stride, int w, int h, uint8_t *dst)
{
    size_t dw = 2 * (size_t)w;
    for (int y = 0; y < h; y++) {
        const uint8_t *row = src + (size_t)y * (size_t)stride;
        const uint8_t *up = y > 0 ? row - stride : row;
        const uint8_t *down = y + 1 < h ? row + stride : row;
        upsample_row(row, up, w, dst + 2 * (size_t)y * dw);
        upsample_row(row, down, w, dst + (2 * (size_t)y + 1) * dw);
    }
}

/* BT.601 luma with weights summing to 256, so that grey (r == g == b) maps to itself. */
static uint8_t luma(unsigned r, unsigned g, unsigned b)
{
    return (uint8_t)((77 * r + 150 * g + 29 * b + 128) >> 8);
}

/* Reads a big-endian uint32. */
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct mem_reader {
    const uint8_t *data;
    size_t len, pos;
};

/* cairo's PNG read callback: hands out bytes from memory, failing past the end. */
static cairo_status_t read_mem(void *closure, unsigned char *out, unsigned int length)
{
    struct mem_reader *r = closure;
    if (length > r->len - r->pos)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(out, r->data + r->pos, length);
    r->pos += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Converts a cairo image surface in one of the formats cairo's PNG loader produces to grey. */
static bool surface_to_gray(cairo_surface_t *surface, struct image *img)
{
    cairo_surface_flush(surface);
    int w = cairo_image_surface_get_width(surface);
    int h = cairo_image_surface_get_height(surface);
    if (!image_init(img, w, h))
        return false;
    const uint8_t *data = cairo_image_surface_get_data(surface);
    int stride = cairo_image_surface_get_stride(surface);
    cairo_format_t format = cairo_image_surface_get_format(surface);
    for (int y = 0; y < h; y++) {
        const uint8_t *row = data + (size_t)y * (size_t)stride;
        uint8_t *dst = img->pixels + (size_t)y * (size_t)img->stride;
        if (format == CAIRO_FORMAT_A8) {
            /* cairo's PNG writer stores A8 as grey levels; read it back the same way. */
            memcpy(dst, row, (size_t)w);
            continue;
        }
        const uint32_t *px = (const uint32_t *)(const void *)row;
        for (int x = 0; x < w; x++) {
            uint32_t v = px[x];
            unsigned r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, b = v & 0xff;
            if (format == CAIRO_FORMAT_ARGB32) {
                /* Premultiplied: composite over white paper, as a printed badge would be. */
                unsigned a = v >> 24;
                r += 255 - a;
                g += 255 - a;
                b += 255 - a;
            }
            dst[x] = luma(r, g, b);
        }
    }
    return true;
}

/* Loads a PNG from memory through cairo; the IHDR is checked first. */
static bool load_png(const char *name, const uint8_t *data, size_t len, struct image *img)
{
    /* signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4) */
    if (len < 24 || be32(data + 8) != 13 || memcmp(data + 12, "IHDR", 4) != 0) {
        log_warnx("%s: damaged PNG: no IHDR chunk after the signature", name);
        return false;
    }
    uint32_t w = be32(data + 16), h = be32(data + 20);
    if (w < 1 || h < 1 || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE) {
        log_warnx("%s: PNG is %" PRIu32 " x %" PRIu32 " pixels; sides must be 1 to %d", name, w, h,
                  IMAGE_MAX_SIDE);
        return false;
    }

    struct mem_reader reader = {data, len, 0};
    cairo_surface_t *src = cairo_image_surface_create_from_png_stream(read_mem, &reader);
    cairo_surface_t *conv = NULL;
    bool ok = false;
    cairo_status_t status = cairo_surface_status(src);
    if (status != CAIRO_STATUS_SUCCESS) {
        const char *why = status == CAIRO_STATUS_READ_ERROR ? "truncated or damaged PNG"
                                                            : cairo_status_to_string(status);
        log_warnx("%s: %s", name, why);
        goto out;
    }
    cairo_format_t format = cairo_image_surface_get_format(src);
    if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24 &&
        format != CAIRO_FORMAT_A8) {
        /* Other cairo versions load 16-bit PNGs as float formats: let cairo convert. */
        int sw = cairo_image_surface_get_width(src), sh = cairo_image_surface_get_height(src);
        conv = cairo_image_surface_create(CAIRO_FORMAT_RGB24, sw, sh);
        cairo_t *cr = cairo_create(conv);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_set_source_surface(cr, src, 0, 0);
        cairo_paint(cr);
        status = cairo_status(cr);
        cairo_destroy(cr);
        if (status != CAIRO_STATUS_SUCCESS) {
            log_warnx("%s: cannot convert PNG: %s", name, cairo_status_to_string(status));
            goto out;
        }
    }
    if (!surface_to_gray(conv != NULL ? conv : src, img)) {
        log_warnx("%s: PNG has an unusable size", name);
        goto out;
    }
    ok = true;
out:
    if (conv != NULL)
        cairo_surface_destroy(conv);
    cairo_surface_destroy(src);
    return ok;
}

static bool is_pnm_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skips whitespace and '#' comments (to the end of the line) in a PNM header. */
static void skip_space(const uint8_t *data, size_t len, size_t *pos)
{
    while (*pos < len) {
        if (is_pnm_space(data[*pos])) {
            (*pos)++;
        } else if (data[*pos] == '#') {
            while (*pos < len && data[*pos] != '\n' && data[*pos] != '\r')
                (*pos)++;
        } else {
            break;
        }
    }
}

/* Parses one decimal header number no larger than max; false on junk, overflow or the end. */
static bool parse_number(const uint8_t *data, size_t len, size_t *pos, unsigned max, unsigned *out)
{
    skip_space(data, len, pos);
    if (*pos >= len || data[*pos] < '0' || data[*pos] > '9')
        return false;
    unsigned long v = 0;
    while (*pos < len && data[*pos] >= '0' && data[*pos] <= '9') {
        v = v * 10 + (unsigned)(data[*pos] - '0');
        if (v > max)
            return false;
        (*pos)++;
    }
    /* A number ends at whitespace (or a comment); "12x" is not a number. */
    if (*pos < len && !is_pnm_space(data[*pos]) && data[*pos] != '#')
        return false;
    *out = (unsigned)v;
    return true;
}

/* Loads a binary greymap (P5) with maxval 1..65535; 16-bit samples are big-endian. */
static bool load_pgm(const char *name, const uint8_t *data, size_t len, struct image *img)
{
    size_t pos = 2;
    unsigned w, h, maxval;
    if (!parse_number(data, len, &pos, IMAGE_MAX_SIDE, &w) || w < 1) {
        log_warnx("%s: bad PGM header: width missing or not in 1..%d", name, IMAGE_MAX_SIDE);
        return false;
    }
    if (!parse_number(data, len, &pos, IMAGE_MAX_SIDE, &h) || h < 1) {
        log_warnx("%s: bad PGM header: height missing or not in 1..%d", name, IMAGE_MAX_SIDE);
        return false;
    }
    if (!parse_number(data, len, &pos, 65535, &maxval) || maxval < 1) {
        log_warnx("%s: bad PGM header: maximum grey value missing or not in 1..65535", name);
        return false;
    }
    /* Exactly one whitespace byte separates the header from the samples. */
    if (pos >= len || !is_pnm_space(data[pos])) {
        log_warnx("%s: bad PGM header: no whitespace before the pixel data", name);
        return false;
    }
    pos++;
    size_t bytes_per_sample = maxval > 255 ? 2 : 1;
    size_t need = (size_t)w * h * bytes_per_sample;
    if (len - pos < need) {
        log_warnx("%s: truncated PGM: %zu bytes of pixel data, %u x %u needs %zu", name, len - pos,
                  w, h, need);
        return false;
    }
    if (!image_init(img, (int)w, (int)h))
        return false;
    const uint8_t *src = data + pos;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        unsigned v = bytes_per_sample == 2 ? (unsigned)src[2 * i] << 8 | src[2 * i + 1] : src[i];
        if (v > maxval)
            v = maxval;
        img->pixels[i] = maxval == 255 ? (uint8_t)v : (uint8_t)((v * 255u + maxval / 2) / maxval);
    }
    return true;
}

bool image_load_memory(const char *name, const uint8_t *data, size_t len, struct image *img)
{
    memset(img, 0, sizeof *img);
    if (data == NULL || len == 0) {
        log_warnx("%s: empty file", name);
        return false;
    }
    if (len >= sizeof png_signature && memcmp(data, png_signature, sizeof png_signature) == 0)
        return load_png(name, data, len, img);
    if (len >= 2 && data[0] == 'P' && data[1] == '5')
        return load_pgm(name, data, len, img);
    if (len >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7') {
        log_warnx("%s: only binary greymaps (P5) are supported, not P%c", name, data[1]);
        return false;
    }
    log_warnx("%s: not a PNG or binary PGM (P5) image", name);
    return false;
}

bool image_load(const char *path, struct image *img)
{
    memset(img, 0, sizeof *img);
    /* The largest image we accept is a 16-bit PGM of IMAGE_MAX_SIDE squared: refuse to read
     * anything much larger into memory. */
    const off_t max_size = (off_t)IMAGE_MAX_SIDE * IMAGE_MAX_SIDE * 2 + 4096;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > max_size) {
        log_warnx("%s: file too large for an image (%lld bytes)", path, (long long)st.st_size);
        return false;
    }
    size_t len;
    char *data = file_read_all(path, &len);
    if (data == NULL) {
        log_warn("%s", path);
        return false;
    }
    bool ok = image_load_memory(path, (const uint8_t *)data, len, img);
    free(data);
    return ok;
}

/* cairo's PNG write callback: appends to a strbuf. */
static cairo_status_t write_mem(void *closure, const unsigned char *data, unsigned int length)
{
    strbuf_append(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

bool image_save_surface_png(struct _cairo_surface *s, const char *path, unsigned mode)
{
    struct strbuf png = {0};
    bool ok = false;
    cairo_status_t status = cairo_surface_write_to_png_stream(s, write_mem, &png);
    if (status != CAIRO_STATUS_SUCCESS)
        log_warnx("%s: cannot encode PNG: %s", path, cairo_status_to_string(status));
    else if (!file_write_atomic(path, png.data, png.len, mode))
        log_warn("%s", path);
    else
        ok = true;
    strbuf_finish(&png);
    return ok;
}

bool image_save_png(const struct image *img, const char *path)
{
    if (img->pixels == NULL || img->width < 1 || img->height < 1) {
        log_warnx("%s: cannot save an empty image", path);
        return false;
    }
    /* cairo writes an A8 surface as an 8-bit greyscale PNG. */
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, img->width, img->height);
    bool ok = false;
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        log_warnx("%s: %s", path, cairo_status_to_string(cairo_surface_status(s)));
        goto out;
    }
    cairo_surface_flush(s);
    uint8_t *dst = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < img->height; y++)
        memcpy(dst + (size_t)y * (size_t)stride, img->pixels + (size_t)y * (size_t)img->stride,
               (size_t)img->width);
    cairo_surface_mark_dirty(s);
    ok = image_save_surface_png(s, path, 0644);
out:
    cairo_surface_destroy(s);
    return ok;
}
