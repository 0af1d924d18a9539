/* SPDX-License-Identifier: Apache-2.0 */
/* Organiser reports (portier report): attendance per session, per attendee, occupancy and
 * arrivals per 5 minutes, and one self-contained HTML page.
 *
 * One core for every source. Scans are added to a struct report_log from kiosk databases
 * collected after the event (report_log_add_kiosk_db: an unsynchronised kiosk's scans dated
 * as central dates them, report_clock.h) or from the central database (report_log_add_central,
 * corrected times from portier.scans_timed); report_compute then
 * removes duplicates by key (device_id, db_epoch, seq), sorts by (time, device_id, db_epoch,
 * seq) and derives every figure in one pass. Two sources holding the same set of scans with
 * the same times therefore give byte-identical files.
 *
 * Semantics (those of occupancy.h, which the pass folds the scans into):
 *   - Staff are never counted: not in occupancy, attendance, check-ins or registrations.
 *   - An admission into room R at T counts until the attendee's next move (another room, an
 *     exit, the entrance) or the end of the first session of R that ends after T, whichever
 *     comes first. Minutes present in a session are the overlap of those stretches with the
 *     session's [start, end); an attendee attended a session when that overlap is > 0.
 *   - Peak occupancy of a session: the maximum over [start, end) of the room's count (badges,
 *     speakers and press, and staff's manual +1/-1), with the first time it was reached.
 *   - No-shows: registered for the session, checked in at the entrance before it ended, did
 *     not attend it.
 *   - Refusals (room_full; not_registered = seats reserved) and manual +1s belong to the
 *     session running or about to run at their time (the first of the room ending after it),
 *     counted as distinct attendees (manual: as scans).
 *   - Occupancy per 5 minutes is the maximum count within each slot [t, t + 5 min).
 *   - Check-in: an attendee's first admitted badge scan at the entrance; per day (multi-day
 *     events), the first of each local date of the event's sessions (report_log_set_local_day).
 *   - Admissions by hand (issue 15): the admitted scans with reason manual, counted per door
 *     and staff member (report.manual), each scan once whatever the sources.
 * Scans that name a room, attendee or session the event does not know are left out and
 * counted (report.unknown_scans).
 *
 * Memory: a scan costs 64 bytes in the log (ids are interned), so 1,000,000 scans take about
 * 64 MB.
 */
#ifndef PORTIER_REPORT_H
#define PORTIER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "scan.h"

#define REPORT_SLOT_MS (5 * 60 * 1000)
/* Scans further than this from the sessions are outside the charts and CSV time slots. */
#define REPORT_WINDOW_MARGIN_MS (24 * 3600 * 1000LL)

struct report_log;

/* Creates an empty log, owned by the caller. */
struct report_log *report_log_create(void);
/* Frees a log; NULL is a no-op. */
void report_log_destroy(struct report_log *log);
/* Adds one scan with its time (the corrected time, or wall_ms). s is copied. */
void report_log_add(struct report_log *log, const struct scan *s, int64_t time_ms);
/* Adds one scan of a kiosk's log, timed as central times it once every log is in
 * (report_compute, report_clock.h): a synchronised or given time stands; an unsynchronised
 * scan is dated from a synchronised scan of its boot, else from its boot's offset
 * (report_log_set_boot_offset); with neither it keeps its raw wall time, which may be wrong,
 * and is counted in report.undated_scans. s is copied. */
void report_log_add_kiosk_scan(struct report_log *log, const struct scan *s);
/* A boot's offset (server ms - monotonic ms) as a kiosk log holds it (sync.boot_offsets); of
 * several logs', the smallest counts. */
void report_log_set_boot_offset(struct report_log *log, const char *device_id, const char *boot_id,
                                int64_t offset_ms);
/* The local date of a time in the event's zone (time_local_day), for check-ins per day; by
 * default the UTC date. */
void report_log_set_local_day(struct report_log *log, int64_t (*local_day)(int64_t unix_ms));
/* Scans added so far (duplicates included). */
size_t report_log_size(const struct report_log *log);
/* A walk-in registered on site (issue 15): a badge a kiosk issued for a new attendee, as the
 * kiosk recorded it (its scan log's issues, or central's portier.issues). */
