/* SPDX-License-Identifier: Apache-2.0 */
/* The local store: creation, reopening, migration, seq, remote inserts, the read cursor,
 * refusals that leave the file untouched, and the append-only triggers. */
#include "store.h"
#include "store_internal.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "util.h"
#include "file.h"

static char *dir;

/* Returns a path in the test's temp dir; owned by the caller. */
static char *tmp(const char *name)
{
    return path_join(dir, name);
}

/* A scan with every field set from i. */
static struct scan make_scan(int i)
{
    struct scan s;
    memset(&s, 0, sizeof s);
    s.wall_ms = 1713775623000 + i * 1000;
    s.mono_ns = 5000000000LL + i;
    snprintf(s.boot_id, sizeof s.boot_id, "0f8e7d6c-5b4a-3928-1706-%012d", i);
    s.clock_synced = i % 2 == 0;
    s.clock_given = i % 4 == 1; /* never both */
    snprintf(s.room, sizeof s.room, "room-%d", i % 3);
    snprintf(s.session, sizeof s.session, i % 4 ? "s-%d" : "", i % 5);
    snprintf(s.attendee, sizeof s.attendee, "A%04d-Jürgen", i);
    s.mode = (enum kiosk_mode)(i % KIOSK_MODE_COUNT);
    s.kind = (enum scan_kind)(i % SCAN_KIND_COUNT);
    s.result = (enum scan_result)(i % SCAN_RESULT_COUNT);
    s.reason = (enum scan_reason)(i % SCAN_REASON_COUNT);
    s.override = i % 3 == 0;
    return s;
}

/* A scan of another device. */
static struct scan remote_scan(const char *device, int64_t epoch, int64_t seq)
{
    struct scan s = make_scan((int)seq + 1000);
    snprintf(s.device_id, sizeof s.device_id, "%s", device);
    s.db_epoch = epoch;
    s.seq = seq;
    return s;
}

/* True when two scans agree on every field. */
static bool scan_equal(const struct scan *a, const struct scan *b)
{
    return strcmp(a->device_id, b->device_id) == 0 && a->db_epoch == b->db_epoch &&
           a->seq == b->seq && a->wall_ms == b->wall_ms && a->mono_ns == b->mono_ns &&
           strcmp(a->boot_id, b->boot_id) == 0 && a->clock_synced == b->clock_synced &&
           a->clock_given == b->clock_given && strcmp(a->room, b->room) == 0 &&
           strcmp(a->session, b->session) == 0 && strcmp(a->attendee, b->attendee) == 0 &&
           a->mode == b->mode && a->kind == b->kind && a->result == b->result &&
           a->reason == b->reason && a->override == b->override;
}

/* Collects what store_read_scans hands out. */
struct collect {
    struct scan *scans;
    size_t n, cap;
    size_t stop_after; /* 0: never stop */
};

static bool collect_cb(const struct scan *s, void *ctx)
{
    struct collect *c = ctx;
    if (c->stop_after != 0 && c->n == c->stop_after)
        return false;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->scans = xrealloc(c->scans, c->cap * sizeof *c->scans);
    }
    c->scans[c->n++] = *s;
    return true;
}

/* Runs one SQL statement on a raw connection; returns the SQLite code. */
static int raw_exec(const char *path, const char *sql, char **errmsg)
{
    sqlite3 *db;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, errmsg);
    sqlite3_close(db);
    return rc;
}

/* Reads one integer or text value on a raw connection (text returned owned, or NULL). */
static char *raw_query(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    char *out = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL)
            out = xstrdup((const char *)sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return out;
}

/* Checks that a raw query returns want. */
static void check_query(const char *path, const char *sql, const char *want)
{
    char *got = raw_query(path, sql);
    CHECK_MSG(got != NULL && strcmp(got, want) == 0, "%s: got %s, want %s", sql,
              got ? got : "(null)", want);
    free(got);
}

