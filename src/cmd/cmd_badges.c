/* SPDX-License-Identifier: Apache-2.0 */
/* portier badges: signs a token for every attendee and prints it as badges. */
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

/* One run's badges: every attendee's signed token, and which of them to print. */
struct batch {
    const struct event *ev;
    char (*tokens)[TOKEN_TEXT_LEN + 1]; /* per attendee */
    struct badge_info *badges;          /* per attendee, pointing into tokens */
    size_t *selected;                   /* indexes of the badges to print */
    size_t n_selected;
};

/* Signs every attendee's token with sk and selects those in only (everyone when n_only is 0).
 * Returns false after logging why. */
static bool batch_sign(struct batch *b, const struct event *ev, const uint8_t *sk,
                       const char *const *only, size_t n_only)
{
    b->ev = ev;
    b->tokens = xcalloc(ev->n_attendees, sizeof *b->tokens);
    b->badges = xcalloc(ev->n_attendees, sizeof *b->badges);
    b->selected = xcalloc(ev->n_attendees, sizeof *b->selected);
    for (size_t i = 0; i < ev->n_attendees; i++) {
        const struct attendee *a = &ev->attendees[i];
        struct token t = {0};
        t.event_id = ev->event_id;
        t.attendee_num = a->num;
        t.serial = a->serial;
        if (!token_encode(&t, sk, b->tokens[i])) {
            log_warnx("badges: %s: cannot sign a token (number %u, serial %u out of range)", a->id,
                      (unsigned)a->num, (unsigned)a->serial);
            return false;
        }
        fill_badge(&b->badges[i], ev, a, b->tokens[i]);
        bool wanted = n_only == 0;
        for (size_t k = 0; k < n_only && !wanted; k++)
            wanted = strcmp(only[k], a->id) == 0;
        if (wanted)
            b->selected[b->n_selected++] = i;
    }
    return true;
}

/* Frees what batch_sign made. */
static void batch_finish(struct batch *b)
{
    free(b->selected);
    free(b->badges);
    free(b->tokens);
}

/* Writes the selected badges as PNG files (counted in *n_png) and the sheet, and tokens.csv, in
 * out_dir as formats says. Returns false after logging why. */
static bool batch_write(const struct batch *b, const char *out_dir, unsigned formats,
                        const char *sheet, size_t *n_png)
{
    if (!mkdir_private(out_dir)) {
        log_warn("%s", out_dir);
        return false;
    }
    *n_png = 0;
    for (size_t k = 0; k < b->n_selected && (formats & FORMAT_PNG); k++) {
        const struct badge_info *badge = &b->badges[b->selected[k]];
        char *name = xasprintf("%s.png", badge->attendee_id);
        char *path = path_join(out_dir, name);
        bool ok = badge_write_png(badge, path);
        free(path);
        free(name);
        if (!ok)
            return false;
        (*n_png)++;
    }
    if (formats & FORMAT_PDF) {
        struct badge_info *list = xcalloc(b->n_selected, sizeof *list);
        for (size_t k = 0; k < b->n_selected; k++)
            list[k] = b->badges[b->selected[k]];
        char *path = path_join(out_dir, sheet);
        bool ok = badge_write_pdf(list, b->n_selected, path);
        free(path);
        free(list);
        if (!ok)
            return false;
    }
    if (formats & FORMAT_CSV) {
        char *path = path_join(out_dir, TOKENS_NAME);
        bool ok = badge_write_tokens_csv(b->badges, b->ev->n_attendees, path);
        free(path);
        if (!ok)
            return false;
    }
    return true;
}

/* Says what was written. */
static void batch_print(const struct batch *b, const char *out_dir, unsigned formats,
                        const char *sheet, size_t n_png)
{
    size_t n = b->n_selected;
    printf("portier badges: %zu badge%s for '%s' in %s\n", n, n == 1 ? "" : "s", b->ev->name,
           out_dir);
    if (formats & FORMAT_PNG)
        printf("  %zu PNG file%s (<attendee id>.png)\n", n_png, n_png == 1 ? "" : "s");
    if (formats & FORMAT_PDF)
        printf("  %s: %zu page%s of A4 with crop marks\n", sheet,
               (n + BADGE_PER_PAGE - 1) / BADGE_PER_PAGE, n > BADGE_PER_PAGE ? "s" : "");
    if (formats & FORMAT_CSV)
        printf("  %s: %zu tokens (keep it private: each token is a badge)\n", TOKENS_NAME,
               b->ev->n_attendees);
}

