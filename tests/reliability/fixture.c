/* SPDX-License-Identifier: Apache-2.0 */
/* Shared pieces of the reliability tests; see fixture.h. */
#define _GNU_SOURCE
#include "fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "store.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"

/* Runs a shell command. */
int fixture_run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *cmd = NULL;
    if (vasprintf(&cmd, fmt, ap) < 0)
        abort();
    va_end(ap);
    int rc = system(cmd);
    free(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Makes the temp dir and the event. */
bool fixture_setup(struct fixture *fx, const char *name)
{
    memset(fx, 0, sizeof *fx);
    fx->bin = getenv("PORTIER_BIN");
    const char *data = getenv("PORTIER_TEST_DATA");
    if (fx->bin == NULL || data == NULL) {
        fprintf(stderr, "%s: PORTIER_BIN and PORTIER_TEST_DATA must be set (run under ctest)\n",
                name);
        return false;
    }
    char *tmpl = xasprintf("/tmp/portier-%s-XXXXXX", name);
    if (mkdtemp(tmpl) == NULL) {
        perror("mkdtemp");
        free(tmpl);
        return false;
    }
    fx->dir = tmpl;
    fx->event_dir = path_join(fx->dir, "ev");
    fx->kiosk_dir = path_join(fx->dir, "kiosk");
    int rc = fixture_run("cd %s && %s init ev --name Test --timezone Europe/Brussels --rooms "
                         "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                         "%s/event/attendees.csv >/dev/null && %s badges ev --out badges "
                         "--format csv >/dev/null && %s bundle ev --out kiosk >/dev/null",
                         fx->dir, fx->bin, data, data, data, fx->bin, fx->bin);
    if (rc != 0) {
        fprintf(stderr, "%s: making the test event failed (%d)\n", name, rc);
        return false;
    }
    char *path = path_join(fx->dir, "badges/tokens.csv");
    size_t len;
    char *text = file_read_all(path, &len);
    free(path);
    struct csv_error err;
    struct csv *csv = text != NULL ? csv_parse(text, len, &err) : NULL;
    free(text);
    if (csv == NULL || csv->n_records < 2) {
        fprintf(stderr, "%s: no tokens.csv\n", name);
        csv_destroy(csv);
        return false;
    }
    fx->tokens = xcalloc(csv->n_records, sizeof *fx->tokens);
    fx->ids = xcalloc(csv->n_records, sizeof *fx->ids);
    for (size_t i = 1; i < csv->n_records; i++) {
        if (csv->records[i].n_fields < 3)
            continue;
        fx->ids[fx->n_tokens] = xstrdup(csv->records[i].fields[0]);
        fx->tokens[fx->n_tokens++] = xstrdup(csv->records[i].fields[2]);
    }
    csv_destroy(csv);
    return fx->n_tokens > 0;
}

/* Removes the temp dir. */
void fixture_teardown(struct fixture *fx)
{
    if (fx->dir != NULL && getenv("PORTIER_KEEP") == NULL)
        fixture_run("rm -rf '%s'", fx->dir);
    for (size_t i = 0; i < fx->n_tokens; i++) {
        free(fx->tokens[i]);
        free(fx->ids[i]);
    }
    free(fx->tokens);
    free(fx->ids);
    free(fx->dir);
    free(fx->event_dir);
    free(fx->kiosk_dir);
    memset(fx, 0, sizeof *fx);
}

/* The run's seed. */
uint64_t fixture_seed(void)
{
    const char *s = getenv("PORTIER_SEED");
    uint64_t seed = s != NULL ? strtoull(s, NULL, 0) : 1;
    return seed != 0 ? seed : 1;
}

pid_t fixture_spawn_kiosk(const struct fixture *fx, const char *device, const char *db, int *in,
                          int *out)
{
    int ip[2], op[2];
    if (pipe2(ip, O_CLOEXEC) != 0 || pipe2(op, O_CLOEXEC) != 0)
        abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(ip[0], 0);
        dup2(op[1], 1);
        execl(fx->bin, "portier", "kiosk", fx->kiosk_dir, "--headless", "--device", device,
              "--room", "entrance", "--mode", "toggle", "--camera", "none", "--scanner", "stdin",
              "--db", db, (char *)NULL);
        _exit(127);
    }
    close(ip[0]);
    close(op[1]);
    *in = ip[1];
    *out = op[0];
    return pid;
}

