/* SPDX-License-Identifier: Apache-2.0 */
/* Verification codes of certificates of attendance: what a certificate claims (who, which
 * event, how many minutes and credits in all), signed with the event's Ed25519 key, so that
 * anyone holding the event's public key (verify.pub) checks a certificate offline. Pure: no
 * I/O, no clock (token_init must have been called).
 *
 * Binary layout (76 bytes), then RFC 4648 base32 (122 characters) in groups of five joined by
 * '-' (146 characters printed):
 *   0      version (CERTCODE_VERSION)
 *   1..4   event id, big-endian uint32
 *   5..7   attendee number, big-endian uint24 (struct attendee.num)
 *   8..9   total minutes present, big-endian uint16
 *   10..11 total credits in hundredths, big-endian uint16
 *   12..75 Ed25519 signature of CERTCODE_CONTEXT followed by bytes 0..11
 * The context keeps a certificate's signature from ever passing for a badge token's, and the
 * reverse. An Ed25519 signature is 64 bytes whatever one does, so the code cannot be shorter
 * than about 120 characters and stay verifiable with the public key alone: the certificate
 * carries it as a QR code too, and verification forgives case, blanks, dashes and the digits
 * 0, 1 and 8 typed for the letters O, I and B.
 */
#ifndef PORTIER_CERTCODE_H
#define PORTIER_CERTCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "token.h"

#define CERTCODE_VERSION     1
#define CERTCODE_BINARY_LEN  76
#define CERTCODE_BASE32_LEN  122                                             /* characters */
#define CERTCODE_TEXT_LEN    (CERTCODE_BASE32_LEN + CERTCODE_BASE32_LEN / 5) /* with dashes */
#define CERTCODE_MAX_MINUTES 0xFFFF
#define CERTCODE_MAX_CREDITS 0xFFFF /* hundredths */

struct certcode {
    uint32_t event_id;
    uint32_t attendee_num;
    uint32_t minutes;
    uint32_t credits_centi;
};

enum certcode_status {
    CERTCODE_OK,
    CERTCODE_MALFORMED,     /* wrong length, characters outside base32 */
    CERTCODE_BAD_VERSION,   /* a format this Portier does not know */
    CERTCODE_WRONG_EVENT,   /* well formed, of another event */
    CERTCODE_BAD_SIGNATURE, /* altered or forged */
};

/* A short English phrase for a status, for portier verify. */
const char *certcode_status_text(enum certcode_status status);

/* Signs c into out (CERTCODE_TEXT_LEN + 1 bytes): groups of five characters joined by '-'.
 * False when a field is out of range. */
bool certcode_encode(const struct certcode *c, const uint8_t sk[TOKEN_SECRET_KEY_LEN], char *out);

/* Checks text against the event's id and public key; on CERTCODE_OK fills *out (may be NULL).
 * On CERTCODE_WRONG_EVENT *out holds the fields read (not verified). */
enum certcode_status certcode_verify(const char *text, uint32_t event_id,
                                     const uint8_t pk[TOKEN_PUBLIC_KEY_LEN], struct certcode *out);

#endif
