/* SPDX-License-Identifier: Apache-2.0 */
/* Badges issued at the door reach every kiosk through a real PostgreSQL (issue 15): kiosk A, a
 * real headless kiosk with its own device key printing to a real CUPS scheduler, registers a
 * walk-in and reprints a badge (the printed labels decode with zbar to the new tokens; a crash
 * before event.db changed is made good at the next start); kiosk B, before its sync daemon
 * pulled anything, admits the walk-in's badge as a new registration; once A's and B's sync
 * daemons ran, central holds the walk-in and the revocation, B admits the walk-in by name,
 * refuses the reprinted badge's old token (revoked) and admits the new one; a device key made
 * after B's bundle reaches B through central; once A's key is revoked and published, B refuses
 * the badges A signed, and the publish did not move the reprint's serial back. The report lists
 * the walk-in, identically from the kiosk logs and from central. What central refuses (a key
 * not published yet) is set aside without holding up the rest, and taken once it fits. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "cups_harness.h"
#include "devkey.h"
#include "event_db.h"
#include "file.h"
#include "pg_check.h"
#include "pg_harness.h"
#include "proc.h"
#include "shell.h"
#include "store.h"
#include "sysclock.h"
#include "token.h"
#include "util.h"
#include "walkin_fixture.h"

#define STAFF  "A0007" /* Pieter De Smet, staff, in tests/data/event/attendees.csv */
#define WALKIN "W10000000"
#define QUEUE  "desk-labels"

static char *dir;
static const char *bin;

/* The token of an attendee in badges/tokens.csv. */
static char *badge_token(const char *id)
{
    return walkin_fixture_token(dir, id);
}

/* Runs a headless entrance kiosk of bundle kdir (device, scan log db, English screen) on
 * input; returns its stdout. */
static char *kiosk(const char *kdir, const char *device, const char *db, const char *input)
{
    return walkin_fixture_kiosk(dir, bin, kdir, device, "entrance", db, "", input);
}

/* Runs one pass of the real sync daemon of a kiosk. */
static bool sync_once(const char *kdir, const char *device, const char *db, const char *conninfo)
{
    return walkin_fixture_sync(dir, bin, kdir, device, db, conninfo);
}

/* Waits (up to 60 s) until CUPS job `job` of the queue came out, then decodes its label (300
 * dpi, pdftoppm + zbarimg) into out. */
static void printed_token(const struct cups_harness *h, int job, char *out, size_t n)
{
    char pdf[CUPS_HARNESS_PATH], cmd[2048];
    cups_harness_output(h, QUEUE, job, pdf, sizeof pdf);
    struct stat st;
    for (int i = 0; i < 6000 && (stat(pdf, &st) != 0 || st.st_size == 0); i++)
        test_sleep_ms(10);
    snprintf(cmd, sizeof cmd,
             "pdftoppm -r 300 -gray -png -singlefile '%s' '%s.page' && "
             "zbarimg -q --raw '%s.page.png' 2>/dev/null",
             pdf, pdf, pdf);
    out[0] = '\0';
    FILE *p = popen(cmd, "r");
    if (p != NULL) {
        if (fgets(out, (int)n, p) == NULL)
            out[0] = '\0';
        pclose(p);
    }
    out[strcspn(out, "\r\n")] = '\0';
}

/* Kiosk A registers a walk-in and reprints A0003's badge, printing both; returns the walk-in's
 * and the reprint's tokens. */
