/* SPDX-License-Identifier: Apache-2.0 */
/* The desk's screens (issue 15): the walk-in form (name, organisation, language, category,
 * typed on the on-screen keyboard or a physical one) and the issued screen, which tells staff
 * what came of a reprint or a walk-in: printed, printing, a printer problem with Retry, or the
 * attendee id to write down when nothing can print. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "keyboard.h"

/* The focused field of the form. */
static char *form_field(struct ui *ui)
{
    return ui->reg_field == 0 ? ui->reg_name : ui->reg_org;
}

void register_open(struct ui *ui)
{
    ui->staff = UI_STAFF_REGISTER;
    ui->reg_name[0] = ui->reg_org[0] = '\0';
    ui->reg_field = 0;
    ui->reg_lang = ui->lang;
    ui->reg_cat = CATEGORY_ATTENDEE;
    SDL_StartTextInput();
}

bool register_tap(struct ui *ui, struct ui_button b)
{
    if (ui->staff != UI_STAFF_REGISTER)
        return false;
    switch (b.action) {
    case UI_ACTION_SEARCH_KEY:
        keyboard_apply(form_field(ui), UI_FORM_TEXT, b.value);
        return true;
    case UI_ACTION_REGISTER_FIELD:
        ui->reg_field = b.value;
        return true;
    case UI_ACTION_REGISTER_LANG:
        ui->reg_lang = (enum language)b.value;
        return true;
    case UI_ACTION_REGISTER_CAT:
        ui->reg_cat = (enum category)b.value;
        return true;
    case UI_ACTION_SEARCH_BACK:
        ui->staff = UI_STAFF_SEARCH;
        return true;
    default:
        return false; /* UI_ACTION_REGISTER goes to the kiosk */
    }
}

void register_input(struct ui *ui, const SDL_Event *ev)
{
    char *field = form_field(ui);
    if (ev->type == SDL_TEXTINPUT)
        keyboard_append(field, UI_FORM_TEXT, ev->text.text);
    else if (ev->key.keysym.sym == SDLK_BACKSPACE)
        keyboard_apply(field, UI_FORM_TEXT, KEYBOARD_BACKSPACE);
    else if (ev->key.keysym.sym == SDLK_TAB)
        ui->reg_field = !ui->reg_field;
    else if (ev->key.keysym.sym == SDLK_ESCAPE)
        ui->staff = UI_STAFF_SEARCH;
    ui->staff_deadline = ui->now + UI_STAFF_TIMEOUT_MS;
}

/* The on-screen keyboard types capitals at the start of each word of a name. */
static bool word_start(const char *s)
{
    size_t n = strlen(s);
    return n == 0 || s[n - 1] == ' ' || s[n - 1] == '-' || s[n - 1] == '\'';
}

/* A text field in box r with its caption above (cap_h high): the caret when focused. */
static void text_field(struct ui *ui, const char *caption, const char *text, struct ui_rect r,
                       float cap_h, bool focused, int element, int value)
{
    float u = ui->u;
    draw_text(ui, caption, rect(r.x, r.y, r.w, cap_h), (int)(3.4f * u), UI_REGULAR, UI_ALIGN_LEFT,
              1, C_MUTED);
    struct ui_rect box = rect(r.x, (float)r.y + cap_h, r.w, (float)r.h - cap_h);
    if (focused)
        draw_fill_round(ui, box, 1.2f * u, C_ACCENT);
    struct ui_rect inner =
        focused ? rect(box.x + 0.5f * u, box.y + 0.5f * u, box.w - u, box.h - u) : box;
    draw_fill_round(ui, inner, 1.2f * u, C_TEXT);
    char shown[UI_FORM_TEXT + 8];
    snprintf(shown, sizeof shown, "%s%s", text, focused ? "|" : "");
    draw_text(ui, shown, rect(inner.x + 2 * u, inner.y, inner.w - 4 * u, inner.h), (int)(4.6f * u),
              UI_BOLD, UI_ALIGN_LEFT, 1, C_DARK);
    draw_set_element(ui, element, box);
    draw_add_button(ui, rect(r.x, r.y, r.w, r.h), UI_ACTION_REGISTER_FIELD, value);
}

