/* SPDX-License-Identifier: Apache-2.0 */
/* The headless kiosk loop under valgrind memcheck: `portier kiosk --headless` on a short
 * dir: camera replay (badges rendered by camera_synth_render, with empty frames between) and
 * scanner lines on stdin must run with no memory errors and no definite leaks, exit 0, and
 * decide every badge. Third-party noise is suppressed by valgrind.supp next to this file (one
 * comment per entry saying why); Portier's own frames never are. A missing valgrind is a
 * failure that says what to install, not a skip. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "check.h"
#include "fixture.h"
#include "image.h"
#include "util.h"
#include "file.h"

#define DEVICE       "door-vg"
#define CAMERA_BADGE 3 /* badges shown to the camera */
#define STDIN_BADGE  3 /* badges typed on the scanner */
/* Frames per badge, as a badge held up for a moment (the kiosk counts a held badge once). The
 * camera is a replay (no fps): every frame is decoded, however slow valgrind and a busy machine
 * make the kiosk, so the test waits on frames, not on time. */
#define BADGE_FRAMES 4

static struct fixture fx;

/* Renders CAMERA_BADGE badges (tokens 0..) into dir as frame-NNNN.png: empty, the badge
 * BADGE_FRAMES times, empty. */
static bool render_frames(const char *dir)
{
    struct image img = {0};
    bool ok = mkdir_p(dir);
    int frame_no = 0;
    for (int i = 0; ok && i < CAMERA_BADGE; i++) {
        struct camera_synth_params p;
        camera_synth_params_clean(&p);
        for (int f = 0; ok && f < 2 + BADGE_FRAMES; f++) {
            const char *payload = f > 0 && f <= BADGE_FRAMES ? fx.tokens[i] : NULL;
            ok = camera_synth_render(&img, 320, 240, 7, payload, &p, (uint64_t)frame_no);
            char *name = xasprintf("%s/frame-%04d.png", dir, frame_no++);
            ok = ok && image_save_png(&img, name);
            free(name);
        }
    }
    image_finish(&img);
    return ok;
}

/* The path of valgrind.supp (beside this source file). */
static char *supp_path(void)
{
    const char *data = getenv("PORTIER_TEST_DATA"); /* .../tests/data */
    return xasprintf("%s/../reliability/valgrind.supp", data ? data : ".");
}

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
    /* This build's `portier` carries AddressSanitizer, which cannot run under valgrind; the
     * sanitizer already checks the same things. The plain build runs this test. */
    printf("test_valgrind: not run: valgrind cannot run an AddressSanitizer build\n");
    return 0;
#endif
    if (fixture_run("command -v valgrind >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test_valgrind: valgrind is not installed: install valgrind "
                        "(apt-get install valgrind) to run this test\n");
        CHECK_MSG(false, "install valgrind");
        return check_done();
    }
    if (!fixture_setup(&fx, "valgrind"))
        return 1;
    CHECK(fx.n_tokens >= CAMERA_BADGE + STDIN_BADGE);
    char *frames = path_join(fx.dir, "frames");
    CHECK(render_frames(frames));

    /* Scanner lines: the next STDIN_BADGE badges, a garbage line (denied) and a blank one. */
    struct strbuf in = {0};
    for (int i = 0; i < STDIN_BADGE; i++)
        strbuf_printf(&in, "%s\n", fx.tokens[CAMERA_BADGE + i]);
    strbuf_puts(&in, "not-a-badge\n\n");
    char *in_path = path_join(fx.dir, "scanner.txt");
    CHECK(file_write_atomic(in_path, in.data, in.len, 0644));
    strbuf_finish(&in);

    char *supp = supp_path();
    char *out_path = path_join(fx.dir, "out.jsonl");
    char *vg_log = path_join(fx.dir, "valgrind.log");
    char *db = path_join(fx.dir, "vg.db");
    int rc = fixture_run(
        "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "
        "--show-leak-kinds=definite --suppressions='%s' --log-file='%s' "
        "'%s' kiosk '%s' --headless --device " DEVICE " --room entrance --mode entry "
        "--camera dir:'%s' --scanner stdin --db '%s' --clock 2024-04-22T08:30:00+02:00 "
        "<'%s' >'%s' 2>>'%s'",
        supp, vg_log, fx.bin, fx.kiosk_dir, frames, db, in_path, out_path, vg_log);
    char *log = file_read_all(vg_log, NULL);
    CHECK_MSG(rc == 0, "valgrind/kiosk exit status %d; valgrind said:\n%s", rc,
              log ? log : "(no log)");
    char *out = file_read_all(out_path, NULL);
    CHECK(out != NULL);

    /* Every badge admitted once, the garbage line denied. */
    struct ledger ledger = {0};
    size_t decisions = out ? ledger_add_lines(&ledger, out) : 0;
    size_t admitted = 0, denied = 0;
    for (size_t s = 0; s < ledger.cap; s++) {
        const struct decision *d = &ledger.by_seq[s];
        if (d->seq == 0)
            continue;
        admitted += strcmp(d->result, "admitted") == 0;
        denied += strcmp(d->result, "denied") == 0;
    }
    CHECK_MSG(admitted == CAMERA_BADGE + STDIN_BADGE && denied == 1,
              "%zu decisions (%zu admitted, %zu denied):\n%s", decisions, admitted, denied,
              out ? out : "");
    for (int i = 0; out != NULL && i < CAMERA_BADGE + STDIN_BADGE; i++) {
        char *want = xasprintf("\"attendee\":\"%s\"", fx.ids[i]);
        CHECK_MSG(strstr(out, want) != NULL, "badge %d (%s) not decided", i, fx.ids[i]);
        free(want);
    }
    struct ledger_check c;
    ledger_check(&ledger, db, DEVICE, &c);
    CHECK(c.opened && c.lost == 0);
    fixture_figures("valgrind",
                    "valgrind memcheck of the headless kiosk: %d camera frames, %d scanner "
                    "lines, %zu decisions, exit status %d (0: no errors, no definite leaks)",
                    (2 + BADGE_FRAMES) * CAMERA_BADGE, STDIN_BADGE + 2, decisions, rc);
    ledger_finish(&ledger);
    free(out);
    free(log);
    free(db);
    free(vg_log);
    free(out_path);
    free(supp);
    free(in_path);
    free(frames);
    fixture_teardown(&fx);
    return check_done();
}