/* Opens a store with stderr captured; *msg gets what was logged (owned by the caller). */
static struct store *open_captured(const char *path, const char *device, char **msg)
{
    char *cap = tmp("stderr.txt");
    fflush(stderr);
    int saved = dup(2);
    int fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
    struct store *st = store_open(path, device);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    *msg = file_read_all(cap, NULL);
    if (*msg == NULL)
        *msg = xstrdup("");
    fputs(*msg, stderr); /* keep it visible in the test log */
    unlink(cap);
    free(cap);
    return st;
}

/* Expects store_open to refuse path with a message containing want, leaving the file as it was. */
static void check_refused(const char *path, const char *device, const char *want)
{
    size_t before_len = 0, after_len = 0;
    char *before = file_read_all(path, &before_len);
    CHECK(before != NULL);
    char *msg;
    struct store *st = open_captured(path, device, &msg);
    CHECK_MSG(st == NULL, "%s was not refused", path);
    store_close(st);
    CHECK_MSG(strstr(msg, want) != NULL, "message \"%s\" lacks \"%s\"", msg, want);
    CHECK_MSG(strstr(msg, path) != NULL, "message \"%s\" lacks the path", msg);
    char *after = file_read_all(path, &after_len);
    CHECK_MSG(after != NULL && after_len == before_len && memcmp(before, after, after_len) == 0,
              "%s changed", path);
    free(msg);
    free(before);
    free(after);
}

/* Copies a file. */
static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = file_read_all(from, &len);
    CHECK(data != NULL && file_write_atomic(to, data, len, 0644));
    free(data);
}

/* Creation, reopening, seq, metadata. */
static void test_create_reopen(void)
{
    char *path = tmp("a.db");
    CHECK(!path_exists(path));
    struct store *st = store_open(path, "door-aula-1");
    CHECK(st != NULL);
    if (st == NULL)
        goto out;
    int64_t epoch = store_db_epoch(st);
    CHECK(epoch > 0);
    CHECK_STR(store_device_id(st), "door-aula-1");
    CHECK(store_last_seq(st) == 0);
    CHECK(store_scan_count(st) == 0);

    struct scan s = make_scan(1);
    for (int i = 1; i <= 3; i++) {
        s = make_scan(i);
        CHECK(store_append_scan(st, &s));
        CHECK(s.seq == i);
        CHECK(s.db_epoch == epoch);
        CHECK_STR(s.device_id, "door-aula-1");
    }
    CHECK(store_last_seq(st) == 3);

    /* An invalid scan is refused and takes no seq. */
    struct scan bad = make_scan(9);
    bad.reason = (enum scan_reason)SCAN_REASON_COUNT;
    CHECK(!store_append_scan(st, &bad));
    CHECK(bad.seq == 0);
    bad = make_scan(9);
    memset(bad.room, 'x', sizeof bad.room);
    CHECK(!store_append_scan(st, &bad));
    CHECK(store_last_seq(st) == 3);

    /* Metadata. */
    char *v = (char *)"unset";
    CHECK(store_get_meta(st, "sync_cursor", &v) && v == NULL);
    CHECK(store_set_meta(st, "sync_cursor", "17"));
    CHECK(store_set_meta(st, "sync_cursor", "18"));
    CHECK(store_get_meta(st, "sync_cursor", &v) && v != NULL && strcmp(v, "18") == 0);
    free(v);
    CHECK(!store_set_meta(st, "db_epoch", "1"));
    CHECK(!store_set_meta(st, "device_id", "x"));
    CHECK(store_get_meta(st, "created", &v) && v != NULL && strlen(v) == 24);
    free(v);
    store_close(st);

    /* The file as the sqlite3 shell sees it. */
    char want[64];
    snprintf(want, sizeof want, "%d", STORE_APPLICATION_ID);
    check_query(path, "PRAGMA application_id", want);
    snprintf(want, sizeof want, "%d", store_schema_version());
    check_query(path, "PRAGMA user_version", want);
    check_query(path, "PRAGMA journal_mode", "wal");
    snprintf(want, sizeof want, "%" PRId64, epoch);
    check_query(path, "SELECT value FROM meta WHERE key = 'db_epoch'", want);
    check_query(path, "SELECT value FROM meta WHERE key = 'device_id'", "door-aula-1");
    check_query(path,
                "SELECT origin || ' ' || mode || ' ' || kind || ' ' || result || ' ' || reason "
                "FROM scans WHERE seq = 2",
                "local toggle manual denied invalid");
    check_query(path, "SELECT count(*) FROM scans_readable", "3");
    check_query(path, "SELECT time_utc FROM scans_readable WHERE seq = 1",
                "2024-04-22T08:47:04.000Z");

    /* Reopen: same epoch, seq goes on. */
    st = store_open(path, "door-aula-1");
    CHECK(st != NULL);
    if (st == NULL)
        goto out;
    CHECK(store_db_epoch(st) == epoch);
    CHECK(store_last_seq(st) == 3);
    s = make_scan(4);
    CHECK(store_append_scan(st, &s) && s.seq == 4);
    CHECK(store_get_meta(st, "sync_cursor", &v) && v != NULL && strcmp(v, "18") == 0);
    free(v);
    store_close(st);

    /* A new file gets a new epoch. */
    char *other = tmp("a2.db");
    st = store_open(other, "door-aula-1");
    CHECK(st != NULL && store_db_epoch(st) != epoch);
    store_close(st);
    free(other);
    store_close(NULL);
out:
    free(path);
}

