/* SPDX-License-Identifier: Apache-2.0 */
/* Certificate verification codes: round trip, forgiving reading, and refusal of an altered
 * code, another event's code and another key's signature. */
#include <ctype.h>
#include <string.h>

#include "certcode.h"
#include "check.h"

int main(void)
{
    CHECK(token_init());
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
    uint8_t pk2[TOKEN_PUBLIC_KEY_LEN], sk2[TOKEN_SECRET_KEY_LEN];
    token_keypair(pk, sk);
    token_keypair(pk2, sk2);
    struct certcode c = {
        .event_id = 0xC0FFEE01u, .attendee_num = 4242, .minutes = 317, .credits_centi = 450};
    char code[CERTCODE_TEXT_LEN + 1];
    CHECK(certcode_encode(&c, sk, code));
    CHECK(strlen(code) == CERTCODE_TEXT_LEN && code[5] == '-' &&
          code[CERTCODE_TEXT_LEN - 3] == '-');
    struct certcode got;
    CHECK(certcode_verify(code, c.event_id, pk, &got) == CERTCODE_OK);
    CHECK(got.event_id == c.event_id && got.attendee_num == 4242 && got.minutes == 317 &&
          got.credits_centi == 450);

    /* As typed: lower case, no dashes, blanks, 0 for O, 1 for I, 8 for B. */
    char typed[2 * CERTCODE_TEXT_LEN];
    size_t n = 0;
    for (const char *p = code; *p; p++) {
        if (*p == '-') {
            if (n % 7 == 0)
                typed[n++] = ' ';
            continue;
        }
        typed[n++] = *p == 'O' ? '0' : *p == 'I' ? '1' : *p == 'B' ? '8' : (char)tolower(*p);
    }
    typed[n] = '\0';
    CHECK(certcode_verify(typed, c.event_id, pk, NULL) == CERTCODE_OK);

    /* One character altered, in the fields and in the signature. */
    for (size_t at = 0; at < 2; at++) {
        char bad[sizeof code];
        memcpy(bad, code, sizeof code);
        size_t i = at == 0 ? 14 : 80; /* a minutes digit; the signature */
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        CHECK(certcode_verify(bad, c.event_id, pk, &got) == CERTCODE_BAD_SIGNATURE);
    }
    /* Another event's code; the same event id under another key. */
    struct certcode other = c;
    other.event_id = 7;
    char code2[sizeof code];
    CHECK(certcode_encode(&other, sk2, code2));
    CHECK(certcode_verify(code2, c.event_id, pk, &got) == CERTCODE_WRONG_EVENT &&
          got.event_id == 7);
    CHECK(certcode_encode(&c, sk2, code2));
    CHECK(certcode_verify(code2, c.event_id, pk, NULL) == CERTCODE_BAD_SIGNATURE);
    /* Not a code: too short, too long, a badge token. */
    CHECK(certcode_verify("ABCDE-FGHIJ", c.event_id, pk, NULL) == CERTCODE_MALFORMED);
    char longer[sizeof code + 1];
    snprintf(longer, sizeof longer, "%sA", code);
    CHECK(certcode_verify(longer, c.event_id, pk, NULL) == CERTCODE_MALFORMED);
    char token[TOKEN_TEXT_LEN + 1];
    CHECK(token_encode(&(struct token){.event_id = c.event_id, .attendee_num = 1}, sk, token));
    CHECK(certcode_verify(token, c.event_id, pk, NULL) == CERTCODE_MALFORMED);
    /* Out of range. */
    struct certcode big = c;
    big.minutes = CERTCODE_MAX_MINUTES + 1;
    CHECK(!certcode_encode(&big, sk, code2));
    big = c;
    big.credits_centi = CERTCODE_MAX_CREDITS + 1;
    CHECK(!certcode_encode(&big, sk, code2));
    return check_done();
}