/* A row of choices: its label in box label, then n buttons across box r. */
static void choice_row(struct ui *ui, const char *label, struct ui_rect label_r,
                       const char *const *names, int n, int chosen, enum ui_action a,
                       struct ui_rect r)
{
    float u = ui->u, gap = 1.2f * u;
    draw_text(ui, label, label_r, (int)(3.8f * u), UI_REGULAR, UI_ALIGN_LEFT, 2, C_MUTED);
    float cell = ((float)r.w - (float)(n - 1) * gap) / (float)n;
    for (int i = 0; i < n; i++)
        draw_button(ui, rect((float)r.x + (float)i * (cell + gap), r.y, cell, r.h), names[i],
                    i == chosen, a, i);
}

/* A choice row at y, its label at the left of the buttons, or above them on a portrait screen;
 * returns the height it took. */
static float choice_at(struct ui *ui, const char *label, const char *const *names, int n,
                       int chosen, enum ui_action a, float y)
{
    float u = ui->u, m = 2 * u, W = ui->w, row_h = 8.5f * u, cap_h = 4.5f * u;
    if (ui->h > ui->w) {
        choice_row(ui, label, rect(m, y, W - 2 * m, cap_h), names, n, chosen, a,
                   rect(m, y + cap_h, W - 2 * m, row_h));
        return cap_h + row_h;
    }
    float label_w = W * 0.2f;
    choice_row(ui, label, rect(m, y, label_w - u, row_h), names, n, chosen, a,
               rect(m + label_w, y, W - 2 * m - label_w, row_h));
    return row_h;
}

