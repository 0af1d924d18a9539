/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN_DEFAULT "default"
#define ORIGIN_ARGS    "command line"

void config_init(struct config *cfg, const struct config_option *options, size_t n)
{
    cfg->options = options;
    cfg->n_options = n;
    cfg->ignore_unknown_keys = false;
    cfg->values = xcalloc(n, sizeof *cfg->values);
    cfg->origins = xcalloc(n, sizeof *cfg->origins);
    cfg->lists = xcalloc(n, sizeof *cfg->lists);
    for (size_t i = 0; i < n; i++) {
        if (options[i].default_value != NULL)
            cfg->values[i] = xstrdup(options[i].default_value);
        cfg->origins[i] = xstrdup(ORIGIN_DEFAULT);
    }
}

void config_finish(struct config *cfg)
{
    for (size_t i = 0; i < cfg->n_options; i++) {
        free(cfg->values[i]);
        free(cfg->origins[i]);
        for (size_t k = 0; k < cfg->lists[i].n; k++)
            free(cfg->lists[i].items[k]);
        free(cfg->lists[i].items);
    }
    free(cfg->values);
    free(cfg->origins);
    free(cfg->lists);
    cfg->values = cfg->origins = NULL;
    cfg->lists = NULL;
    cfg->n_options = 0;
}

static long find(const struct config *cfg, const char *name, size_t len)
{
    for (size_t i = 0; i < cfg->n_options; i++) {
        if (strlen(cfg->options[i].name) == len && memcmp(cfg->options[i].name, name, len) == 0)
            return (long)i;
    }
    return -1;
}

static long find_or_abort(const struct config *cfg, const char *name)
{
    long i = find(cfg, name, strlen(name));
    if (i < 0) {
        fprintf(stderr, "portier: internal error: no option '%s'\n", name);
        abort();
    }
    return i;
}

/* Parses a boolean word; returns -1 when it is none. */
static int parse_bool(const char *s)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

static bool choice_ok(const char *choices, const char *value)
{
    size_t n = strlen(value);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && memcmp(p, value, n) == 0)
            return true;
        if (bar == NULL)
            break;
        p = bar + 1;
    }
    return false;
}

/* Checks value against the option's type and range; appends why it is wrong to why. */
static bool value_ok(const struct config_option *opt, const char *value, struct strbuf *why)
{
    char *end;
    errno = 0;
    switch (opt->type) {
    case CONFIG_STRING:
        return true;
    case CONFIG_INT: {
        long v = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || errno != 0) {
            strbuf_printf(why, "'%s' is not a whole number", value);
            return false;
        }
        if (v < opt->min || v > opt->max) {
            strbuf_printf(why, "%ld is out of range (%ld to %ld)", v, opt->min, opt->max);
            return false;
        }
        return true;
    }
    case CONFIG_NUMBER: {
        double v = strtod(value, &end);
        if (*value == '\0' || *end != '\0' || errno != 0 || !isfinite(v)) {
            strbuf_printf(why, "'%s' is not a number", value);
            return false;
        }
        if (v < (double)opt->min || v > (double)opt->max) {
            strbuf_printf(why, "%s is out of range (%ld to %ld)", value, opt->min, opt->max);
            return false;
        }
        return true;
    }
    case CONFIG_BOOL:
        if (parse_bool(value) < 0) {
            strbuf_printf(why, "'%s' is not true or false", value);
            return false;
        }
        return true;
    case CONFIG_CHOICE:
        if (!choice_ok(opt->choices, value)) {
            strbuf_printf(why, "'%s' is not one of %s", value, opt->choices);
            return false;
        }
        return true;
    }
    return false;
}

/* Stores a checked value of option i (and adds it to the list of a repeatable one). */
static void store(struct config *cfg, size_t i, const char *value, const char *origin)
{
    free(cfg->values[i]);
    free(cfg->origins[i]);
    cfg->values[i] = xstrdup(value);
    cfg->origins[i] = xstrdup(origin);
    if (cfg->options[i].flags & CONFIG_REPEATABLE) {
        struct config_list *l = &cfg->lists[i];
        l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
        l->items[l->n++] = xstrdup(value);
    }
}

