/* SPDX-License-Identifier: Apache-2.0 */
/* print_fonts_unhinted (certificates): after it, the faces cairo draws the print fonts with
 * (the ones it subsets into every PDF) have no hinting tables but the same glyph outlines as
 * the system's font files, which do have them; the monospaced font likewise; text in another
 * script still falls back to that script's font, untouched; and a certificate-like PDF
 * embeds each font in one subset (no second one for a ligature's glyph), with the same text
 * (pdftotext, poppler's) as was drawn. */
#include <stdlib.h>
#include <string.h>

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H

#include "check.h"
#include "file.h"
#include "print_fonts.h"
#include "print_text.h"
#include "shell.h"
#include "util.h"

/* The length of a table of face, 0 when it has none. */
static FT_ULong table_len(FT_Face face, FT_ULong tag)
{
    FT_ULong len = 0;
    return FT_Load_Sfnt_Table(face, tag, 0, NULL, &len) == 0 ? len : 0;
}

struct drawn {
    char family[64];
    FT_ULong fpgm;
    uint64_t outlines; /* a digest of the first glyphs' unhinted outlines */
    int hint_errors;   /* of those, the glyphs that a strict TrueType interpreter refuses */
};

#define GLYPHS_CHECKED 600

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const unsigned char *)p)[i]) * 0x100000001b3ULL;
    return h;
}

/* Digests face's outlines, font units, no hinting; and hints each glyph with the TrueType
 * interpreter, errors not ignored (FT_LOAD_PEDANTIC), as a strict rasteriser would. */
static void check_glyphs(FT_Face face, struct drawn *d)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (FT_UInt gid = 0; gid < (FT_UInt)face->num_glyphs && gid < GLYPHS_CHECKED; gid++) {
        if (FT_Load_Glyph(face, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) == 0) {
            FT_Outline *o = &face->glyph->outline;
            h = fnv(h, &o->n_points, sizeof o->n_points);
            h = fnv(h, o->points, (size_t)o->n_points * sizeof *o->points);
            h = fnv(h, o->tags, (size_t)o->n_points);
            h = fnv(h, o->contours, (size_t)o->n_contours * sizeof *o->contours);
        } else {
            h = fnv(h, "error", 5);
        }
        d->hint_errors +=
            FT_Load_Glyph(face, gid, FT_LOAD_DEFAULT | FT_LOAD_PEDANTIC | FT_LOAD_NO_AUTOHINT) != 0;
    }
    d->outlines = h;
}

/* What cairo draws the first run of text in family with: the face's family, the length of
 * its fpgm table, its glyphs (check_glyphs). */
static struct drawn drawn_with(const char *family, const char *text)
{
    struct drawn d = {{0}, 0, 0, 0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(NULL, NULL, 100, 100);
    cairo_t *cr = cairo_create(s);
    PangoLayout *layout = print_layout_create(cr, family, PANGO_WEIGHT_NORMAL);
    pango_layout_set_text(layout, text, -1);
    PangoLayoutRun *run = pango_layout_get_line_readonly(layout, 0)->runs->data;
    cairo_scaled_font_t *font =
        pango_cairo_font_get_scaled_font((PangoCairoFont *)run->item->analysis.font);
    FT_Face face = cairo_ft_scaled_font_lock_face(font);
    if (face != NULL) {
        snprintf(d.family, sizeof d.family, "%s", face->family_name);
        d.fpgm = table_len(face, TTAG_fpgm);
        check_glyphs(face, &d);
        cairo_ft_scaled_font_unlock_face(font);
    }
    g_object_unref(layout);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return d;
}

/* The same glyph outlines in a and b, and none that a strict interpreter refuses in b. */
static bool same_glyphs(const struct drawn *a, const struct drawn *b)
{
    return a->outlines == b->outlines && b->hint_errors == 0;
}

/* Writes a page of Latin text with ligature candidates ("fi", "ffl") to dir/page.pdf. */
static void write_page(const char *dir)
{
    struct strbuf pdf = {0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(print_append_stream, &pdf, 595, 842);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, PRINT_PT_PER_MM, PRINT_PT_PER_MM);
    print_draw_text(cr, "Certificate of attendance", PRINT_FONT_FAMILY, PANGO_WEIGHT_BOLD, 8, 20,
                    20, 170, PANGO_ALIGN_CENTER);
    print_draw_text(cr, "This certifies that the office staff waffled", PRINT_FONT_FAMILY,
                    PANGO_WEIGHT_NORMAL, 4, 20, 40, 170, PANGO_ALIGN_CENTER);
    print_draw_text(cr, "AHW45-SNXAA", PRINT_FONT_MONO, PANGO_WEIGHT_NORMAL, 3, 20, 60, 170,
                    PANGO_ALIGN_LEFT);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    char *path = xasprintf("%s/page.pdf", dir);
    CHECK(file_write_replace(path, pdf.data, pdf.len, 0600));
    free(path);
    strbuf_finish(&pdf);
}

/* Whether a font of family is installed (fontconfig), not just one that stands in for it. */
static bool installed(const char *family)
{
    FcPattern *pattern = FcPatternBuild(NULL, FC_FAMILY, FcTypeString, family, (char *)NULL);
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, (char *)NULL);
    FcFontSet *set = FcFontList(NULL, pattern, os);
    bool found = set != NULL && set->nfont > 0;
    FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pattern);
    return found;
}

