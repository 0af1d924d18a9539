/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the CSV importer's validation (roster_parse_rooms/sessions/attendees) on
 * arbitrary bytes; the first byte picks the file. Property: a file is accepted exactly when it
 * adds no error, and everything accepted is well-formed (valid ids, capacities > 0, sessions
 * that end after they start, names that are valid UTF-8). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "roster.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs one input; a property violation aborts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int which = data[0] % 3;
    char *copy = malloc(size > 1 ? size - 1 : 1);
    memcpy(copy, data + 1, size - 1);
    static const char *const rooms[] = {"aula", "lab.1"};
    static const char *const sessions[] = {"s-am", "s-pm"};
    struct roster r;
    memset(&r, 0, sizeof r);
    struct roster_errors errs;
    memset(&errs, 0, sizeof errs);
    bool ok;
    if (which == 0)
        ok = roster_parse_rooms(&r, "rooms.csv", copy, size - 1, &errs);
    else if (which == 1)
        ok = roster_parse_sessions(&r, "sessions.csv", copy, size - 1, rooms, 2, &errs);
    else
        ok = roster_parse_attendees(&r, "attendees.csv", copy, size - 1, sessions, 2, &errs);
    FUZZ_ASSERT(ok == (errs.n == 0));
    for (size_t i = 0; i < errs.n; i++)
        FUZZ_ASSERT(errs.items[i] != NULL);
    if (ok) {
        for (size_t i = 0; i < r.n_rooms; i++) {
            FUZZ_ASSERT(roster_id_valid(r.rooms[i].id, NULL) && r.rooms[i].capacity > 0);
            FUZZ_ASSERT(utf8_valid(r.rooms[i].name, strlen(r.rooms[i].name), NULL));
        }
        for (size_t i = 0; i < r.n_sessions; i++) {
            FUZZ_ASSERT(roster_id_valid(r.sessions[i].id, NULL));
            FUZZ_ASSERT(r.sessions[i].end_ms > r.sessions[i].start_ms);
        }
        for (size_t i = 0; i < r.n_attendees; i++) {
            FUZZ_ASSERT(roster_id_valid(r.attendees[i].id, NULL));
            FUZZ_ASSERT(utf8_valid(r.attendees[i].name, strlen(r.attendees[i].name), NULL));
        }
    }
    roster_errors_finish(&errs);
    roster_finish(&r);
    free(copy);
    return 0;
}
