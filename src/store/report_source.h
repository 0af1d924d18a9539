/* SPDX-License-Identifier: Apache-2.0 */
/* Where a report's scans come from: kiosk databases collected after the event (the central
 * database is sync/central.h's). */
#ifndef PORTIER_REPORT_SOURCE_H
#define PORTIER_REPORT_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"

/* Adds every scan of a kiosk database (its own and those synced from other kiosks), and the
 * boot offsets its sync daemon copied from central (sync.boot_offsets), to be dated as central
 * dates them (report_log_add_kiosk_scan): with every log in, an unsynchronised kiosk's scans
 * get central's times; a boot no log holds an offset for (a kiosk that never synced) keeps its
 * raw wall times, counted in report.undated_scans. The file is never written: it is read from a
 * private copy (with its WAL). Refuses a log bound to another event than (event_id, key_id)
 * (store_bind_event; an unbound log, made before logs were bound, is taken). Returns false after
 * logging why. */
bool report_log_add_kiosk_db(struct report_log *log, const char *path, uint32_t event_id,
                             uint16_t key_id);
#endif
