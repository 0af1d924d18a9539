/* SPDX-License-Identifier: Apache-2.0 */
/* What the fuzz targets share: a fixed Ed25519 key pair and event id, so that seeds holding
 * valid badge tokens (made by fuzz_make_seeds) verify in every run, and a check that stops the
 * run (abort: the fuzzer reports a crash) when a property fails. */
#ifndef PORTIER_FUZZ_COMMON_H
#define PORTIER_FUZZ_COMMON_H

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

#define FUZZ_EVENT_ID 0x50525431u /* "PRT1" */

/* Aborts with a message when cond is false: a property violation is a crash. */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The fuzz key pair: derived from a fixed seed, the same in every run. */
static inline void fuzz_keypair(uint8_t pk[TOKEN_PUBLIC_KEY_LEN], uint8_t sk[TOKEN_SECRET_KEY_LEN])
{
    unsigned char seed[crypto_sign_SEEDBYTES];
    for (size_t i = 0; i < sizeof seed; i++)
        seed[i] = (unsigned char)(0x5a ^ i);
    if (!token_init())
        abort();
    crypto_sign_seed_keypair(pk, sk, seed);
}

#endif
