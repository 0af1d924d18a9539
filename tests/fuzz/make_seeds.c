/* SPDX-License-Identifier: Apache-2.0 */
/* Writes the generated part of the seed corpora (tests/fuzz/corpus/<target>/): badge tokens
 * signed with the fuzz key (fuzz_common.h) and small images. The CSV and INI seeds are plain
 * files written by hand. Run once after changing the token format:
 *   build/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "image.h"
#include "token.h"
#include "util.h"
#include "file.h"

/* Writes bytes to dir/target/name. */
static void put(const char *dir, const char *target, const char *name, const void *data, size_t len)
{
    char *d = xasprintf("%s/%s", dir, target);
    char *path = xasprintf("%s/%s", d, name);
    if (!mkdir_p(d) || !file_write_atomic(path, data, len, 0644)) {
        perror(path);
        exit(1);
    }
    free(path);
    free(d);
}

/* A token for (event, num, serial) signed with sk. */
static void make_token(const uint8_t *sk, uint32_t event, uint32_t num, uint32_t serial,
                       char out[TOKEN_TEXT_LEN + 1])
{
    struct token t = {.event_id = event, .attendee_num = num, .serial = serial};
    if (!token_encode(&t, sk, out))
        exit(1);
}

/* Writes a rules seed: selector bytes, then the payload. */
static void put_rules(const char *dir, const char *name, uint8_t room_mode, uint8_t minutes,
                      const char *payload)
{
    size_t n = strlen(payload);
    uint8_t *buf = xmalloc(n + 2);
    buf[0] = room_mode;
    buf[1] = minutes;
    memcpy(buf + 2, payload, n);
    put(dir, "fuzz_rules", name, buf, n + 2);
    free(buf);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
    uint8_t pk2[TOKEN_PUBLIC_KEY_LEN], sk2[TOKEN_SECRET_KEY_LEN];
    fuzz_keypair(pk, sk);
    token_keypair(pk2, sk2);
    char tok[TOKEN_TEXT_LEN + 1];

    make_token(sk, FUZZ_EVENT_ID, 1, 0, tok);
    put(dir, "fuzz_token", "valid", tok, TOKEN_TEXT_LEN);
    for (size_t i = 0; tok[i]; i++)
        tok[i] = (char)(tok[i] >= 'A' && tok[i] <= 'Z' ? tok[i] + 32 : tok[i]);
    put(dir, "fuzz_token", "lowercase", tok, TOKEN_TEXT_LEN);
    make_token(sk, FUZZ_EVENT_ID + 7, 1, 0, tok);
    put(dir, "fuzz_token", "other-event", tok, TOKEN_TEXT_LEN);
    make_token(sk2, FUZZ_EVENT_ID, 1, 0, tok);
    put(dir, "fuzz_token", "other-key", tok, TOKEN_TEXT_LEN);
    make_token(sk, FUZZ_EVENT_ID, TOKEN_MAX_ATTENDEE_NUM, TOKEN_MAX_SERIAL, tok);
    put(dir, "fuzz_token", "max-fields", tok, TOKEN_TEXT_LEN);
    put(dir, "fuzz_token", "url", "https://example.org/", 20);

    /* Rules: every room x mode for the five attendees, plus foreign payloads. */
    for (uint32_t num = 1; num <= 6; num++) {
        make_token(sk, FUZZ_EVENT_ID, num, num == 5 ? 1 : 0, tok);
        for (uint8_t rm = 0; rm < 9; rm += 4) {
            char name[32];
            snprintf(name, sizeof name, "a%u-rm%u", num, rm);
            put_rules(dir, name, rm, (uint8_t)(170 + num), tok);
        }
    }
    make_token(sk, FUZZ_EVENT_ID, 5, 0, tok);
    put_rules(dir, "revoked", 1, 180, tok);
    make_token(sk, FUZZ_EVENT_ID + 1, 1, 0, tok);
    put_rules(dir, "other-event", 0, 100, tok);
    put_rules(dir, "vcard", 2, 10, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n");

    /* Images: grey PNG, colour PNG with alpha, PGMs. */
    struct image img = {0};
    if (!image_init(&img, 24, 16))
        return 1;
    for (int i = 0; i < 24 * 16; i++)
        img.pixels[i] = (uint8_t)(i * 7);
    char *path = xasprintf("%s/fuzz_image", dir);
    mkdir_p(path);
    free(path);
    path = xasprintf("%s/fuzz_image/grey.png", dir);
    image_save_png(&img, path);
    free(path);
    image_finish(&img);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 9, 7);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgba(cr, 0.9, 0.2, 0.4, 0.6);
    cairo_paint(cr);
    cairo_destroy(cr);
    path = xasprintf("%s/fuzz_image/rgba.png", dir);
    cairo_surface_write_to_png(s, path);
    free(path);
    cairo_surface_destroy(s);
    s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 5, 3);
    path = xasprintf("%s/fuzz_image/rgb.png", dir);
    cairo_surface_write_to_png(s, path);
    free(path);
    cairo_surface_destroy(s);
    const char pgm[] =
        "P5\n# a comment\n4 3\n255\n\x00\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0";
    put(dir, "fuzz_image", "small.pgm", pgm, sizeof pgm - 1);
    const char pgm16[] = "P5 2 1 65535 \x01\x02\x03\x04";
    put(dir, "fuzz_image", "sixteen-bit.pgm", pgm16, sizeof pgm16 - 1);
    return 0;
}
