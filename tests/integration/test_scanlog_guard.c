/* SPDX-License-Identifier: Apache-2.0 */
/* A scan log belongs to one event and one running kiosk: the kiosk, the sync daemon and
 * `report --db` refuse another event's log; a second kiosk on a log exits with "already in
 * use by pid N"; a log deleted or replaced under a running kiosk confirms nothing more; a
 * device id the central database would refuse is refused by the kiosk too. Runs the built
 * program; waits on its output, never on time. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "csv_file.h"
#include "csv.h"
#include "file.h"
#include "shell.h"
#include "store.h"
#include "util.h"

static char *dir;
static const char *bin;
static char *tokens[8];
static size_t n_tokens;

/* Two events made from the same files (each gets its own random id and key), their bundles,
 * and the first event's badges. */
static void setup(void)
{
    bin = getenv("PORTIER_BIN");
    const char *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-guard-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    for (int e = 1; e <= 2; e++) {
        int rc = test_sh("cd %s && %s init ev%d --name Test --timezone Europe/Brussels --rooms "
                         "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                         "%s/event/attendees.csv >/dev/null && %s bundle ev%d --out kiosk%d "
                         ">/dev/null",
                         dir, bin, e, data, data, data, bin, e, e);
        CHECK(rc == 0);
    }
    CHECK(test_sh("cd %s && %s badges ev1 --out badges --format csv >/dev/null", dir, bin) == 0);
    char *path = path_join(dir, "badges/tokens.csv");
    struct csv *csv = csv_read_file(path);
    free(path);
    CHECK(csv != NULL);
    for (size_t i = 1; csv != NULL && i < csv->n_records && n_tokens < 8; i++)
        tokens[n_tokens++] = xstrdup(csv->records[i].fields[2]);
    csv_destroy(csv);
    CHECK(n_tokens >= 4);
}

/* Runs a shell command in dir with stdin from input; returns its exit status and its stderr
 * (owned by the caller). */
static int run(const char *input, char **err, const char *fmt, const char *arg)
{
    char *in = path_join(dir, "in.txt");
    char *errpath = path_join(dir, "err.txt");
    CHECK(file_write_atomic(in, input, strlen(input), 0644));
    struct strbuf cmd = {0};
    strbuf_printf(&cmd, fmt, arg);
    int rc = test_sh("cd %s && %s < %s > out.txt 2> %s", dir, cmd.data, in, errpath);
    char *text = file_read_all(errpath, NULL);
    *err = text != NULL ? text : xstrdup("");
    strbuf_finish(&cmd);
    free(in);
    free(errpath);
    return rc;
}

/* A running headless kiosk fed through a pipe. */
struct child {
    pid_t pid;
    int in;    /* its stdin */
    FILE *out; /* its stdout */
};

