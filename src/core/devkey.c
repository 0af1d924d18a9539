/* SPDX-License-Identifier: Apache-2.0 */
#include "devkey.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "util.h"

#define CERT_TAG     "PORTIER-DEVKEY-1"
#define CERT_TAG_LEN 16
#define CERT_MSG_LEN (CERT_TAG_LEN + 12 + TOKEN_PUBLIC_KEY_LEN + DEVICE_ID_MAX + 1)

/* Writes v big-endian at p. */
static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Packs the signed message of k's certificate; false when a field is out of range. */
static bool cert_message(uint32_t event_id, const struct device_key *k, uint8_t *msg)
{
    size_t dlen = strnlen(k->device, sizeof k->device);
    if (dlen == 0 || dlen > DEVICE_ID_MAX || k->first_num < DEVKEY_WALKIN_FIRST ||
        k->last_num > DEVKEY_WALKIN_LAST || k->first_num > k->last_num)
        return false;
    memset(msg, 0, CERT_MSG_LEN);
    memcpy(msg, CERT_TAG, CERT_TAG_LEN);
    put_u32(msg + CERT_TAG_LEN, event_id);
    put_u32(msg + CERT_TAG_LEN + 4, k->first_num);
    put_u32(msg + CERT_TAG_LEN + 8, k->last_num);
    memcpy(msg + CERT_TAG_LEN + 12, k->pk, TOKEN_PUBLIC_KEY_LEN);
    memcpy(msg + CERT_TAG_LEN + 12 + TOKEN_PUBLIC_KEY_LEN, k->device, dlen);
    return true;
}

/* Signs k's certificate with the event key. */
bool devkey_certify(const uint8_t event_sk[TOKEN_SECRET_KEY_LEN], uint32_t event_id,
                    struct device_key *k)
{
    uint8_t msg[CERT_MSG_LEN];
    if (!cert_message(event_id, k, msg))
        return false;
    crypto_sign_detached(k->cert, NULL, msg, sizeof msg, event_sk);
    return true;
}

/* Checks k's certificate against the event key. */
bool devkey_cert_valid(const uint8_t event_pk[TOKEN_PUBLIC_KEY_LEN], uint32_t event_id,
                       const struct device_key *k)
{
    uint8_t msg[CERT_MSG_LEN];
    return cert_message(event_id, k, msg) &&
           crypto_sign_verify_detached(k->cert, msg, sizeof msg, event_pk) == 0;
}

/* Verifies a token against the event key, then the certified device keys. */
enum token_status devkey_token_verify(const struct event *ev,
                                      const uint8_t event_pk[TOKEN_PUBLIC_KEY_LEN],
                                      const char *text, size_t len, struct token *out,
                                      const struct device_key **signer)
{
    *signer = NULL;
    enum token_status st = token_verify(text, len, ev->event_id, event_pk, out);
    if (st != TOKEN_UNKNOWN_KEY && st != TOKEN_BAD_SIGNATURE)
        return st;
    enum token_status best = st;
    for (size_t i = 0; i < ev->n_device_keys; i++) {
        const struct device_key *k = &ev->device_keys[i];
        enum token_status ds = token_verify(text, len, ev->event_id, k->pk, out);
        if (ds == TOKEN_UNKNOWN_KEY)
            continue;
        /* The key id matched: a forged or altered token now says "bad signature". */
        if (ds == TOKEN_OK && devkey_cert_valid(event_pk, ev->event_id, k)) {
            *signer = k;
            return TOKEN_OK;
        }
        if (ds == TOKEN_BAD_SIGNATURE)
            best = TOKEN_BAD_SIGNATURE;
    }
    return best;
}

/* The device key of a device id. */
const struct device_key *devkey_find(const struct event *ev, const char *device)
{
    for (size_t i = 0; i < ev->n_device_keys; i++)
        if (strcmp(ev->device_keys[i].device, device) == 0)
            return &ev->device_keys[i];
    return NULL;
}

