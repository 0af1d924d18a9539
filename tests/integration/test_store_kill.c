/* SPDX-License-Identifier: Apache-2.0 */
/* Durability under kill -9: a child appends scans (and batches of remote scans) as fast as it
 * can, reporting each acknowledged write on a pipe; the parent kills it at a random moment and
 * checks that every acknowledged write is in the file, that batches are all or nothing, that the
 * file passes integrity_check, and that appending goes on. */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sysclock.h"
#include "timeutil.h"
#include "util.h"
#include "file.h"

#define ROUNDS        20
#define REMOTE_BATCH  10
#define REMOTE_DEVICE "door-2"
#define DEVICE        "door-kill-1"

static uint64_t rng_state;

/* xorshift64*, seeded per run (the seed is printed to reproduce a failure). */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Du;
}

/* A scan as the kiosk would record it. */
static struct scan make_scan(int64_t i)
{
    struct scan s;
    memset(&s, 0, sizeof s);
    s.wall_ms = time_now_ms();
    s.mono_ns = time_mono_ns();
    sysclock_boot_id(s.boot_id);
    s.clock_synced = sysclock_is_synchronised();
    snprintf(s.room, sizeof s.room, "aula");
    snprintf(s.attendee, sizeof s.attendee, "A%04" PRId64, i % 10000);
    s.mode = MODE_ENTRY;
    s.kind = SCAN_BADGE;
    s.result = RESULT_ADMITTED;
    s.reason = REASON_OK;
    return s;
}

/* The child: append until killed. Reports a local seq as itself, a remote batch b as -(b + 1). */
static void child(const char *path, int fd, int64_t remote_epoch)
{
    struct store *st = store_open(path, DEVICE);
    if (st == NULL)
        _exit(3);
    for (int64_t i = 0;; i++) {
        int64_t ack;
        if (i % 7 == 3) {
            int64_t b = i / 7;
            struct scan batch[REMOTE_BATCH];
            for (int k = 0; k < REMOTE_BATCH; k++) {
                batch[k] = make_scan(k);
                snprintf(batch[k].device_id, sizeof batch[k].device_id, REMOTE_DEVICE);
                batch[k].db_epoch = remote_epoch;
                batch[k].seq = b * REMOTE_BATCH + k + 1;
            }
            if (!store_insert_remote_scans(st, batch, REMOTE_BATCH))
                _exit(4);
            ack = -(b + 1);
        } else {
            struct scan s = make_scan(i);
            if (!store_append_scan(st, &s))
                _exit(5);
            ack = s.seq;
        }
        /* 8 bytes < PIPE_BUF: the record arrives whole or not at all. */
        if (write(fd, &ack, sizeof ack) != (ssize_t)sizeof ack)
            _exit(6);
    }
}

/* What one round learned from the pipe. */
struct acks {
    int64_t max_seq;
    int64_t max_batch; /* batches 0..max_batch - 1 were acknowledged */
    size_t count;
};

/* Reads whole records from the pipe into acks; returns false at EOF. */
static bool read_acks(int fd, struct acks *a)
{
    int64_t buf[512];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
        return true;
    if (n <= 0)
        return false;
    CHECK(n % (ssize_t)sizeof buf[0] == 0);
    for (ssize_t i = 0; i < n / (ssize_t)sizeof buf[0]; i++) {
        if (buf[i] > 0) {
            CHECK(buf[i] > a->max_seq);
            a->max_seq = buf[i];
        } else if (-buf[i] > a->max_batch) {
            a->max_batch = -buf[i];
        }
        a->count++;
    }
    return true;
}

/* Tallies the scans of the file. */
struct tally {
    int64_t epoch;
    int64_t remote_epoch;
    unsigned char *seen; /* local seqs */
    size_t seen_len;
    int64_t *batch_rows; /* rows per remote batch of this round */
    size_t batch_len;
};

static bool tally_cb(const struct scan *s, void *ctx)
{
    struct tally *t = ctx;
    if (strcmp(s->device_id, DEVICE) == 0 && s->db_epoch == t->epoch) {
        if ((size_t)s->seq >= t->seen_len) {
            size_t len = (size_t)s->seq * 2 + 16;
            t->seen = xrealloc(t->seen, len);
            memset(t->seen + t->seen_len, 0, len - t->seen_len);
            t->seen_len = len;
        }
        t->seen[s->seq]++;
    } else if (strcmp(s->device_id, REMOTE_DEVICE) == 0 && s->db_epoch == t->remote_epoch) {
        size_t b = (size_t)(s->seq - 1) / REMOTE_BATCH;
        if (b >= t->batch_len) {
            size_t len = b * 2 + 16;
            t->batch_rows = xrealloc(t->batch_rows, len * sizeof *t->batch_rows);
            memset(t->batch_rows + t->batch_len, 0, (len - t->batch_len) * sizeof *t->batch_rows);
            t->batch_len = len;
        }
        t->batch_rows[b]++;
    }
    return true;
}

