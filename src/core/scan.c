#include "scan.h"

#include <string.h>

static const char *const result_names[SCAN_RESULT_COUNT] = {"admitted", "exited", "denied"};
static const char *const reason_names[SCAN_REASON_COUNT] = {
    "ok",        "reentry",        "invalid",     "revoked",  "wrong_event", "unknown_attendee",
    "room_full", "not_registered", "room_closed", "duplicate"};
static const char *const kind_names[SCAN_KIND_COUNT] = {"badge", "session_end", "manual",
                                                        "room_close", "room_open"};
static const char *const mode_names[KIOSK_MODE_COUNT] = {"entry", "exit", "toggle", "overview"};

static bool parse_name(const char *const *names, int n, const char *s, int *out)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], s) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

const char *scan_result_name(enum scan_result r)
{
    return (unsigned)r < SCAN_RESULT_COUNT ? result_names[r] : "?";
}

const char *scan_reason_name(enum scan_reason r)
{
    return (unsigned)r < SCAN_REASON_COUNT ? reason_names[r] : "?";
}

const char *scan_kind_name(enum scan_kind k)
{
    return (unsigned)k < SCAN_KIND_COUNT ? kind_names[k] : "?";
}

const char *kiosk_mode_name(enum kiosk_mode m)
{
    return (unsigned)m < KIOSK_MODE_COUNT ? mode_names[m] : "?";
}

bool scan_result_parse(const char *s, enum scan_result *out)
{
    int v;
    if (!parse_name(result_names, SCAN_RESULT_COUNT, s, &v))
        return false;
    *out = (enum scan_result)v;
    return true;
}

bool scan_reason_parse(const char *s, enum scan_reason *out)
{
    int v;
    if (!parse_name(reason_names, SCAN_REASON_COUNT, s, &v))
        return false;
    *out = (enum scan_reason)v;
    return true;
}

bool scan_kind_parse(const char *s, enum scan_kind *out)
{
    int v;
    if (!parse_name(kind_names, SCAN_KIND_COUNT, s, &v))
        return false;
    *out = (enum scan_kind)v;
    return true;
}

bool kiosk_mode_parse(const char *s, enum kiosk_mode *out)
{
    int v;
    if (!parse_name(mode_names, KIOSK_MODE_COUNT, s, &v))
        return false;
    *out = (enum kiosk_mode)v;
    return true;
}
