/* SPDX-License-Identifier: Apache-2.0 */
/* The zbar wrapper. The decode sequence follows zbar's examples/scan_image.c: an image scanner
 * with every symbology off but QR, a Y800 zbar_image wrapping the caller's pixels, one
 * zbar_scan_image(), the symbols read from the image, the image destroyed.
 *
 * Memory: zbar 0.23.92 (Debian 12) keeps every decoded QR symbol forever (upstream zbar issue
 * 258, partly fixed by pull request 259 after that release). The image scanner never frees a
 * symbol it is done with: _zbar_image_scanner_recycle_syms() puts it in one of five "recycle
 * buckets" chosen by the size of its data buffer (bucket i holds data_alloc < 4^i bytes, 0 for
 * none; buffers of 256 bytes or more are freed and the symbol goes to bucket 0), and
 * _zbar_image_scanner_alloc_sym() takes a symbol back only from the bucket for the requested
 * size or a smaller one. The QR decoder (qr_code_data_list_extract_text() in qrdectxt.c) always
 * asks for a symbol of size 0 and then grows its data buffer itself, so a used QR symbol (our
 * 120-byte tokens land in bucket 4) is never asked for again; and in 0.23.92 the loop that
 * searches the buckets stops before bucket 0 (`for (; i > 0; i--)`, the bug #259 fixed), so
 * even bucket 0 is never reused. Each decoded symbol therefore costs a fresh calloc of a
 * zbar_symbol_t plus its data and point arrays (a few hundred bytes) that stays on the
 * scanner's recycle lists until zbar_image_scanner_destroy() frees them: at 30 frames a second
 * with a badge in view that is megabytes an hour, without bound.
 * The workaround: count the symbols the scanner has produced and replace the scanner with a
 * fresh one (destroying the old frees its buckets) after DECODER_SCANNER_MAX_SYMBOLS of them.
 * A scanner costs microseconds to create, so memory stays flat at any decode count, and the
 * fix keeps working on a zbar where the buckets do get reused.
 *
 * zbar's inter-frame result cache is disabled: it reports a code only once it has been seen in
 * several consecutive frames and then suppresses it for a while, but the kiosk wants every
 * sighting (it does its own deduplication), and the cache is another per-symbol store. */
#include "decoder.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "log.h"
#include "util.h"

#define DECODER_SCANNER_MAX_SYMBOLS 64

struct decoder {
    pthread_mutex_t lock; /* makes one decoder safe to share; one per thread is faster */
    zbar_image_scanner_t *scanner;
    unsigned symbols_since_create;
    uint8_t *copy; /* contiguous copy of a frame whose stride is not its width */
    size_t copy_cap;
};

/* Creates an image scanner configured for badges; NULL on out-of-memory. */
static zbar_image_scanner_t *scanner_create(void)
{
    zbar_image_scanner_t *s = zbar_image_scanner_create();
    if (s == NULL)
        return NULL;
    zbar_image_scanner_set_config(s, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(s, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_scanner_set_config(s, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
    zbar_image_scanner_set_config(s, 0, ZBAR_CFG_X_DENSITY, 1);
    zbar_image_scanner_set_config(s, 0, ZBAR_CFG_Y_DENSITY, 1);
    zbar_image_scanner_enable_cache(s, 0);
    return s;
}

struct decoder *decoder_create(void)
{
    struct decoder *dec = xcalloc(1, sizeof *dec);
    dec->scanner = scanner_create();
    if (dec->scanner == NULL) {
        log_warnx("decoder: cannot create a zbar image scanner");
        free(dec);
        return NULL;
    }
    pthread_mutex_init(&dec->lock, NULL);
    return dec;
}

void decoder_destroy(struct decoder *dec)
{
    if (dec == NULL)
        return;
    zbar_image_scanner_destroy(dec->scanner);
    pthread_mutex_destroy(&dec->lock);
    free(dec->copy);
    free(dec);
}

/* Replaces the scanner once it has produced enough symbols (see the comment at the top). */
static void recycle_scanner(struct decoder *dec)
{
    if (dec->symbols_since_create < DECODER_SCANNER_MAX_SYMBOLS)
        return;
    zbar_image_scanner_t *fresh = scanner_create();
    if (fresh == NULL)
        return; /* keep the old one; try again next time */
    zbar_image_scanner_destroy(dec->scanner);
    dec->scanner = fresh;
    dec->symbols_since_create = 0;
}

/* Stores one symbol in out; false when it is not a QR code or does not fit. */
static bool take_symbol(const zbar_symbol_t *sym, struct decoded *out)
{
    if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
        return false;
    unsigned len = zbar_symbol_get_data_length(sym);
    const char *data = zbar_symbol_get_data(sym);
    if (len > DECODER_MAX_PAYLOAD || (len > 0 && data == NULL))
        return false;
    memcpy(out->data, data, len);
    out->data[len] = '\0';
    out->len = len;
    unsigned n = zbar_symbol_get_loc_size(sym);
    long sx = 0, sy = 0;
    for (unsigned i = 0; i < n; i++) {
        sx += zbar_symbol_get_loc_x(sym, i);
        sy += zbar_symbol_get_loc_y(sym, i);
    }
    out->x = n > 0 ? (int)((sx + (long)n / 2) / (long)n) : 0;
    out->y = n > 0 ? (int)((sy + (long)n / 2) / (long)n) : 0;
    return true;
}

size_t decoder_decode(struct decoder *dec, const uint8_t *gray, int width, int height, int stride,
                      struct decoded *out, size_t max_out)
{
    if (gray == NULL || width < 1 || height < 1 || stride < width)
        return 0;
    pthread_mutex_lock(&dec->lock);
    size_t found = 0;
    const uint8_t *pixels = gray;
    size_t size = (size_t)width * (size_t)height;
    if (stride != width) {
        /* zbar wants rows back to back. */
        if (dec->copy_cap < size) {
            free(dec->copy);
            dec->copy = xmalloc(size);
            dec->copy_cap = size;
        }
        for (int y = 0; y < height; y++)
            memcpy(dec->copy + (size_t)y * (size_t)width, gray + (size_t)y * (size_t)stride,
                   (size_t)width);
        pixels = dec->copy;
    }

    zbar_image_t *image = zbar_image_create();
    if (image == NULL) {
        log_warnx("decoder: cannot create a zbar image");
        goto out;
    }
    zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(image, (unsigned)width, (unsigned)height);
    /* No cleanup handler: the pixels stay the caller's. */
    zbar_image_set_data(image, pixels, size, NULL);
    if (zbar_scan_image(dec->scanner, image) > 0) {
        const zbar_symbol_t *sym = zbar_image_first_symbol(image);
        for (; sym != NULL; sym = zbar_symbol_next(sym)) {
            dec->symbols_since_create++;
            if (found < max_out && take_symbol(sym, &out[found]))
                found++;
        }
    }
    zbar_image_destroy(image);
    recycle_scanner(dec);
out:
    pthread_mutex_unlock(&dec->lock);
    return found;
}
