/* SPDX-License-Identifier: Apache-2.0 */
/* Printed badges: one PNG per attendee, a printable A4 PDF sheet, and tokens.csv.
 *
 * A badge is BADGE_WIDTH_MM x BADGE_HEIGHT_MM: the event's name at the top, the attendee's name
 * (large, shrunk to fit, at most two lines, ellipsized only as a last resort), the organisation,
 * the QR code of the token with a 4-module quiet zone, the attendee id in small print, and a
 * band in the category's colour that also spells the category out (colour is never the only
 * signal). 90 x 130 mm rather than A6 (105 x 148) so that four fit on an A4 sheet with gutters
 * and margins wide enough for crop marks outside every badge.
 *
 * Every file is written atomically (temp file, fsync, rename): an interrupted run leaves the
 * previous file or the new one, never half of one. */
#ifndef PORTIER_BADGE_H
#define PORTIER_BADGE_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "image.h"

#define BADGE_WIDTH_MM   90.0
#define BADGE_HEIGHT_MM  130.0
#define BADGE_DPI        300
#define BADGE_PNG_WIDTH  1063 /* BADGE_WIDTH_MM at BADGE_DPI */
#define BADGE_PNG_HEIGHT 1535
#define BADGE_PER_PAGE   4 /* 2 x 2 on A4 portrait */

/* What one badge shows. All strings are borrowed, UTF-8; organisation may be "" or NULL. */
struct badge_info {
    const char *attendee_id;
    const char *name;
    const char *organisation;
    const char *event_name;
    enum category category;
    const char *token; /* the QR payload: QR alphanumeric characters (A-Z 0-9 space $%*+-./:) */
};

/* The category's word as printed in the band ("SPEAKER"). */
const char *badge_category_label(enum category cat);

/* Writes the badge as a BADGE_PNG_WIDTH x BADGE_PNG_HEIGHT colour PNG at path. Logs why on
 * failure. */
bool badge_write_png(const struct badge_info *b, const char *path);
/* Writes an A4 PDF with BADGE_PER_PAGE badges a page, as vectors, with crop marks. n may not be
 * 0. Logs why on failure. */
bool badge_write_pdf(const struct badge_info *badges, size_t n, const char *path);
/* Writes tokens.csv: a header "attendee_id,name,token" and one row a badge, RFC 4180 quoting,
 * CRLF line ends, UTF-8, mode 0600 (the tokens are the badges). Logs why on failure. */
bool badge_write_tokens_csv(const struct badge_info *badges, size_t n, const char *path);

/* Label formats for printing one badge on site (badge_print.h), each with its own layout:
 * a 62 mm continuous label cut at 100 mm (Brother QL), a CR80 card (54 x 86 mm, portrait), a
 * 4 x 6 inch label, an A6 sheet. */
enum badge_label { BADGE_LABEL_62MM, BADGE_LABEL_CR80, BADGE_LABEL_4X6, BADGE_LABEL_A6 };
#define BADGE_LABEL_COUNT   4
#define BADGE_LABEL_CHOICES "62mm|cr80|4x6|a6"

/* Parses a label format's word ("62mm", "cr80", "4x6", "a6"); false when it is none. */
bool badge_label_parse(const char *word, enum badge_label *out);
/* The format's word (static). */
const char *badge_label_name(enum badge_label label);
/* The IPP media name a print job asks for ("iso_a6_105x148mm"; static). */
const char *badge_label_media(enum badge_label label);
/* The label's size in millimetres. */
void badge_label_size_mm(enum badge_label label, double *w, double *h);
/* Appends a one-page PDF of the badge on the label (the page is the label's size) to out.
 * Logs why and leaves out as it was on failure. */
struct strbuf;
bool badge_label_pdf(const struct badge_info *b, enum badge_label label, struct strbuf *out);

/* Renders the badge in greyscale, width pixels wide (the height follows the badge's aspect
 * ratio), into img (initialised here; the caller finishes it). For synthetic camera frames and
 * tests. False when width is out of range. */
bool badge_render_gray(const struct badge_info *b, int width, struct image *img);

/* Drops pango's default font map (and the cairo font faces it holds), so that a leak checker
 * sees only still-reachable caches at exit. Call at most once, at the end, when no cairo or pango
 * object is alive any more. */
void badge_release_fonts(void);

/* Appends s to sb as one RFC 4180 CSV field: quoted (with quotes doubled) when it holds a comma,
 * a quote, CR or LF, as it is otherwise. */
struct strbuf;
void badge_csv_field(struct strbuf *sb, const char *s);

#endif
