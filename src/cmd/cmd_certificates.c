/* SPDX-License-Identifier: Apache-2.0 */
/* portier certificates: certificates of attendance from the scan log, one PDF per attendee and
 * certificates.csv; portier verify: checks a certificate's verification code offline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "badge.h"
#include "certcode.h"
#include "certificate.h"
#include "certificate_pdf.h"
#include "cli.h"
#include "event_db.h"
#include "file.h"
#include "log.h"
#include "report.h"
#include "token.h"
#include "util.h"

#define CERTIFICATES_CSV "certificates.csv"

/* Parses "80%" or "80" (0..100). */
static bool parse_percent(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || errno != 0 || (*end != '\0' && strcmp(end, "%") != 0) || v < 0 || v > 100)
        return false;
    *out = (int)v;
    return true;
}

static const struct config_option ini_options[] = {
    {"organiser", CONFIG_STRING, NULL, 0, 0, NULL, NULL, "the organiser's name", 0},
    {"signature", CONFIG_STRING, NULL, 0, 0, NULL, NULL, "a PNG image of the signature", 0},
};

/* Reads EVENT_DIR/certificate.ini (absent: no organiser, no signature) into a printer. */
static struct certificate_printer *printer_from_ini(const char *event_dir)
{
    char *path = path_join(event_dir, CERTIFICATE_INI);
    struct certificate_printer *p = NULL;
    struct config cfg;
    config_init(&cfg, ini_options, ARRAY_LEN(ini_options));
    struct strbuf errors = {0};
    size_t len = 0;
    char *text = path_exists(path) ? file_read_all(path, &len) : NULL;
    if (path_exists(path) && text == NULL) {
        log_warn("%s", path);
        goto out;
    }
    if (text != NULL && !config_parse_ini(&cfg, text, len, "certificate", path, &errors)) {
        while (errors.len > 0 && errors.data[errors.len - 1] == '\n')
            errors.data[--errors.len] = '\0';
        log_warnx("%s (the file holds a section [certificate] with the keys organiser and "
                  "signature)",
                  errors.data);
        goto out;
    }
    const char *sig = config_get(&cfg, "signature");
    char *sig_path = sig == NULL || *sig == '\0' ? NULL
                     : sig[0] == '/'             ? xstrdup(sig)
                                                 : path_join(event_dir, sig);
    p = certificate_printer_create(config_get(&cfg, "organiser"), sig_path);
    free(sig_path);
out:
    strbuf_finish(&errors);
    free(text);
    config_finish(&cfg);
    free(path);
    return p;
}

/* Appends one row of certificates.csv. */
static void csv_row(struct strbuf *csv, const struct event *ev, const struct certificate *c,
                    const char *code)
{
    const struct attendee *a = &ev->attendees[c->attendee];
    struct strbuf ids = {0};
    for (size_t i = 0; i < c->n_sessions; i++)
        strbuf_printf(&ids, "%s%s", i ? ";" : "", ev->sessions[c->sessions[i].session].id);
    char credits[16];
    certificate_format_credits(c->credits_centi, '.', credits);
    badge_csv_field(csv, a->id);
    strbuf_putc(csv, ',');
    badge_csv_field(csv, a->name);
    strbuf_putc(csv, ',');
    badge_csv_field(csv, ids.data ? ids.data : "");
    strbuf_printf(csv, ",%d,%s,%s,%d\r\n", c->minutes, credits, code, c->manual_sessions);
    strbuf_finish(&ids);
}

/* Signs c into code; false after saying why when its figures do not fit a code. */
static bool sign(const struct event *ev, const struct certificate *c,
                 const uint8_t sk[TOKEN_SECRET_KEY_LEN], char code[CERTCODE_TEXT_LEN + 1])
{
    const struct attendee *a = &ev->attendees[c->attendee];
    struct certcode cc = {ev->event_id, a->num, (uint32_t)c->minutes, (uint32_t)c->credits_centi};
    if (certcode_encode(&cc, sk, code))
        return true;
    log_warnx("%s: %d minutes or %d.%02d credits: more than a certificate code holds", a->id,
              c->minutes, (int)(c->credits_centi / 100), (int)(c->credits_centi % 100));
    return false;
}

