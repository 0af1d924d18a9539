/* SPDX-License-Identifier: Apache-2.0 */
/* portier _doc: the man pages and the bash completion, written at build time from the same
 * command registry and option tables that print --help, so that they cannot drift. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "file.h"
#include "log.h"
#include "util.h"

/* Appends len bytes of text as roff text: backslashes and hyphens escaped, and a '.' or '\''
 * that would start a request made harmless. Newlines are kept (each starts a line). */
static void man_text(struct strbuf *out, const char *text, size_t len)
{
    bool line_start = out->len == 0 || out->data[out->len - 1] == '\n';
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (line_start && (c == '.' || c == '\''))
            strbuf_puts(out, "\\&");
        if (c == '\\')
            strbuf_puts(out, "\\e");
        else if (c == '-')
            strbuf_puts(out, "\\-");
        else
            strbuf_putc(out, c);
        line_start = c == '\n';
    }
}

static void man_puts(struct strbuf *out, const char *text)
{
    man_text(out, text, strlen(text));
}

/* Appends a --help text: lines starting with a blank (tables, lists) are kept as they are
 * (.nf), the others are filled as prose. */
static void man_paragraphs(struct strbuf *out, const char *text)
{
    bool nofill = false;
    for (const char *line = text; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        bool indented = line[0] == ' ';
        if (indented != nofill)
            strbuf_puts(out, indented ? ".nf\n" : ".fi\n");
        nofill = indented;
        if (len == 0)
            strbuf_puts(out, ".PP");
        man_text(out, line, len);
        strbuf_putc(out, '\n');
        line += len + (line[len] == '\n');
    }
    if (nofill)
        strbuf_puts(out, ".fi\n");
}

/* Appends a help text on one line (its '\n's become blanks). */
static void man_joined(struct strbuf *out, const char *text)
{
    for (const char *p = text; *p != '\0';) {
        size_t len = strcspn(p, "\n");
        man_text(out, p, len);
        p += len;
        if (*p == '\n' && *++p != '\0')
            strbuf_putc(out, ' ');
    }
}

/* The value an option takes, as --help shows it ("entry|exit|...", "FILE"); NULL: a flag. */
static const char *option_value(const struct config_option *o)
{
    if (o->type == CONFIG_CHOICE)
        return o->choices;
    if (o->type == CONFIG_BOOL)
        return NULL;
    return o->metavar != NULL ? o->metavar : "VALUE";
}

/* Appends one .TP entry per option that --help shows: "--name VALUE" (or "name VALUE" for an
 * INI key when prefix is ""), then its help, "(required)" and its default as --help says. */
static void man_options(struct strbuf *out, const struct config_option *options, size_t n,
                        const char *prefix)
{
    for (size_t i = 0; i < n; i++) {
        const struct config_option *o = &options[i];
        if (o->flags & CONFIG_HIDDEN)
            continue;
        strbuf_puts(out, ".TP\n\\fB");
        man_puts(out, prefix);
        man_puts(out, o->name);
        strbuf_puts(out, "\\fR");
        const char *value = option_value(o);
        if (value == NULL && *prefix == '\0')
            value = "true|false";
        if (value != NULL) {
            strbuf_puts(out, " \\fI");
            man_puts(out, value);
            strbuf_puts(out, "\\fR");
        }
        if (o->flags & CONFIG_REPEATABLE)
            strbuf_puts(out, " .\\|.\\|.");
        strbuf_putc(out, '\n');
        man_joined(out, o->help);
        if (o->flags & CONFIG_REQUIRED)
            strbuf_puts(out, " (required)");
        if (o->default_value != NULL && o->type != CONFIG_BOOL) {
            strbuf_puts(out, " (default: ");
            man_puts(out, o->default_value);
            strbuf_putc(out, ')');
        }
        strbuf_putc(out, '\n');
    }
}

/* The .TH line's date: SOURCE_DATE_EPOCH's (reproducible builds), else none. */
static void man_date(char *date, size_t size)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    char *end;
    time_t t = epoch != NULL ? (time_t)strtoll(epoch, &end, 10) : 0;
    struct tm tm;
    date[0] = '\0';
    if (epoch != NULL && *epoch != '\0' && *end == '\0' && gmtime_r(&t, &tm) != NULL)
        strftime(date, size, "%Y-%m-%d", &tm);
}

