/* SPDX-License-Identifier: Apache-2.0 */
#include "device_id.h"

#include <stdbool.h>
#include <string.h>

/* Why a byte cannot be in a device id; NULL when it can. */
static const char *byte_refusal(unsigned char ch)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '.' || ch == '_' || ch == '-')
        return NULL;
    if (ch >= 0x80)
        return "holds a non-ASCII character (use letters a-z, A-Z, digits, '.', '_' and '-')";
    if (ch == ' ')
        return "holds a space (use '-' or '_' instead)";
    if (ch == '\'' || ch == '"' || ch == '`')
        return "holds a quote";
    if (ch == '/' || ch == '\\')
        return "holds a slash";
    if (ch < 0x20 || ch == 0x7f)
        return "holds a control character";
    return "holds a character other than letters, digits, '.', '_' and '-'";
}

/* Checks a device id against the one rule (device_id.h). */
const char *device_id_check(const char *id)
{
    size_t len = strlen(id);
    if (len == 0)
        return "is empty";
    if (len > DEVICE_ID_MAX)
        return "is longer than 63 bytes";
    for (size_t i = 0; i < len; i++) {
        const char *why = byte_refusal((unsigned char)id[i]);
        if (why != NULL)
            return why;
    }
    if (id[0] == '.' || id[0] == '-')
        return "starts with '.' or '-'";
    if (strstr(id, "..") != NULL)
        return "holds '..'";
    if (strncmp(id, "pg_", 3) == 0 || strncmp(id, "portier_", 8) == 0)
        return "starts with a reserved prefix (pg_ or portier_)";
    return NULL;
}
