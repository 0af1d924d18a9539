/* SPDX-License-Identifier: Apache-2.0 */
/* The calendar: known day numbers, the round trip over four centuries and more, and the dates
 * before 1970. */
#include <stdint.h>

#include "check.h"
#include "timeutil.h"

/* True when day is y-m-d. */
static bool is_date(int64_t day, int64_t y, int m, int d)
{
    int64_t cy;
    int cm, cd;
    time_civil_from_days(day, &cy, &cm, &cd);
    return cy == y && cm == m && cd == d;
}

int main(void)
{
    CHECK(time_days_from_civil(1970, 1, 1) == 0);
    CHECK(time_days_from_civil(2000, 3, 1) == 11017);
    CHECK(time_days_from_civil(2026, 4, 23) == 20566);
    CHECK(time_days_from_civil(1969, 12, 31) == -1);
    CHECK(time_days_from_civil(1600, 2, 29) == -135081);
    CHECK(is_date(0, 1970, 1, 1));
    CHECK(is_date(-1, 1969, 12, 31));
    CHECK(is_date(11016, 2000, 2, 29));
    CHECK(is_date(20566, 2026, 4, 23));
    /* Every day from 1599 to 2401, in order, and back. */
    int64_t day = time_days_from_civil(1599, 1, 1);
    size_t wrong = 0;
    for (int64_t y = 1599; y <= 2401; y++) {
        for (int m = 1; m <= 12; m++) {
            static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            for (int d = 1; d <= len[m - 1] + (m == 2 && leap); d++, day++)
                wrong += time_days_from_civil(y, m, d) != day || !is_date(day, y, m, d);
        }
    }
    CHECK(wrong == 0);
    /* A day past the end of a month is the next month's. */
    CHECK(time_days_from_civil(2023, 2, 29) == time_days_from_civil(2023, 3, 1));
    /* The ISO parser counts days the same way. */
    int64_t ms = 0;
    CHECK(time_parse_iso8601("2026-04-23T00:00:00Z", &ms) && ms == 20566 * 86400000LL);
    return check_done();
}