#define REPORT_WALKIN_TEXT_MAX 256
struct report_walkin {
    char attendee[SCAN_ID_MAX];
    char name[REPORT_WALKIN_TEXT_MAX], organisation[REPORT_WALKIN_TEXT_MAX];
    char category[16];
    int64_t registered_ms;
    char device[SCAN_ID_MAX]; /* the kiosk that registered them */
    char staff[SCAN_ID_MAX];  /* the staff member's attendee id */
};
/* Adds a walk-in (copied); the same attendee added twice (from several sources) counts once. */
void report_log_add_walkin(struct report_log *log, const struct report_walkin *w);

/* One session's figures. */
struct report_session {
    int registered;            /* attendees registered (staff excluded) */
    int attended;              /* distinct attendees present */
    int attended_registered;   /* of whom registered */
    int walk_ins;              /* attended - attended_registered */
    int no_shows;              /* registered, checked in before the end, absent */
    int peak;                  /* max room count during the session */
    int64_t peak_ms;           /* first time at the peak (the start when peak is 0) */
    int refused_full;          /* distinct attendees refused room_full */
    int refused_reserved;      /* distinct attendees refused not_registered */
    int manual_in;             /* manual +1s */
    int64_t median_present_ms; /* median time present of those who attended */
};

/* One attendee's figures. */
struct report_attendee {
    int64_t checked_in_ms; /* first entrance admission; INT64_MIN when never */
    int sessions_registered;
    int sessions_attended;
};

/* An admission that took a room past its capacity: a staff override, a speaker (never
 * refused), or doors that could not see each other's scans while the network was away. */
struct report_overflow {
    int64_t time_ms;
    size_t room, session; /* session: SIZE_MAX when none ran */
    int count, capacity;  /* the room's count after the admission */
    size_t attendee;
    bool override;
    char device[SCAN_ID_MAX];
};

/* The admissions by hand (reason manual) one staff member made at one door. */
struct report_manual {
    char device[SCAN_ID_MAX];
    char staff[SCAN_ID_MAX]; /* the staff member's attendee id */
    int admitted;
};

struct report {
    const struct event *ev;            /* borrowed */
    struct report_session *sessions;   /* [ev->n_sessions] */
    struct report_attendee *attendees; /* [ev->n_attendees] */
    int64_t *present_ms;               /* [attendee * n_sessions + session] */
    /* [attendee * n_sessions + session]: part of that presence began with an admission by hand
     * (reason manual: staff found the person by name, no badge was scanned) */
    bool *present_manual;
    /* Time slots of REPORT_SLOT_MS from slot0_ms. */
    int64_t slot0_ms;
    size_t n_slots;
    int *occupancy; /* [slot * (n_rooms + 1) + room]; room n_rooms is the venue */
    int *arrivals;  /* [slot] check-ins */
    /* [slot] check-ins of the day: each person's first entrance admission of each local date,
     * as checked_in_by_day counts them (the arrivals charts of a multi-day event) */
    int *day_arrivals;
    /* Check-ins per day: the local dates of the sessions (day numbers, time_days_from_civil),
     * and the people admitted at the entrance on each (their first admission that day). */
    int64_t *days;
    size_t n_days;
    int *checked_in_by_day;
    /* Headline figures. */
    size_t scans;         /* distinct scans */
    size_t duplicates;    /* copies removed */
    size_t unknown_scans; /* naming what the event does not know */
    /* unsynchronised scans of kiosk logs that no log held an offset for (a kiosk that never
     * synced): at their kiosk's raw wall time (report_log_add_kiosk_scan) */
    size_t undated_scans;
    size_t devices;
    int people;     /* attendees, speakers and press */
    int checked_in; /* of them */
    int venue_peak; /* people inside the venue */
    int64_t venue_peak_ms;
    int64_t first_ms, last_ms;         /* first and last scan (0 when none) */
    struct report_overflow *overflows; /* in time order */
    size_t n_overflows;
    struct report_manual *manual; /* by door, then staff id */
    size_t n_manual;
    struct report_walkin *walkins; /* by time of registration, then attendee id */
    size_t n_walkins;
};

/* Computes the report of ev from log (which it sorts and deduplicates). ev is borrowed and
 * must outlive the report. Returns the report, owned by the caller. */
struct report *report_compute(const struct event *ev, struct report_log *log);
/* Frees a report; NULL is a no-op. */
void report_destroy(struct report *r);

#endif
