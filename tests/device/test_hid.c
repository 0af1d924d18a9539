/* SPDX-License-Identifier: Apache-2.0 */
/* Scanners: evdev key mapping and burst detection from synthetic events, stdin line parsing,
 * the stdin reader over a pipe, and spec errors. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hid.h"
#include "timeutil.h"

/* A key event at t microseconds. */
static struct input_event key(unsigned code, int value, int64_t t_us)
{
    struct input_event ev;
    memset(&ev, 0, sizeof ev);
    ev.input_event_sec = t_us / 1000000;
    ev.input_event_usec = t_us % 1000000;
    ev.type = EV_KEY;
    ev.code = (unsigned short)code;
    ev.value = value;
    return ev;
}

/* The KEY_* code and shift state that type c on a US keyboard. */
static unsigned code_for(char c, bool *shift)
{
    for (unsigned code = 0; code < 256; code++) {
        if (hid_key_char(code, false) == c && (code < KEY_KP7 || code > KEY_KPDOT) &&
            code != KEY_KPASTERISK) {
            *shift = false;
            return code;
        }
    }
    for (unsigned code = 0; code < 256; code++) {
        if (hid_key_char(code, true) == c) {
            *shift = true;
            return code;
        }
    }
    return 0;
}

/* Types text (then Enter) into b, gap_us between keys (press and release each), starting at
 * *t_us. Returns the number of scans completed; the last one is copied to out. */
static int type(struct hid_burst *b, const char *text, int64_t gap_us, int64_t *t_us, char *out)
{
    int scans = 0;
    char tmp[HID_TOKEN_MAX];
    struct input_event evs[8];
    for (const char *p = text;; p++) {
        int n = 0;
        if (*p == '\0') {
            evs[n++] = key(KEY_ENTER, 1, *t_us);
            evs[n++] = key(KEY_ENTER, 0, *t_us + 500);
        } else {
            bool shift;
            unsigned code = code_for(*p, &shift);
            if (shift)
                evs[n++] = key(KEY_LEFTSHIFT, 1, *t_us);
            evs[n++] = key(code, 1, *t_us + 100);
            evs[n++] = key(code, 0, *t_us + 600);
            if (shift)
                evs[n++] = key(KEY_LEFTSHIFT, 0, *t_us + 700);
        }
        for (int i = 0; i < n; i++) {
            struct input_event syn = evs[i];
            syn.type = EV_SYN; /* interleaved SYN events are ignored */
            hid_burst_feed(b, &syn, tmp);
            if (hid_burst_feed(b, &evs[i], tmp)) {
                scans++;
                strcpy(out, tmp);
            }
        }
        *t_us += gap_us;
        if (*p == '\0')
            break;
    }
    return scans;
}

/* Key mapping: US layout, shift, keypad. */
static void test_keymap(void)
{
    CHECK(hid_key_char(KEY_A, false) == 'a');
    CHECK(hid_key_char(KEY_A, true) == 'A');
    CHECK(hid_key_char(KEY_Z, false) == 'z'); /* not 'y': the layout is US whatever the system */
    CHECK(hid_key_char(KEY_Q, false) == 'q');
    CHECK(hid_key_char(KEY_1, false) == '1');
    CHECK(hid_key_char(KEY_1, true) == '!');
    CHECK(hid_key_char(KEY_2, true) == '@');
    CHECK(hid_key_char(KEY_0, false) == '0');
    CHECK(hid_key_char(KEY_SEMICOLON, true) == ':');
    CHECK(hid_key_char(KEY_SLASH, false) == '/');
    CHECK(hid_key_char(KEY_KP5, false) == '5');
    CHECK(hid_key_char(KEY_SPACE, false) == ' ');
    CHECK(hid_key_char(KEY_LEFTCTRL, false) == 0);
    CHECK(hid_key_char(KEY_ENTER, false) == 0);
    CHECK(hid_key_char(100000, false) == 0);
}