/* Starts `portier kiosk KIOSK --headless --scanner stdin --camera none ...` in dir. */
static void start(struct child *c, const char *kiosk_dir, const char *device, const char *db)
{
    int to[2], from[2];
    CHECK(pipe(to) == 0 && pipe(from) == 0);
    c->pid = fork();
    CHECK(c->pid >= 0);
    if (c->pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[1]);
        close(from[0]);
        char *err = path_join(dir, "child-err.txt");
        int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        if (chdir(dir) != 0)
            _exit(127);
        execl(bin, bin, "kiosk", kiosk_dir, "--headless", "--device", device, "--room", "entrance",
              "--mode", "toggle", "--camera", "none", "--scanner", "stdin", "--db", db,
              (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    c->in = to[1];
    c->out = fdopen(from[0], "r");
    CHECK(c->out != NULL);
}

/* Feeds one replayed scan to the child. */
static void feed(struct child *c, const char *time, const char *token)
{
    char *line = xasprintf("%s\t%s\n", time, token);
    ssize_t ignored = write(c->in, line, strlen(line)); /* the child may have gone: EPIPE */
    (void)ignored;
    free(line);
}

/* Reads the child's next stdout line; NULL at end of file. Owned by the caller. */
static char *next_line(struct child *c)
{
    char *line = NULL;
    size_t cap = 0;
    if (getline(&line, &cap, c->out) < 0) {
        free(line);
        return NULL;
    }
    return line;
}

/* Closes the child's stdin and waits for it; returns its exit status. */
static int finish(struct child *c)
{
    if (c->in >= 0)
        close(c->in);
    c->in = -1;
    int status;
    CHECK(waitpid(c->pid, &status, 0) == c->pid);
    fclose(c->out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The child's stderr so far, owned by the caller. */
static char *child_err(void)
{
    char *path = path_join(dir, "child-err.txt");
    char *text = file_read_all(path, NULL);
    free(path);
    return text != NULL ? text : xstrdup("");
}

/* A log made by event 1's kiosk: event 2's kiosk, sync daemon and report refuse it. */
static void test_foreign_event(void)
{
    char *in = xasprintf("2024-04-22T08:40:00+02:00\t%s\n", tokens[0]);
    char *err;
    CHECK(run(in, &err,
              "%s kiosk kiosk1 --headless --device door-1 --room entrance --camera "
              "none --scanner stdin --db one.db",
              bin) == 0);
    free(err);

    CHECK(run(in, &err,
              "%s kiosk kiosk2 --headless --device door-1 --room entrance --camera "
              "none --scanner stdin --db one.db",
              bin) == 1);
    CHECK(strstr(err, "one.db belongs to event") != NULL);
    CHECK(strstr(err, "this kiosk is configured for event") != NULL);
    CHECK(strstr(err, "move it away") != NULL);
    free(err);

    /* The sync daemon refuses it before it connects to anything. */
    CHECK(run("", &err,
              "%s sync kiosk2 --device door-1 --db one.db --central 'host=/nonexistent "
              "dbname=none connect_timeout=1' --once",
              bin) == 1);
    CHECK(strstr(err, "one.db belongs to event") != NULL);
    free(err);

    CHECK(run("", &err, "%s report --db one.db --event ev2 --out rep2", bin) == 1);
    CHECK(strstr(err, "one.db belongs to event") != NULL);
    CHECK(strstr(err, "this report is for event") != NULL);
    free(err);
    char *rep2 = path_join(dir, "rep2/attendance.csv");
    CHECK(!path_exists(rep2));
    free(rep2);
    CHECK(run("", &err, "%s report --db one.db --event ev1 --out rep1", bin) == 0);
    free(err);

    /* Event 1's kiosk goes on with it. */
    free(in);
    in = xasprintf("2024-04-22T08:45:00+02:00\t%s\n", tokens[1]);
    CHECK(run(in, &err,
              "%s kiosk kiosk1 --headless --device door-1 --room entrance --camera "
              "none --scanner stdin --db one.db",
              bin) == 0);
    free(err);
    free(in);
}

/* A log made before logs named their event is bound by the first kiosk that opens it. */
static void test_legacy_log_adopted(void)
{
    char *path = path_join(dir, "old.db");
    struct store *st = store_open(path, "door-old");
    CHECK(st != NULL);
    store_close(st);
    char *err;
    CHECK(run("", &err, "%s report --db old.db --event ev2 --out rep-old", bin) == 0);
    free(err);
    char *in = xasprintf("2024-04-22T08:40:00+02:00\t%s\n", tokens[0]);
    CHECK(run(in, &err,
              "%s kiosk kiosk1 --headless --device door-old --room entrance --camera "
              "none --scanner stdin --db old.db",
              bin) == 0);
    free(err);
    CHECK(run(in, &err,
              "%s kiosk kiosk2 --headless --device door-old --room entrance --camera "
              "none --scanner stdin --db old.db",
              bin) == 1);
    CHECK(strstr(err, "old.db belongs to event") != NULL);
    free(err);
    free(in);
    free(path);
}

/* A second kiosk on a running kiosk's log exits at once, naming the first one's pid; the sync
 * daemon's access (store_open beside the kiosk) is not excluded. */
static void test_second_kiosk(void)
{
    struct child a;
    start(&a, "kiosk1", "door-2", "two.db");
    feed(&a, "2024-04-22T08:40:00+02:00", tokens[0]);
    char *line = next_line(&a); /* the kiosk runs, and holds the lock */
    CHECK(line != NULL && strstr(line, "\"seq\":1,") != NULL);
    free(line);

    char *err;
    CHECK(run("", &err,
              "%s kiosk kiosk1 --headless --device door-2 --room entrance --camera "
              "none --scanner stdin --db two.db",
              bin) == 1);
    char *want = xasprintf("two.db is already in use by pid %ld", (long)a.pid);
    CHECK(strstr(err, want) != NULL);
    free(want);
    free(err);

    /* A headless overview kiosk only reads: it runs beside the deciding one. */
    CHECK(run("", &err,
              "%s kiosk kiosk1 --headless --device door-2 --room entrance --mode "
              "overview --camera none --scanner stdin --db two.db",
              bin) == 0);
    free(err);

    char *path = path_join(dir, "two.db");
    struct store *syncd = store_open(path, "door-2");
    CHECK(syncd != NULL && store_scan_count(syncd) == 1);
    store_close(syncd);
    free(path);

    feed(&a, "2024-04-22T08:41:00+02:00", tokens[1]);
    line = next_line(&a);
    CHECK(line != NULL && strstr(line, "\"seq\":2,") != NULL);
    free(line);
    CHECK(finish(&a) == 0);
    /* Once it stopped, the log is free again. */
    CHECK(run("", &err,
              "%s kiosk kiosk1 --headless --device door-2 --room entrance --camera "
              "none --scanner stdin --db two.db",
              bin) == 0);
    free(err);
}

/* The log deleted (or replaced) under a running kiosk: the next scan is not confirmed, and the
 * headless kiosk stops with an error. */
static void test_log_vanishes(bool replace)
{
    const char *db = replace ? "replaced.db" : "deleted.db";
    struct child a;
    start(&a, "kiosk1", "door-3", db);
    feed(&a, "2024-04-22T08:40:00+02:00", tokens[0]);
    char *line = next_line(&a);
    CHECK(line != NULL && strstr(line, "\"seq\":1,") != NULL);
    free(line);

    char *path = path_join(dir, db);
    if (replace) {
        char *other = path_join(dir, "other.db");
        struct store *st = store_open(other, "door-3");
        CHECK(st != NULL);
        store_close(st);
        CHECK(rename(other, path) == 0);
        free(other);
    } else {
        CHECK(unlink(path) == 0);
    }
    feed(&a, "2024-04-22T08:41:00+02:00", tokens[1]);
    close(a.in);
    a.in = -1;
    line = next_line(&a);
    if (line != NULL)
        fprintf(stderr, "confirmed after the log went: %s", line);
    CHECK(line == NULL);
    CHECK(finish(&a) == 1);
    char *err = child_err();
    CHECK(strstr(err, "was deleted or replaced while the kiosk ran") != NULL);
    free(err);
    free(path);
}

/* Ids that `portier central add-device` refuses are refused by the kiosk and the sync daemon
 * too (usage errors, before anything is opened). */
static void test_device_ids(void)
{
    static const char *const bad[] = {"'door 1'", "\"door'1\"", "a..b", "d\xC3\xA9j\xC3\xA0",
                                      "pg_door"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        char *err;
        char *cmd = xasprintf("%%s kiosk kiosk1 --headless --device %s --room entrance --camera "
                              "none --scanner stdin --db ids.db",
                              bad[i]);
        CHECK(run("", &err, cmd, bin) == 2);
        CHECK(strstr(err, "cannot be a device id: it ") != NULL);
        free(err);
        free(cmd);
        cmd = xasprintf("%%s sync kiosk1 --device %s --db ids.db --central 'dbname=none' --once",
                        bad[i]);
        CHECK(run("", &err, cmd, bin) == 2);
        CHECK(strstr(err, "cannot be a device id: it ") != NULL);
        free(err);
        free(cmd);
        /* central add-device checks the id before it connects. */
        cmd = xasprintf("%%s central add-device 'host=/nonexistent dbname=none' %s", bad[i]);
        CHECK(run("", &err, cmd, bin) == 2);
        CHECK(strstr(err, "cannot be a device id: it ") != NULL);
        free(err);
        free(cmd);
    }
    char *ids = path_join(dir, "ids.db");
    CHECK(!path_exists(ids));
    free(ids);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    setup();
    test_foreign_event();
    test_legacy_log_adopted();
    test_second_kiosk();
    test_log_vanishes(false);
    test_log_vanishes(true);
    test_device_ids();
    test_sh("rm -rf %s", dir);
    free(dir);
    return check_done();
}
