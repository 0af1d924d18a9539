/* SPDX-License-Identifier: Apache-2.0 */
/* Fonts for PDFs made by the thousand (certificates): the print families' own fonts read
 * without their TrueType hinting programs. */
#ifndef PORTIER_PRINT_FONTS_H
#define PORTIER_PRINT_FONTS_H

#include <stdbool.h>

/* Makes this thread's default pango font map one in which the fonts that PRINT_FONT_FAMILY
 * (regular and bold) and PRINT_FONT_MONO resolve to are read from copies in memory without
 * their hinting tables (cvt, fpgm, prep); every other font (another script's fallback) is
 * read as before. The outlines, metrics and shaping are the same. Once per process, for its
 * life (later calls do nothing); false, the default font map kept, when it cannot be done. */
bool print_fonts_unhinted(void);

#endif