/* Bursts: a scanner's token, human typing, shift and caps, overlong input. */
static void test_burst(void)
{
    struct hid_burst b;
    char out[HID_TOKEN_MAX] = "";
    int64_t t = 5000000;
    const char *token = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJAUGQ2EIVDEOSCJ";

    hid_burst_init(&b);
    CHECK(type(&b, token, 4000, &t, out) == 1); /* 4 ms per key */
    CHECK_STR(out, token);

    /* Mixed case and symbols through shift. */
    t += 1000000;
    CHECK(type(&b, "Ab:1!z/Q", 8000, &t, out) == 1);
    CHECK_STR(out, "Ab:1!z/Q");

    /* Slow human typing: 150 ms per key gives nothing, and leaves nothing behind. */
    t += 1000000;
    CHECK(type(&b, "HELLO123", 150000, &t, out) == 0);
    t += 1000000;
    CHECK(type(&b, "ABCDEFGH", 3000, &t, out) == 1);
    CHECK_STR(out, "ABCDEFGH");

    /* A fast burst that stalls in the middle: the part after the pause is too short. */
    t += 1000000;
    hid_burst_init(&b);
    CHECK(type(&b, "", 3000, &t, out) == 0); /* Enter alone */
    int64_t t2 = t;
    struct hid_burst b2;
    hid_burst_init(&b2);
    for (int i = 0; i < 5; i++) { /* ABCDE fast */
        struct input_event ev = key(KEY_A + (unsigned)i % 3, 1, t2);
        CHECK(!hid_burst_feed(&b2, &ev, out));
        t2 += 3000;
    }
    t2 += 500000; /* a pause */
    CHECK(type(&b2, "XY", 3000, &t2, out) == 0);

    /* Enter arriving late after a fast burst: no scan. */
    hid_burst_init(&b);
    t += 1000000;
    for (const char *p = "QWERTY"; *p; p++) {
        bool shift;
        struct input_event ev = key(code_for(*p, &shift), 1, t);
        hid_burst_feed(&b, &ev, out);
        t += 3000;
    }
    t += 200000;
    struct input_event enter = key(KEY_KPENTER, 1, t);
    CHECK(!hid_burst_feed(&b, &enter, out));

    /* Keypad Enter ends a scan too. */
    t += 1000000;
    for (const char *p = "qwerty"; *p; p++) {
        bool shift;
        struct input_event ev = key(code_for(*p, &shift), 1, t);
        hid_burst_feed(&b, &ev, out);
        t += 3000;
    }
    enter = key(KEY_KPENTER, 1, t);
    CHECK(hid_burst_feed(&b, &enter, out));
    CHECK_STR(out, "qwerty");

    /* Caps Lock inverts letters (and only letters); a second press turns it off. */
    t += 1000000;
    struct input_event caps = key(KEY_CAPSLOCK, 1, t);
    hid_burst_feed(&b, &caps, out);
    t += 3000;
    CHECK(type(&b, "abC1d", 3000, &t, out) == 1);
    CHECK_STR(out, "ABc1D");
    caps = key(KEY_CAPSLOCK, 1, t);
    hid_burst_feed(&b, &caps, out);
    t += 1000000;
    CHECK(type(&b, "abcd", 3000, &t, out) == 1);
    CHECK_STR(out, "abcd");

    /* Right shift works like left shift; auto-repeat is ignored. */
    t += 1000000;
    struct input_event evs[] = {
        key(KEY_RIGHTSHIFT, 1, t),        key(KEY_K, 1, t + 1000),     key(KEY_K, 2, t + 2000),
        key(KEY_RIGHTSHIFT, 0, t + 3000), key(KEY_K, 1, t + 4000),     key(KEY_9, 1, t + 5000),
        key(KEY_9, 1, t + 6000),          key(KEY_ENTER, 1, t + 7000),
    };
    int scans = 0;
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        scans += hid_burst_feed(&b, &evs[i], out);
    CHECK(scans == 1);
    CHECK_STR(out, "Kk99");

    /* Shorter than HID_BURST_MIN: nothing. */
    t += 1000000;
    CHECK(type(&b, "ABC", 3000, &t, out) == 0);

    /* Overlong: dropped whole, and the next scan is fine. */
    char *big = malloc(HID_TOKEN_MAX + 10);
    memset(big, 'A', HID_TOKEN_MAX + 9);
    big[HID_TOKEN_MAX + 9] = '\0';
    t += 1000000;
    CHECK(type(&b, big, 2000, &t, out) == 0);
    t += 1000000;
    CHECK(type(&b, "GOOD2", 2000, &t, out) == 1);
    CHECK_STR(out, "GOOD2");
    free(big);
}

