/* SPDX-License-Identifier: Apache-2.0 */
/* portier doctor's checks (doctor.h). */
#include "doctor.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <sodium.h>

#include "camera.h"
#include "config.h"
#include "central.h"
#include "device_id.h"
#include "event.h"
#include "image.h"
#include "store.h"
#include "sysclock.h"
#include "timeutil.h"
#include "util.h"
#include "event_db.h"
#include "file.h"

/* The keys of the kiosk's [kiosk] section that the checks read; the doctor skips the others
 * (the kiosk's own table, in portier kiosk, checks them). Defaults as in the kiosk. */
static const struct config_option kiosk_keys[] = {
    {"device", CONFIG_STRING, NULL, 0, 0, NULL, "ID", "this kiosk's device id", 0},
    {"room", CONFIG_STRING, NULL, 0, 0, NULL, "ROOM_ID", "the room at this door", 0},
    {"db", CONFIG_STRING, NULL, 0, 0, NULL, "PATH", "the scan log", 0},
    {"camera", CONFIG_STRING, "v4l2:/dev/video0", 0, 0, NULL, "SPEC", "the camera", 0},
    {"headless", CONFIG_BOOL, "false", 0, 0, NULL, NULL, "no screen", 0},
};

/* What the checks share: the configuration as read. */
struct kiosk_conf {
    const char *device, *room, *db, *camera; /* borrowed from cfg */
    bool headless;
    struct config cfg;
};

