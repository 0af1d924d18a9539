/* SPDX-License-Identifier: Apache-2.0 */
/* portier demo: the generated CSV files (full size), then the whole pipeline (a smaller demo):
 * event, badges, tokens.csv, kiosk bundle; re-running on the same directory; usage errors. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "camera.h"
#include "check.h"
#include "csv.h"
#include "demo.h"
#include "event.h"
#include "timeutil.h"
#include "token.h"
#include "util.h"
#include "event_db.h"
#include "file.h"

/* The pipeline runs on a smaller demo: rendering 900 badges is the slow part. */
#define PIPELINE_ATTENDEES 40

static const char *portier_bin;
static char tmp_dir[] = "/tmp/portier-test-demo-XXXXXX";

/* Runs portier with the given arguments (NULL-terminated), stdout and stderr into out_path.
 * Returns the exit status, or -1 when it did not exit normally. */
static int run_portier(const char *out_path, ...)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)portier_bin;
    va_list ap;
    va_start(ap, out_path);
    const char *arg;
    while ((arg = va_arg(ap, const char *)) != NULL && argc < 31)
        argv[argc++] = (char *)arg;
    va_end(ap);
    argv[argc] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* Reads and parses a CSV file; NULL (and a failed check) when it does not parse. */
static struct csv *load_csv(const char *dir, const char *name)
{
    char *path = path_join(dir, name);
    size_t len;
    char *data = file_read_all(path, &len);
    struct csv_error err = {0};
    struct csv *csv = data != NULL ? csv_parse(data, len, &err) : NULL;
    CHECK_MSG(csv != NULL, "%s: %s (line %zu)", path, data ? err.message : "unreadable", err.line);
    free(data);
    free(path);
    return csv;
}

/* The value of column name in record r of csv ("" when missing). */
static const char *field(const struct csv *csv, size_t r, const char *name)
{
    int i = csv_header_index(&csv->records[0], name);
    if (i < 0 || (size_t)i >= csv->records[r].n_fields)
        return "";
    return csv->records[r].fields[i];
}

/* Returns the record index of the row whose column col equals value, or 0 when absent. */
static size_t find_row(const struct csv *csv, const char *col, const char *value)
{
    for (size_t r = 1; r < csv->n_records; r++) {
        if (strcmp(field(csv, r, col), value) == 0)
            return r;
    }
    return 0;
}