bool config_set(struct config *cfg, const char *name, const char *value, const char *origin,
                struct strbuf *errors)
{
    long i = find(cfg, name, strlen(name));
    if (i < 0) {
        strbuf_printf(errors, "%s: unknown option '%s'\n", origin, name);
        return false;
    }
    struct strbuf why = {0};
    bool ok = value_ok(&cfg->options[i], value, &why);
    if (ok)
        store(cfg, (size_t)i, value, origin);
    else
        strbuf_printf(errors, "%s: option '%s': %s\n", origin, name, why.data);
    strbuf_finish(&why);
    return ok;
}

/* Trims ASCII white space from both ends of [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
    while (*len > 0 && isspace((unsigned char)**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

/* Cuts the next line off the text at *p (up to end), trimmed into *line and *n; advances *p. */
static void next_line(const char **p, const char *end, const char **line, size_t *n)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    *line = *p;
    *n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    *p = nl ? nl + 1 : end;
    trim(line, n);
}

/* Where a comment starts in an unquoted value: a '#' or ';' at its start or after a blank.
 * Returns NULL when there is none. */
static const char *inline_comment(const char *value, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((value[i] == '#' || value[i] == ';') &&
            (i == 0 || isspace((unsigned char)value[i - 1])))
            return value + i;
    }
    return NULL;
}

/* What reading one INI section needs from line to line. */
struct ini_reader {
    struct config *cfg;
    const char *section, *filename;
    struct strbuf *errors;
    size_t lineno;
    size_t *first_line; /* per option: the line that set it in the section, 0 when none */
};

/* Applies one "key = value" line of the section; eq points at its '='. */
static bool ini_key_line(struct ini_reader *r, const char *line, size_t n, const char *eq)
{
    const char *key = line, *value = eq + 1;
    size_t key_len = (size_t)(eq - line), value_len = n - key_len - 1;
    trim(&key, &key_len);
    trim(&value, &value_len);
    const char *comment = NULL;
    if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"') {
        value++;
        value_len -= 2;
    } else {
        comment = inline_comment(value, value_len);
    }
    if (comment != NULL) {
        strbuf_printf(r->errors,
                      "%s:%zu: a comment after the value ('%.*s'): put comments on a line of "
                      "their own, or quote the value if the '%c' belongs to it\n",
                      r->filename, r->lineno, (int)(value + value_len - comment), comment,
                      *comment);
        return false;
    }
    long i = find(r->cfg, key, key_len);
    if (i < 0 && r->cfg->ignore_unknown_keys)
        return true;
    if (i < 0) {
        strbuf_printf(r->errors, "%s:%zu: unknown key '%.*s' in [%s]\n", r->filename, r->lineno,
                      (int)key_len, key, r->section);
        return false;
    }
    if (r->first_line[i] != 0 && !(r->cfg->options[i].flags & CONFIG_REPEATABLE)) {
        strbuf_printf(r->errors,
                      "%s:%zu: '%s' is set twice in [%s] (also on line %zu): keep one of the "
                      "two lines\n",
                      r->filename, r->lineno, r->cfg->options[i].name, r->section,
                      r->first_line[i]);
        return false;
    }
    r->first_line[i] = r->lineno;
    char *v = xstrndup(value, value_len);
    char *origin = xasprintf("%s:%zu", r->filename, r->lineno);
    bool ok = config_set(r->cfg, r->cfg->options[i].name, v, origin, r->errors);
    free(v);
    free(origin);
    return ok;
}

