/* SPDX-License-Identifier: Apache-2.0 */
/* The screen's catalogue, compiled from assets/i18n/<language>.po: every message has every
 * language of vocab.def, with the same printf conversions (flags, width, precision and letter)
 * in the same order, and a unique name; the messages of the vocabularies are the right ones. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "i18n.h"
#include "util.h"

/* Writes the conversions of a printf format, each whole, one after the other ("%s %d" ->
 * "%s%d", "%.1f" -> "%.1f"); "%%" is not one. */
static void conversions(const char *fmt, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        size_t len = 1 + strspn(p + 1, "0123456789.-+ #'$*hlLqjzt");
        if (p[len] != '\0')
            len++; /* the conversion letter */
        if (k + len < n) {
            memcpy(out + k, p, len);
            k += len;
        }
        p += len - 1;
    }
    out[k] = '\0';
}

/* The messages of the vocabularies: a mode's name, a language's own name, the headline of an
 * answer denied for a reason. */
static void check_vocabulary_messages(void)
{
    for (int m = 0; m < KIOSK_MODE_COUNT; m++) {
        enum i18n_msg msg = i18n_mode_msg((enum kiosk_mode)m);
        char want[64];
        snprintf(want, sizeof want, "mode_%s", kiosk_mode_name((enum kiosk_mode)m));
        CHECK_STR(i18n_name(msg), want);
    }
    CHECK(i18n_mode_msg(MODE_OVERVIEW) == MSG_MODE_OVERVIEW);
    CHECK_STR(i18n(LANG_FR, i18n_mode_msg(MODE_TOGGLE)), "Entrée et sortie");
    CHECK_STR(i18n(LANG_NL, i18n_mode_msg((enum kiosk_mode)KIOSK_MODE_COUNT)), "");

    for (int r = 0; r < SCAN_REASON_COUNT; r++)
        CHECK((unsigned)i18n_denied_msg((enum scan_reason)r) < MSG_COUNT);
    CHECK(i18n_denied_msg(REASON_OK) == MSG_NOT_ADMITTED);
    CHECK(i18n_denied_msg(REASON_INVALID) == MSG_BADGE_INVALID);
    CHECK(i18n_denied_msg(REASON_REVOKED) == MSG_BADGE_REVOKED);
    CHECK(i18n_denied_msg(REASON_WRONG_EVENT) == MSG_BADGE_WRONG_EVENT);
    CHECK(i18n_denied_msg(REASON_UNKNOWN_ATTENDEE) == MSG_BADGE_UNKNOWN);
    CHECK(i18n_denied_msg(REASON_ROOM_FULL) == MSG_ROOM_FULL);
    CHECK(i18n_denied_msg(REASON_NOT_REGISTERED) == MSG_SEATS_RESERVED);
    CHECK(i18n_denied_msg(REASON_ROOM_CLOSED) == MSG_ROOM_CLOSED);
    CHECK(i18n_denied_msg(REASON_DUPLICATE) == MSG_NOT_ADMITTED);
    CHECK(i18n_denied_msg((enum scan_reason)SCAN_REASON_COUNT) == MSG_NOT_ADMITTED);

    for (int l = 0; l < LANG_COUNT; l++) {
        const char *e = i18n_language_endonym((enum language)l);
        CHECK_MSG(e[0] != '\0' && utf8_valid(e, strlen(e), NULL), "%s: endonym '%s'",
                  language_name((enum language)l), e);
        for (int k = 0; k < l; k++)
            CHECK(strcmp(e, i18n_language_endonym((enum language)k)) != 0);
    }
    CHECK_STR(i18n_language_endonym(LANG_NL), "Nederlands");
    CHECK_STR(i18n_language_endonym(LANG_EN), "English");
    CHECK_STR(i18n_language_endonym((enum language)LANG_COUNT), "English");
}

/* The conversions are compared whole: a precision or a flag that differs is caught. */
static void check_conversions(void)
{
    char buf[64];
    conversions("%s in %d%% %.1f ms %-5s%", buf, sizeof buf);
    CHECK_STR(buf, "%s%d%.1f%-5s%");
    conversions("no conversion 100%%", buf, sizeof buf);
    CHECK_STR(buf, "");
    char other[64];
    conversions("%.2f", other, sizeof other);
    conversions("%.1f", buf, sizeof buf);
    CHECK(strcmp(buf, other) != 0);
}

int main(void)
{
    const char *names[MSG_COUNT];
    for (int m = 0; m < MSG_COUNT; m++) {
        names[m] = i18n_name((enum i18n_msg)m);
        CHECK_MSG(names[m][0] != '\0', "message %d has no name", m);
        char ref[64];
        const char *en = i18n_raw(LANG_EN, (enum i18n_msg)m);
        CHECK_MSG(en != NULL && en[0] != '\0', "%s: no English", names[m]);
        conversions(en ? en : "", ref, sizeof ref);
        for (int l = 0; l < LANG_COUNT; l++) {
            const char *s = i18n_raw((enum language)l, (enum i18n_msg)m);
            CHECK_MSG(s != NULL && s[0] != '\0', "%s: missing in %s", names[m],
                      language_name((enum language)l));
            if (s == NULL)
                continue;
            char conv[64];
            conversions(s, conv, sizeof conv);
            CHECK_MSG(strcmp(conv, ref) == 0, "%s (%s): conversions '%s', English has '%s'",
                      names[m], language_name((enum language)l), conv, ref);
            CHECK_MSG(utf8_valid(s, strlen(s), NULL), "%s (%s): not UTF-8", names[m],
                      language_name((enum language)l));
        }
        for (int k = 0; k < m; k++)
            CHECK_MSG(strcmp(names[k], names[m]) != 0, "duplicate name %s", names[m]);
    }
    /* The three languages really differ where they must (not English copied everywhere). */
    CHECK_STR(i18n(LANG_NL, MSG_SCAN_BADGE), "Scan je badge");
    CHECK_STR(i18n(LANG_FR, MSG_SCAN_BADGE), "Scannez votre badge");
    CHECK_STR(i18n(LANG_EN, MSG_SCAN_BADGE), "Scan your badge");
    CHECK_STR(i18n(LANG_NL, MSG_ROOM_FULL), "Zaal vol");
    int same = 0;
    for (int m = 0; m < MSG_COUNT; m++) {
        if (strcmp(i18n(LANG_NL, (enum i18n_msg)m), i18n(LANG_EN, (enum i18n_msg)m)) == 0 &&
            strcmp(i18n(LANG_FR, (enum i18n_msg)m), i18n(LANG_EN, (enum i18n_msg)m)) == 0)
            same++;
    }
    CHECK_MSG(same <= 2, "%d messages are the same in all three languages", same);
    /* Out of range falls back safely. */
    CHECK_STR(i18n((enum language)7, MSG_WELCOME), "Welcome");
    CHECK_STR(i18n(LANG_NL, (enum i18n_msg)MSG_COUNT), "");
    CHECK(i18n_raw(LANG_NL, (enum i18n_msg)MSG_COUNT) == NULL);
    CHECK_STR(i18n_language_endonym(LANG_FR), "Français");
    check_vocabulary_messages();
    check_conversions();
    return check_done();
}
