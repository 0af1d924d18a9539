/* SPDX-License-Identifier: Apache-2.0 */
/* portier demo: a complete demo — the demo symposium (demo.h) as CSV files, the event, its
 * badges and a kiosk bundle, then a kiosk on a synthetic camera. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "demo.h"
#include "event.h"
#include "log.h"
#include "roster.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"
#include "roster_db.h"
#include "sysclock.h"

/* The kiosk the demo runs: the entrance of a small, over-subscribed break-out room. */
#define DEMO_KIOSK_DEVICE "demo-door-1"
#define DEMO_KIOSK_ROOM   "room-2.14"
#define DEMO_KIOSK_MODE   "entry"
/* Badges an unattended (off-screen) demo scans. */
#define DEMO_OFFSCREEN_SCANS 40

/* Where everything of one demo lives; all strings owned. */
struct demo_paths {
    char *dir;
    char *rooms, *sessions, *attendees;
    char *event_dir, *event_db;
    char *badges_dir, *tokens;
    char *kiosk_dir, *kiosk_db;
};

/* Fills paths for a demo in dir. */
static void paths_init(struct demo_paths *p, const char *dir)
{
    p->dir = xstrdup(dir);
    p->rooms = path_join(dir, DEMO_ROOMS_CSV);
    p->sessions = path_join(dir, DEMO_SESSIONS_CSV);
    p->attendees = path_join(dir, DEMO_ATTENDEES_CSV);
    p->event_dir = path_join(dir, "event");
    p->event_db = path_join(p->event_dir, EVENT_DB_NAME);
    p->badges_dir = path_join(dir, "badges");
    p->tokens = path_join(p->badges_dir, "tokens.csv");
    p->kiosk_dir = path_join(dir, "kiosk");
    p->kiosk_db = path_join(p->kiosk_dir, EVENT_DB_NAME);
}

/* Frees the strings of paths. */
static void paths_finish(struct demo_paths *p)
{
    char **all[] = {&p->dir,      &p->rooms,      &p->sessions, &p->attendees, &p->event_dir,
                    &p->event_db, &p->badges_dir, &p->tokens,   &p->kiosk_dir, &p->kiosk_db};
    for (size_t i = 0; i < ARRAY_LEN(all); i++) {
        free(*all[i]);
        *all[i] = NULL;
    }
}

/* Parses a decimal unsigned 64-bit number; false on anything else. */
static bool parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

/* Makes a new directory for the demo under $TMPDIR (or /tmp); returns it (owned) or NULL. */
static char *make_temp_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || *tmp == '\0')
        tmp = "/tmp";
    char *dir = xasprintf("%s/portier-demo-XXXXXX", tmp);
    if (mkdtemp(dir) == NULL) {
        log_warn("demo: cannot make a directory under %s", tmp);
        free(dir);
        return NULL;
    }
    return dir;
}

/* Counts the files in dir whose names end with suffix. */
static int count_files(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int n = 0;
    size_t slen = strlen(suffix);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > slen && strcmp(e->d_name + len - slen, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

/* Returns the name of the first file in dir ending with suffix (owned), or NULL. */
static char *first_file(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    char *name = NULL;
    size_t slen = strlen(suffix);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > slen && strcmp(e->d_name + len - slen, suffix) == 0 &&
            (name == NULL || strcmp(e->d_name, name) < 0)) {
            free(name);
            name = xstrdup(e->d_name);
        }
    }
    closedir(d);
    return name;
}

/* Runs another subcommand in this process, as if from the command line. argv ends with NULL. */
static int run_subcommand(int (*cmd)(int, char **), char **argv)
{
    int argc = 0;
    while (argv[argc] != NULL)
        argc++;
    fflush(stdout);
    return cmd(argc, argv);
}

/* The CSV files: reused when all three are there, written when none is. */
static bool make_csvs(const struct demo_paths *p, const struct demo_options *opts)
{
    int present = path_exists(p->rooms) + path_exists(p->sessions) + path_exists(p->attendees);
    if (present == 3) {
        printf("portier demo: reusing the CSV files in %s\n", p->dir);
        return true;
    }
    if (present != 0) {
        log_warnx("demo: %s holds some of %s, %s and %s but not all: remove them or choose "
                  "another --dir",
                  p->dir, DEMO_ROOMS_CSV, DEMO_SESSIONS_CSV, DEMO_ATTENDEES_CSV);
        return false;
    }
    if (!demo_write_csvs(p->dir, opts))
        return false;
    printf("portier demo: wrote %s, %s and %s in %s (seed %llu, %d people, %s)\n", DEMO_ROOMS_CSV,
           DEMO_SESSIONS_CSV, DEMO_ATTENDEES_CSV, p->dir, (unsigned long long)opts->seed,
           opts->attendees, opts->date);
    return true;
}

