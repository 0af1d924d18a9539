/* SPDX-License-Identifier: Apache-2.0 */
/* The headless kiosk's JSON lines: the decision line of DESIGN.md §4 byte for byte, its
 * optional fields, escaping, and the overview line. */
#include "decision_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

/* The example scan of DESIGN.md §4. */
static void example_scan(struct scan *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->device_id, sizeof s->device_id, "door-aula-1");
    s->seq = 17;
    s->wall_ms = 1713775623000; /* 2024-04-22T10:47:03+02:00 */
    snprintf(s->room, sizeof s->room, "aula");
    snprintf(s->session, sizeof s->session, "s-aula-am");
    snprintf(s->attendee, sizeof s->attendee, "A0042");
    s->result = RESULT_ADMITTED;
    s->reason = REASON_OK;
}

/* Formats s and compares with want. */
static void check_line(const struct scan *s, const char *name, int occupancy, int capacity,
                       const char *want)
{
    struct strbuf sb = {0};
    decision_line_format(&sb, s, name, occupancy, capacity);
    CHECK_STR(sb.data, want);
    strbuf_finish(&sb);
}

static void test_design_example(void)
{
    struct scan s;
    example_scan(&s);
    check_line(&s, "Françoise Dieudonné", 118, 120,
               "{\"seq\":17,\"time\":\"2024-04-22T10:47:03+02:00\",\"device\":\"door-aula-1\","
               "\"room\":\"aula\",\"session\":\"s-aula-am\",\"attendee\":\"A0042\","
               "\"name\":\"Françoise Dieudonné\",\"result\":\"admitted\",\"reason\":\"ok\","
               "\"occupancy\":118,\"capacity\":120}");
}

/* Empty session and attendee, no name, the entrance (no capacity): nulls. */
static void test_nulls(void)
{
    struct scan s;
    example_scan(&s);
    s.session[0] = '\0';
    s.attendee[0] = '\0';
    snprintf(s.room, sizeof s.room, "entrance");
    s.result = RESULT_DENIED;
    s.reason = REASON_INVALID;
    check_line(&s, NULL, 3, 0,
               "{\"seq\":17,\"time\":\"2024-04-22T10:47:03+02:00\",\"device\":\"door-aula-1\","
               "\"room\":\"entrance\",\"session\":null,\"attendee\":null,\"name\":null,"
               "\"result\":\"denied\",\"reason\":\"invalid\",\"occupancy\":3,\"capacity\":null}");
}

/* An override and a scan that is not a badge's add their fields at the end. */
static void test_override_and_kind(void)
{
    struct scan s;
    example_scan(&s);
    s.override = true;
    s.kind = SCAN_SESSION_END;
    s.result = RESULT_EXITED;
    check_line(&s, "", 121, 120,
               "{\"seq\":17,\"time\":\"2024-04-22T10:47:03+02:00\",\"device\":\"door-aula-1\","
               "\"room\":\"aula\",\"session\":\"s-aula-am\",\"attendee\":\"A0042\","
               "\"name\":\"\",\"result\":\"exited\",\"reason\":\"ok\",\"occupancy\":121,"
               "\"capacity\":120,\"override\":true,\"kind\":\"session_end\"}");
}

/* An admission by hand ends with the staff member's id (DESIGN.md §7). */
static void test_manual(void)
{
    struct scan s;
    example_scan(&s);
    s.reason = REASON_MANUAL;
    snprintf(s.staff, sizeof s.staff, "S0007");
    check_line(&s, "Françoise Dieudonné", 118, 120,
               "{\"seq\":17,\"time\":\"2024-04-22T10:47:03+02:00\",\"device\":\"door-aula-1\","
               "\"room\":\"aula\",\"session\":\"s-aula-am\",\"attendee\":\"A0042\","
               "\"name\":\"Françoise Dieudonné\",\"result\":\"admitted\",\"reason\":\"manual\","
               "\"occupancy\":118,\"capacity\":120,\"staff\":\"S0007\"}");
}

/* Quotes, backslashes and control characters in names are escaped. */
static void test_escaping(void)
{
    struct scan s;
    example_scan(&s);
    struct strbuf sb = {0};
    decision_line_format(&sb, &s, "a\"b\\c\nd", 1, 2);
    CHECK(strstr(sb.data, "\"name\":\"a\\\"b\\\\c\\nd\"") != NULL);
    CHECK(strchr(sb.data, '\n') == NULL);
    strbuf_finish(&sb);
}

static void test_count_line(void)
{
    struct strbuf sb = {0};
    decision_line_format_count(&sb, 1713775623000, "aula", 118, 120);
    CHECK_STR(sb.data, "{\"time\":\"2024-04-22T10:47:03+02:00\",\"room\":\"aula\","
                       "\"occupancy\":118,\"capacity\":120}");
    strbuf_reset(&sb);
    decision_line_format_count(&sb, 1713775623000, "entrance", 7, 0);
    CHECK_STR(sb.data, "{\"time\":\"2024-04-22T10:47:03+02:00\",\"room\":\"entrance\","
                       "\"occupancy\":7,\"capacity\":null}");
    strbuf_finish(&sb);
}

int main(void)
{
    setenv("TZ", "Europe/Brussels", 1);
    tzset();
    test_design_example();
    test_nulls();
    test_override_and_kind();
    test_manual();
    test_escaping();
    test_count_line();
    return check_done();
}