/* An existing empty (0-byte) file is a new database. */
static void test_empty_file(void)
{
    char *path = tmp("empty.db");
    CHECK(file_write_atomic(path, "", 0, 0644));
    struct store *st = store_open(path, "door-1");
    CHECK(st != NULL);
    struct scan s = make_scan(1);
    CHECK(st != NULL && store_append_scan(st, &s) && s.seq == 1);
    store_close(st);
    free(path);
}

/* Remote inserts, the read order and the incremental cursor, across two connections. */
static void test_remote_and_read(void)
{
    char *path = tmp("b.db");
    struct store *kiosk = store_open(path, "door-1");
    struct store *syncd = store_open(path, "door-1"); /* the sync daemon's connection */
    CHECK(kiosk != NULL && syncd != NULL);
    if (kiosk == NULL || syncd == NULL)
        goto out;
    struct scan local[3];
    for (int i = 0; i < 3; i++) {
        local[i] = make_scan(i);
        CHECK(store_append_scan(kiosk, &local[i]));
    }
    struct scan remote[4];
    for (int i = 0; i < 4; i++)
        remote[i] = remote_scan("door-2", 77, i + 1);
    CHECK(store_insert_remote_scans(syncd, remote, 4));
    CHECK(store_insert_remote_scans(syncd, remote, 4)); /* idempotent */
    CHECK(store_insert_remote_scans(syncd, remote + 1, 2));
    CHECK(store_insert_remote_scans(syncd, NULL, 0));
    CHECK(store_scan_count(kiosk) == 7);
    /* This file's own scans coming back from the central store are already here. */
    struct scan own = local[1];
    own.wall_ms = 1;
    CHECK(store_insert_remote_scans(syncd, &own, 1));
    CHECK(store_scan_count(kiosk) == 7);
    /* All or nothing: one invalid scan refuses the batch. */
    struct scan mixed[2] = {remote_scan("door-3", 5, 1), remote_scan("", 5, 2)};
    CHECK(!store_insert_remote_scans(syncd, mixed, 2));
    mixed[1] = remote_scan("door-3", 5, 0);
    CHECK(!store_insert_remote_scans(syncd, mixed, 2));
    mixed[1] = remote_scan("door-3", 5, 2);
    mixed[1].kind = (enum scan_kind)99;
    CHECK(!store_insert_remote_scans(syncd, mixed, 2));
    CHECK(store_scan_count(kiosk) == 7);
    /* The remote seq of another device does not move ours. */
    CHECK(store_last_seq(kiosk) == 3);

    /* Everything, in insertion order, every field intact. */
    struct collect c = {0};
    int64_t last = -1;
    CHECK(store_read_scans(kiosk, 0, collect_cb, &c, &last));
    CHECK(c.n == 7);
    if (c.n == 7) {
        for (int i = 0; i < 3; i++)
            CHECK(scan_equal(&c.scans[i], &local[i]));
        for (int i = 0; i < 4; i++)
            CHECK(scan_equal(&c.scans[3 + i], &remote[i]));
    }
    CHECK(last > 0);

    /* Incremental: only what either process added since. */
    struct scan next = make_scan(50);
    CHECK(store_append_scan(kiosk, &next) && next.seq == 4);
    struct scan r5 = remote_scan("door-2", 77, 5);
    CHECK(store_insert_remote_scans(syncd, &r5, 1));
    c.n = 0;
    int64_t last2 = -1;
    CHECK(store_read_scans(kiosk, last, collect_cb, &c, &last2));
    CHECK(c.n == 2 && last2 > last);
    if (c.n == 2) {
        CHECK(scan_equal(&c.scans[0], &next));
        CHECK(scan_equal(&c.scans[1], &r5));
    }
    c.n = 0;
    int64_t last3 = -1;
    CHECK(store_read_scans(kiosk, last2, collect_cb, &c, &last3));
    CHECK(c.n == 0 && last3 == last2);

    /* A callback that stops: the cursor is the last accepted scan, and resuming from it
     * delivers the rest. */
    c.n = 0;
    c.stop_after = 2;
    int64_t stopped = -1;
    CHECK(!store_read_scans(kiosk, 0, collect_cb, &c, &stopped));
    CHECK(c.n == 2);
    c.n = 0;
    c.stop_after = 0;
    CHECK(store_read_scans(kiosk, stopped, collect_cb, &c, &last3));
    CHECK(c.n == 7 && last3 == last2);

    /* More rows than one read batch. */
    enum { MANY = 700 };
    struct scan *many = xcalloc(MANY, sizeof *many);
    for (int i = 0; i < MANY; i++)
        many[i] = remote_scan("door-4", 9, i + 1);
    CHECK(store_insert_remote_scans(syncd, many, MANY));
    c.n = 0;
    CHECK(store_read_scans(kiosk, last2, collect_cb, &c, &last3));
    CHECK(c.n == MANY);
    bool in_order = c.n == MANY;
    for (size_t i = 0; in_order && i < c.n; i++)
        in_order = c.scans[i].seq == (int64_t)i + 1;
    CHECK(in_order);
    free(many);
    free(c.scans);
out:
    store_close(kiosk);
    store_close(syncd);
    free(path);
}

