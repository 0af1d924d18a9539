/* SPDX-License-Identifier: Apache-2.0 */
/* Staff actions by name at a real headless kiosk (`portier kiosk --scanner stdin`, DESIGN.md
 * §7): find a person (folded, word prefixes, state, never an e-mail), admit by hand (reason
 * manual, the staff member's id in the line and the scan log), the room's rules applied to it
 * (a full room refuses), every refusal answered with an error line that changes nothing; and a
 * manual admission synced through a real PostgreSQL: central holds it with reason manual and
 * the staff id, and another kiosk that pulled it counts the person inside. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "central.h"
#include "check.h"
#include "csv.h"
#include "event_fixture.h"
#include "pg_harness.h"
#include "shell.h"
#include "store.h"
#include "util.h"
#include "file.h"

#define STAFF "A0007" /* Pieter De Smet, staff, in tests/data/event/attendees.csv */
#define TIME  "\"time\":\"2024-04-22T08:00:00+02:00\""

static char *dir;
static const char *bin;
static struct event_tokens badges;

static void setup(void)
{
    bin = getenv("PORTIER_BIN");
    CHECK(event_fixture_data_event("kiosk-staff", "kiosk", &dir, &badges));
    CHECK(badges.n >= 20);
}

/* Runs a headless kiosk on the bundle `bundle` with input on stdin; returns its stdout. */
static char *kiosk(const char *bundle, const char *args, const char *input, int *rc)
{
    char *in = path_join(dir, "input.txt");
    char *out = path_join(dir, "output.txt");
    CHECK(file_write_atomic(in, input, strlen(input), 0644));
    *rc = test_sh("cd %s && %s kiosk %s --headless --camera none --scanner stdin %s < %s > %s "
                  "2>>kiosk.log",
                  dir, bin, bundle, args, in, out);
    char *text = file_read_all(out, NULL);
    free(in);
    free(out);
    return text ? text : xstrdup("");
}

/* The n-th line (from 0) of text, owned by the caller ("" when there is none). */
static char *line_of(const char *text, size_t n)
{
    for (; n > 0 && text != NULL; n--) {
        text = strchr(text, '\n');
        text = text ? text + 1 : NULL;
    }
    if (text == NULL)
        return xstrdup("");
    const char *end = strchr(text, '\n');
    return xstrndup(text, end ? (size_t)(end - text) : strlen(text));
}

static void check_line(const char *out, size_t n, const char *want)
{
    char *line = line_of(out, n);
    CHECK_STR(line, want);
    free(line);
}

static bool line_has(const char *out, size_t n, const char *part)
{
    char *line = line_of(out, n);
    bool ok = strstr(line, part) != NULL;
    if (!ok)
        fprintf(stderr, "line %zu: '%s' lacks '%s'\n", n, line, part);
    free(line);
    return ok;
}

static size_t count_newlines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The scans of a log: "attendee/reason/staff" per scan, space-separated. */
static bool collect(const struct scan *s, void *ctx)
{
    strbuf_printf(ctx, "%s%s/%s/%s", ((struct strbuf *)ctx)->len ? " " : "", s->attendee,
                  scan_reason_name(s->reason), s->staff);
    return true;
}
static char *log_scans(const char *db, const char *device)
{
    char *path = path_join(dir, db);
    struct store *st = store_open(path, device);
    free(path);
    struct strbuf sb = {0};
    strbuf_puts(&sb, "");
    int64_t last = 0;
    CHECK(st != NULL && store_read_scans(st, 0, collect, &sb, &last));
    store_close(st);
    return strbuf_take(&sb);
}

