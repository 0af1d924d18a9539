/* SPDX-License-Identifier: Apache-2.0 */
/* The staff's search over attendees (see lookup.h). */
#include "lookup.h"

#include <stdlib.h>
#include <string.h>

#include "fold_table.h"
#include "util.h"

/* One word of an attendee's name or organisation, folded, in the index's blob. */
struct word {
    uint32_t off;
    uint32_t len;
    uint32_t attendee;
};

struct lookup {
    const struct event *ev;
    char *blob;          /* every attendee's folded words */
    struct word *sorted; /* every word, sorted by its bytes */
    size_t n_words;
    struct word *by_attendee; /* the same words, grouped by attendee */
    size_t *first_word;       /* by_attendee[first_word[a] .. first_word[a + 1]) */
    uint32_t *rank;           /* an attendee's place in the order of results */
};

/* Decodes one UTF-8 character at s (n > 0 bytes left) into *cp; returns its length, or 0 for
 * an invalid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || len > n || s[0] >= 0xF8)
        return 0;
    uint32_t c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and code points past Unicode are invalid. */
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[len] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
        return 0;
    *cp = c;
    return len;
}

/* The folded form of a code point from the generated table, or NULL when it folds to itself. */
static const char *fold_lookup(uint32_t cp)
{
    size_t lo = 0, hi = ARRAY_LEN(fold_table);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fold_table[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ARRAY_LEN(fold_table) && fold_table[lo].cp == cp ? fold_table[lo].folded : NULL;
}

/* True for the characters that separate words: ASCII other than letters and digits, Latin-1
 * punctuation and symbols, general punctuation (dashes, quotes), CJK punctuation. */
static bool is_separator(uint32_t cp)
{
    if (cp < 0x80)
        return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'));
    return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
           (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F);
}

/* Appends n bytes to out at *w when they fit before size - 1. */
static bool put(char *out, size_t size, size_t *w, const char *s, size_t n)
{
    if (*w + n + 1 > size)
        return false;
    memcpy(out + *w, s, n);
    *w += n;
    return true;
}

size_t lookup_fold(const char *text, size_t len, char *out, size_t size)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t w = 0, i = 0;
    bool pending_space = false;
    if (size == 0)
        return 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        const char *piece = (const char *)s + i;
        size_t piece_len = n;
        char ascii;
        if (n == 0) {
            n = piece_len = 1; /* an invalid byte stands for itself */
        } else if (is_separator(cp)) {
            pending_space = w > 0;
            i += n;
            continue;
        } else if (cp < 0x80) {
            ascii = (char)(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp);
            piece = &ascii;
            piece_len = 1;
        } else if ((piece = fold_lookup(cp)) != NULL) {
            piece_len = strlen(piece);
        } else {
            piece = (const char *)s + i;
        }
        size_t before = w;
        if (pending_space && !put(out, size, &w, " ", 1))
            break;
        pending_space = false;
        if (!put(out, size, &w, piece, piece_len)) {
            w = before; /* no trailing space before a word that did not fit */
            break;
        }
        i += n;
    }
    out[w] = '\0';
    return w;
}

const char *lookup_state_name(enum lookup_state state)
{
    static const char *const names[] = {"not_checked_in", "outside", "inside", "in_room"};
    return (unsigned)state < ARRAY_LEN(names) ? names[state] : "unknown";
}

/* Orders words by their bytes (a shorter prefix first), then by attendee. */
static const char *sort_blob;
static int word_cmp(const void *pa, const void *pb)
{
    const struct word *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(sort_blob + a->off, sort_blob + b->off, n);
    if (c != 0)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->attendee < b->attendee ? -1 : a->attendee > b->attendee;
}

/* Orders attendee indexes by folded name (the first words in the blob), then id. */
static const struct lookup *sort_lookup;
static int rank_cmp(const void *pa, const void *pb)
{
    size_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const struct lookup *lk = sort_lookup;
    const char *na = lk->blob + lk->by_attendee[lk->first_word[a]].off;
    const char *nb = lk->blob + lk->by_attendee[lk->first_word[b]].off;
    int c = strcmp(na, nb);
    return c != 0 ? c : strcmp(lk->ev->attendees[a].id, lk->ev->attendees[b].id);
}

/* Appends the folded text (name or organisation) of attendee a to the blob, NUL-terminated,
 * and its words (the space-separated runs) to lk->by_attendee. */
