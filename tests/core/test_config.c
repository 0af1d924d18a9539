/* SPDX-License-Identifier: Apache-2.0 */
/* The option table: INI files, the command line, and which one wins. */
#include <stdlib.h>

#include "check.h"
#include "config.h"

static const struct config_option options[] = {
    {"device", CONFIG_STRING, NULL, 0, 0, NULL, "ID", "device id", 0},
    {"mode", CONFIG_CHOICE, "entry", 0, 0, "entry|exit|toggle|overview", NULL, "mode", 0},
    {"volume", CONFIG_INT, "80", 0, 100, NULL, "PERCENT", "volume", 0},
    {"headless", CONFIG_BOOL, "false", 0, 0, NULL, NULL, "no screen", 0},
};

static void test_ini(void)
{
    struct config cfg;
    struct strbuf err = {0};
    config_init(&cfg, options, ARRAY_LEN(options));
    const char *ini = "\xEF\xBB\xBF# kiosk\n[other]\ndevice = nope\n[kiosk]\r\n"
                      "device = \"door-aula-1\"\nmode=exit\n  volume = 35 \n";
    CHECK(config_parse_ini(&cfg, ini, strlen(ini), "kiosk", "kiosk.conf", &err));
    CHECK_STR(config_get(&cfg, "device"), "door-aula-1");
    CHECK_STR(config_get(&cfg, "mode"), "exit");
    CHECK(config_get_int(&cfg, "volume") == 35);
    CHECK_STR(config_origin(&cfg, "volume"), "kiosk.conf:7");
    CHECK_STR(config_origin(&cfg, "headless"), "default");
    CHECK(!config_get_bool(&cfg, "headless"));
    CHECK(err.len == 0);
    config_finish(&cfg);
    strbuf_finish(&err);
}

static void test_ini_errors(void)
{
    struct config cfg;
    struct strbuf err = {0};
    config_init(&cfg, options, ARRAY_LEN(options));
    const char *ini = "[kiosk]\nvolume = 300\nmode = sideways\ncolour = red\njunk line\n"
                      "headless = maybe\n[broken\n";
    CHECK(!config_parse_ini(&cfg, ini, strlen(ini), "kiosk", "k.conf", &err));
    CHECK_STR(err.data, "k.conf:2: option 'volume': 300 is out of range (0 to 100)\n"
                        "k.conf:3: option 'mode': 'sideways' is not one of "
                        "entry|exit|toggle|overview\n"
                        "k.conf:4: unknown key 'colour' in [kiosk]\n"
                        "k.conf:5: expected 'key = value'\n"
                        "k.conf:6: option 'headless': 'maybe' is not true or false\n"
                        "k.conf:7: a section header must end with ']'\n");
    CHECK(config_get_int(&cfg, "volume") == 80);
    const char bad_utf8[] = "[kiosk]\ndevice = \xC3\x28\n";
    strbuf_reset(&err);
    CHECK(!config_parse_ini(&cfg, bad_utf8, sizeof bad_utf8 - 1, "kiosk", "k.conf", &err));
    CHECK_STR(err.data, "k.conf:2: not valid UTF-8 text\n");
    config_finish(&cfg);
    strbuf_finish(&err);
}

static void test_args(void)
{
    struct config cfg;
    struct strbuf err = {0};
    config_init(&cfg, options, ARRAY_LEN(options));
    const char *ini = "[kiosk]\ndevice = from-file\nmode = exit\n";
    CHECK(config_parse_ini(&cfg, ini, strlen(ini), "kiosk", "k.conf", &err));
    char *argv[] = {"kiosk",      "bundle-dir", "--device", "door-2",          "--headless",
                    "--volume=0", "extra",      "--",       "--not-an-option", NULL};
    int np = 0;
    CHECK(config_parse_args(&cfg, 9, argv, &np, &err));
    CHECK(np == 3);
    CHECK_STR(argv[1], "bundle-dir");
    CHECK_STR(argv[2], "extra");
    CHECK_STR(argv[3], "--not-an-option");
    CHECK_STR(config_get(&cfg, "device"), "door-2");
    CHECK_STR(config_origin(&cfg, "device"), "command line");
    CHECK_STR(config_get(&cfg, "mode"), "exit");
    CHECK(config_get_bool(&cfg, "headless"));
    CHECK(config_get_int(&cfg, "volume") == 0);

    char *bad[] = {"kiosk", "--colour", "red", "--device", NULL};
    strbuf_reset(&err);
    CHECK(!config_parse_args(&cfg, 4, bad, &np, &err));
    CHECK_STR(err.data, "unknown option '--colour'\noption '--device' needs a value\n");
    config_finish(&cfg);
    strbuf_finish(&err);
}

