/* SPDX-License-Identifier: Apache-2.0 */
/* The answer screen: a decision drawn full screen in the colours, icon and sound of its class.
 * What it says (headline, detail, language) is chosen by the core (answer.h). */
#include "draw.h"

/* How each class of answer looks and sounds: the shape of the icon tells the outcome without
 * its colour. */
static const struct {
    uint32_t bg, fg;
    enum icon icon;
    enum ui_sound sound;
} looks[] = {
    [ANSWER_OK] = {C_OK_BG, C_TEXT, ICON_CHECK, UI_SOUND_ADMITTED},
    [ANSWER_WARN] = {C_WARN_BG, C_DARK, ICON_WARN, UI_SOUND_WARNING},
    [ANSWER_DENY] = {C_DENY_BG, C_TEXT, ICON_CROSS, UI_SOUND_DENIED},
    [ANSWER_EXIT] = {C_EXIT_BG, C_TEXT, ICON_EXIT, UI_SOUND_ADMITTED},
};

enum ui_sound screen_answer_sound(const struct answer *a)
{
    return looks[answer_look(a).cls].sound;
}

void screen_answer(struct ui *ui, const struct ui_view *v)
{
    const struct answer *a = &ui->answer;
    struct answer_look look = answer_look(a);
    enum language lang = answer_language(a, v->lang);
    char detail[400];
    answer_detail(a, lang, detail, sizeof detail);
    char others[200];
    draw_other_languages(lang, look.headline, others, sizeof others);
    float left = (float)(ui->answer_until - ui->now) / (float)(ui->answer_until - ui->answer_start);
    draw_big_message(ui, looks[look.cls].bg, looks[look.cls].fg, looks[look.cls].icon,
                     i18n(lang, look.headline), a->name, detail, a->lang_known ? NULL : others,
                     left < 0 ? 0 : left);
    draw_add_button(ui, rect(0, 0, ui->w, ui->h), UI_ACTION_NONE, 0);
}