/* UPDATE and DELETE on scans fail; the rows stay. */
static void test_append_only(void)
{
    char *path = tmp("c.db");
    struct store *st = store_open(path, "door-1");
    struct scan s = make_scan(1);
    CHECK(st != NULL && store_append_scan(st, &s));
    store_close(st);
    char *err = NULL;
    CHECK(raw_exec(path, "UPDATE scans SET room = 'x'", &err) != SQLITE_OK);
    CHECK(err != NULL && strstr(err, "append-only") != NULL);
    sqlite3_free(err);
    err = NULL;
    CHECK(raw_exec(path, "DELETE FROM scans", &err) != SQLITE_OK);
    CHECK(err != NULL && strstr(err, "append-only") != NULL);
    sqlite3_free(err);
    check_query(path, "SELECT count(*) || room FROM scans", "1room-1");
    free(path);
}

/* The version 1 schema, as the first build wrote it: a frozen copy, not the store's text. */
static const char *const schema_v1 =
    "PRAGMA application_id = 1347113796;"
    "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
    "CREATE TABLE scans (id INTEGER PRIMARY KEY,"
    "  origin TEXT NOT NULL CHECK (origin IN ('local', 'remote')),"
    "  device_id TEXT NOT NULL CHECK (device_id <> ''),"
    "  db_epoch INTEGER NOT NULL CHECK (db_epoch > 0), seq INTEGER NOT NULL CHECK (seq > 0),"
    "  wall_ms INTEGER NOT NULL, mono_ns INTEGER NOT NULL, boot_id TEXT NOT NULL,"
    "  clock_synced INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),"
    "  room TEXT NOT NULL, session TEXT NOT NULL, attendee TEXT NOT NULL,"
    "  mode TEXT NOT NULL, kind TEXT NOT NULL, result TEXT NOT NULL, reason TEXT NOT NULL,"
    "  override INTEGER NOT NULL CHECK (override IN (0, 1)), UNIQUE (device_id, db_epoch, seq));"
    "CREATE TRIGGER scans_no_update BEFORE UPDATE ON scans"
    "  BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;"
    "CREATE TRIGGER scans_no_delete BEFORE DELETE ON scans"
    "  BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;"
    "INSERT INTO meta VALUES ('db_epoch', '123456789'), ('device_id', 'door-old'),"
    "  ('created', '2024-04-01T08:00:00.000Z');"
    "INSERT INTO scans VALUES (NULL, 'local', 'door-old', 123456789, 1, 1713775623000, 42,"
    "  'boot', 1, 'aula', '', 'A0001', 'entry', 'badge', 'admitted', 'ok', 0);"
    "PRAGMA user_version = 1;";

