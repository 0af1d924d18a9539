/* SPDX-License-Identifier: Apache-2.0 */
/* A flat JSON object parser (see json_obj.h). */
#include "json_obj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct parser {
    const char *s;
    size_t len, pos;
    char *why;
};

/* Records the first error at the current byte; returns false. */
static bool fail(struct parser *p, const char *what)
{
    snprintf(p->why, JSON_OBJ_WHY_MAX, "byte %zu: %s", p->pos + 1, what);
    return false;
}

static void skip_ws(struct parser *p)
{
    while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) != NULL && p->s[p->pos] != '\0')
        p->pos++;
}

/* Reads 4 hex digits at the current byte. */
static bool hex4(struct parser *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++, p->pos++) {
        char c = p->pos < p->len ? p->s[p->pos] : '\0';
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return fail(p, "expected 4 hex digits after \\u");
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return true;
}

/* Appends a code point as UTF-8. */
static void put_utf8(struct strbuf *sb, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    strbuf_append(sb, b, n);
}

/* Decodes a \u escape (the backslash and 'u' already read), with a surrogate pair. */
static bool unicode_escape(struct parser *p, struct strbuf *sb)
{
    unsigned cp, lo;
    if (!hex4(p, &cp))
        return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(p, "a lone low surrogate in \\u escapes");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (p->pos + 2 > p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
            return fail(p, "a high surrogate without its low surrogate");
        p->pos += 2;
        if (!hex4(p, &lo))
            return false;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(p, "a high surrogate without its low surrogate");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0)
        return fail(p, "\\u0000 is not allowed in a string");
    put_utf8(sb, cp);
    return true;
}

/* Reads a string (at its opening quote) into *out, owned by the caller. */
static bool string(struct parser *p, char **out)
{
    struct strbuf sb = {0};
    p->pos++; /* the quote */
    size_t start = p->pos;
    while (p->pos < p->len && p->s[p->pos] != '"') {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c < 0x20) {
            fail(p, "a control character in a string (escape it)");
            goto fail;
        }
        if (c != '\\') {
            strbuf_putc(&sb, (char)c);
            p->pos++;
            continue;
        }
        p->pos++;
        char e = p->pos < p->len ? p->s[p->pos++] : '\0';
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *hit = e != '\0' ? strchr(from, e) : NULL;
        if (hit != NULL) {
            strbuf_putc(&sb, to[hit - from]);
        } else if (e == 'u') {
            if (!unicode_escape(p, &sb))
                goto fail;
        } else {
            p->pos--;
            fail(p, "an unknown escape in a string");
            goto fail;
        }
    }
    if (p->pos >= p->len) {
        p->pos = start - 1;
        fail(p, "a string without its closing quote");
        goto fail;
    }
    p->pos++;
    size_t bad;
    if (!utf8_valid(sb.data != NULL ? sb.data : "", sb.len, &bad)) {
        p->pos = start;
        fail(p, "a string that is not valid UTF-8");
        goto fail;
    }
    if (sb.data == NULL)
        strbuf_puts(&sb, "");
    *out = strbuf_take(&sb);
    return true;
fail:
    strbuf_finish(&sb);
    return false;
}

/* Reads a number (JSON grammar) into f. */
static bool number(struct parser *p, struct json_field *f)
{
    size_t start = p->pos;
    const char *s = p->s;
    size_t i = p->pos;
    if (i < p->len && s[i] == '-')
        i++;
    if (i < p->len && s[i] == '0')
        i++;
    else if (i < p->len && s[i] >= '1' && s[i] <= '9')
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return fail(p, "expected a value (a string, number, true, false or null)");
    if (i < p->len && s[i] == '.') {
        if (++i >= p->len || s[i] < '0' || s[i] > '9')
            return p->pos = i, fail(p, "expected a digit after the decimal point");
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= p->len || s[i] < '0' || s[i] > '9')
            return p->pos = i, fail(p, "expected a digit in the exponent");
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    f->type = JSON_NUMBER;
    f->text = xstrndup(s + start, i - start);
    f->number = strtod(f->text, NULL);
    p->pos = i;
    return true;
}

