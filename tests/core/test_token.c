/* SPDX-License-Identifier: Apache-2.0 */
/* Badge tokens: round trip, every refusal reachable and distinct, strict base32, forgery. */
#include "token.h"

#include <ctype.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define FORGERY_ROUNDS 10000

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

/* xorshift64*: reproducible randomness for the forgery rounds. */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Du;
}

/* The test's own base32 encoder (an independent implementation to cross-check token.c). */
static void b32_encode(const uint8_t bin[TOKEN_BINARY_LEN], char out[TOKEN_TEXT_LEN + 1])
{
    for (size_t i = 0; i < TOKEN_TEXT_LEN; i++) {
        size_t bit = i * 5;
        unsigned v = 0;
        for (size_t b = 0; b < 5; b++) {
            size_t k = bit + b;
            v = v << 1 | ((bin[k / 8] >> (7 - k % 8)) & 1);
        }
        out[i] = alphabet[v];
    }
    out[TOKEN_TEXT_LEN] = '\0';
}

/* The test's own base32 decoder; false on a character outside the alphabet. */
static bool b32_decode(const char *text, uint8_t bin[TOKEN_BINARY_LEN])
{
    memset(bin, 0, TOKEN_BINARY_LEN);
    for (size_t i = 0; i < TOKEN_TEXT_LEN; i++) {
        const char *p = strchr(alphabet, toupper((unsigned char)text[i]));
        if (p == NULL || *p == '\0')
            return false;
        unsigned v = (unsigned)(p - alphabet);
        for (size_t b = 0; b < 5; b++) {
            size_t k = i * 5 + b;
            if (v >> (4 - b) & 1)
                bin[k / 8] |= (uint8_t)(1u << (7 - k % 8));
        }
    }
    return true;
}

/* Builds a signed binary token with arbitrary header bytes, as a forger with a key would. */
static void craft(uint8_t version, uint16_t key_id, uint32_t event, uint32_t num, uint8_t serial,
                  const uint8_t *sk, char out[TOKEN_TEXT_LEN + 1])
{
    uint8_t bin[TOKEN_BINARY_LEN] = {version,
                                     (uint8_t)(key_id >> 8),
                                     (uint8_t)key_id,
                                     (uint8_t)(event >> 24),
                                     (uint8_t)(event >> 16),
                                     (uint8_t)(event >> 8),
                                     (uint8_t)event,
                                     (uint8_t)(num >> 16),
                                     (uint8_t)(num >> 8),
                                     (uint8_t)num,
                                     serial};
    crypto_sign_detached(bin + 11, NULL, bin, 11, sk);
    b32_encode(bin, out);
}

/* Verifies a copy of text in a heap buffer of exactly len bytes, so that ASan sees any read
 * past the end. */
static enum token_status verify_exact(const char *text, size_t len, uint32_t event,
                                      const uint8_t *pk, struct token *out)
{
    char *buf = malloc(len ? len : 1);
    memcpy(buf, text, len);
    enum token_status st = token_verify(buf, len, event, pk, out);
    free(buf);
    return st;
}

/* The status a verifier must give when bit `bit` of a valid binary token is flipped. */
static enum token_status expected_for_bit(size_t bit)
{
    size_t byte = bit / 8;
    if (byte == 0)
        return TOKEN_BAD_VERSION;
    if (byte <= 2)
        return TOKEN_UNKNOWN_KEY;
    if (byte <= 6)
        return TOKEN_WRONG_EVENT;
    return TOKEN_BAD_SIGNATURE;
}

