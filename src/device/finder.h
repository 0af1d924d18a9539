/* SPDX-License-Identifier: Apache-2.0 */
/* The QR finder-pattern pre-test: a cheap look for the three 7x7 corner squares of a QR code
 * before zbar is asked to decode anything.
 *
 * Why: zbar's cost is proportional to the pixels it is given, whatever they hold; a frame in
 * which people walk past the door changes everywhere but holds no code. The 1:1:3:1:1
 * dark/light run pattern of a finder is the same along every line through its centre at any
 * rotation, so scanning a few rows finds it: a row every `step` pixels, binarised against a
 * moving mean of its neighbourhood (uneven light, glare), each candidate then checked across
 * the column and both diagonals through its centre (busy backgrounds: stripes and text pass a
 * single row now and then, rarely four lines at once). The shortest of the four crossings gives
 * the module size (a line through a rotated square is longer than its side, the shortest of
 * four lines 22.5 degrees apart at most 8 % longer), which is what the decode scale is chosen
 * from. */
#ifndef PORTIER_FINDER_H
#define PORTIER_FINDER_H

#include <stdint.h>

#define FINDER_MAX 12 /* finder patterns kept per frame */

struct finder_hit {
    int x, y;     /* centre, in the coordinates of the frame */
    float module; /* estimated module size, pixels */
    int rows;     /* scan rows that crossed it */
};

/* The scan-row spacing that meets a finder of min_module-pixel modules on at least two rows (its
 * 3-module centre band is 3 * min_module pixels tall). */
int finder_step(float min_module);
/* Scans rows y0, y0 + step, ... of region (x0, y0, w, h) of a greyscale frame (rows stride bytes
 * apart; the cross-checks may look outside the region, inside frame_w x frame_h) and stores up
 * to max finder patterns in out, strongest (most rows) first. Returns how many. */
int finder_scan(const uint8_t *pixels, int stride, int frame_w, int frame_h, int x0, int y0, int w,
                int h, int step, struct finder_hit *out, int max);

/* Keeps the n patterns (sorted as finder_scan does) of one code: the one with the most others of
 * about its module size 10 to 180 modules away (a QR code's finders are 14 to 170 modules
 * apart), first, then those others. Returns how many it kept. A code is in view
 * when that is 2 or more: a single finder-like square is common in busy scenes (a window, a
 * checked shirt), and a code shows two of its three finders even when glare hides one. */
int finder_code(struct finder_hit *hit, int n);

#endif
