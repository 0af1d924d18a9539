/* SPDX-License-Identifier: Apache-2.0 */
/* The kiosk screen (issue 4): a rendering layer that the kiosk's main loop drives.
 *
 * The kiosk owns the state and fills a struct ui_view (names, counts, sync state, the camera
 * frame, ...) every pass; ui_frame draws it. Transient presentation belongs to the ui: an
 * answer pushed with ui_show_answer stays on screen for UI_ANSWER_MS (a new one replaces it at
 * once) and plays its sound; the staff menu opened with ui_staff_badge closes by itself after
 * UI_STAFF_TIMEOUT_MS without a touch. Taps come back from ui_poll as semantic actions (staff
 * menu buttons); keys never end a full-screen kiosk.
 *
 * Screens, chosen in this order: staff menu (so staff can act whatever is wrong), trouble
 * (database unwritable or clock not set), staff confirmation, answer, overview (view.mode ==
 * MODE_OVERVIEW), scan. A missing camera is not a full-screen trouble (the hand scanner still
 * works): the scan screen says so in place of the preview.
 *
 * Nothing here waits on the database, the decoder or the network: ui_frame only reads the view
 * and the ui's own caches. Text is rasterised once per (string, size, box) and kept as a
 * texture while it is in use. */
#ifndef PORTIER_UI_H
#define PORTIER_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "event.h"
#include "image.h"
#include "scan.h"

#define UI_ANSWER_MS        1500
#define UI_STAFF_CONFIRM_MS 10000
#define UI_STAFF_TIMEOUT_MS 30000

enum ui_display {
    UI_FULLSCREEN, /* the kiosk: full screen (KMSDRM or a desktop), cursor hidden, no way out */
    UI_WINDOW,     /* a desktop window; Escape or closing it asks to quit */
    UI_OFFSCREEN,  /* no display (SDL's offscreen driver): tests, screenshots, benchmarks */
};

struct ui_options {
    enum ui_display display;
    int width, height; /* window/offscreen size; 0: 1280x720 (window, offscreen) or the
                        * display's size (full screen) */
    int volume;        /* 0..100 */
    bool mute;
    bool vsync; /* present in step with the display (60 fps without busy-waiting) */
    bool desk;  /* a registration desk: a staff badge opens the search screen at once, and
                 * the answer to an admission shows over it, then the search again */
};

/* One room of the overview. Strings are borrowed for the duration of the call. */
struct ui_room_tile {
    const char *name;
    const char *session_title; /* the session running or next, NULL or "" for none */
    int64_t session_start_ms, session_end_ms;
    int count, capacity;
    bool closed;
    int64_t updated_ms; /* wall time of the last scan that changed the count, 0: none */
};

enum ui_sync_state {
    UI_SYNC_NONE,    /* no sync configured: nothing shown */
    UI_SYNC_ONLINE,  /* the sync daemon reached the central database recently */
    UI_SYNC_OFFLINE, /* it did not since offline_since_ms */
};

struct ui_sync {
    enum ui_sync_state state;
    int64_t offline_since_ms; /* wall time; 0: unknown */
    int pending;              /* scans of this kiosk not yet uploaded */
};

/* What the staff menu's diagnostics show; negative numbers are "unknown". */
struct ui_diagnostics {
    double camera_fps;
    double decode_ms;
    int pending_sync;
    int64_t disk_free_bytes;
    const char *version; /* NULL: PORTIER_VERSION */
    const char *device_id;
    bool clock_synced;     /* the wall clock is synchronised (and plausible) */
    bool clock_disagrees;  /* the sync daemon found it off the server's clock */
    double clock_offset_s; /* server minus kiosk, when clock_disagrees */
};

/* The badge printer, as the kiosk's printer watcher last saw it (src/app/kiosk_printer.c). */
enum ui_printer_state {
    UI_PRINTER_NONE,         /* no printer configured: nothing shown */
    UI_PRINTER_CHECKING,     /* not asked yet */
    UI_PRINTER_READY,        /* idle, or the last badge printed */
    UI_PRINTER_PRINTING,     /* a badge is queued or printing */
    UI_PRINTER_OFFLINE,      /* queue stopped, printer or print server unreachable */
    UI_PRINTER_OUT_OF_MEDIA, /* out of labels */
    UI_PRINTER_ERROR,        /* the job failed, no such queue, a jam... */
};