/* Find and admit at the entrance, as the contract spells the lines. */
static void test_find_admit(void)
{
    struct strbuf in = {0};
    const char *st = event_fixture_token(&badges, STAFF);
    strbuf_printf(&in, "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"francoise\"," TIME "}\n",
                  st);
    strbuf_printf(&in, "{\"action\":\"admit\",\t\"staff\":\"%s\",\"attendee\":\"A0001\"}\n", st);
    strbuf_printf(&in, "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"DIEUDONNÉ\"}\n", st);
    strbuf_printf(&in, "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"van den\"}\n", st);
    strbuf_printf(&in, "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"fraunhofer\"}\n", st);
    strbuf_printf(&in, "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"ngoc\"}\n", st);
    strbuf_printf(&in, "2024-04-22T08:01:00+02:00\t%s\n",
                  event_fixture_token(&badges, "A0003")); /* a badge too */
    strbuf_printf(&in, "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"ngoc\"}\n", st);
    /* A refused action does not move the replay's clock either. */
    strbuf_printf(&in,
                  "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"x\",\"time\":"
                  "\"2024-04-22T23:00:00+02:00\"}\n",
                  st);
    strbuf_printf(&in, "{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A0006\"}\n", st);
    int rc;
    char *out =
        kiosk("kiosk", "--device door-e --room entrance --mode toggle --db e.db", in.data, &rc);
    CHECK(rc == 0);
    check_line(out, 0,
               "{\"action\":\"find\",\"results\":[{\"attendee\":\"A0001\",\"name\":\"Françoise "
               "Dieudonné\",\"organisation\":\"Université libre de Bruxelles\",\"category\":"
               "\"attendee\",\"state\":\"not_checked_in\",\"room\":null}],\"total\":1}");
    check_line(out, 1,
               "{\"seq\":1,\"time\":\"2024-04-22T08:00:00+02:00\",\"device\":\"door-e\","
               "\"room\":\"entrance\",\"session\":null,\"attendee\":\"A0001\",\"name\":"
               "\"Françoise Dieudonné\",\"result\":\"admitted\",\"reason\":\"manual\","
               "\"occupancy\":1,\"capacity\":null,\"staff\":\"" STAFF "\"}");
    CHECK(line_has(out, 2, "\"attendee\":\"A0001\"") && line_has(out, 2, "\"state\":\"inside\""));
    CHECK(line_has(out, 3, "\"attendee\":\"A0028\"") && line_has(out, 3, "\"total\":1}"));
    CHECK(line_has(out, 4, "\"attendee\":\"A0029\"") && line_has(out, 4, "\"total\":1}"));
    CHECK(line_has(out, 5, "\"name\":\"Ngọc Anh\"") &&
          line_has(out, 5, "\"state\":\"not_checked_in\""));
    CHECK(line_has(out, 6, "\"attendee\":\"A0003\"") && line_has(out, 6, "\"reason\":\"ok\""));
    CHECK(line_has(out, 7, "\"state\":\"inside\""));
    CHECK(line_has(out, 8, "\"error\":\"query_too_short\""));
    CHECK(line_has(out, 9, "\"seq\":3,\"time\":\"2024-04-22T08:01:00+02:00\"") &&
          line_has(out, 9, "\"attendee\":\"A0006\"") && line_has(out, 9, "\"reason\":\"manual\""));
    CHECK(strchr(out, '@') == NULL); /* never an e-mail address */
    char *scans = log_scans("e.db", "door-e");
    CHECK_STR(scans, "A0001/manual/" STAFF " A0003/ok/ A0006/manual/" STAFF);
    free(scans);
    free(out);
    strbuf_finish(&in);
}

/* Every refusal answers an error line and changes nothing. */
static void test_errors(void)
{
    struct strbuf in = {0};
    const char *st = event_fixture_token(&badges, STAFF),
               *not_staff = event_fixture_token(&badges, "A0001");
    const char *lines[] = {
        "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"f\"}",
        "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\" - \"}",
        "{\"action\":\"find\",\"staff\":\"%s\"}",
        "{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A9999\"}",
        "{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A0001\",\"time\":\"yesterday\"}",
        "{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A0001\",\"time\":"
        "\"1999-01-01T00:00:00Z\"}",
        "{\"action\":\"fly\",\"staff\":\"%s\"}",
        "{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A0001\"",
        "{\"staff\":\"%s\"}",
    };
    for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
        strbuf_printf(&in, lines[i], st);
        strbuf_putc(&in, '\n');
    }
    strbuf_printf(&in, "{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A0002\"}\n",
                  not_staff);
    strbuf_printf(&in, "{\"action\":\"admit\",\"staff\":\"NOTABADGE\",\"attendee\":\"A0002\"}\n");
    strbuf_printf(&in, "{\"action\":\"admit\",\"attendee\":\"A0002\"}\n");
    int rc;
    char *out = kiosk("kiosk", "--device door-x --room aula --mode entry --db x.db", in.data, &rc);
    CHECK(rc == 0);
    const char *want[] = {
        "{\"action\":\"find\",\"error\":\"query_too_short\",\"message\":\"type at least 2 letters "
        "or digits of a name or organisation\"}",
        "{\"action\":\"find\",\"error\":\"query_too_short\",",
        "{\"action\":\"find\",\"error\":\"missing_field\",\"message\":\"\\\"query\\\" is required",
        "{\"action\":\"admit\",\"error\":\"unknown_attendee\",\"message\":\"no attendee 'A9999'",
        "{\"action\":\"admit\",\"error\":\"bad_time\",\"message\":\"\\\"time\\\" must be ISO 8601",
        "{\"action\":\"admit\",\"error\":\"bad_time\",\"message\":\"\\\"time\\\" must be from 2020",
        "{\"action\":\"fly\",\"error\":\"unknown_action\",",
        "{\"action\":null,\"error\":\"bad_json\",\"message\":\"byte ",
        "{\"action\":null,\"error\":\"missing_field\",\"message\":\"\\\"action\\\" is required",
        "{\"action\":\"admit\",\"error\":\"not_staff\",\"message\":\"the badge of A0001 is not a "
        "staff badge (attendee)\"}",
        "{\"action\":\"admit\",\"error\":\"not_staff\",\"message\":\"the staff badge is refused "
        "(invalid)\"}",
        "{\"action\":\"admit\",\"error\":\"not_staff\",\"message\":\"\\\"staff\\\" must be",
    };
    for (size_t i = 0; i < ARRAY_LEN(want); i++)
        CHECK(line_has(out, i, want[i]));
    char *extra = line_of(out, ARRAY_LEN(want));
    CHECK_STR(extra, "");
    free(extra);
    char *scans = log_scans("x.db", "door-x");
    CHECK_STR(scans, ""); /* nothing changed */
    free(scans);
    free(out);
    strbuf_finish(&in);
}

