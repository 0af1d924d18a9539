/* SPDX-License-Identifier: Apache-2.0 */
/* The event of the walk-in tests (issue 15) in a temporary folder: the test event with door-a's
 * device key (a.key, made before the bundles so that they list it), the badges' tokens
 * (badges/tokens.csv) and two kiosk bundles ka and kb; a badge's token; a headless kiosk run;
 * one sync pass; a field of a kiosk's JSON answers. */
#ifndef PORTIER_TEST_WALKIN_FIXTURE_H
#define PORTIER_TEST_WALKIN_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "event_fixture.h"
#include "file.h"
#include "shell.h"
#include "util.h"

/* Makes the event ev, a.key, badges and the bundles ka and kb in dir with the program bin and
 * the test data folder data. */
static bool walkin_fixture_make(const char *dir, const char *bin, const char *data)
    __attribute__((unused));
static bool walkin_fixture_make(const char *dir, const char *bin, const char *data)
{
    return test_sh("cd %s && %s init ev --name Test --timezone Europe/Brussels --rooms "
                   "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                   "%s/event/attendees.csv >/dev/null && %s device-key ev --device door-a --out "
                   "a.key >/dev/null && %s badges ev --out badges --format csv >/dev/null && "
                   "%s bundle ev --out ka >/dev/null && %s bundle ev --out kb >/dev/null",
                   dir, bin, data, data, data, bin, bin, bin, bin) == 0;
}

/* The token of an attendee in dir/badges/tokens.csv (event_fixture.h reads it), owned by the
 * caller ("" when absent, after a failed check). */
static char *walkin_fixture_token(const char *dir, const char *id) __attribute__((unused));
static char *walkin_fixture_token(const char *dir, const char *id)
{
    struct event_tokens t;
    CHECK(event_fixture_tokens(dir, &t));
    char *token = NULL;
    for (size_t i = 0; i < t.n && token == NULL; i++) {
        if (strcmp(t.ids[i], id) == 0)
            token = xstrdup(t.tokens[i]);
    }
    CHECK_MSG(token != NULL, "no attendee %s in %s/badges/tokens.csv", id, dir);
    event_fixture_tokens_free(&t);
    return token != NULL ? token : xstrdup("");
}

/* Runs one pass of the real sync daemon of the kiosk of bundle kdir in dir. */
static bool walkin_fixture_sync(const char *dir, const char *bin, const char *kdir,
                                const char *device, const char *db, const char *conninfo)
    __attribute__((unused));
static bool walkin_fixture_sync(const char *dir, const char *bin, const char *kdir,
                                const char *device, const char *db, const char *conninfo)
{
    return test_sh("cd %s && %s sync %s --device %s --db %s --central '%s' --once 2>>sync.log", dir,
                   bin, kdir, device, db, conninfo) == 0;
}

/* Runs a headless kiosk of bundle kdir in dir at room (entry mode, English screen, scan log db,
 * extra options) on input; returns its stdout, owned by the caller. */
static char *walkin_fixture_kiosk(const char *dir, const char *bin, const char *kdir,
                                  const char *device, const char *room, const char *db,
                                  const char *extra, const char *input) __attribute__((unused));
static char *walkin_fixture_kiosk(const char *dir, const char *bin, const char *kdir,
                                  const char *device, const char *room, const char *db,
                                  const char *extra, const char *input)
{
    char *in = path_join(dir, "input.txt"), *out = path_join(dir, "output.txt");
    CHECK(file_write_atomic(in, input, strlen(input), 0644));
    CHECK(test_sh("cd %s && %s kiosk %s --headless --camera none --scanner stdin --device %s "
                  "--room %s --mode entry --lang en --db %s %s < %s > %s 2>>kiosk.log",
                  dir, bin, kdir, device, room, db, extra, in, out) == 0);
    char *text = file_read_all(out, NULL);
    free(in);
    free(out);
    return text ? text : xstrdup("");
}

/* The value of "key":"..." in text, from the first occurrence of from on (the whole text when
 * from is NULL), owned by the caller ("" when absent). */
static char *walkin_fixture_field(const char *text, const char *from, const char *key)
    __attribute__((unused));
static char *walkin_fixture_field(const char *text, const char *from, const char *key)
{
    char *pat = xasprintf("\"%s\":\"", key);
    const char *start = from != NULL ? strstr(text, from) : text;
    const char *p = start != NULL ? strstr(start, pat) : NULL;
    char *v = p ? xstrndup(p + strlen(pat), strcspn(p + strlen(pat), "\"")) : xstrdup("");
    free(pat);
    return v;
}

#endif