struct ui_printer {
    enum ui_printer_state state;
    const char *queue;    /* the CUPS queue's name */
    const char *attendee; /* the badge printing or that failed, or NULL */
    const char *message;  /* what the print server says, or NULL */
    bool can_retry;       /* a badge failed: the staff menu offers Retry */
};

enum ui_trouble {
    UI_TROUBLE_CAMERA = 1 << 0,   /* camera missing/unplugged (scanning by hand still works) */
    UI_TROUBLE_DATABASE = 1 << 1, /* the scan log cannot be written: no decisions possible */
    UI_TROUBLE_CLOCK = 1 << 2,    /* the wall clock was never set (no NTP, no RTC) */
};

/* One result of the staff's search (issue 15): strings borrowed for the frame. */
struct ui_search_row {
    const char *name;
    const char *organisation; /* "" for none */
    const char *detail;       /* category and state, in the screen's language */
    bool present;             /* already there (inside the venue, or in this room): no Admit */
};

/* What the search screen lists for the query ui_search_query gave. */
#define UI_SEARCH_ROWS 20
struct ui_search {
    const struct ui_search_row *rows;
    size_t n;       /* rows, at most UI_SEARCH_ROWS */
    size_t total;   /* matches, n or more */
    bool too_short; /* the query has fewer than 2 letters: a hint instead of results */
};

/* A badge reprinted or a walk-in registered at the kiosk (the desk's screens, issue 15). */
enum ui_issued_print {
    UI_ISSUED_NO_PRINTER, /* no printer: staff write the attendee id down */
    UI_ISSUED_NOT_SENT,   /* the printer was busy with another badge: write the id down */
    UI_ISSUED_PRINTING,   /* sent, not printed yet */
    UI_ISSUED_PRINTED,    /* the job completed */
    UI_ISSUED_TROUBLE,    /* the printer needs staff (view.printer says why; Retry) */
};

struct ui_issued {
    bool walkin;          /* a walk-in registered (else a badge reprinted) */
    const char *attendee; /* the holder's id */
    const char *name;
    const char *error; /* refused: why, in the screen's language (NULL: issued) */
    bool checked_in;   /* a walk-in's check-in was admitted */
    enum ui_issued_print print;
};

/* What the walk-in form and the issued screen show that the kiosk knows; strings borrowed. */
struct ui_desk {
    const char *form_error; /* the form's last refusal, in the screen's language, or NULL */
    const char *duplicate;  /* people already registered under the name typed, or NULL */
    struct ui_issued issued;
};

/* Everything a frame shows that the kiosk knows. All pointers are borrowed for the duration
 * of ui_frame/ui_screenshot only. Zero-initialise, then fill what is known. */
struct ui_view {
    enum language lang; /* the screen's language (the kiosk's --lang, or staff's choice) */
    enum kiosk_mode mode;
    int64_t wall_ms; /* the clock shown */
    const char *event_name;
    const char *room_name;     /* NULL at the entrance: "Entrance" in the screen's language */
    bool entrance;             /* the count is the venue total; no capacity */
    const char *session_title; /* the running session (or the next, see session_next) */
    int64_t session_start_ms, session_end_ms;
    bool session_next; /* session_title is the next session, not the running one */
    int count, capacity;
    bool room_closed;
    struct ui_sync sync;
    /* Camera preview: the newest frame (8-bit grey) and a number that changes with each new
     * frame, so the ui uploads a frame once. NULL: no camera (scanner only). */
    const struct image *frame;
    uint64_t frame_serial;
    unsigned trouble;        /* enum ui_trouble bits */
    const char *camera_text; /* camera_status_text, shown to staff under a camera trouble */
    /* Overview */
    const struct ui_room_tile *tiles;
    size_t n_tiles;
    int venue_checked_in, venue_inside;
    /* A multi-day event (n_days > 1; else 0): today's local date (a day number), its place
     * among the event's days (1-based; 0: not one of them); venue_checked_in then counts
     * today's check-ins (staff excluded) against venue_expected, the badges valid today. */
    int64_t day;
    int day_index, n_days, venue_expected;
    /* Staff menu */
    struct ui_diagnostics diag;
    /* The search screen (staff menu, "Find a person") */
    struct ui_search search;
    struct ui_printer printer;
    /* The walk-in form and the issued screen (search screen, "Register walk-in"/"Reprint") */
    struct ui_desk desk;
};

enum ui_sound { UI_SOUND_ADMITTED, UI_SOUND_WARNING, UI_SOUND_DENIED, UI_SOUND_STAFF };
#define UI_SOUND_COUNT 4