/* A version 1 file migrates to the latest schema and keeps its scans. */
static void test_migration(void)
{
    CHECK(STORE_APPLICATION_ID == 1347113796);
    char *path = tmp("v1.db");
    CHECK(raw_exec(path, schema_v1, NULL) == SQLITE_OK);
    check_query(path, "PRAGMA user_version", "1");
    struct store *st = store_open(path, "door-old");
    CHECK(st != NULL);
    if (st != NULL) {
        CHECK(store_db_epoch(st) == 123456789);
        CHECK(store_last_seq(st) == 1);
        struct scan s = make_scan(2);
        CHECK(store_append_scan(st, &s) && s.seq == 2);
        struct collect c = {0};
        int64_t last;
        CHECK(store_read_scans(st, 0, collect_cb, &c, &last) && c.n == 2);
        CHECK(c.n > 0 && strcmp(c.scans[0].attendee, "A0001") == 0 &&
              c.scans[0].result == RESULT_ADMITTED && c.scans[0].mono_ns == 42);
        free(c.scans);
        store_close(st);
    }
    char want[16];
    snprintf(want, sizeof want, "%d", store_schema_version());
    check_query(path, "PRAGMA user_version", want);
    CHECK(store_schema_version() >= 2);
    check_query(path, "SELECT count(*) FROM scans_readable", "2");
    /* Opening again is a no-op for the schema. */
    st = store_open(path, "door-old");
    CHECK(st != NULL);
    store_close(st);
    check_query(path, "PRAGMA user_version", want);
    free(path);
}

/* store_read_issues callback: appends "seq:kind:state:attendee:serial;" to a strbuf. */
static bool issue_cb(const struct store_issue *is, void *ctx)
{
    strbuf_printf(ctx, "%lld:%d:%d:%s:%u;", (long long)is->seq, (int)is->kind, (int)is->state,
                  is->attendee, (unsigned)is->serial);
    return true;
}

/* An old log (version 1) upgrades to step 7 and records the badges the kiosk issues: in seq
 * order, pushed or refused (counted with the quarantine), a pending one taken back; all of it
 * kept across a reopen. */
