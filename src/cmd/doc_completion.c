/* SPDX-License-Identifier: Apache-2.0 */
/* The bash completion script (portier _doc bash-completion), from the command registry and the
 * option tables: commands, sub-subcommands, options and their values (choices, the words of a
 * spec's completions, files and folders by the option's METAVAR). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "util.h"

/* Prints s as one bash word in single quotes. */
static void sh_quote(FILE *out, const char *s)
{
    fputc('\'', out);
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            fputs("'\\''", out);
        else
            fputc(*s, out);
    }
    fputc('\'', out);
}

/* Prints what follows option o on the command line, as _portier_value says it: "flag" (none),
 * "words W1 W2 ...", "dir", "file" or "none" (a value nothing can guess). */
static void value_kind(struct strbuf *out, const struct cli_spec *spec,
                       const struct config_option *o)
{
    if (o->type == CONFIG_BOOL) {
        strbuf_puts(out, "flag");
        return;
    }
    const char *words = o->type == CONFIG_CHOICE ? o->choices : NULL;
    for (size_t i = 0; words == NULL && i < spec->n_completions; i++) {
        if (strcmp(spec->completions[i].option, o->name) == 0)
            words = spec->completions[i].words;
    }
    if (words != NULL) {
        strbuf_puts(out, "words ");
        for (const char *p = words; *p != '\0'; p++)
            strbuf_putc(out, *p == '|' ? ' ' : *p);
        return;
    }
    const char *m = o->metavar != NULL ? o->metavar : "";
    strbuf_puts(out, strstr(m, "DIR") != NULL                                 ? "dir"
                     : strstr(m, "FILE") != NULL || strstr(m, "PATH") != NULL ? "file"
                                                                              : "none");
}

/* One case arm of each function for the command line key ("kiosk", "central add-device"). */
struct arm {
    const char *key;
    const struct cli_spec *spec; /* for the completions of the options */
    const struct cli_spec *own;  /* the options and args: spec itself or a sub-subcommand */
};

static void print_options_arm(FILE *out, const struct arm *a)
{
    fputs("    ", out);
    sh_quote(out, a->key);
    fputs(") echo", out);
    for (size_t i = 0; i < a->own->n_options; i++) {
        if (!(a->own->options[i].flags & CONFIG_HIDDEN))
            fprintf(out, " --%s", a->own->options[i].name);
    }
    fputs(" ;;\n", out);
}

static void print_value_arms(FILE *out, const struct arm *a)
{
    for (size_t i = 0; i < a->own->n_options; i++) {
        const struct config_option *o = &a->own->options[i];
        char key[160];
        snprintf(key, sizeof key, "%s --%s", a->key, o->name);
        fputs("    ", out);
        sh_quote(out, key);
        fputs(") echo ", out);
        struct strbuf kind = {0};
        value_kind(&kind, a->spec, o);
        sh_quote(out, kind.data);
        strbuf_finish(&kind);
        fputs(" ;;\n", out);
    }
}

static void print_args_arm(FILE *out, const struct arm *a)
{
    if (a->own->args == NULL)
        return;
    fputs("    ", out);
    sh_quote(out, a->key);
    fputs(") echo ", out);
    sh_quote(out, a->own->args);
    fputs(" ;;\n", out);
}

/* Every command line key: each command, and "command sub" for each sub-subcommand. */
static size_t collect_arms(struct arm *arms, size_t max, char keys[][64])
{
    size_t n = 0;
    for (size_t i = 0; i < n_commands; i++) {
        const struct cli_spec *spec = commands[i].spec;
        if (spec->n_subcommands == 0 && n < max)
            arms[n++] = (struct arm){commands[i].name, spec, spec};
        for (size_t j = 0; j < spec->n_subcommands && n < max; j++) {
            snprintf(keys[n], 64, "%s %s", commands[i].name, spec->subcommands[j].name);
            arms[n] = (struct arm){keys[n], spec, &spec->subcommands[j]};
            n++;
        }
    }
    return n;
}

