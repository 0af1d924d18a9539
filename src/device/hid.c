/* SPDX-License-Identifier: Apache-2.0 */
/* Scanners: keyboard-wedge QR scanners over evdev, scans on stdin, and none. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "hid.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"
#include "sysclock.h"

#define SPEC_USAGE "expected evdev:/dev/input/eventN, stdin or none"
#define EV_BATCH   64

enum hid_kind { KIND_NONE, KIND_STDIN, KIND_EVDEV };

struct hid {
    enum hid_kind kind;
    enum hid_status status;
    char status_text[HID_STATUS_TEXT];
    int fd;
    /* stdin */
    char line[HID_LINE_MAX];
    size_t line_len;
    bool discarding; /* inside an overlong line, dropping up to its newline */
    bool eof;
    unsigned long line_no;
    /* evdev */
    char *device;
    struct hid_burst burst;
    struct input_event events[EV_BATCH];
    size_t ev_pos, ev_count;
    bool mono_clock; /* the device stamps events with CLOCK_MONOTONIC */
    int64_t retry_at_ns;
    bool warned;
};

/* US layout, unshifted and shifted, indexed by KEY_* code. */
static const char keys_plain[KEY_KPDOT + 1] = {
    [KEY_1] = '1',          [KEY_2] = '2',         [KEY_3] = '3',           [KEY_4] = '4',
    [KEY_5] = '5',          [KEY_6] = '6',         [KEY_7] = '7',           [KEY_8] = '8',
    [KEY_9] = '9',          [KEY_0] = '0',         [KEY_MINUS] = '-',       [KEY_EQUAL] = '=',
    [KEY_Q] = 'q',          [KEY_W] = 'w',         [KEY_E] = 'e',           [KEY_R] = 'r',
    [KEY_T] = 't',          [KEY_Y] = 'y',         [KEY_U] = 'u',           [KEY_I] = 'i',
    [KEY_O] = 'o',          [KEY_P] = 'p',         [KEY_LEFTBRACE] = '[',   [KEY_RIGHTBRACE] = ']',
    [KEY_A] = 'a',          [KEY_S] = 's',         [KEY_D] = 'd',           [KEY_F] = 'f',
    [KEY_G] = 'g',          [KEY_H] = 'h',         [KEY_J] = 'j',           [KEY_K] = 'k',
    [KEY_L] = 'l',          [KEY_SEMICOLON] = ';', [KEY_APOSTROPHE] = '\'', [KEY_GRAVE] = '`',
    [KEY_BACKSLASH] = '\\', [KEY_Z] = 'z',         [KEY_X] = 'x',           [KEY_C] = 'c',
    [KEY_V] = 'v',          [KEY_B] = 'b',         [KEY_N] = 'n',           [KEY_M] = 'm',
    [KEY_COMMA] = ',',      [KEY_DOT] = '.',       [KEY_SLASH] = '/',       [KEY_KPASTERISK] = '*',
    [KEY_SPACE] = ' ',      [KEY_KP7] = '7',       [KEY_KP8] = '8',         [KEY_KP9] = '9',
    [KEY_KPMINUS] = '-',    [KEY_KP4] = '4',       [KEY_KP5] = '5',         [KEY_KP6] = '6',
    [KEY_KPPLUS] = '+',     [KEY_KP1] = '1',       [KEY_KP2] = '2',         [KEY_KP3] = '3',
    [KEY_KP0] = '0',        [KEY_KPDOT] = '.',
};
static const char keys_shift[KEY_KPDOT + 1] = {
    [KEY_1] = '!',         [KEY_2] = '@',          [KEY_3] = '#',         [KEY_4] = '$',
    [KEY_5] = '%',         [KEY_6] = '^',          [KEY_7] = '&',         [KEY_8] = '*',
    [KEY_9] = '(',         [KEY_0] = ')',          [KEY_MINUS] = '_',     [KEY_EQUAL] = '+',
    [KEY_LEFTBRACE] = '{', [KEY_RIGHTBRACE] = '}', [KEY_SEMICOLON] = ':', [KEY_APOSTROPHE] = '"',
    [KEY_GRAVE] = '~',     [KEY_BACKSLASH] = '|',  [KEY_COMMA] = '<',     [KEY_DOT] = '>',
    [KEY_SLASH] = '?',     [KEY_KPASTERISK] = '*', [KEY_SPACE] = ' ',     [KEY_KP7] = '7',
    [KEY_KP8] = '8',       [KEY_KP9] = '9',        [KEY_KPMINUS] = '-',   [KEY_KP4] = '4',
    [KEY_KP5] = '5',       [KEY_KP6] = '6',        [KEY_KPPLUS] = '+',    [KEY_KP1] = '1',
    [KEY_KP2] = '2',       [KEY_KP3] = '3',        [KEY_KP0] = '0',       [KEY_KPDOT] = '.',
};