static void test_issues(void)
{
    char *path = tmp("v1-issues.db");
    CHECK(raw_exec(path, schema_v1, NULL) == SQLITE_OK);
    struct store *st = store_open(path, "door-old");
    CHECK(st != NULL);
    if (st == NULL)
        return;
    struct store_issue w = {.kind = STORE_ISSUE_WALKIN, .num = 10000000, .wall_ms = 1};
    snprintf(w.attendee, sizeof w.attendee, "W10000000");
    snprintf(w.name, sizeof w.name, "Zoë Walkin");
    struct store_issue r = {.kind = STORE_ISSUE_REPRINT, .num = 3, .serial = 1, .wall_ms = 2};
    snprintf(r.attendee, sizeof r.attendee, "A0003");
    struct store_issue gone = r;
    CHECK(store_append_issue(st, &w) && w.seq == 1);
    CHECK(store_append_issue(st, &r) && r.seq == 2);
    CHECK(store_append_issue(st, &gone) && gone.seq == 3);
    CHECK(store_issue_count(st, STORE_ISSUE_PENDING) == 3);
    CHECK(store_withdraw_issue(st, gone.seq));
    CHECK(store_mark_issue(st, w.seq, NULL));
    CHECK(store_mark_issue(st, r.seq, "issue door-old/1/2: refused"));
    CHECK(store_withdraw_issue(st, w.seq)); /* a pushed one stays */
    CHECK(store_quarantine_count(st) == 1);
    store_close(st);
    st = store_open(path, "door-old");
    CHECK(st != NULL);
    struct strbuf sb = {0};
    strbuf_puts(&sb, "");
    CHECK(st != NULL && store_read_issues(st, -1, issue_cb, &sb));
    CHECK_STR(sb.data, "1:0:1:W10000000:0;2:1:2:A0003:1;");
    strbuf_reset(&sb);
    strbuf_puts(&sb, "");
    CHECK(st != NULL && store_read_issues(st, STORE_ISSUE_PENDING, issue_cb, &sb));
    CHECK_STR(sb.data, "");
    store_close(st);
    strbuf_finish(&sb);
    check_query(path, "SELECT name FROM issues WHERE seq = 1", "Zoë Walkin");
    free(path);
}

/* The clean-close marker: a log closed cleanly opens without the full quick_check; a log left
 * by a crash (its WAL beside it) and one written in place after the close are checked, and the
 * corrupt one is still refused. */
static void test_clean_close(void)
{
    char *path = tmp("clean.db");
    char *marker = xasprintf("%s-closed", path);
    struct store *st = store_open(path, "door-1");
    CHECK(st != NULL && store_was_checked(st) == false); /* created: nothing to check */
    enum { N = 2000 };
    struct scan *many = xcalloc(N, sizeof *many);
    for (int i = 0; i < N; i++)
        many[i] = remote_scan("door-9", 3, i + 1);
    CHECK(store_insert_remote_scans(st, many, N));
    free(many);
    store_close(st);
    CHECK(path_exists(marker));

    /* Closed cleanly, nothing written since: no check. */
    st = store_open(path, "door-1");
    CHECK(st != NULL && !store_was_checked(st));
    store_close(st);

    /* A process that dies with scans in its WAL: the next open checks. */
    pid_t pid = fork();
    if (pid == 0) {
        struct store *child = store_open(path, "door-1");
        struct scan s = make_scan(1);
        _exit(child != NULL && store_append_scan(child, &s) ? 0 : 1);
    }
    int status = -1;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    st = store_open(path, "door-1");
    CHECK(st != NULL && store_was_checked(st));
    CHECK(store_scan_count(st) == N + 1);
    store_close(st);

    /* Two connections: the first to close leaves the WAL to the other, which marks it. */
    struct store *a = store_open(path, "door-1"), *b = store_open(path, "door-1");
    CHECK(a != NULL && b != NULL && !store_was_checked(a) && !store_was_checked(b));
    store_close(a);
    struct scan s2 = make_scan(2);
    CHECK(store_append_scan(b, &s2));
    store_close(b);
    st = store_open(path, "door-1");
    CHECK(st != NULL && !store_was_checked(st) && store_scan_count(st) == N + 2);
    store_close(st);

    /* The file replaced under an open store: its close marks nothing for the newcomer. */
    char *moved = tmp("clean-moved.db");
    st = store_open(path, "door-1");
    CHECK(st != NULL && rename(path, moved) == 0);
    copy_file(moved, path);
    store_close(st);
    st = store_open(path, "door-1");
    CHECK(st != NULL && store_was_checked(st));
    store_close(st);
    free(moved);

    /* Garbage written in place after a clean close: checked, and refused. */
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && sb.st_size > 16 * 4096);
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7 + 13);
    int fd = open(path, O_WRONLY);
    CHECK(pwrite(fd, junk, sizeof junk, (sb.st_size / 2) & ~(off_t)4095) == (ssize_t)sizeof junk);
    close(fd);
    check_refused(path, "door-1", "corrupt");
    free(marker);
    free(path);
}

