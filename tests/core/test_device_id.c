/* SPDX-License-Identifier: Apache-2.0 */
/* Device ids: one rule for the kiosk, the sync daemon and `central add-device`, and a reason
 * for every refusal. */
#include "check.h"
#include "device_id.h"

struct id_case {
    const char *id;
    const char *why; /* NULL: valid; else a part of the reason */
};

int main(void)
{
    static const struct id_case cases[] = {
        {"door-aula-1", NULL},
        {"door_2.14", NULL},
        {"Door-A", NULL},
        {"1st-floor", NULL}, /* a quoted PostgreSQL role may start with a digit */
        {"a.b", NULL},
        {"123456789012345678901234567890123456789012345678901234567890123", NULL},
        {"", "is empty"},
        {"1234567890123456789012345678901234567890123456789012345678901234", "longer than 63"},
        {"door 1", "holds a space"},
        {"door'1", "holds a quote"},
        {"door\"1", "holds a quote"},
        {"a..b", "holds '..'"},
        {"..", "starts with '.'"},
        {".hidden", "starts with '.'"},
        {"-x", "starts with '.' or '-'"},
        {"d\xC3\xA9j\xC3\xA0", "non-ASCII"},
        {"door/1", "slash"},
        {"door\x1b[31m", "control character"},
        {"door\t1", "control character"},
        {"door\x7f", "control character"},
        {"door;1", "other than letters"},
        {"pg_door", "reserved prefix"},
        {"portier_door", "reserved prefix"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *why = device_id_check(cases[i].id);
        if (cases[i].why == NULL)
            CHECK_MSG(why == NULL, "'%s' refused: %s", cases[i].id, why);
        else
            CHECK_MSG(why != NULL && strstr(why, cases[i].why) != NULL,
                      "'%s': expected '%s', got '%s'", cases[i].id, cases[i].why,
                      why != NULL ? why : "(valid)");
    }
    return check_done();
}
