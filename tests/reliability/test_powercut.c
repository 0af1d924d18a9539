/* SPDX-License-Identifier: Apache-2.0 */
/* Power cuts during scan bursts, through the fault VFS (faultvfs.h).
 *
 * Each round forks a child that runs the kiosk (kiosk_create, then kiosk_handle_payload for a
 * burst of badges, the path every camera or scanner code takes) on a scan log opened through
 * the fault VFS, with a power cut armed at a random write/sync/truncate. The child's decisions
 * arrive on a pipe as the kiosk's JSON lines, printed only after the commit: those are the
 * confirmed scans. At the cut the VFS drops (or tears) every unsynced write, empties or scrambles
 * the -shm file, and the child dies at once. The parent then checks that the file passes
 * integrity_check, that every scan ever confirmed is in it, and that a kiosk starts on it again
 * and takes a scan.
 *
 * The control: the same harness with the connection switched to synchronous=NORMAL after
 * store_open (through an auto-extension that catches the connection, since store.h offers no
 * hook) must lose confirmed scans, or the harness could not see a loss.
 *
 * CI: 240 cuts and 30 control cuts; PORTIER_FULL=1: 2000 and 100. PORTIER_SEED picks the run. */
#include <inttypes.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "faultvfs.h"
#include "fixture.h"
#include "kiosk.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"
#include "sysclock.h"

#define DEVICE             "door-power"
#define MAX_CUT_OPS        400    /* a cut falls within the first this many operations of a round */
#define CHECKPOINT_CUT_OPS 40     /* ... or this many after a checkpoint's first write */
#define ROUND_SPAN         100000 /* scan indexes per round: every scan has its own wall time */

static struct fixture fx;
static int64_t base_ms;
static sqlite3 *captured; /* the control child's scan-log connection */
static const char *capture_suffix;

/* Auto-extension: remembers the connection that opened the scan log. */
static int capture(sqlite3 *db, char **err, const struct sqlite3_api_routines *api)
{
    (void)err;
    (void)api;
    const char *name = sqlite3_db_filename(db, "main");
    size_t n = name != NULL ? strlen(name) : 0, m = strlen(capture_suffix);
    if (n >= m && strcmp(name + n - m, capture_suffix) == 0)
        captured = db;
    return SQLITE_OK;
}

/* Scans badge number idx (each index has its own time: no repeat window). */
static bool scan(struct kiosk *k, int64_t idx)
{
    const char *tok = fx.tokens[idx % (int64_t)fx.n_tokens];
    return kiosk_handle_payload(k, (const uint8_t *)tok, strlen(tok), base_ms + idx * 5000,
                                time_mono_ns());
}

/* The child of one round: scans until the power goes. */
static void child(const char *db, int fd, int report_fd, uint64_t cut_at, bool in_checkpoint,
                  enum faultvfs_cut mode, bool control, int64_t first, uint64_t seed)
{
    if (!faultvfs_register(true))
        _exit(2);
    faultvfs_report_to(report_fd);
    if (control) {
        capture_suffix = db;
        sqlite3_auto_extension((void (*)(void))capture);
    }
    faultvfs_reset(seed);
    if (in_checkpoint)
        faultvfs_arm_cut_in_checkpoint(cut_at, mode);
    else
        faultvfs_arm_cut(cut_at, mode);
    FILE *out = fdopen(fd, "w");
    struct kiosk_settings s = fixture_kiosk_settings(&fx, DEVICE, db, out);
    struct kiosk *k = kiosk_create(&s);
    if (k == NULL)
        _exit(3);
    if (control && (captured == NULL || sqlite3_exec(captured, "PRAGMA synchronous = NORMAL", NULL,
                                                     NULL, NULL) != SQLITE_OK))
        _exit(6);
    for (int64_t i = 0; i < ROUND_SPAN - 1; i++) {
        if (!scan(k, first + i))
            _exit(4);
    }
    _exit(5);
}

/* Starts a kiosk on db with the plain VFS and takes one scan; returns its line (owned) or
 * NULL when the kiosk does not start or cannot store. */
static char *restart(const char *db, int64_t idx)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    struct kiosk_settings s = fixture_kiosk_settings(&fx, DEVICE, db, out);
    struct kiosk *k = kiosk_create(&s);
    bool ok = k != NULL && scan(k, idx);
    kiosk_destroy(k);
    fclose(out);
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

struct run {
    int rounds;
    int cuts;            /* rounds that ended in a power cut */
    size_t confirmed;    /* decisions confirmed, in total */
    size_t lost;         /* confirmed decisions missing afterwards */
    int corrupt;         /* rounds after which integrity_check failed */
    int no_restart;      /* rounds after which the kiosk did not start */
    struct strbuf where; /* the cuts' reports, one line each */
};

/* Tallies the cut reports ("OP FILE ...") into "N in FILE OPs" phrases, into out. */
static void tally_where(const char *reports, struct strbuf *out)
{
    static const char *const ops[] = {"write", "sync", "truncate"};
    static const char *const files[] = {"wal", "db", "journal", "other"};
    for (size_t f = 0; f < 4; f++) {
        for (size_t o = 0; o < 3; o++) {
            char *key = xasprintf("%s %s ", ops[o], files[f]);
            size_t n = 0;
            for (const char *p = reports; (p = strstr(p, key)) != NULL; p++)
                n += p == reports || p[-1] == '\n';
            if (n > 0)
                strbuf_printf(out, "%s%zu in %s %ss", out->len ? ", " : "", n, files[f], ops[o]);
            free(key);
        }
    }
}

