/* SPDX-License-Identifier: Apache-2.0 */
/* Keyboard-wedge QR scanners and typed/replayed scans, chosen by a SPEC string (DESIGN.md §1):
 *   evdev:/dev/input/eventN   a USB scanner read directly, grabbed exclusively (EVIOCGRAB) so
 *                             its keystrokes never reach a console; key codes are mapped with a
 *                             fixed US layout, whatever the system's keyboard layout
 *   stdin                     one scan per line: "TOKEN" or "TIMESTAMP<TAB>TOKEN" (DESIGN.md §4);
 *                             a line starting with '{' is a staff action (DESIGN.md §7), kept
 *                             whole (its tabs are whitespace) for the kiosk to read as JSON
 *   none                      no scanner
 * Everything is non-blocking: poll hid_fd() for POLLIN, then call hid_read() until it returns
 * false. A missing or unplugged evdev device is a status, reopened every HID_RETRY_MS from
 * hid_read (so keep calling it, e.g. from the periodic tick, and re-read hid_fd afterwards). */
#ifndef PORTIER_HID_H
#define PORTIER_HID_H

#include <linux/input.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HID_TOKEN_MAX    1024 /* bytes of a scan's text, NUL included */
#define HID_LINE_MAX     4096 /* stdin: longer lines are discarded whole */
#define HID_RETRY_MS     3000
#define HID_BURST_GAP_MS 40 /* a scanner types faster than this between keys; people do not */
#define HID_BURST_MIN    4  /* characters of the shortest scan */
#define HID_STATUS_TEXT  160

/* One scan: the text read, and when. */
struct hid_scan {
    char token[HID_TOKEN_MAX]; /* NUL-terminated */
    size_t len;
    bool has_wall;   /* stdin "TIMESTAMP<TAB>TOKEN": wall_ms replaces the clock for this scan */
    int64_t wall_ms; /* Unix ms, when has_wall */
    int64_t mono_ns; /* when the scan was read (time_mono_ns clock) */
};

enum hid_status {
    HID_OK,
    HID_NONE,        /* the "none" scanner */
    HID_EOF,         /* stdin reached its end (a replay is over) */
    HID_UNAVAILABLE, /* the evdev device is missing or unplugged; retried */
};

/* Checks a scanner spec without opening anything; on error writes a sentence into why. */
bool hid_spec_check(const char *spec, char *why, size_t why_size);
/* Opens a scanner. Owned by the caller (hid_close). NULL after logging for a malformed spec;
 * a missing evdev device is not an error (HID_UNAVAILABLE). */
struct hid *hid_open(const char *spec);
/* Returns the next complete scan in *out, or false when there is none now (see hid_status). */
bool hid_read(struct hid *h, struct hid_scan *out);
/* The fd to poll for POLLIN, or -1 when there is none (none, EOF, unavailable). */
int hid_fd(const struct hid *h);
enum hid_status hid_status(const struct hid *h);
/* A short English sentence for the UI and logs. Borrowed until the next call. */
const char *hid_status_text(const struct hid *h);
/* Closes the scanner (ungrabbing the device); NULL is a no-op. */
void hid_close(struct hid *h);

/* The keystroke-to-text logic of the evdev scanner, pure and testable without a device:
 * feed it struct input_events (EV_KEY with their timestamps; other types are ignored).
 *
 * A scan is a burst: printable keys each less than HID_BURST_GAP_MS after the previous one,
 * ended by Enter (or keypad Enter) also within the gap, at least HID_BURST_MIN characters long.
 * A key that comes later than the gap starts a new burst, discarding the old one, so slow
 * human typing (a person leaning on the scanner's keyboard, or a keyboard on the same device)
 * never produces a scan. Shift (either) and Caps Lock are tracked; the US layout is used. */
struct hid_burst {
    char buf[HID_TOKEN_MAX];
    size_t len;
    bool overflow;
    bool shift_left, shift_right, caps;
    int64_t last_ns; /* time of the previous key press, -1 before any */
};

/* Resets a burst decoder to its initial state. */
void hid_burst_init(struct hid_burst *b);
/* Feeds one event. Returns true when it completed a scan, stored (NUL-terminated) in out,
 * whose size must be HID_TOKEN_MAX. */
bool hid_burst_feed(struct hid_burst *b, const struct input_event *ev, char *out);
/* The character for key code on a US keyboard (shift = a Shift key is down; Caps Lock is the
 * caller's business), or 0 for a key that types nothing. */
char hid_key_char(unsigned code, bool shift);

/* Parses one stdin line (without or with its "\n"/"\r\n") into *out: "TOKEN" or
 * "TIMESTAMP<TAB>TOKEN", the timestamp ISO 8601 with an offset. out->mono_ns is left alone.
 * Returns false for an empty line (why = NULL) or a bad one (why = the reason). */
bool hid_parse_line(const char *line, size_t len, struct hid_scan *out, const char **why);

#endif
