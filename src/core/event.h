/* SPDX-License-Identifier: Apache-2.0 */
/* The event model in memory: rooms, sessions, attendees, revocations. Pure; it is stored in
 * EVENT_DIR/event.db (store/event_db.h loads and writes it). An attendee's `num` is the compact
 * number a badge token carries; `serial` is the current badge's serial (see event_db.h). */
#ifndef PORTIER_EVENT_H
#define PORTIER_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An attendee's language and category, with their names, come from vocab.def. */
enum language {
#define VOCAB_LANGUAGE(id, name, endonym) id,
#include "vocab.def"
};
enum {
    LANG_COUNT = 0
#define VOCAB_LANGUAGE(id, name, endonym) +1
#include "vocab.def"
};
enum category {
#define VOCAB_CATEGORY(id, name) id,
#include "vocab.def"
};
enum {
    CATEGORY_COUNT = 0
#define VOCAB_CATEGORY(id, name) +1
#include "vocab.def"
};

struct room {
    char *id;
    char *name;
    int capacity;
};

struct session {
    char *id;
    size_t room; /* index into event.rooms */
    char *title;
    int64_t start_ms, end_ms;
    int32_t credits_centi; /* continuing-education credits in hundredths; -1 when none */
};

struct attendee {
    char *id;
    uint32_t num;
    char *name;
    char *organisation;
    char *email; /* NULL in kiosk bundles */
    enum language language;
    enum category category;
    uint32_t serial;
    size_t *sessions; /* indexes into event.sessions, sorted */
    size_t n_sessions;
    int32_t *days; /* the local dates (time_days_from_civil) the badge is valid on, sorted; */
    size_t n_days; /* none: every day (the optional attendees.csv column 'days') */
};

struct revocation {
    uint32_t num;
    uint32_t serial;
};

struct event_index;
struct device_key;

struct event {
    uint32_t event_id;
    uint16_t key_id;
    char *name;
    char *timezone;
    struct room *rooms;
    size_t n_rooms;
    struct session *sessions; /* sorted by (room, start) */
    size_t n_sessions;
    struct attendee *attendees; /* sorted by num */
    size_t n_attendees;
    struct revocation *revocations; /* sorted by (num, serial) */
    size_t n_revocations;
    struct device_key *device_keys; /* certified issuing keys of kiosks and desks (devkey.h) */
    size_t n_device_keys;
    struct event_index *index; /* rooms, sessions, attendees by id: event_index_build */
};

/* Frees an event and its index; NULL is a no-op. */
void event_destroy(struct event *ev);

/* Builds, or builds again, the index of ev's rooms, sessions and attendees by id that the id
 * lookups below use (O(1) each). Whoever fills ev's tables, or reorders them, calls it after:
 * event_load does, and so must code that builds an event by hand. Where an id occurs twice,
 * the first one wins. */
void event_index_build(struct event *ev);
/* Frees ev's index alone (for an event built by hand, whose tables its maker frees);
 * event_destroy calls it. An event without an index is a no-op. */
void event_index_finish(struct event *ev);

/* Lookups; return NULL (or SIZE_MAX for indexes) when absent, and for ids also when ev has no
 * index (see event_index_build). Pointers are borrowed from ev. */
const struct attendee *event_attendee_by_num(const struct event *ev, uint32_t num);
const struct attendee *event_attendee_by_id(const struct event *ev, const char *id);
size_t event_room_index(const struct event *ev, const char *room_id);
size_t event_session_index(const struct event *ev, const char *session_id);
/* Sorts an attendee's registrations, as event_is_registered expects (after loading). */
void event_attendee_sort_sessions(struct attendee *a);
/* True when the attendee registered for the session. */
bool event_is_registered(const struct attendee *a, size_t session);
/* Sets the attendee's days from "YYYY-MM-DD;YYYY-MM-DD..." ("" or NULL: every day); false,
 * leaving none, when an entry is not a date. */
bool event_attendee_set_days(struct attendee *a, const char *text);
/* True when the attendee's badge is valid on the local date `day` (every day when no days). */
bool event_valid_on_day(const struct attendee *a, int64_t day);
/* The days of the event: the local dates (local_day of the sessions' starts; NULL: the UTC
 * date) sorted, once each, into out (room for ev->n_sessions). Returns how many. More than one:
 * a multi-day event, whose check-ins count per day. */
size_t event_session_days(const struct event *ev, int64_t (*local_day)(int64_t unix_ms),
                          int64_t *out);
/* Attendees (staff excluded) whose badge is valid on the local date `day`: those expected. */
int event_expected_on_day(const struct event *ev, int64_t day);
/* True when the badge (num, serial) has been revoked. */
bool event_is_revoked(const struct event *ev, uint32_t num, uint32_t serial);

/* Names as written in CSV files and in the database ("nl", "speaker", ...). (vocab.c) */
const char *language_name(enum language lang);
bool language_parse(const char *s, enum language *out);
const char *category_name(enum category cat);
bool category_parse(const char *s, enum category *out);

#endif