/* Appends one result; what and fix are printf formats (fix may be NULL). */
static void add(struct doctor_report *r, const char *check, enum doctor_status status,
                const char *fix, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add(struct doctor_report *r, const char *check, enum doctor_status status,
                const char *fix, const char *fmt, ...)
{
    r->results = xrealloc(r->results, (r->n + 1) * sizeof *r->results);
    struct doctor_result *res = &r->results[r->n++];
    res->check = check;
    res->status = status;
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    res->what = xstrdup(what);
    res->fix = fix != NULL ? xstrdup(fix) : NULL;
}

void doctor_settings_default(struct doctor_settings *s)
{
    s->config_path = DOCTOR_CONFIG;
    s->kiosk_dir = DOCTOR_KIOSK;
    s->sync_env_path = DOCTOR_SYNC_ENV;
    s->pgpass_path = DOCTOR_PGPASS;
    s->drm_dir = DOCTOR_DRM;
    s->camera_seconds = 3;
    s->check_central = true;
}

/* Reads s->config_path; returns the file's text (owned) or NULL after adding why not. */
static char *read_config(const struct doctor_settings *s, struct doctor_report *r, size_t *len)
{
    struct stat st;
    if (stat(s->config_path, &st) == 0 && S_ISDIR(st.st_mode)) {
        add(r, "config", DOCTOR_FAIL, "pass --config the kiosk's INI file, not its directory",
            "%s: is a directory", s->config_path);
        return NULL;
    }
    char *text = file_read_all(s->config_path, len);
    if (text == NULL)
        add(r, "config", DOCTOR_FAIL,
            "install the package's default (apt install --reinstall portier) or pass --config",
            "%s: %s", s->config_path, strerror(errno));
    return text;
}

/* The configuration file: present, read as the kiosk reads it, and names a device and a room.
 * c holds what was read (the defaults when nothing was). */
static bool check_config(const struct doctor_settings *s, struct doctor_report *r,
                         struct kiosk_conf *c)
{
    size_t len;
    char *text = read_config(s, r, &len);
    struct strbuf errors = {0};
    bool ok =
        text != NULL && config_parse_ini(&c->cfg, text, len, "kiosk", s->config_path, &errors);
    c->device = config_get(&c->cfg, "device");
    c->room = config_get(&c->cfg, "room");
    c->db = config_get(&c->cfg, "db");
    c->camera = config_get(&c->cfg, "camera");
    c->headless = config_get_bool(&c->cfg, "headless");
    if (text != NULL && !ok) {
        /* One sentence for the report: the errors ("file:line: why"), joined. */
        errors.data[--errors.len] = '\0';
        for (char *nl; (nl = strchr(errors.data, '\n')) != NULL;)
            *nl = ';';
        add(r, "config", DOCTOR_FAIL, "fix those lines: the kiosk does not start until then", "%s",
            errors.data);
    } else if (ok && (c->device == NULL || c->room == NULL)) {
        add(r, "config", DOCTOR_FAIL, "set 'device = ...' and 'room = ...' in the [kiosk] section",
            "%s: no %s", s->config_path, c->device == NULL ? "device" : "room");
        ok = false;
    } else if (ok && device_id_check(c->device) != NULL) {
        add(r, "config", DOCTOR_FAIL,
            "choose an id of letters, digits, '.', '_' and '-' (the one given to 'portier "
            "central add-device')",
            "%s: device '%s' cannot be a device id: it %s", s->config_path, c->device,
            device_id_check(c->device));
        ok = false;
    } else if (ok) {
        add(r, "config", DOCTOR_OK, NULL, "%s: device %s, room %s", s->config_path, c->device,
            c->room);
    }
    free(text);
    strbuf_finish(&errors);
    return ok;
}

/* The event bundle: loads, and knows the configured room. */
static void check_bundle(const struct doctor_settings *s, struct doctor_report *r,
                         const struct kiosk_conf *c)
{
    char *db = path_join(s->kiosk_dir, "event.db");
    char *pub = path_join(s->kiosk_dir, "verify.pub");
    const char *fix = "copy a bundle made by 'portier bundle EVENT_DIR --out DIR' to the kiosk "
                      "directory (chown -R portier:portier)";
    if (!path_exists(db) || !path_exists(pub)) {
        add(r, "bundle", DOCTOR_FAIL, fix, "%s: no %s", s->kiosk_dir,
            path_exists(db) ? "verify.pub" : "event.db");
        goto end;
    }
    struct event *ev = event_load(db);
    if (ev == NULL) {
        add(r, "bundle", DOCTOR_FAIL, fix, "%s cannot be read (see the message above)", db);
        goto end;
    }
    if (c->room != NULL && strcmp(c->room, "entrance") != 0 &&
        event_room_index(ev, c->room) == (size_t)-1) {
        add(r, "bundle", DOCTOR_FAIL, "set 'room' to one of the event's rooms, or 'entrance'",
            "event '%s' has no room '%s'", ev->name, c->room);
    } else {
        add(r, "bundle", DOCTOR_OK, NULL, "event '%s': %zu rooms, %zu attendees", ev->name,
            ev->n_rooms, ev->n_attendees);
    }
    event_destroy(ev);
end:
    free(db);
    free(pub);
}

/* The scan log: healthy and writable, or creatable; the free space under it. */
/* The upload as the sync daemon left it in the scan log's meta (syncd.h): scans the server
 * refused (set aside), and scans waiting behind an error. */
static void check_upload(struct store *store, struct doctor_report *r)
{
    char *pending = NULL, *error = NULL, *alarm = NULL;
    int64_t quarantined = store_quarantine_count(store);
    if (quarantined > 0) {
        store_get_meta(store, "sync.alarm", &alarm);
        add(r, "upload", DOCTOR_WARN,
            "look at the set-aside scans and badges (sqlite3 on the scan log: SELECT * FROM "
            "quarantine; SELECT * FROM issues WHERE state = 'refused') and tell the organisers: "
            "they are missing from the central database",
            "%lld scan(s) or issued badge(s) refused by the central server were set aside; the "
            "others were "
            "uploaded. Last: %s",
            (long long)quarantined, alarm != NULL ? alarm : "(no description)");
    }
    if (store_get_meta(store, "sync.pending", &pending) && pending != NULL &&
        strtoll(pending, NULL, 10) > 0 && store_get_meta(store, "sync.last_error", &error) &&
        error != NULL && error[0] != '\0')
        add(r, "upload", DOCTOR_FAIL,
            "fix the cause named here (journalctl -u portier-sync); the scans wait in the log "
            "and go up once it is fixed",
            "%s scan(s) of this kiosk are not uploaded; the upload stops at: %s", pending, error);
    free(pending);
    free(error);
    free(alarm);
}

/* The kiosk's clock against the central server's, as the sync daemon last measured it
 * (sync.clock_offset_ms): a clock that disagrees dates scans wrongly, synchronised or not. */
static void check_clock_offset(struct store *store, struct doctor_report *r)
{
    char *offset = NULL;
    if (store_get_meta(store, "sync.clock_offset_ms", &offset) && offset != NULL) {
        long long ms = strtoll(offset, NULL, 10);
        if (llabs(ms) > TIME_CLOCK_DISAGREE_MS)
            add(r, "clock", DOCTOR_WARN,
                "check the time server (timedatectl timesync-status) and the server's clock; "
                "other doors count this kiosk's scans at most 2 minutes ahead of their own "
                "clocks",
                "this kiosk's clock disagrees with the central server's by %+.1f s (server "
                "minus kiosk, at the sync daemon's last clock anchor)",
                (double)ms / 1000.0);
    }
    free(offset);
}

static void check_database(const struct doctor_settings *s, struct doctor_report *r,
                           const struct kiosk_conf *c)
{
    char *db = c->db != NULL ? xstrdup(c->db) : NULL;
    if (db == NULL) {
        char *name = xasprintf("scans-%s.db", c->device);
        db = path_join(s->kiosk_dir, name);
        free(name);
    }
    char *dir = xstrdup(db);
    char *slash = strrchr(dir, '/');
    if (slash != NULL)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        strcpy(dir, ".");

    struct statvfs vfs;
    if (statvfs(dir, &vfs) != 0) {
        add(r, "database", DOCTOR_FAIL, "create the data directory (systemd-tmpfiles --create)",
            "%s: %s", dir, strerror(errno));
        goto end;
    }
    if (vfs.f_flag & ST_RDONLY) {
        add(r, "database", DOCTOR_FAIL,
            "mount the persistent data partition read-write on /var/lib/portier "
            "(docs/raspberry-pi.md)",
            "%s is on a read-only file system", dir);
        goto end;
    }
    uint64_t free_mb = (uint64_t)vfs.f_bavail * vfs.f_frsize / (1024 * 1024);
    enum doctor_status disk = free_mb < DOCTOR_DISK_FAIL_MB   ? DOCTOR_FAIL
                              : free_mb < DOCTOR_DISK_WARN_MB ? DOCTOR_WARN
                                                              : DOCTOR_OK;
    add(r, "disk", disk, disk == DOCTOR_OK ? NULL : "free space on the data partition",
        "%llu MB free under %s", (unsigned long long)free_mb, dir);

    if (!path_exists(db)) {
        bool writable = access(dir, W_OK) == 0;
        add(r, "database", writable ? DOCTOR_OK : DOCTOR_FAIL,
            writable ? NULL : "chown portier:portier the data directory",
            "%s does not exist yet; the kiosk creates it at its first start%s", db,
            writable ? "" : ", but the directory is not writable");
        goto end;
    }
    if (access(db, R_OK | W_OK) != 0) {
        add(r, "database", DOCTOR_FAIL, "chown portier:portier the scan log and its directory",
            "%s: %s", db, strerror(errno));
        goto end;
    }
    struct stat st;
    struct passwd *pw = getpwnam("portier");
    if (pw != NULL && stat(db, &st) == 0 && st.st_uid != pw->pw_uid)
        add(r, "database", DOCTOR_WARN, "chown portier:portier the scan log and its directory",
            "%s is not owned by the portier user the kiosk runs as", db);
    /* store_open checks the application id, the device, the schema and PRAGMA quick_check; it
     * is safe while the kiosk runs (SQLite's locks serialise the two processes). */
    struct store *store = store_open(db, c->device);
    if (store == NULL) {
        add(r, "database", DOCTOR_FAIL,
            "keep the file (it holds scans): move it aside and restart the kiosk, then recover "
            "its scans (docs/operations.md)",
            "%s is refused (see the message above)", db);
        goto end;
    }
    add(r, "database", DOCTOR_OK, NULL, "%s: healthy, %lld scans, %lld of them this kiosk's", db,
        (long long)store_scan_count(store), (long long)store_last_seq(store));
    check_upload(store, r);
    check_clock_offset(store, r);
    store_close(store);
end:
    free(dir);
    free(db);
}

/* The camera: opens, and delivers frames within camera_seconds. */
static void check_camera(const struct doctor_settings *s, struct doctor_report *r,
                         const struct kiosk_conf *c)
{
    const char *spec = c->camera;
    if (strcmp(spec, "none") == 0) {
        add(r, "camera", DOCTOR_SKIP, NULL, "no camera configured (camera = none)");
        return;
    }
    if (s->camera_seconds <= 0) {
        add(r, "camera", DOCTOR_SKIP, NULL, "%s not tested (--camera-seconds 0)", spec);
        return;
    }
    char why[256];
    if (!camera_spec_check(spec, why, sizeof why)) {
        add(r, "camera", DOCTOR_FAIL, "fix 'camera = ...' in the configuration", "%s", why);
        return;
    }
    struct camera *cam = camera_open(spec, NULL);
    if (cam == NULL) {
        add(r, "camera", DOCTOR_FAIL, "fix 'camera = ...' in the configuration",
            "%s cannot be opened (see the message above)", spec);
        return;
    }
    struct image frame = {0};
    int64_t mono, deadline = time_mono_ns() + (int64_t)(s->camera_seconds * 1e9);
    int frames = 0;
    while (frames < 5 && time_mono_ns() < deadline) {
        if (camera_grab(cam, &frame, &mono))
            frames++;
        else if (camera_status(cam) == CAMERA_ENDED || camera_status(cam) == CAMERA_UNAVAILABLE)
            break;
        else
            usleep(20000);
    }
    if (frames > 0) {
        add(r, "camera", DOCTOR_OK, NULL, "%s: %d frames of %dx%d", spec, frames, frame.width,
            frame.height);
    } else if (camera_status(cam) == CAMERA_UNAVAILABLE) {
        add(r, "camera", DOCTOR_FAIL,
            "plug the camera in (v4l2-ctl --list-devices lists what is there); if the kiosk is "
            "running it holds the camera: systemctl stop portier-kiosk, then run the doctor",
            "%s", camera_status_text(cam));
    } else {
        add(r, "camera", DOCTOR_FAIL,
            "check the cable and the camera's light; try another USB port or a lower size "
            "(v4l2:/dev/video0@640x480)",
            "%s opened but delivered no frame in %.0f s", spec, s->camera_seconds);
    }
    image_finish(&frame);
    camera_close(cam);
}

/* The display: a DRM connector with a screen attached (skipped for headless kiosks). */
static void check_display(const struct doctor_settings *s, struct doctor_report *r,
                          const struct kiosk_conf *c)
{
    if (c->headless) {
        add(r, "display", DOCTOR_SKIP, NULL, "headless kiosk: no screen needed");
        return;
    }
    DIR *d = opendir(s->drm_dir);
    if (d == NULL) {
        add(r, "display", DOCTOR_FAIL,
            "enable the KMS driver (dtoverlay=vc4-kms-v3d in /boot/firmware/config.txt)", "%s: %s",
            s->drm_dir, strerror(errno));
        return;
    }
    char *found = NULL;
    int connectors = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        /* Connectors are named cardN-TYPE-M (card1-HDMI-A-1, card1-DSI-1). */
        if (strncmp(e->d_name, "card", 4) != 0 || strchr(e->d_name, '-') == NULL)
            continue;
        connectors++;
        char *status_path = xasprintf("%s/%s/status", s->drm_dir, e->d_name);
        char *status = file_read_all(status_path, NULL);
        free(status_path);
        if (status != NULL && strncmp(status, "connected", 9) == 0 && found == NULL)
            found = xstrdup(e->d_name);
        free(status);
    }
    closedir(d);
    if (found != NULL)
        add(r, "display", DOCTOR_OK, NULL, "screen connected on %s", found);
    else if (connectors == 0)
        add(r, "display", DOCTOR_FAIL,
            "enable the KMS driver (dtoverlay=vc4-kms-v3d in /boot/firmware/config.txt)",
            "no display connector in %s", s->drm_dir);
    else
        add(r, "display", DOCTOR_FAIL,
            "connect the screen (HDMI 0, next to the power socket, on a Pi 4) and reboot",
            "%d display connectors, none with a screen connected", connectors);
    free(found);
}

