/* SPDX-License-Identifier: Apache-2.0 */
/* kill -9 of the real headless kiosk (`portier kiosk --scanner stdin`) at random moments of
 * scan bursts: every JSON line it printed (a confirmed decision) must be in the scan log
 * afterwards, the file must pass integrity_check, and the kiosk must start again (each round
 * starts it on the file the previous kill left). CI: 200 kills; PORTIER_FULL=1: 1000. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "fixture.h"
#include "util.h"
#include "file.h"

#define DEVICE    "door-kill9"
#define MAX_BURST 40

static struct fixture fx;

/* Reads from fd into sb until it holds n lines or EOF. */
static void read_lines(int fd, struct strbuf *sb, size_t n)
{
    char buf[4096];
    for (;;) {
        size_t lines = 0;
        for (size_t i = 0; i < sb->len; i++)
            lines += sb->data[i] == '\n';
        if (lines >= n)
            return;
        ssize_t got = read(fd, buf, sizeof buf);
        if (got <= 0)
            return;
        strbuf_append(sb, buf, (size_t)got);
    }
}

int main(void)
{
    if (!fixture_setup(&fx, "kill9"))
        return 1;
    signal(SIGPIPE, SIG_IGN);
    uint64_t seed = fixture_seed(), rng = seed;
    int rounds = fixture_full() ? 1000 : 200;
    char *db = path_join(fx.dir, "scans.db");
    struct ledger ledger = {0};
    struct ledger_check c;
    int64_t idx = 0, epoch = 0;
    int killed = 0, corrupt = 0, lost_rounds = 0;
    size_t confirmed = 0;
    for (int round = 0; round < rounds; round++) {
        int in, out;
        pid_t pid = fixture_spawn_kiosk(&fx, DEVICE, db, &in, &out);
        size_t burst = 1 + fixture_rand(&rng) % MAX_BURST;
        struct strbuf sb = {0};
        for (size_t i = 0; i < burst; i++)
            fixture_scan_line(&fx, &sb, idx++);
        ssize_t w = write(in, sb.data, sb.len);
        (void)w;
        strbuf_reset(&sb);
        /* A random moment: after some of the burst's decisions, plus up to 3 ms. */
        read_lines(out, &sb, fixture_rand(&rng) % (burst + 1));
        usleep((useconds_t)(fixture_rand(&rng) % 3000));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        CHECK_MSG(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0),
                  "round %d: the kiosk failed (status %d) before the kill", round, status);
        close(in);
        char *rest = read_all_fd(out);
        close(out);
        strbuf_puts(&sb, rest);
        free(rest);
        confirmed += ledger_add_lines(&ledger, sb.data);
        strbuf_finish(&sb);

        bool intact = db_integrity_ok(db);
        corrupt += !intact;
        CHECK_MSG(intact, "round %d: integrity_check failed", round);
        ledger_check(&ledger, db, DEVICE, &c);
        if (c.opened && epoch == 0)
            epoch = c.epoch;
        CHECK_MSG(c.opened && c.epoch == epoch, "round %d: the log did not open or was recreated",
                  round);
        CHECK_MSG(c.lost == 0, "round %d: %zu confirmed scans lost", round, c.lost);
        lost_rounds += c.lost > 0;
    }
    /* The kiosk starts again after the last kill and ends cleanly at the end of its input. */
    int in, out;
    pid_t pid = fixture_spawn_kiosk(&fx, DEVICE, db, &in, &out);
    struct strbuf sb = {0};
    fixture_scan_line(&fx, &sb, idx++);
    ssize_t w = write(in, sb.data, sb.len);
    (void)w;
    close(in);
    char *tail = read_all_fd(out);
    close(out);
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(ledger_add_lines(&ledger, tail) == 1);
    confirmed++;
    free(tail);
    strbuf_finish(&sb);
    ledger_check(&ledger, db, DEVICE, &c);
    size_t lost = c.lost + ledger.conflicts;
    CHECK(lost == 0);
    CHECK(killed > rounds / 2);
    CHECK(confirmed > (size_t)rounds);
    fixture_figures("kill9",
                    "kill -9 of the kiosk (seed %" PRIu64 "): %d rounds, %d killed mid-burst, "
                    "%zu confirmed scans, %zu confirmed scans lost, %d corrupt, %zu stored but "
                    "not confirmed",
                    seed, rounds, killed, confirmed, lost, corrupt, c.unconfirmed);
    ledger_finish(&ledger);
    free(db);
    fixture_teardown(&fx);
    return check_done();
}
