/* SPDX-License-Identifier: Apache-2.0 */
/* Small reusable pieces: allocation, growable strings, UTF-8. */
#ifndef PORTIER_UTIL_H
#define PORTIER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that aborts on out-of-memory: a kiosk cannot do anything useful without memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string, owned by the caller. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable, always NUL-terminated byte string. Zero-initialise, then append. */
struct strbuf {
    char *data;
    size_t len;
    size_t cap;
};
void strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quotes included). */
void strbuf_json_string(struct strbuf *sb, const char *s);
void strbuf_reset(struct strbuf *sb);
/* Returns the buffer (owned by the caller) and resets sb. Never NULL. */
char *strbuf_take(struct strbuf *sb);
void strbuf_finish(struct strbuf *sb);

/* Returns true when s[0..len) is valid UTF-8 (no overlongs, no surrogates). On failure and when
 * bad_offset is not NULL, stores the offset of the first bad byte. */
bool utf8_valid(const char *s, size_t len, size_t *bad_offset);

#endif
