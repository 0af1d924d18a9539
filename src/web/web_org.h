/* SPDX-License-Identifier: Apache-2.0 */
/* The dashboard's organiser pages (DESIGN.md §8): People and Reports, from central alone.
 * Both rest on what `portier report --central` computes: the event model read back from
 * central (central_load_event), its scans (report_log_add_central) and report_compute. People
 * searches that model with the kiosk's lookup (lookup.h: the same folding) and shows each
 * match's check-in and the sessions they attended (minutes present > 0); Reports serves the
 * report's files (report_out.h) made at the request. A model and report serve People for
 * WEB_ORG_MAX_AGE_MS; Reports always computes afresh. */
#ifndef PORTIER_WEB_ORG_H
#define PORTIER_WEB_ORG_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define WEB_ORG_MAX_AGE_MS 10000

struct web_org;

/* conninfo is borrowed and must outlive it; owned by the caller. */
struct web_org *web_org_create(const char *conninfo);
void web_org_destroy(struct web_org *org);

/* Appends {"total":N,"people":[{"attendee","name","organisation","category","checked_in"
 * (ISO 8601 in the event's zone, or null),"sessions":[{"id","title","start","registered",
 * "minutes"}]}]} for query (at most LOOKUP_MAX_RESULTS people, no e-mail) to out. Returns 200,
 * 400 (query too short or too long: out holds {"error"}) or 503 (central unreachable). */
int web_org_people_json(struct web_org *org, const char *query, struct strbuf *out);

/* The report file name (one of report_out.h's, not report.xlsx) made now into *data (owned)
 * and *len; *type its Content-Type. Returns 200, 404 (no such file) or 503. */
int web_org_report_file(struct web_org *org, const char *name, char **data, size_t *len,
                        const char **type);

/* The names of the files web_org_report_file makes, NULL-terminated. */
extern const char *const web_org_report_names[];

#endif
