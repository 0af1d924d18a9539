/* SPDX-License-Identifier: Apache-2.0 */
/* portier dashboard: the web dashboard (src/web), and its users (add-user). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "central_dash.h"
#include "cli.h"
#include "log.h"
#include "web.h"
#include "web_auth.h"
#include "web_feed.h"

#define PASSWORD_MIN 8
#define PASSWORD_MAX 256

/* portier dashboard --central CONNINFO --listen ADDR:PORT [...] */
static int run_serve(const struct cli_call *c)
{
    struct web_options o = {
        .conninfo = config_get(c->cfg, "central"),
        .listen = config_get(c->cfg, "listen"),
        .tls_cert = config_get(c->cfg, "tls-cert"),
        .tls_key = config_get(c->cfg, "tls-key"),
        .public_feed = config_get_bool(c->cfg, "public-feed"),
        .alert_near = (int)config_get_int(c->cfg, "alert-near"),
        .standby_ms = (int)config_get_int(c->cfg, "standby-poll"),
        .notified_ms = (int)config_get_int(c->cfg, "refresh-interval"),
    };
    if ((o.tls_cert == NULL) != (o.tls_key == NULL))
        return cli_usage_error(c->spec, "give both --tls-cert and --tls-key, or neither");
    log_set_verbose(config_get_bool(c->cfg, "verbose"));
    return web_run(&o) ? CLI_OK : CLI_FAILURE;
}

/* Reads one line of at most PASSWORD_MAX bytes into buf (the newline dropped); without echo
 * when stdin is a terminal. Returns false at end of input. */
static bool read_line(const char *prompt, char *buf, size_t n)
{
    struct termios old, quiet;
    bool tty = isatty(0) && tcgetattr(0, &old) == 0;
    if (tty) {
        fputs(prompt, stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    bool ok = fgets(buf, (int)n, stdin) != NULL;
    if (tty) {
        tcsetattr(0, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (ok)
        buf[strcspn(buf, "\r\n")] = '\0';
    return ok;
}

/* portier dashboard add-user CONNINFO NAME --role staff|organiser; the password on stdin. */
static int run_add_user(const struct cli_call *c)
{
    const char *conninfo = c->args[0], *name = c->args[1], *role = config_get(c->cfg, "role");
    if (name[0] == '\0' || strlen(name) > 63 || strpbrk(name, " \t\r\n") != NULL)
        return cli_usage_error(c->spec,
                               "'%s' cannot be a user name: give 1 to 63 bytes without "
                               "spaces",
                               name);
    char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2];
    if (!read_line("password: ", pw, sizeof pw)) {
        log_warnx("dashboard: no password on standard input");
        return CLI_FAILURE;
    }
    if (isatty(0) && (!read_line("again: ", again, sizeof again) || strcmp(pw, again) != 0)) {
        log_warnx("dashboard: the two passwords differ; nothing stored");
        return CLI_FAILURE;
    }
    size_t len = strlen(pw);
    if (len < PASSWORD_MIN || len > PASSWORD_MAX) {
        log_warnx("dashboard: the password must be %d to %d bytes long (it is %zu); nothing "
                  "stored",
                  PASSWORD_MIN, PASSWORD_MAX, len);
        return CLI_FAILURE;
    }
    char *hash = web_auth_hash(pw);
    memset(pw, 0, sizeof pw);
    memset(again, 0, sizeof again);
    if (hash == NULL)
        return CLI_FAILURE;
    PGconn *conn = central_connect(conninfo);
    bool ok = conn != NULL && central_dash_add_user(conn, name, role, hash);
    central_close(conn);
    free(hash);
    if (ok)
        printf("dashboard user %s (%s) stored\n", name, role);
    return ok ? CLI_OK : CLI_FAILURE;
}

static const struct config_option serve_options[] = {
    {"central", CONFIG_STRING, NULL, 0, 0, NULL, "CONNINFO",
     "the central database (an organiser's login: 'portier central\nadd-organiser')",
     CONFIG_REQUIRED},
    {"listen", CONFIG_STRING, NULL, 0, 0, NULL, "ADDR:PORT",
     "where to serve, e.g. 127.0.0.1:8080 or [::]:443", CONFIG_REQUIRED},
    {"tls-cert", CONFIG_STRING, NULL, 0, 0, NULL, "FILE", "serve HTTPS with this PEM certificate",
     0},
    {"tls-key", CONFIG_STRING, NULL, 0, 0, NULL, "FILE", "and this PEM key", 0},
    {"public-feed", CONFIG_BOOL, NULL, 0, 0, NULL, NULL,
     "serve the open feed without login: /api/rooms, /api/rooms/stream\n(no personal data)", 0},
    {"alert-near", CONFIG_INT, CLI_STRING_OF(WEB_FEED_ALERT_NEAR), 1, 100, NULL, "PERCENT",
     "alert when a room reaches this share of its capacity (full: 100)", 0},
    {"standby-poll", CONFIG_INT, CLI_STRING_OF(WEB_FEED_STANDBY_MS), 100, 3600000, NULL, "MS",
     "on a streaming replica (hot standby), which cannot notify:\nread the rooms this often", 0},
    {"refresh-interval", CONFIG_INT, CLI_STRING_OF(WEB_FEED_NOTIFIED_MS), 0, 60000, NULL, "MS",
     "read the rooms at most this often on the scans' notifications\n(0: on each one; a read "
     "goes over all of central's scans)",
     0},
    {"verbose", CONFIG_BOOL, NULL, 0, 0, NULL, NULL, "log every step", 0},
};
static const struct config_option user_options[] = {
    {"role", CONFIG_CHOICE, NULL, 0, 0, "staff|organiser", "ROLE",
     "staff: rooms, alerts, kiosks; organiser: also people and reports", CONFIG_REQUIRED},
};

#define DASHBOARD_USAGE                                                                            \
    "usage: portier dashboard --central CONNINFO --listen ADDR:PORT\n"                             \
    "                         [--tls-cert FILE --tls-key FILE] [--public-feed]\n"                  \
    "       portier dashboard add-user CONNINFO NAME --role staff|organiser\n"

const struct cli_spec dashboard_spec = {
    .name = "dashboard",
    .usage = DASHBOARD_USAGE,
    .about = "The live web dashboard on the central database: every room's fill, updated as\n"
             "scans arrive (docs/dashboard.md). add-user stores a login of the dashboard\n"
             "(as the database's owner or a superuser); the password is read from standard\n"
             "input, or asked for twice on a terminal.\n",
    .options = serve_options,
    .n_options = ARRAY_LEN(serve_options),
    .notes = "Runs until SIGTERM or SIGINT. Under systemd use Type=notify.\n",
    .run = run_serve,
};

/* portier dashboard add-user: its errors and --help say "portier: dashboard: ...". */
static const struct cli_spec add_user_spec = {
    .name = "dashboard",
    .usage = DASHBOARD_USAGE,
    .about = "Stores a login of the dashboard (as the database's owner or a superuser); the\n"
             "password is read from standard input, or asked for twice on a terminal.\n",
    .options = user_options,
    .n_options = ARRAY_LEN(user_options),
    .args = "CONNINFO NAME",
    .run = run_add_user,
};

int cmd_dashboard(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add-user") == 0)
        return cli_run(&add_user_spec, argc - 1, argv + 1);
    return cli_run(&dashboard_spec, argc, argv);
}
