/* SPDX-License-Identifier: Apache-2.0 */
/* The search screen (issue 15) under SDL's offscreen driver, at 800x480, 1920x1080 and in
 * portrait: opened from the staff menu, typed on the on-screen keyboard (taps) and on a
 * physical keyboard (synthetic SDL text and key events), results drawn without overflow,
 * a tapped result offers "Admit", which gives its action; Escape goes back to the menu, and
 * 30 s without input close it. PORTIER_UI_SHOTS=DIR keeps the PNGs (docs/screenshots). */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "keyboard.h"
#include "ui_internal.h"
#include "util.h"
#include "file.h"

static char *shots;
static bool keep_shots;

static const struct ui_search_row rows[] = {
    {"Françoise Dieudonné", "Université libre de Bruxelles", "attendee · in Aula Magna", false},
    {"Françoise Lhoëst", "Agoria", "speaker · inside the venue", false},
    {"Nguyễn Thị Minh Khai", "Bệnh viện Chợ Rẫy", "attendee · not checked in", false},
    {"Pieter Van den Bossche", "Zorgraad Limburg", "staff · left the venue", false},
    {"محمد العلي", "", "press · not checked in", false},
    {"Wout Van den Broeck", "", "attendee · not checked in", false},
};

/* Takes the next action, or UI_ACTION_NONE. */
static enum ui_action next(struct ui *ui, int64_t now, int *value)
{
    struct ui_input in;
    if (!ui_poll(ui, now, &in))
        return UI_ACTION_NONE;
    if (value != NULL)
        *value = in.value;
    return in.action;
}

/* The action a pushed SDL event gives: SDL may hand a pushed key event over one poll later. */
static enum ui_action next_event(struct ui *ui, int64_t now)
{
    enum ui_action a = UI_ACTION_NONE;
    for (int i = 0; i < 3 && a == UI_ACTION_NONE; i++)
        a = next(ui, now, NULL);
    return a;
}

static void shot(struct ui *ui, const struct ui_view *v, int64_t now, const char *name)
{
    int w, h;
    ui_size(ui, &w, &h);
    char file[128];
    snprintf(file, sizeof file, "%s-%dx%d.png", name, w, h);
    char *path = path_join(shots, file);
    CHECK_MSG(ui_screenshot(ui, v, now, path), "%s", path);
    CHECK_MSG(ui_text_overflows(ui) == 0, "%s: %d texts overflow their box", file,
              ui_text_overflows(ui));
    CHECK(access(path, R_OK) == 0);
    if (!keep_shots)
        unlink(path);
    free(path);
}

static void push_text(const char *text)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    snprintf(ev.text.text, sizeof ev.text.text, "%s", text);
    CHECK(SDL_PushEvent(&ev) == 1);
}

static void push_key(SDL_Keycode key)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.state = SDL_PRESSED;
    ev.key.keysym.sym = key;
    ev.key.keysym.scancode = SDL_GetScancodeFromKey(key);
    CHECK(SDL_PushEvent(&ev) == 1);
}