static void test_help(void)
{
    struct strbuf out = {0};
    config_help(options, ARRAY_LEN(options), &out);
    CHECK(strstr(out.data, "--mode entry|exit|toggle|overview") != NULL);
    CHECK(strstr(out.data, "(default: 80)") != NULL);
    strbuf_finish(&out);
}

/* The mistakes an INI file is refused for since they were silently taken: a key given twice,
 * and a comment after a value. Each names the file and line and says what to do. */
static void test_ini_strict(void)
{
    struct config cfg;
    struct strbuf err = {0};
    config_init(&cfg, options, ARRAY_LEN(options));
    const char *ini = "[kiosk]\ndevice = door-1\nmode = exit ; was entry\nvolume = 35 # loud\n"
                      "device = door-2\n[other]\ndevice = elsewhere ; not ours\n";
    CHECK(!config_parse_ini(&cfg, ini, strlen(ini), "kiosk", "k.conf", &err));
    CHECK_STR(err.data, "k.conf:3: a comment after the value ('; was entry'): put comments on a "
                        "line of their own, or quote the value if the ';' belongs to it\n"
                        "k.conf:4: a comment after the value ('# loud'): put comments on a line "
                        "of their own, or quote the value if the '#' belongs to it\n"
                        "k.conf:5: 'device' is set twice in [kiosk] (also on line 2): keep one "
                        "of the two lines\n");
    CHECK_STR(config_get(&cfg, "device"), "door-1");
    CHECK_STR(config_get(&cfg, "mode"), "entry");

    /* Not comments: a '#' or ';' inside a word, or in a quoted value. */
    const char *fine = "[kiosk]\ndevice = \"door #1 ; aula\"\nmode=exit;\n";
    strbuf_reset(&err);
    config_finish(&cfg);
    config_init(&cfg, options, ARRAY_LEN(options));
    CHECK(!config_parse_ini(&cfg, fine, strlen(fine), "kiosk", "k.conf", &err));
    CHECK_STR(config_get(&cfg, "device"), "door #1 ; aula");
    CHECK_STR(err.data, "k.conf:3: option 'mode': 'exit;' is not one of "
                        "entry|exit|toggle|overview\n");
    config_finish(&cfg);
    strbuf_finish(&err);
}

/* Reading a few keys of another program's file (portier doctor reads kiosk.conf so). */
static void test_ini_some_keys(void)
{
    static const struct config_option one[] = {
        {"k", CONFIG_STRING, NULL, 0, 0, NULL, "K", "k", 0},
    };
    struct config cfg;
    struct strbuf err = {0};
    config_init(&cfg, one, ARRAY_LEN(one));
    cfg.ignore_unknown_keys = true;
    const char *ini = "[a]\nk=1\n[kiosk]\n  k = two words  \nother = 1\n;k=3\n";
    CHECK(config_parse_ini(&cfg, ini, strlen(ini), "kiosk", "k.conf", &err));
    CHECK_STR(config_get(&cfg, "k"), "two words");
    const char *without = "[kiosk]\nother=1\n";
    config_finish(&cfg);
    config_init(&cfg, one, ARRAY_LEN(one));
    cfg.ignore_unknown_keys = true;
    CHECK(config_parse_ini(&cfg, without, strlen(without), "kiosk", "k.conf", &err));
    CHECK(config_get(&cfg, "k") == NULL);
    CHECK(err.len == 0);
    config_finish(&cfg);
    strbuf_finish(&err);
}