static void desk_a(const struct cups_harness *h, char **walkin, char **reprint)
{
    char *kdir = path_join(dir, "ka"), *db = path_join(dir, "a.db"), *key = path_join(dir, "a.key");
    char *log = path_join(dir, "kiosk-a.log");
    char *argv[] = {(char *)bin, "kiosk",        kdir,     "--headless", "--camera",
                    "none",      "--scanner",    "stdin",  "--device",   "door-a",
                    "--room",    "entrance",     "--mode", "entry",      "--db",
                    db,          "--device-key", key,      "--printer",  QUEUE,
                    "--label",   "62mm",         NULL};
    struct proc a;
    proc_start(&a, argv, true, true, log);
    char *staff = badge_token(STAFF);
    char *line = xasprintf("{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Zoë Walkin\","
                           "\"organisation\":\"Zorgraad\",\"language\":\"nl\",\"category\":"
                           "\"attendee\"}\n",
                           staff);
    proc_feed(&a, line);
    CHECK_MSG(proc_wait_lines(&a, 2, 30000), "kiosk A said: %s", a.text.data ? a.text.data : "");
    *walkin = walkin_fixture_field(a.text.data ? a.text.data : "", NULL, "token");
    CHECK_MSG(a.text.data && strstr(a.text.data, "\"attendee\":\"" WALKIN "\"") &&
                  strstr(a.text.data, "\"printed\":true"),
              "%s", a.text.data ? a.text.data : "");
    char decoded[256];
    printed_token(h, 1, decoded, sizeof decoded);
    CHECK_MSG(strlen(*walkin) == TOKEN_TEXT_LEN && strcmp(decoded, *walkin) == 0,
              "job 1 decodes to '%s', the walk-in's token is '%s'", decoded, *walkin);
    free(line);
    line = xasprintf("{\"action\":\"reprint\",\"staff\":\"%s\",\"attendee\":\"A0003\"}\n", staff);
    proc_feed(&a, line);
    CHECK(proc_wait_lines(&a, 3, 30000));
    const char *third = strstr(a.text.data ? a.text.data : "", "{\"action\":\"reprint\"");
    CHECK_MSG(third != NULL && strstr(third, "\"revoked_serial\":0,\"printed\":true"), "%s",
              a.text.data ? a.text.data : "");
    *reprint = walkin_fixture_field(third ? third : "", NULL, "token");
    printed_token(h, 2, decoded, sizeof decoded);
    CHECK_MSG(strlen(*reprint) == TOKEN_TEXT_LEN && strcmp(decoded, *reprint) == 0,
              "job 2 decodes to '%s', the reprint's token is '%s'", decoded, *reprint);
    CHECK(proc_stop(&a) == 0);
    strbuf_finish(&a.text);
    free(line);
    free(staff);
    free(kdir);
    free(db);
    free(key);
    free(log);
}

/* A token for attendee num (serial 0) signed with the device key file name. */
static char *sign_with(const char *name, uint32_t event_id, uint32_t num)
{
    char *path = path_join(dir, name);
    char *text = file_read_all(path, NULL);
    struct device_key k;
    uint8_t sk[TOKEN_SECRET_KEY_LEN];
    uint32_t ev_id = 0;
    char err[256] = "";
    CHECK_MSG(text != NULL && devkey_file_parse(text, &ev_id, &k, sk, err, sizeof err), "%s", err);
    struct token t = {.event_id = event_id, .attendee_num = num, .serial = 0};
    char *out = xcalloc(1, TOKEN_TEXT_LEN + 1);
    CHECK(token_encode(&t, sk, out));
    free(text);
    free(path);
    return out;
}

/* walkins.csv of a report in dir/sub ("" when absent). */
static char *walkins_csv(const char *sub)
{
    char *path = xasprintf("%s/%s/walkins.csv", dir, sub);
    char *text = file_read_all(path, NULL);
    free(path);
    return text ? text : xstrdup("");
}

/* A meta value of a scan log (owned by the caller, "" when absent). */
static char *log_meta(const char *db, const char *device, const char *key)
{
    char *path = path_join(dir, db), *v = NULL;
    struct store *st = store_open(path, device);
    CHECK(st != NULL && store_get_meta(st, key, &v));
    store_close(st);
    free(path);
    return v ? v : xstrdup("");
}

/* A walk-in whose device key central does not know yet (made and bundled, not published): the
 * sync daemon sets the walk-in and its check-in aside, raises the alarm and still uploads the
 * kiosk's other scans; once the key is published, the next pass uploads both. */