char hid_key_char(unsigned code, bool shift)
{
    if (code >= sizeof keys_plain)
        return 0;
    char c = keys_plain[code];
    if (shift)
        return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : keys_shift[code];
    return c;
}

void hid_burst_init(struct hid_burst *b)
{
    memset(b, 0, sizeof *b);
    b->last_ns = -1;
}

bool hid_burst_feed(struct hid_burst *b, const struct input_event *ev, char *out)
{
    if (ev->type != EV_KEY)
        return false;
    unsigned code = ev->code;
    if (code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT) {
        bool down = ev->value != 0;
        if (code == KEY_LEFTSHIFT)
            b->shift_left = down;
        else
            b->shift_right = down;
        return false;
    }
    /* Releases type nothing; auto-repeat (2) only comes from a key held down by a person. */
    if (ev->value != 1)
        return false;
    if (code == KEY_CAPSLOCK) {
        b->caps = !b->caps;
        return false;
    }
    int64_t t = (int64_t)ev->input_event_sec * 1000000000 + (int64_t)ev->input_event_usec * 1000;
    bool in_burst =
        b->last_ns >= 0 && t - b->last_ns <= (int64_t)HID_BURST_GAP_MS * 1000000 && t >= b->last_ns;
    if (code == KEY_ENTER || code == KEY_KPENTER) {
        bool done = in_burst && b->len >= HID_BURST_MIN && !b->overflow;
        if (done) {
            memcpy(out, b->buf, b->len);
            out[b->len] = '\0';
        }
        b->len = 0;
        b->overflow = false;
        b->last_ns = t;
        return done;
    }
    char c = hid_key_char(code, b->shift_left || b->shift_right);
    if (c == 0)
        return false; /* modifiers and function keys: part of no scan, but no break either */
    if (b->caps && isalpha((unsigned char)c))
        c = (char)(isupper((unsigned char)c) ? tolower((unsigned char)c)
                                             : toupper((unsigned char)c));
    if (!in_burst) {
        b->len = 0;
        b->overflow = false;
    }
    if (b->len + 1 < sizeof b->buf)
        b->buf[b->len++] = c;
    else
        b->overflow = true;
    b->last_ns = t;
    return false;
}

bool hid_parse_line(const char *line, size_t len, struct hid_scan *out, const char **why)
{
    *why = NULL;
    if (len > 0 && line[len - 1] == '\n')
        len--;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return false;
    /* A staff action (DESIGN.md §7) is a JSON object: its tabs are whitespace. */
    const char *tab = line[0] == '{' ? NULL : memchr(line, '\t', len);
    const char *tok = line;
    size_t tok_len = len;
    out->has_wall = false;
    out->wall_ms = 0;
    if (tab != NULL) {
        char ts[64];
        size_t ts_len = (size_t)(tab - line);
        if (ts_len == 0 || ts_len >= sizeof ts) {
            *why = "bad timestamp (expected ISO 8601 with an offset before the tab)";
            return false;
        }
        memcpy(ts, line, ts_len);
        ts[ts_len] = '\0';
        if (!time_parse_iso8601(ts, &out->wall_ms)) {
            *why = "bad timestamp (expected ISO 8601 with an offset before the tab)";
            return false;
        }
        if (!time_is_sane(out->wall_ms)) {
            *why = "timestamp out of range (a scan's time must be " TIME_SANE_RANGE ")";
            return false;
        }
        out->has_wall = true;
        tok = tab + 1;
        tok_len = len - ts_len - 1;
    }
    if (tok_len == 0) {
        *why = "empty token";
        return false;
    }
    if (tok_len >= HID_TOKEN_MAX) {
        *why = "token too long";
        return false;
    }
    for (size_t i = 0; i < tok_len; i++) {
        unsigned char c = (unsigned char)tok[i];
        if ((c < 0x20 && !(c == '\t' && tok[0] == '{')) || c == 0x7f) {
            *why = "control character in the token";
            return false;
        }
    }
    memcpy(out->token, tok, tok_len);
    out->token[tok_len] = '\0';
    out->len = tok_len;
    return true;
}