/* Lowercase hex of bin[0..n). */
void devkey_hex_encode(const uint8_t *bin, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bin[i] >> 4];
        out[2 * i + 1] = digits[bin[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The value of a hex digit, or -1. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads exactly n bytes from 2n hex digits. */
bool devkey_hex_decode(const char *text, size_t len, uint8_t *bin, size_t n)
{
    if (len != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        bin[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* Formats a device key file. */
char *devkey_file_format(uint32_t event_id, const struct device_key *k,
                         const uint8_t sk[TOKEN_SECRET_KEY_LEN])
{
    char pk[2 * TOKEN_PUBLIC_KEY_LEN + 1], skh[2 * TOKEN_SECRET_KEY_LEN + 1];
    char cert[2 * DEVKEY_CERT_LEN + 1];
    devkey_hex_encode(k->pk, TOKEN_PUBLIC_KEY_LEN, pk);
    devkey_hex_encode(sk, TOKEN_SECRET_KEY_LEN, skh);
    devkey_hex_encode(k->cert, DEVKEY_CERT_LEN, cert);
    char *text = xasprintf("# Portier device issuing key: secret, keep it on this device only\n"
                           "event=%u\ndevice=%s\nfirst=%u\nlast=%u\npublic=%s\ncert=%s\n"
                           "secret=%s\n",
                           event_id, k->device, k->first_num, k->last_num, pk, cert, skh);
    sodium_memzero(skh, sizeof skh);
    return text;
}

/* Reads an unsigned decimal number of one line's value. */
static bool parse_u32(const char *v, size_t len, uint32_t *out)
{
    if (len == 0 || len > 10)
        return false;
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        n = n * 10 + (uint64_t)(v[i] - '0');
    }
    if (n > UINT32_MAX)
        return false;
    *out = (uint32_t)n;
    return true;
}

/* Takes one "name=value" line into the fields; returns the bit of the field set, or 0. */
static unsigned parse_line(const char *name, size_t nlen, const char *v, size_t vlen,
                           uint32_t *event_id, struct device_key *k, uint8_t *sk)
{
#define IS(s) (nlen == sizeof s - 1 && memcmp(name, s, nlen) == 0)
    if (IS("event"))
        return parse_u32(v, vlen, event_id) ? 1u : 0;
    if (IS("device") && vlen >= 1 && vlen <= DEVICE_ID_MAX) {
        memcpy(k->device, v, vlen);
        k->device[vlen] = '\0';
        return 2u;
    }
    if (IS("first"))
        return parse_u32(v, vlen, &k->first_num) ? 4u : 0;
    if (IS("last"))
        return parse_u32(v, vlen, &k->last_num) ? 8u : 0;
    if (IS("public"))
        return devkey_hex_decode(v, vlen, k->pk, TOKEN_PUBLIC_KEY_LEN) ? 16u : 0;
    if (IS("cert"))
        return devkey_hex_decode(v, vlen, k->cert, DEVKEY_CERT_LEN) ? 32u : 0;
    if (IS("secret"))
        return devkey_hex_decode(v, vlen, sk, TOKEN_SECRET_KEY_LEN) ? 64u : 0;
#undef IS
    return 0;
}

/* Parses a device key file. */
bool devkey_file_parse(const char *text, uint32_t *event_id, struct device_key *k,
                       uint8_t sk[TOKEN_SECRET_KEY_LEN], char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    unsigned seen = 0;
    int line = 0;
    for (const char *p = text; *p != '\0';) {
        const char *end = strchr(p, '\n');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        line++;
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (len > 0 && p[0] != '#') {
            const char *eq = memchr(p, '=', len);
            unsigned bit = eq == NULL ? 0
                                      : parse_line(p, (size_t)(eq - p), eq + 1,
                                                   len - (size_t)(eq - p) - 1, event_id, k, sk);
            if (bit == 0) {
                snprintf(err, errlen,
                         "line %d: not a valid device key line (expected event=, device=, "
                         "first=, last=, public=, cert= or secret= with a well-formed value)",
                         line);
                return false;
            }
            seen |= bit;
        }
        p += end != NULL ? (size_t)(end - p) + 1 : strlen(p);
    }
    if (seen != 127) {
        snprintf(err, errlen,
                 "a field is missing (the file needs event, device, first, last, public, cert "
                 "and secret): make it again with portier device-key");
        return false;
    }
    if (memcmp(sk + 32, k->pk, TOKEN_PUBLIC_KEY_LEN) != 0) {
        snprintf(err, errlen, "the secret key does not belong to the public key");
        return false;
    }
    return true;
}