/* Appends the usage lines without their "usage: " and the indentation that lines them up. */
static void man_synopsis(struct strbuf *out, const char *usage)
{
    strbuf_puts(out, ".SH SYNOPSIS\n.nf\n");
    for (const char *line = usage; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        size_t skip = strncmp(line, "usage: ", 7) == 0 ? 7 : strspn(line, " ") < 7 ? 0 : 7;
        man_text(out, line + skip, len - skip);
        strbuf_putc(out, '\n');
        line += len + (line[len] == '\n');
    }
    strbuf_puts(out, ".fi\n");
}

/* Writes text to dir/manN/name, creating manN; false after logging why. */
static bool write_page(const char *dir, int section, const char *name, const struct strbuf *text)
{
    char sub[16];
    snprintf(sub, sizeof sub, "man%d", section);
    char *subdir = path_join(dir, sub);
    char *path = path_join(subdir, name);
    bool ok = mkdir_p(subdir) && file_write_atomic(path, text->data, text->len, 0644);
    if (!ok)
        log_warn("_doc: %s", path);
    free(path);
    free(subdir);
    return ok;
}

/* Appends the file templates/name as it is, when there is one (a command's extra prose). */
static void append_prose(struct strbuf *out, const char *templates, const char *name)
{
    char *path = path_join(templates, name);
    size_t len;
    char *text = path_exists(path) ? file_read_all(path, &len) : NULL;
    if (text != NULL)
        strbuf_append(out, text, len);
    free(text);
    free(path);
}

/* portier-NAME.N: NAME, SYNOPSIS, DESCRIPTION (about, then templates/portier-NAME.man),
 * OPTIONS, COMMANDS (sub-subcommands), NOTES, EXIT STATUS, SEE ALSO. */
static bool write_command_page(const struct command *c, const char *dir, const char *templates,
                               const char *date)
{
    const struct cli_spec *spec = c->spec;
    struct strbuf out = {0};
    char upper[64];
    snprintf(upper, sizeof upper, "PORTIER-%s", c->name);
    for (char *p = upper; *p != '\0'; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    strbuf_printf(&out,
                  ".\\\" Generated by 'portier _doc man' from src/cmd/ and man/; do not edit.\n");
    strbuf_printf(&out, ".TH %s %d \"%s\" \"portier %s\" \"Portier Manual\"\n", upper,
                  c->man_section, date, PORTIER_VERSION);
    strbuf_printf(&out, ".SH NAME\nportier\\-%s \\- ", c->name);
    man_puts(&out, c->summary);
    strbuf_putc(&out, '\n');
    man_synopsis(&out, spec->usage);
    strbuf_puts(&out, ".SH DESCRIPTION\n");
    man_paragraphs(&out, spec->about);
    char prose[96];
    snprintf(prose, sizeof prose, "portier-%s.man", c->name);
    append_prose(&out, templates, prose);
    strbuf_puts(&out, ".SH OPTIONS\n");
    if (spec->n_subcommands == 0) /* else each sub-subcommand lists its own below */
        man_options(&out, spec->options, spec->n_options, "--");
    strbuf_puts(&out, ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint the usage and the options, "
                      "and exit.\n");
    if (spec->n_subcommands > 0)
        strbuf_puts(&out, ".SH COMMANDS\n");
    for (size_t i = 0; i < spec->n_subcommands; i++) {
        const struct cli_spec *sub = &spec->subcommands[i];
        strbuf_printf(&out, ".SS \"portier %s %s", spec->name, sub->name);
        if (sub->args != NULL)
            strbuf_printf(&out, " %s", sub->args);
        strbuf_puts(&out, "\"\n");
        man_paragraphs(&out, sub->about);
        if (sub->n_options > 0)
            strbuf_puts(&out, ".PP\nOptions:\n");
        man_options(&out, sub->options, sub->n_options, "--");
    }
    if (spec->notes != NULL) {
        strbuf_puts(&out, ".SH NOTES\n");
        man_paragraphs(&out, spec->notes);
    }
    strbuf_puts(&out, ".SH EXIT STATUS\n0 on success, 1 on a runtime failure, 2 on a usage or "
                      "configuration error.\n.SH SEE ALSO\n.BR portier (1)");
    if (spec->ini_section != NULL)
        strbuf_printf(&out, ",\n.BR portier\\-%s.conf (5)", spec->ini_section);
    strbuf_putc(&out, '\n');
    char name[96];
    snprintf(name, sizeof name, "portier-%s.%d", c->name, c->man_section);
    bool ok = write_page(dir, c->man_section, name, &out);
    strbuf_finish(&out);
    return ok;
}

/* Appends a template line: "@COMMANDS@" becomes the list of commands, "@KEYS name@" the
 * options of command name as INI keys (but --config); "@VERSION@" and "@DATE@" are replaced.
 * False (after logging the template's file:line) on a directive that names no command. */
static bool expand_line(struct strbuf *out, const char *line, size_t len, const char *where,
                        const char *date)
{
    if (len == 10 && memcmp(line, "@COMMANDS@", 10) == 0) {
        for (size_t i = 0; i < n_commands; i++) {
            strbuf_printf(out, ".TP\n.BR portier\\-%s (%d)\n", commands[i].name,
                          commands[i].man_section);
            man_puts(out, commands[i].summary);
            strbuf_puts(out, ".\n");
        }
        return true;
    }
    if (len > 7 && memcmp(line, "@KEYS ", 6) == 0 && line[len - 1] == '@') {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len - 7), line + 6);
        const struct command *c = command_find(name);
        if (c == NULL) {
            log_warnx("_doc: %s: no command '%s' (in @KEYS %s@); see src/cmd/commands.c", where,
                      name, name);
            return false;
        }
        for (size_t i = 0; i < c->spec->n_options; i++) {
            if (strcmp(c->spec->options[i].name, "config") != 0)
                man_options(out, &c->spec->options[i], 1, "");
        }
        return true;
    }
    for (size_t i = 0; i < len; i++) {
        if (len - i >= 9 && memcmp(line + i, "@VERSION@", 9) == 0) {
            strbuf_puts(out, PORTIER_VERSION);
            i += 8;
        } else if (len - i >= 6 && memcmp(line + i, "@DATE@", 6) == 0) {
            strbuf_puts(out, date);
            i += 5;
        } else {
            strbuf_putc(out, line[i]);
        }
    }
    strbuf_putc(out, '\n');
    return true;
}