static void test_quarantine(PGconn *c, const char *super, const char *conninfo)
{
    CHECK(test_sh("cd %s && %s device-key ev --device door-q --out q.key >/dev/null && %s bundle "
                  "ev --out kq >/dev/null",
                  dir, bin, bin) == 0);
    char *staff = badge_token(STAFF), *other = badge_token("A0001");
    char *input = xasprintf("{\"action\":\"register\",\"staff\":\"%s\",\"name\":\"Quinn Late\","
                            "\"language\":\"en\",\"category\":\"press\"}\n%s\n",
                            staff, other);
    char *in = path_join(dir, "input-q.txt");
    CHECK(file_write_atomic(in, input, strlen(input), 0644));
    CHECK(test_sh("cd %s && %s kiosk kq --headless --camera none --scanner stdin --device door-q "
                  "--room entrance --mode entry --db q.db --device-key q.key < %s >/dev/null "
                  "2>>kiosk.log",
                  dir, bin, in) == 0);
    CHECK(sync_once("kq", "door-q", "q.db", conninfo));
    char *quarantined = log_meta("q.db", "door-q", "sync.quarantined");
    char *alarm = log_meta("q.db", "door-q", "sync.alarm");
    CHECK_STR(quarantined, "2"); /* the walk-in, and its check-in that names them */
    CHECK_MSG(strstr(alarm, "not a published key of device \"door-q\"") != NULL ||
                  strstr(alarm, "is not in the published model") != NULL,
              "%s", alarm);
    CHECK_QUERY(c, "SELECT count(*) FROM portier.issues WHERE device_id = 'door-q'", "0");
    CHECK_QUERY(c, "SELECT string_agg(attendee, ',') FROM portier.scans WHERE device_id = 'door-q'",
                "A0001");
    free(quarantined);
    free(alarm);
    CHECK(test_sh("cd %s && %s central publish ev '%s' >/dev/null 2>>sync.log", dir, bin, super) ==
          0);
    CHECK(sync_once("kq", "door-q", "q.db", conninfo));
    quarantined = log_meta("q.db", "door-q", "sync.quarantined");
    CHECK_STR(quarantined, "0");
    CHECK_QUERY(c,
                "SELECT name FROM portier.attendees WHERE id IN (SELECT attendee FROM"
                " portier.issues WHERE device_id = 'door-q')",
                "Quinn Late");
    CHECK_QUERY(c, "SELECT count(*) FROM portier.scans WHERE device_id = 'door-q'", "2");
    free(quarantined);
    free(in);
    free(input);
    free(staff);
    free(other);
}

