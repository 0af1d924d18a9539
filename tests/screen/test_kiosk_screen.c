/* SPDX-License-Identifier: Apache-2.0 */
/* The whole kiosk with its screen, under SDL's offscreen driver: 2,000 frames of the synthetic
 * camera showing real badges -> decode thread -> decisions -> scan log -> answer screens. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "csv.h"
#include "shell.h"
#include "store.h"
#include "util.h"
#include "file.h"

#define FRAMES 2000

int main(void)
{
    const char *bin = getenv("PORTIER_BIN"), *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-screen-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL);
    CHECK(test_sh("cd %s && %s init ev --name Test --timezone Europe/Brussels --rooms "
                  "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && %s badges ev --out badges --format csv "
                  ">/dev/null && %s bundle ev --out kiosk >/dev/null",
                  dir, bin, data, data, data, bin, bin) == 0);
    int rc = test_sh("cd %s && %s kiosk kiosk --offscreen --mute --print --device door-1 "
                     "--room lab.1 --mode entry --db k.db --camera synth:loop "
                     "--synth-tokens badges/tokens.csv --frames %d --screenshots shots "
                     "--clock 2024-04-22T09:10:00+02:00 > out.jsonl 2> err.txt",
                     dir, bin, FRAMES);
    CHECK_MSG(rc == 0, "kiosk exited %d", rc);

    char *path = path_join(dir, "out.jsonl");
    char *out = file_read_all(path, NULL);
    free(path);
    path = path_join(dir, "err.txt");
    char *err = file_read_all(path, NULL);
    free(path);
    CHECK(out != NULL && err != NULL);
    if (out == NULL || err == NULL)
        return check_done();

    /* Decisions: every line is a decision of this door; the synthetic camera shows the 30
     * badges of the fixture in turn, so each attendee was read at least once, and nothing
     * was misread (no invalid decision from a real badge). */
    size_t lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    CHECK_MSG(lines >= 30, "%zu decisions", lines);
    CHECK(strstr(out, "\"reason\":\"invalid\"") == NULL);
    CHECK(strstr(out, "\"reason\":\"room_full\"") != NULL); /* 30 people, 12 seats */
    for (int i = 1; i <= 30; i++) {
        char want[48];
        snprintf(want, sizeof want, "\"attendee\":\"A%04d\"", i);
        CHECK_MSG(strstr(out, want) != NULL, "attendee A%04d never decided", i);
    }
    /* Everything printed is in the scan log. */
    path = path_join(dir, "k.db");
    struct store *st = store_open(path, "door-1");
    free(path);
    CHECK(st != NULL && store_scan_count(st) == (int64_t)lines);
    store_close(st);

    /* The screen drew a frame per camera frame and says how long frames and answers took. */
    unsigned long long frames = 0, answers = 0;
    double median = -1, p99 = -1, worst = -1, s2p = -1;
    const char *summary = strstr(err, "screen: ");
    CHECK_MSG(summary != NULL, "no screen summary in:\n%s", err);
    if (summary != NULL) {
        CHECK(sscanf(summary,
                     "screen: %llu frames drawn, frame time median %lf ms, p99 %lf ms, worst "
                     "%lf ms; scan to pixels median %lf ms, p99 %*f ms (%llu answers)",
                     &frames, &median, &p99, &worst, &s2p, &answers) == 6);
        CHECK_MSG(frames >= FRAMES - 1, "%llu frames drawn", frames);
        CHECK(median > 0 && p99 >= median && worst >= p99);
        CHECK(answers > 0 && s2p > 0);
        printf("%llu frames: frame time median %.2f ms, p99 %.2f ms, worst %.2f ms; "
               "%llu answers, scan to pixels median %.2f ms\n",
               frames, median, p99, worst, answers, s2p);
    }
    CHECK(test_sh("ls %s/shots/answer-*-admitted-ok.png >/dev/null && "
                  "ls %s/shots/answer-*-denied-room_full.png >/dev/null",
                  dir, dir) == 0);
    free(out);
    free(err);
    test_sh("rm -rf %s", dir);
    return check_done();
}