enum ui_action {
    UI_ACTION_NONE,
    UI_ACTION_QUIT,         /* window mode only: Escape or the window was closed */
    UI_ACTION_STAFF_OPEN,   /* the staff menu was opened (tap on the confirmation) */
    UI_ACTION_STAFF_CLOSE,  /* closed by its button or by the timeout */
    UI_ACTION_SET_MODE,     /* value: enum kiosk_mode */
    UI_ACTION_COUNT_ADJUST, /* value: +1 or -1 (record a SCAN_MANUAL) */
    UI_ACTION_ROOM_CLOSE,
    UI_ACTION_ROOM_OPEN,
    UI_ACTION_SET_LANG, /* value: enum language */
    /* The search screen (issue 15). The query is ui_search_query's. */
    UI_ACTION_SEARCH_OPEN,  /* opened from the staff menu (the results are emptied) */
    UI_ACTION_SEARCH_QUERY, /* the query changed: fill view.search again */
    UI_ACTION_SEARCH_ADMIT, /* value: the row to admit by hand (the search then closes) */
    UI_ACTION_SEARCH_KEY,   /* internal: an on-screen key (value: keyboard.h) */
    UI_ACTION_SEARCH_PICK,  /* internal: a row was tapped (value: the row) */
    UI_ACTION_SEARCH_BACK,  /* internal: back to the staff menu */
    UI_ACTION_PRINT_RETRY,  /* print the badge that failed again */
    /* The desk's actions (issue 15): the issued screen shows what came of them. */
    UI_ACTION_SEARCH_REPRINT, /* value: the row whose badge to reprint */
    UI_ACTION_REGISTER_OPEN,  /* the walk-in form opened (the kiosk forgets its last answer) */
    UI_ACTION_REGISTER,       /* register the form's walk-in (ui_register_form); the kiosk then
                               * calls ui_show_issued, or leaves the form with its refusal */
    UI_ACTION_REGISTER_FIELD, /* internal: a field of the form was tapped (value: 0 name, 1 org) */
    UI_ACTION_REGISTER_LANG,  /* internal: value: enum language */
    UI_ACTION_REGISTER_CAT,   /* internal: value: enum category */
    UI_ACTION_ISSUED_DONE,    /* internal: back to the search screen */
};

struct ui_input {
    enum ui_action action;
    int value;
};

enum ui_screen {
    UI_SCREEN_SCAN,
    UI_SCREEN_ANSWER,
    UI_SCREEN_OVERVIEW,
    UI_SCREEN_STAFF_CONFIRM,
    UI_SCREEN_STAFF_MENU,
    UI_SCREEN_TROUBLE,
    UI_SCREEN_SEARCH,
    UI_SCREEN_REGISTER, /* the walk-in form */
    UI_SCREEN_ISSUED,   /* a reprint's or a walk-in's outcome */
};

/* Named boxes of the last frame drawn, for tests and touch targets. */
enum ui_element {
    UI_EL_OCCUPANCY_BAR,  /* the bar's full extent (scan screen) */
    UI_EL_OCCUPANCY_FILL, /* its filled part */
    UI_EL_PREVIEW,        /* the camera preview */
    UI_EL_PRINTER,        /* the staff menu's printer line */
    UI_EL_PRINT_RETRY,    /* its Retry button */
    UI_EL_TILE0,          /* the first overview tile; UI_EL_TILE0 + i for tile i */
};
#define UI_MAX_TILES 64
/* The search screen's boxes (and the staff menu's button that opens it), after the tiles. */
#define UI_EL_SEARCH_OPEN  (UI_EL_TILE0 + UI_MAX_TILES)
#define UI_EL_SEARCH_FIELD (UI_EL_SEARCH_OPEN + 1)
#define UI_EL_SEARCH_ADMIT (UI_EL_SEARCH_OPEN + 2)
#define UI_EL_SEARCH_ROW0  (UI_EL_SEARCH_OPEN + 3) /* + i for row i */
/* The desk's boxes, after the rows. */
#define UI_EL_SEARCH_REPRINT  (UI_EL_SEARCH_ROW0 + UI_SEARCH_ROWS)
#define UI_EL_REGISTER_OPEN   (UI_EL_SEARCH_REPRINT + 1)
#define UI_EL_REGISTER_NAME   (UI_EL_SEARCH_REPRINT + 2)
#define UI_EL_REGISTER_ORG    (UI_EL_SEARCH_REPRINT + 3)
#define UI_EL_REGISTER_SUBMIT (UI_EL_SEARCH_REPRINT + 4)
#define UI_EL_REGISTER_NOTE   (UI_EL_SEARCH_REPRINT + 5) /* the refusal or the duplicate */
#define UI_EL_ISSUED_PRINT    (UI_EL_SEARCH_REPRINT + 6) /* the issued screen's printing line */
#define UI_EL_ISSUED_DONE     (UI_EL_SEARCH_REPRINT + 7)
#define UI_EL_COUNT           (UI_EL_SEARCH_REPRINT + 8)

