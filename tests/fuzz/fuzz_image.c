/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the image loaders of the dir: camera (image_load_memory: PNG through cairo,
 * binary PGM parsed by hand) on arbitrary bytes. Properties: a loaded image has sides within
 * IMAGE_MAX_SIDE and every pixel can be read; a failure leaves the image zeroed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs one input; a property violation aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    struct image img;
    memset(&img, 0x5a, sizeof img);
    if (image_load_memory("fuzz", copy, size, &img)) {
        FUZZ_ASSERT(img.width >= 1 && img.width <= IMAGE_MAX_SIDE);
        FUZZ_ASSERT(img.height >= 1 && img.height <= IMAGE_MAX_SIDE);
        FUZZ_ASSERT(img.stride >= img.width && img.pixels != NULL);
        unsigned sum = 0;
        for (int y = 0; y < img.height; y++)
            sum += img.pixels[y * img.stride + img.width - 1];
        (void)sum;
        image_finish(&img);
    } else {
        FUZZ_ASSERT(img.pixels == NULL && img.width == 0 && img.height == 0);
    }
    free(copy);
    return 0;
}