/* The clock: synchronised, or at least plausible. */
static void check_clock(struct doctor_report *r)
{
    char now[TIME_ISO_LEN];
    int64_t ms = time_now_ms();
    time_format_iso8601(ms, now);
    /* 2024-01-01: a clock before it is a Pi without RTC that never saw a time server. */
    if (ms < 1704067200000LL) {
        add(r, "clock", DOCTOR_FAIL,
            "set the time (date -s, or connect to the network once); fit an RTC or keep "
            "systemd-timesyncd's clock file on the data partition",
            "the clock says %s", now);
    } else if (!sysclock_is_synchronised()) {
        add(r, "clock", DOCTOR_WARN,
            "the kiosk works, and marks its scans as unsynchronised; check 'timedatectl "
            "timesync-status' and the NTP server in /etc/systemd/timesyncd.conf",
            "the clock (%s) is not synchronised", now);
    } else {
        add(r, "clock", DOCTOR_OK, NULL, "synchronised: %s", now);
    }
}

/* Splits a libpq password file line into its 5 fields host:port:database:user:password ('\\'
 * escapes ':' and '\\'), unescaped into fields[] (owned). Returns the number of fields. */
static int pgpass_fields(const char *line, size_t len, char *fields[5])
{
    int n = 0;
    struct strbuf field = {0};
    for (size_t i = 0; i <= len; i++) {
        if (i == len || (line[i] == ':' && n < 4)) {
            fields[n++] = strbuf_take(&field);
            if (fields[n - 1] == NULL)
                fields[n - 1] = xstrdup("");
        } else if (line[i] == '\\' && i + 1 < len) {
            strbuf_putc(&field, line[++i]);
        } else {
            strbuf_putc(&field, line[i]);
        }
    }
    return n;
}

