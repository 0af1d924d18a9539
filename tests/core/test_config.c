/* The option table: INI files, the command line, and which one wins. */
#include "check.h"
#include "config.h"

static const struct config_option options[] = {
    {"device", CONFIG_STRING, NULL, 0, 0, NULL, "ID", "device id"},
    {"mode", CONFIG_CHOICE, "entry", 0, 0, "entry|exit|toggle|overview", NULL, "mode"},
    {"volume", CONFIG_INT, "80", 0, 100, NULL, "PERCENT", "volume"},
    {"headless", CONFIG_BOOL, "false", 0, 0, NULL, NULL, "no screen"},
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

int main(void)
{
    test_ini();
    test_ini_errors();
    test_args();
    test_help();
    return check_done();
}