void screen_register(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h, m = 2 * u, hh = 12 * u;
    draw_fill_rect(ui, rect(0, 0, W, H), C_BG);
    /* The title bar: the title, Register (or Register anyway after a possible duplicate), Back. */
    draw_fill_rect(ui, rect(0, 0, W, hh), C_STAFF_BG);
    float back_w = 22 * u, submit_w = 36 * u;
    draw_text(ui, i18n(v->lang, MSG_REGISTER_TITLE), rect(m, 0, W - back_w - submit_w - 4 * m, hh),
              (int)(4.8f * u), UI_BOLD, UI_ALIGN_LEFT, 1, C_TEXT);
    struct ui_rect submit = rect(W - back_w - submit_w - 2 * m, 1.5f * u, submit_w, hh - 3 * u);
    draw_fill_round(ui, submit, 1.5f * u, C_GREEN);
    draw_text(ui,
              i18n(v->lang, v->desk.duplicate != NULL ? MSG_REGISTER_ANYWAY : MSG_REGISTER_SUBMIT),
              rect(submit.x + u, submit.y, submit.w - 2 * u, submit.h), (int)(4.2f * u), UI_BOLD,
              UI_ALIGN_CENTER, 2, C_TEXT);
    draw_set_element(ui, UI_EL_REGISTER_SUBMIT, submit);
    draw_add_button(ui, submit, UI_ACTION_REGISTER, 0);
    draw_button(ui, rect(W - back_w - m, 1.5f * u, back_w, hh - 3 * u),
                i18n(v->lang, MSG_SEARCH_BACK), false, UI_ACTION_SEARCH_BACK, 0);

    bool portrait = H > W;
    float kb_h = H * (portrait ? 0.33f : 0.42f);
    float y = hh + 1.5f * u, cap_h = 4.5f * u, field_h = cap_h + 9 * u;
    /* Name and organisation side by side, or one above the other on a portrait screen. */
    float fw = portrait ? W - 2 * m : (W - 3 * m) / 2;
    text_field(ui, i18n(v->lang, MSG_REGISTER_NAME), ui->reg_name, rect(m, y, fw, field_h), cap_h,
               ui->reg_field == 0, UI_EL_REGISTER_NAME, 0);
    if (portrait)
        y += field_h + 1.5f * u;
    text_field(ui, i18n(v->lang, MSG_REGISTER_ORG), ui->reg_org,
               rect(portrait ? m : 2 * m + fw, y, fw, field_h), cap_h, ui->reg_field == 1,
               UI_EL_REGISTER_ORG, 1);
    y += field_h + 1.5f * u;
    const char *langs[LANG_COUNT];
    for (int i = 0; i < LANG_COUNT; i++)
        langs[i] = i18n_language_endonym((enum language)i);
    y += choice_at(ui, i18n(v->lang, MSG_REGISTER_LANGUAGE), langs, LANG_COUNT, (int)ui->reg_lang,
                   UI_ACTION_REGISTER_LANG, y) +
         1.2f * u;
    static const enum i18n_msg cat_msgs[CATEGORY_COUNT] = {
        MSG_CATEGORY_ATTENDEE, MSG_CATEGORY_SPEAKER, MSG_CATEGORY_STAFF, MSG_CATEGORY_PRESS};
    _Static_assert(CATEGORY_COUNT == 4, "a category's button on the walk-in form");
    const char *cats[CATEGORY_COUNT];
    for (int i = 0; i < CATEGORY_COUNT; i++)
        cats[i] = i18n(v->lang, cat_msgs[i]);
    y += choice_at(ui, i18n(v->lang, MSG_REGISTER_CATEGORY), cats, CATEGORY_COUNT, (int)ui->reg_cat,
                   UI_ACTION_REGISTER_CAT, y) +
         0.8f * u;
    /* The kiosk's answer to the last Register: a refusal, or people with that name already. */
    char note[600] = "";
    if (v->desk.form_error != NULL)
        snprintf(note, sizeof note, "%s", v->desk.form_error);
    else if (v->desk.duplicate != NULL)
        snprintf(note, sizeof note, i18n(v->lang, MSG_REGISTER_DUPLICATE), v->desk.duplicate);
    float note_bottom = H - kb_h - 0.5f * u;
    if (note[0] != '\0' && note_bottom > y) {
        struct ui_rect nr = rect(m, y, W - 2 * m, note_bottom - y);
        draw_text_fit(ui, note, nr, (int)(3.4f * u), (int)(2.6f * u), UI_BOLD, UI_ALIGN_LEFT,
                      portrait ? 6 : 2, C_AMBER, false);
        draw_set_element(ui, UI_EL_REGISTER_NOTE, nr);
    }
    keyboard_draw(ui, rect(0, H - kb_h, W, kb_h), i18n(v->lang, MSG_SEARCH_CLEAR),
                  ui->reg_field == 0 && word_start(ui->reg_name));
}

/* The issued screen's printing line in box r: what staff do next. */
static void print_state(struct ui *ui, const struct ui_view *v, struct ui_rect r)
{
    float u = ui->u;
    const struct ui_issued *is = &v->desk.issued;
    char line[300];
    uint32_t bg = C_PANEL, fg = C_TEXT;
    switch (is->print) {
    case UI_ISSUED_PRINTED:
        snprintf(line, sizeof line, "%s", i18n(v->lang, MSG_ISSUED_PRINTED));
        bg = C_OK_BG;
        break;
    case UI_ISSUED_PRINTING:
        snprintf(line, sizeof line, "%s", i18n(v->lang, MSG_ISSUED_PRINTING));
        fg = C_ACCENT;
        break;
    case UI_ISSUED_TROUBLE: {
        /* The printer's own box (what is wrong, Retry), then the id to write down. */
        float ph = screen_printer_box(ui, v, rect(r.x, r.y, r.w, (float)r.h * 0.62f), true);
        snprintf(line, sizeof line, i18n(v->lang, MSG_ISSUED_TROUBLE), is->attendee);
        struct ui_rect rest = rect(r.x, (float)r.y + ph + u, r.w, (float)r.h - ph - u);
        draw_text(ui, line, rest, (int)(4 * u), UI_BOLD, UI_ALIGN_LEFT, 2, C_AMBER);
        draw_set_element(ui, UI_EL_ISSUED_PRINT, r);
        return;
    }
    case UI_ISSUED_NOT_SENT:
        snprintf(line, sizeof line, i18n(v->lang, MSG_ISSUED_NOT_SENT), is->attendee);
        bg = C_WARN_BG;
        fg = C_DARK;
        break;
    default:
        snprintf(line, sizeof line, i18n(v->lang, MSG_ISSUED_NO_PRINTER), is->attendee);
        bg = C_WARN_BG;
        fg = C_DARK;
        break;
    }
    draw_fill_round(ui, r, 1.5f * u, bg);
    draw_text(ui, line, rect(r.x + 3 * u, r.y, r.w - 6 * u, r.h), (int)(5.5f * u), UI_BOLD,
              UI_ALIGN_CENTER, 2, fg);
    draw_set_element(ui, UI_EL_ISSUED_PRINT, r);
}