static void one_size(int w, int h)
{
    struct ui_options o = {UI_OFFSCREEN, w, h, 50, true, false, false};
    struct ui *ui = ui_create(&o);
    CHECK_MSG(ui != NULL, "ui_create %dx%d", w, h);
    if (ui == NULL)
        return;
    struct ui_view v = {0};
    v.lang = LANG_EN;
    v.mode = MODE_ENTRY;
    v.room_name = "Aula Magna";
    v.capacity = 120;
    v.search.too_short = true;
    int64_t now = 1000000;
    int value = 0;

    /* The staff menu offers the search; the search starts empty with a hint. */
    CHECK(ui_search_query(ui) == NULL);
    ui_staff_badge(ui, "Sam", now);
    CHECK(ui_staff_badge(ui, "Sam", now));
    ui_frame(ui, &v, now);
    struct ui_rect r;
    CHECK(ui_element_rect(ui, UI_EL_SEARCH_OPEN, &r));
    shot(ui, &v, now, "search-staff-menu");
    CHECK(ui_inject_tap_button(ui, UI_ACTION_SEARCH_OPEN, 0));
    CHECK(next(ui, now, NULL) == UI_ACTION_SEARCH_OPEN);
    CHECK(ui_current_screen(ui, &v, now) == UI_SCREEN_SEARCH);
    CHECK_STR(ui_search_query(ui), "");
    shot(ui, &v, now, "search-empty");

    /* The on-screen keyboard: f, r, a, n, backspace, n. */
    const int keys[] = {'f', 'r', 'a', 'n', KEYBOARD_BACKSPACE, 'n'};
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        ui_frame(ui, &v, now);
        CHECK(ui_inject_tap_button(ui, UI_ACTION_SEARCH_KEY, keys[i]));
        CHECK(next(ui, now, NULL) == UI_ACTION_SEARCH_QUERY);
    }
    CHECK_STR(ui_search_query(ui), "fran");
    /* A physical keyboard: text (accents included) and Backspace. */
    push_text("ç");
    push_text("o");
    CHECK(next_event(ui, now + 1000) == UI_ACTION_SEARCH_QUERY);
    CHECK(next_event(ui, now + 1000) == UI_ACTION_SEARCH_QUERY);
    CHECK_STR(ui_search_query(ui), "franço");
    for (int i = 0; i < 2; i++) {
        push_key(SDLK_BACKSPACE);
        CHECK(next_event(ui, now + 1000) == UI_ACTION_SEARCH_QUERY);
    }
    CHECK_STR(ui_search_query(ui), "fran");
    CHECK(next(ui, now + 1000, NULL) == UI_ACTION_NONE);

    /* The kiosk gives the results; each row is on screen, the text fits. */
    v.search = (struct ui_search){rows, ARRAY_LEN(rows), 27, false};
    shot(ui, &v, now + 1000, "search-results");
    CHECK(ui_element_rect(ui, UI_EL_SEARCH_ROW0, &r) && r.y + r.h <= h);
    CHECK(ui_missing_glyphs(ui, "␣⌫") == 0);
    for (size_t i = 0; i < ARRAY_LEN(rows); i++)
        CHECK(ui_missing_glyphs(ui, rows[i].name) == 0);
    /* A tapped row offers to admit; the tap gives the row. */
    CHECK(!ui_element_rect(ui, UI_EL_SEARCH_ADMIT, &r));
    CHECK(ui_inject_tap_button(ui, UI_ACTION_SEARCH_PICK, 0));
    CHECK(next(ui, now + 2000, NULL) == UI_ACTION_NONE);
    shot(ui, &v, now + 2000, "search-admit");
    CHECK(ui_element_rect(ui, UI_EL_SEARCH_ADMIT, &r));
    CHECK(ui_inject_tap_button(ui, UI_ACTION_SEARCH_ADMIT, 0));
    CHECK(next(ui, now + 2000, &value) == UI_ACTION_SEARCH_ADMIT && value == 0);
    CHECK(ui_search_query(ui) == NULL); /* closed: the answer screen shows the decision */
    CHECK(ui_current_screen(ui, &v, now + 2000) != UI_SCREEN_SEARCH);

    /* Nobody found. Escape goes back to the staff menu. */
    ui_staff_badge(ui, "Sam", now);
    CHECK(ui_staff_badge(ui, "Sam", now));
    ui_frame(ui, &v, now);
    CHECK(ui_inject_tap_button(ui, UI_ACTION_SEARCH_OPEN, 0));
    CHECK(next(ui, now, NULL) == UI_ACTION_SEARCH_OPEN);
    v.search = (struct ui_search){NULL, 0, 0, false};
    shot(ui, &v, now, "search-none");
    push_key(SDLK_ESCAPE);
    CHECK(next_event(ui, now) == UI_ACTION_NONE);
    CHECK(ui_current_screen(ui, &v, now) == UI_SCREEN_STAFF_MENU);

    /* 30 s without input close the search and the staff menu. */
    ui_frame(ui, &v, now);
    CHECK(ui_inject_tap_button(ui, UI_ACTION_SEARCH_OPEN, 0));
    CHECK(next(ui, now + 10000, NULL) == UI_ACTION_SEARCH_OPEN);
    push_text("x");
    CHECK(next_event(ui, now + 20000) == UI_ACTION_SEARCH_QUERY);
    /* The tap at now (ui->now of the last poll is now + 20000: typing moved the deadline). */
    CHECK(next(ui, now + 20000 + UI_STAFF_TIMEOUT_MS - 1, NULL) == UI_ACTION_NONE);
    CHECK(ui_current_screen(ui, &v, now + 20000 + UI_STAFF_TIMEOUT_MS - 1) == UI_SCREEN_SEARCH);
    CHECK(next(ui, now + 20000 + UI_STAFF_TIMEOUT_MS, NULL) == UI_ACTION_STAFF_CLOSE);
    CHECK(ui_search_query(ui) == NULL);
    CHECK(ui_current_screen(ui, &v, now + 20000 + UI_STAFF_TIMEOUT_MS) == UI_SCREEN_SCAN);
    ui_destroy(ui);
}

/* The query's editing on its own: bounds, UTF-8 backspace, control characters. */
static void test_editing(void)
{
    char q[8] = "";
    CHECK(!keyboard_apply(q, sizeof q, KEYBOARD_BACKSPACE));
    CHECK(keyboard_append(q, sizeof q, "Łu"));
    CHECK_STR(q, "Łu");
    CHECK(keyboard_apply(q, sizeof q, KEYBOARD_BACKSPACE));
    CHECK(keyboard_apply(q, sizeof q, KEYBOARD_BACKSPACE));
    CHECK_STR(q, "");
    CHECK(!keyboard_append(q, sizeof q, "a\tb"));
    CHECK(!keyboard_append(q, sizeof q, "12345678")); /* does not fit whole */
    CHECK(keyboard_append(q, sizeof q, "1234567"));
    CHECK(!keyboard_apply(q, sizeof q, 'x')); /* full */
    CHECK(!keyboard_apply(q, sizeof q, 7));   /* not a key */
    CHECK(keyboard_apply(q, sizeof q, KEYBOARD_CLEAR) && q[0] == '\0');
    CHECK(!keyboard_apply(q, sizeof q, KEYBOARD_CLEAR));
}

int main(void)
{
    const char *keep = getenv("PORTIER_UI_SHOTS");
    char tmpl[] = "/tmp/portier-ui-search-XXXXXX";
    if (keep != NULL && keep[0] != '\0') {
        shots = xstrdup(keep);
        keep_shots = true;
        CHECK(mkdir_p(shots));
    } else {
        CHECK(mkdtemp(tmpl) != NULL);
        shots = xstrdup(tmpl);
    }
    test_editing();
    one_size(800, 480);
    one_size(1920, 1080);
    one_size(480, 800);
    if (!keep_shots)
        rmdir(shots);
    free(shots);
    return check_done();
}
