/* SPDX-License-Identifier: Apache-2.0 */
/* Device issuing keys: each kiosk or desk that reprints badges or registers walk-ins holds its
 * own Ed25519 key, certified by the event key, never the event key itself (a stolen kiosk must
 * not forge badges for ever: its key is revoked, and kiosks that pulled the revocation refuse
 * every badge it signed). Pure: no I/O, no clock.
 *
 * A device-signed badge has the ordinary token layout (token.h): its key id is the device key's
 * (the first two bytes of BLAKE2b-256 of the device public key), so a kiosk finds the signer
 * among the event key and the certified device keys by key id, then checks the signature. Key
 * ids are 16 bits: `portier device-key` draws keys until the id differs from the event key's
 * and every other device key's, and verification tries every key with that id anyway.
 *
 * The certificate is the event key's Ed25519 signature over
 *   "PORTIER-DEVKEY-1" (16 bytes) | event id (4, big-endian) | first walk-in number (4) |
 *   last walk-in number (4) | device public key (32) | device id, NUL-padded (64)
 * The walk-in numbers [first, last] are the attendee numbers this device may give to the
 * attendees it registers offline; ranges of different devices never overlap (allocated from
 * DEVKEY_WALKIN_FIRST up in the event database), so two desks never make the same id. */
#ifndef PORTIER_DEVKEY_H
#define PORTIER_DEVKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device_id.h"
#include "token.h"

#define DEVKEY_CERT_LEN      64
#define DEVKEY_WALKIN_FIRST  10000000u /* walk-in attendee numbers start here */
#define DEVKEY_WALKIN_LAST   TOKEN_MAX_ATTENDEE_NUM
#define DEVKEY_WALKIN_PREFIX "W" /* walk-in attendee ids: "W" and the number */

struct device_key {
    char device[DEVICE_ID_MAX + 1];
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN];
    uint32_t first_num, last_num; /* walk-in numbers this device may give */
    uint8_t cert[DEVKEY_CERT_LEN];
    bool revoked;
};

struct event;

/* Signs k's certificate (k->cert) with the event's secret key; false when a field is out of
 * range (device id empty or too long, numbers outside the walk-in range or reversed). */
bool devkey_certify(const uint8_t event_sk[TOKEN_SECRET_KEY_LEN], uint32_t event_id,
                    struct device_key *k);
/* True when k->cert is the event key's signature over k's fields. */
bool devkey_cert_valid(const uint8_t event_pk[TOKEN_PUBLIC_KEY_LEN], uint32_t event_id,
                       const struct device_key *k);

/* Verifies a badge token against the event key and ev's device keys (certificates checked
 * against event_pk). On TOKEN_OK fills *out and sets *signer to the device key that signed it
 * (NULL: the event key); the caller refuses a badge whose signer is revoked. A token whose key
 * id matches no key, or only keys whose certificate does not verify, is TOKEN_UNKNOWN_KEY. */
enum token_status devkey_token_verify(const struct event *ev,
                                      const uint8_t event_pk[TOKEN_PUBLIC_KEY_LEN],
                                      const char *text, size_t len, struct token *out,
                                      const struct device_key **signer);

/* The device key of ev for a device id, or NULL. */
const struct device_key *devkey_find(const struct event *ev, const char *device);

/* The device key file: text lines "name=value" (event, device, public, secret, first, last,
 * cert; keys and signature in lowercase hex). Formats into a malloc'd string. */
char *devkey_file_format(uint32_t event_id, const struct device_key *k,
                         const uint8_t sk[TOKEN_SECRET_KEY_LEN]);
/* Parses a device key file's text; false with a message in err (errlen bytes, "line N: ...")
 * when a line is malformed, a field is missing or the secret key does not match the public. */
bool devkey_file_parse(const char *text, uint32_t *event_id, struct device_key *k,
                       uint8_t sk[TOKEN_SECRET_KEY_LEN], char *err, size_t errlen);

/* Hex helpers: writes 2n lowercase digits and a NUL; reads exactly n bytes from 2n digits. */
void devkey_hex_encode(const uint8_t *bin, size_t n, char *out);
bool devkey_hex_decode(const char *text, size_t len, uint8_t *bin, size_t n);

#endif