/* Counts the files in dir whose names end with suffix. */
static int count_files(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), slen = strlen(suffix);
        if (len > slen && strcmp(e->d_name + len - slen, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

/* True when the file at dir/name contains needle. */
static bool file_contains(const char *dir, const char *name, const char *needle)
{
    char *path = path_join(dir, name);
    char *data = file_read_all(path, NULL);
    bool found = data != NULL && strstr(data, needle) != NULL;
    free(data);
    free(path);
    return found;
}

/* The full-size CSV files: shape, references, categories, the special names, over-subscription,
 * determinism. */
static void test_csvs(void)
{
    char *dir = path_join(tmp_dir, "full");
    char *log = path_join(tmp_dir, "full.log");
    CHECK(run_portier(log, "demo", "--dir", dir, "--csv-only", NULL) == 0);
    struct csv *rooms = load_csv(dir, DEMO_ROOMS_CSV);
    struct csv *sessions = load_csv(dir, DEMO_SESSIONS_CSV);
    struct csv *att = load_csv(dir, DEMO_ATTENDEES_CSV);
    if (rooms == NULL || sessions == NULL || att == NULL)
        goto out;

    CHECK(rooms->n_records == 1 + 15);
    CHECK(sessions->n_records == 1 + 30);
    CHECK(att->n_records == 1 + DEMO_DEFAULT_ATTENDEES);
    CHECK(csv_header_index(&rooms->records[0], "capacity") >= 0);
    CHECK(csv_header_index(&sessions->records[0], "start") >= 0);
    CHECK(csv_header_index(&att->records[0], "sessions") >= 0);

    /* Rooms: the plenary hall and 14 break-out rooms of 30 to 150 seats. */
    int capacity[16] = {0};
    for (size_t r = 1; r < rooms->n_records && r < 16; r++) {
        capacity[r] = atoi(field(rooms, r, "capacity"));
        if (strcmp(field(rooms, r, "id"), "aula") == 0)
            CHECK(capacity[r] >= 900);
        else
            CHECK_MSG(capacity[r] >= 30 && capacity[r] <= 150, "%s: %d", field(rooms, r, "id"),
                      capacity[r]);
    }
    CHECK(find_row(rooms, "id", "room-2.14") != 0);
    CHECK(find_row(rooms, "name", "Studio A, ground floor") != 0); /* a quoted field */

    /* Sessions: known rooms, an offset, +02:00 in April, no overlap within a room. */
    int64_t start[31] = {0}, end[31] = {0};
    for (size_t s = 1; s < sessions->n_records && s < 31; s++) {
        CHECK(find_row(rooms, "id", field(sessions, s, "room")) != 0);
        CHECK(time_parse_iso8601(field(sessions, s, "start"), &start[s]));
        CHECK(time_parse_iso8601(field(sessions, s, "end"), &end[s]));
        CHECK(end[s] > start[s]);
        CHECK(strstr(field(sessions, s, "start"), "2026-04-23T") != NULL);
        CHECK(strstr(field(sessions, s, "start"), "+02:00") != NULL);
        for (size_t t = 1; t < s; t++) {
            if (strcmp(field(sessions, s, "room"), field(sessions, t, "room")) == 0)
                CHECK(end[t] <= start[s] || end[s] <= start[t]);
        }
    }
    CHECK(find_row(sessions, "title", "Het \"once only\"-principe in de praktijk") != 0);

    /* Attendees: categories, languages, registrations; count them per session. */
    int n_cat[4] = {0}, registered[31] = {0};
    for (size_t a = 1; a < att->n_records; a++) {
        enum category cat;
        enum language lang;
        CHECK(category_parse(field(att, a, "category"), &cat));
        CHECK(language_parse(field(att, a, "language"), &lang));
        n_cat[cat]++;
        char *list = xstrdup(field(att, a, "sessions"));
        size_t regs[3];
        int n_regs = 0;
        for (char *save, *id = strtok_r(list, ";", &save); id != NULL;
             id = strtok_r(NULL, ";", &save)) {
            size_t s = find_row(sessions, "id", id);
            CHECK_MSG(s != 0, "%s: unknown session %s", field(att, a, "id"), id);
            if (s != 0 && n_regs < 3) {
                regs[n_regs++] = s;
                registered[s]++;
            }
        }
        CHECK(n_regs <= 2);
        if (n_regs == 2)
            CHECK(end[regs[0]] <= start[regs[1]] || end[regs[1]] <= start[regs[0]]);
        const char *email = field(att, a, "email");
        bool ascii = true;
        for (const char *c = email; *c != '\0'; c++)
            ascii = ascii && (unsigned char)*c < 0x80;
        CHECK_MSG(ascii, "%s", email);
        free(list);
    }
    CHECK(n_cat[CATEGORY_SPEAKER] == 30);
    CHECK(n_cat[CATEGORY_STAFF] == 20);
    CHECK(n_cat[CATEGORY_PRESS] == 10);
    CHECK(n_cat[CATEGORY_ATTENDEE] == DEMO_DEFAULT_ATTENDEES - 60);

    int oversubscribed = 0;
    for (size_t s = 1; s < sessions->n_records && s < 31; s++) {
        size_t r = find_row(rooms, "id", field(sessions, s, "room"));
        if (r != 0 && r < 16 && registered[s] > capacity[r])
            oversubscribed++;
    }
    CHECK_MSG(oversubscribed >= 3, "%d sessions over-subscribed", oversubscribed);

    /* The names DESIGN.md asks for, byte for byte. */
    CHECK(find_row(att, "name", "Françoise Dieudonné") != 0);
    CHECK(find_row(att, "name", "Jürgen Çelik") != 0);
    CHECK(find_row(att, "name", "محمد") != 0);
    bool ngoc_anh = false;
    for (size_t a = 1; a < att->n_records; a++) {
        const char *name = field(att, a, "name");
        const char *p = strstr(name, "Ngọc Anh");
        if (p != NULL && strlen(name) > strlen("Ngọc Anh"))
            ngoc_anh = true;
    }
    CHECK(ngoc_anh);
    CHECK_STR(field(att, find_row(att, "id", "A0042"), "name"), "Françoise Dieudonné");

    /* Deterministic: the library makes the same bytes; another seed makes other people. */
    struct demo_options opts;
    demo_options_init(&opts);
    struct demo_csvs same = {0}, other = {0};
    CHECK(demo_generate(&opts, &same));
    opts.seed = 7;
    CHECK(demo_generate(&opts, &other));
    char *path = path_join(dir, DEMO_ATTENDEES_CSV);
    char *written = file_read_all(path, NULL);
    CHECK(written != NULL && same.attendees != NULL && strcmp(written, same.attendees) == 0);
    CHECK(other.attendees != NULL && same.attendees != NULL &&
          strcmp(other.attendees, same.attendees) != 0);
    CHECK(other.attendees != NULL && strstr(other.attendees, "Jürgen Çelik") != NULL);
    CHECK(same.rooms != NULL && other.rooms != NULL && strcmp(same.rooms, other.rooms) == 0);
    free(written);
    free(path);
    demo_csvs_finish(&same);
    demo_csvs_finish(&other);
    opts.attendees = DEMO_MIN_ATTENDEES - 1;
    CHECK(!demo_generate(&opts, &same));

out:
    csv_destroy(rooms);
    csv_destroy(sessions);
    csv_destroy(att);
    free(log);
    free(dir);
}

/* Dates: Brussels time and its summer-time offset. */
static void test_dates(void)
{
    char date[DEMO_DATE_LEN];
    int64_t t;
    CHECK(time_parse_iso8601("2026-04-22T22:30:00Z", &t));
    demo_date_at(t, date);
    CHECK_STR(date, "2026-04-23"); /* 00:30 CEST */
    CHECK(time_parse_iso8601("2026-01-15T22:30:00Z", &t));
    demo_date_at(t, date);
    CHECK_STR(date, "2026-01-15"); /* 23:30 CET */
    CHECK(time_parse_iso8601("2026-01-15T23:30:00Z", &t));
    demo_date_at(t, date);
    CHECK_STR(date, "2026-01-16");
    CHECK_STR(demo_utc_offset("2026-04-23"), "+02:00");
    CHECK_STR(demo_utc_offset("2026-12-03"), "+01:00");
    CHECK_STR(demo_utc_offset("2026-03-29"), "+02:00"); /* the day summer time starts */
    CHECK_STR(demo_utc_offset("2026-10-25"), "+01:00"); /* the day it ends */
    CHECK(demo_date_valid("2028-02-29"));
    CHECK(!demo_date_valid("2026-02-29"));
    CHECK(!demo_date_valid("2026-4-23"));

    char *dir = path_join(tmp_dir, "winter");
    char *log = path_join(tmp_dir, "winter.log");
    CHECK(run_portier(log, "demo", "--dir", dir, "--csv-only", "--date", "2026-12-03",
                      "--attendees", "20", NULL) == 0);
    CHECK(file_contains(dir, DEMO_SESSIONS_CSV, "2026-12-03T10:45:00+01:00"));
    free(log);
    free(dir);
}

/* The whole pipeline on a smaller demo, then a second run on the same directory. */
static void test_pipeline(void)
{
    char n_text[16];
    snprintf(n_text, sizeof n_text, "%d", PIPELINE_ATTENDEES);
    char *dir = path_join(tmp_dir, "small");
    char *log = path_join(tmp_dir, "small.log");
    char *event_dir = path_join(dir, "event");
    char *event_db = path_join(event_dir, EVENT_DB_NAME);
    char *badges = path_join(dir, "badges");
    char *kiosk = path_join(dir, "kiosk");
    char *kiosk_db = path_join(kiosk, EVENT_DB_NAME);
    char *kiosk_key = path_join(kiosk, EVENT_SIGNING_KEY_NAME);
    struct event *ev = NULL, *again = NULL;
    struct csv *tokens = NULL;

    /* The whole demo, kiosk included: off screen, it scans the first 40 badges. */
    int rc = run_portier(log, "demo", "--dir", dir, "--attendees", n_text, "--offscreen", NULL);
    CHECK_MSG(rc == 0, "portier demo exited %d", rc);
    if (rc != 0) {
        char *out = file_read_all(log, NULL);
        fprintf(stderr, "%s", out != NULL ? out : "");
        free(out);
    }

    ev = event_load(event_db);
    CHECK(ev != NULL);
    if (ev != NULL) {
        CHECK(ev->n_attendees == PIPELINE_ATTENDEES);
        CHECK(ev->n_rooms == 15);
        CHECK(ev->n_sessions == 30);
        CHECK_STR(ev->timezone, DEMO_TIMEZONE);
        CHECK_STR(ev->name, DEMO_EVENT_NAME);
    }
    CHECK(count_files(badges, ".png") == 0); /* the PDF sheet holds them */
    char *shots = path_join(dir, "screenshots");
    CHECK_MSG(count_files(shots, ".png") >= PIPELINE_ATTENDEES / 2, "%d answer screens",
              count_files(shots, ".png"));
    free(shots);
    char *out = file_read_all(log, NULL);
    CHECK(out != NULL && strstr(out, "\"result\":\"admitted\"") != NULL);
    CHECK(out != NULL && strstr(out, "\"room\":\"room-2.14\"") != NULL);
    free(out);
    CHECK(count_files(badges, ".pdf") >= 1);
    tokens = load_csv(badges, "tokens.csv");
    if (tokens != NULL) {
        CHECK(tokens->n_records == 1 + PIPELINE_ATTENDEES);
        CHECK(find_row(tokens, "name", "Françoise Dieudonné") != 0);
        CHECK(find_row(tokens, "name", "Jürgen Çelik") != 0);
        CHECK(find_row(tokens, "name", "محمد") != 0);
        CHECK(find_row(tokens, "name", "Nguyễn Ngọc Anh") != 0);
    }
    CHECK(file_contains(badges, "tokens.csv", "Françoise Dieudonné"));
    CHECK(file_contains(badges, "tokens.csv", "Jürgen Çelik"));
    CHECK(file_contains(badges, "tokens.csv", "Ngọc Anh"));
    CHECK(file_contains(badges, "tokens.csv", "محمد"));
    char *tokens_path = path_join(badges, "tokens.csv");
    size_t n_tokens = 0;
    char **texts = camera_tokens_load(tokens_path, &n_tokens);
    CHECK(texts != NULL && n_tokens == PIPELINE_ATTENDEES);
    for (size_t i = 0; texts != NULL && i < n_tokens; i++)
        CHECK(strlen(texts[i]) == TOKEN_TEXT_LEN);
    CHECK(texts != NULL && texts[n_tokens] == NULL);
    camera_tokens_free(texts);
    free(tokens_path);
    CHECK(path_exists(kiosk_db));
    CHECK(!path_exists(kiosk_key));

    /* Again on the same directory: the event is reused, not replaced. */
    char *log2 = path_join(tmp_dir, "small2.log");
    CHECK(run_portier(log2, "demo", "--dir", dir, "--seed", "99", "--no-kiosk", NULL) == 0);
    CHECK(file_contains(tmp_dir, "small2.log", "reusing"));
    again = event_load(event_db);
    CHECK(ev != NULL && again != NULL && again->event_id == ev->event_id);
    CHECK(again != NULL && again->n_attendees == PIPELINE_ATTENDEES);
    free(log2);

    csv_destroy(tokens);
    event_destroy(ev);
    event_destroy(again);
    free(kiosk_key);
    free(kiosk_db);
    free(kiosk);
    free(badges);
    free(event_db);
    free(event_dir);
    free(log);
    free(dir);
}

/* Usage errors exit 2; a directory with a partial set of CSV files is refused (1). */
static void test_errors(void)
{
    char *log = path_join(tmp_dir, "errors.log");
    char *dir = path_join(tmp_dir, "errors");
    CHECK(run_portier(log, "demo", "--dir", dir, "--attendees", "5", NULL) == 2);
    CHECK(run_portier(log, "demo", "--dir", dir, "--bogus", NULL) == 2);
    CHECK(run_portier(log, "demo", "--dir", dir, "--date", "2026-02-30", NULL) == 2);
    CHECK(run_portier(log, "demo", "--dir", dir, "--date", "2026-05-01", "--today", NULL) == 2);
    CHECK(run_portier(log, "demo", "--help", NULL) == 0);
    CHECK(file_contains(tmp_dir, "errors.log", "usage: portier demo"));

    CHECK(mkdir_p(dir));
    char *rooms = path_join(dir, DEMO_ROOMS_CSV);
    CHECK(file_write_atomic(rooms, "id,name,capacity\n", 17, 0644));
    CHECK(run_portier(log, "demo", "--dir", dir, "--no-kiosk", NULL) == 1);
    CHECK(file_contains(tmp_dir, "errors.log", "portier: demo: "));
    free(rooms);
    free(dir);
    free(log);
}

int main(void)
{
    portier_bin = getenv("PORTIER_BIN");
    if (portier_bin == NULL) {
        fprintf(stderr, "PORTIER_BIN is not set\n");
        return 1;
    }
    if (mkdtemp(tmp_dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_dates();
    test_csvs();
    test_errors();
    test_pipeline();
    char *cmd = xasprintf("rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp_dir);
    free(cmd);
    return check_done();
}