void screen_issued(struct ui *ui, const struct ui_view *v)
{
    float u = ui->u, W = ui->w, H = ui->h, m = 3 * u, hh = 12 * u;
    const struct ui_issued *is = &v->desk.issued;
    draw_fill_rect(ui, rect(0, 0, W, H), C_BG);
    enum i18n_msg head = is->error != NULL ? MSG_ISSUED_REFUSED
                         : is->walkin      ? MSG_ISSUED_WALKIN
                                           : MSG_ISSUED_REPRINT;
    draw_fill_rect(ui, rect(0, 0, W, hh), is->error != NULL ? C_DENY_BG : C_STAFF_BG);
    float done_w = 26 * u;
    draw_text(ui, i18n(v->lang, head), rect(m, 0, W - done_w - 3 * m, hh), (int)(5.5f * u), UI_BOLD,
              UI_ALIGN_LEFT, 1, C_TEXT);
    struct ui_rect done = rect(W - done_w - m, 1.5f * u, done_w, hh - 3 * u);
    draw_fill_round(ui, done, 1.5f * u, C_TEXT);
    draw_text(ui, i18n(v->lang, MSG_ISSUED_DONE), done, (int)(4.6f * u), UI_BOLD, UI_ALIGN_CENTER,
              1, C_STAFF_BG);
    draw_set_element(ui, UI_EL_ISSUED_DONE, done);
    draw_add_button(ui, rect(W - done_w - m, 0, done_w + m, hh), UI_ACTION_ISSUED_DONE, 0);

    float y = hh + 3 * u;
    if (is->name != NULL && is->name[0] != '\0') {
        draw_text(ui, is->name, rect(m, y, W - 2 * m, 10 * u), (int)(8 * u), UI_BOLD, UI_ALIGN_LEFT,
                  1, C_TEXT);
        y += 10.5f * u;
    }
    if (is->error != NULL) {
        draw_text_fit(ui, is->error, rect(m, y, W - 2 * m, H - y - m), (int)(5 * u), 0, UI_REGULAR,
                      UI_ALIGN_LEFT, 4, C_AMBER, true);
        return;
    }
    char id[120];
    snprintf(id, sizeof id, i18n(v->lang, MSG_ISSUED_ID), is->attendee);
    draw_text(ui, id, rect(m, y, W - 2 * m, 8 * u), (int)(6 * u), UI_REGULAR, UI_ALIGN_LEFT, 1,
              C_ACCENT);
    y += 8.5f * u;
    enum i18n_msg after = !is->walkin      ? MSG_ISSUED_OLD_BADGE
                          : is->checked_in ? MSG_ISSUED_CHECKED_IN
                                           : MSG_ISSUED_NOT_CHECKED_IN;
    draw_text(ui, i18n(v->lang, after), rect(m, y, W - 2 * m, 7 * u), (int)(4.8f * u), UI_REGULAR,
              UI_ALIGN_LEFT, 1, is->walkin && !is->checked_in ? C_AMBER : C_MUTED);
    y += 9 * u;
    print_state(ui, v, rect(m, y, W - 2 * m, fminf(H - y - m, 34 * u)));
}
