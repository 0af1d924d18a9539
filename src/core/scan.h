/* A scan: one decision of one kiosk, the unit of the append-only scan log (DESIGN.md §4, §5).
 * Shared by the decision rules, the local store, the sync daemon and the reports. */
#ifndef PORTIER_SCAN_H
#define PORTIER_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#define SCAN_ID_MAX      64 /* bytes of an id (device, room, session, attendee), NUL included */
#define SCAN_BOOT_ID_MAX 40

enum scan_result { RESULT_ADMITTED, RESULT_EXITED, RESULT_DENIED };
#define SCAN_RESULT_COUNT 3

enum scan_reason {
    REASON_OK,
    REASON_REENTRY,
    REASON_INVALID,
    REASON_REVOKED,
    REASON_WRONG_EVENT,
    REASON_UNKNOWN_ATTENDEE,
    REASON_ROOM_FULL,
    REASON_NOT_REGISTERED,
    REASON_ROOM_CLOSED,
    REASON_DUPLICATE,
};
#define SCAN_REASON_COUNT 10

/* What produced the record. Badge scans are the common case; the others are recorded as scans
 * too so that occupancy is always derived from the log alone. */
enum scan_kind {
    SCAN_BADGE,       /* a badge was scanned */
    SCAN_SESSION_END, /* the kiosk let someone out at the end of a session */
    SCAN_MANUAL,      /* staff +1/-1 for a person without a badge (attendee is empty) */
    SCAN_ROOM_CLOSE,  /* staff closed the room */
    SCAN_ROOM_OPEN,   /* staff opened the room */
};
#define SCAN_KIND_COUNT 5

enum kiosk_mode { MODE_ENTRY, MODE_EXIT, MODE_TOGGLE, MODE_OVERVIEW };
#define KIOSK_MODE_COUNT 4

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
    /* Where and what. */
    char room[SCAN_ID_MAX];     /* room id, or "entrance" */
    char session[SCAN_ID_MAX];  /* running session id, or "" */
    char attendee[SCAN_ID_MAX]; /* attendee id, or "" when unknown/invalid/manual */
    enum kiosk_mode mode;
    enum scan_kind kind;
    enum scan_result result;
    enum scan_reason reason;
    bool override; /* admitted past capacity on a staff override */
};

const char *scan_result_name(enum scan_result r);
const char *scan_reason_name(enum scan_reason r);
const char *scan_kind_name(enum scan_kind k);
const char *kiosk_mode_name(enum kiosk_mode m);
/* Parse the names above; return false for an unknown name. */
bool scan_result_parse(const char *s, enum scan_result *out);
bool scan_reason_parse(const char *s, enum scan_reason *out);
bool scan_kind_parse(const char *s, enum scan_kind *out);
bool kiosk_mode_parse(const char *s, enum kiosk_mode *out);

#endif