/* The sync daemon's password: /etc/portier/pgpass (a libpq password file), which the unit hands
 * to the daemon as a credential (LoadCredential=, PGPASSFILE=%d/pgpass). Adds the "credential"
 * result; returns the password of device's line (owned), or NULL. env_password: PGPASSWORD
 * from sync.env, the old way. */
static char *check_credential(const struct doctor_settings *s, struct doctor_report *r,
                              const char *device, const char *conninfo, const char *env_password)
{
    static const char fix_move[] =
        "put the password into /etc/portier/pgpass as one line '*:*:*:DEVICE:PASSWORD' "
        "(install -m 0600 -o root; see portier-sync(8)), then delete PGPASSWORD from sync.env: "
        "the unit passes the file as a credential (LoadCredential=), never in the environment; "
        "a certificate login (central add-device --cert) needs no password at all";
    bool cert = strstr(conninfo, "sslcert") != NULL;
    struct stat st;
    if (stat(s->pgpass_path, &st) == 0 && (st.st_mode & 077) != 0) {
        add(r, "credential", DOCTOR_FAIL, "chmod 0600 it (libpq also refuses such a file)",
            "%s is mode %04o: other users can read the password", s->pgpass_path,
            (unsigned)(st.st_mode & 07777));
        return NULL;
    }
    size_t len = 0;
    char *text = file_read_all(s->pgpass_path, &len), *password = NULL;
    int line_no = 1;
    for (const char *line = text; text != NULL && line < text + len; line_no++) {
        size_t n = strcspn(line, "\n");
        char *f[5] = {0};
        int n_fields = n == 0 || line[0] == '#' ? 5 : pgpass_fields(line, n, f);
        if (n_fields < 5) {
            add(r, "credential", DOCTOR_FAIL,
                "write it as host:port:database:user:password ('*' matches anything)",
                "%s:%d: %d fields, not 5", s->pgpass_path, line_no, n_fields);
            for (int i = 0; i < n_fields; i++)
                free(f[i]);
            free(password);
            free(text);
            return NULL;
        }
        if (password == NULL && f[3] != NULL &&
            (strcmp(f[3], device) == 0 || strcmp(f[3], "*") == 0))
            password = xstrdup(f[4]);
        for (int i = 0; i < 5; i++)
            free(f[i]);
        line += n + (line[n] == '\n');
    }
    free(text);
    if (env_password != NULL)
        add(r, "credential", DOCTOR_WARN, fix_move,
            "the password is in sync.env (PGPASSWORD): the daemon's environment holds it");
    else if (password != NULL)
        add(r, "credential", DOCTOR_OK, NULL, "%s has the password of %s (a credential)",
            s->pgpass_path, device);
    else if (cert)
        add(r, "credential", DOCTOR_OK, NULL, "certificate login: no password");
    else
        add(r, "credential", DOCTOR_WARN, fix_move,
            "%s has no password for %s: the server refuses the login unless it trusts this host",
            s->pgpass_path, device);
    return password;
}