/* Writes dir/manN/page from templates/page.in. */
static bool write_template_page(const char *page, int section, const char *dir,
                                const char *templates, const char *date)
{
    char name[96];
    snprintf(name, sizeof name, "%s.in", page);
    char *path = path_join(templates, name);
    size_t len;
    char *text = file_read_all(path, &len);
    if (text == NULL) {
        log_warn("_doc: %s", path);
        free(path);
        return false;
    }
    struct strbuf out = {0};
    bool ok = true;
    int line_no = 1;
    for (const char *line = text; ok && line < text + len; line_no++) {
        size_t n = strcspn(line, "\n");
        char where[512];
        snprintf(where, sizeof where, "%s:%d", path, line_no);
        ok = expand_line(&out, line, n, where, date);
        line += n + (line[n] == '\n');
    }
    ok = ok && write_page(dir, section, page, &out);
    strbuf_finish(&out);
    free(text);
    free(path);
    return ok;
}

static const char doc_usage[] = "usage: portier _doc man OUT_DIR TEMPLATE_DIR\n"
                                "       portier _doc bash-completion\n";

int cmd_doc(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "bash-completion") == 0) {
        doc_bash_completion(stdout);
        return fflush(stdout) == 0 ? CLI_OK : CLI_FAILURE;
    }
    if (argc != 4 || strcmp(argv[1], "man") != 0) {
        fprintf(stderr, "%s", doc_usage);
        return CLI_USAGE;
    }
    const char *dir = argv[2], *templates = argv[3];
    char date[32];
    man_date(date, sizeof date);
    bool ok = write_template_page("portier.1", 1, dir, templates, date) &&
              write_template_page("portier-kiosk.conf.5", 5, dir, templates, date);
    for (size_t i = 0; ok && i < n_commands; i++)
        ok = write_command_page(&commands[i], dir, templates, date);
    return ok ? CLI_OK : CLI_FAILURE;
}
