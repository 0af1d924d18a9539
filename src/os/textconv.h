/* SPDX-License-Identifier: Apache-2.0 */
/* Text files in the encodings spreadsheets write, read as UTF-8: detection is core/dialect.h's,
 * the conversion here is glibc's iconv. */
#ifndef PORTIER_TEXTCONV_H
#define PORTIER_TEXTCONV_H

#include <stdbool.h>
#include <stddef.h>

#include "dialect.h"

/* Converts data[0..len) from enc to UTF-8, without its byte order mark. Returns a
 * NUL-terminated buffer owned by the caller (length in *out_len), or NULL when a sequence
 * cannot be converted (a lone UTF-16 surrogate, an odd byte count): then *bad_line is the
 * 1-based line on which it stands. Line breaks are kept, so lines number as in the file. */
char *textconv_to_utf8(const char *data, size_t len, enum dialect_encoding enc, size_t *out_len,
                       size_t *bad_line);

#endif
