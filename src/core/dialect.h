/* SPDX-License-Identifier: Apache-2.0 */
/* The dialect of a CSV file as spreadsheets and registration systems write it: its encoding
 * (UTF-8 with or without a byte order mark, UTF-16 with one, as Excel's "Unicode text", or
 * Windows-1252, as Excel's "CSV" on a Western European Windows) and its field separator (',',
 * ';' where the decimal mark is a comma, or a tab). Pure: it looks at bytes; the conversion to
 * UTF-8 (iconv) is os/textconv.h's.
 */
#ifndef PORTIER_DIALECT_H
#define PORTIER_DIALECT_H

#include <stdbool.h>
#include <stddef.h>

enum dialect_encoding {
    DIALECT_UTF8,
    DIALECT_UTF8_BOM,
    DIALECT_UTF16LE, /* with its byte order mark FF FE */
    DIALECT_UTF16BE, /* with its byte order mark FE FF */
    DIALECT_CP1252,
};

struct dialect {
    enum dialect_encoding encoding;
    char sep; /* ',', ';' or '\t' */
};

/* Decides the encoding of data[0..len). False when the bytes are neither UTF-8 nor plausible
 * Windows-1252 (a file that holds valid multi-byte UTF-8 sequences and also invalid ones is
 * broken UTF-8, not Windows-1252; a NUL byte without a UTF-16 byte order mark is refused too):
 * then *bad_offset is the offset of the first offending byte and *why says what to do (static). */
bool dialect_detect_encoding(const char *data, size_t len, enum dialect_encoding *enc,
                             size_t *bad_offset, const char **why);
/* Returns the length of the byte order mark that starts data in encoding enc (0, 2 or 3). */
size_t dialect_bom_len(enum dialect_encoding enc);
/* Sniffs the separator from the first record of UTF-8 text: the most frequent of ',', ';' and
 * tab outside quotes ( ',' when none or tied with ','). */
char dialect_sniff_separator(const char *utf8, size_t len);
/* "UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE", "Windows-1252" (static). */
const char *dialect_encoding_name(enum dialect_encoding enc);
/* The iconv name of an encoding that needs converting, or NULL for UTF-8 (static). */
const char *dialect_iconv_name(enum dialect_encoding enc);
/* "','-separated", "';'-separated", "tab-separated" (static). */
const char *dialect_separator_name(char sep);

#endif
