/* SPDX-License-Identifier: Apache-2.0 */
/* 8-bit greyscale images: what cameras deliver to the decoder, and what tests load and save. */
#ifndef PORTIER_IMAGE_H
#define PORTIER_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMAGE_MAX_SIDE 8192

struct image {
    int width, height;
    int stride;      /* bytes per row, >= width */
    uint8_t *pixels; /* owned by the image */
};

/* Allocates a width x height image (stride = width), pixels zeroed. Returns false when a side
 * is not in 1..IMAGE_MAX_SIDE. */
bool image_init(struct image *img, int width, int height);
/* Frees the pixels; the struct may be reused with image_init. A zeroed image is a no-op. */
void image_finish(struct image *img);
/* Copies src's pixels into dst, an image of the same size (strides may differ). */
void image_copy_pixels(struct image *dst, const struct image *src);
/* Averages f x f blocks of the w x h pixels at src (rows stride bytes apart) into dst (w / f x
 * h / f pixels, packed). */
void image_downscale(const uint8_t *src, int stride, int w, int h, int f, uint8_t *dst);
/* Doubles the w x h pixels at src (rows stride bytes apart) into dst (2w x 2h pixels, packed) by
 * bilinear interpolation between pixel centres: a module of 2 pixels becomes one of 4 with
 * every edge kept, where a smoothing filter would have erased it. */
void image_upsample2(const uint8_t *src, int stride, int w, int h, uint8_t *dst);
/* Loads a PNG or a binary PGM (P5), chosen by the file's content, into img (converted to
 * greyscale). On failure logs "portier: <path>: <why>" and returns false with img zeroed. */
bool image_load(const char *path, struct image *img);
/* Same, from bytes in memory (name is used in messages only). */
bool image_load_memory(const char *name, const uint8_t *data, size_t len, struct image *img);
/* Writes a cairo image surface (cairo_surface_t) as a PNG, atomically, with permission bits
 * mode (0600 for a badge). Logs on failure. */
struct _cairo_surface;
bool image_save_surface_png(struct _cairo_surface *surface, const char *path, unsigned mode);
/* Saves img as an 8-bit greyscale PNG. */
bool image_save_png(const struct image *img, const char *path);

#endif