struct kiosk_settings fixture_kiosk_settings(const struct fixture *fx, const char *device,
                                             const char *db, FILE *out)
{
    struct kiosk_settings s = {0};
    s.kiosk_dir = fx->kiosk_dir;
    s.device_id = device;
    s.room_id = "entrance";
    s.mode = MODE_TOGGLE;
    s.db_path = db;
    s.camera = "none";
    s.scanner = "none";
    rules_config_default(&s.rules);
    s.out = out;
    s.headless = true;
    return s;
}

void fixture_scan_line(const struct fixture *fx, struct strbuf *sb, int64_t idx)
{
    time_t t = (time_t)1713765600 + (time_t)idx * 5;
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strbuf_printf(sb, "%s\t%s\n", when, fx->tokens[idx % (int64_t)fx->n_tokens]);
}

/* True for the full counts. */
bool fixture_full(void)
{
    const char *s = getenv("PORTIER_FULL");
    return s != NULL && strcmp(s, "1") == 0;
}

/* xorshift64*. */
uint64_t fixture_rand(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545F4914F6CDD1Du;
}

/* Prints and records a figure line. */
void fixture_figures(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    if (vasprintf(&text, fmt, ap) < 0)
        abort();
    va_end(ap);
    printf("figures: %s\n", text);
    fflush(stdout);
    const char *dir = getenv("PORTIER_FIGURES_DIR");
    if (dir != NULL && mkdir_p(dir)) {
        char *file = xasprintf("%s/%s.txt", dir, name);
        FILE *f = fopen(file, "a");
        if (f != NULL) {
            fprintf(f, "%s\n", text);
            fclose(f);
        }
        free(file);
    }
    free(text);
}

/* Copies the JSON string value of key (or "" for null) into out; false when absent. */
static bool json_string(const char *line, const char *key, char *out, size_t size)
{
    char *pat = xasprintf("\"%s\":", key);
    const char *p = strstr(line, pat);
    size_t skip = strlen(pat);
    free(pat);
    if (p == NULL)
        return false;
    p += skip;
    if (strncmp(p, "null", 4) == 0) {
        out[0] = '\0';
        return true;
    }
    if (*p != '"')
        return false;
    p++;
    const char *end = strchr(p, '"');
    if (end == NULL || (size_t)(end - p) >= size)
        return false;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return true;
}

/* Parses a decision line. */
bool decision_parse(const char *line, struct decision *d)
{
    memset(d, 0, sizeof *d);
    const char *p = strstr(line, "{\"seq\":");
    if (p == NULL)
        return false;
    d->seq = strtoll(p + 7, NULL, 10);
    char when[64];
    return d->seq > 0 && json_string(line, "time", when, sizeof when) &&
           time_parse_iso8601(when, &d->wall_ms) &&
           json_string(line, "attendee", d->attendee, sizeof d->attendee) &&
           json_string(line, "result", d->result, sizeof d->result) &&
           json_string(line, "reason", d->reason, sizeof d->reason);
}

/* Records a confirmed decision. */
void ledger_add(struct ledger *l, const struct decision *d)
{
    if ((size_t)d->seq >= l->cap) {
        size_t cap = (size_t)d->seq * 2 + 64;
        l->by_seq = xrealloc(l->by_seq, cap * sizeof *l->by_seq);
        memset(l->by_seq + l->cap, 0, (cap - l->cap) * sizeof *l->by_seq);
        l->cap = cap;
    }
    struct decision *old = &l->by_seq[d->seq];
    if (old->seq == 0)
        l->count++;
    else if (old->wall_ms != d->wall_ms || strcmp(old->attendee, d->attendee) != 0 ||
             strcmp(old->result, d->result) != 0 || strcmp(old->reason, d->reason) != 0)
        l->conflicts++;
    l->by_seq[d->seq] = *d;
}

