/* SPDX-License-Identifier: Apache-2.0 */
/* Personal data (the event is in the EU): erasing an attendee's name, organisation and e-mail
 * address everywhere Portier keeps them, while every count stays the same.
 *
 * What is erased: attendees.name (replaced by PRIVACY_FORGOTTEN_NAME), organisation ('') and
 * email (NULL) in an EVENT_DIR's event.db, in kiosk bundles' event.db, and in the central
 * portier.attendees (where the row's version moves on, so that every kiosk's sync daemon pulls
 * the change into its bundle on its next sync) and, for a walk-in, in central's record of the
 * kiosk that registered them (portier.issues; the kiosk's own scan log keeps it). What stays: the
 * attendee id and number, the category and the registrations, and the scan logs (which hold only
 * the id): the reports' counts are unchanged. The old bytes are overwritten (SQLite: secure_delete
 * and VACUUM, the WAL truncated; PostgreSQL: VACUUM FULL of portier.attendees and portier.issues).
 * PostgreSQL's WAL archive and backups, and files written earlier (badges, tokens.csv, reports),
 * are outside these databases: the commands say which files to delete, or delete badges in a
 * --badges DIR.
 */
#ifndef PORTIER_PRIVACY_H
#define PORTIER_PRIVACY_H

#include <stdbool.h>
#include <stddef.h>

#define PRIVACY_FORGOTTEN_NAME "(forgotten)"

/* Erases the personal data of attendee_id (NULL: of everyone) in an event.db (an EVENT_DIR's
 * or a kiosk bundle's). Stores in *n how many attendees changed (may be NULL). Fails, changing
 * nothing, for an unknown attendee_id. Logs why on failure. */
bool privacy_forget_event_db(const char *db_path, const char *attendee_id, size_t *n);
/* Deletes the badge files in a `portier badges --out` directory: <id>.png of attendee_id
 * (NULL: of every attendee in ids[0..n_ids)), tokens.csv's names (the rows stay, the name
 * is replaced) or, for everyone, tokens.csv itself, and the PDF sheets (which show names).
 * Stores how many files it removed or rewrote in *n. */
bool privacy_forget_badges(const char *dir, const char *attendee_id, const char *const *ids,
                           size_t n_ids, size_t *n);

/* portier forget [EVENT_DIR] [--central CONNINFO] [--bundle KIOSK_DIR]... [--badges DIR] ID */

/* portier purge EVENT_DIR [--central CONNINFO] [--bundle KIOSK_DIR]... [--badges DIR]
 * [--force] */

#endif