/* Returns PRAGMA integrity_check's first row (owned), or NULL. */
static char *integrity(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *stmt;
    char *out = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL) == SQLITE_OK) {
        if (sqlite3_step(stmt) == SQLITE_ROW)
            out = xstrdup((const char *)sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return out;
}

/* One round: fork, let the child write for a random while, kill it, check the file. */
static void round_once(const char *path, int round, size_t *total_acks)
{
    int64_t remote_epoch = 1000 + round;
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(path, fds[1], remote_epoch);
    }
    CHECK(pid > 0);
    close(fds[1]);

    struct acks a = {0};
    int64_t deadline = time_mono_ns() + (int64_t)(rng() % 150 + 1) * 1000000;
    for (;;) {
        int64_t left = (deadline - time_mono_ns()) / 1000000;
        if (left <= 0)
            break;
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        if (poll(&p, 1, (int)left) > 0 && !read_acks(fds[0], &a))
            break;
    }
    kill(pid, SIGKILL);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status 0x%x", status);
    while (read_acks(fds[0], &a))
        ;
    close(fds[0]);
    *total_acks += a.count;

    struct store *st = store_open(path, DEVICE);
    CHECK(st != NULL);
    if (st == NULL)
        return;
    struct tally t = {.epoch = store_db_epoch(st), .remote_epoch = remote_epoch};
    int64_t last = 0;
    CHECK(store_read_scans(st, 0, tally_cb, &t, &last));
    int64_t last_seq = store_last_seq(st);
    CHECK_MSG(last_seq >= a.max_seq, "round %d: acknowledged seq %" PRId64 ", file has %" PRId64,
              round, a.max_seq, last_seq);
    /* Every seq up to the last is there exactly once: acknowledged ones included. */
    bool dense = true;
    for (int64_t s = 1; s <= last_seq; s++)
        dense = dense && (size_t)s < t.seen_len && t.seen[s] == 1;
    CHECK_MSG(dense, "round %d: seqs 1..%" PRId64 " not all present once", round, last_seq);
    /* Remote batches: acknowledged ones whole, the others whole or absent. */
    for (size_t b = 0; b < t.batch_len; b++) {
        int64_t rows = t.batch_rows[b];
        CHECK_MSG(rows == 0 || rows == REMOTE_BATCH, "round %d: batch %zu has %" PRId64 " rows",
                  round, b, rows);
    }
    for (int64_t b = 0; b < a.max_batch; b++)
        CHECK_MSG((size_t)b < t.batch_len && t.batch_rows[b] == REMOTE_BATCH,
                  "round %d: acknowledged batch %" PRId64 " missing", round, b);

    char *verdict = integrity(path);
    CHECK_MSG(verdict != NULL && strcmp(verdict, "ok") == 0, "round %d: integrity_check: %s", round,
              verdict ? verdict : "(null)");
    free(verdict);

    struct scan s = make_scan(0);
    CHECK(store_append_scan(st, &s));
    CHECK(s.seq == last_seq + 1);
    store_close(st);
    free(t.seen);
    free(t.batch_rows);
}

int main(void)
{
    const char *seed_env = getenv("PORTIER_TEST_SEED");
    uint64_t seed = seed_env != NULL ? strtoull(seed_env, NULL, 10)
                                     : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
    rng_state = seed | 1;
    printf("seed %" PRIu64 " (set PORTIER_TEST_SEED to repeat)\n", seed);

    char boot[SCAN_BOOT_ID_MAX];
    CHECK(sysclock_boot_id(boot));
    CHECK(strlen(boot) == 36 && boot[8] == '-');
    char again[SCAN_BOOT_ID_MAX];
    CHECK(sysclock_boot_id(again) && strcmp(boot, again) == 0);
    printf("boot id %s, clock %s\n", boot,
           sysclock_is_synchronised() ? "synchronised" : "not synchronised");

    char tmpl[] = "/tmp/portier-test-kill-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (dir == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char *path = path_join(dir, "kiosk.db");
    size_t total = 0;
    for (int round = 0; round < ROUNDS; round++)
        round_once(path, round, &total);
    printf("%d rounds, %zu acknowledged writes\n", ROUNDS, total);
    CHECK(total > 0);

    char *cmd = xasprintf("rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    free(cmd);
    free(path);
    fflush(stdout);
    return check_done();
}