/* A full room refuses an admission by hand as it refuses a badge. */
static void test_room_full(void)
{
    struct strbuf in = {0};
    /* lab.1 holds 12: every badge but A0001's fills it (a speaker, never refused, makes 13). */
    for (size_t i = 0; i < badges.n; i++) {
        if (strcmp(badges.ids[i], "A0001") != 0)
            strbuf_printf(&in, "2024-04-22T09:%02zu:00+02:00\t%s\n", 10 + i, badges.tokens[i]);
    }
    strbuf_printf(&in, "{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A0001\"}\n",
                  event_fixture_token(&badges, STAFF));
    int rc;
    char *out =
        kiosk("kiosk", "--device door-lab --room lab.1 --mode entry --db lab.db", in.data, &rc);
    CHECK(rc == 0);
    size_t last = badges.n - 1;
    CHECK(line_has(out, last - 1, "\"reason\":\"room_full\""));
    CHECK(line_has(out, last, "\"attendee\":\"A0001\""));
    CHECK(line_has(out, last,
                   "\"result\":\"denied\",\"reason\":\"room_full\",\"occupancy\":13,\"capacity\":"
                   "12,\"staff\":\"" STAFF "\"}"));
    char *scans = log_scans("lab.db", "door-lab");
    CHECK(strstr(scans, " A0001/room_full/" STAFF) != NULL);
    free(scans);
    free(out);
    strbuf_finish(&in);
}

static long number(PGconn *c, const char *sql, char *text, size_t size)
{
    PGresult *r = PQexec(c, sql);
    long v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        v = atol(PQgetvalue(r, 0, 0));
        if (text != NULL)
            snprintf(text, size, "%s", PQgetvalue(r, 0, 0));
    } else {
        fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    }
    PQclear(r);
    return v;
}

/* manual_admissions.csv of a report in dir/sub, "" when absent. */
static char *manual_csv(const char *sub)
{
    char *path = xasprintf("%s/%s/manual_admissions.csv", dir, sub);
    char *text = file_read_all(path, NULL);
    free(path);
    return text ? text : xstrdup("");
}

/* The report lists the admission by hand per door and staff member, once, from the kiosk
 * logs (the entrance's and the aula's pulled copy) as from central. */
static void check_reports(PGconn *c)
{
    char *org = central_add_login(c, CENTRAL_ORGANISER, "reporter", CENTRAL_AUTH_PASSWORD, NULL, 0,
                                  "127.0.0.1", NULL);
    CHECK(org != NULL);
    CHECK(
        test_sh("cd %s && %s report --db ent.db --db aula.db --event ev --lang en --out rep-kiosks "
                ">/dev/null 2>>report.log",
                dir, bin) == 0);
    CHECK(org != NULL && test_sh("cd %s && %s report --central \"%s\" --event ev --lang en --out "
                                 "rep-central >/dev/null 2>>report.log",
                                 dir, bin, org) == 0);
    const char *subs[] = {"rep-kiosks", "rep-central"};
    for (size_t i = 0; i < ARRAY_LEN(subs); i++) {
        char *csv = manual_csv(subs[i]);
        CHECK_MSG(strstr(csv, "device,staff,staff_name,admitted") == csv &&
                      strstr(csv, "\nent," STAFF ",Pieter De Smet,1") != NULL &&
                      count_newlines(csv) == 2,
                  "%s: %s", subs[i], csv);
        free(csv);
        char *html = xasprintf("%s/%s/report.html", dir, subs[i]);
        char *page = file_read_all(html, NULL);
        CHECK(page != NULL && strstr(page, "Admitted by hand") != NULL);
        free(page);
        free(html);
    }
    free(org);
}

