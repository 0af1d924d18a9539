/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the badge token decoder (token_verify) on arbitrary bytes. Properties: a token
 * that verifies has fields in range and re-encodes to the same text (but for case); no token
 * verifies against another event's id. */
#include <stddef.h>
#include <strings.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t pk[TOKEN_PUBLIC_KEY_LEN], sk[TOKEN_SECRET_KEY_LEN];
static int ready;

/* Runs one input; a property violation aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        fuzz_keypair(pk, sk);
        ready = 1;
    }
    /* A copy with no byte after it, so that a read past size is caught by the sanitizer. */
    char *text = malloc(size ? size : 1);
    memcpy(text, data, size);
    struct token t;
    memset(&t, 0xa5, sizeof t);
    enum token_status st = token_verify(text, size, FUZZ_EVENT_ID, pk, &t);
    FUZZ_ASSERT(token_status_text(st) != NULL);
    if (st == TOKEN_OK) {
        FUZZ_ASSERT(size == TOKEN_TEXT_LEN);
        FUZZ_ASSERT(t.version == TOKEN_VERSION && t.event_id == FUZZ_EVENT_ID);
        FUZZ_ASSERT(t.attendee_num <= TOKEN_MAX_ATTENDEE_NUM && t.serial <= TOKEN_MAX_SERIAL);
        char again[TOKEN_TEXT_LEN + 1];
        FUZZ_ASSERT(token_encode(&t, sk, again));
        /* Base32 is read in either case; the encoder writes upper case. */
        FUZZ_ASSERT(strncasecmp(again, text, TOKEN_TEXT_LEN) == 0);
    }
    /* Another event's id: never OK. */
    FUZZ_ASSERT(token_verify(text, size, FUZZ_EVENT_ID + 1, pk, &t) != TOKEN_OK);
    free(text);
    return 0;
}
