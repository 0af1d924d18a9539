/* SPDX-License-Identifier: Apache-2.0 */
/* portier init / import / revoke / bundle, end to end through the built program: a valid event
 * round-trips byte for byte, every bad file of tests/data/bad is refused with its exact messages
 * and leaves event.db untouched, and the key files and bundles hold what they must. */
#include <dirent.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "csv.h"
#include "event.h"
#include "token.h"
#include "util.h"
#include "event_db.h"
#include "file.h"

static const char *bin, *data_dir;
static char tmp[256];
static char *out_text, *err_text;

/* Runs a shell command in dir with stdout and stderr captured into out_text and err_text;
 * returns its exit status. */
static int run(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(const char *dir, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char cmd[4096];
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *full = xasprintf("cd '%s' && %s >'%s/out' 2>'%s/err'", dir, cmd, tmp, tmp);
    int status = system(full);
    free(full);
    free(out_text);
    free(err_text);
    char *p = path_join(tmp, "out");
    out_text = file_read_all(p, NULL);
    free(p);
    p = path_join(tmp, "err");
    err_text = file_read_all(p, NULL);
    free(p);
    if (out_text == NULL)
        out_text = xstrdup("");
    if (err_text == NULL)
        err_text = xstrdup("");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Returns a whole file (owned by the caller), or NULL. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    char *p = path_join(dir, name);
    char *d = file_read_all(p, len);
    free(p);
    return d;
}

/* Copies a file. */
static bool copy_file(const char *from, const char *to)
{
    size_t len;
    char *d = file_read_all(from, &len);
    if (d == NULL)
        return false;
    bool ok = file_write_atomic(to, d, len, 0644);
    free(d);
    return ok;
}

/* Creates a valid event in tmp/NAME from tests/data/event. */
static int init_event(const char *name)
{
    return run(tmp,
               "'%s' init %s --name 'Portier Demo Day' --timezone Europe/Brussels --rooms "
               "'%s/event/rooms.csv' --sessions '%s/event/sessions.csv' --attendees "
               "'%s/event/attendees.csv'",
               bin, name, data_dir, data_dir, data_dir);
}

static void test_usage(void)
{
    static const char *const cmds[] = {"init", "import", "revoke", "bundle"};
    for (size_t i = 0; i < ARRAY_LEN(cmds); i++) {
        CHECK(run(tmp, "'%s' %s --help", bin, cmds[i]) == 0);
        CHECK_MSG(strstr(out_text, "usage: portier ") != NULL, "%s --help", cmds[i]);
        CHECK(run(tmp, "'%s' %s", bin, cmds[i]) == 2);
        CHECK(strstr(err_text, "usage: portier ") != NULL);
        CHECK(run(tmp, "'%s' %s ev --bogus", bin, cmds[i]) == 2);
        CHECK(strstr(err_text, "--bogus") != NULL);
    }
    CHECK(run(tmp, "'%s' init ev --name X --timezone Europe/Brussels", bin) == 2);
    CHECK(strstr(err_text, "portier: init: missing --rooms") != NULL);
    CHECK(run(tmp,
              "'%s' init ev --name X --timezone Mars/Olympus --rooms a --sessions b "
              "--attendees c",
              bin) == 2);
    CHECK(strstr(err_text, "unknown time zone 'Mars/Olympus'") != NULL);
    CHECK(!path_exists("ev"));
    /* An event name that would rewrite a terminal's title, or display reversed. */
    CHECK(run(tmp,
              "'%s' init ev --name \"$(printf 'Bad\\033]0;x\\007')\" --timezone Europe/Brussels "
              "--rooms a --sessions b --attendees c",
              bin) == 2);
    CHECK(strstr(err_text, "--name holds a control character") != NULL);
    CHECK(run(tmp,
              "'%s' init ev --name \"$(printf '\\342\\200\\256tneve')\" --timezone "
              "Europe/Brussels --rooms a --sessions b --attendees c",
              bin) == 2);
    CHECK(strstr(err_text, "--name holds a bidirectional control character") != NULL);
    CHECK(run(tmp, "'%s' import ev", bin) == 2);
    CHECK(strstr(err_text, "missing --attendees") != NULL);
    CHECK(run(tmp, "'%s' bundle ev", bin) == 2);
    CHECK(run(tmp, "'%s' revoke ev", bin) == 2);
}

/* Finds the attendee row with the given id in a parsed attendees.csv. */
static const struct csv_record *csv_row(const struct csv *c, const char *id)
{
    for (size_t i = 1; i < c->n_records; i++) {
        if (strcmp(c->records[i].fields[0], id) == 0)
            return &c->records[i];
    }
    return NULL;
}

static void test_init_round_trip(void)
{
    CHECK(init_event("ev") == 0);
    CHECK(strstr(out_text, "30 attendees") != NULL);
    char *ev_dir = path_join(tmp, "ev");
    char *db = path_join(ev_dir, EVENT_DB_NAME);
    struct event *ev = event_load(db);
    CHECK(ev != NULL);
    if (ev == NULL)
        goto out;
    CHECK_STR(ev->name, "Portier Demo Day");
    CHECK_STR(ev->timezone, "Europe/Brussels");
    CHECK(ev->event_id != 0);
    CHECK(ev->n_rooms == 4);
    CHECK_STR(ev->rooms[0].id, "aula"); /* file order */
    CHECK_STR(ev->rooms[1].name, "Room 2.14, second floor");
    CHECK(ev->rooms[1].capacity == 30);
    CHECK(ev->n_sessions == 8);
    size_t s = event_session_index(ev, "s-214-pm");
    CHECK(s != SIZE_MAX);
    if (s != SIZE_MAX) {
        CHECK_STR(ev->sessions[s].title, "Workshop \"hands-on\" kiosks");
        CHECK(ev->sessions[s].room == event_room_index(ev, "room-2.14"));
    }
    /* Sorted by (room, start). */
    for (size_t i = 1; i < ev->n_sessions; i++)
        CHECK(ev->sessions[i - 1].room < ev->sessions[i].room ||
              (ev->sessions[i - 1].room == ev->sessions[i].room &&
               ev->sessions[i - 1].start_ms < ev->sessions[i].start_ms));
    s = event_session_index(ev, "s-zaal3-pm");
    CHECK(s != SIZE_MAX && ev->sessions[s].start_ms == 1713787200000LL); /* 12:00Z */

    CHECK(ev->n_attendees == 30);
    const struct attendee *a = event_attendee_by_id(ev, "A0001");
    CHECK(a != NULL && a->num == 1 && a->serial == 0);
    CHECK(a && strcmp(a->name, "Fran\xC3\xA7oise Dieudonn\xC3\xA9") == 0);
    CHECK(a && a->language == LANG_FR && a->n_sessions == 2);
    CHECK(a && event_is_registered(a, event_session_index(ev, "s-zaal3-am")));
    CHECK(a && !event_is_registered(a, event_session_index(ev, "s-lab-pm")));
    a = event_attendee_by_num(ev, 4);
    CHECK(a && strcmp(a->name, "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF") == 0);
    a = event_attendee_by_id(ev, "A0005");
    CHECK(a && a->language == LANG_NL && a->category == CATEGORY_ATTENDEE); /* defaults */
    CHECK(event_attendee_by_id(ev, "A0007")->category == CATEGORY_STAFF);
    CHECK(event_attendee_by_id(ev, "A0006")->category == CATEGORY_PRESS);
    CHECK(event_attendee_by_id(ev, "A0009")->email == NULL);
    CHECK(event_attendee_by_id(ev, "nobody") == NULL);
    CHECK(event_attendee_by_num(ev, 31) == NULL);

    /* Every attendee, byte for byte against the CSV as written. */
    size_t len;
    char *csv_text = slurp(data_dir, "event/attendees.csv", &len);
    struct csv_error cerr;
    struct csv *c = csv_text ? csv_parse(csv_text, len, &cerr) : NULL;
    CHECK(c != NULL && c->n_records == 31);
    for (size_t i = 0; c && i < ev->n_attendees; i++) {
        const struct attendee *x = &ev->attendees[i];
        const struct csv_record *row = csv_row(c, x->id);
        CHECK_MSG(row != NULL, "%s", x->id);
        if (row == NULL)
            continue;
        CHECK(x->num == (uint32_t)(row - c->records)); /* file order */
        CHECK_STR(x->name, row->fields[1]);
        CHECK_STR(x->organisation, row->fields[2]);
        CHECK_STR(x->email ? x->email : "", row->fields[3]);
        CHECK_STR(language_name(x->language), *row->fields[4] ? row->fields[4] : "nl");
        CHECK_STR(category_name(x->category), *row->fields[5] ? row->fields[5] : "attendee");
        struct strbuf sb = {0};
        for (size_t k = 0; k < x->n_sessions; k++) {
            if (k > 0)
                strbuf_putc(&sb, ';');
            strbuf_puts(&sb, ev->sessions[x->sessions[k]].id);
        }
        size_t n_listed = *row->fields[6] ? 1 : 0;
        for (const char *p = row->fields[6]; *p; p++)
            n_listed += *p == ';';
        CHECK(x->n_sessions == n_listed);
        for (size_t k = 0; k < x->n_sessions; k++)
            CHECK(strstr(row->fields[6], ev->sessions[x->sessions[k]].id) != NULL);
        strbuf_finish(&sb);
    }
    csv_destroy(c);
    free(csv_text);

    /* Key files. */
    char *sk_path = path_join(ev_dir, EVENT_SIGNING_KEY_NAME);
    char *pk_path = path_join(ev_dir, EVENT_VERIFY_KEY_NAME);
    struct stat st;
    CHECK(stat(sk_path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(stat(pk_path, &st) == 0 && (st.st_mode & 0077) == 0044);
    char *sk_text = slurp(ev_dir, EVENT_SIGNING_KEY_NAME, &len);
    CHECK(sk_text && len == 129 && sk_text[128] == '\n');
    free(sk_text);
    char *pk_text = slurp(ev_dir, EVENT_VERIFY_KEY_NAME, &len);
    CHECK(pk_text && len == 65 && pk_text[64] == '\n');
    free(pk_text);
    uint8_t pk[32], sk[64];
    CHECK(event_read_public_key(ev_dir, pk));
    CHECK(event_read_secret_key(ev_dir, sk));
    CHECK(memcmp(sk + 32, pk, 32) == 0); /* libsodium keeps the public key in sk[32..63] */
    CHECK(token_init() && token_key_id(pk) == ev->key_id);
    CHECK(chmod(sk_path, 0640) == 0);
    CHECK(!event_read_secret_key(ev_dir, sk));
    CHECK(chmod(sk_path, 0600) == 0);
    CHECK(event_read_secret_key(ev_dir, sk));

    /* An existing event is never overwritten. */
    size_t before_len;
    char *before = slurp(ev_dir, EVENT_DB_NAME, &before_len);
    CHECK(init_event("ev") == 1);
    CHECK(strstr(err_text, "already holds an event") != NULL);
    char *after = slurp(ev_dir, EVENT_DB_NAME, &len);
    CHECK(before && after && len == before_len && memcmp(before, after, len) == 0);
    free(before);
    free(after);
    free(sk_path);
    free(pk_path);
out:
    event_destroy(ev);
    free(db);
    free(ev_dir);
}

/* Replaces every occurrence of what in s (owned) by with. */
static char *replace_all(char *s, const char *what, const char *with)
{
    struct strbuf sb = {0};
    const char *p = s, *hit;
    while ((hit = strstr(p, what)) != NULL) {
        strbuf_append(&sb, p, (size_t)(hit - p));
        strbuf_puts(&sb, with);
        p = hit + strlen(what);
    }
    strbuf_puts(&sb, p);
    free(s);
    return strbuf_take(&sb);
}

/* Runs one case of tests/data/bad: its CSV files (the valid event's for those it lacks, unless
 * named in `omit`), then compares exit status, stderr with `expected`, and event.db. */
static void run_bad_case(const char *name)
{
    char *case_dir = xasprintf("%s/bad/%s", data_dir, name);
    char *work = xasprintf("%s/work-%s", tmp, name);
    char *expected = slurp(case_dir, "expected", NULL);
    char *omit = slurp(case_dir, "omit", NULL);
    CHECK_MSG(expected != NULL, "%s: no expected file", name);
    mkdir_p(work);
    static const char *const files[] = {"rooms.csv", "sessions.csv", "attendees.csv", "more.csv"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char *from = path_join(case_dir, files[i]);
        char *to = path_join(work, files[i]);
        if (path_exists(from)) {
            CHECK(copy_file(from, to));
        } else if (i < 3 && (omit == NULL || strstr(omit, files[i]) == NULL)) {
            char *good = xasprintf("%s/event/%s", data_dir, files[i]);
            CHECK(copy_file(good, to));
            free(good);
        }
        free(from);
        free(to);
    }
    int rc;
    if (strncmp(name, "import-", 7) == 0) {
        size_t len0, len1;
        char *before = slurp(tmp, "base/event.db", &len0);
        rc = run(work, "'%s' import ../base --attendees more.csv", bin);
        char *after = slurp(tmp, "base/event.db", &len1);
        CHECK_MSG(before && after && len0 == len1 && memcmp(before, after, len0) == 0,
                  "%s: event.db changed", name);
        free(before);
        free(after);
    } else {
        rc = run(work,
                 "'%s' init ev --name X --timezone Europe/Brussels --rooms rooms.csv "
                 "--sessions sessions.csv --attendees attendees.csv",
                 bin);
        char *ev = path_join(work, "ev");
        char *db = path_join(ev, EVENT_DB_NAME), *sk = path_join(ev, EVENT_SIGNING_KEY_NAME);
        CHECK_MSG(!path_exists(db) && !path_exists(sk), "%s: init wrote files", name);
        free(db);
        free(sk);
        free(ev);
    }
    CHECK_MSG(rc == 1, "%s: exit %d", name, rc);
    err_text = replace_all(err_text, tmp, "TMP");
    CHECK_MSG(expected && strcmp(err_text, expected) == 0, "%s:\n--- got:\n%s--- expected:\n%s",
              name, err_text, expected ? expected : "");
    free(expected);
    free(omit);
    free(work);
    free(case_dir);
}

/* Orders C strings. */
static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bad_files(void)
{
    CHECK(init_event("base") == 0);
    char *bad = path_join(data_dir, "bad");
    DIR *d = opendir(bad);
    CHECK(d != NULL);
    char *names[256];
    size_t n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL && n < ARRAY_LEN(names)) {
        /* Cases are folders (README explains them). */
        if (de->d_name[0] != '.' && strncmp(de->d_name, "README", 6) != 0)
            names[n++] = xstrdup(de->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    CHECK_MSG(n >= 15, "only %zu bad cases", n);
    for (size_t i = 0; i < n; i++) {
        run_bad_case(names[i]);
        free(names[i]);
    }
    free(bad);
}

static void test_import(void)
{
    CHECK(init_event("imp") == 0);
    static const char more[] = "id,sessions,name,organisation,email,language,category,extra\n"
                               "A0031,s-aula-pm,Nieuwe Bezoeker,,nieuw@example.be,,,ignored\n"
                               "A0002,s-lab-pm,J\xC3\xBCrgen \xC3\x87"
                               "elik,Stadtwerke K\xC3\xB6ln,juergen@example.de,de-fr,"
                               "speaker,x\n";
    char *path = path_join(tmp, "more.csv");
    /* First a file with one fault: nothing at all may change. */
    CHECK(file_write_atomic(path, more, sizeof more - 1, 0644));
    CHECK(run(tmp, "'%s' import imp --attendees more.csv", bin) == 1);
    CHECK_STR(err_text, "portier: more.csv:3: column 'language': unknown language 'de-fr' (use "
                        "nl, fr or en; empty means nl)\n"
                        "portier: import: 1 problem found; nothing was imported\n");
    static const char fixed[] =
        "id,sessions,name,organisation,email,language,category,extra\n"
        "A0031,s-aula-pm,Nieuwe Bezoeker,,nieuw@example.be,,,ignored\n"
        "A0002,s-lab-pm;s-aula-am,J\xC3\xBCrgen \xC3\x87"
        "elik-Weber,Stadtwerke K\xC3\xB6ln,,en,speaker,x\n"
        "A0003,s-214-am,Ng\xE1\xBB\x8D\x63 Anh,Hanoi Tech,ngoc.anh@example.vn,en,attendee,\n"
        "A0032,,\"Late, Registrant\",,,fr,press,\n";
    CHECK(file_write_atomic(path, fixed, sizeof fixed - 1, 0644));
    CHECK(run(tmp, "'%s' import imp --attendees more.csv", bin) == 0);
    CHECK(strstr(out_text, "2 added, 1 updated, 1 unchanged") != NULL);
    struct event *ev = event_load("imp/event.db");
    CHECK(ev != NULL && ev->n_attendees == 32);
    if (ev != NULL) {
        const struct attendee *a = event_attendee_by_id(ev, "A0031");
        CHECK(a && a->num == 31 && a->serial == 0 && a->n_sessions == 1);
        a = event_attendee_by_id(ev, "A0032");
        CHECK(a && a->num == 32 && strcmp(a->name, "Late, Registrant") == 0);
        CHECK(a && a->category == CATEGORY_PRESS && a->language == LANG_FR);
        a = event_attendee_by_id(ev, "A0002");
        CHECK(a && a->num == 2 && a->email == NULL && a->n_sessions == 2);
        CHECK(a && strcmp(a->name, "J\xC3\xBCrgen \xC3\x87"
                                   "elik-Weber") == 0);
        CHECK(a && event_is_registered(a, event_session_index(ev, "s-lab-pm")));
        CHECK(a && !event_is_registered(a, event_session_index(ev, "s-aula-mid")));
    }
    event_destroy(ev);
    /* The same file again changes nothing. */
    CHECK(run(tmp, "'%s' import imp --attendees more.csv", bin) == 0);
    CHECK(strstr(out_text, "0 added, 0 updated, 4 unchanged") != NULL);
    free(path);
}

static void test_revoke(void)
{
    CHECK(run(tmp, "'%s' revoke imp A0002", bin) == 0);
    CHECK(strstr(out_text, "--only A0002") != NULL);
    CHECK(run(tmp, "'%s' revoke imp A0002", bin) == 0);
    struct event *ev = event_load("imp/event.db");
    CHECK(ev != NULL);
    if (ev != NULL) {
        const struct attendee *a = event_attendee_by_id(ev, "A0002");
        CHECK(a && a->serial == 2);
        CHECK(ev->n_revocations == 2);
        CHECK(event_is_revoked(ev, 2, 0) && event_is_revoked(ev, 2, 1));
        CHECK(!event_is_revoked(ev, 2, 2) && !event_is_revoked(ev, 1, 0));
    }
    event_destroy(ev);
    CHECK(run(tmp, "'%s' revoke imp NOBODY", bin) == 1);
    CHECK(strstr(err_text, "portier: revoke: no attendee with id 'NOBODY'") != NULL);
    CHECK(run(tmp, "'%s' revoke nowhere A0002", bin) == 1);

    /* The serial is one byte in the token: refuse to go past 255. */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open("imp/event.db", &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE attendees SET serial = 255 WHERE id = 'A0003'", NULL, NULL,
                       NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(run(tmp, "'%s' revoke imp A0003", bin) == 1);
    CHECK(strstr(err_text, "255") != NULL);

    /* Import keeps num and serial of a revoked attendee. */
    CHECK(run(tmp, "'%s' import imp --attendees more.csv", bin) == 0);
    ev = event_load("imp/event.db");
    CHECK(ev && event_attendee_by_id(ev, "A0002")->serial == 2);
    event_destroy(ev);
}

/* True when the n bytes at p contain needle. */
static bool contains(const char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++) {
        if (memcmp(p + i, needle, k) == 0)
            return true;
    }
    return false;
}

static void test_bundle(void)
{
    CHECK(run(tmp, "'%s' bundle imp --out kiosk", bin) == 0);
    CHECK(path_exists("kiosk/event.db"));
    CHECK(!path_exists("kiosk/" EVENT_SIGNING_KEY_NAME));
    size_t a_len, b_len, db_len;
    char *a = slurp(tmp, "imp/verify.pub", &a_len);
    char *b = slurp(tmp, "kiosk/verify.pub", &b_len);
    CHECK(a && b && a_len == b_len && memcmp(a, b, a_len) == 0);
    free(a);
    free(b);
    char *raw = slurp(tmp, "kiosk/event.db", &db_len);
    CHECK(raw && !contains(raw, db_len, "@example"));
    CHECK(raw && contains(raw, db_len, "Fran\xC3\xA7oise Dieudonn\xC3\xA9"));
    free(raw);
    struct event *ev = event_load("kiosk/event.db");
    struct event *orig = event_load("imp/event.db");
    CHECK(ev != NULL && orig != NULL);
    if (ev != NULL && orig != NULL) {
        CHECK(ev->event_id == orig->event_id && ev->key_id == orig->key_id);
        CHECK(ev->n_attendees == orig->n_attendees && ev->n_revocations == 2);
        for (size_t i = 0; i < ev->n_attendees; i++)
            CHECK(ev->attendees[i].email == NULL);
        CHECK(event_attendee_by_id(orig, "A0001")->email != NULL); /* source untouched */
    }
    event_destroy(ev);
    event_destroy(orig);
    uint8_t pk[32];
    CHECK(event_read_public_key("kiosk", pk));

    /* Re-bundling the same event replaces it; another event's bundle dir is refused. */
    CHECK(run(tmp, "'%s' revoke imp A0001", bin) == 0);
    CHECK(run(tmp, "'%s' bundle imp --out kiosk", bin) == 0);
    ev = event_load("kiosk/event.db");
    CHECK(ev && ev->n_revocations == 3);
    event_destroy(ev);
    char *before = slurp(tmp, "kiosk/event.db", &a_len);
    CHECK(run(tmp, "'%s' bundle ev --out kiosk", bin) == 1);
    CHECK(strstr(err_text, "another event") != NULL);
    char *after = slurp(tmp, "kiosk/event.db", &b_len);
    CHECK(before && after && a_len == b_len && memcmp(before, after, a_len) == 0);
    free(before);
    free(after);
    /* Never over an event directory. */
    CHECK(run(tmp, "'%s' bundle imp --out ev", bin) == 1);
    CHECK(strstr(err_text, "signing key") != NULL);
    ev = event_load("ev/event.db");
    CHECK(ev && event_attendee_by_id(ev, "A0001")->email != NULL);
    event_destroy(ev);
}

/* The permission bits of path ("%o"), -1 when it is missing. */
static int mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* Checks path's permission bits. */
static void check_mode(const char *path, int want)
{
    int got = mode_of(path);
    CHECK_MSG(got == want, "%s: mode %o, want %o", path, (unsigned)got, (unsigned)want);
}

/* event.db (every name and e-mail address), the bundle, the badges (each a valid badge) and
 * their folders are the owner's alone, whatever the umask lets through; so are the files
 * SQLite makes beside event.db. */
static void test_private_modes(void)
{
    mode_t old = umask(022);
    CHECK(init_event("priv") == 0);
    check_mode("priv", 0700);
    check_mode("priv/event.db", 0600);
    check_mode("priv/signing.key", 0600);
    check_mode("priv/verify.pub", 0644);
    CHECK(run(tmp, "'%s' bundle priv --out priv-kiosk", bin) == 0);
    check_mode("priv-kiosk", 0700);
    check_mode("priv-kiosk/event.db", 0600);
    CHECK(run(tmp, "'%s' badges priv --out priv-badges", bin) == 0);
    check_mode("priv-badges", 0700);
    check_mode("priv-badges/A0001.png", 0600);
    check_mode("priv-badges/badges.pdf", 0600);
    check_mode("priv-badges/tokens.csv", 0600);
    /* A folder that existed is left as it was; the files in it are private all the same. */
    CHECK(mkdir("shared", 0755) == 0);
    CHECK(run(tmp, "'%s' badges priv --out shared --only A0001", bin) == 0);
    check_mode("shared", 0755);
    check_mode("shared/A0001.png", 0600);
    /* SQLite gives its journal files event.db's mode. */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open("priv/event.db", &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
                       "PRAGMA journal_mode=WAL; BEGIN IMMEDIATE; "
                       "UPDATE meta SET value = value WHERE key = 'name'; COMMIT;",
                       NULL, NULL, NULL) == SQLITE_OK);
    check_mode("priv/event.db-wal", 0600);
    check_mode("priv/event.db-shm", 0600);
    sqlite3_close(db);
    umask(old);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    data_dir = getenv("PORTIER_TEST_DATA");
    if (bin == NULL || data_dir == NULL) {
        fprintf(stderr, "PORTIER_BIN and PORTIER_TEST_DATA must be set\n");
        return 1;
    }
    snprintf(tmp, sizeof tmp, "/tmp/portier-event-XXXXXX");
    if (mkdtemp(tmp) == NULL || chdir(tmp) != 0)
        return 1;
    test_usage();
    test_init_round_trip();
    test_bad_files();
    test_import();
    test_revoke();
    test_bundle();
    test_private_modes();
    free(out_text);
    free(err_text);
    char *rm = xasprintf("rm -rf '%s'", tmp);
    if (chdir("/") != 0 || system(rm) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    free(rm);
    return check_done();
}
