/* SPDX-License-Identifier: Apache-2.0 */
/* cairo embeds in every PDF a subset of each font it draws with, and copies the font's
 * hinting tables (cvt, fpgm, prep) into each subset whole: 4 kB of Noto Sans's, compressed
 * again in every certificate, a fifth of its CPU, for a page that is printed or zoomed
 * (hinting only snaps outlines to a screen's pixels at small sizes; poppler never runs it,
 * so pdftoppm draws the same pixels). A font without those tables gets subsets without them.
 * The glyphs' own instructions stay in glyf: a rasteriser that hints finds the functions they
 * call missing and draws those glyphs unhinted (FreeType ignores such errors unless told to
 * be pedantic). fontconfig lets a font's pattern carry an FT_Face (FC_FT_FACE), which cairo
 * then draws with instead of opening the file; harfbuzz still shapes from the file, glyph for
 * glyph the same. */
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

/* Takes the hinting tables out of the table directory of the TrueType font in data (their
 * bytes stay, unreferenced); false when data is not one TrueType font or has none. */
static bool drop_hinting(unsigned char *data, size_t len)
{
    static const char *const hinting[] = {"cvt ", "fpgm", "prep"};
    if (len < 12 || (memcmp(data, "\0\1\0\0", 4) != 0 && memcmp(data, "true", 4) != 0))
        return false;
    unsigned n = get16(data + 4), kept = 0;
    if (12 + (size_t)n * 16 > len)
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