/* The function that completes a command line (bash splits "--opt=value" at the '='). */
static const char completion_function[] =
    "_portier_complete_value() {\n"
    "    case $1 in\n"
    "    words\\ *) mapfile -t COMPREPLY < <(compgen -W \"${1#words }\" -- \"$cur\") ;;\n"
    "    dir) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- \"$cur\") "
    ";;\n"
    "    file) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- \"$cur\") "
    ";;\n"
    "    esac\n"
    "}\n"
    "\n"
    "_portier() {\n"
    "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
    "    local key subs first=2 opt= kind j n=0 word\n"
    "    COMPREPLY=()\n"
    "    if ((COMP_CWORD == 1)); then\n"
    "        mapfile -t COMPREPLY < <(compgen -W \"$_portier_commands --help --version\" -- "
    "\"$cur\")\n"
    "        return\n"
    "    fi\n"
    "    key=${COMP_WORDS[1]}\n"
    "    subs=$(_portier_subcommands \"$key\")\n"
    "    if [[ -n $subs ]]; then\n"
    "        if ((COMP_CWORD == 2)); then\n"
    "            mapfile -t COMPREPLY < <(compgen -W \"$subs --help\" -- \"$cur\")\n"
    "            return\n"
    "        fi\n"
    "        key=\"$key ${COMP_WORDS[2]}\"\n"
    "        first=3\n"
    "    fi\n"
    "    if [[ $prev == = ]] && ((COMP_CWORD > first)); then\n"
    "        opt=${COMP_WORDS[COMP_CWORD - 2]}\n"
    "    elif [[ $cur != -* && $prev == --* ]]; then\n"
    "        opt=$prev\n"
    "    fi\n"
    "    if [[ -n $opt ]]; then\n"
    "        kind=$(_portier_value \"$key\" \"$opt\")\n"
    "        if [[ $kind != flag ]]; then\n"
    "            _portier_complete_value \"$kind\"\n"
    "            return\n"
    "        fi\n"
    "    fi\n"
    "    if [[ $cur == -* ]]; then\n"
    "        mapfile -t COMPREPLY < <(compgen -W \"$(_portier_options \"$key\") --help\" -- "
    "\"$cur\")\n"
    "        return\n"
    "    fi\n"
    "    # A positional argument: which one, skipping the options and their values.\n"
    "    for ((j = first; j < COMP_CWORD; j++)); do\n"
    "        word=${COMP_WORDS[j]}\n"
    "        if [[ $word == --* ]]; then\n"
    "            if [[ ${COMP_WORDS[j + 1]} == = ]]; then\n"
    "                ((j += 2))\n"
    "            elif [[ $(_portier_value \"$key\" \"$word\") != flag ]]; then\n"
    "                ((j += 1))\n"
    "            fi\n"
    "        else\n"
    "            ((n += 1))\n"
    "        fi\n"
    "    done\n"
    "    local args=($(_portier_args \"$key\"))\n"
    "    word=${args[n]#[}\n"
    "    case ${word%]} in\n"
    "    *DIR) _portier_complete_value dir ;;\n"
    "    *FILE | *PATH) _portier_complete_value file ;;\n"
    "    esac\n"
    "}\n"
    "complete -F _portier portier\n";

void doc_bash_completion(FILE *out)
{
    struct arm arms[128];
    char keys[128][64];
    size_t n = collect_arms(arms, ARRAY_LEN(arms), keys);
    fputs("# bash completion for portier(1): commands, options and their values.\n"
          "# Generated by 'portier _doc bash-completion' from the option tables that print "
          "--help; do not edit.\n"
          "# shellcheck shell=bash\n\n_portier_commands=",
          out);
    struct strbuf names = {0};
    for (size_t i = 0; i < n_commands; i++)
        strbuf_printf(&names, "%s%s", i > 0 ? " " : "", commands[i].name);
    sh_quote(out, names.data);
    strbuf_finish(&names);

    fputs("\n\n_portier_subcommands() {\n    case $1 in\n", out);
    for (size_t i = 0; i < n_commands; i++) {
        const struct cli_spec *spec = commands[i].spec;
        if (spec->n_subcommands == 0)
            continue;
        fprintf(out, "    ");
        sh_quote(out, commands[i].name);
        fputs(") echo", out);
        for (size_t j = 0; j < spec->n_subcommands; j++)
            fprintf(out, " %s", spec->subcommands[j].name);
        fputs(" ;;\n", out);
    }
    fputs("    esac\n}\n\n_portier_options() {\n    case $1 in\n", out);
    for (size_t i = 0; i < n; i++)
        print_options_arm(out, &arms[i]);
    fputs("    esac\n}\n\n# What follows an option: flag, words W..., dir, file or none.\n"
          "_portier_value() {\n    case \"$1 $2\" in\n",
          out);
    for (size_t i = 0; i < n; i++)
        print_value_arms(out, &arms[i]);
    fputs("    *) echo none ;;\n    esac\n}\n\n_portier_args() {\n    case $1 in\n", out);
    for (size_t i = 0; i < n; i++)
        print_args_arm(out, &arms[i]);
    fputs("    esac\n}\n\n", out);
    fputs(completion_function, out);
}