/* stdin lines: TOKEN, TIMESTAMP<TAB>TOKEN, CRLF, errors. */
static void test_lines(void)
{
    struct hid_scan s;
    const char *why;
    CHECK(hid_parse_line("ABCDEF\n", 7, &s, &why));
    CHECK_STR(s.token, "ABCDEF");
    CHECK(s.len == 6);
    CHECK(!s.has_wall);

    CHECK(hid_parse_line("ABCDEF\r\n", 8, &s, &why));
    CHECK_STR(s.token, "ABCDEF");
    CHECK(hid_parse_line("ABC", 3, &s, &why)); /* no newline (last line of a file) */
    CHECK_STR(s.token, "ABC");

    const char *l = "2024-04-22T10:47:03+02:00\tTOKEN42\r\n";
    CHECK(hid_parse_line(l, strlen(l), &s, &why));
    CHECK_STR(s.token, "TOKEN42");
    CHECK(s.has_wall);
    int64_t want;
    CHECK(time_parse_iso8601("2024-04-22T08:47:03Z", &want));
    CHECK(s.wall_ms == want);

    CHECK(!hid_parse_line("\n", 1, &s, &why));
    CHECK(why == NULL); /* empty lines are skipped silently */
    CHECK(!hid_parse_line("\r\n", 2, &s, &why));
    CHECK(why == NULL);

    l = "2024-04-22 10:47\tTOKEN\n";
    CHECK(!hid_parse_line(l, strlen(l), &s, &why));
    CHECK(why != NULL && strstr(why, "timestamp") != NULL);
    l = "0024-04-22T10:47:03+02:00\tTOKEN\n"; /* a year that is no year of Portier's */
    CHECK(!hid_parse_line(l, strlen(l), &s, &why));
    CHECK(why != NULL && strstr(why, "out of range") != NULL);
    l = "2019-12-31T23:59:59.999Z\tTOKEN\n";
    CHECK(!hid_parse_line(l, strlen(l), &s, &why));
    l = "2100-01-01T00:00:00Z\tTOKEN\n";
    CHECK(!hid_parse_line(l, strlen(l), &s, &why));
    l = "2020-01-01T00:00:00Z\tTOKEN\n";
    CHECK(hid_parse_line(l, strlen(l), &s, &why) && s.wall_ms == TIME_SANE_MIN_MS);
    l = "2024-04-22T10:47:03\tTOKEN\n"; /* no offset */
    CHECK(!hid_parse_line(l, strlen(l), &s, &why));
    l = "\tTOKEN\n";
    CHECK(!hid_parse_line(l, strlen(l), &s, &why));
    l = "2024-04-22T10:47:03Z\t\n";
    CHECK(!hid_parse_line(l, strlen(l), &s, &why));
    CHECK(why != NULL && strstr(why, "empty") != NULL);
    l = "2024-04-22T10:47:03Z\tA\tB\n";
    CHECK(!hid_parse_line(l, strlen(l), &s, &why));
    CHECK(why != NULL && strstr(why, "control") != NULL);
    /* A staff action (DESIGN.md §7) is kept whole: its tabs are JSON whitespace. */
    l = "{\"action\":\t\"find\"}\r\n";
    CHECK(hid_parse_line(l, strlen(l), &s, &why) && !s.has_wall);
    CHECK_STR(s.token, "{\"action\":\t\"find\"}");
    l = "{\"a\":\"\x01\"}\n"; /* other control characters are still refused */
    CHECK(!hid_parse_line(l, strlen(l), &s, &why));

    char *big = malloc(HID_TOKEN_MAX + 2);
    memset(big, 'B', HID_TOKEN_MAX + 1);
    big[HID_TOKEN_MAX + 1] = '\n';
    CHECK(!hid_parse_line(big, HID_TOKEN_MAX + 2, &s, &why));
    CHECK(why != NULL && strstr(why, "long") != NULL);
    free(big);
}

