/* SPDX-License-Identifier: Apache-2.0 */
#include "sysclock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>

#include "file.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"

/* Reads the boot id from /proc, without its trailing newline. */
bool sysclock_boot_id(char out[SCAN_BOOT_ID_MAX])
{
    out[0] = '\0';
    FILE *f = fopen(BOOT_ID_PATH, "r");
    if (f == NULL) {
        log_warn("%s", BOOT_ID_PATH);
        return false;
    }
    bool ok = fgets(out, SCAN_BOOT_ID_MAX, f) != NULL;
    fclose(f);
    if (!ok) {
        log_warnx("%s: empty", BOOT_ID_PATH);
        return false;
    }
    out[strcspn(out, "\r\n")] = '\0';
    if (out[0] == '\0') {
        log_warnx("%s: empty", BOOT_ID_PATH);
        return false;
    }
    return true;
}

/* The skew of the test double (PORTIER_CLOCK=skewed:MS, sysclock.h); false when not chosen. */
static bool test_skew(int64_t *ms)
{
    const char *spec = getenv("PORTIER_CLOCK");
    if (spec == NULL || strncmp(spec, "skewed:", 7) != 0)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(spec + 7, &end, 10);
    if (errno != 0 || end == spec + 7 || *end != '\0')
        return false;
    *ms = v;
    return true;
}

/* Asks the kernel (read-only: modes = 0) whether its clock is synchronised. */
bool sysclock_is_synchronised(void)
{
    int64_t skew;
    if (test_skew(&skew))
        return false;
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    int state = ntp_adjtime(&tx);
    if (state == -1)
        return false;
    return state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
}

bool time_zone_valid(const char *tz)
{
    if (tz == NULL || *tz == '\0' || strstr(tz, "..") != NULL || tz[0] == '/')
        return false;
    if (strcmp(tz, "UTC") == 0)
        return true;
    char *path = xasprintf("/usr/share/zoneinfo/%s", tz);
    bool ok = path_exists(path);
    free(path);
    return ok;
}

bool time_set_zone(const char *tz)
{
    if (!time_zone_valid(tz))
        return false;
    setenv("TZ", tz, 1);
    tzset();
    return true;
}

int64_t time_local_day(int64_t unix_ms)
{
    time_t secs = (time_t)(unix_ms >= 0 ? unix_ms / 1000 : -((-unix_ms + 999) / 1000));
    struct tm tm;
    if (localtime_r(&secs, &tm) == NULL)
        return secs / 86400;
    return time_days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t skew = 0;
    test_skew(&skew);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + skew;
}

int64_t time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
