/* SPDX-License-Identifier: Apache-2.0 */
/* The headless kiosk's JSON lines, formatted by hand: their bytes are a contract (DESIGN.md §4),
 * so the field order and spacing are written out rather than left to a JSON library. */
#include "decision_line.h"

#include "timeutil.h"

/* Appends s as a JSON string, or null when it is NULL or empty. */
static void string_or_null(struct strbuf *sb, const char *s)
{
    if (s != NULL && s[0] != '\0')
        strbuf_json_string(sb, s);
    else
        strbuf_puts(sb, "null");
}

/* Appends a capacity, or null when there is none (the entrance). */
static void capacity_or_null(struct strbuf *sb, int capacity)
{
    if (capacity > 0)
        strbuf_printf(sb, "%d", capacity);
    else
        strbuf_puts(sb, "null");
}

void decision_line_format(struct strbuf *sb, const struct scan *s, const char *name, int occupancy,
                          int capacity)
{
    char when[TIME_ISO_LEN];
    time_format_iso8601(s->wall_ms, when);
    strbuf_printf(sb, "{\"seq\":%lld,\"time\":\"%s\",\"device\":", (long long)s->seq, when);
    strbuf_json_string(sb, s->device_id);
    strbuf_puts(sb, ",\"room\":");
    strbuf_json_string(sb, s->room);
    strbuf_puts(sb, ",\"session\":");
    string_or_null(sb, s->session);
    strbuf_puts(sb, ",\"attendee\":");
    string_or_null(sb, s->attendee);
    strbuf_puts(sb, ",\"name\":");
    if (name != NULL)
        strbuf_json_string(sb, name);
    else
        strbuf_puts(sb, "null");
    strbuf_printf(sb, ",\"result\":\"%s\",\"reason\":\"%s\",\"occupancy\":%d,\"capacity\":",
                  scan_result_name(s->result), scan_reason_name(s->reason), occupancy);
    capacity_or_null(sb, capacity);
    if (s->override)
        strbuf_puts(sb, ",\"override\":true");
    if (s->kind != SCAN_BADGE)
        strbuf_printf(sb, ",\"kind\":\"%s\"", scan_kind_name(s->kind));
    if (s->staff[0] != '\0') {
        strbuf_puts(sb, ",\"staff\":");
        strbuf_json_string(sb, s->staff);
    }
    strbuf_putc(sb, '}');
}

void decision_line_format_count(struct strbuf *sb, int64_t t_ms, const char *room, int occupancy,
                                int capacity)
{
    char when[TIME_ISO_LEN];
    time_format_iso8601(t_ms, when);
    strbuf_printf(sb, "{\"time\":\"%s\",\"room\":", when);
    strbuf_json_string(sb, room);
    strbuf_printf(sb, ",\"occupancy\":%d,\"capacity\":", occupancy);
    capacity_or_null(sb, capacity);
    strbuf_putc(sb, '}');
}
