/* SPDX-License-Identifier: Apache-2.0 */
/* Encodings and separators of CSV files (see dialect.h). */
#include "dialect.h"

#include <string.h>

#include "util.h"

/* Returns the length of a well-formed multi-byte UTF-8 sequence at p[0..n), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t n)
{
    size_t want = p[0] >= 0xC2 && p[0] <= 0xDF   ? 2
                  : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
                  : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                                 : 0;
    if (want == 0 || want > n)
        return 0;
    for (size_t i = 1; i < want; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    }
    return want;
}

/* True when data holds at least one well-formed multi-byte UTF-8 sequence. */
static bool has_utf8_sequence(const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (data[i] >= 0x80 && utf8_sequence(data + i, len - i) > 0)
            return true;
    }
    return false;
}

bool dialect_detect_encoding(const char *data, size_t len, enum dialect_encoding *enc,
                             size_t *bad_offset, const char **why)
{
    const unsigned char *p = (const unsigned char *)data;
    *bad_offset = 0;
    if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        *enc = DIALECT_UTF16LE;
        return true;
    }
    if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        *enc = DIALECT_UTF16BE;
        return true;
    }
    size_t start = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const char *nul = memchr(data, '\0', len);
    if (nul != NULL) {
        *bad_offset = (size_t)(nul - data);
        *why = "NUL byte in the file (UTF-16 without a byte order mark?): save it again as "
               "\"Unicode text\" or as \"CSV UTF-8\"";
        return false;
    }
    size_t bad;
    if (utf8_valid(data + start, len - start, &bad)) {
        *enc = start ? DIALECT_UTF8_BOM : DIALECT_UTF8;
        return true;
    }
    if (start > 0 || has_utf8_sequence(p, len)) {
        /* UTF-8 with a broken sequence: reading it as Windows-1252 would garble the good
         * accents, so it is refused where it breaks. */
        *bad_offset = start + bad;
        *why = "invalid UTF-8 in a file that is otherwise UTF-8: save the file again as "
               "\"CSV UTF-8\"";
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        /* The five bytes that Windows-1252 leaves undefined. */
        if (p[i] == 0x81 || p[i] == 0x8D || p[i] == 0x8F || p[i] == 0x90 || p[i] == 0x9D) {
            *bad_offset = i;
            *why = "a byte that is neither UTF-8 nor Windows-1252: save the file as \"CSV "
                   "UTF-8\"";
            return false;
        }
    }
    *enc = DIALECT_CP1252;
    return true;
}

size_t dialect_bom_len(enum dialect_encoding enc)
{
    switch (enc) {
    case DIALECT_UTF8_BOM:
        return 3;
    case DIALECT_UTF16LE:
    case DIALECT_UTF16BE:
        return 2;
    default:
        return 0;
    }
}

char dialect_sniff_separator(const char *utf8, size_t len)
{
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    size_t i = len >= 3 && memcmp(utf8, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    for (; i < len; i++) {
        char c = utf8[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted && c == ',')
            comma++;
        else if (!quoted && c == ';')
            semi++;
        else if (!quoted && c == '\t')
            tab++;
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

const char *dialect_encoding_name(enum dialect_encoding enc)
{
    switch (enc) {
    case DIALECT_UTF8:
        return "UTF-8";
    case DIALECT_UTF8_BOM:
        return "UTF-8 with BOM";
    case DIALECT_UTF16LE:
        return "UTF-16LE";
    case DIALECT_UTF16BE:
        return "UTF-16BE";
    case DIALECT_CP1252:
        return "Windows-1252";
    }
    return "?";
}

const char *dialect_iconv_name(enum dialect_encoding enc)
{
    switch (enc) {
    case DIALECT_UTF16LE:
        return "UTF-16LE";
    case DIALECT_UTF16BE:
        return "UTF-16BE";
    case DIALECT_CP1252:
        return "WINDOWS-1252";
    default:
        return NULL;
    }
}

const char *dialect_separator_name(char sep)
{
    return sep == ';' ? "';'-separated" : sep == '\t' ? "tab-separated" : "','-separated";
}
