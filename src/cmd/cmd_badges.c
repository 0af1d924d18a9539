/* portier badges: signs a token for every attendee and prints it as badges. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "badge.h"
#include "cli.h"
#include "event.h"
#include "log.h"
#include "token.h"
#include "util.h"
#include "event_db.h"
#include "file.h"

#define FORMAT_PNG (1u << 0)
#define FORMAT_PDF (1u << 1)
#define FORMAT_CSV (1u << 2)

#define SHEET_NAME   "badges.pdf"
#define REPRINT_NAME "reprint.pdf"
#define TOKENS_NAME  "tokens.csv"

static const char usage[] =
    "usage: portier badges EVENT_DIR --out DIR [--format png,pdf,csv] [--only ID ...]\n"
    "Signs a badge token for every attendee (with EVENT_DIR/signing.key) and writes:\n"
    "  png   DIR/<attendee id>.png, one badge each (90 x 130 mm at 300 dpi)\n"
    "  pdf   DIR/" SHEET_NAME ", an A4 sheet of four badges a page with crop marks\n"
    "        (DIR/" REPRINT_NAME " with --only, so that the full sheet is kept)\n"
    "  csv   DIR/" TOKENS_NAME ": attendee_id,name,token for every attendee\n"
    "  --out DIR        where to write (created when missing)\n"
    "  --format LIST    which of png, pdf, csv to write, comma-separated (default: all)\n"
    "  --only ID        only this attendee's badge; repeat for several. After 'portier\n"
    "                   revoke', this issues the replacement badge. tokens.csv always\n"
    "                   lists every attendee's current token.\n";

/* Parses "png,pdf,csv" into FORMAT_ bits; 0 on an unknown or empty item. */
static unsigned parse_formats(const char *list, const char **bad)
{
    unsigned formats = 0;
    char *copy = xstrdup(list), *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
        if (strcmp(item, "png") == 0) {
            formats |= FORMAT_PNG;
        } else if (strcmp(item, "pdf") == 0) {
            formats |= FORMAT_PDF;
        } else if (strcmp(item, "csv") == 0) {
            formats |= FORMAT_CSV;
        } else {
            *bad = list + (item - copy);
            formats = 0;
            break;
        }
    }
    free(copy);
    return formats;
}

/* Fills b from the attendee, with the token text it points to. */
static void fill_badge(struct badge_info *b, const struct event *ev, const struct attendee *a,
                       const char *token)
{
    b->attendee_id = a->id;
    b->name = a->name;
    b->organisation = a->organisation;
    b->event_name = ev->name;
    b->category = a->category;
    b->token = token;
}