int main(void)
{
    CHECK(token_init());
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
    uint8_t pk2[TOKEN_PUBLIC_KEY_LEN], sk2[TOKEN_SECRET_KEY_LEN];
    token_keypair(pk, sk);
    do
        token_keypair(pk2, sk2);
    while (token_key_id(pk2) == token_key_id(pk));
    const uint32_t event = 0x2024A1B2u;

    /* Key id: first two bytes of BLAKE2b-256(pk), big-endian. */
    uint8_t hash[32];
    crypto_generichash(hash, sizeof hash, pk, sizeof pk, NULL, 0);
    CHECK(token_key_id(pk) == (uint16_t)(hash[0] << 8 | hash[1]));

    /* Round trip. */
    struct token t = {.event_id = event, .attendee_num = 42, .serial = 3};
    char text[TOKEN_TEXT_LEN + 1], again[TOKEN_TEXT_LEN + 1];
    CHECK(token_encode(&t, sk, text));
    CHECK(strlen(text) == TOKEN_TEXT_LEN);
    CHECK(strspn(text, alphabet) == TOKEN_TEXT_LEN);
    CHECK(token_encode(&t, sk, again));
    CHECK_STR(text, again); /* Ed25519 is deterministic */
    struct token got;
    memset(&got, 0xAA, sizeof got);
    CHECK(verify_exact(text, TOKEN_TEXT_LEN, event, pk, &got) == TOKEN_OK);
    CHECK(got.version == TOKEN_VERSION);
    CHECK(got.key_id == token_key_id(pk));
    CHECK(got.event_id == event);
    CHECK(got.attendee_num == 42);
    CHECK(got.serial == 3);
    CHECK(token_verify(text, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_OK);

    /* The layout, read back with the test's own decoder. */
    uint8_t bin[TOKEN_BINARY_LEN];
    CHECK(b32_decode(text, bin));
    CHECK(bin[0] == TOKEN_VERSION);
    CHECK((bin[1] << 8 | bin[2]) == token_key_id(pk));
    CHECK(bin[3] == 0x20 && bin[4] == 0x24 && bin[5] == 0xA1 && bin[6] == 0xB2);
    CHECK(bin[7] == 0 && bin[8] == 0 && bin[9] == 42 && bin[10] == 3);
    CHECK(crypto_sign_verify_detached(bin + 11, bin, 11, pk) == 0);
    b32_encode(bin, again);
    CHECK_STR(again, text);

    /* Range checks in token_encode; the extremes round-trip. */
    struct token max = {
        .event_id = UINT32_MAX, .attendee_num = TOKEN_MAX_ATTENDEE_NUM, .serial = TOKEN_MAX_SERIAL};
    CHECK(token_encode(&max, sk, again));
    CHECK(token_verify(again, TOKEN_TEXT_LEN, UINT32_MAX, pk, &got) == TOKEN_OK);
    CHECK(got.attendee_num == TOKEN_MAX_ATTENDEE_NUM && got.serial == TOKEN_MAX_SERIAL);
    struct token zero = {0};
    CHECK(token_encode(&zero, sk, again));
    CHECK(token_verify(again, TOKEN_TEXT_LEN, 0, pk, &got) == TOKEN_OK);
    struct token bad = max;
    bad.attendee_num = TOKEN_MAX_ATTENDEE_NUM + 1;
    CHECK(!token_encode(&bad, sk, again));
    bad = max;
    bad.serial = TOKEN_MAX_SERIAL + 1;
    CHECK(!token_encode(&bad, sk, again));
    bad.attendee_num = UINT32_MAX;
    CHECK(!token_encode(&bad, sk, again));

    /* Each refusal, reachable and distinct. */
    char forged[TOKEN_TEXT_LEN + 1];
    CHECK(verify_exact(text, TOKEN_TEXT_LEN, event + 1, pk, NULL) == TOKEN_WRONG_EVENT);
    CHECK(verify_exact(text, TOKEN_TEXT_LEN, event, pk2, NULL) == TOKEN_UNKNOWN_KEY);
    craft(2, token_key_id(pk), event, 42, 3, sk, forged);
    CHECK(verify_exact(forged, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_BAD_VERSION);
    craft(0, token_key_id(pk), event, 42, 3, sk, forged);
    CHECK(verify_exact(forged, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_BAD_VERSION);
    /* Signed by another key that claims this key's id. */
    craft(TOKEN_VERSION, token_key_id(pk), event, 42, 3, sk2, forged);
    CHECK(verify_exact(forged, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_BAD_SIGNATURE);
    /* One altered byte: attendee 42 -> 43, signature kept. */
    CHECK(b32_decode(text, bin));
    bin[9] = 43;
    b32_encode(bin, forged);
    CHECK(verify_exact(forged, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_BAD_SIGNATURE);
    /* An altered signature byte. */
    CHECK(b32_decode(text, bin));
    bin[40] ^= 0x01;
    b32_encode(bin, forged);
    CHECK(verify_exact(forged, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_BAD_SIGNATURE);
    /* A well-formed header with an all-zero signature. */
    CHECK(b32_decode(text, bin));
    memset(bin + 11, 0, TOKEN_BINARY_LEN - 11);
    b32_encode(bin, forged);
    CHECK(verify_exact(forged, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_BAD_SIGNATURE);

    /* Malformed input. */
    CHECK(verify_exact(text, TOKEN_TEXT_LEN - 1, event, pk, NULL) == TOKEN_MALFORMED);
    CHECK(verify_exact(text, 10, event, pk, NULL) == TOKEN_MALFORMED);
    CHECK(verify_exact("", 0, event, pk, NULL) == TOKEN_MALFORMED);
    CHECK(token_verify(NULL, 0, event, pk, NULL) == TOKEN_MALFORMED);
    char longer[TOKEN_TEXT_LEN + 8];
    memcpy(longer, text, TOKEN_TEXT_LEN);
    memcpy(longer + TOKEN_TEXT_LEN, "A", 1);
    CHECK(verify_exact(longer, TOKEN_TEXT_LEN + 1, event, pk, NULL) == TOKEN_MALFORMED);
    memcpy(longer + TOKEN_TEXT_LEN, "\n", 1);
    CHECK(verify_exact(longer, TOKEN_TEXT_LEN + 1, event, pk, NULL) == TOKEN_MALFORMED);
    memcpy(longer + TOKEN_TEXT_LEN, "====", 4);
    CHECK(verify_exact(longer, TOKEN_TEXT_LEN + 4, event, pk, NULL) == TOKEN_MALFORMED);
    char garbage[TOKEN_TEXT_LEN];
    memset(garbage, '!', sizeof garbage);
    CHECK(verify_exact(garbage, sizeof garbage, event, pk, NULL) == TOKEN_MALFORMED);
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (char)(rng() & 0xFF);
    CHECK(verify_exact(garbage, sizeof garbage, event, pk, NULL) == TOKEN_MALFORMED);
    const char *bad_chars = "0189=- \t\n\r.:/+\x80\xff";
    for (const char *c = bad_chars; *c != '\0'; c++) {
        memcpy(forged, text, sizeof forged);
        forged[57] = *c;
        CHECK_MSG(verify_exact(forged, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_MALFORMED,
                  "char 0x%02x", (unsigned char)*c);
    }
    memcpy(forged, text, sizeof forged);
    forged[0] = '\0'; /* an embedded NUL is just a bad character */
    CHECK(verify_exact(forged, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_MALFORMED);

    /* Lowercase (a keyboard-wedge scanner with caps lock) and mixed case are the same token. */
    char lower[TOKEN_TEXT_LEN + 1];
    for (size_t i = 0; i <= TOKEN_TEXT_LEN; i++)
        lower[i] = (char)tolower((unsigned char)text[i]);
    CHECK(verify_exact(lower, TOKEN_TEXT_LEN, event, pk, &got) == TOKEN_OK);
    CHECK(got.attendee_num == 42);
    lower[0] = text[0];
    CHECK(verify_exact(lower, TOKEN_TEXT_LEN, event, pk, NULL) == TOKEN_OK);

    /* Status texts: present and distinct. */
    for (int a = TOKEN_OK; a <= TOKEN_BAD_SIGNATURE; a++) {
        CHECK(token_status_text(a) != NULL && token_status_text(a)[0] != '\0');
        for (int b = a + 1; b <= TOKEN_BAD_SIGNATURE; b++)
            CHECK(strcmp(token_status_text(a), token_status_text(b)) != 0);
    }
    CHECK_STR(token_status_text(TOKEN_BAD_SIGNATURE), "bad signature");

    /* Forgery, text: a single flipped bit never yields another valid token. Flipping 0x20 of
     * a letter only changes its case, which is the same token (lowercase is accepted): that
     * one must verify to the same fields. */
    int text_fail = 0, case_flips = 0, tokens = 0;
    for (int round = 0; round < FORGERY_ROUNDS; round++) {
        if (round % 100 == 0) {
            t.attendee_num = (uint32_t)(rng() % (TOKEN_MAX_ATTENDEE_NUM + 1));
            t.serial = (uint32_t)(rng() % 256);
            CHECK(token_encode(&t, sk, text));
            tokens++;
        }
        memcpy(forged, text, sizeof forged);
        size_t bit = rng() % (TOKEN_TEXT_LEN * 8);
        forged[bit / 8] = (char)(forged[bit / 8] ^ (1 << (bit % 8)));
        enum token_status st = verify_exact(forged, TOKEN_TEXT_LEN, event, pk, &got);
        if (st == TOKEN_OK) {
            bool same = bit % 8 == 5 && isalpha((unsigned char)text[bit / 8]) &&
                        got.attendee_num == t.attendee_num && got.serial == t.serial;
            if (same)
                case_flips++;
            else
                text_fail++;
        }
    }
    CHECK_MSG(text_fail == 0, "%d text bit flips verified", text_fail);
    CHECK(case_flips > 0 && tokens == FORGERY_ROUNDS / 100);

    /* Forgery, binary: flip one bit of the decoded token and re-encode; the refusal names the
     * field that changed. */
    int bin_wrong = 0;
    for (int round = 0; round < FORGERY_ROUNDS; round++) {
        if (round % 100 == 0) {
            t.attendee_num = (uint32_t)(rng() % (TOKEN_MAX_ATTENDEE_NUM + 1));
            CHECK(token_encode(&t, sk, text));
        }
        CHECK(b32_decode(text, bin));
        size_t bit = rng() % (TOKEN_BINARY_LEN * 8);
        bin[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        b32_encode(bin, forged);
        enum token_status st = verify_exact(forged, TOKEN_TEXT_LEN, event, pk, NULL);
        if (st != expected_for_bit(bit)) {
            if (bin_wrong++ < 5)
                fprintf(stderr, "bit %zu: got %s\n", bit, token_status_text(st));
        }
    }
    CHECK_MSG(bin_wrong == 0, "%d binary bit flips gave the wrong status", bin_wrong);

    /* Forgery, truncation: every prefix of a valid token is malformed. */
    int trunc_fail = 0;
    for (int round = 0; round < FORGERY_ROUNDS; round++) {
        if (round % 100 == 0) {
            t.serial = (uint32_t)(rng() % 256);
            CHECK(token_encode(&t, sk, text));
        }
        size_t len = rng() % TOKEN_TEXT_LEN;
        if (verify_exact(text, len, event, pk, NULL) != TOKEN_MALFORMED)
            trunc_fail++;
    }
    CHECK_MSG(trunc_fail == 0, "%d truncations were not malformed", trunc_fail);

    return check_done();
}
