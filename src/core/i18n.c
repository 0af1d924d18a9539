/* SPDX-License-Identifier: Apache-2.0 */
/* The screen's messages: the catalogue compiled from assets/i18n/<language>.po, and the
 * messages of the vocabularies (vocab.def). */
#include "i18n.h"

#include <stddef.h>
#include <string.h>

#include "i18n_catalog.h"

/* The message in lang. */
const char *i18n(enum language lang, enum i18n_msg msg)
{
    if ((unsigned)msg >= MSG_COUNT)
        return "";
    if ((unsigned)lang >= LANG_COUNT)
        lang = LANG_EN;
    const char *s = i18n_catalog[msg].text[lang];
    if (s == NULL)
        s = i18n_catalog[msg].text[LANG_EN];
    return s != NULL ? s : "";
}

/* The n-th item of a comma-separated message. */
const char *i18n_item(enum language lang, enum i18n_msg msg, int n, int *len)
{
    const char *list = i18n(lang, msg);
    for (; n > 0 && list != NULL; n--) {
        list = strchr(list, ',');
        if (list != NULL)
            list++;
    }
    if (list == NULL || n < 0)
        list = "";
    *len = (int)strcspn(list, ",");
    return list;
}

/* The message as the catalogue holds it. */
const char *i18n_raw(enum language lang, enum i18n_msg msg)
{
    if ((unsigned)msg >= MSG_COUNT || (unsigned)lang >= LANG_COUNT)
        return NULL;
    return i18n_catalog[msg].text[lang];
}

/* The message's stable name. */
const char *i18n_name(enum i18n_msg msg)
{
    if ((unsigned)msg >= MSG_COUNT || i18n_catalog[msg].name == NULL)
        return "";
    return i18n_catalog[msg].name;
}

static const char *const endonyms[LANG_COUNT] = {
#define VOCAB_LANGUAGE(id, name, endonym) [id] = endonym,
#include "vocab.def"
};

/* The language's own name. */
const char *i18n_language_endonym(enum language lang)
{
    return endonyms[(unsigned)lang < LANG_COUNT ? lang : LANG_EN];
}

static const enum i18n_msg mode_msgs[KIOSK_MODE_COUNT] = {
#define VOCAB_MODE(id, name, msg) [id] = msg,
#include "vocab.def"
};

/* The message naming a kiosk mode. */
enum i18n_msg i18n_mode_msg(enum kiosk_mode mode)
{
    return (unsigned)mode < KIOSK_MODE_COUNT ? mode_msgs[mode] : MSG_COUNT;
}

static const enum i18n_msg denied_msgs[SCAN_REASON_COUNT] = {
#define VOCAB_REASON(id, name, denied_msg) [id] = denied_msg,
#include "vocab.def"
};

/* The headline of an answer denied for reason. */
enum i18n_msg i18n_denied_msg(enum scan_reason reason)
{
    return (unsigned)reason < SCAN_REASON_COUNT ? denied_msgs[reason] : MSG_NOT_ADMITTED;
}