struct ui_rect {
    int x, y, w, h;
};

struct ui;

/* Opens the display (SDL video, renderer, fonts, audio). Returns NULL after logging why (no
 * display, no font). Owned by the caller. */
struct ui *ui_create(const struct ui_options *opts);
/* Closes everything; NULL is a no-op. */
void ui_destroy(struct ui *ui);

/* Draws one frame of view at now_ms (a monotonic clock in ms, used for timeouts and
 * animation) and presents it. */
void ui_frame(struct ui *ui, const struct ui_view *view, int64_t now_ms);
/* Draws view like ui_frame and also saves the frame as a PNG at path. */
bool ui_screenshot(struct ui *ui, const struct ui_view *view, int64_t now_ms, const char *path);

/* Shows a decision (answer_for_decision in answer.h fills it) for UI_ANSWER_MS from now_ms,
 * replacing one on screen, and plays its sound. Strings are copied. */
void ui_show_answer(struct ui *ui, const struct answer *answer, int64_t now_ms);
/* A staff badge was scanned: the first one asks for confirmation (a tap, or this called again
 * within UI_STAFF_CONFIRM_MS), which opens the staff menu. name is copied. Returns true when
 * the menu opened. */
bool ui_staff_badge(struct ui *ui, const char *name, int64_t now_ms);
/* Closes the staff menu or its confirmation. */
void ui_staff_close(struct ui *ui);
/* The search screen's query (UTF-8, borrowed until the next ui_poll), or NULL when the search
 * screen is not open. It is typed on the on-screen keyboard or a physical one (SDL text
 * input) and closes, with the staff menu, after UI_STAFF_TIMEOUT_MS without input. */
const char *ui_search_query(const struct ui *ui);
/* The walk-in form as typed (strings borrowed until the next ui_poll). */
struct ui_register_form {
    const char *name, *organisation;
    enum language lang;
    enum category category;
};
/* The form, when the walk-in form is open; false otherwise. */
bool ui_register_form(const struct ui *ui, struct ui_register_form *out);
/* Shows the issued screen (view.desk.issued: a reprint's or a walk-in's outcome) until staff
 * tap Done, which goes back to the search screen; the walk-in form is emptied. */
void ui_show_issued(struct ui *ui, int64_t now_ms);
/* The screen ui_frame would draw for view at now_ms. */
enum ui_screen ui_current_screen(const struct ui *ui, const struct ui_view *view, int64_t now_ms);

/* Takes the next input as a semantic action; returns false when there is none left. Handles
 * the staff menu's own timeouts (UI_ACTION_STAFF_CLOSE). Call it every pass of the loop. */
bool ui_poll(struct ui *ui, int64_t now_ms, struct ui_input *out);
/* Simulates a tap at (x, y) in window pixels, as if it came from the touch screen (tests). */
void ui_inject_tap(struct ui *ui, int x, int y);
/* Simulates a tap on the centre of the last frame's button giving action a with value (tests);
 * false (and says so on stderr) when there is none. */
bool ui_inject_tap_button(struct ui *ui, enum ui_action a, int value);

/* Plays a sound (replacing one that plays). */
void ui_play(struct ui *ui, enum ui_sound sound);
/* Sets the volume (0..100) and mute. */
void ui_set_volume(struct ui *ui, int volume, bool mute);

/* The size of the drawing area in pixels. */
void ui_size(const struct ui *ui, int *w, int *h);
/* The box of a named element in the last frame; false when it was not drawn. */
bool ui_element_rect(const struct ui *ui, int element, struct ui_rect *out);
/* Code points of text that no font has (in both weights): drawn as boxes. For tests and for
 * checking a roster's names before an event. */
int ui_missing_glyphs(const struct ui *ui, const char *text);

#endif