/* Reads one value into f. */
static bool value(struct parser *p, struct json_field *f)
{
    static const struct {
        const char *word;
        enum json_type type;
    } words[] = {{"true", JSON_TRUE}, {"false", JSON_FALSE}, {"null", JSON_NULL}};
    if (p->pos >= p->len)
        return fail(p, "expected a value, found the end of the line");
    char c = p->s[p->pos];
    if (c == '"') {
        f->type = JSON_STRING;
        return string(p, &f->text);
    }
    if (c == '{' || c == '[')
        return fail(p, "nested objects and arrays are not accepted here");
    for (size_t i = 0; i < ARRAY_LEN(words); i++) {
        size_t n = strlen(words[i].word);
        if (p->len - p->pos >= n && memcmp(p->s + p->pos, words[i].word, n) == 0) {
            f->type = words[i].type;
            p->pos += n;
            return true;
        }
    }
    return number(p, f);
}

/* Reads "key": value into a new field of out. */
static bool member(struct parser *p, struct json_obj *out)
{
    if (p->pos >= p->len || p->s[p->pos] != '"')
        return fail(p, "expected a key in double quotes");
    out->fields = xrealloc(out->fields, (out->n + 1) * sizeof *out->fields);
    struct json_field *f = &out->fields[out->n];
    memset(f, 0, sizeof *f);
    size_t key_pos = p->pos;
    if (!string(p, &f->key))
        return false;
    out->n++;
    for (size_t i = 0; i + 1 < out->n; i++) {
        if (strcmp(out->fields[i].key, f->key) == 0) {
            p->pos = key_pos;
            return fail(p, "a key given twice");
        }
    }
    skip_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ':')
        return fail(p, "expected ':' after a key");
    p->pos++;
    skip_ws(p);
    return value(p, f);
}

bool json_obj_parse(const char *text, size_t len, struct json_obj *out, char *why)
{
    struct parser p = {.s = text, .len = len, .why = why};
    memset(out, 0, sizeof *out);
    why[0] = '\0';
    skip_ws(&p);
    bool ok = false;
    if (p.pos >= p.len || text[p.pos] != '{') {
        fail(&p, "expected '{' (a staff action is one JSON object)");
        goto end;
    }
    p.pos++;
    skip_ws(&p);
    if (p.pos < p.len && text[p.pos] == '}') {
        p.pos++;
    } else {
        for (;;) {
            if (!member(&p, out))
                goto end;
            skip_ws(&p);
            if (p.pos < p.len && text[p.pos] == ',') {
                p.pos++;
                skip_ws(&p);
                continue;
            }
            if (p.pos < p.len && text[p.pos] == '}') {
                p.pos++;
                break;
            }
            fail(&p, "expected ',' or '}' after a value");
            goto end;
        }
    }
    skip_ws(&p);
    if (p.pos != p.len) {
        fail(&p, "text after the closing '}'");
        goto end;
    }
    ok = true;
end:
    if (!ok)
        json_obj_finish(out);
    return ok;
}

void json_obj_finish(struct json_obj *obj)
{
    for (size_t i = 0; i < obj->n; i++) {
        free(obj->fields[i].key);
        free(obj->fields[i].text);
    }
    free(obj->fields);
    obj->fields = NULL;
    obj->n = 0;
}

const struct json_field *json_obj_get(const struct json_obj *obj, const char *key)
{
    for (size_t i = 0; i < obj->n; i++) {
        if (strcmp(obj->fields[i].key, key) == 0)
            return &obj->fields[i];
    }
    return NULL;
}

const char *json_obj_string(const struct json_obj *obj, const char *key)
{
    const struct json_field *f = json_obj_get(obj, key);
    return f != NULL && f->type == JSON_STRING ? f->text : NULL;
}
