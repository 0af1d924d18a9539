#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_init(struct config *cfg, const struct config_option *options, size_t n)
{
    cfg->options = options;
    cfg->n_options = n;
    cfg->values = xcalloc(n, sizeof *cfg->values);
    cfg->origins = xcalloc(n, sizeof *cfg->origins);
    for (size_t i = 0; i < n; i++) {
        if (options[i].default_value != NULL)
            cfg->values[i] = xstrdup(options[i].default_value);
        cfg->origins[i] = xstrdup("default");
    }
}

void config_finish(struct config *cfg)
{
    for (size_t i = 0; i < cfg->n_options; i++) {
        free(cfg->values[i]);
        free(cfg->origins[i]);
    }
    free(cfg->values);
    free(cfg->origins);
    cfg->values = cfg->origins = NULL;
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

bool config_set(struct config *cfg, const char *name, const char *value, const char *origin,
                struct strbuf *errors)
{
    long i = find(cfg, name, strlen(name));
    if (i < 0) {
        strbuf_printf(errors, "%s: unknown option '%s'\n", origin, name);
        return false;
    }
    const struct config_option *opt = &cfg->options[i];
    switch (opt->type) {
    case CONFIG_STRING:
        break;
    case CONFIG_INT: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || errno != 0) {
            strbuf_printf(errors, "%s: option '%s': '%s' is not a whole number\n", origin, name,
                          value);
            return false;
        }
        if (v < opt->min || v > opt->max) {
            strbuf_printf(errors, "%s: option '%s': %ld is out of range (%ld to %ld)\n", origin,
                          name, v, opt->min, opt->max);
            return false;
        }
        break;
    }
    case CONFIG_BOOL:
        if (parse_bool(value) < 0) {
            strbuf_printf(errors, "%s: option '%s': '%s' is not true or false\n", origin, name,
                          value);
            return false;
        }
        break;
    case CONFIG_CHOICE:
        if (!choice_ok(opt->choices, value)) {
            strbuf_printf(errors, "%s: option '%s': '%s' is not one of %s\n", origin, name, value,
                          opt->choices);
            return false;
        }
        break;
    }
    free(cfg->values[i]);
    free(cfg->origins[i]);
    cfg->values[i] = xstrdup(value);
    cfg->origins[i] = xstrdup(origin);
    return true;
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

bool config_parse_ini(struct config *cfg, const char *text, size_t len, const char *section,
                      const char *filename, struct strbuf *errors)
{
    bool ok = true;
    bool in_section = false;
    size_t lineno = 0;
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line = p;
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        p = nl ? nl + 1 : end;
        lineno++;
        trim(&line, &n);
        if (n == 0 || line[0] == '#' || line[0] == ';')
            continue;
        if (memchr(line, '\0', n) != NULL || !utf8_valid(line, n, NULL)) {
            strbuf_printf(errors, "%s:%zu: not valid UTF-8 text\n", filename, lineno);
            ok = false;
            continue;
        }
        if (line[0] == '[') {
            if (line[n - 1] != ']') {
                strbuf_printf(errors, "%s:%zu: a section header must end with ']'\n", filename,
                              lineno);
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
            strbuf_printf(errors, "%s:%zu: expected 'key = value'\n", filename, lineno);
            ok = false;
            continue;
        }
        if (!in_section)
            continue;
        const char *key = line;
        size_t key_len = (size_t)(eq - line);
        const char *value = eq + 1;
        size_t value_len = n - key_len - 1;
        trim(&key, &key_len);
        trim(&value, &value_len);
        if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"') {
            value++;
            value_len -= 2;
        }
        char *k = xstrndup(key, key_len);
        char *v = xstrndup(value, value_len);
        char *origin = xasprintf("%s:%zu", filename, lineno);
        if (find(cfg, k, key_len) < 0) {
            strbuf_printf(errors, "%s: unknown key '%s' in [%s]\n", origin, k, section);
            ok = false;
        } else if (!config_set(cfg, k, v, origin, errors)) {
            ok = false;
        }
        free(k);
        free(v);
        free(origin);
    }
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
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            positional[np++] = argv[i];
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
        long idx = find(cfg, name, name_len);
        char *key = xstrndup(name, name_len);
        if (idx < 0) {
            strbuf_printf(errors, "unknown option '--%s'\n", key);
            ok = false;
        } else if (eq != NULL) {
            ok = config_set(cfg, key, eq + 1, "command line", errors) && ok;
        } else if (cfg->options[idx].type == CONFIG_BOOL) {
            ok = config_set(cfg, key, "true", "command line", errors) && ok;
        } else if (i + 1 >= argc) {
            strbuf_printf(errors, "option '--%s' needs a value\n", key);
            ok = false;
        } else {
            ok = config_set(cfg, key, argv[++i], "command line", errors) && ok;
        }
        free(key);
    }
    for (; i < argc; i++)
        positional[np++] = argv[i];
    for (int k = 0; k < np; k++)
        argv[1 + k] = positional[k];
    free(positional);
    *n_positional = np;
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

bool config_get_bool(const struct config *cfg, const char *name)
{
    const char *v = config_get(cfg, name);
    return v != NULL && parse_bool(v) == 1;
}

const char *config_origin(const struct config *cfg, const char *name)
{
    return cfg->origins[find_or_abort(cfg, name)];
}

void config_help(const struct config_option *options, size_t n, struct strbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        const struct config_option *o = &options[i];
        struct strbuf head = {0};
        strbuf_printf(&head, "  --%s", o->name);
        if (o->type == CONFIG_CHOICE)
            strbuf_printf(&head, " %s", o->choices);
        else if (o->type != CONFIG_BOOL)
            strbuf_printf(&head, " %s", o->metavar ? o->metavar : "VALUE");
        strbuf_printf(out, "%-34s %s", head.data, o->help);
        if (o->default_value != NULL && o->type != CONFIG_BOOL)
            strbuf_printf(out, " (default: %s)", o->default_value);
        strbuf_putc(out, '\n');
        strbuf_finish(&head);
    }
}