/* Parses a spec; on success stores the kind and (evdev) the device path. */
static bool spec_parse(const char *spec, enum hid_kind *kind, const char **device, char *why,
                       size_t why_size)
{
    *device = NULL;
    if (spec == NULL || *spec == '\0') {
        snprintf(why, why_size, "empty scanner spec (" SPEC_USAGE ")");
        return false;
    }
    if (strcmp(spec, "none") == 0) {
        *kind = KIND_NONE;
        return true;
    }
    if (strcmp(spec, "stdin") == 0) {
        *kind = KIND_STDIN;
        return true;
    }
    if (strncmp(spec, "evdev:", 6) == 0) {
        if (spec[6] == '\0') {
            snprintf(why, why_size, "scanner '%s': missing device path", spec);
            return false;
        }
        if (strlen(spec + 6) >= PATH_MAX) {
            snprintf(why, why_size, "scanner '%.40s...': path too long", spec);
            return false;
        }
        *kind = KIND_EVDEV;
        *device = spec + 6;
        return true;
    }
    snprintf(why, why_size, "unknown scanner '%s' (" SPEC_USAGE ")", spec);
    return false;
}

bool hid_spec_check(const char *spec, char *why, size_t why_size)
{
    enum hid_kind kind;
    const char *device;
    return spec_parse(spec, &kind, &device, why, why_size);
}

