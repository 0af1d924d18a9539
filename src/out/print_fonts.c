/* SPDX-License-Identifier: Apache-2.0 */
/* cairo embeds in every PDF a subset of each font it draws with, and copies the font's
 * hinting tables (cvt, fpgm, prep) into each subset whole: 4 kB of Noto Sans's, compressed
 * again in every certificate, a fifth of its CPU, for a page that is printed or zoomed
 * (hinting only snaps outlines to a screen's pixels at small sizes; poppler never runs it,
 * so pdftoppm draws the same pixels). A font without those tables gets subsets without them.
 * The glyphs' own instructions go too (they call the functions of fpgm and read cvt): a
 * rasteriser that hints, a printer's among them, finds glyphs with nothing to run. fontconfig lets
 * a font's pattern carry an FT_Face (FC_FT_FACE), which cairo then draws with instead of opening
 * the file; harfbuzz still shapes from the file, glyph for glyph the same. */
#include "print_fonts.h"

#include <stdint.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <fontconfig/fontconfig.h>

#include <fontconfig/fcfreetype.h> /* after fontconfig.h and FreeType's */
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

#include "file.h"
#include "log.h"
#include "print_text.h"
#include "util.h"

static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* The table record of tag in the directory of the font in data, or NULL (also when the table
 * lies outside data). */
static unsigned char *table_record(unsigned char *data, size_t len, const char *tag)
{
    unsigned n = get16(data + 4);
    for (unsigned i = 0; i < n && 12 + (size_t)(i + 1) * 16 <= len; i++) {
        unsigned char *record = data + 12 + (size_t)i * 16;
        if (memcmp(record, tag, 4) == 0)
            return get32(record + 8) <= len && get32(record + 12) <= len - get32(record + 8)
                       ? record
                       : NULL;
    }
    return NULL;
}

/* The bytes of a composite glyph's component with these flags: flags, glyph index, its two
 * arguments (words or bytes) and its transform (none, one scale, two, or a 2x2 matrix). */
static size_t component_size(unsigned flags)
{
    return 4 + (flags & 0x1 ? 4 : 2) + (flags & 0x8 ? 2 : 0) + (flags & 0x40 ? 4 : 0) +
           (flags & 0x80 ? 8 : 0);
}

/* The length of glyph g (len bytes at g) without its instructions, written at out (out <= g,
 * the bytes may overlap); 0 when its data is malformed. A simple glyph keeps an empty
 * instruction block, a composite one loses its WE_HAVE_INSTRUCTIONS flag and what follows its
 * components. */
static size_t glyph_without_instructions(unsigned char *out, const unsigned char *g, size_t len)
{
    if (len < 10)
        return 0;
    int16_t contours = (int16_t)get16(g);
    if (contours >= 0) {
        size_t at = 10 + 2 * (size_t)contours; /* the instruction length */
        if (at + 2 > len || at + 2 + get16(g + at) > len)
            return 0;
        size_t rest = at + 2 + get16(g + at);
        memmove(out, g, at);
        put16(out + at, 0);
        memmove(out + at + 2, g + rest, len - rest);
        return at + 2 + (len - rest);
    }
    size_t at = 10;
    unsigned flags;
    do {
        if (at + 4 > len)
            return 0;
        flags = get16(g + at);
        size_t size = component_size(flags);
        if (at + size > len)
            return 0;
        at += size;
    } while (flags & 0x20); /* MORE_COMPONENTS */
    memmove(out, g, at);
    for (size_t c = 10; c < at;) { /* clear WE_HAVE_INSTRUCTIONS */
        unsigned f = get16(out + c);
        put16(out + c, f & ~0x100u);
        c += component_size(f);
    }
    return at;
}

/* Removes every glyph's instructions from glyf, moving the glyphs down and rewriting loca, so
 * that no glyph calls a function of the dropped fpgm or reads the dropped cvt; false when the
 * tables are malformed (data is then unusable). */