/* Shell-style environment files (sync.env). */
static void test_env(void)
{
    const char *env = "# comment\nA=1\nPGPASSWORD='s3cret'\nB=\"x y\"\nA=2\nAB=3\nC=\n";
    char *v = config_env_value(env, strlen(env), "PGPASSWORD");
    CHECK_STR(v, "s3cret");
    free(v);
    v = config_env_value(env, strlen(env), "B");
    CHECK_STR(v, "x y");
    free(v);
    v = config_env_value(env, strlen(env), "A");
    CHECK_STR(v, "2");
    free(v);
    v = config_env_value(env, strlen(env), "C");
    CHECK_STR(v, "");
    free(v);
    CHECK(config_env_value(env, strlen(env), "D") == NULL);
}

/* What the subcommands' tables use: repeatable, required, hidden and fractional options. */
static const struct config_option cli_options[] = {
    {"db", CONFIG_STRING, NULL, 0, 0, NULL, "PATH", "a database\n(repeat for each)",
     CONFIG_REPEATABLE},
    {"out", CONFIG_STRING, NULL, 0, 0, NULL, "DIR", "where", CONFIG_REQUIRED},
    {"event", CONFIG_STRING, NULL, 0, 0, NULL, "EVENT_DIR", "the event", CONFIG_REQUIRED},
    {"seconds", CONFIG_NUMBER, "3", 0, 60, NULL, "N", "how long", 0},
    {"drm-dir", CONFIG_STRING, NULL, 0, 0, NULL, "DIR", "for tests", CONFIG_HIDDEN},
};

static void test_cli_options(void)
{
    struct config cfg;
    struct strbuf err = {0};
    config_init(&cfg, cli_options, ARRAY_LEN(cli_options));
    size_t n;
    config_get_list(&cfg, "db", &n);
    CHECK(n == 0);
    char *argv[] = {"report",    "--db", "a.db", "--out=", "--db=b.db",
                    "--seconds", "0.5",  "--",   "-x",     NULL};
    int np = 0;
    CHECK(config_parse_args(&cfg, 9, argv, &np, &err));
    CHECK(np == 1 && strcmp(argv[1], "-x") == 0);
    const char *const *dbs = config_get_list(&cfg, "db", &n);
    CHECK(n == 2 && strcmp(dbs[0], "a.db") == 0 && strcmp(dbs[1], "b.db") == 0);
    CHECK(config_get_number(&cfg, "seconds") == 0.5);
    CHECK(config_is_set(&cfg, "seconds") && !config_is_set(&cfg, "drm-dir"));
    CHECK(!config_check_required(&cfg, &err));
    CHECK_STR(err.data, "--out must not be empty\nmissing --event EVENT_DIR\n");

    char *bad[] = {"report", "-v", "--seconds", "61", "--seconds=soon", NULL};
    strbuf_reset(&err);
    CHECK(!config_parse_args(&cfg, 5, bad, &np, &err));
    CHECK_STR(err.data, "unknown option '-v'\n"
                        "option '--seconds': 61 is out of range (0 to 60)\n"
                        "option '--seconds': 'soon' is not a number\n");

    struct strbuf help = {0};
    config_help(cli_options, ARRAY_LEN(cli_options), &help);
    CHECK(strstr(help.data, "--db PATH ...") != NULL);
    /* Texts start after the widest heading ("  --event EVENT_DIR"), long ones go on there. */
    CHECK(strstr(help.data, "  --db PATH ...      a database\n                     (repeat") !=
          NULL);
    CHECK(strstr(help.data, "where (required)") != NULL);
    CHECK(strstr(help.data, "drm-dir") == NULL);
    strbuf_finish(&help);
    config_finish(&cfg);
    strbuf_finish(&err);
}

int main(void)
{
    test_ini();
    test_ini_errors();
    test_ini_strict();
    test_ini_some_keys();
    test_env();
    test_args();
    test_help();
    test_cli_options();
    return check_done();
}
