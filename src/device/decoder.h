/* SPDX-License-Identifier: Apache-2.0 */
/* The zbar wrapper: finds QR codes in a greyscale frame. One decoder per thread. */
#ifndef PORTIER_DECODER_H
#define PORTIER_DECODER_H

#include <stddef.h>
#include <stdint.h>

#define DECODER_MAX_PAYLOAD 4096 /* bytes; a version-40 QR code holds at most 2,953 */

struct decoded {
    uint8_t data[DECODER_MAX_PAYLOAD + 1]; /* NUL-terminated for convenience; may hold NULs */
    size_t len;
    int x, y; /* centre of the symbol, in the coordinates of the frame passed in */
};

/* Creates a decoder configured for badges: QR only, binary payloads, density 1. Owned by the
 * caller; NULL after logging on failure. */
struct decoder *decoder_create(void);
/* Frees a decoder; NULL is a no-op. */
void decoder_destroy(struct decoder *dec);
/* Decodes a greyscale frame (width x height, rows stride bytes apart) and stores up to max_out
 * results in out. Returns how many were stored. The frame is only read during the call. */
size_t decoder_decode(struct decoder *dec, const uint8_t *gray, int width, int height, int stride,
                      struct decoded *out, size_t max_out);

#endif