static bool drop_glyph_instructions(unsigned char *data, size_t len)
{
    unsigned char *glyf = table_record(data, len, "glyf"), *loca = table_record(data, len, "loca");
    unsigned char *head = table_record(data, len, "head"), *maxp = table_record(data, len, "maxp");
    if (glyf == NULL || loca == NULL || head == NULL || maxp == NULL || get32(head + 12) < 54 ||
        get32(maxp + 12) < 6)
        return false;
    unsigned char *g = data + get32(glyf + 8), *l = data + get32(loca + 8);
    size_t glyf_len = get32(glyf + 12), n = get16(data + get32(maxp + 8) + 4);
    bool wide = get16(data + get32(head + 8) + 50) != 0; /* head.indexToLocFormat */
    if (get32(loca + 12) < (n + 1) * (wide ? 4 : 2))
        return false;
#define LOCA_GET(i) (wide ? (size_t)get32(l + 4 * (i)) : 2 * (size_t)get16(l + 2 * (i)))
#define LOCA_PUT(i, v)                                                                             \
    (wide ? put32(l + 4 * (i), (uint32_t)(v)) : put16(l + 2 * (i), (unsigned)((v) / 2)))
    /* Entry i is rewritten once entry i + 1 was read; a glyph only shrinks, so the one written
     * never reaches the next one to read (written <= start, even with the short form's padding
     * to an even length: a glyph that lost nothing keeps its even length). */
    size_t written = 0, start = LOCA_GET(0);
    for (size_t i = 0; i < n; i++) {
        size_t end = LOCA_GET(i + 1), at = written;
        if (end < start || end > glyf_len)
            return false;
        if (end > start) {
            size_t out = glyph_without_instructions(g + written, g + start, end - start);
            if (out == 0)
                return false;
            written += out;
            if (!wide && written % 2 != 0)
                g[written++] = 0;
        }
        LOCA_PUT(i, at);
        start = end;
    }
    LOCA_PUT(n, written);
#undef LOCA_GET
#undef LOCA_PUT
    put32(glyf + 12, (uint32_t)written);
    return true;
}

/* Takes the hinting tables out of the table directory of the TrueType font in data (their
 * bytes stay, unreferenced) and the instructions out of its glyphs; false when data is not one
 * TrueType font or has no hinting tables. */
static bool drop_hinting(unsigned char *data, size_t len)
{
    static const char *const hinting[] = {"cvt ", "fpgm", "prep"};
    if (len < 12 || (memcmp(data, "\0\1\0\0", 4) != 0 && memcmp(data, "true", 4) != 0))
        return false;
    unsigned n = get16(data + 4), kept = 0;
    if (12 + (size_t)n * 16 > len)
        return false;
    if (!drop_glyph_instructions(data, len))
        return false;
    for (unsigned i = 0; i < n; i++) {
        unsigned char *record = data + 12 + (size_t)i * 16;
        bool drop = false;
        for (size_t k = 0; k < ARRAY_LEN(hinting); k++)
            drop = drop || memcmp(record, hinting[k], 4) == 0;
        if (!drop)
            memmove(data + 12 + (size_t)kept++ * 16, record, 16);
    }
    if (kept == n || kept == 0)
        return false;
    memset(data + 12 + (size_t)kept * 16, 0, (size_t)(n - kept) * 16);
    /* The directory's binary search fields: the largest power of two not above kept. */
    unsigned selector = 0;
    while (2u << selector <= kept)
        selector++;
    put16(data + 4, kept);
    put16(data + 6, 16u << selector);
    put16(data + 8, selector);
    put16(data + 10, kept * 16 - (16u << selector));
    return true;
}

