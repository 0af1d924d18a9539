/* SPDX-License-Identifier: Apache-2.0 */
/* The luma of MJPEG camera frames (libturbojpeg): what the v4l2: camera decodes when a webcam
 * streams MJPEG, the usual format of USB webcams at 720p and 1080p.
 *
 * Only the grey (Y) component is decoded (TJPF_GRAY: the chroma is entropy-decoded but never
 * transformed or upsampled). Scale policy: frames MJPEG_HALF_WIDTH (1920) pixels wide or wider
 * are decoded at half size by the decoder's own DCT scaling (1920x1080 comes out 960x540);
 * narrower ones, 1280x720 included, at full size. Why not halve 720p too: the entropy decoding,
 * which no scaling avoids, is most of the cost, so halving saves only 5-10 % (bench_mjpeg:
 * 1.7 against 1.8 ms CPU per 720p frame) while it would halve the module size of every badge
 * (a code with 3-5 px modules at 720p, which the reader can still read, would come out at
 * 1.5-2.5 px), and a 720p MJPEG camera would hand the reader other frames than a 720p YUYV one.
 * At 1080p the half-size frame still gives a badge at a normal distance 3 px or more per module,
 * and every later step (the reader's copy, its thumbnail, its decode) costs a quarter.
 * The reader downstream chooses its own decode scale from the frame it gets.
 *
 * A frame that decodes with any error or warning (truncated by a USB glitch, garbage) is
 * refused. Frames without Huffman tables (as many UVC cameras send them) use the standard
 * tables. */
#ifndef PORTIER_MJPEG_H
#define PORTIER_MJPEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

#define MJPEG_HALF_WIDTH 1920

/* Creates a decoder. Owned by the caller; NULL when out of memory. */
struct mjpeg *mjpeg_create(void);
/* Frees a decoder; NULL is a no-op. */
void mjpeg_destroy(struct mjpeg *m);
/* The divisor the scale policy gives a frame width wide: 1 or 2. */
int mjpeg_policy_scale(int width);
/* Decodes the luma of the JPEG data[0..len) into frame (caller-owned, re-initialised when the
 * size changes) at 1/scale of its size; scale 0 = mjpeg_policy_scale. False when the frame does
 * not decode cleanly: mjpeg_error says why. */
bool mjpeg_decode_luma(struct mjpeg *m, const uint8_t *data, size_t len, int scale,
                       struct image *frame);
/* Why the last mjpeg_decode_luma failed. Borrowed until the next call. */
const char *mjpeg_error(const struct mjpeg *m);

#endif