/* Runs the rounds of one harness on db; control selects synchronous=NORMAL. */
static void harness(const char *db, int rounds, bool control, uint64_t *rng, struct run *r)
{
    struct ledger ledger = {0};
    struct ledger_check c = {0};
    memset(r, 0, sizeof *r);
    int64_t epoch = 0;
    for (int round = 0; round < rounds; round++) {
        enum faultvfs_cut mode = round % 2 ? FAULTVFS_CUT_TORN : FAULTVFS_CUT_DROP;
        if (control)
            mode = FAULTVFS_CUT_DROP;
        /* Every sixth round cuts during the next checkpoint (rare otherwise: one per few
         * hundred scans). */
        bool in_checkpoint = round % 6 == 5;
        uint64_t cut_at = in_checkpoint ? 1 + fixture_rand(rng) % CHECKPOINT_CUT_OPS
                                        : 1 + fixture_rand(rng) % MAX_CUT_OPS;
        uint64_t seed = fixture_rand(rng);
        int64_t first = (int64_t)round * ROUND_SPAN;
        int fds[2], report[2];
        if (pipe(fds) != 0 || pipe(report) != 0)
            abort();
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            close(report[0]);
            child(db, fds[1], report[1], cut_at, in_checkpoint, mode, control, first, seed);
        }
        close(fds[1]);
        close(report[1]);
        char *text = read_all_fd(fds[0]);
        close(fds[0]);
        char *where = read_all_fd(report[0]);
        close(report[0]);
        strbuf_puts(&r->where, where);
        free(where);
        int status;
        waitpid(pid, &status, 0);
        r->rounds++;
        bool cut = WIFEXITED(status) && WEXITSTATUS(status) == FAULTVFS_EXIT_CUT;
        CHECK_MSG(cut, "round %d (cut at op %" PRIu64 "): the child ended with status %d", round,
                  cut_at, status);
        r->cuts += cut;
        r->confirmed += ledger_add_lines(&ledger, text);
        free(text);

        bool intact = db_integrity_ok(db);
        r->corrupt += !intact;
        ledger_check(&ledger, db, DEVICE, &c);
        if (c.opened && epoch == 0)
            epoch = c.epoch;
        CHECK_MSG(!c.opened || c.epoch == epoch, "round %d: the database was recreated", round);
        if (!control) {
            CHECK_MSG(intact, "round %d (cut at op %" PRIu64 ", %s): integrity_check failed", round,
                      cut_at, mode == FAULTVFS_CUT_TORN ? "torn" : "drop");
            CHECK_MSG(c.opened && c.lost == 0,
                      "round %d (cut at op %" PRIu64 ", %s): %zu confirmed scans lost", round,
                      cut_at, mode == FAULTVFS_CUT_TORN ? "torn" : "drop", c.lost);
        }
        /* The kiosk starts again on the file and takes a scan (confirmed like the others). */
        char *line = restart(db, first + ROUND_SPAN - 1);
        r->no_restart += line == NULL;
        CHECK_MSG(line != NULL, "round %d: the kiosk did not start again", round);
        if (line != NULL) {
            r->confirmed += ledger_add_lines(&ledger, line);
            free(line);
        }
    }
    ledger_check(&ledger, db, DEVICE, &c);
    r->lost = c.lost + ledger.conflicts;
    ledger_finish(&ledger);
}

int main(void)
{
    if (!fixture_setup(&fx, "powercut"))
        return 1;
    CHECK(time_parse_iso8601("2024-04-22T08:00:00+02:00", &base_ms));
    uint64_t seed = fixture_seed();
    uint64_t rng = seed;
    bool full = fixture_full();
    int rounds = full ? 2000 : 240, control_rounds = full ? 100 : 30;

    char *db = path_join(fx.dir, "scans.db");
    struct run run;
    harness(db, rounds, false, &rng, &run);
    CHECK(run.cuts == rounds);
    CHECK(run.confirmed > (size_t)rounds);
    CHECK_MSG(run.lost == 0, "%zu confirmed scans lost", run.lost);
    CHECK(run.corrupt == 0);
    CHECK(run.no_restart == 0);
    struct strbuf where = {0};
    tally_where(run.where.data != NULL ? run.where.data : "", &where);
    CHECK_MSG(strstr(where.data != NULL ? where.data : "", "in db") != NULL,
              "no cut landed in a checkpoint: %s", where.data);
    fixture_figures("powercut",
                    "power cuts (synchronous=FULL, seed %" PRIu64 "): %d survived of %d, %zu "
                    "confirmed scans, %zu confirmed scans lost, %d corrupt, %d failed restarts",
                    seed, run.cuts - run.no_restart - run.corrupt, run.cuts, run.confirmed,
                    run.lost, run.corrupt, run.no_restart);
    fixture_figures("powercut", "power cuts landed: %s", where.data);
    strbuf_finish(&where);
    strbuf_finish(&run.where);

    char *control_db = path_join(fx.dir, "control.db");
    struct run control;
    harness(control_db, control_rounds, true, &rng, &control);
    CHECK_MSG(control.lost > 0, "the control (synchronous=NORMAL) lost nothing: the harness "
                                "cannot see a loss");
    fixture_figures("powercut",
                    "power cuts control (synchronous=NORMAL): %d cuts, %zu confirmed scans, %zu "
                    "lost (losses expected: the harness detects them)",
                    control.cuts, control.confirmed, control.lost);
    strbuf_finish(&control.where);
    free(db);
    free(control_db);
    fixture_teardown(&fx);
    return check_done();
}