/* The central server: sync.env names this device and its server answers. */
static void check_central(const struct doctor_settings *s, struct doctor_report *r,
                          const struct kiosk_conf *c)
{
    size_t len;
    char *text = file_read_all(s->sync_env_path, &len);
    if (text == NULL) {
        add(r, "central", DOCTOR_WARN,
            "write it from /usr/share/doc/portier/examples/sync.env (mode 0600) to share scans "
            "with the other kiosks",
            "%s: %s: this kiosk works alone", s->sync_env_path, strerror(errno));
        return;
    }
    char *device = config_env_value(text, len, "PORTIER_DEVICE");
    char *conninfo = config_env_value(text, len, "PORTIER_CENTRAL");
    char *password = config_env_value(text, len, "PGPASSWORD");
    free(text);
    if (device == NULL || conninfo == NULL) {
        add(r, "central", DOCTOR_FAIL, "set PORTIER_DEVICE and PORTIER_CENTRAL", "%s: no %s",
            s->sync_env_path, device == NULL ? "PORTIER_DEVICE" : "PORTIER_CENTRAL");
        goto end;
    }
    if (c->device != NULL && strcmp(device, c->device) != 0) {
        add(r, "central", DOCTOR_FAIL, "use the same device id in both files",
            "%s says PORTIER_DEVICE=%s but the kiosk is '%s'", s->sync_env_path, device, c->device);
        goto end;
    }
    char *stored = check_credential(s, r, device, conninfo, password);
    if (password == NULL) {
        password = stored;
        stored = NULL;
    }
    free(stored);
    if (!s->check_central) {
        add(r, "central", DOCTOR_SKIP, NULL, "not contacted (--no-central)");
        goto end;
    }
    /* The same connection the daemon makes, bounded: a kiosk offline is a warning only. */
    char *detail = NULL;
    if (central_probe(conninfo, password, &detail))
        add(r, "central", DOCTOR_OK, NULL, "connected to %s", detail);
    else
        add(r, "central", DOCTOR_WARN,
            "the kiosk keeps scanning and syncs when the server is back; check the network, "
            "PORTIER_CENTRAL and the password in /etc/portier/pgpass",
            "central server unreachable: %s", detail);
    free(detail);
end:
    if (password != NULL)
        sodium_memzero(password, strlen(password));
    free(device);
    free(conninfo);
    free(password);
}

