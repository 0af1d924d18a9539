/* SPDX-License-Identifier: Apache-2.0 */
/* Device issuing keys in event.db (schema step 4, table device_keys): one row per key, keyed by
 * its public key (hex); a device may have had several keys, at most one not revoked. The walk-in
 * number ranges are allocated here, above every range and attendee number already in the file,
 * so that two devices never give the same number. Every change bumps model_version: kiosks
 * reload, and `portier bundle` carries the table to them. */
#ifndef PORTIER_DEVKEY_DB_H
#define PORTIER_DEVKEY_DB_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "devkey.h"
#include "event.h"

#define EVENT_DB_STEP_DEVICE_KEYS                                                                  \
    "CREATE TABLE device_keys(public_key TEXT PRIMARY KEY, device TEXT NOT NULL,\n"                \
    "  first_num INTEGER NOT NULL, last_num INTEGER NOT NULL, cert TEXT NOT NULL,\n"               \
    "  created_at TEXT NOT NULL, revoked_at TEXT);\n"

/* Loads ev->device_keys from an opened event.db (event_load calls it). */
bool devkey_db_load(sqlite3 *db, const char *db_path, struct event *ev);

/* Makes a new key for device in event_dir: draws a key pair whose key id differs from the
 * event key's and every other device key's, allocates `walkins` walk-in numbers, certifies it
 * with the event's signing key and stores it, in one transaction. Refused when the device
 * already has a key that is not revoked, or no numbers are left. Fills *k and sk. */
bool devkey_db_issue(const char *event_dir, const char *device, uint32_t walkins,
                     struct device_key *k, uint8_t sk[TOKEN_SECRET_KEY_LEN]);

/* Revokes every key of device in event_dir's event.db; *n says how many. False (after logging)
 * when the device has no key that is not revoked. */
bool devkey_db_revoke(const char *event_dir, const char *device, int *n);

/* A device key the sync daemon pulled from the central database (strings borrowed; revoked_at
 * NULL while the key is valid). */
struct devkey_db_pulled {
    const char *public_key, *device, *cert, *created_at, *revoked_at; /* keys in hex */
    int64_t first_num, last_num;
};
/* Adds pulled keys to a kiosk bundle's event.db at db_path, or copies their revocation (never
 * undone), in one transaction that bumps model_version so that the kiosk reloads. Kiosks check
 * each certificate against the event key when they use it (devkey_token_verify): the server
 * cannot make a key the event did not certify. False, changing nothing, with SQLite's reason
 * in why (why_size bytes). */
bool devkey_db_apply_pulled(const char *db_path, const struct devkey_db_pulled *keys, size_t n,
                            char *why, size_t why_size);

#endif