/* Writes the PDFs of the certificates i with i % jobs == job, stopping at the first failure
 * or when *failed (shared by the workers) says another worker failed; sets it on failure. */
static bool write_share(const struct event *ev, const struct certificate_set *set,
                        struct certificate_printer *p, char (*codes)[CERTCODE_TEXT_LEN + 1],
                        const char *out_dir, size_t job, size_t jobs, volatile int *failed)
{
    bool ok = true;
    for (size_t i = job; ok && i < set->n && !*failed; i += jobs) {
        const struct certificate *c = &set->items[i];
        char *name = xasprintf("%s.pdf", ev->attendees[c->attendee].id);
        char *path = path_join(out_dir, name);
        ok = certificate_write_pdf(p, ev, c, set->any_credits, codes[i], path);
        free(path);
        free(name);
    }
    if (!ok)
        *failed = 1;
    return ok;
}

/* Writes every PDF with jobs processes (one: this one), each over its own share of the
 * certificates: pango and cairo are single-threaded, and a PDF is independent of the others.
 * A worker stops at its first failure (saying why), the others at their next certificate;
 * every file written is whole (temp file and rename). */
static bool write_pdfs(const struct event *ev, const struct certificate_set *set,
                       struct certificate_printer *p, char (*codes)[CERTCODE_TEXT_LEN + 1],
                       const char *out_dir, size_t jobs)
{
    if (jobs > set->n)
        jobs = set->n;
    if (jobs <= 1) {
        int failed = 0;
        return write_share(ev, set, p, codes, out_dir, 0, 1, &failed);
    }
    volatile int *failed =
        mmap(NULL, sizeof *failed, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (failed == MAP_FAILED) {
        log_warn("certificates: shared memory for the workers");
        return false;
    }
    *failed = 0;
    fflush(NULL); /* nothing buffered is written twice */
    pid_t *pids = xcalloc(jobs, sizeof *pids);
    size_t started = 0;
    for (; started < jobs; started++) {
        pids[started] = fork();
        if (pids[started] < 0) {
            log_warn("certificates: starting worker %zu of %zu", started + 1, jobs);
            *failed = 1;
            break;
        }
        if (pids[started] == 0)
            _exit(write_share(ev, set, p, codes, out_dir, started, jobs, failed) ? 0 : 1);
    }
    bool ok = started == jobs;
    for (size_t k = 0; k < started; k++) {
        int status;
        while (waitpid(pids[k], &status, 0) < 0 && errno == EINTR)
            ;
        if (WIFSIGNALED(status)) {
            log_warnx("certificates: worker %zu of %zu (pid %ld) killed by signal %d (%s)", k + 1,
                      jobs, (long)pids[k], WTERMSIG(status), strsignal(WTERMSIG(status)));
            *failed = 1;
        }
        ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    if (!ok)
        log_warnx("certificates: not every PDF was written (see above); no %s", CERTIFICATES_CSV);
    free(pids);
    munmap((void *)failed, sizeof *failed);
    return ok;
}

/* Signs every certificate, writes the PDFs with jobs processes, then certificates.csv. */
static bool write_all(const struct event *ev, const struct certificate_set *set,
                      struct certificate_printer *p, const uint8_t sk[TOKEN_SECRET_KEY_LEN],
                      const char *out_dir, size_t jobs)
{
    struct strbuf csv = {0};
    strbuf_puts(&csv, "attendee_id,name,sessions,minutes,credits,code,manual_sessions\r\n");
    char(*codes)[CERTCODE_TEXT_LEN + 1] = xcalloc(set->n + 1, sizeof *codes);
    bool ok = true;
    for (size_t i = 0; ok && i < set->n; i++) {
        ok = sign(ev, &set->items[i], sk, codes[i]);
        csv_row(&csv, ev, &set->items[i], codes[i]);
    }
    ok = ok && write_pdfs(ev, set, p, codes, out_dir, jobs);
    /* One flush for every PDF (not two fsyncs each), before the list that names them. */
    char *path = path_join(out_dir, CERTIFICATES_CSV);
    if (ok && !(ok = file_sync_fs(out_dir)))
        log_warn("%s", out_dir);
    if (ok && !(ok = file_write_atomic(path, csv.data, csv.len, 0600)))
        log_warn("%s", path);
    free(path);
    free(codes);
    strbuf_finish(&csv);
    return ok;
}

/* portier certificates (--db PATH ... | --central CONNINFO) --event EVENT_DIR --out DIR */
static int run_certificates(const struct cli_call *c)
{
    size_t n_dbs;
    const char *const *dbs = config_get_list(c->cfg, "db", &n_dbs);
    const char *central = config_get(c->cfg, "central");
    const char *event_dir = config_get(c->cfg, "event"), *out_dir = config_get(c->cfg, "out");
    int min_presence;
    if ((n_dbs > 0) == (central != NULL))
        return cli_usage_error(c->spec, "give either --db (one or more) or --central");
    if (!parse_percent(config_get(c->cfg, "min-presence"), &min_presence))
        return cli_usage_error(c->spec, "--min-presence '%s': give a percentage 0%%..100%%",
                               config_get(c->cfg, "min-presence"));
    uint8_t sk[TOKEN_SECRET_KEY_LEN];
    struct certificate_printer *p = NULL;
    struct event *ev = NULL;
    struct report *r = NULL;
    struct certificate_set set = {0};
    bool ok = false;
    if (!token_init() || !event_read_secret_key(event_dir, sk) ||
        (p = printer_from_ini(event_dir)) == NULL ||
        (r = report_load(event_dir, dbs, n_dbs, central, &ev)) == NULL)
        goto out;
    if (!mkdir_private(out_dir)) {
        log_warn("%s", out_dir);
        goto out;
    }
    certificate_set_compute(&set, r, min_presence);
    /* The report's presence table (attendees x sessions) is the bulk of the memory: gone
     * before the workers start, so that none of them holds it. */
    report_destroy(r);
    r = NULL;
    long jobs = config_get_int(c->cfg, "jobs");
    if (jobs == 0)
        jobs = sysconf(_SC_NPROCESSORS_ONLN);
    if (!(ok = write_all(ev, &set, p, sk, out_dir, jobs > 0 ? (size_t)jobs : 1)))
        goto out;
    printf("%zu certificate%s (presence at least %d%% of a session) written to %s/\n", set.n,
           set.n == 1 ? "" : "s", min_presence, out_dir);
out:
    sodium_memzero(sk, sizeof sk);
    certificate_set_finish(&set);
    report_destroy(r);
    event_destroy(ev);
    certificate_printer_destroy(p);
    badge_release_fonts(); /* pango's and cairo's caches, for a leak checker's clean exit */
    return ok ? CLI_OK : CLI_FAILURE;
}

static const struct config_option options[] = {
    {"db", CONFIG_STRING, NULL, 0, 0, NULL, "PATH",
     "a kiosk database (repeat for each kiosk); never modified", CONFIG_REPEATABLE},
    {"central", CONFIG_STRING, NULL, 0, 0, NULL, "CONNINFO",
     "the central database (an organiser's or the owner's login)", 0},
    {"event", CONFIG_STRING, NULL, 0, 0, NULL, "EVENT_DIR",
     "the event (with its signing key and, optionally, " CERTIFICATE_INI ")", CONFIG_REQUIRED},
    {"out", CONFIG_STRING, NULL, 0, 0, NULL, "DIR",
     "where to write the files (created when missing)", CONFIG_REQUIRED},
    {"min-presence", CONFIG_STRING, "80%", 0, 0, NULL, "PERCENT",
     "the share of a session an attendee must have been in\nto be certified for it", 0},
    {"jobs", CONFIG_INT, "0", 0, 1024, NULL, "N",
     "processes writing the PDFs at once (0: one per CPU)", 0},
};

const struct cli_spec certificates_spec = {
    .name = "certificates",
    .usage = "usage: portier certificates (--db PATH ... | --central CONNINFO) --event EVENT_DIR\n"
             "                            --out DIR [--min-presence 80%] [--jobs N]\n",
    .about = "Certificates of attendance from the scans at the doors: minutes in a session are "
             "what the\nscans prove (entry to exit, the next room or the session's end). Writes "
             "into DIR one A4\nPDF per attendee present in at least one session, <attendee "
             "id>.pdf, in the attendee's\nlanguage, and " CERTIFICATES_CSV
             " (attendee_id,name,sessions,minutes,credits,code).\n"
             "Each carries a verification code signed with the event's key: portier verify.\n",
    .options = options,
    .n_options = ARRAY_LEN(options),
    .notes = "EVENT_DIR/" CERTIFICATE_INI ", optional:\n"
             "  [certificate]\n  organiser = Jane Doe, Symposium chair\n"
             "  signature = signature.png   (a PNG; relative to EVENT_DIR)\n",
    .run = run_certificates,
};

/* portier certificates ... */
int cmd_certificates(int argc, char **argv)
{
    return cli_run(&certificates_spec, argc, argv);
}

/* portier verify CODE --event EVENT_DIR */
static int run_verify(const struct cli_call *c)
{
    const char *event_dir = config_get(c->cfg, "event");
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN];
    uint32_t event_id;
    char *db = path_join(event_dir, EVENT_DB_NAME);
    bool read =
        token_init() && event_read_public_key(event_dir, pk) && event_read_id(db, &event_id);
    struct event *ev = NULL;
    int rc = CLI_FAILURE;
    if (!read)
        goto out;
    struct certcode got;
    enum certcode_status st = certcode_verify(c->args[0], event_id, pk, &got);
    if (st == CERTCODE_WRONG_EVENT) {
        log_warnx("refused: %s (event id %u; this event is %u)", certcode_status_text(st),
                  (unsigned)got.event_id, (unsigned)event_id);
        goto out;
    }
    if (st != CERTCODE_OK) {
        log_warnx("refused: %s", certcode_status_text(st));
        goto out;
    }
    ev = event_load(db);
    const struct attendee *a = ev != NULL ? event_attendee_by_num(ev, got.attendee_num) : NULL;
    char credits[16];
    certificate_format_credits((int32_t)got.credits_centi, '.', credits);
    printf("genuine: certificate of %s (%s) for %s: %u minutes, %s credits\n",
           a != NULL ? a->name : "an attendee no longer in the event", a != NULL ? a->id : "-",
           ev != NULL ? ev->name : "this event", (unsigned)got.minutes, credits);
    rc = CLI_OK;
out:
    event_destroy(ev);
    free(db);
    return rc;
}

static const struct config_option verify_options[] = {
    {"event", CONFIG_STRING, NULL, 0, 0, NULL, "EVENT_DIR",
     "the event (its verify.pub and event.db; a kiosk bundle will do)", CONFIG_REQUIRED},
};

const struct cli_spec verify_spec = {
    .name = "verify",
    .usage = "usage: portier verify CODE --event EVENT_DIR\n",
    .about = "Checks a certificate of attendance's verification code offline with the event's "
             "public\nkey. Exits 0 and says whose certificate it is, minutes and credits, for a "
             "genuine code;\nexits 1 saying why otherwise (altered or mistyped, another event). "
             "Case, blanks and\ndashes do not matter; quote the code for the shell.\n",
    .options = verify_options,
    .n_options = ARRAY_LEN(verify_options),
    .args = "CODE",
    .run = run_verify,
};

/* portier verify ... */
int cmd_verify(int argc, char **argv)
{
    return cli_run(&verify_spec, argc, argv);
}
