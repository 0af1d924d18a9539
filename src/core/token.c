/* SPDX-License-Identifier: Apache-2.0 */
#include "token.h"

#include <sodium.h>
#include <string.h>

#define SIGNED_LEN 11 /* bytes 0..10 carry the fields; the signature covers them */

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Returns a short English phrase for a status. */
const char *token_status_text(enum token_status status)
{
    switch (status) {
    case TOKEN_OK:
        return "ok";
    case TOKEN_MALFORMED:
        return "malformed token";
    case TOKEN_BAD_VERSION:
        return "unknown token version";
    case TOKEN_WRONG_EVENT:
        return "token of another event";
    case TOKEN_UNKNOWN_KEY:
        return "unknown signing key";
    case TOKEN_BAD_SIGNATURE:
        return "bad signature";
    }
    return "unknown status";
}

/* Initialises libsodium; safe to call more than once. */
bool token_init(void)
{
    return sodium_init() >= 0;
}

/* Makes a new Ed25519 key pair. */
void token_keypair(uint8_t pk[TOKEN_PUBLIC_KEY_LEN], uint8_t sk[TOKEN_SECRET_KEY_LEN])
{
    crypto_sign_keypair(pk, sk);
}

/* Returns the first two bytes of BLAKE2b-256(pk), big-endian. */
uint16_t token_key_id(const uint8_t pk[TOKEN_PUBLIC_KEY_LEN])
{
    uint8_t hash[32];
    crypto_generichash(hash, sizeof hash, pk, TOKEN_PUBLIC_KEY_LEN, NULL, 0);
    return (uint16_t)((hash[0] << 8) | hash[1]);
}

/* Writes the base32 text of bin[0..n) into out ((n * 8 + 4) / 5 + 1 bytes). */
void token_base32_encode(const uint8_t *bin, size_t n, char *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | bin[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = base32_alphabet[(acc >> bits) & 31];
        }
    }
    if (bits > 0)
        out[o++] = base32_alphabet[(acc << (5 - bits)) & 31];
    out[o] = '\0';
}

/* Returns the 5-bit value of a base32 character (either case), or -1. */
static int base32_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

/* Strict decoding: exactly TOKEN_TEXT_LEN characters, all in the alphabet, no padding, no
 * whitespace, and any bits left over after the last whole byte must be zero, so that every
 * binary token has exactly one text form (a scanner cannot smuggle a second spelling past a
 * duplicate check). 75 bytes are exactly 120 characters, so today there are no leftover bits;
 * the check stays for when the layout changes. */
bool token_base32_decode(const char *text, size_t len, uint8_t *bin, size_t n)
{
    if (len != (n * 8 + 4) / 5)
        return false;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int v = base32_value((unsigned char)text[i]);
        if (v < 0)
            return false;
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            if (o >= n)
                return false;
            bin[o++] = (uint8_t)(acc >> bits);
        }
        acc &= (1u << bits) - 1;
    }
    return o == n && acc == 0;
}

/* Encodes the fields of t (with the version and key id given) into bin[0..SIGNED_LEN). */
static void pack_fields(const struct token *t, uint16_t key_id, uint8_t *bin)
{
    bin[0] = TOKEN_VERSION;
    bin[1] = (uint8_t)(key_id >> 8);
    bin[2] = (uint8_t)key_id;
    bin[3] = (uint8_t)(t->event_id >> 24);
    bin[4] = (uint8_t)(t->event_id >> 16);
    bin[5] = (uint8_t)(t->event_id >> 8);
    bin[6] = (uint8_t)t->event_id;
    bin[7] = (uint8_t)(t->attendee_num >> 16);
    bin[8] = (uint8_t)(t->attendee_num >> 8);
    bin[9] = (uint8_t)t->attendee_num;
    bin[10] = (uint8_t)t->serial;
}

/* Encodes and signs t into out (TOKEN_TEXT_LEN + 1 bytes). */
bool token_encode(const struct token *t, const uint8_t sk[TOKEN_SECRET_KEY_LEN], char *out)
{
    if (t->attendee_num > TOKEN_MAX_ATTENDEE_NUM || t->serial > TOKEN_MAX_SERIAL)
        return false;
    /* A libsodium Ed25519 secret key is seed || public key. */
    uint8_t bin[TOKEN_BINARY_LEN];
    pack_fields(t, token_key_id(sk + 32), bin);
    crypto_sign_detached(bin + SIGNED_LEN, NULL, bin, SIGNED_LEN, sk);
    token_base32_encode(bin, TOKEN_BINARY_LEN, out);
    sodium_memzero(bin, sizeof bin);
    return true;
}

/* Verifies a token's text against an event id and public key. */
enum token_status token_verify(const char *text, size_t len, uint32_t event_id,
                               const uint8_t pk[TOKEN_PUBLIC_KEY_LEN], struct token *out)
{
    uint8_t bin[TOKEN_BINARY_LEN];
    if (text == NULL || !token_base32_decode(text, len, bin, TOKEN_BINARY_LEN))
        return TOKEN_MALFORMED;
    if (bin[0] != TOKEN_VERSION)
        return TOKEN_BAD_VERSION;
    uint32_t ev = (uint32_t)bin[3] << 24 | (uint32_t)bin[4] << 16 | (uint32_t)bin[5] << 8 | bin[6];
    if (ev != event_id)
        return TOKEN_WRONG_EVENT;
    uint16_t key_id = (uint16_t)(bin[1] << 8 | bin[2]);
    if (key_id != token_key_id(pk))
        return TOKEN_UNKNOWN_KEY;
    if (crypto_sign_verify_detached(bin + SIGNED_LEN, bin, SIGNED_LEN, pk) != 0)
        return TOKEN_BAD_SIGNATURE;
    if (out != NULL) {
        out->version = bin[0];
        out->key_id = key_id;
        out->event_id = ev;
        out->attendee_num = (uint32_t)bin[7] << 16 | (uint32_t)bin[8] << 8 | bin[9];
        out->serial = bin[10];
    }
    return TOKEN_OK;
}