static void add_words(struct lookup *lk, struct strbuf *blob, size_t *cap, uint32_t a,
                      const char *text)
{
    size_t len = text != NULL ? strlen(text) : 0;
    char *folded = xmalloc(len * 4 + 1); /* a character folds to at most 4 bytes per byte */
    size_t n = lookup_fold(text != NULL ? text : "", len, folded, len * 4 + 1);
    size_t start = blob->len;
    strbuf_append(blob, folded, n);
    strbuf_putc(blob, '\0');
    free(folded);
    for (size_t i = start; i < start + n;) {
        size_t j = i;
        while (j < start + n && blob->data[j] != ' ')
            j++;
        if (lk->n_words == *cap) {
            *cap = *cap ? *cap * 2 : 1024;
            lk->by_attendee = xrealloc(lk->by_attendee, *cap * sizeof *lk->by_attendee);
        }
        lk->by_attendee[lk->n_words++] =
            (struct word){.off = (uint32_t)i, .len = (uint32_t)(j - i), .attendee = a};
        i = j + 1;
    }
}

struct lookup *lookup_create(const struct event *ev)
{
    struct lookup *lk = xcalloc(1, sizeof *lk);
    lk->ev = ev;
    lk->first_word = xcalloc(ev->n_attendees + 1, sizeof *lk->first_word);
    struct strbuf blob = {0};
    strbuf_putc(&blob, '\0'); /* offset 0: the empty name of an attendee without words */
    size_t cap = 0;
    for (size_t a = 0; a < ev->n_attendees; a++) {
        lk->first_word[a] = lk->n_words;
        add_words(lk, &blob, &cap, (uint32_t)a, ev->attendees[a].name);
        if (lk->n_words == lk->first_word[a]) {
            /* No word in the name: a placeholder so that the name sorts as empty. */
            if (lk->n_words == cap) {
                cap = cap ? cap * 2 : 1024;
                lk->by_attendee = xrealloc(lk->by_attendee, cap * sizeof *lk->by_attendee);
            }
            lk->by_attendee[lk->n_words++] =
                (struct word){.off = 0, .len = 0, .attendee = (uint32_t)a};
        }
        add_words(lk, &blob, &cap, (uint32_t)a, ev->attendees[a].organisation);
    }
    lk->first_word[ev->n_attendees] = lk->n_words;
    /* In the blob a name's words are separated by spaces up to its NUL: the name compares as
     * one string from the offset of its first word. */
    lk->blob = strbuf_take(&blob);
    lk->sorted = xmalloc((lk->n_words + 1) * sizeof *lk->sorted);
    memcpy(lk->sorted, lk->by_attendee, lk->n_words * sizeof *lk->sorted);
    sort_blob = lk->blob;
    qsort(lk->sorted, lk->n_words, sizeof *lk->sorted, word_cmp);

    uint32_t *order = xmalloc((ev->n_attendees + 1) * sizeof *order);
    for (size_t a = 0; a < ev->n_attendees; a++)
        order[a] = (uint32_t)a;
    sort_lookup = lk;
    qsort(order, ev->n_attendees, sizeof *order, rank_cmp);
    lk->rank = xmalloc((ev->n_attendees + 1) * sizeof *lk->rank);
    for (size_t r = 0; r < ev->n_attendees; r++)
        lk->rank[order[r]] = (uint32_t)r;
    free(order);
    return lk;
}

void lookup_destroy(struct lookup *lk)
{
    if (lk == NULL)
        return;
    free(lk->blob);
    free(lk->sorted);
    free(lk->by_attendee);
    free(lk->first_word);
    free(lk->rank);
    free(lk);
}

/* -1, 0 or 1 as word w is before, starts with, or is after the prefix p (n bytes). */
static int prefix_cmp(const struct lookup *lk, const struct word *w, const char *p, size_t n)
{
    size_t m = w->len < n ? w->len : n;
    int c = memcmp(lk->blob + w->off, p, m);
    if (c != 0)
        return c < 0 ? -1 : 1;
    return w->len < n ? -1 : 0;
}

/* The range [*lo, *hi) of sorted words that start with p (n bytes). */
static void prefix_range(const struct lookup *lk, const char *p, size_t n, size_t *lo, size_t *hi)
{
    size_t a = 0, b = lk->n_words;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (prefix_cmp(lk, &lk->sorted[mid], p, n) < 0)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = a;
    b = lk->n_words;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (prefix_cmp(lk, &lk->sorted[mid], p, n) <= 0)
            a = mid + 1;
        else
            b = mid;
    }
    *hi = a;
}

/* True when some word of attendee a starts with p (n bytes). */
static bool attendee_has_prefix(const struct lookup *lk, size_t a, const char *p, size_t n)
{
    for (size_t i = lk->first_word[a]; i < lk->first_word[a + 1]; i++) {
        const struct word *w = &lk->by_attendee[i];
        if (w->len >= n && memcmp(lk->blob + w->off, p, n) == 0)
            return true;
    }
    return false;
}

