/* SPDX-License-Identifier: Apache-2.0 */
/* The screen's messages in every language, generated at build time from the files
 * assets/i18n/<language>.po (cmake/GenerateVocab.cmake writes i18n_catalog.c in the build
 * tree). For i18n.c alone: the rest of the program reads messages with i18n(). */
#ifndef PORTIER_I18N_CATALOG_H
#define PORTIER_I18N_CATALOG_H

#include "i18n.h"

struct i18n_entry {
    const char *name;             /* the stable key, the .po files' msgid ("scan_badge") */
    const char *text[LANG_COUNT]; /* indexed by enum language; NULL when missing */
};

/* Indexed by enum i18n_msg; a message missing from the .po files is a row of NULLs. */
extern const struct i18n_entry i18n_catalog[MSG_COUNT];

#endif
