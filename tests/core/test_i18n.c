/* The screen's catalogue: every message has Dutch, French and English, with the same printf
 * conversions in the same order, and a unique name. */
#include <string.h>

#include "check.h"
#include "i18n.h"
#include "util.h"

/* Writes the conversion letters of a printf format ("%s %d" -> "sd", "%.1f" -> "f"). */
static void conversions(const char *fmt, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("0123456789.-+ #lh", *p))
            p++;
        if (*p && k + 1 < n)
            out[k++] = *p;
        if (!*p)
            break;
    }
    out[k] = '\0';
}

int main(void)
{
    const char *names[MSG_COUNT];
    for (int m = 0; m < MSG_COUNT; m++) {
        names[m] = i18n_name((enum i18n_msg)m);
        CHECK_MSG(names[m][0] != '\0', "message %d has no name", m);
        char ref[16];
        const char *en = i18n_raw(LANG_EN, (enum i18n_msg)m);
        CHECK_MSG(en != NULL && en[0] != '\0', "%s: no English", names[m]);
        conversions(en ? en : "", ref, sizeof ref);
        for (int l = 0; l < LANG_COUNT; l++) {
            const char *s = i18n_raw((enum language)l, (enum i18n_msg)m);
            CHECK_MSG(s != NULL && s[0] != '\0', "%s: missing in %s", names[m],
                      language_name((enum language)l));
            if (s == NULL)
                continue;
            char conv[16];
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
    return check_done();
}