bool config_parse_ini(struct config *cfg, const char *text, size_t len, const char *section,
                      const char *filename, struct strbuf *errors)
{
    struct ini_reader r = {cfg, section, filename, errors, 0, NULL};
    r.first_line = xcalloc(cfg->n_options, sizeof *r.first_line);
    bool ok = true;
    bool in_section = false;
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *line;
        size_t n;
        next_line(&p, end, &line, &n);
        r.lineno++;
        if (n == 0 || line[0] == '#' || line[0] == ';')
            continue;
        if (memchr(line, '\0', n) != NULL || !utf8_valid(line, n, NULL)) {
            strbuf_printf(errors, "%s:%zu: not valid UTF-8 text\n", filename, r.lineno);
            ok = false;
            continue;
        }
        if (line[0] == '[') {
            if (line[n - 1] != ']') {
                strbuf_printf(errors, "%s:%zu: a section header must end with ']'\n", filename,
                              r.lineno);
                ok = false;
                in_section = false;
                continue;
            }
            const char *name = line + 1;
            size_t name_len = n - 2;
            trim(&name, &name_len);
            in_section = strlen(section) == name_len && memcmp(name, section, name_len) == 0;
            continue;
        }
        const char *eq = memchr(line, '=', n);
        if (eq == NULL) {
            strbuf_printf(errors, "%s:%zu: expected 'key = value'\n", filename, r.lineno);
            ok = false;
        } else if (in_section && !ini_key_line(&r, line, n, eq)) {
            ok = false;
        }
    }
    free(r.first_line);
    return ok;
}

/* Applies one "--name[=value]" argument; *i moves past a value taken from the next one. */
static bool parse_long_option(struct config *cfg, int argc, char **argv, int *i,
                              struct strbuf *errors)
{
    const char *name = argv[*i] + 2;
    const char *eq = strchr(name, '=');
    size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
    long idx = find(cfg, name, name_len);
    if (idx < 0) {
        strbuf_printf(errors, "unknown option '--%.*s'\n", (int)name_len, name);
        return false;
    }
    const struct config_option *opt = &cfg->options[idx];
    const char *value;
    if (eq != NULL) {
        value = eq + 1;
    } else if (opt->type == CONFIG_BOOL) {
        value = "true";
    } else if (*i + 1 >= argc) {
        strbuf_printf(errors, "option '--%s' needs a value\n", opt->name);
        return false;
    } else {
        value = argv[++*i];
    }
    struct strbuf why = {0};
    bool ok = value_ok(opt, value, &why);
    if (ok)
        store(cfg, (size_t)idx, value, ORIGIN_ARGS);
    else
        strbuf_printf(errors, "option '--%s': %s\n", opt->name, why.data);
    strbuf_finish(&why);
    return ok;
}

bool config_parse_args(struct config *cfg, int argc, char **argv, int *n_positional,
                       struct strbuf *errors)
{
    bool ok = true;
    char **positional = xcalloc((size_t)argc + 1, sizeof *positional);
    int np = 0;
    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            positional[np++] = argv[i];
        } else if (arg[1] != '-') {
            strbuf_printf(errors, "unknown option '%s'\n", arg);
            ok = false;
        } else {
            ok = parse_long_option(cfg, argc, argv, &i, errors) && ok;
        }
    }
    for (; i < argc; i++)
        positional[np++] = argv[i];
    for (int k = 0; k < np; k++)
        argv[1 + k] = positional[k];
    free(positional);
    *n_positional = np;
    return ok;
}

bool config_check_required(const struct config *cfg, struct strbuf *errors)
{
    bool ok = true;
    for (size_t i = 0; i < cfg->n_options; i++) {
        const struct config_option *o = &cfg->options[i];
        if (!(o->flags & CONFIG_REQUIRED))
            continue;
        if (cfg->values[i] == NULL) {
            strbuf_printf(errors, "missing --%s%s%s\n", o->name, o->metavar ? " " : "",
                          o->metavar ? o->metavar : "");
            ok = false;
        } else if (cfg->values[i][0] == '\0') {
            strbuf_printf(errors, "--%s must not be empty\n", o->name);
            ok = false;
        }
    }
    return ok;
}