/* A manual admission at the entrance reaches central with its reason and staff id, and a room
 * kiosk that pulled it finds the person inside. */
static void test_sync_central(void)
{
    struct pg_harness *pg = NULL;
    char admin[1024];
    PGconn *c = event_fixture_central(dir, &pg, admin, sizeof admin);
    CHECK(c != NULL);
    if (c == NULL) {
        pg_harness_destroy(pg);
        return;
    }
    char port[16];
    snprintf(port, sizeof port, "%d", pg->port);
    const char *ent_rooms[] = {"entrance"}, *aula_rooms[] = {"aula"};
    char *ent = central_add_login(c, CENTRAL_DEVICE, "ent", CENTRAL_AUTH_PASSWORD, ent_rooms, 1,
                                  "127.0.0.1", port);
    char *aula = central_add_login(c, CENTRAL_DEVICE, "aula-door", CENTRAL_AUTH_PASSWORD,
                                   aula_rooms, 1, "127.0.0.1", port);
    CHECK(ent != NULL && aula != NULL);
    CHECK(test_sh("cd %s && %s bundle ev --out b-ent >/dev/null && %s bundle ev --out b-aula "
                  ">/dev/null",
                  dir, bin, bin) == 0);
    struct strbuf in = {0};
    strbuf_printf(&in, "{\"action\":\"admit\",\"staff\":\"%s\",\"attendee\":\"A0005\"," TIME "}\n",
                  event_fixture_token(&badges, STAFF));
    int rc;
    char *out =
        kiosk("b-ent", "--device ent --room entrance --mode entry --db ent.db", in.data, &rc);
    CHECK(rc == 0 && line_has(out, 0, "\"reason\":\"manual\""));
    free(out);
    CHECK(ent != NULL && test_sh("cd %s && %s sync b-ent --device ent --db ent.db --central '%s' "
                                 "--once 2>>sync.log",
                                 dir, bin, ent) == 0);
    char text[128] = "";
    CHECK(number(c,
                 "SELECT attendee || '/' || result || '/' || reason || '/' || staff"
                 " FROM portier.scans",
                 text, sizeof text) >= 0);
    CHECK_STR(text, "A0005/admitted/manual/" STAFF);
    /* Central refuses a manual admission that names no staff member. */
    PGresult *r = PQexec(c, "INSERT INTO portier.scans (device_id, db_epoch, seq, wall_ms,"
                            " mono_ns, boot_id, clock_synced, room, session, attendee, mode, kind,"
                            " result, reason, override) VALUES ('ent', 1, 99, 1713765600000, 0,"
                            " 'b', true, 'entrance', '', 'A0006', 'entry', 'badge', 'admitted',"
                            " 'manual', false)");
    CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR &&
          strstr(PQresultErrorMessage(r), "scans_manual_staff") != NULL);
    PQclear(r);
    /* The aula door pulls it: A0005 is inside the venue there too. */
    CHECK(aula != NULL && test_sh("cd %s && %s sync b-aula --device aula-door --db aula.db "
                                  "--central '%s' --once 2>>sync.log",
                                  dir, bin, aula) == 0);
    strbuf_reset(&in);
    strbuf_printf(&in,
                  "{\"action\":\"find\",\"staff\":\"%s\",\"query\":\"jan janssens\"," TIME "}\n",
                  event_fixture_token(&badges, STAFF));
    out = kiosk("b-aula", "--device aula-door --room aula --mode entry --db aula.db", in.data, &rc);
    CHECK(rc == 0 && line_has(out, 0, "\"attendee\":\"A0005\"") &&
          line_has(out, 0, "\"state\":\"inside\""));
    free(out);
    char *scans = log_scans("aula.db", "aula-door");
    CHECK_STR(scans, "A0005/manual/" STAFF);
    free(scans);
    strbuf_finish(&in);
    check_reports(c);
    free(ent);
    free(aula);
    PQfinish(c);
    pg_harness_destroy(pg);
}

int main(void)
{
    setup();
    test_find_admit();
    test_errors();
    test_room_full();
    test_sync_central();
    event_fixture_tokens_free(&badges);
    test_sh("rm -rf %s", dir);
    free(dir);
    return check_done();
}