/* The stdin scanner over a pipe: lines in any chunking, an overlong line, EOF. */
static void test_stdin_reader(void)
{
    int fds[2];
    CHECK(pipe(fds) == 0);
    int saved = dup(STDIN_FILENO);
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);

    struct hid *h = hid_open("stdin");
    CHECK(h != NULL);
    CHECK(hid_fd(h) == STDIN_FILENO);
    struct hid_scan s;
    CHECK(!hid_read(h, &s)); /* nothing yet, and no blocking */

    const char *part1 = "FIRST\r\n2024-04-22T10:47:03+02:00\tSEC";
    CHECK(write(fds[1], part1, strlen(part1)) == (ssize_t)strlen(part1));
    CHECK(hid_read(h, &s));
    CHECK_STR(s.token, "FIRST");
    CHECK(!hid_read(h, &s)); /* the second line is not complete */
    const char *part2 = "OND\n\nbad\x01line\n";
    CHECK(write(fds[1], part2, strlen(part2)) == (ssize_t)strlen(part2));
    CHECK(hid_read(h, &s));
    CHECK_STR(s.token, "SECOND");
    CHECK(s.has_wall);
    CHECK(!hid_read(h, &s)); /* the empty and the bad line are skipped */

    /* An overlong line (several buffers' worth) is dropped whole. */
    size_t big_len = 3 * HID_LINE_MAX;
    char *big = malloc(big_len);
    memset(big, 'Z', big_len);
    size_t off = 0;
    while (off < big_len) {
        ssize_t n = write(fds[1], big + off, big_len - off > 1000 ? 1000 : big_len - off);
        CHECK(n > 0);
        off += (size_t)n;
        while (hid_read(h, &s))
            CHECK(0); /* nothing comes out of it */
    }
    free(big);
    const char *tail = "\nAFTER\nLAST";
    CHECK(write(fds[1], tail, strlen(tail)) == (ssize_t)strlen(tail));
    CHECK(hid_read(h, &s));
    CHECK_STR(s.token, "AFTER");
    CHECK(hid_status(h) == HID_OK);
    close(fds[1]);
    CHECK(hid_read(h, &s)); /* the unterminated last line, at EOF */
    CHECK_STR(s.token, "LAST");
    CHECK(!hid_read(h, &s));
    CHECK(hid_status(h) == HID_EOF);
    CHECK(hid_fd(h) == -1);
    hid_close(h);

    dup2(saved, STDIN_FILENO);
    close(saved);
}

/* Specs: none, errors, a missing evdev device is a status. */
static void test_specs(void)
{
    char why[256];
    CHECK(hid_spec_check("none", why, sizeof why));
    CHECK(hid_spec_check("stdin", why, sizeof why));
    CHECK(hid_spec_check("evdev:/dev/input/event3", why, sizeof why));
    CHECK(!hid_spec_check("evdev:", why, sizeof why));
    CHECK(strstr(why, "missing device") != NULL);
    CHECK(!hid_spec_check("keyboard", why, sizeof why));
    CHECK(strstr(why, "unknown scanner 'keyboard'") != NULL);
    CHECK(!hid_spec_check("", why, sizeof why));
    CHECK(hid_open("usb") == NULL);
    hid_close(NULL);

    struct hid *h = hid_open("none");
    struct hid_scan s;
    CHECK(h != NULL && hid_status(h) == HID_NONE && hid_fd(h) == -1 && !hid_read(h, &s));
    hid_close(h);

    h = hid_open("evdev:/nonexistent/event99");
    CHECK(h != NULL);
    CHECK(hid_status(h) == HID_UNAVAILABLE);
    CHECK(strstr(hid_status_text(h), "/nonexistent/event99") != NULL);
    CHECK(hid_fd(h) == -1);
    CHECK(!hid_read(h, &s));
    hid_close(h);
}

int main(void)
{
    test_keymap();
    test_burst();
    test_lines();
    test_stdin_reader();
    test_specs();
    return check_done();
}
