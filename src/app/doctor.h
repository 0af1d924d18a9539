/* SPDX-License-Identifier: Apache-2.0 */
/* portier doctor: checks a kiosk's set-up (configuration, event bundle, scan log, camera,
 * display, clock, central server, free disk) and says, for each problem, how to fix it.
 *
 * doctor_run does the checks (I/O: files, the camera, sysfs, the network) and fills a report;
 * doctor_print formats it. Ownership: the report's strings are owned by the report and freed by
 * doctor_report_finish. */
#ifndef PORTIER_DOCTOR_H
#define PORTIER_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define DOCTOR_CONFIG   "/etc/portier/kiosk.conf"
#define DOCTOR_SYNC_ENV "/etc/portier/sync.env"
#define DOCTOR_PGPASS   "/etc/portier/pgpass" /* the sync daemon's credential */
#define DOCTOR_KIOSK    "/var/lib/portier/event"
#define DOCTOR_DRM      "/sys/class/drm"
/* Free space on the data partition below which the doctor warns, and fails. */
#define DOCTOR_DISK_WARN_MB 1024
#define DOCTOR_DISK_FAIL_MB 100

enum doctor_status {
    DOCTOR_OK,
    DOCTOR_SKIP, /* not applicable here (e.g. the display of a headless kiosk) */
    DOCTOR_WARN, /* works, but deserves attention */
    DOCTOR_FAIL, /* the kiosk will not work as it should */
};

struct doctor_result {
    const char *check; /* static: "config", "bundle", "database", "camera", ... */
    enum doctor_status status;
    char *what; /* what was found, one sentence */
    char *fix;  /* what to do, or NULL when nothing */
};

struct doctor_report {
    struct doctor_result *results;
    size_t n;
};

struct doctor_settings {
    const char *config_path;   /* kiosk.conf */
    const char *kiosk_dir;     /* the event bundle */
    const char *sync_env_path; /* sync.env; a missing file means "no central" */
    const char *pgpass_path;   /* the password file the sync unit loads as a credential */
    const char *drm_dir;       /* /sys/class/drm, or a test's stand-in */
    double camera_seconds;     /* how long to wait for camera frames; 0 skips the camera */
    bool check_central;        /* false: do not connect to the central server */
};

/* Fills s with the defaults (the packaged paths, 3 s of camera, central checked). */
void doctor_settings_default(struct doctor_settings *s);
/* Runs every check; report must be zero-initialised. Returns false when a check failed. */
bool doctor_run(const struct doctor_settings *s, struct doctor_report *report);
/* The number of results with the given status. */
size_t doctor_count(const struct doctor_report *report, enum doctor_status status);
/* Prints the report: aligned lines for people, or one JSON object per line with json. */
void doctor_print(const struct doctor_report *report, FILE *out, bool json);
/* Frees the report's contents; the report can be reused. */
void doctor_report_finish(struct doctor_report *report);

/* portier doctor (the lead declares it in cli.h too). */
int cmd_doctor(int argc, char **argv);

#endif