const char *config_get(const struct config *cfg, const char *name)
{
    return cfg->values[find_or_abort(cfg, name)];
}

long config_get_int(const struct config *cfg, const char *name)
{
    const char *v = config_get(cfg, name);
    return v ? strtol(v, NULL, 10) : 0;
}

double config_get_number(const struct config *cfg, const char *name)
{
    const char *v = config_get(cfg, name);
    return v ? strtod(v, NULL) : 0;
}

bool config_get_bool(const struct config *cfg, const char *name)
{
    const char *v = config_get(cfg, name);
    return v != NULL && parse_bool(v) == 1;
}

const char *const *config_get_list(const struct config *cfg, const char *name, size_t *n)
{
    const struct config_list *l = &cfg->lists[find_or_abort(cfg, name)];
    *n = l->n;
    return (const char *const *)l->items;
}

const char *config_origin(const struct config *cfg, const char *name)
{
    return cfg->origins[find_or_abort(cfg, name)];
}

bool config_is_set(const struct config *cfg, const char *name)
{
    return strcmp(config_origin(cfg, name), ORIGIN_DEFAULT) != 0;
}

/* The widest option heading of --help; longer ones push their text to the right. */
#define HELP_HEAD_MAX 34

/* Appends the heading of an option's --help line, e.g. "  --only ID ...". */
static void help_head(const struct config_option *o, struct strbuf *out)
{
    strbuf_printf(out, "  --%s", o->name);
    if (o->type == CONFIG_CHOICE)
        strbuf_printf(out, " %s", o->choices);
    else if (o->type != CONFIG_BOOL)
        strbuf_printf(out, " %s", o->metavar ? o->metavar : "VALUE");
    if (o->flags & CONFIG_REPEATABLE)
        strbuf_puts(out, " ...");
}

void config_help(const struct config_option *options, size_t n, struct strbuf *out)
{
    /* The texts start in one column: two blanks after the widest heading, or at most
     * HELP_HEAD_MAX + 1 columns in. */
    int width = 0;
    for (size_t i = 0; i < n; i++) {
        struct strbuf head = {0};
        help_head(&options[i], &head);
        if (!(options[i].flags & CONFIG_HIDDEN) && (int)head.len + 1 > width)
            width = head.len + 1 > HELP_HEAD_MAX ? HELP_HEAD_MAX : (int)head.len + 1;
        strbuf_finish(&head);
    }
    for (size_t i = 0; i < n; i++) {
        const struct config_option *o = &options[i];
        if (o->flags & CONFIG_HIDDEN)
            continue;
        struct strbuf head = {0};
        help_head(o, &head);
        strbuf_printf(out, "%-*s ", width, head.data);
        for (const char *p = o->help; *p != '\0'; p++) {
            strbuf_putc(out, *p);
            if (*p == '\n')
                strbuf_printf(out, "%*s", width + 1, "");
        }
        if (o->flags & CONFIG_REQUIRED)
            strbuf_puts(out, " (required)");
        if (o->default_value != NULL && o->type != CONFIG_BOOL)
            strbuf_printf(out, " (default: %s)", o->default_value);
        strbuf_putc(out, '\n');
        strbuf_finish(&head);
    }
}

char *config_env_value(const char *text, size_t len, const char *var)
{
    char *value = NULL;
    size_t var_len = strlen(var);
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *line;
        size_t n;
        next_line(&p, end, &line, &n);
        if (n <= var_len || memcmp(line, var, var_len) != 0 || line[var_len] != '=')
            continue;
        const char *v = line + var_len + 1;
        size_t v_len = n - var_len - 1;
        if (v_len >= 2 && (v[0] == '"' || v[0] == '\'') && v[v_len - 1] == v[0]) {
            v++;
            v_len -= 2;
        }
        free(value);
        value = xstrndup(v, v_len);
    }
    return value;
}