int cmd_badges(int argc, char **argv)
{
    enum { OPT_OUT, OPT_FORMAT, OPT_ONLY };
    static const struct option options[] = {
        {"out", required_argument, NULL, OPT_OUT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"only", required_argument, NULL, OPT_ONLY},
        {NULL, 0, NULL, 0},
    };
    if (cli_wants_help(argc, argv))
        return cli_help(usage);

    const char *out_dir = NULL, *format_list = "png,pdf,csv";
    const char **only = xcalloc((size_t)argc, sizeof *only);
    size_t n_only = 0;
    int c, index;
    optind = 1;
    opterr = 0;
    int rc = CLI_FAILURE;
    struct event *ev = NULL;
    char(*tokens)[TOKEN_TEXT_LEN + 1] = NULL;
    struct badge_info *badges = NULL;
    size_t *selected = NULL;
    char *db_path = NULL;
    uint8_t sk[TOKEN_SECRET_KEY_LEN], pk[TOKEN_PUBLIC_KEY_LEN];

    while ((c = getopt_long(argc, argv, ":", options, &index)) != -1) {
        if (c == '?') {
            rc = cli_usage_error(argv[0], usage, "unknown option '%s'", argv[optind - 1]);
            goto out;
        }
        if (c == ':') {
            rc = cli_usage_error(argv[0], usage, "option '%s' needs a value", argv[optind - 1]);
            goto out;
        }
        if (c == OPT_OUT)
            out_dir = optarg;
        else if (c == OPT_FORMAT)
            format_list = optarg;
        else
            only[n_only++] = optarg;
    }
    if (optind >= argc) {
        rc = cli_usage_error(argv[0], usage, "missing EVENT_DIR");
        goto out;
    }
    if (optind + 1 < argc) {
        rc = cli_usage_error(argv[0], usage, "unexpected argument '%s'", argv[optind + 1]);
        goto out;
    }
    const char *event_dir = argv[optind];
    if (out_dir == NULL || *out_dir == '\0') {
        rc = cli_usage_error(argv[0], usage, "missing --out DIR");
        goto out;
    }
    const char *bad = format_list;
    unsigned formats = parse_formats(format_list, &bad);
    if (formats == 0) {
        rc = cli_usage_error(argv[0], usage, "unknown format in '%s' (use png, pdf, csv)", bad);
        goto out;
    }

    if (!token_init())
        goto out;
    db_path = path_join(event_dir, EVENT_DB_NAME);
    ev = event_load(db_path);
    if (ev == NULL)
        goto out;
    if (!event_read_secret_key(event_dir, sk) || !event_read_public_key(event_dir, pk))
        goto out;
    /* Refuse a key pair that does not belong together: every badge would be refused. */
    if (memcmp(sk + 32, pk, sizeof pk) != 0) {
        log_warnx("%s: %s does not match %s", event_dir, EVENT_SIGNING_KEY_NAME,
                  EVENT_VERIFY_KEY_NAME);
        goto out;
    }

    /* Unknown ids first, all of them, before anything is written. */
    bool unknown = false;
    for (size_t i = 0; i < n_only; i++) {
        if (event_attendee_by_id(ev, only[i]) == NULL) {
            log_warnx("badges: no attendee with id '%s' in %s", only[i], event_dir);
            unknown = true;
        }
    }
    if (unknown)
        goto out;
    if (ev->n_attendees == 0) {
        log_warnx("badges: %s has no attendees", event_dir);
        goto out;
    }

    tokens = xcalloc(ev->n_attendees, sizeof *tokens);
    badges = xcalloc(ev->n_attendees, sizeof *badges);
    selected = xcalloc(ev->n_attendees, sizeof *selected);
    size_t n_selected = 0;
    for (size_t i = 0; i < ev->n_attendees; i++) {
        const struct attendee *a = &ev->attendees[i];
        struct token t = {0};
        t.event_id = ev->event_id;
        t.attendee_num = a->num;
        t.serial = a->serial;
        if (!token_encode(&t, sk, tokens[i])) {
            log_warnx("badges: %s: cannot sign a token (number %u, serial %u out of range)", a->id,
                      (unsigned)a->num, (unsigned)a->serial);
            goto out;
        }
        fill_badge(&badges[i], ev, a, tokens[i]);
        bool wanted = n_only == 0;
        for (size_t k = 0; k < n_only && !wanted; k++)
            wanted = strcmp(only[k], a->id) == 0;
        if (wanted)
            selected[n_selected++] = i;
    }

    if (!mkdir_p(out_dir)) {
        log_warn("%s", out_dir);
        goto out;
    }
    size_t n_png = 0;
    if (formats & FORMAT_PNG) {
        for (size_t k = 0; k < n_selected; k++) {
            const struct badge_info *b = &badges[selected[k]];
            char *name = xasprintf("%s.png", b->attendee_id);
            char *path = path_join(out_dir, name);
            bool ok = badge_write_png(b, path);
            free(path);
            free(name);
            if (!ok)
                goto out;
            n_png++;
        }
    }
    const char *sheet = n_only > 0 ? REPRINT_NAME : SHEET_NAME;
    if (formats & FORMAT_PDF) {
        struct badge_info *list = xcalloc(n_selected, sizeof *list);
        for (size_t k = 0; k < n_selected; k++)
            list[k] = badges[selected[k]];
        char *path = path_join(out_dir, sheet);
        bool ok = badge_write_pdf(list, n_selected, path);
        free(path);
        free(list);
        if (!ok)
            goto out;
    }
    if (formats & FORMAT_CSV) {
        char *path = path_join(out_dir, TOKENS_NAME);
        bool ok = badge_write_tokens_csv(badges, ev->n_attendees, path);
        free(path);
        if (!ok)
            goto out;
    }

    printf("portier badges: %zu badge%s for '%s' in %s\n", n_selected, n_selected == 1 ? "" : "s",
           ev->name, out_dir);
    if (formats & FORMAT_PNG)
        printf("  %zu PNG file%s (<attendee id>.png)\n", n_png, n_png == 1 ? "" : "s");
    if (formats & FORMAT_PDF)
        printf("  %s: %zu page%s of A4 with crop marks\n", sheet,
               (n_selected + BADGE_PER_PAGE - 1) / BADGE_PER_PAGE,
               n_selected > BADGE_PER_PAGE ? "s" : "");
    if (formats & FORMAT_CSV)
        printf("  %s: %zu tokens (keep it private: each token is a badge)\n", TOKENS_NAME,
               ev->n_attendees);
    rc = CLI_OK;
out:
    sodium_memzero(sk, sizeof sk);
    free(selected);
    free(badges);
    free(tokens);
    free(db_path);
    event_destroy(ev);
    free(only);
    badge_release_fonts();
    return rc;
}
