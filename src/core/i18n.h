/* SPDX-License-Identifier: Apache-2.0 */
/* The kiosk screen's messages, and the certificates', in every language of vocab.def (Dutch,
 * French, English). Pure: no I/O.
 *
 * The texts are written in gettext .po files, assets/i18n/<language>.po, one entry per message
 * keyed by its name ("scan_badge" for MSG_SCAN_BADGE). The build compiles them in
 * (cmake/GenerateVocab.cmake makes i18n_catalog.c) rather than reading them at run time: a
 * kiosk must show its screens even when its assets directory is missing or damaged, and a
 * table keyed by an enum cannot fall out of step with the code that uses it. Messages that take
 * arguments use printf conversions, the same ones in the same order in every language
 * (test_i18n checks this). Language names are shown as endonyms ("Nederlands", "Français",
 * "English", from vocab.def) and are not translated. */
#ifndef PORTIER_I18N_H
#define PORTIER_I18N_H

#include "event.h"
#include "scan.h"

enum i18n_msg {
    /* Scan screen */
    MSG_SCAN_BADGE,
    MSG_HOLD_IN_FRAME,
    MSG_USE_SCANNER,
    MSG_NOW,
    MSG_NEXT,
    MSG_NO_SESSION,
    MSG_IN_ROOM,
    MSG_IN_VENUE,
    MSG_FULL,
    MSG_ROOM_CLOSED,
    MSG_ENTRANCE,
/* The modes' names, MSG_MODE_ENTRY...: one per mode of vocab.def. */
#define VOCAB_MODE(id, name, msg) msg,
#include "vocab.def"
    MSG_SYNC_ONLINE,
    MSG_SYNC_OFFLINE_SINCE,
    MSG_SYNC_OFFLINE,
    MSG_SYNC_WAITING,
    /* Answer screen */
    MSG_WELCOME,
    MSG_WELCOME_BACK,
    MSG_GOODBYE,
    MSG_ENJOY_SESSION,
    MSG_REENTRY_DETAIL,
    MSG_OVERRIDE_DETAIL,
    MSG_ALREADY_IN,
    MSG_ALREADY_OUT,
    MSG_BADGE_INVALID,
    MSG_BADGE_REVOKED,
    MSG_BADGE_WRONG_EVENT,
    MSG_BADGE_UNKNOWN,
    MSG_ROOM_FULL,
    MSG_NOT_ADMITTED,
    MSG_SEE_DESK,
    MSG_SEE_DESK_NEW_BADGE,
    MSG_SEE_DESK_EVENT,
    MSG_TRY_ROOM,
    MSG_WAIT_OR_ASK,
    MSG_SEATS_RESERVED,
    MSG_RESERVED_UNTIL,
    MSG_RESERVED_DETAIL,
    MSG_ASK_STAFF,
    /* Staff */
    MSG_STAFF_BADGE,
    MSG_STAFF_CONFIRM,
    MSG_STAFF_OVERRIDE_ARMED,
    MSG_STAFF_MENU,
    MSG_STAFF_MODE,
    MSG_STAFF_COUNT,
    MSG_STAFF_ROOM,
    MSG_STAFF_CLOSE_ROOM,
    MSG_STAFF_OPEN_ROOM,
    MSG_STAFF_LANGUAGE,
    MSG_STAFF_DIAGNOSTICS,
    MSG_STAFF_CLOSE,
    MSG_STAFF_AUTOCLOSE,
    MSG_DIAG_CAMERA,
    MSG_DIAG_DECODE,
    MSG_DIAG_PENDING,
    MSG_DIAG_DISK,
    MSG_DIAG_VERSION,
    MSG_DIAG_DEVICE,
    MSG_DIAG_UNKNOWN,
    MSG_DIAG_CLOCK_SYNCED,
    MSG_DIAG_CLOCK_UNSYNCED,
    MSG_DIAG_CLOCK_OFF,
    /* Trouble */
    MSG_OUT_OF_ORDER,
    MSG_TROUBLE_CAMERA,
    MSG_TROUBLE_CAMERA_DO,
    MSG_TROUBLE_DATABASE,
    MSG_TROUBLE_DATABASE_DO,
    MSG_TROUBLE_CLOCK,
    MSG_TROUBLE_CLOCK_DO,
    MSG_STAFF_PREFIX,
    /* The badge printer */
    MSG_PRINTER_CHECKING,
    MSG_PRINTER_READY,
    MSG_PRINTER_PRINTING,
    MSG_PRINTER_OFFLINE,
    MSG_PRINTER_OFFLINE_DO,
    MSG_PRINTER_EMPTY,
    MSG_PRINTER_EMPTY_DO,
    MSG_PRINTER_ERROR,
    MSG_PRINTER_ERROR_DO,
    MSG_PRINTER_RETRY,
    /* Overview */
    MSG_OV_CHECKED_IN,
    MSG_OV_INSIDE,
    MSG_OV_JUST_NOW,
    MSG_OV_MIN_AGO,
    MSG_OV_HOURS_AGO,
    MSG_OV_NO_SCANS,
    MSG_OV_CHECKED_IN_TODAY,
    MSG_OV_DAY_OF,
    MSG_OV_WEEKDAYS,
    MSG_OV_MONTHS,
    /* Finding a person (issue 15) */
    MSG_SEARCH_TITLE,
    MSG_SEARCH_HINT,
    MSG_SEARCH_NONE,
    MSG_SEARCH_MORE,
    MSG_SEARCH_ADMIT,
    MSG_SEARCH_BACK,
    MSG_SEARCH_CLEAR,
    MSG_STATE_NOT_CHECKED_IN,
    MSG_STATE_OUTSIDE,
    MSG_STATE_INSIDE,
    MSG_STATE_IN_ROOM,
    MSG_STATE_REGISTERED,
    MSG_NEW_REGISTRATION, /* instead of a name: a walk-in this kiosk has not pulled yet */
    MSG_CATEGORY_ATTENDEE,
    MSG_CATEGORY_SPEAKER,
    MSG_CATEGORY_STAFF,
    MSG_CATEGORY_PRESS,
    /* The desk: reprint a badge, register a walk-in (issue 15) */
    MSG_SEARCH_REPRINT,
    MSG_SEARCH_PRESENT,
    MSG_REGISTER_OPEN,
    MSG_REGISTER_TITLE,
    MSG_REGISTER_NAME,
    MSG_REGISTER_ORG,
    MSG_REGISTER_LANGUAGE,
    MSG_REGISTER_CATEGORY,
    MSG_REGISTER_SUBMIT,
    MSG_REGISTER_ANYWAY,
    MSG_REGISTER_DUPLICATE,
    MSG_REGISTER_BAD_NAME,
    MSG_ISSUE_NO_KEY,
    MSG_ISSUE_NO_NUMBERS,
    MSG_ISSUE_FAILED,
    MSG_ISSUED_REPRINT,
    MSG_ISSUED_WALKIN,
    MSG_ISSUED_REFUSED,
    MSG_ISSUED_ID,
    MSG_ISSUED_OLD_BADGE,
    MSG_ISSUED_CHECKED_IN,
    MSG_ISSUED_NOT_CHECKED_IN,
    MSG_ISSUED_PRINTING,
    MSG_ISSUED_PRINTED,
    MSG_ISSUED_NO_PRINTER,
    MSG_ISSUED_NOT_SENT,
    MSG_ISSUED_TROUBLE,
    MSG_ISSUED_DONE,
    /* Certificates of attendance (PDF) */
    MSG_CERT_TITLE,
    MSG_CERT_CERTIFIES,
    MSG_CERT_ATTENDED,
    MSG_CERT_SESSION,
    MSG_CERT_DATE,
    MSG_CERT_TIME,
    MSG_CERT_MINUTES,
    MSG_CERT_CREDITS,
    MSG_CERT_TOTAL,
    MSG_CERT_ORGANISER,
    MSG_CERT_CODE,
    MSG_CERT_CODE_HINT,
    MSG_CERT_MANUAL,
    /* Multi-day events: a badge refused on a day it is not valid */
    MSG_BADGE_NOT_TODAY,
    /* The attendance report (report.html). MSG_REPORT_COL_FIRST..LAST are the column
     * headings, found by their English text (report_table.c holds it). */
    MSG_REPORT_TITLE,
    MSG_REPORT_WEEKDAYS,
    MSG_REPORT_MONTHS,
    MSG_REPORT_CAPACITY_PEAK,
    MSG_REPORT_OCCUPANCY_OF,
    MSG_REPORT_ARRIVALS,
    MSG_REPORT_OF_REGISTERED,
    MSG_REPORT_CHECKED_IN_ENTRANCE,
    MSG_REPORT_CHECKED_IN_ON,
    MSG_REPORT_FIRST_ADMISSION_DAY,
    MSG_REPORT_AT,
    MSG_REPORT_NO_ONE_CHECKED_IN,
    MSG_REPORT_PEAK_VENUE,
    MSG_REPORT_OVER_SESSIONS,
    MSG_REPORT_SESSION_ATTENDANCES,
    MSG_REPORT_ONE_SESSION_FULL,
    MSG_REPORT_SESSIONS_FULL,
    MSG_REPORT_REFUSED_FULL,
    MSG_REPORT_ARRIVALS_HEADING,
    MSG_REPORT_LEGEND_CHECKINS,
    MSG_REPORT_LEGEND_SO_FAR,
    MSG_REPORT_LEGEND_SO_FAR_DAY,
    MSG_REPORT_OCCUPANCY_HEADING,
    MSG_REPORT_LEGEND_PEOPLE,
    MSG_REPORT_LEGEND_CAPACITY,
    MSG_REPORT_LEGEND_SESSION,
    MSG_REPORT_SESSIONS_HEADING,
    MSG_REPORT_OVER_CAPACITY_HEADING,
    MSG_REPORT_NO_OVER_CAPACITY,
    MSG_REPORT_OVER_CAPACITY_INTRO,
    MSG_REPORT_MANUAL_HEADING,
    MSG_REPORT_MANUAL_INTRO,
    MSG_REPORT_WALKINS_HEADING,
    MSG_REPORT_WALKINS_INTRO,
    MSG_REPORT_NOTE_STAFF,
    MSG_REPORT_NOTE_ATTENDED,
    MSG_REPORT_NOTE_NO_SHOWS,
    MSG_REPORT_NOTE_PEAK,
    MSG_REPORT_NOTE_SCANS,
    MSG_REPORT_NOTE_UNKNOWN,
    MSG_REPORT_NOTE_UNDATED,
    MSG_REPORT_ARRIVALS_TABLE,
    MSG_REPORT_OCCUPANCY_TABLE,
    MSG_REPORT_ATTENDEES_HEADING,
    MSG_REPORT_WHY_OVERRIDE,
    MSG_REPORT_WHY_SPEAKER,
    MSG_REPORT_WHY_DOORS,
    MSG_REPORT_COL_SESSION,
    MSG_REPORT_COL_ROOM,
    MSG_REPORT_COL_TIME,
    MSG_REPORT_COL_CAPACITY,
    MSG_REPORT_COL_REGISTERED,
    MSG_REPORT_COL_ATTENDED,
    MSG_REPORT_COL_OF_WHOM_REGISTERED,
    MSG_REPORT_COL_WALK_INS,
    MSG_REPORT_COL_NO_SHOWS,
    MSG_REPORT_COL_PEAK,
    MSG_REPORT_COL_REFUSED_FULL,
    MSG_REPORT_COL_MEDIAN_MIN,
    MSG_REPORT_COL_ID,
    MSG_REPORT_COL_NAME,
    MSG_REPORT_COL_ORGANISATION,
    MSG_REPORT_COL_CATEGORY,
    MSG_REPORT_COL_CHECKED_IN,
    MSG_REPORT_COL_VENUE,
    MSG_REPORT_COL_CHECK_INS,
    MSG_REPORT_COL_TOTAL,
    MSG_REPORT_COL_INSIDE,
    MSG_REPORT_COL_ATTENDEE,
    MSG_REPORT_COL_DOOR,
    MSG_REPORT_COL_WHY,
    MSG_REPORT_COL_STAFF_ID,
    MSG_REPORT_COL_STAFF_MEMBER,
    MSG_REPORT_COL_ADMITTED_BY_HAND,
    MSG_REPORT_COL_SESSIONS_ATTENDED,
    MSG_REPORT_COL_REGISTRATION_TIME,
    MSG_REPORT_COL_KIOSK,
    MSG_COUNT
};
#define I18N_MSG_COUNT       MSG_COUNT
#define MSG_REPORT_COL_FIRST MSG_REPORT_COL_SESSION
#define MSG_REPORT_COL_LAST  MSG_REPORT_COL_KIOSK
#define MSG_REPORT_WHY_FIRST MSG_REPORT_WHY_OVERRIDE
#define MSG_REPORT_WHY_LAST  MSG_REPORT_WHY_DOORS

/* The message in lang (borrowed, static). An out-of-range lang gives English. */
const char *i18n(enum language lang, enum i18n_msg msg);
/* The n-th (from 0) comma-separated item of the message in lang (the day and month names), as
 * a pointer into it (borrowed, static) and its length in *len; "" when there is none. */
const char *i18n_item(enum language lang, enum i18n_msg msg, int n, int *len);
/* The message as the catalogue holds it, NULL when missing (for the tests that check that
 * every message has every language). */
const char *i18n_raw(enum language lang, enum i18n_msg msg);
/* The message's stable name ("scan_badge"), for tests and logs (borrowed, static). */
const char *i18n_name(enum i18n_msg msg);
/* The language's own name ("Nederlands", "Français", "English"). */
const char *i18n_language_endonym(enum language lang);
/* The message naming a kiosk mode (MSG_MODE_ENTRY...), for the staff menu; MSG_COUNT, an
 * empty text, for a value out of range. */
enum i18n_msg i18n_mode_msg(enum kiosk_mode mode);
/* The headline of an answer denied for reason (MSG_BADGE_INVALID...; MSG_NOT_ADMITTED when the
 * reason has none). */
enum i18n_msg i18n_denied_msg(enum scan_reason reason);

#endif