static int rank_order(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

/* A query's words: offsets and lengths into its folded text. */
struct query {
    char text[LOOKUP_QUERY_MAX * 4];
    size_t off[LOOKUP_QUERY_MAX], len[LOOKUP_QUERY_MAX];
    size_t n;
};

/* Folds and splits a query; returns the number of characters in its words. */
static size_t query_split(const char *query, struct query *q)
{
    size_t n = lookup_fold(query, strlen(query), q->text, sizeof q->text), chars = 0;
    q->n = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && q->text[j] != ' ') {
            if (((unsigned char)q->text[j] & 0xC0) != 0x80)
                chars++;
            j++;
        }
        q->off[q->n] = i;
        q->len[q->n++] = j - i;
        i = j + 1;
    }
    return chars;
}

/* Fills a hit's state from the occupancy. */
static void hit_state(const struct lookup *lk, const struct occupancy *occ, int64_t t,
                      size_t session, struct lookup_hit *h)
{
    h->state = LOOKUP_NOT_CHECKED_IN;
    h->room = OCCUPANCY_NONE;
    h->registered =
        session != OCCUPANCY_NONE && event_is_registered(&lk->ev->attendees[h->attendee], session);
    if (occ == NULL)
        return;
    struct occupancy_place p;
    occupancy_attendee_place(occ, h->attendee, t, &p);
    switch (p.where) {
    case OCCUPANCY_NEVER_SEEN:
        break;
    case OCCUPANCY_OUTSIDE:
        h->state = LOOKUP_OUTSIDE;
        break;
    case OCCUPANCY_VENUE:
        h->state = LOOKUP_INSIDE;
        break;
    case OCCUPANCY_ROOM:
        h->state = LOOKUP_IN_ROOM;
        h->room = p.room;
        break;
    }
}

enum lookup_status lookup_find(const struct lookup *lk, const char *query,
                               const struct occupancy *occ, int64_t t, size_t session,
                               struct lookup_result *out)
{
    memset(out, 0, sizeof *out);
    if (strlen(query) >= LOOKUP_QUERY_MAX)
        return LOOKUP_TOO_LONG;
    struct query *q = xmalloc(sizeof *q);
    if (query_split(query, q) < LOOKUP_MIN_CHARS) {
        free(q);
        return LOOKUP_TOO_SHORT;
    }
    /* The narrowest query word gives the candidates; the others are checked on each. */
    size_t best = 0, best_lo = 0, best_hi = 0;
    for (size_t i = 0; i < q->n; i++) {
        size_t lo, hi;
        prefix_range(lk, q->text + q->off[i], q->len[i], &lo, &hi);
        if (i == 0 || hi - lo < best_hi - best_lo)
            best = i, best_lo = lo, best_hi = hi;
    }
    uint32_t *ranks = xmalloc((best_hi - best_lo + 1) * sizeof *ranks);
    size_t n = 0;
    for (size_t i = best_lo; i < best_hi; i++) {
        size_t a = lk->sorted[i].attendee;
        bool all = true;
        for (size_t w = 0; w < q->n && all; w++)
            all = w == best || attendee_has_prefix(lk, a, q->text + q->off[w], q->len[w]);
        if (all)
            ranks[n++] = lk->rank[a];
    }
    qsort(ranks, n, sizeof *ranks, rank_order);
    /* An attendee with two words that start alike ("Anna Annaert") is a candidate twice. */
    size_t unique = 0;
    for (size_t i = 0; i < n; i++) {
        if (unique == 0 || ranks[unique - 1] != ranks[i])
            ranks[unique++] = ranks[i];
    }
    out->total = unique;
    /* rank -> attendee: the candidates are few; scan their words' attendees again. */
    for (size_t i = best_lo; i < best_hi; i++) {
        size_t a = lk->sorted[i].attendee;
        uint32_t r = lk->rank[a];
        size_t lo = 0, hi = unique < LOOKUP_MAX_RESULTS ? unique : LOOKUP_MAX_RESULTS;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ranks[mid] < r)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < LOOKUP_MAX_RESULTS && lo < unique && ranks[lo] == r)
            out->hits[lo].attendee = a;
    }
    out->n = unique < LOOKUP_MAX_RESULTS ? unique : LOOKUP_MAX_RESULTS;
    for (size_t i = 0; i < out->n; i++)
        hit_state(lk, occ, t, session, &out->hits[i]);
    free(ranks);
    free(q);
    return LOOKUP_OK;
}