/* Builds the command line of the demo kiosk into argv (at least 16 slots, NULL-terminated);
 * the strings are borrowed from p and static storage. Returns argc. */
static int kiosk_argv(const struct demo_paths *p, char **argv)
{
    static char kiosk[] = "kiosk", device_opt[] = "--device", device[] = DEMO_KIOSK_DEVICE,
                room_opt[] = "--room", room[] = DEMO_KIOSK_ROOM, mode_opt[] = "--mode",
                mode[] = DEMO_KIOSK_MODE, camera_opt[] = "--camera", camera[] = "synth:fps=6,loop",
                tokens_opt[] = "--synth-tokens", window[] = "--window";
    char *args[] = {kiosk, p->kiosk_dir, device_opt, device,     room_opt,  room,  mode_opt,
                    mode,  camera_opt,   camera,     tokens_opt, p->tokens, window};
    int argc = 0;
    for (size_t i = 0; i < ARRAY_LEN(args); i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    return argc;
}

/* Prints where everything is and how to run a kiosk on it. */
static void print_summary(const struct demo_paths *p, const struct demo_options *opts,
                          bool reused_event)
{
    char *pdf = first_file(p->badges_dir, ".pdf");
    char *argv[16];
    int argc = kiosk_argv(p, argv);
    printf("\nThe demo symposium is ready in %s\n", p->dir);
    printf("  event:        %s (%ssigning key %s/%s)\n", p->event_dir,
           reused_event ? "made by an earlier run; " : "", p->event_dir, EVENT_SIGNING_KEY_NAME);
    printf("  CSV files:    %s, %s, %s\n", p->rooms, p->sessions, p->attendees);
    printf("  badges:       %s: %d PNG badges, %s%s, tokens.csv\n", p->badges_dir,
           count_files(p->badges_dir, ".png"), pdf != NULL ? pdf : "(no PDF sheet)",
           pdf != NULL ? " (printable sheet)" : "");
    printf("  kiosk bundle: %s\n", p->kiosk_dir);
    printf("Run a kiosk on it with:\n  portier");
    for (int i = 0; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    if (!reused_event)
        printf("The symposium takes place on %s (Europe/Brussels); use --today to hold it "
               "today.\n",
               opts->date);
    free(pdf);
}

/* The kiosk's clock for a demo held on a fixed day: ten minutes before the first session of
 * the demo room, when its reserved seats are still held. Returns false (use the real clock)
 * when the event has no session there. */
static bool demo_clock(const struct demo_paths *p, char *out)
{
    struct event *ev = event_load(p->kiosk_db);
    if (ev == NULL)
        return false;
    size_t room = event_room_index(ev, DEMO_KIOSK_ROOM);
    int64_t first = INT64_MAX;
    for (size_t i = 0; i < ev->n_sessions; i++) {
        if (ev->sessions[i].room == room && ev->sessions[i].start_ms < first)
            first = ev->sessions[i].start_ms;
    }
    bool ok = first != INT64_MAX && time_set_zone(ev->timezone);
    if (ok)
        time_format_iso8601(first - 10 * 60 * 1000, out);
    event_destroy(ev);
    return ok;
}

/* Writes the first n badges of tokens.csv to path: what an unattended demo scans. */
static bool write_first_tokens(const char *tokens, const char *path, int n)
{
    size_t len;
    char *text = file_read_all(tokens, &len);
    if (text == NULL) {
        log_warn("demo: %s", tokens);
        return false;
    }
    /* tokens.csv may quote names but never breaks a row over lines (names have no newline). */
    size_t cut = 0;
    for (int lines = 0; cut < len && lines <= n; cut++)
        lines += text[cut] == '\n';
    bool ok = file_write_atomic(path, text, cut, 0600);
    if (!ok)
        log_warn("demo: %s", path);
    free(text);
    return ok;
}

/* Runs the demo kiosk on the bundle with the synthetic camera showing the demo's badges: in a
 * window when there is a display, else drawn off screen with a screenshot of every answer. */
static int run_kiosk(const struct demo_paths *p, bool today, bool offscreen)
{
    if (!offscreen && getenv("DISPLAY") == NULL && getenv("WAYLAND_DISPLAY") == NULL)
        offscreen = true;
    char clock[TIME_ISO_LEN] = "";
    if (!today && !demo_clock(p, clock))
        clock[0] = '\0';
    char *scans = path_join(p->badges_dir, "demo-scans.csv");
    char *shots = path_join(p->dir, "screenshots");
    char *db = path_join(p->dir, "kiosk-scans.db");
    const char *tokens = p->tokens;
    int rc = CLI_FAILURE;
    if (offscreen) {
        if (!write_first_tokens(p->tokens, scans, DEMO_OFFSCREEN_SCANS))
            goto out;
        tokens = scans;
    }
    char *argv[32];
    int argc = 0;
    argv[argc++] = "kiosk";
    argv[argc++] = p->kiosk_dir;
    argv[argc++] = "--device";
    argv[argc++] = DEMO_KIOSK_DEVICE;
    argv[argc++] = "--room";
    argv[argc++] = DEMO_KIOSK_ROOM;
    argv[argc++] = "--mode";
    argv[argc++] = DEMO_KIOSK_MODE;
    argv[argc++] = "--db";
    argv[argc++] = db;
    argv[argc++] = "--synth-tokens";
    argv[argc++] = (char *)tokens;
    if (clock[0] != '\0') {
        argv[argc++] = "--clock";
        argv[argc++] = clock;
    }
    if (offscreen) {
        argv[argc++] = "--camera";
        argv[argc++] = "synth";
        argv[argc++] = "--offscreen";
        argv[argc++] = "--print";
        argv[argc++] = "--screenshots";
        argv[argc++] = shots;
        printf("\nNo display: the demo kiosk scans %d badges off screen, prints its decisions "
               "and saves every answer screen in %s\n\n",
               DEMO_OFFSCREEN_SCANS, shots);
    } else {
        argv[argc++] = "--camera";
        argv[argc++] = "synth:fps=6,loop";
        argv[argc++] = "--window";
        printf("\nThe demo kiosk opens in a window (close it or press Escape to stop).\n");
    }
    argv[argc] = NULL;
    rc = run_subcommand(cmd_kiosk, argv);
    if (rc == CLI_OK && offscreen)
        printf("\nAnswer screens: %s\n", shots);
out:
    free(scans);
    free(shots);
    free(db);
    return rc;
}

/* Fills opts from the options; returns CLI_OK or the usage error's code. */
static int demo_options_from(const struct cli_call *c, struct demo_options *opts)
{
    demo_options_init(opts);
    const char *seed = config_get(c->cfg, "seed"), *date = config_get(c->cfg, "date");
    if (seed != NULL && !parse_u64(seed, &opts->seed))
        return cli_usage_error(c->spec, "--seed '%s': not a number", seed);
    opts->attendees = (int)config_get_int(c->cfg, "attendees");
    bool today = config_get_bool(c->cfg, "today");
    if (today && config_is_set(c->cfg, "date"))
        return cli_usage_error(c->spec, "--date and --today exclude each other");
    if (!demo_date_valid(date))
        return cli_usage_error(c->spec, "--date '%s': not a date (YYYY-MM-DD)", date);
    snprintf(opts->date, sizeof opts->date, "%s", date);
    if (today)
        demo_date_at(time_now_ms(), opts->date);
    return CLI_OK;
}

/* portier demo [options] */
static int run_demo(const struct cli_call *c)
{
    struct demo_options opts;
    int rc = demo_options_from(c, &opts);
    if (rc != CLI_OK)
        return rc;
    const char *dir_arg = config_get(c->cfg, "dir");
    if (dir_arg != NULL && *dir_arg == '\0')
        return cli_usage_error(c->spec, "--dir must not be empty");
    bool csv_only = config_get_bool(c->cfg, "csv-only");

    struct demo_paths p = {0};
    char *dir = NULL;
    rc = CLI_FAILURE;
    if (dir_arg == NULL) {
        if ((dir = make_temp_dir()) == NULL)
            return CLI_FAILURE;
        printf("portier demo: made %s\n", dir);
    } else {
        dir = xstrdup(dir_arg);
        if (!mkdir_p(dir)) {
            log_warn("demo: %s", dir);
            goto out;
        }
    }
    paths_init(&p, dir);

    bool reused_event = path_exists(p.event_db);
    if (reused_event) {
        printf("portier demo: %s already holds an event: reusing it as it is (--seed, "
               "--attendees and --date do not apply to it)\n",
               p.event_dir);
        if (csv_only) {
            rc = CLI_OK;
            goto out;
        }
    } else {
        if (!make_csvs(&p, &opts))
            goto out;
        if (csv_only) {
            rc = CLI_OK;
            goto out;
        }
        uint32_t event_id;
        if (!roster_init_event(p.event_dir, DEMO_EVENT_NAME, DEMO_TIMEZONE, p.rooms, p.sessions,
                               p.attendees, &event_id)) {
            log_warnx("demo: could not create the event in %s", p.event_dir);
            goto out;
        }
        printf("portier demo: created the event '%s' (id %u) in %s\n", DEMO_EVENT_NAME,
               (unsigned)event_id, p.event_dir);
    }

    /* Badges and the bundle derive from the event: a new event gets new ones, a reused event
     * keeps those an earlier run made. */
    if (reused_event && path_exists(p.tokens)) {
        printf("portier demo: reusing the badges in %s\n", p.badges_dir);
    } else {
        /* The PDF sheet holds every badge; a PNG per attendee takes minutes for 900 people,
         * so the demo leaves those to 'portier badges --format png'. */
        char *args[] = {"badges", p.event_dir, "--out", p.badges_dir, "--format", "pdf,csv", NULL};
        if (run_subcommand(cmd_badges, args) != CLI_OK) {
            log_warnx("demo: could not make the badges in %s", p.badges_dir);
            goto out;
        }
    }
    if (reused_event && path_exists(p.kiosk_db)) {
        printf("portier demo: reusing the kiosk bundle in %s\n", p.kiosk_dir);
    } else {
        char *args[] = {"bundle", p.event_dir, "--out", p.kiosk_dir, NULL};
        if (run_subcommand(cmd_bundle, args) != CLI_OK) {
            log_warnx("demo: could not make the kiosk bundle in %s", p.kiosk_dir);
            goto out;
        }
    }

    print_summary(&p, &opts, reused_event);
    rc = config_get_bool(c->cfg, "no-kiosk") ? CLI_OK
                                             : run_kiosk(&p, config_get_bool(c->cfg, "today"),
                                                         config_get_bool(c->cfg, "offscreen"));
out:
    paths_finish(&p);
    free(dir);
    return rc;
}

static const struct config_option options[] = {
    {"dir", CONFIG_STRING, NULL, 0, 0, NULL, "DIR",
     "where to make the demo (default: a new directory under $TMPDIR or /tmp)", 0},
    {"seed", CONFIG_STRING, NULL, 0, 0, NULL, "N",
     "generator seed (default 2026): the same seed gives the same event", 0},
    {"attendees", CONFIG_INT, CLI_STRING_OF(DEMO_DEFAULT_ATTENDEES), DEMO_MIN_ATTENDEES,
     DEMO_MAX_ATTENDEES, NULL, "N", "number of people", 0},
    {"date", CONFIG_STRING, DEMO_DEFAULT_DATE, 0, 0, NULL, "YYYY-MM-DD", "the day of the symposium",
     0},
    {"today", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "hold the symposium today (Brussels time), so that a kiosk sees its\nsessions live", 0},
    {"csv-only", CONFIG_BOOL, NULL, 0, 0, NULL, NULL, "write the three CSV files and stop", 0},
    {"no-kiosk", CONFIG_BOOL, NULL, 0, 0, NULL, NULL, "make everything, but do not start the kiosk",
     0},
    {"offscreen", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "run the kiosk without a display (the default when there is none):\nit scans " CLI_STRING_OF(
         DEMO_OFFSCREEN_SCANS) " badges, prints its decisions and saves the answer screens",
     0},
};

const struct cli_spec demo_spec = {
    .name = "demo",
    .usage = "usage: portier demo [--dir DIR] [--seed N] [--attendees N] [--date YYYY-MM-DD | "
             "--today]\n"
             "                    [--csv-only] [--no-kiosk] [--offscreen]\n",
    .about = "Makes a demo event: a one-day symposium in Brussels (about 900 people, a plenary "
             "hall and\n14 break-out rooms, 30 sessions) with its badges and a kiosk bundle, then "
             "runs a kiosk on\na synthetic camera. DIR receives rooms.csv, sessions.csv and "
             "attendees.csv, event/ (the\nevent, with its signing key), badges/ (a PNG per "
             "attendee, a PDF sheet, tokens.csv) and\nkiosk/ (the kiosk bundle).\n"
             "Running again with the same DIR reuses what is there: an existing event is never\n"
             "overwritten; only the missing steps are done.\n",
    .options = options,
    .n_options = ARRAY_LEN(options),
    .run = run_demo,
};

int cmd_demo(int argc, char **argv)
{
    return cli_run(&demo_spec, argc, argv);
}
