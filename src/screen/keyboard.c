/* SPDX-License-Identifier: Apache-2.0 */
/* The on-screen keyboard and query editing (see keyboard.h). */
#include "keyboard.h"

#include <ctype.h>
#include <string.h>

#include "draw.h"

static const char *const rows[] = {"1234567890", "qwertyuiop", "asdfghjkl'", "zxcvbnm-"};

void keyboard_draw(struct ui *ui, struct ui_rect r, const char *clear_label, bool upper)
{
    int n_rows = (int)(sizeof rows / sizeof rows[0]) + 1;
    float gap = 0.8f * ui->u;
    float kh = ((float)r.h - (float)(n_rows - 1) * gap) / (float)n_rows;
    float kw = ((float)r.w - 9 * gap) / 10;
    draw_fill_rect(ui, r, C_DARK);
    for (int i = 0; i < n_rows - 1; i++) {
        size_t n = strlen(rows[i]);
        float x0 = (float)r.x + ((float)r.w - (float)n * kw - (float)(n - 1) * gap) / 2;
        for (size_t j = 0; j < n; j++) {
            char key = upper ? (char)toupper((unsigned char)rows[i][j]) : rows[i][j];
            char label[2] = {key, '\0'};
            draw_button(
                ui, rect(x0 + (float)j * (kw + gap), (float)r.y + (float)i * (kh + gap), kw, kh),
                label, false, UI_ACTION_SEARCH_KEY, key);
        }
    }
    /* The last row: clear, space, backspace. */
    float y = (float)r.y + (float)(n_rows - 1) * (kh + gap);
    float side = 2 * kw + gap;
    draw_button(ui, rect(r.x, y, side, kh), clear_label, false, UI_ACTION_SEARCH_KEY,
                KEYBOARD_CLEAR);
    draw_button(ui, rect((float)r.x + side + gap, y, (float)r.w - 2 * side - 2 * gap, kh), "␣",
                false, UI_ACTION_SEARCH_KEY, ' ');
    draw_button(ui, rect((float)(r.x + r.w) - side, y, side, kh), "⌫", false, UI_ACTION_SEARCH_KEY,
                KEYBOARD_BACKSPACE);
}

bool keyboard_apply(char *query, size_t size, int key)
{
    size_t len = strlen(query);
    if (key == KEYBOARD_CLEAR) {
        query[0] = '\0';
        return len > 0;
    }
    if (key == KEYBOARD_BACKSPACE) {
        if (len == 0)
            return false;
        do
            len--;
        while (len > 0 && ((unsigned char)query[len] & 0xC0) == 0x80);
        query[len] = '\0';
        return true;
    }
    if (key < 0x20 || key > 0x7e || len + 2 > size)
        return false;
    query[len] = (char)key;
    query[len + 1] = '\0';
    return true;
}

bool keyboard_append(char *query, size_t size, const char *text)
{
    size_t len = strlen(query), n = strlen(text);
    if (n == 0 || len + n + 1 > size)
        return false;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            return false;
    }
    memcpy(query + len, text, n + 1);
    return true;
}
