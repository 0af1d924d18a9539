/* portier sync: the sync daemon of one kiosk (syncd.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "syncd.h"

static const char usage[] =
    "usage: portier sync KIOSK_DIR --device ID --db PATH --central CONNINFO [--once]\n"
    "                    [--poll-interval MS] [--backoff-max MS] [--verbose]\n"
    "The sync daemon of one kiosk: pushes its scans to the central PostgreSQL database, pulls\n"
    "the other kiosks' scans into its database and attendee changes into KIOSK_DIR/event.db.\n"
    "  --device ID          the kiosk's device id (its login role on the central server)\n"
    "  --db PATH            the kiosk's scan log (shared with the running kiosk)\n"
    "  --central CONNINFO   the device's connection string ('portier central add-device')\n"
    "  --once               one push and pull, then exit: 0 when synced, 1 when the server\n"
    "                       was unreachable\n"
    "  --poll-interval MS   pull at least this often when no notification comes (5000)\n"
    "  --backoff-max MS     longest wait between reconnection attempts (30000)\n"
    "  --verbose            log every step\n"
    "Runs until SIGTERM or SIGINT. Under systemd use Type=notify (and WatchdogSec > 20s).\n";

/* Parses a positive number of milliseconds. */
static bool parse_ms(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0 || v > 3600000)
        return false;
    *out = (int)v;
    return true;
}

int cmd_sync(int argc, char **argv)
{
    static const struct option options[] = {
        {"device", required_argument, NULL, 'd'},
        {"db", required_argument, NULL, 'b'},
        {"central", required_argument, NULL, 'c'},
        {"once", no_argument, NULL, 'o'},
        {"poll-interval", required_argument, NULL, 'p'},
        {"backoff-max", required_argument, NULL, 'm'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct syncd_settings s = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            s.device_id = optarg;
            break;
        case 'b':
            s.db_path = optarg;
            break;
        case 'c':
            s.conninfo = optarg;
            break;
        case 'o':
            s.once = true;
            break;
        case 'p':
            if (!parse_ms(optarg, &s.poll_ms))
                return cli_usage_error("sync", usage,
                                       "--poll-interval '%s' is not a number "
                                       "of milliseconds",
                                       optarg);
            break;
        case 'm':
            if (!parse_ms(optarg, &s.backoff_max_ms))
                return cli_usage_error("sync", usage,
                                       "--backoff-max '%s' is not a number "
                                       "of milliseconds",
                                       optarg);
            break;
        case 'v':
            log_set_verbose(true);
            break;
        case 'h':
            return cli_help(usage);
        case ':':
            return cli_usage_error("sync", usage, "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("sync", usage, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("sync", usage, "give exactly one KIOSK_DIR");
    s.kiosk_dir = argv[optind];
    if (s.device_id == NULL || s.db_path == NULL || s.conninfo == NULL)
        return cli_usage_error("sync", usage, "--device, --db and --central are required");

    struct syncd *d = syncd_create(&s);
    if (d == NULL)
        return CLI_FAILURE;
    bool ok = syncd_run(d);
    syncd_destroy(d);
    return ok ? CLI_OK : CLI_FAILURE;
}