/* Sets the status and its text. */
static void set_status(struct hid *h, enum hid_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_status(struct hid *h, enum hid_status status, const char *fmt, ...)
{
    va_list ap;
    h->status = status;
    va_start(ap, fmt);
    vsnprintf(h->status_text, sizeof h->status_text, fmt, ap);
    va_end(ap);
}

/* Closes the evdev device (releasing the grab). */
static void evdev_close(struct hid *h)
{
    if (h->fd < 0)
        return;
    ioctl(h->fd, EVIOCGRAB, (void *)0);
    close(h->fd);
    h->fd = -1;
    h->ev_pos = h->ev_count = 0;
}

/* Records an evdev outage: closes, sets the status, schedules a retry, logs once. */
static void evdev_outage(struct hid *h, const char *what, int err)
{
    evdev_close(h);
    set_status(h, HID_UNAVAILABLE, "scanner %s: %s: %s; retrying", h->device, what, strerror(err));
    if (!h->warned)
        log_warnx("%s", h->status_text);
    h->warned = true;
    h->retry_at_ns = time_mono_ns() + (int64_t)HID_RETRY_MS * 1000000;
}

/* Opens and grabs the evdev device; on failure records the outage. */
static bool evdev_open(struct hid *h)
{
    h->fd = open(h->device, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (h->fd < 0) {
        evdev_outage(h, "open", errno);
        return false;
    }
    /* Exclusive: the scanner's keystrokes must not also type into a console or the UI. */
    if (ioctl(h->fd, EVIOCGRAB, (void *)1) != 0) {
        evdev_outage(h, "exclusive grab", errno);
        return false;
    }
    int clk = CLOCK_MONOTONIC;
    h->mono_clock = ioctl(h->fd, EVIOCSCLOCKID, &clk) == 0;
    hid_burst_init(&h->burst);
    h->warned = false;
    set_status(h, HID_OK, "scanner %s", h->device);
    return true;
}

/* Reads evdev events until one completes a scan. */
static bool evdev_read(struct hid *h, struct hid_scan *out)
{
    if (h->fd < 0 && (time_mono_ns() < h->retry_at_ns || !evdev_open(h)))
        return false;
    for (;;) {
        while (h->ev_pos < h->ev_count) {
            const struct input_event *ev = &h->events[h->ev_pos++];
            if (hid_burst_feed(&h->burst, ev, out->token)) {
                out->len = strlen(out->token);
                out->has_wall = false;
                out->wall_ms = 0;
                out->mono_ns = h->mono_clock ? (int64_t)ev->input_event_sec * 1000000000 +
                                                   (int64_t)ev->input_event_usec * 1000
                                             : time_mono_ns();
                return true;
            }
        }
        ssize_t n = read(h->fd, h->events, sizeof h->events);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return false;
            evdev_outage(h, "read", errno);
            return false;
        }
        if (n == 0) {
            evdev_outage(h, "read", ENODEV);
            return false;
        }
        h->ev_pos = 0;
        h->ev_count = (size_t)n / sizeof h->events[0];
    }
}

/* Takes the next complete line out of the stdin buffer into *out; false when there is none. */
static bool next_line(struct hid *h, struct hid_scan *out)
{
    for (;;) {
        char *nl = memchr(h->line, '\n', h->line_len);
        size_t len;
        if (nl != NULL)
            len = (size_t)(nl - h->line) + 1;
        else if (h->eof && h->line_len > 0)
            len = h->line_len; /* a last line without its newline */
        else
            return false;
        bool skip = h->discarding;
        h->discarding = false;
        const char *why = NULL;
        bool ok = false;
        h->line_no++;
        if (!skip)
            ok = hid_parse_line(h->line, len, out, &why);
        memmove(h->line, h->line + len, h->line_len - len);
        h->line_len -= len;
        if (ok) {
            out->mono_ns = time_mono_ns();
            return true;
        }
        if (why != NULL)
            log_warnx("stdin line %lu: %s; ignored", h->line_no, why);
    }
}

/* Reads scans from stdin lines. */
static bool stdin_read(struct hid *h, struct hid_scan *out)
{
    for (;;) {
        if (next_line(h, out))
            return true;
        if (h->eof)
            return false;
        if (h->line_len == sizeof h->line) {
            /* No newline in a full buffer: drop the line up to its end, whatever its size. */
            if (!h->discarding)
                log_warnx("stdin line %lu: longer than %d bytes; ignored", h->line_no + 1,
                          HID_LINE_MAX);
            h->discarding = true;
            h->line_len = 0;
        }
        /* stdin stays blocking (it may be a shared terminal): read only once poll says so. */
        struct pollfd pfd = {.fd = h->fd, .events = POLLIN};
        if (poll(&pfd, 1, 0) <= 0)
            return false;
        ssize_t n = read(h->fd, h->line + h->line_len, sizeof h->line - h->line_len);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                return false;
            log_warn("stdin");
            n = 0;
        }
        if (n == 0) {
            h->eof = true;
            if (h->discarding)
                h->line_len = 0;
            set_status(h, HID_EOF, "end of the scans on standard input");
            continue; /* hand out a last unterminated line */
        }
        h->line_len += (size_t)n;
    }
}

struct hid *hid_open(const char *spec)
{
    enum hid_kind kind;
    const char *device;
    char why[HID_STATUS_TEXT + 64];
    if (!spec_parse(spec, &kind, &device, why, sizeof why)) {
        log_warnx("%s", why);
        return NULL;
    }
    struct hid *h = xcalloc(1, sizeof *h);
    h->kind = kind;
    h->fd = -1;
    switch (kind) {
    case KIND_NONE:
        set_status(h, HID_NONE, "no scanner");
        break;
    case KIND_STDIN:
        h->fd = STDIN_FILENO;
        set_status(h, HID_OK, "scans from standard input");
        break;
    case KIND_EVDEV:
        h->device = xstrdup(device);
        hid_burst_init(&h->burst);
        evdev_open(h);
        break;
    }
    return h;
}

bool hid_read(struct hid *h, struct hid_scan *out)
{
    switch (h->kind) {
    case KIND_NONE:
        return false;
    case KIND_STDIN:
        return stdin_read(h, out);
    case KIND_EVDEV:
        return evdev_read(h, out);
    }
    return false;
}

int hid_fd(const struct hid *h)
{
    if (h->kind == KIND_STDIN && h->eof)
        return -1;
    return h->fd;
}

enum hid_status hid_status(const struct hid *h)
{
    return h->status;
}

const char *hid_status_text(const struct hid *h)
{
    return h->status_text;
}

void hid_close(struct hid *h)
{
    if (h == NULL)
        return;
    if (h->kind == KIND_EVDEV)
        evdev_close(h);
    free(h->device);
    free(h);
}