/* Loads the event of event_dir and its key pair into sk, checking that the ids in only are
 * its attendees'. Returns the event (owned) or NULL after logging why. */
static struct event *load_event(const char *event_dir, uint8_t *sk, const char *const *only,
                                size_t n_only)
{
    uint8_t pk[TOKEN_PUBLIC_KEY_LEN];
    char *db_path = path_join(event_dir, EVENT_DB_NAME);
    struct event *ev = event_load(db_path);
    free(db_path);
    if (ev == NULL || !event_read_secret_key(event_dir, sk) ||
        !event_read_public_key(event_dir, pk))
        goto fail;
    /* Refuse a key pair that does not belong together: every badge would be refused. */
    if (memcmp(sk + 32, pk, sizeof pk) != 0) {
        log_warnx("%s: %s does not match %s", event_dir, EVENT_SIGNING_KEY_NAME,
                  EVENT_VERIFY_KEY_NAME);
        goto fail;
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
        goto fail;
    if (ev->n_attendees == 0) {
        log_warnx("badges: %s has no attendees", event_dir);
        goto fail;
    }
    return ev;
fail:
    event_destroy(ev);
    return NULL;
}

/* portier badges EVENT_DIR --out DIR [--format LIST] [--only ID ...] */
static int run_badges(const struct cli_call *c)
{
    const char *event_dir = c->args[0], *out_dir = config_get(c->cfg, "out");
    size_t n_only;
    const char *const *only = config_get_list(c->cfg, "only", &n_only);
    const char *format_list = config_get(c->cfg, "format"), *bad = format_list;
    unsigned formats = parse_formats(format_list, &bad);
    if (formats == 0)
        return cli_usage_error(c->spec, "unknown format in '%s' (use png, pdf, csv)", bad);

    uint8_t sk[TOKEN_SECRET_KEY_LEN];
    struct event *ev = NULL;
    struct batch b = {0};
    const char *sheet = n_only > 0 ? REPRINT_NAME : SHEET_NAME;
    size_t n_png;
    bool ok = token_init() && (ev = load_event(event_dir, sk, only, n_only)) != NULL &&
              batch_sign(&b, ev, sk, only, n_only) &&
              batch_write(&b, out_dir, formats, sheet, &n_png);
    if (ok)
        batch_print(&b, out_dir, formats, sheet, n_png);
    sodium_memzero(sk, sizeof sk);
    batch_finish(&b);
    event_destroy(ev);
    badge_release_fonts();
    return ok ? CLI_OK : CLI_FAILURE;
}

static const struct config_option options[] = {
    {"out", CONFIG_STRING, NULL, 0, 0, NULL, "DIR", "where to write (created when missing)",
     CONFIG_REQUIRED},
    {"format", CONFIG_STRING, "png,pdf,csv", 0, 0, NULL, "LIST",
     "which of png, pdf, csv to write, comma-separated", 0},
    {"only", CONFIG_STRING, NULL, 0, 0, NULL, "ID",
     "only this attendee's badge; repeat for several. After 'portier\n"
     "revoke', this issues the replacement badge. tokens.csv always\n"
     "lists every attendee's current token.",
     CONFIG_REPEATABLE},
};

/* What bash completion offers for --format. */
static const struct cli_completion completions[] = {{"format", "png,pdf,csv png pdf csv"}};

const struct cli_spec badges_spec = {
    .name = "badges",
    .usage = "usage: portier badges EVENT_DIR --out DIR [--format png,pdf,csv] [--only ID ...]\n",
    .about = "Signs a badge token for every attendee (with EVENT_DIR/signing.key) and writes:\n"
             "  png   DIR/<attendee id>.png, one badge each (90 x 130 mm at 300 dpi)\n"
             "  pdf   DIR/" SHEET_NAME ", an A4 sheet of four badges a page with crop marks\n"
             "        (DIR/" REPRINT_NAME " with --only, so that the full sheet is kept)\n"
             "  csv   DIR/" TOKENS_NAME ": attendee_id,name,token for every attendee\n",
    .options = options,
    .n_options = ARRAY_LEN(options),
    .args = "EVENT_DIR",
    .run = run_badges,
    .completions = completions,
    .n_completions = ARRAY_LEN(completions),
};

int cmd_badges(int argc, char **argv)
{
    return cli_run(&badges_spec, argc, argv);
}
