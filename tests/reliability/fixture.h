/* SPDX-License-Identifier: Apache-2.0 */
/* What the reliability tests share: a real event made with the built `portier` (init, badges,
 * bundle) in a fresh temp dir, its badge tokens, a parser for the kiosk's JSON decision lines,
 * and a ledger of confirmed decisions checked against a scan log.
 *
 * Runs are seeded (PORTIER_SEED, default 1) so that a failure repeats; PORTIER_FULL=1 asks for
 * the full counts instead of the short CI ones. */
#ifndef PORTIER_TEST_FIXTURE_H
#define PORTIER_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "kiosk.h"
#include "util.h" /* struct strbuf */

struct fixture {
    char *dir;       /* the temp dir, removed by fixture_teardown */
    char *event_dir; /* dir/ev: an event dir (with its signing key) */
    char *kiosk_dir; /* dir/kiosk: its bundle */
    const char *bin; /* PORTIER_BIN */
    char **tokens;   /* badge tokens, tokens.csv order */
    char **ids;      /* their attendee ids */
    size_t n_tokens;
};

/* Makes the temp dir and the event (tests/data/event). False after printing why. */
bool fixture_setup(struct fixture *fx, const char *name);
/* Removes the temp dir and frees everything; a zeroed fixture is a no-op. */
void fixture_teardown(struct fixture *fx);
/* Runs a shell command (printf format); returns its exit status, or -1 when killed. */
int fixture_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The run's seed: PORTIER_SEED, or 1. */
uint64_t fixture_seed(void);
/* True when PORTIER_FULL=1 asks for the full counts. */
bool fixture_full(void);
/* A xorshift64* step on *state. */
uint64_t fixture_rand(uint64_t *state);
/* Kiosk settings for the fixture's bundle: the entrance in toggle mode, default rules, headless,
 * no camera or scanner, on log db, decisions to out. */
struct kiosk_settings fixture_kiosk_settings(const struct fixture *fx, const char *device,
                                             const char *db, FILE *out);
/* Appends "TIMESTAMP<TAB>TOKEN\n", the kiosk's stdin scanner line for scan number idx: token
 * idx modulo the fixture's tokens, one scan every 5 s from 2024-04-22 06:00 UTC. */
/* Starts `portier kiosk --headless` in toggle mode at the entrance, scanner on stdin, on log db;
 * *in and *out get the parent's ends of its stdin and stdout (close-on-exec, so that no other
 * child holds them open). */
pid_t fixture_spawn_kiosk(const struct fixture *fx, const char *device, const char *db, int *in,
                          int *out);
void fixture_scan_line(const struct fixture *fx, struct strbuf *sb, int64_t idx);
/* Prints a figure line "figures: <text>" on stdout (ctest -V shows it), and appends it to
 * $PORTIER_FIGURES_DIR/<name>.txt when that is set (the suite's summary reads them). */
void fixture_figures(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One decision line of the headless kiosk, as far as the checks need it. */
struct decision {
    int64_t seq;
    int64_t wall_ms;
    char attendee[64]; /* "" for null */
    char result[16];
    char reason[24];
};

/* Parses one JSON decision line; false when it is not one. */
bool decision_parse(const char *line, struct decision *d);

/* The confirmed decisions of one device, by seq. Zero-initialise. */
struct ledger {
    struct decision *by_seq; /* by_seq[seq]; seq 0 = empty slot */
    size_t cap;
    size_t count;
    size_t conflicts; /* confirmed seqs confirmed again with another decision: the first was
                       * lost and its seq reused */
};

/* Records a confirmed decision (a later one with the same seq replaces it: a conflict the
 * check then reports). */
void ledger_add(struct ledger *l, const struct decision *d);
/* Adds every complete line of text that parses as a decision; returns how many. */
size_t ledger_add_lines(struct ledger *l, const char *text);
/* Frees the ledger. */
void ledger_finish(struct ledger *l);

/* What a scan log holds compared with a ledger. */
struct ledger_check {
    bool opened;        /* store_open accepted the file */
    int64_t epoch;      /* its db_epoch */
    size_t lost;        /* confirmed decisions missing or different in the log */
    size_t unconfirmed; /* local scans in the log that were never confirmed (harmless) */
    int64_t last_seq;
};

/* Opens db (store_open, as the kiosk does) for device and compares its local scans with l. */
void ledger_check(const struct ledger *l, const char *db, const char *device,
                  struct ledger_check *out);
/* PRAGMA integrity_check on db through the plain "unix" VFS: true when "ok". */
bool db_integrity_ok(const char *db);

/* Reads everything from fd until EOF into a NUL-terminated string owned by the caller. */
char *read_all_fd(int fd);

#endif