/* Files the store must refuse, each left byte for byte as it was. */
static void test_refusals(void)
{
    /* A real database, big enough to have many pages. */
    char *good = tmp("good.db");
    struct store *st = store_open(good, "door-1");
    CHECK(st != NULL);
    if (st == NULL) {
        free(good);
        return;
    }
    enum { N = 2000 };
    struct scan *many = xcalloc(N, sizeof *many);
    for (int i = 0; i < N; i++)
        many[i] = remote_scan("door-9", 3, i + 1);
    CHECK(store_insert_remote_scans(st, many, N));
    free(many);
    struct scan s = make_scan(1);
    CHECK(store_append_scan(st, &s));
    store_close(st);

    /* Another device's database. */
    check_refused(good, "door-2", "belongs to device 'door-1'");

    /* Corrupt: garbage in the middle. */
    char *corrupt = tmp("corrupt.db");
    copy_file(good, corrupt);
    struct stat sb;
    CHECK(stat(corrupt, &sb) == 0 && sb.st_size > 16 * 4096);
    int fd = open(corrupt, O_WRONLY);
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7 + 13);
    off_t middle = (sb.st_size / 2) & ~(off_t)4095;
    CHECK(pwrite(fd, junk, sizeof junk, middle) == (ssize_t)sizeof junk);
    close(fd);
    check_refused(corrupt, "door-1", "corrupt");

    /* Garbage over the schema page too (page 2 onwards, header intact). */
    char *corrupt2 = tmp("corrupt2.db");
    copy_file(good, corrupt2);
    fd = open(corrupt2, O_WRONLY);
    CHECK(pwrite(fd, junk, sizeof junk, 100) == (ssize_t)sizeof junk);
    close(fd);
    check_refused(corrupt2, "door-1", "corrupt");

    /* Newer schema than this build knows. */
    char *future = tmp("future.db");
    copy_file(good, future);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_schema_version() + 1);
    CHECK(raw_exec(future, sql, NULL) == SQLITE_OK);
    check_refused(future, "door-1", "newer than this build");

    /* Another application's SQLite file, with and without an application_id. */
    char *foreign = tmp("foreign.db");
    CHECK(raw_exec(foreign,
                   "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT);"
                   "INSERT INTO photos (name) VALUES ('cat.jpg');",
                   NULL) == SQLITE_OK);
    check_refused(foreign, "door-1", "another application");
    char *foreign2 = tmp("foreign2.db");
    CHECK(raw_exec(foreign2,
                   "PRAGMA application_id = 1234; CREATE TABLE scans (x);"
                   "CREATE TABLE meta (key, value);",
                   NULL) == SQLITE_OK);
    check_refused(foreign2, "door-1", "another application");

    /* Ours by its application_id but without the tables. */
    char *hollow = tmp("hollow.db");
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; CREATE TABLE t (x);",
             STORE_APPLICATION_ID);
    CHECK(raw_exec(hollow, sql, NULL) == SQLITE_OK);
    check_refused(hollow, "door-1", "tables are missing");

    /* Not SQLite at all. */
    char *text = tmp("notes.txt");
    const char *words = "These are my notes for the event.\nDo not delete.\n";
    CHECK(file_write_atomic(text, words, strlen(words), 0644));
    check_refused(text, "door-1", "not an SQLite database");
    char *tiny = tmp("tiny.db");
    CHECK(file_write_atomic(tiny, "SQLite", 6, 0644));
    check_refused(tiny, "door-1", "not an SQLite database");

    /* The original still opens after all this. */
    st = store_open(good, "door-1");
    CHECK(st != NULL && store_last_seq(st) == 1 && store_scan_count(st) == N + 1);
    store_close(st);

    free(good);
    free(corrupt);
    free(corrupt2);
    free(future);
    free(foreign);
    free(foreign2);
    free(hollow);
    free(text);
    free(tiny);
}