/* The file and index of the font that family at weight resolves to in config, or false. */
static bool resolve(FcConfig *config, const char *family, int weight, char **file, int *index)
{
    FcPattern *pattern = FcNameParse((const FcChar8 *)family);
    if (pattern == NULL)
        return false;
    FcPatternAddInteger(pattern, FC_WEIGHT, weight);
    FcConfigSubstitute(config, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result;
    FcPattern *match = FcFontMatch(config, pattern, &result);
    FcPatternDestroy(pattern);
    FcChar8 *path;
    bool ok = match != NULL && FcPatternGetString(match, FC_FILE, 0, &path) == FcResultMatch &&
              FcPatternGetInteger(match, FC_INDEX, 0, index) == FcResultMatch;
    if (ok)
        *file = xstrdup((const char *)path);
    FcPatternDestroy(match);
    return ok;
}

/* Gives every pattern of file and index in config's system fonts the face, for cairo. */
static void attach_face(FcConfig *config, const char *file, int index, FT_Face face)
{
    FcFontSet *set = FcConfigGetFonts(config, FcSetSystem);
    for (int i = 0; set != NULL && i < set->nfont; i++) {
        FcChar8 *path;
        int at;
        if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &path) != FcResultMatch ||
            strcmp((const char *)path, file) != 0 ||
            FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &at) != FcResultMatch || at != index)
            continue;
        FcPattern *copy = FcPatternDuplicate(set->fonts[i]);
        FcPatternAddFTFace(copy, FC_FT_FACE, face);
        FcPatternDestroy(set->fonts[i]);
        set->fonts[i] = copy;
    }
}

/* Reads file without its hinting tables as face (the data stays for the process's life:
 * FreeType reads from it); false when it has none to drop or cannot be read. */
static bool unhinted_face(FT_Library library, const char *file, int index, FT_Face *face)
{
    size_t len;
    unsigned char *data = (unsigned char *)file_read_all(file, &len);
    if (data == NULL || !drop_hinting(data, len) ||
        FT_New_Memory_Face(library, data, (FT_Long)len, index, face) != 0) {
        free(data);
        return false;
    }
    return true;
}

bool print_fonts_unhinted(void)
{
    static bool done, ok;
    if (done)
        return ok;
    done = true;
    static const struct {
        const char *family;
        int weight;
    } fonts[] = {{PRINT_FONT_FAMILY, FC_WEIGHT_REGULAR},
                 {PRINT_FONT_FAMILY, FC_WEIGHT_BOLD},
                 {PRINT_FONT_MONO, FC_WEIGHT_REGULAR}};
    FT_Library library;
    FcConfig *config = FcInitLoadConfigAndFonts();
    if (config == NULL || FT_Init_FreeType(&library) != 0) {
        FcConfigDestroy(config);
        return false;
    }
    char *files[ARRAY_LEN(fonts)] = {NULL};
    int indexes[ARRAY_LEN(fonts)];
    for (size_t i = 0; i < ARRAY_LEN(fonts); i++) {
        FT_Face face;
        if (!resolve(config, fonts[i].family, fonts[i].weight, &files[i], &indexes[i]))
            continue;
        bool seen = false; /* a family without bold resolves to its regular font twice */
        for (size_t k = 0; k < i; k++)
            seen = seen || (files[k] != NULL && strcmp(files[k], files[i]) == 0 &&
                            indexes[k] == indexes[i]);
        if (!seen && unhinted_face(library, files[i], indexes[i], &face)) {
            attach_face(config, files[i], indexes[i], face);
            ok = true;
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(fonts); i++)
        free(files[i]);
    PangoFontMap *map = ok ? pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT) : NULL;
    if (map == NULL) {
        log_debug("print fonts: none with hinting tables to drop; fonts as they are");
        FcConfigDestroy(config);
        FT_Done_FreeType(library); /* and any face made, unused */
        return ok = false;
    }
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), config);
    FcConfigDestroy(config);
    pango_cairo_font_map_set_default(PANGO_CAIRO_FONT_MAP(map));
    g_object_unref(map);
    return true;
}