/* Adds every complete decision line of text. */
size_t ledger_add_lines(struct ledger *l, const char *text)
{
    size_t n = 0;
    const char *p = text;
    for (const char *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        char *line = xstrndup(p, (size_t)(nl - p));
        struct decision d;
        if (decision_parse(line, &d)) {
            ledger_add(l, &d);
            n++;
        }
        free(line);
    }
    return n;
}

/* Frees the ledger. */
void ledger_finish(struct ledger *l)
{
    free(l->by_seq);
    memset(l, 0, sizeof *l);
}

struct check_ctx {
    const struct ledger *l;
    const char *device;
    int64_t epoch;
    unsigned char *found; /* by seq: the row matches the ledger */
    size_t unconfirmed;
    int64_t last_seq;
};

/* Marks the ledger entry a local scan row confirms. */
static bool check_row(const struct scan *s, void *ctx)
{
    struct check_ctx *c = ctx;
    if (strcmp(s->device_id, c->device) != 0 || s->db_epoch != c->epoch)
        return true;
    if (s->seq > c->last_seq)
        c->last_seq = s->seq;
    if ((size_t)s->seq >= c->l->cap || c->l->by_seq[s->seq].seq == 0) {
        c->unconfirmed++;
        return true;
    }
    const struct decision *d = &c->l->by_seq[s->seq];
    /* JSON times have whole seconds. */
    bool same = d->wall_ms / 1000 == s->wall_ms / 1000 && strcmp(d->attendee, s->attendee) == 0 &&
                strcmp(d->result, scan_result_name(s->result)) == 0 &&
                strcmp(d->reason, scan_reason_name(s->reason)) == 0;
    if (same)
        c->found[s->seq] = 1;
    else
        c->unconfirmed++;
    return true;
}

/* Compares a scan log with a ledger. */
void ledger_check(const struct ledger *l, const char *db, const char *device,
                  struct ledger_check *out)
{
    memset(out, 0, sizeof *out);
    struct store *st = store_open(db, device);
    if (st == NULL) {
        out->lost = l->count;
        return;
    }
    out->opened = true;
    out->epoch = store_db_epoch(st);
    struct check_ctx c = {.l = l, .device = device, .epoch = out->epoch};
    c.found = xcalloc(l->cap + 1, 1);
    if (!store_read_scans(st, 0, check_row, &c, NULL))
        out->lost = l->count;
    for (size_t seq = 1; seq < l->cap; seq++) {
        if (l->by_seq[seq].seq != 0 && !c.found[seq] && out->lost++ < 5) {
            fprintf(stderr, "confirmed decision seq %zu (%s %s/%s) is not in %s\n", seq,
                    l->by_seq[seq].attendee, l->by_seq[seq].result, l->by_seq[seq].reason, db);
        }
    }
    out->unconfirmed = c.unconfirmed;
    out->last_seq = c.last_seq;
    free(c.found);
    store_close(st);
}

/* Runs PRAGMA integrity_check through the plain VFS. */
bool db_integrity_ok(const char *db)
{
    sqlite3 *h = NULL;
    bool ok = false;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, "unix") != SQLITE_OK)
        goto out;
    /* A sync daemon may be reading the log at the same time (and a first opener after a
     * kill -9 recovers the WAL under an exclusive lock): wait as the kiosk would. */
    sqlite3_busy_timeout(h, STORE_BUSY_TIMEOUT_MS);
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK)
        goto out;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(stmt, 0);
        ok = v != NULL && strcmp(v, "ok") == 0;
        if (!ok)
            fprintf(stderr, "%s: integrity_check: %s\n", db, v != NULL ? v : "?");
    }
    sqlite3_finalize(stmt);
out:
    if (!ok && h != NULL)
        fprintf(stderr, "%s: %s (code %d, errno %d)\n", db, sqlite3_errmsg(h),
                sqlite3_extended_errcode(h), sqlite3_system_errno(h));
    sqlite3_close(h);
    return ok;
}

/* Reads fd to EOF. */
char *read_all_fd(int fd)
{
    struct strbuf sb = {0};
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        strbuf_append(&sb, buf, (size_t)n);
    }
    return strbuf_take(&sb);
}
