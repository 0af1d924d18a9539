/* SPDX-License-Identifier: Apache-2.0 */
/* portier doctor (doctor.h) on a real kiosk set-up in a temp dir: a bundle, a kiosk.conf, a
 * scan log, a synthetic camera and a stand-in /sys/class/drm; then each thing broken in turn
 * must turn its check to FAIL (or WARN) with a fix. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "shell.h"
#include "doctor.h"
#include "store.h"
#include "util.h"
#include "file.h"

static char *dir;

/* Writes dir/name with text. */
static char *put(const char *name, const char *text)
{
    char *path = path_join(dir, name);
    CHECK(file_write_atomic(path, text, strlen(text), 0644));
    return path;
}

/* The status of the first result of check, or -1 when there is none. */
static int status_of(const struct doctor_report *r, const char *check)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->results[i].check, check) == 0)
            return (int)r->results[i].status;
    }
    return -1;
}

/* What the first result of check found, or "" when there is none. */
static const char *what_of(const struct doctor_report *r, const char *check)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->results[i].check, check) == 0)
            return r->results[i].what;
    }
    return "";
}

/* The worst status of check (several database/disk lines may be present). */
static int worst_of(const struct doctor_report *r, const char *check)
{
    int worst = -1;
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->results[i].check, check) == 0 && (int)r->results[i].status > worst)
            worst = (int)r->results[i].status;
    }
    return worst;
}

/* Runs the doctor with s and returns the report (caller finishes it). */
static struct doctor_report doctor(const struct doctor_settings *s, bool *ok)
{
    struct doctor_report r = {0};
    *ok = doctor_run(s, &r);
    for (size_t i = 0; i < r.n; i++) {
        /* Every problem comes with a fix. */
        if (r.results[i].status >= DOCTOR_WARN)
            CHECK_MSG(r.results[i].fix != NULL, "%s has no fix", r.results[i].check);
    }
    return r;
}

