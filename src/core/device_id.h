/* SPDX-License-Identifier: Apache-2.0 */
/* Device ids: one rule for every place an id enters (portier kiosk --device and its config
 * file, portier sync, portier doctor, portier central add-device, the scan log), so that a
 * kiosk never runs under an id that can have no login at the central database.
 *
 * A device id is its PostgreSQL login role (created quoted, so case and digits are kept): 1 to
 * 63 bytes of ASCII letters, digits, '.', '_' and '-'; not starting with '.' or '-', holding no
 * "..", and not starting with PostgreSQL's or Portier's reserved prefixes (pg_, portier_).
 * Organiser logins follow the same rule. Pure. */
#ifndef PORTIER_DEVICE_ID_H
#define PORTIER_DEVICE_ID_H

#include <stddef.h>

#define DEVICE_ID_MAX 63 /* bytes; PostgreSQL's identifier limit */

/* Checks id. Returns NULL when it is valid, else why not, as a phrase that follows "it"
 * ("is empty", "holds a space", ...); static. */
const char *device_id_check(const char *id);

#endif
