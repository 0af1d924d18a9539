/* SPDX-License-Identifier: Apache-2.0 */
/* Certificate verification codes: pack, sign, print in groups; read back forgivingly, verify. */
#include "certcode.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#define SIGNED_LEN       12
#define CERTCODE_CONTEXT "portier certificate of attendance\n"
#define GROUP            5

const char *certcode_status_text(enum certcode_status status)
{
    switch (status) {
    case CERTCODE_OK:
        return "genuine";
    case CERTCODE_MALFORMED:
        return "not a certificate code (wrong length or characters; was it typed in full?)";
    case CERTCODE_BAD_VERSION:
        return "a certificate code format this Portier does not know";
    case CERTCODE_WRONG_EVENT:
        return "a certificate of another event";
    case CERTCODE_BAD_SIGNATURE:
        return "the signature does not match: the code was altered, mistyped or forged";
    }
    return "unknown status";
}

/* Signs the context and the fields bin[0..SIGNED_LEN) into bin[SIGNED_LEN..]; or verifies. */
static bool sign_or_verify(uint8_t *bin, const uint8_t *key, bool sign)
{
    uint8_t msg[sizeof CERTCODE_CONTEXT - 1 + SIGNED_LEN];
    memcpy(msg, CERTCODE_CONTEXT, sizeof CERTCODE_CONTEXT - 1);
    memcpy(msg + sizeof CERTCODE_CONTEXT - 1, bin, SIGNED_LEN);
    if (sign)
        return crypto_sign_detached(bin + SIGNED_LEN, NULL, msg, sizeof msg, key) == 0;
    return crypto_sign_verify_detached(bin + SIGNED_LEN, msg, sizeof msg, key) == 0;
}

/* Writes v big-endian into n bytes at p. */
static void put_be(uint8_t *p, size_t n, uint32_t v)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* Reads n big-endian bytes at p. */
static uint32_t get_be(const uint8_t *p, size_t n)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

bool certcode_encode(const struct certcode *c, const uint8_t sk[TOKEN_SECRET_KEY_LEN], char *out)
{
    if (c->attendee_num > TOKEN_MAX_ATTENDEE_NUM || c->minutes > CERTCODE_MAX_MINUTES ||
        c->credits_centi > CERTCODE_MAX_CREDITS)
        return false;
    uint8_t bin[CERTCODE_BINARY_LEN];
    bin[0] = CERTCODE_VERSION;
    put_be(bin + 1, 4, c->event_id);
    put_be(bin + 5, 3, c->attendee_num);
    put_be(bin + 8, 2, c->minutes);
    put_be(bin + 10, 2, c->credits_centi);
    if (!sign_or_verify(bin, sk, true))
        return false;
    char plain[CERTCODE_BASE32_LEN + 1];
    token_base32_encode(bin, sizeof bin, plain);
    size_t o = 0;
    for (size_t i = 0; i < CERTCODE_BASE32_LEN; i++) {
        if (i > 0 && i % GROUP == 0)
            out[o++] = '-';
        out[o++] = plain[i];
    }
    out[o] = '\0';
    return true;
}

enum certcode_status certcode_verify(const char *text, uint32_t event_id,
                                     const uint8_t pk[TOKEN_PUBLIC_KEY_LEN], struct certcode *out)
{
    /* What a person types: any case, blanks and dashes anywhere, 0/1/8 for O/I/B (base32 has
     * none of these digits, so the reading is never ambiguous). */
    char plain[CERTCODE_BASE32_LEN + 1];
    size_t n = 0;
    for (const char *p = text; p != NULL && *p != '\0'; p++) {
        char ch = (char)toupper((unsigned char)*p);
        if (ch == '-' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
            continue;
        if (n == CERTCODE_BASE32_LEN)
            return CERTCODE_MALFORMED;
        plain[n++] = ch == '0' ? 'O' : ch == '1' ? 'I' : ch == '8' ? 'B' : ch;
    }
    uint8_t bin[CERTCODE_BINARY_LEN];
    if (!token_base32_decode(plain, n, bin, sizeof bin))
        return CERTCODE_MALFORMED;
    if (bin[0] != CERTCODE_VERSION)
        return CERTCODE_BAD_VERSION;
    struct certcode c = {
        .event_id = get_be(bin + 1, 4),
        .attendee_num = get_be(bin + 5, 3),
        .minutes = get_be(bin + 8, 2),
        .credits_centi = get_be(bin + 10, 2),
    };
    if (out != NULL)
        *out = c;
    if (c.event_id != event_id)
        return CERTCODE_WRONG_EVENT;
    if (!sign_or_verify(bin, pk, false)) {
        if (out != NULL)
            memset(out, 0, sizeof *out);
        return CERTCODE_BAD_SIGNATURE;
    }
    return CERTCODE_OK;
}