/* Several processes opening a new file at once (kiosk and sync daemon starting together): one
 * creates it, all use it, every seq is distinct. */
static void test_concurrent_create(void)
{
    enum { PROCS = 4, EACH = 5 };
    char *path = tmp("race.db");
    pid_t pids[PROCS];
    for (int i = 0; i < PROCS; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            struct store *st = store_open(path, "door-1");
            bool ok = st != NULL;
            for (int k = 0; ok && k < EACH; k++) {
                struct scan s = make_scan(k);
                ok = store_append_scan(st, &s);
            }
            store_close(st);
            _exit(ok ? 0 : 1);
        }
    }
    for (int i = 0; i < PROCS; i++) {
        int status = -1;
        CHECK(pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i]);
        CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d: 0x%x", i, status);
    }
    struct store *st = store_open(path, "door-1");
    CHECK(st != NULL);
    if (st != NULL) {
        CHECK(store_last_seq(st) == PROCS * EACH);
        CHECK(store_scan_count(st) == PROCS * EACH);
        store_close(st);
    }
    check_query(path, "SELECT count(*) FROM meta WHERE key = 'db_epoch'", "1");
    free(path);
}

/* Removes every file of the temp dir, then the dir. */
static void cleanup(void)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    free(cmd);
}

/* The event binding: taken once, kept, another event refused; the keys are the store's own.
 * The lock keeps a second holder off; the file moved under an open store is seen. */
static void test_event_binding_lock_moved(void)
{
    char *path = tmp("bound.db");
    struct store *st = store_open(path, "door-1");
    CHECK(st != NULL);
    CHECK(store_bind_event(st, 4242, 7));
    CHECK(store_bind_event(st, 4242, 7));
    CHECK(!store_bind_event(st, 4243, 7));
    CHECK(!store_bind_event(st, 4242, 8));
    CHECK(!store_set_meta(st, "event_id", "4243"));
    CHECK(!store_set_meta(st, "key_id", "8"));
    store_close(st);
    check_query(path, "SELECT value FROM meta WHERE key = 'event_id'", "4242");
    check_query(path, "SELECT value FROM meta WHERE key = 'key_id'", "7");

    int fd = store_lock(path);
    CHECK(fd >= 0);
    CHECK(store_lock(path) < 0); /* one holder, even within one process */
    close(fd);
    fd = store_lock(path);
    CHECK(fd >= 0);
    close(fd);

    st = store_open(path, "door-1");
    CHECK(st != NULL && !store_file_moved(st));
    char *moved = tmp("moved.db");
    CHECK(rename(path, moved) == 0);
    CHECK(store_file_moved(st));
    store_close(st);
    free(moved);
    free(path);
}

int main(void)
{
    char tmpl[] = "/tmp/portier-test-store-XXXXXX";
    dir = mkdtemp(tmpl);
    if (dir == NULL) {
        perror("mkdtemp");
        return 1;
    }
    CHECK(store_open(dir, "door-1") == NULL); /* a directory is no database */
    char *bad_dev = tmp("x.db");
    CHECK(store_open(bad_dev, "") == NULL);
    CHECK(!path_exists(bad_dev));
    free(bad_dev);
    test_create_reopen();
    test_empty_file();
    test_remote_and_read();
    test_append_only();
    test_migration();
    test_issues();
    test_refusals();
    test_clean_close();
    test_concurrent_create();
    test_event_binding_lock_moved();
    cleanup();
    return check_done();
}
