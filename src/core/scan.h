/* SPDX-License-Identifier: Apache-2.0 */
/* A scan: one decision of one kiosk, the unit of the append-only scan log (DESIGN.md §4, §5).
 * Shared by the decision rules, the local store, the sync daemon and the reports. */
#ifndef PORTIER_SCAN_H
#define PORTIER_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#define SCAN_ID_MAX      64 /* bytes of an id (device, room, session, attendee), NUL included */
#define SCAN_BOOT_ID_MAX 40

/* The vocabularies of a scan, with their names, come from vocab.def. */
enum scan_result {
#define VOCAB_RESULT(id, name) id,
#include "vocab.def"
};
enum {
    SCAN_RESULT_COUNT = 0
#define VOCAB_RESULT(id, name) +1
#include "vocab.def"
};

enum scan_reason {
#define VOCAB_REASON(id, name, denied_msg) id,
#include "vocab.def"
};
enum {
    SCAN_REASON_COUNT = 0
#define VOCAB_REASON(id, name, denied_msg) +1
#include "vocab.def"
};

/* What produced the record. Badge scans are the common case; the others are recorded as scans
 * too so that occupancy is always derived from the log alone. A SCAN_MANUAL record (staff's
 * +1/-1 for a person without a badge) has an empty attendee. */
enum scan_kind {
#define VOCAB_KIND(id, name) id,
#include "vocab.def"
};
enum {
    SCAN_KIND_COUNT = 0
#define VOCAB_KIND(id, name) +1
#include "vocab.def"
};

enum kiosk_mode {
#define VOCAB_MODE(id, name, msg) id,
#include "vocab.def"
};
enum {
    KIOSK_MODE_COUNT = 0
#define VOCAB_MODE(id, name, msg) +1
#include "vocab.def"
};

struct scan {
    /* The key: unique across every kiosk of every event. */
    char device_id[SCAN_ID_MAX];
    int64_t db_epoch;
    int64_t seq;
    /* When: wall clock (Unix ms), monotonic clock (ns), boot, and whether the wall clock was
     * synchronised at the time. */
    int64_t wall_ms;
    int64_t mono_ns;
    char boot_id[SCAN_BOOT_ID_MAX];
    bool clock_synced;
    /* The wall time was given, not read from a clock: a replay's explicit timestamp or a kiosk
     * started with --clock. It stands as the scan's time everywhere (never clock_synced too).
     * The time source: clock_synced 'synced', clock_given 'given', neither 'unsynced'. */
    bool clock_given;
    /* When this kiosk's log received the scan from another device, by this kiosk's wall clock
     * (Unix ms); 0 for the kiosk's own scans and wherever it is not known. */
    int64_t received_ms;
    /* Where and what. */
    char room[SCAN_ID_MAX];     /* room id, or "entrance" */
    char session[SCAN_ID_MAX];  /* running session id, or "" */
    char attendee[SCAN_ID_MAX]; /* attendee id, or "" when unknown/invalid/manual */
    enum kiosk_mode mode;
    enum scan_kind kind;
    enum scan_result result;
    enum scan_reason reason;
    bool override; /* admitted past capacity on a staff override */
    /* REASON_MANUAL and other staff actions taken by name (DESIGN.md §7): the attendee id of
     * the staff member who took it; "" otherwise. */
    char staff[SCAN_ID_MAX];
};

const char *scan_result_name(enum scan_result r);
const char *scan_reason_name(enum scan_reason r);
const char *scan_kind_name(enum scan_kind k);
const char *kiosk_mode_name(enum kiosk_mode m);
/* Parse the names above; return false for an unknown name. (vocab.c) */
bool scan_result_parse(const char *s, enum scan_result *out);
bool scan_reason_parse(const char *s, enum scan_reason *out);
bool scan_kind_parse(const char *s, enum scan_kind *out);
bool kiosk_mode_parse(const char *s, enum kiosk_mode *out);

#endif