int main(void)
{
    /* fonts-noto-core is a Recommends, and the arm64 test sysroot has none: the print family
     * then resolves to a stand-in (DejaVu Sans), whose faces are made the same way. */
    if (!installed("Noto Sans")) {
        printf("test_print_fonts: no Noto Sans (fonts-noto-core): the stand-in only\n");
        struct drawn b = drawn_with(PRINT_FONT_FAMILY, "Noto");
        CHECK(print_fonts_unhinted());
        struct drawn a = drawn_with(PRINT_FONT_FAMILY, "Noto");
        CHECK_STR(a.family, b.family);
        CHECK(b.fpgm > 0 && a.fpgm == 0);
        CHECK(same_glyphs(&b, &a));
        return check_done();
    }
    struct drawn before = drawn_with(PRINT_FONT_FAMILY, "Noto");
    struct drawn mono_before = drawn_with(PRINT_FONT_MONO, "AHW45");
    struct drawn arabic_before = drawn_with(PRINT_FONT_FAMILY, "محمد");
    CHECK_STR(before.family, "Noto Sans");
    CHECK_MSG(before.fpgm > 0, "the system's Noto Sans has hinting: the case this is for");
    CHECK(before.hint_errors == 0 && mono_before.hint_errors == 0);

    CHECK(print_fonts_unhinted());
    CHECK(print_fonts_unhinted()); /* once per process: the second call keeps the first's */
    struct drawn after = drawn_with(PRINT_FONT_FAMILY, "Noto");
    struct drawn mono_after = drawn_with(PRINT_FONT_MONO, "AHW45");
    struct drawn arabic_after = drawn_with(PRINT_FONT_FAMILY, "محمد");
    CHECK_STR(after.family, "Noto Sans");
    CHECK(after.fpgm == 0);
    CHECK(same_glyphs(&before, &after));
    CHECK_STR(mono_after.family, mono_before.family);
    CHECK(mono_after.fpgm == 0);
    CHECK(same_glyphs(&mono_before, &mono_after));
    /* Another script's fallback font is read from its file as before. */
    CHECK_STR(arabic_after.family, "Noto Sans Arabic");
    CHECK_STR(arabic_after.family, arabic_before.family);
    CHECK(arabic_after.fpgm == arabic_before.fpgm);
    CHECK(same_glyphs(&arabic_before, &arabic_after));

    char tmpl[] = "/tmp/portier-print-fonts-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL);
    write_page(dir);
    /* Three fonts, each one simple (WinAnsi) subset: no composite one for "fi" or "ffl". */
    CHECK(test_sh("cd %s && pdffonts page.pdf >fonts.txt && test $(tail -n +3 fonts.txt | wc -l) "
                  "-eq 3 && test $(grep -c 'TrueType *WinAnsi' fonts.txt) -eq 3",
                  dir) == 0);
    CHECK(test_sh("cd %s && pdftotext page.pdf - | tr -s ' \\n' ' ' | grep -q "
                  "'Certificate of attendance This certifies that the office staff waffled "
                  "AHW45-SNXAA'",
                  dir) == 0);
    if (check_done() == 0)
        test_sh("rm -rf %s", dir);
    else
        fprintf(stderr, "left in %s\n", dir);
    return check_done();
}