int main(void)
{
    const char *bin = getenv("PORTIER_BIN");
    const char *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-doctor-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    CHECK(test_sh("cd %s && %s init ev --name Doctor --timezone Europe/Brussels --rooms "
                  "%s/event/rooms.csv --sessions %s/event/sessions.csv --attendees "
                  "%s/event/attendees.csv >/dev/null && %s bundle ev --out kiosk >/dev/null",
                  dir, bin, data, data, data, bin) == 0);

    char *conf = xasprintf("[kiosk]\n# a comment\ndevice = door-1\nroom = aula\n"
                           "db = %s/scans.db\ncamera = synth\nheadless = false\n"
                           "[other]\ndevice = not-this-one\n",
                           dir);
    char *conf_path = put("kiosk.conf", conf);
    free(conf);
    char *kiosk_dir = path_join(dir, "kiosk");
    char *drm = path_join(dir, "drm");
    char *connector = path_join(drm, "card1-HDMI-A-1");
    CHECK(mkdir_p(connector));
    char *status = path_join(connector, "status");
    CHECK(file_write_atomic(status, "connected\n", 10, 0644));
    char *env_path = path_join(dir, "sync.env");

    struct doctor_settings s;
    doctor_settings_default(&s);
    s.config_path = conf_path;
    s.kiosk_dir = kiosk_dir;
    s.sync_env_path = env_path;
    s.drm_dir = drm;
    s.camera_seconds = 5;
    s.check_central = false;

    /* A good set-up, before the first start: no scan log yet, no central. */
    bool ok;
    struct doctor_report r = doctor(&s, &ok);
    CHECK(status_of(&r, "config") == DOCTOR_OK);
    CHECK(status_of(&r, "bundle") == DOCTOR_OK);
    CHECK(worst_of(&r, "database") == DOCTOR_OK);
    CHECK(status_of(&r, "disk") != DOCTOR_FAIL);
    CHECK(status_of(&r, "camera") == DOCTOR_OK);
    CHECK(status_of(&r, "display") == DOCTOR_OK);
    CHECK(status_of(&r, "clock") != -1);
    CHECK(status_of(&r, "central") == DOCTOR_WARN);
    CHECK(doctor_count(&r, DOCTOR_FAIL) == 0 || status_of(&r, "clock") == DOCTOR_FAIL);
    FILE *out = tmpfile();
    doctor_print(&r, out, true);
    rewind(out);
    char line[2048];
    CHECK(fgets(line, sizeof line, out) != NULL && strncmp(line, "{\"check\":", 9) == 0);
    fclose(out);
    doctor_report_finish(&r);

    /* With a scan log: healthy, with its counts. */
    char *db = path_join(dir, "scans.db");
    struct store *st = store_open(db, "door-1");
    CHECK(st != NULL);
    store_close(st);
    r = doctor(&s, &ok);
    CHECK(worst_of(&r, "database") == DOCTOR_OK);
    bool counted = false;
    for (size_t i = 0; i < r.n; i++)
        counted |= strcmp(r.results[i].check, "database") == 0 &&
                   strstr(r.results[i].what, "healthy, 0 scans") != NULL;
    CHECK(counted);
    doctor_report_finish(&r);

    /* Another device's scan log is refused. */
    conf = xasprintf("[kiosk]\ndevice = door-2\nroom = aula\ndb = %s\ncamera = none\n", db);
    free(put("kiosk.conf", conf));
    free(conf);
    r = doctor(&s, &ok);
    CHECK(!ok);
    CHECK(worst_of(&r, "database") == DOCTOR_FAIL);
    CHECK(status_of(&r, "camera") == DOCTOR_SKIP);
    doctor_report_finish(&r);

    /* Not a database at all. */
    char *junk = put("junk.db", "this is not SQLite, it is a shopping list\n");
    conf = xasprintf("[kiosk]\ndevice = door-1\nroom = aula\ndb = %s\ncamera = none\n", junk);
    free(put("kiosk.conf", conf));
    free(conf);
    r = doctor(&s, &ok);
    CHECK(!ok && worst_of(&r, "database") == DOCTOR_FAIL);
    doctor_report_finish(&r);

    /* A room the event does not have; a camera that is not there; no screen connected. */
    conf = xasprintf("[kiosk]\ndevice = door-1\nroom = no-such-room\ndb = %s\n"
                     "camera = v4l2:/dev/video-portier-missing\n",
                     db);
    free(put("kiosk.conf", conf));
    free(conf);
    CHECK(file_write_atomic(status, "disconnected\n", 13, 0644));
    r = doctor(&s, &ok);
    CHECK(!ok);
    CHECK(status_of(&r, "bundle") == DOCTOR_FAIL);
    CHECK(status_of(&r, "camera") == DOCTOR_FAIL);
    CHECK(status_of(&r, "display") == DOCTOR_FAIL);
    doctor_report_finish(&r);

    /* Headless: no display needed. sync.env for another device: refused. */
    conf = xasprintf("[kiosk]\ndevice = door-1\nroom = aula\ndb = %s\ncamera = none\n"
                     "headless = true\n",
                     db);
    free(put("kiosk.conf", conf));
    free(conf);
    free(put("sync.env", "# comment\nPORTIER_DEVICE=door-9\nPORTIER_CENTRAL='host=x'\n"));
    r = doctor(&s, &ok);
    CHECK(status_of(&r, "display") == DOCTOR_SKIP);
    CHECK(status_of(&r, "central") == DOCTOR_FAIL);
    doctor_report_finish(&r);
    free(put("sync.env", "PORTIER_DEVICE=door-1\nPORTIER_CENTRAL=\"host=x\"\n"));
    r = doctor(&s, &ok);
    CHECK(status_of(&r, "central") == DOCTOR_SKIP);
    doctor_report_finish(&r);

    /* The password: none, in sync.env (the old way), or in the credential file (pgpass). */
    char *pgpass = path_join(dir, "pgpass");
    s.pgpass_path = pgpass;
    r = doctor(&s, &ok);
    CHECK(status_of(&r, "credential") == DOCTOR_WARN);
    CHECK(strstr(what_of(&r, "credential"), "no password for door-1") != NULL);
    doctor_report_finish(&r);
    free(put("sync.env", "PORTIER_DEVICE=door-1\nPORTIER_CENTRAL=\"host=x\"\nPGPASSWORD=s3\n"));
    r = doctor(&s, &ok);
    CHECK(status_of(&r, "credential") == DOCTOR_WARN);
    CHECK(strstr(what_of(&r, "credential"), "in sync.env") != NULL);
    doctor_report_finish(&r);
    free(put("sync.env", "PORTIER_DEVICE=door-1\nPORTIER_CENTRAL=\"host=x\"\n"));
    const char *good = "# the device's password\n\nhost\\:x:*:*:door-1:pa\\:ss\n";
    CHECK(file_write_atomic(pgpass, good, strlen(good), 0600));
    r = doctor(&s, &ok);
    CHECK_MSG(status_of(&r, "credential") == DOCTOR_OK, "%s", what_of(&r, "credential"));
    doctor_report_finish(&r);
    CHECK(chmod(pgpass, 0640) == 0);
    r = doctor(&s, &ok);
    CHECK(!ok && status_of(&r, "credential") == DOCTOR_FAIL);
    CHECK(strstr(what_of(&r, "credential"), "mode 0640") != NULL);
    doctor_report_finish(&r);
    CHECK(file_write_atomic(pgpass, "*:*:*:door-2:x\nhost:5432:door-1\n", 31, 0600));
    r = doctor(&s, &ok);
    CHECK(!ok && status_of(&r, "credential") == DOCTOR_FAIL);
    CHECK(strstr(what_of(&r, "credential"), "pgpass:2: 3 fields, not 5") != NULL);
    doctor_report_finish(&r);
    CHECK(file_write_atomic(pgpass, "*:*:*:door-2:x\n", 15, 0600));
    r = doctor(&s, &ok);
    CHECK(status_of(&r, "credential") == DOCTOR_WARN);
    doctor_report_finish(&r);
    /* A certificate login needs no password. */
    free(put("sync.env", "PORTIER_DEVICE=door-1\nPORTIER_CENTRAL='host=x sslcert=door-1.crt'\n"));
    r = doctor(&s, &ok);
    CHECK(status_of(&r, "credential") == DOCTOR_OK);
    CHECK(strstr(what_of(&r, "credential"), "certificate") != NULL);
    doctor_report_finish(&r);
    s.pgpass_path = "/nonexistent/pgpass";
    free(pgpass);

    /* No configuration, or one without a device. */
    free(put("kiosk.conf", "[kiosk]\nroom = aula\n"));
    r = doctor(&s, &ok);
    CHECK(!ok && status_of(&r, "config") == DOCTOR_FAIL);
    doctor_report_finish(&r);
    s.config_path = "/nonexistent/kiosk.conf";
    r = doctor(&s, &ok);
    CHECK(!ok && status_of(&r, "config") == DOCTOR_FAIL);
    doctor_report_finish(&r);

    /* A directory for a file, and a file the kiosk would refuse: said, with the line. */
    s.config_path = dir;
    r = doctor(&s, &ok);
    CHECK(!ok && status_of(&r, "config") == DOCTOR_FAIL);
    CHECK(strstr(what_of(&r, "config"), "is a directory") != NULL);
    doctor_report_finish(&r);
    s.config_path = conf_path;
    free(put("kiosk.conf", "[kiosk]\ndevice = door-1\nroom = aula\ndevice = door-2\n"));
    r = doctor(&s, &ok);
    CHECK(!ok && status_of(&r, "config") == DOCTOR_FAIL);
    CHECK(strstr(what_of(&r, "config"), "kiosk.conf:4: 'device' is set twice") != NULL);
    doctor_report_finish(&r);

    free(junk);
    free(db);
    free(env_path);
    free(status);
    free(connector);
    free(drm);
    free(kiosk_dir);
    free(conf_path);
    CHECK(test_sh("rm -rf %s", dir) == 0);
    free(dir);
    return check_done();
}
