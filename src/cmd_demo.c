/* portier demo: a complete demo — the demo symposium (demo.h) as CSV files, the event, its
 * badges and a kiosk bundle, then a kiosk on a synthetic camera. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
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

/* The kiosk the demo runs: the entrance of a small, over-subscribed break-out room. */
#define DEMO_KIOSK_DEVICE "demo-door-1"
#define DEMO_KIOSK_ROOM   "room-2.14"
#define DEMO_KIOSK_MODE   "entry"

static const char demo_usage[] =
    "usage: portier demo [--dir DIR] [--seed N] [--attendees N] [--date YYYY-MM-DD | --today]\n"
    "                    [--csv-only] [--no-kiosk]\n"
    "Makes a demo event: a one-day symposium in Brussels (about 900 people, a plenary hall and\n"
    "14 break-out rooms, 30 sessions) with its badges and a kiosk bundle, then runs a kiosk on\n"
    "a synthetic camera. DIR receives rooms.csv, sessions.csv and attendees.csv, event/ (the\n"
    "event, with its signing key), badges/ (a PNG per attendee, a PDF sheet, tokens.csv) and\n"
    "kiosk/ (the kiosk bundle).\n"
    "Running again with the same DIR reuses what is there: an existing event is never\n"
    "overwritten; only the missing steps are done.\n"
    "  --dir DIR          where to make the demo (default: a new directory under $TMPDIR or /tmp)\n"
    "  --seed N           generator seed (default 2026): the same seed gives the same event\n"
    "  --attendees N      number of people, 10..20000 (default 900)\n"
    "  --date YYYY-MM-DD  the day of the symposium (default 2026-04-23)\n"
    "  --today            hold the symposium today (Brussels time), so that a kiosk sees its\n"
    "                     sessions live\n"
    "  --csv-only         write the three CSV files and stop\n"
    "  --no-kiosk         make everything, but do not start the kiosk\n";

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
                mode[] = DEMO_KIOSK_MODE, camera_opt[] = "--camera", camera[] = "synth",
                window[] = "--window";
    char *args[] = {kiosk,    p->kiosk_dir, device_opt, device, room_opt, room,
                    mode_opt, mode,         camera_opt, camera, window};
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

/*
 * KIOSK HOOK (issue 2, item 9 — for the lead to wire): start the demo kiosk here, on the
 * bundle in p->kiosk_dir with the synthetic camera, e.g.
 *     char *argv[16];
 *     kiosk_argv(p, argv);
 *     return run_subcommand(cmd_kiosk, argv);
 * The synthetic camera shows built-in payloads unless given tokens: the demo's real badge
 * tokens are in p->tokens (demo_load_tokens reads them). Until the kiosk lands this only says
 * so (print_summary printed the command).
 */
static int run_kiosk(const struct demo_paths *p)
{
    (void)p;
    printf("(The kiosk is not part of this version yet: 'portier demo' stops here.)\n");
    return CLI_OK;
}

int cmd_demo(int argc, char **argv)
{
    enum { OPT_DIR, OPT_SEED, OPT_ATTENDEES, OPT_DATE, OPT_TODAY, OPT_CSV_ONLY, OPT_NO_KIOSK };
    static const struct option options[] = {
        {"dir", required_argument, NULL, OPT_DIR},
        {"seed", required_argument, NULL, OPT_SEED},
        {"attendees", required_argument, NULL, OPT_ATTENDEES},
        {"date", required_argument, NULL, OPT_DATE},
        {"today", no_argument, NULL, OPT_TODAY},
        {"csv-only", no_argument, NULL, OPT_CSV_ONLY},
        {"no-kiosk", no_argument, NULL, OPT_NO_KIOSK},
        {NULL, 0, NULL, 0},
    };
    struct demo_options opts;
    const char *dir_arg = NULL, *date_arg = NULL;
    bool today = false, csv_only = false, no_kiosk = false;
    uint64_t n;
    int c, index;

    if (cli_wants_help(argc, argv))
        return cli_help(demo_usage);
    demo_options_init(&opts);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", options, &index)) != -1) {
        switch (c) {
        case OPT_DIR:
            dir_arg = optarg;
            break;
        case OPT_SEED:
            if (!parse_u64(optarg, &opts.seed))
                return cli_usage_error(argv[0], demo_usage, "--seed '%s': not a number", optarg);
            break;
        case OPT_ATTENDEES:
            if (!parse_u64(optarg, &n) || n < DEMO_MIN_ATTENDEES || n > DEMO_MAX_ATTENDEES)
                return cli_usage_error(argv[0], demo_usage,
                                       "--attendees '%s': must be a number from %d to %d", optarg,
                                       DEMO_MIN_ATTENDEES, DEMO_MAX_ATTENDEES);
            opts.attendees = (int)n;
            break;
        case OPT_DATE:
            date_arg = optarg;
            break;
        case OPT_TODAY:
            today = true;
            break;
        case OPT_CSV_ONLY:
            csv_only = true;
            break;
        case OPT_NO_KIOSK:
            no_kiosk = true;
            break;
        case ':':
            return cli_usage_error(argv[0], demo_usage, "option '%s' needs a value",
                                   argv[optind - 1]);
        default:
            return cli_usage_error(argv[0], demo_usage, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], demo_usage, "unexpected argument '%s'", argv[optind]);
    if (dir_arg != NULL && *dir_arg == '\0')
        return cli_usage_error(argv[0], demo_usage, "--dir must not be empty");
    if (today && date_arg != NULL)
        return cli_usage_error(argv[0], demo_usage, "--date and --today exclude each other");
    if (date_arg != NULL) {
        if (!demo_date_valid(date_arg))
            return cli_usage_error(argv[0], demo_usage, "--date '%s': not a date (YYYY-MM-DD)",
                                   date_arg);
        snprintf(opts.date, sizeof opts.date, "%s", date_arg);
    }
    if (today)
        demo_date_at(time_now_ms(), opts.date);

    struct demo_paths p = {0};
    int rc = CLI_FAILURE;
    char *dir = NULL;
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
        char *args[] = {"badges", p.event_dir, "--out", p.badges_dir, NULL};
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
    rc = no_kiosk ? CLI_OK : run_kiosk(&p);
out:
    paths_finish(&p);
    free(dir);
    return rc;
}
