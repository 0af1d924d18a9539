/* SPDX-License-Identifier: Apache-2.0 */
/* The headless kiosk end to end: a real event, real badges, scans from stdin and from camera
 * frames on disk, JSON decisions out, every decision in the scan log, and a clean SIGTERM. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "camera.h"
#include "check.h"
#include "event_fixture.h"
#include "shell.h"
#include "csv.h"
#include "store.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"
#include "sysclock.h"

static char *dir;
static const char *bin;
static const char *data;
static struct event_tokens badges;

static void setup(void)
{
    bin = getenv("PORTIER_BIN");
    data = getenv("PORTIER_TEST_DATA");
    CHECK(event_fixture_data_event("kiosk", "kiosk", &dir, &badges));
    CHECK(badges.n >= 20);
}

/* Runs a kiosk on input (stdin lines), returns its stdout, owned by the caller. */
static char *kiosk(const char *args, const char *input, int *rc_out)
{
    char *in = path_join(dir, "input.txt");
    char *out = path_join(dir, "output.txt");
    CHECK(file_write_atomic(in, input, strlen(input), 0644));
    *rc_out = test_sh("cd %s && %s kiosk kiosk --headless %s < %s > %s", dir, bin, args, in, out);
    char *text = file_read_all(out, NULL);
    free(in);
    free(out);
    return text ? text : xstrdup("");
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static int64_t scans_in(const char *db, const char *device)
{
    char *path = path_join(dir, db);
    struct store *st = store_open(path, device);
    free(path);
    int64_t n = st ? store_scan_count(st) : -1;
    store_close(st);
    return n;
}

/* Scans replayed from stdin with their times: the JSON contract of DESIGN.md §4. */
static void test_stdin_replay(void)
{
    const char *a = event_fixture_token(&badges, "A0001"),
               *b = event_fixture_token(&badges, "A0002");
    struct strbuf in = {0};
    strbuf_printf(&in, "2024-04-22T08:40:00+02:00\t%s\n", a);
    strbuf_printf(&in, "2024-04-22T08:40:01+02:00\t%s\n", a); /* same badge within 3 s */
    strbuf_printf(&in, "2024-04-22T08:41:00+02:00\t%s\n", b);
    strbuf_printf(&in, "2024-04-22T08:42:00+02:00\thttps://example.org/not-a-badge\n");
    strbuf_printf(&in, "\n");
    strbuf_printf(&in, "2024-04-22T09:30:00+02:00\t%s\n", a);
    int rc;
    char *out = kiosk("--device door-e --room entrance --mode toggle --camera none --scanner "
                      "stdin --db e.db",
                      in.data, &rc);
    CHECK(rc == 0);
    CHECK_STR(out,
              "{\"seq\":1,\"time\":\"2024-04-22T08:40:00+02:00\",\"device\":\"door-e\","
              "\"room\":\"entrance\",\"session\":null,\"attendee\":\"A0001\","
              "\"name\":\"Fran\xC3\xA7oise Dieudonn\xC3\xA9\",\"result\":\"admitted\","
              "\"reason\":\"ok\",\"occupancy\":1,\"capacity\":null}\n"
              "{\"seq\":2,\"time\":\"2024-04-22T08:41:00+02:00\",\"device\":\"door-e\","
              "\"room\":\"entrance\",\"session\":null,\"attendee\":\"A0002\","
              "\"name\":\"J\xC3\xBCrgen \xC3\x87\x65lik\",\"result\":\"admitted\","
              "\"reason\":\"ok\",\"occupancy\":2,\"capacity\":null}\n"
              "{\"seq\":3,\"time\":\"2024-04-22T08:42:00+02:00\",\"device\":\"door-e\","
              "\"room\":\"entrance\",\"session\":null,\"attendee\":null,\"name\":null,"
              "\"result\":\"denied\",\"reason\":\"invalid\",\"occupancy\":2,\"capacity\":null}\n"
              "{\"seq\":4,\"time\":\"2024-04-22T09:30:00+02:00\",\"device\":\"door-e\","
              "\"room\":\"entrance\",\"session\":null,\"attendee\":\"A0001\","
              "\"name\":\"Fran\xC3\xA7oise Dieudonn\xC3\xA9\",\"result\":\"exited\","
              "\"reason\":\"ok\",\"occupancy\":1,\"capacity\":null}\n");
    CHECK(scans_in("e.db", "door-e") == 4);
    free(out);

    /* The same log read again by a restarted kiosk: state carries over (A0002 re-enters). */
    strbuf_reset(&in);
    strbuf_printf(&in, "2024-04-22T09:31:00+02:00\t%s\n", b);
    out = kiosk("--device door-e --room entrance --mode entry --camera none --scanner stdin "
                "--db e.db",
                in.data, &rc);
    CHECK(rc == 0);
    CHECK(strstr(out, "\"seq\":5,") != NULL);
    CHECK(strstr(out, "\"result\":\"admitted\",\"reason\":\"reentry\",\"occupancy\":1") != NULL);
    free(out);
    strbuf_finish(&in);
}

/* A room door: capacity, session end, and the log holding exactly what was printed. */
static void test_room_door(void)
{
    struct strbuf in = {0};
    /* lab.1 holds 12: thirty badges overfill it. */
    for (size_t i = 0; i < badges.n; i++)
        strbuf_printf(&in, "2024-04-22T09:%02zu:00+02:00\t%s\n", 10 + i, badges.tokens[i]);
    int rc;
    char *out = kiosk("--device door-lab --room lab.1 --mode entry --camera none "
                      "--scanner stdin --db r.db --reserve-release 0",
                      in.data, &rc);
    CHECK(rc == 0);
    size_t lines = count_lines(out);
    CHECK(lines == badges.n);
    CHECK(scans_in("r.db", "door-lab") == (int64_t)lines);
    CHECK(strstr(out, "\"reason\":\"room_full\"") != NULL);
    CHECK(strstr(out, "\"occupancy\":-") == NULL);
    free(out);
    strbuf_finish(&in);
}

/* Camera frames on disk: generated badges, clean and degraded, with empty frames between. */
static void test_camera_frames(void)
{
    char *frames = path_join(dir, "frames");
    CHECK(mkdir_p(frames));
    struct image img = {0};
    int n_badges = 12, frame_no = 0;
    for (int i = 0; i < n_badges; i++) {
        struct camera_synth_params p;
        camera_synth_params_clean(&p);
        switch (i % 6) {
        case 0:
            p.size = 0.45;
            break; /* small */
        case 1:
            p.size = 0.9;
            break; /* large */
        case 2:
            p.rotate_deg = 30 + i;
            break; /* rotated */
        case 3:
            p.blur = 1.0;
            break; /* blurred */
        case 4:
            p.noise = 12;
            break; /* noisy */
        case 5:
            p.contrast = 0.5;
            p.tilt_x_deg = 20;
            break; /* washed out and tilted */
        }
        for (int f = 0; f < 3; f++) {
            const char *payload = f == 1 ? badges.tokens[i] : NULL; /* empty, badge, empty */
            CHECK(camera_synth_render(&img, 640, 480, 7, payload, &p, (uint64_t)frame_no));
            char *name = xasprintf("%s/frame-%04d.png", frames, frame_no++);
            CHECK(image_save_png(&img, name));
            free(name);
        }
    }
    image_finish(&img);
    char *args = xasprintf("--device door-cam --room entrance --mode entry --camera dir:%s "
                           "--scanner none --db c.db --clock 2024-04-22T08:30:00+02:00",
                           frames);
    int rc;
    char *out = kiosk(args, "", &rc);
    CHECK(rc == 0);
    CHECK_MSG(count_lines(out) == (size_t)n_badges, "%zu decisions:\n%s", count_lines(out), out);
    for (int i = 0; i < n_badges; i++) {
        char *want = xasprintf("\"attendee\":\"%s\"", badges.ids[i]);
        CHECK_MSG(strstr(out, want) != NULL, "badge %d (%s) not admitted", i, badges.ids[i]);
        free(want);
    }
    CHECK(strstr(out, "\"result\":\"denied\"") == NULL);
    free(out);
    free(args);
    free(frames);
}

/* Out-of-range times are refused at every entry point (issue 14): a replay line dated year 24
 * or 2100, and --clock 1900, store nothing (one such scan used to block the upload forever). */
static void test_time_range(void)
{
    struct strbuf in = {0};
    strbuf_printf(&in, "0024-04-22T08:40:00+02:00\t%s\n", badges.tokens[0]);
    strbuf_printf(&in, "2100-01-01T00:00:00Z\t%s\n", badges.tokens[1]);
    strbuf_printf(&in, "2024-04-22T08:41:00+02:00\t%s\n", badges.tokens[2]);
    char *in_path = path_join(dir, "range.txt");
    CHECK(file_write_atomic(in_path, in.data, in.len, 0644));
    CHECK(test_sh("cd %s && %s kiosk kiosk --headless --device door-r --room entrance --mode entry "
                  "--camera none --scanner stdin --db range.db < range.txt > range.out "
                  "2> range.err",
                  dir, bin) == 0);
    char *err_path = path_join(dir, "range.err");
    char *err = file_read_all(err_path, NULL);
    CHECK_MSG(err != NULL && strstr(err, "stdin line 1: timestamp out of range") != NULL &&
                  strstr(err, "stdin line 2: timestamp out of range") != NULL,
              "%s", err ? err : "(none)");
    CHECK(scans_in("range.db", "door-r") == 1); /* only the 2024 line */
    CHECK(test_sh("cd %s && %s kiosk kiosk --headless --device door-r --room entrance --mode entry "
                  "--camera none --scanner none --db range.db --clock 1900-01-01T00:00:00Z "
                  "2>&1 | grep -q \"out of range\"",
                  dir, bin) == 0);
    CHECK(test_sh("cd %s && %s kiosk kiosk --headless --device door-r --room entrance --mode entry "
                  "--camera none --scanner none --db range.db --clock 1900-01-01T00:00:00Z "
                  "2>/dev/null",
                  dir, bin) == 2);
    CHECK(scans_in("range.db", "door-r") == 1);
    free(err);
    free(err_path);
    free(in_path);
    strbuf_finish(&in);
}

/* SIGTERM while scans are coming in: a quick, clean exit with every decision stored. */
static void test_sigterm(void)
{
    int in_pipe[2], out_pipe[2];
    CHECK(pipe(in_pipe) == 0 && pipe(out_pipe) == 0);
    char *kdir = path_join(dir, "kiosk");
    char *db = path_join(dir, "t.db");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        close(in_pipe[1]);
        close(out_pipe[0]);
        execl(bin, "portier", "kiosk", kdir, "--headless", "--device", "door-t", "--room",
              "entrance", "--camera", "none", "--scanner", "stdin", "--db", db, (char *)NULL);
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    FILE *w = fdopen(in_pipe[1], "w");
    FILE *r = fdopen(out_pipe[0], "r");
    for (size_t i = 0; i < badges.n; i++)
        fprintf(w, "%s\n", badges.tokens[i]);
    fflush(w);
    char line[1024];
    size_t seen = 0;
    while (seen < badges.n / 2 && fgets(line, sizeof line, r) != NULL)
        seen++;
    int64_t t0 = time_mono_ns();
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    double secs = (double)(time_mono_ns() - t0) / 1e9;
    while (fgets(line, sizeof line, r) != NULL)
        seen++;
    fclose(w);
    fclose(r);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_MSG(secs < 2.0, "exit took %.2f s", secs);
    CHECK(scans_in("t.db", "door-t") == (int64_t)seen);
    free(kdir);
    free(db);
}

static void test_usage(void)
{
    CHECK(test_sh("%s kiosk --help >/dev/null", bin) == 0);
    CHECK(test_sh("%s kiosk 2>/dev/null", bin) == 2);
    CHECK(test_sh("cd %s && %s kiosk kiosk --headless --room aula 2>/dev/null", dir, bin) == 2);
    CHECK(test_sh("cd %s && %s kiosk kiosk --headless --device d --room aula --camera bogus "
                  "2>/dev/null",
                  dir, bin) == 2);
    CHECK(test_sh("cd %s && %s kiosk kiosk --headless --device d --room nowhere --camera none "
                  "--db u.db 2>/dev/null",
                  dir, bin) == 1);
    /* --config: the file's options, the command line winning. */
    char *conf = path_join(dir, "kiosk.conf");
    const char *text = "[kiosk]\ndevice = door-conf\nroom = aula\nmode = exit\ncamera = none\n"
                       "scanner = stdin\nheadless = true\n";
    CHECK(file_write_atomic(conf, text, strlen(text), 0644));
    CHECK(test_sh("cd %s && printf '2024-04-22T09:00:00+02:00\\t%s\\n' | %s kiosk kiosk --config "
                  "kiosk.conf --mode entry --db conf.db | grep -q '\"device\":\"door-conf\".*"
                  "\"result\":\"admitted\"'",
                  dir, badges.tokens[0], bin) == 0);
    const char *bad = "[kiosk]\nmode = sideways\n";
    CHECK(file_write_atomic(conf, bad, strlen(bad), 0644));
    CHECK(test_sh("cd %s && %s kiosk kiosk --config kiosk.conf 2>&1 | grep -q "
                  "\"kiosk.conf:2: option 'mode'\"",
                  dir, bin) == 0);
    /* A file with errors is a usage error (exit 2): systemd's RestartPreventExitStatus=2 keeps
     * the kiosk stopped until it is fixed instead of restarting it in a loop. */
    CHECK(test_sh("cd %s && %s kiosk kiosk --config kiosk.conf 2>/dev/null", dir, bin) == 2);
    const char *twice = "[kiosk]\ndevice = a\ndevice = b\n";
    CHECK(file_write_atomic(conf, twice, strlen(twice), 0644));
    CHECK(test_sh("cd %s && %s kiosk kiosk --config kiosk.conf 2>/dev/null", dir, bin) == 2);
    CHECK(test_sh("cd %s && %s kiosk kiosk --config . 2>/dev/null", dir, bin) == 2);
    free(conf);
}

int main(void)
{
    setup();
    test_stdin_replay();
    test_room_door();
    test_camera_frames();
    test_sigterm();
    test_usage();
    test_time_range();
    test_sh("rm -rf %s", dir);
    event_fixture_tokens_free(&badges);
    free(dir);
    return check_done();
}
