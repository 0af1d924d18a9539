/* SPDX-License-Identifier: Apache-2.0 */
/* Badge tokens: Ed25519-signed, base32 text that fits a version-5 QR code at ECC level M.
 * Pure: no I/O, no clock. Keys are raw libsodium keys (32-byte public, 64-byte secret).
 *
 * Binary layout (75 bytes), then RFC 4648 base32 without padding (120 characters, A-Z2-7,
 * all in the QR alphanumeric set):
 *   0      version (TOKEN_VERSION)
 *   1..2   key id, big-endian: the first two bytes of BLAKE2b-256(public key)
 *   3..6   event id, big-endian uint32
 *   7..9   attendee number, big-endian uint24 (struct attendee.num)
 *   10     badge serial (struct attendee.serial, 0..255)
 *   11..74 Ed25519 signature of bytes 0..10
 */
#ifndef PORTIER_TOKEN_H
#define PORTIER_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOKEN_VERSION          1
#define TOKEN_BINARY_LEN       75
#define TOKEN_TEXT_LEN         120 /* characters, without the NUL */
#define TOKEN_PUBLIC_KEY_LEN   32
#define TOKEN_SECRET_KEY_LEN   64
#define TOKEN_MAX_ATTENDEE_NUM 0xFFFFFFu
#define TOKEN_MAX_SERIAL       0xFFu

struct token {
    uint8_t version;
    uint16_t key_id;
    uint32_t event_id;
    uint32_t attendee_num;
    uint32_t serial;
};

/* Why a token was refused. TOKEN_OK when it verified. */
enum token_status {
    TOKEN_OK,
    TOKEN_MALFORMED,     /* wrong length, characters outside base32, garbage */
    TOKEN_BAD_VERSION,   /* decodes, but a format version this kiosk does not know */
    TOKEN_WRONG_EVENT,   /* a well-formed token of another event */
    TOKEN_UNKNOWN_KEY,   /* this event's id, but signed with a key this kiosk does not hold */
    TOKEN_BAD_SIGNATURE, /* altered or forged */
};

/* A short English phrase for a status ("bad signature"), for logs and errors. */
const char *token_status_text(enum token_status status);

/* Must be called once before any other token function (initialises libsodium). */
bool token_init(void);
/* Makes a new key pair. */
void token_keypair(uint8_t pk[TOKEN_PUBLIC_KEY_LEN], uint8_t sk[TOKEN_SECRET_KEY_LEN]);
/* The key id of a public key. */
uint16_t token_key_id(const uint8_t pk[TOKEN_PUBLIC_KEY_LEN]);

/* Encodes and signs t (t->version and t->key_id are filled in from the key) into out, which
 * must hold TOKEN_TEXT_LEN + 1 bytes. Returns false when a field is out of range. */
bool token_encode(const struct token *t, const uint8_t sk[TOKEN_SECRET_KEY_LEN], char *out);

/* Verifies text (len bytes, not necessarily NUL-terminated: it may be any decoded QR payload)
 * against this event's id and public key. On TOKEN_OK fills *out. Revocation is not checked
 * here: the caller looks (attendee_num, serial) up in the event's revocation list. */
enum token_status token_verify(const char *text, size_t len, uint32_t event_id,
                               const uint8_t pk[TOKEN_PUBLIC_KEY_LEN], struct token *out);

/* RFC 4648 base32 without padding, as tokens use it (also certificate codes, certcode.h).
 * Encodes n bytes into out, which must hold (n * 8 + 4) / 5 + 1 bytes. */
void token_base32_encode(const uint8_t *bin, size_t n, char *out);
/* Decodes exactly n bytes from text (len characters, either case); false when len is not
 * (n * 8 + 4) / 5, a character is outside the alphabet or the padding bits are not zero. */
bool token_base32_decode(const char *text, size_t len, uint8_t *bin, size_t n);

#endif
