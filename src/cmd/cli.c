/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "log.h"

/* Prints each line of errors as "portier: <name>: <line>", then the usage; returns CLI_USAGE. */
static int usage_errors(const struct cli_spec *spec, const char *errors)
{
    for (const char *line = errors; *line != '\0';) {
        const char *nl = strchr(line, '\n');
        int len = nl ? (int)(nl - line) : (int)strlen(line);
        fprintf(stderr, "portier: %s: %.*s\n", spec->name, len, line);
        line += len + (nl != NULL);
    }
    fprintf(stderr, "%s", spec->usage);
    fprintf(stderr, "Run 'portier %s --help' for details.\n", spec->name);
    return CLI_USAGE;
}

int cli_usage_error(const struct cli_spec *spec, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return usage_errors(spec, message);
}

int cli_help(const struct cli_spec *spec)
{
    struct strbuf sb = {0};
    strbuf_printf(&sb, "%s\n%s", spec->usage, spec->about);
    struct strbuf options = {0};
    config_help(spec->options, spec->n_options, &options);
    if (options.len > 0)
        strbuf_printf(&sb, "\noptions:\n%s", options.data);
    if (spec->notes != NULL)
        strbuf_printf(&sb, "\n%s", spec->notes);
    fputs(sb.data, stdout);
    strbuf_finish(&options);
    strbuf_finish(&sb);
    return CLI_OK;
}

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

/* Finds --config FILE (or --config=FILE) before the full parse, so the file is applied first. */
static const char *find_config_arg(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return NULL;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], "--config=", 9) == 0)
            return argv[i] + 9;
    }
    return NULL;
}

/* Applies the [ini_section] of the --config file, when one is given, to cfg. Returns CLI_OK,
 * CLI_USAGE after printing what is wrong with the file (so that systemd, told by
 * RestartPreventExitStatus=2, does not restart a kiosk until it is fixed), or CLI_FAILURE when
 * it cannot be read. */
static int read_config_file(const struct cli_spec *spec, struct config *cfg, int argc, char **argv)
{
    const char *path = find_config_arg(argc, argv);
    if (path == NULL)
        return CLI_OK;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t len = strlen(path);
        log_warnx("%s: %s: is a directory; --config takes the file itself (e.g. %.*s/%s.conf)",
                  spec->name, path, (int)(len > 1 && path[len - 1] == '/' ? len - 1 : len), path,
                  spec->ini_section);
        return CLI_USAGE;
    }
    size_t len;
    char *text = file_read_all(path, &len);
    if (text == NULL) {
        log_warn("%s: %s", spec->name, path);
        return CLI_FAILURE;
    }
    struct strbuf errors = {0};
    bool ok = config_parse_ini(cfg, text, len, spec->ini_section, path, &errors);
    free(text);
    if (!ok) {
        fprintf(stderr, "%s", errors.data);
        log_warnx("%s: %s has errors; fix them and start again", spec->name, path);
    }
    strbuf_finish(&errors);
    return ok ? CLI_OK : CLI_USAGE;
}

/* Appends what is wrong with the number of positional arguments to errors: too few of those
 * spec->args names without brackets, or more than it names. */
static void check_args(const struct cli_spec *spec, char **args, int n, struct strbuf *errors)
{
    struct strbuf missing = {0};
    int n_names = 0, n_required = 0;
    for (const char *p = spec->args; p != NULL && *p != '\0';) {
        size_t len = strcspn(p, " ");
        if (*p != '[' && n_required++ >= n)
            strbuf_printf(&missing, "%s%.*s", missing.len > 0 ? " and " : "", (int)len, p);
        n_names++;
        p += len + (p[len] == ' ');
    }
    if (missing.len > 0)
        strbuf_printf(errors, "missing %s\n", missing.data);
    else if (n > n_names)
        strbuf_printf(errors, "unexpected argument '%s'\n", args[n_names]);
    strbuf_finish(&missing);
}

int cli_run(const struct cli_spec *spec, int argc, char **argv)
{
    if (cli_wants_help(argc, argv))
        return cli_help(spec);
    struct config cfg;
    struct strbuf errors = {0};
    int rc = CLI_FAILURE, n_args = 0;
    config_init(&cfg, spec->options, spec->n_options);
    if (spec->ini_section != NULL && (rc = read_config_file(spec, &cfg, argc, argv)) != CLI_OK)
        goto end;
    rc = CLI_FAILURE;
    if (config_parse_args(&cfg, argc, argv, &n_args, &errors)) {
        check_args(spec, argv + 1, n_args, &errors);
        config_check_required(&cfg, &errors);
    }
    if (errors.len > 0) {
        rc = usage_errors(spec, errors.data);
    } else {
        struct cli_call call = {spec, &cfg, argv + 1, n_args};
        rc = spec->run(&call);
    }
end:
    strbuf_finish(&errors);
    config_finish(&cfg);
    return rc;
}