static void run(struct pg_harness *pg, const struct cups_harness *h)
{
    PGconn *c = central_connect(pg_harness_conninfo(pg));
    CHECK(c != NULL);
    char *event_db = path_join(dir, "ev/event.db");
    CHECK(central_migrate(c, central_migrations, central_migration_count, NULL));
    CHECK(central_publish(c, event_db, false, NULL));
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    const char *rooms[] = {"entrance"};
    char *conn_a = central_add_login(c, CENTRAL_DEVICE, "door-a", CENTRAL_AUTH_PASSWORD, rooms, 1,
                                     "127.0.0.1", port);
    char *conn_b = central_add_login(c, CENTRAL_DEVICE, "door-b", CENTRAL_AUTH_PASSWORD, rooms, 1,
                                     "127.0.0.1", port);
    char *org = central_add_login(c, CENTRAL_ORGANISER, "reporter", CENTRAL_AUTH_PASSWORD, NULL, 0,
                                  "127.0.0.1", port);
    CHECK(conn_a != NULL && conn_b != NULL && org != NULL);
    if (conn_a == NULL || conn_b == NULL || org == NULL)
        return;
    uint32_t event_id = 0;
    CHECK(event_read_id(event_db, &event_id));

    char *walkin = NULL, *reprint = NULL;
    desk_a(h, &walkin, &reprint);
    char *old = badge_token("A0003");

    /* A crash between the scan log's record and event.db: A's log on a bundle without the
     * changes. The kiosk applies them again when it starts. */
    CHECK(test_sh("cd %s && %s bundle ev --out ka2 >/dev/null && for f in a.db a.db-wal; do "
                  "if [ -e $f ]; then cp $f a2${f#a}; fi; done",
                  dir, bin) == 0);
    char *input = xasprintf("%s\n%s\n", walkin, old);
    char *out = kiosk("ka2", "door-a", "a2.db", input);
    CHECK_MSG(strstr(out, "\"attendee\":\"" WALKIN "\",\"name\":\"Zoë Walkin\"") != NULL &&
                  strstr(out, "\"attendee\":\"A0003\",\"name\":\"Ngọc Anh\",\"result\":"
                              "\"denied\",\"reason\":\"revoked\"") != NULL,
              "replayed: %s", out);
    free(out);
    free(input);

    /* B has pulled nothing: the walk-in's badge is a new registration, admitted. */
    input = xasprintf("%s\n", walkin);
    out = kiosk("kb", "door-b", "b.db", input);
    CHECK_MSG(strstr(out, "\"attendee\":\"" WALKIN "\",\"name\":\"New registration\"") &&
                  strstr(out, "\"result\":\"admitted\",\"reason\":\"ok\""),
              "%s", out);
    free(out);
    free(input);

    /* The sync daemons: A uploads the walk-in and the reprint, central merges them, B pulls. */
    CHECK(sync_once("ka", "door-a", "a.db", conn_a));
    CHECK_QUERY(c, "SELECT count(*) FROM portier.issues WHERE device_id = 'door-a'", "2");
    CHECK_QUERY(c,
                "SELECT name || '/' || organisation || '/' || serial FROM portier.attendees"
                " WHERE id = '" WALKIN "'",
                "Zoë Walkin/Zorgraad/0");
    CHECK_QUERY(c,
                "SELECT a.serial || '/' || count(r.*) FROM portier.attendees AS a"
                " JOIN portier.revocations AS r ON r.num = a.num AND r.serial = 0"
                " WHERE a.id = 'A0003' GROUP BY a.serial",
                "1/1");
    CHECK(sync_once("kb", "door-b", "b.db", conn_b));
    /* B's check-in of the walk-in fit the model once A's upload merged it. */
    CHECK_QUERY(c,
                "SELECT count(*) FROM portier.scans WHERE device_id = 'door-b'"
                " AND attendee = '" WALKIN "'",
                "1");
    input = xasprintf("%s\n%s\n%s\n", walkin, old, reprint);
    out = kiosk("kb", "door-b", "b2.db", input);
    char *want = xasprintf("\"attendee\":\"" WALKIN "\",\"name\":\"Zoë Walkin\"");
    CHECK_MSG(strstr(out, want) != NULL, "%s", out);
    CHECK_MSG(strstr(out, "\"attendee\":\"A0003\",\"name\":\"Ngọc Anh\",\"result\":\"denied\","
                          "\"reason\":\"revoked\"") != NULL,
              "%s", out);
    CHECK_MSG(strstr(out, "\"attendee\":\"A0003\",\"name\":\"Ngọc Anh\",\"result\":\"admitted\","
                          "\"reason\":\"ok\"") != NULL,
              "%s", out);
    free(want);
    free(out);
    free(input);

    /* A key certified after B's bundle reaches B through central. */
    CHECK(test_sh("cd %s && %s device-key ev --device desk-c --out c.key >/dev/null && %s central "
                  "publish ev '%s' >/dev/null 2>>sync.log",
                  dir, bin, bin, pg_harness_conninfo(pg)) == 0);
    char *from_c = sign_with("c.key", event_id, 10); /* A0010, Emma Claes, serial 0 */
    input = xasprintf("%s\n", from_c);
    out = kiosk("kb", "door-b", "b3.db", input);
    CHECK_MSG(strstr(out, "\"reason\":\"invalid\"") != NULL, "before the pull: %s", out);
    free(out);
    CHECK(sync_once("kb", "door-b", "b.db", conn_b));
    out = kiosk("kb", "door-b", "b4.db", input);
    CHECK_MSG(
        strstr(out, "\"attendee\":\"A0010\",\"name\":\"Emma Claes\",\"result\":\"admitted\"") !=
            NULL,
        "after the pull: %s", out);
    free(out);
    free(input);

    /* A's key revoked and published: B refuses the badges A signed once it pulled. */
    CHECK(test_sh("cd %s && %s device-key ev --revoke door-a >/dev/null && %s central publish ev "
                  "'%s' >/dev/null 2>>sync.log",
                  dir, bin, bin, pg_harness_conninfo(pg)) == 0);
    CHECK_QUERY(c, "SELECT revoked_at IS NOT NULL FROM portier.device_keys WHERE device = 'door-a'",
                "t");
    /* The event folder never saw A's reprint: publishing it does not move the serial back. */
    CHECK_QUERY(c, "SELECT serial FROM portier.attendees WHERE id = 'A0003'", "1");
    CHECK(sync_once("kb", "door-b", "b.db", conn_b));
    input = xasprintf("%s\n", reprint);
    out = kiosk("kb", "door-b", "b5.db", input);
    CHECK_MSG(strstr(out, "\"result\":\"denied\",\"reason\":\"revoked\"") != NULL, "%s", out);
    free(out);
    free(input);

    /* walkins.csv: the same from the kiosk logs as from central. */
    CHECK(test_sh("cd %s && %s report --db a.db --db b.db --event ev --out rep-db >/dev/null "
                  "2>>report.log && %s report --central '%s' --event ev --out rep-central "
                  ">/dev/null 2>>report.log",
                  dir, bin, bin, org) == 0);
    char *from_db = walkins_csv("rep-db"), *from_central = walkins_csv("rep-central");
    CHECK_MSG(strncmp(from_db,
                      "attendee_id,name,organisation,category,registered_at,device,staff\r\n" WALKIN
                      ",Zoë Walkin,Zorgraad,attendee,",
                      strlen("attendee_id,name,organisation,category,registered_at,device,"
                             "staff\r\n" WALKIN ",Zoë Walkin,Zorgraad,attendee,")) == 0 &&
                  strstr(from_db, ",door-a," STAFF) != NULL,
              "%s", from_db);
    CHECK_STR(from_central, from_db);
    free(from_db);
    free(from_central);

    char *conn_q = central_add_login(c, CENTRAL_DEVICE, "door-q", CENTRAL_AUTH_PASSWORD, rooms, 1,
                                     "127.0.0.1", port);
    CHECK(conn_q != NULL);
    if (conn_q != NULL)
        test_quarantine(c, pg_harness_conninfo(pg), conn_q);
    free(conn_q);
    free(old);
    free(from_c);
    free(walkin);
    free(reprint);
    free(conn_a);
    free(conn_b);
    free(org);
    free(event_db);
    PQfinish(c);
}

int main(void)
{
    bin = getenv("PORTIER_BIN");
    const char *data = getenv("PORTIER_TEST_DATA");
    char tmpl[] = "/tmp/portier-walkin-sync-XXXXXX";
    dir = xstrdup(mkdtemp(tmpl));
    /* B's bundle is A's (walkin_fixture.h). */
    CHECK(walkin_fixture_make(dir, bin, data));
    struct pg_harness *pg = pg_harness_start(NULL);
    struct cups_harness *h = cups_harness_start();
    CHECK(pg != NULL && h != NULL);
    if (h != NULL)
        CHECK(cups_harness_add_queue(h, QUEUE));
    if (pg != NULL && h != NULL)
        run(pg, h);
    if (check_failed > 0 && h != NULL)
        cups_harness_print_log(h);
    if (check_failed > 0)
        test_sh("cd %s && tail -n 30 kiosk-a.log kiosk.log sync.log report.log >&2", dir);
    cups_harness_destroy(h);
    pg_harness_destroy(pg);
    test_sh("rm -rf %s", dir);
    free(dir);
    return check_done();
}