bool doctor_run(const struct doctor_settings *s, struct doctor_report *report)
{
    struct kiosk_conf c = {0};
    config_init(&c.cfg, kiosk_keys, ARRAY_LEN(kiosk_keys));
    c.cfg.ignore_unknown_keys = true;
    if (getpwnam("portier") == NULL)
        add(report, "user", DOCTOR_WARN,
            "install the package, or run systemd-sysusers /usr/lib/sysusers.d/portier.conf",
            "no 'portier' system user");
    if (check_config(s, report, &c)) {
        check_bundle(s, report, &c);
        check_database(s, report, &c);
    }
    check_camera(s, report, &c);
    check_display(s, report, &c);
    check_clock(report);
    check_central(s, report, &c);
    config_finish(&c.cfg);
    return doctor_count(report, DOCTOR_FAIL) == 0;
}

size_t doctor_count(const struct doctor_report *report, enum doctor_status status)
{
    size_t n = 0;
    for (size_t i = 0; i < report->n; i++)
        n += report->results[i].status == status;
    return n;
}

static const char *const status_names[] = {"ok", "skip", "WARN", "FAIL"};

void doctor_print(const struct doctor_report *report, FILE *out, bool json)
{
    for (size_t i = 0; i < report->n; i++) {
        const struct doctor_result *res = &report->results[i];
        if (json) {
            struct strbuf sb = {0};
            strbuf_puts(&sb, "{\"check\":");
            strbuf_json_string(&sb, res->check);
            strbuf_puts(&sb, ",\"status\":");
            char lower[8];
            snprintf(lower, sizeof lower, "%s", status_names[res->status]);
            for (char *p = lower; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            strbuf_json_string(&sb, lower);
            strbuf_puts(&sb, ",\"what\":");
            strbuf_json_string(&sb, res->what);
            if (res->fix != NULL) {
                strbuf_puts(&sb, ",\"fix\":");
                strbuf_json_string(&sb, res->fix);
            }
            strbuf_puts(&sb, "}");
            fprintf(out, "%s\n", sb.data);
            strbuf_finish(&sb);
        } else {
            fprintf(out, "%-4s  %-8s  %s\n", status_names[res->status], res->check, res->what);
            if (res->fix != NULL)
                fprintf(out, "%16s%s\n", "fix: ", res->fix);
        }
    }
    if (!json)
        fprintf(out, "%zu failed, %zu warnings\n", doctor_count(report, DOCTOR_FAIL),
                doctor_count(report, DOCTOR_WARN));
}

void doctor_report_finish(struct doctor_report *report)
{
    for (size_t i = 0; i < report->n; i++) {
        free(report->results[i].what);
        free(report->results[i].fix);
    }
    free(report->results);
    report->results = NULL;
    report->n = 0;
}
