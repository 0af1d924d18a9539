/* SPDX-License-Identifier: Apache-2.0 */
/* Conversion to UTF-8 through iconv (see textconv.h). */
#include "textconv.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Returns 1 + the number of line feeds in s[0..n). */
static size_t lines_in(const char *s, size_t n)
{
    size_t line = 1;
    for (size_t i = 0; i < n; i++)
        line += s[i] == '\n';
    return line;
}

char *textconv_to_utf8(const char *data, size_t len, enum dialect_encoding enc, size_t *out_len,
                       size_t *bad_line)
{
    size_t bom = dialect_bom_len(enc);
    if (bom > len)
        bom = len;
    const char *from = dialect_iconv_name(enc);
    if (from == NULL) {
        *out_len = len - bom;
        char *copy = xmalloc(len - bom + 1);
        memcpy(copy, data + bom, len - bom);
        copy[len - bom] = '\0';
        return copy;
    }
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NULL;
    /* UTF-8 takes at most 3 bytes per UTF-16 unit and 3 per Windows-1252 byte. */
    size_t cap = (len - bom) * 3 + 1;
    char *out = xmalloc(cap);
    char *in = (char *)data + bom, *o = out;
    size_t in_left = len - bom, out_left = cap - 1;
    size_t rc = iconv(cd, &in, &in_left, &o, &out_left);
    if (rc != (size_t)-1)
        rc = iconv(cd, NULL, NULL, &o, &out_left);
    iconv_close(cd);
    if (rc == (size_t)-1 || in_left != 0) {
        *bad_line = lines_in(out, (size_t)(o - out));
        free(out);
        return NULL;
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}
