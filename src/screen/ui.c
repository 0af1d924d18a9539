/* SPDX-License-Identifier: Apache-2.0 */
/* The kiosk screen: display, input, presentation state, and the choice of the screen each
 * frame draws (see ui.h). The screens are in screen_*.c, their drawing layer in draw.c. */
#include "ui.h"

#include <SDL.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyboard.h"
#include "log.h"
#include "ui_internal.h"
#include "util.h"

struct ui *ui_create(const struct ui_options *opts)
{
    struct ui *ui = xcalloc(1, sizeof *ui);
    ui->opts = *opts;
    /* The kiosk handles SIGINT/SIGTERM itself; SDL must not turn them into quit events. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (opts->display == UI_OFFSCREEN) {
        if (getenv("SDL_VIDEODRIVER") == NULL)
            SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
        /* Draw straight into the window's memory: otherwise SDL emulates the offscreen
         * window's surface with a (Mesa software) GL texture, which costs more than drawing. */
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    }
    if (opts->display == UI_FULLSCREEN) {
        /* Lock-down on a desktop: system shortcuts go to the kiosk, not the window manager. */
        SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
        SDL_SetHint(SDL_HINT_ALLOW_ALT_TAB_WHILE_GRABBED, "0");
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        log_warnx("ui: cannot open the display: %s (run with --headless, or set "
                  "SDL_VIDEODRIVER=kmsdrm on a console)",
                  SDL_GetError());
        free(ui);
        return NULL;
    }
    int w = opts->width > 0 ? opts->width : 1280, h = opts->height > 0 ? opts->height : 720;
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
    if (opts->display == UI_FULLSCREEN) {
        flags |= opts->width > 0 ? SDL_WINDOW_FULLSCREEN : SDL_WINDOW_FULLSCREEN_DESKTOP;
    } else if (opts->display == UI_WINDOW) {
        flags |= SDL_WINDOW_RESIZABLE;
    }
    ui->window =
        SDL_CreateWindow("Portier", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (ui->window == NULL) {
        log_warnx("ui: cannot create a window: %s", SDL_GetError());
        goto fail;
    }
    Uint32 rflags = opts->display == UI_OFFSCREEN ? SDL_RENDERER_SOFTWARE : 0;
    if (opts->vsync && opts->display != UI_OFFSCREEN)
        rflags |= SDL_RENDERER_PRESENTVSYNC;
    ui->renderer = SDL_CreateRenderer(ui->window, -1, rflags);
    if (ui->renderer == NULL) {
        log_warnx("ui: cannot create a renderer: %s", SDL_GetError());
        goto fail;
    }
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(ui->renderer, &info) == 0)
        ui->software = (info.flags & SDL_RENDERER_SOFTWARE) != 0;
    if (opts->display == UI_FULLSCREEN) {
        SDL_ShowCursor(SDL_DISABLE);
        SDL_SetWindowGrab(ui->window, SDL_TRUE);
    }
    ui->text = ui_text_create(ui->renderer);
    if (ui->text == NULL)
        goto fail;
    ui->sound = ui_sound_create(opts->volume, opts->mute);
    SDL_GetRendererOutputSize(ui->renderer, &ui->w, &ui->h);
    return ui;
fail:
    ui_destroy(ui);
    return NULL;
}

void ui_destroy(struct ui *ui)
{
    if (ui == NULL)
        return;
    ui_sound_destroy(ui->sound);
    ui_text_destroy(ui->text);
    if (ui->opts.display == UI_FULLSCREEN)
        SDL_ShowCursor(SDL_ENABLE);
    if (ui->cam != NULL)
        SDL_DestroyTexture(ui->cam);
    if (ui->renderer != NULL)
        SDL_DestroyRenderer(ui->renderer);
    if (ui->window != NULL)
        SDL_DestroyWindow(ui->window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
    free(ui->chroma);
    free(ui->answer_name);
    free(ui->answer_room);
    free(ui->answer_alt);
    free(ui->staff_name);
    free(ui);
}

enum ui_screen ui_current_screen(const struct ui *ui, const struct ui_view *view, int64_t now_ms)
{
    if (ui->staff == UI_STAFF_REGISTER)
        return UI_SCREEN_REGISTER;
    if (ui->staff == UI_STAFF_ISSUED)
        return UI_SCREEN_ISSUED;
    /* At a desk, the answer to an admission (or to a badge scanned there) shows over the
     * search, which comes back when it ends. */
    if (ui->staff == UI_STAFF_SEARCH && ui->opts.desk && ui->has_answer &&
        now_ms < ui->answer_until)
        return UI_SCREEN_ANSWER;
    if (ui->staff == UI_STAFF_SEARCH)
        return UI_SCREEN_SEARCH;
    if (ui->staff == UI_STAFF_OPEN)
        return UI_SCREEN_STAFF_MENU;
    if (view->trouble & (UI_TROUBLE_DATABASE | UI_TROUBLE_CLOCK))
        return UI_SCREEN_TROUBLE;
    if (ui->staff == UI_STAFF_CONFIRM && now_ms < ui->staff_deadline)
        return UI_SCREEN_STAFF_CONFIRM;
    if (ui->has_answer && now_ms < ui->answer_until)
        return UI_SCREEN_ANSWER;
    if (view->mode == MODE_OVERVIEW)
        return UI_SCREEN_OVERVIEW;
    return UI_SCREEN_SCAN;
}

/* Draws view into the back buffer. */
static void render(struct ui *ui, const struct ui_view *view, int64_t now_ms)
{
    SDL_GetRendererOutputSize(ui->renderer, &ui->w, &ui->h);
    ui->u = (ui->w < ui->h ? ui->w : ui->h) / 100.0f;
    ui->now = now_ms;
    ui->view = view;
    ui->lang = view->lang;
    ui->n_buttons = 0;
    ui->overflows = ui->ellipsized = 0;
    memset(ui->el_valid, 0, sizeof ui->el_valid);
    /* Every shape is opaque (see fill_convex); the one translucent bar sets its own mode. */
    SDL_SetRenderDrawBlendMode(ui->renderer, SDL_BLENDMODE_NONE);
    switch (ui_current_screen(ui, view, now_ms)) {
    case UI_SCREEN_SCAN:
        screen_scan(ui, view);
        break;
    case UI_SCREEN_ANSWER:
        screen_answer(ui, view);
        break;
    case UI_SCREEN_OVERVIEW:
        screen_overview(ui, view);
        break;
    case UI_SCREEN_STAFF_CONFIRM:
        screen_staff_confirm(ui, view);
        break;
    case UI_SCREEN_STAFF_MENU:
        screen_staff_menu(ui, view);
        break;
    case UI_SCREEN_TROUBLE:
        screen_trouble(ui, view);
        break;
    case UI_SCREEN_SEARCH:
        screen_search(ui, view);
        break;
    case UI_SCREEN_REGISTER:
        screen_register(ui, view);
        break;
    case UI_SCREEN_ISSUED:
        screen_issued(ui, view);
        break;
    }
    ui_text_end_frame(ui->text);
    ui->view = NULL;
}

void ui_frame(struct ui *ui, const struct ui_view *view, int64_t now_ms)
{
    render(ui, view, now_ms);
    SDL_RenderPresent(ui->renderer);
}

bool ui_screenshot(struct ui *ui, const struct ui_view *view, int64_t now_ms, const char *path)
{
    render(ui, view, now_ms);
    bool ok = false;
    int stride = ui->w * 4;
    unsigned char *px = xmalloc((size_t)stride * ui->h);
    cairo_surface_t *s = NULL;
    if (SDL_RenderReadPixels(ui->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, px, stride) != 0) {
        log_warnx("ui: %s: cannot read the frame: %s", path, SDL_GetError());
        goto end;
    }
    s = cairo_image_surface_create_for_data(px, CAIRO_FORMAT_RGB24, ui->w, ui->h, stride);
    cairo_status_t st = cairo_surface_write_to_png(s, path);
    if (st != CAIRO_STATUS_SUCCESS) {
        log_warnx("ui: %s: %s", path, cairo_status_to_string(st));
        goto end;
    }
    ok = true;
end:
    if (s != NULL)
        cairo_surface_destroy(s);
    free(px);
    SDL_RenderPresent(ui->renderer);
    return ok;
}

/* A copy of s (owned by the caller), or NULL for NULL. */
static char *dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

void ui_show_answer(struct ui *ui, const struct answer *answer, int64_t now_ms)
{
    /* Copy before freeing: answer may point into the one on screen. */
    char *name = dup_or_null(answer->name), *room = dup_or_null(answer->room_name),
         *alt = dup_or_null(answer->alt_room);
    free(ui->answer_name);
    free(ui->answer_room);
    free(ui->answer_alt);
    ui->answer = *answer;
    ui->answer.name = ui->answer_name = name;
    ui->answer.room_name = ui->answer_room = room;
    ui->answer.alt_room = ui->answer_alt = alt;
    ui->has_answer = true;
    ui->answer_start = now_ms;
    ui->answer_until = now_ms + UI_ANSWER_MS;
    /* A decision ends a pending staff confirmation: the door is in use. */
    if (ui->staff == UI_STAFF_CONFIRM)
        ui->staff = UI_STAFF_NONE;
    ui_play(ui, screen_answer_sound(answer));
}

/* Queues an action for ui_poll. */
static void push(struct ui *ui, enum ui_action a, int value)
{
    if (ui->q_len < UI_QUEUE_LEN)
        ui->queue[ui->q_len++] = (struct ui_input){a, value};
}

/* Opens the search screen with an empty query. */
static void open_search(struct ui *ui)
{
    ui->staff = UI_STAFF_SEARCH;
    ui->search_query[0] = '\0';
    ui->search_pick = -1;
    SDL_StartTextInput();
    push(ui, UI_ACTION_SEARCH_OPEN, 0);
}

/* One of the staff's screens is open (they close by themselves after UI_STAFF_TIMEOUT_MS). */
static bool staff_screen(const struct ui *ui)
{
    return ui->staff >= UI_STAFF_OPEN;
}

bool ui_staff_badge(struct ui *ui, const char *name, int64_t now_ms)
{
    char *copy = dup_or_null(name);
    free(ui->staff_name);
    ui->staff_name = copy;
    ui->has_answer = false;
    if (ui->opts.desk) {
        /* A desk's staff log in with their badge: straight to the search (already open: it
         * stays as it is). */
        if (!staff_screen(ui))
            open_search(ui);
        ui->staff_deadline = now_ms + UI_STAFF_TIMEOUT_MS;
        return true;
    }
    if (ui->staff == UI_STAFF_OPEN ||
        (ui->staff == UI_STAFF_CONFIRM && now_ms < ui->staff_deadline)) {
        ui->staff = UI_STAFF_OPEN;
        ui->staff_deadline = now_ms + UI_STAFF_TIMEOUT_MS;
        return true;
    }
    ui->staff = UI_STAFF_CONFIRM;
    ui->staff_deadline = now_ms + UI_STAFF_CONFIRM_MS;
    ui_play(ui, UI_SOUND_STAFF);
    return false;
}

void ui_staff_close(struct ui *ui)
{
    ui->staff = UI_STAFF_NONE;
}

/* Handles a tap on the search screen's own buttons; false for the others. */
static bool search_tap(struct ui *ui, struct ui_button b)
{
    switch (b.action) {
    case UI_ACTION_SEARCH_OPEN:
        open_search(ui);
        return true;
    case UI_ACTION_SEARCH_KEY:
        if (keyboard_apply(ui->search_query, sizeof ui->search_query, b.value)) {
            ui->search_pick = -1;
            push(ui, UI_ACTION_SEARCH_QUERY, 0);
        }
        return true;
    case UI_ACTION_SEARCH_PICK:
        ui->search_pick = b.value;
        return true;
    case UI_ACTION_SEARCH_BACK:
        ui->staff = UI_STAFF_OPEN;
        SDL_StopTextInput();
        return true;
    case UI_ACTION_SEARCH_ADMIT:
        push(ui, UI_ACTION_SEARCH_ADMIT, b.value);
        ui->search_pick = -1;
        if (ui->opts.desk) {
            /* The answer shows over the search, whose results then show the new state. */
            push(ui, UI_ACTION_SEARCH_QUERY, 0);
            return true;
        }
        /* The answer screen shows the decision; the staff menu is done. */
        ui->staff = UI_STAFF_NONE;
        SDL_StopTextInput();
        return true;
    case UI_ACTION_REGISTER_OPEN:
        register_open(ui);
        push(ui, UI_ACTION_REGISTER_OPEN, 0);
        return true;
    case UI_ACTION_SEARCH_REPRINT:
        ui->search_pick = -1;
        push(ui, UI_ACTION_SEARCH_REPRINT, b.value);
        return true;
    case UI_ACTION_ISSUED_DONE:
        /* Back to the search, its results read again (the model changed). */
        ui->staff = UI_STAFF_SEARCH;
        SDL_StartTextInput();
        push(ui, UI_ACTION_SEARCH_QUERY, 0);
        return true;
    default:
        return false;
    }
}

/* Takes a physical keyboard's input on the search screen: text, Backspace, Escape (back to
 * the staff menu). */
static void search_input(struct ui *ui, const SDL_Event *ev)
{
    bool changed = false;
    if (ev->type == SDL_TEXTINPUT)
        changed = keyboard_append(ui->search_query, sizeof ui->search_query, ev->text.text);
    else if (ev->key.keysym.sym == SDLK_BACKSPACE)
        changed = keyboard_apply(ui->search_query, sizeof ui->search_query, KEYBOARD_BACKSPACE);
    else if (ev->key.keysym.sym == SDLK_ESCAPE)
        ui->staff = UI_STAFF_OPEN;
    ui->staff_deadline = ui->now + UI_STAFF_TIMEOUT_MS;
    if (changed) {
        ui->search_pick = -1;
        push(ui, UI_ACTION_SEARCH_QUERY, 0);
    }
}

const char *ui_search_query(const struct ui *ui)
{
    return ui->staff == UI_STAFF_SEARCH ? ui->search_query : NULL;
}

bool ui_register_form(const struct ui *ui, struct ui_register_form *out)
{
    if (ui->staff != UI_STAFF_REGISTER)
        return false;
    *out = (struct ui_register_form){ui->reg_name, ui->reg_org, ui->reg_lang, ui->reg_cat};
    return true;
}

void ui_show_issued(struct ui *ui, int64_t now_ms)
{
    ui->staff = UI_STAFF_ISSUED;
    ui->staff_deadline = now_ms + UI_STAFF_TIMEOUT_MS;
    ui->has_answer = false; /* a walk-in's check-in: the issued screen says it */
    ui->reg_name[0] = ui->reg_org[0] = '\0';
    ui->reg_field = 0;
    SDL_StopTextInput();
}

/* A tap at (x, y) in drawing pixels: the topmost button of the last frame under it. */
static void tap(struct ui *ui, int x, int y)
{
    for (int i = ui->n_buttons - 1; i >= 0; i--) {
        struct ui_rect r = ui->buttons[i].r;
        if (x < r.x || y < r.y || x >= r.x + r.w || y >= r.y + r.h)
            continue;
        struct ui_button b = ui->buttons[i];
        if (staff_screen(ui))
            ui->staff_deadline = ui->now + UI_STAFF_TIMEOUT_MS;
        if (register_tap(ui, b) || search_tap(ui, b))
            return;
        switch (b.action) {
        case UI_ACTION_NONE:
            ui->has_answer = false; /* a tap dismisses an answer */
            return;
        case UI_ACTION_STAFF_OPEN:
            ui->staff = UI_STAFF_OPEN;
            ui->staff_deadline = ui->now + UI_STAFF_TIMEOUT_MS;
            break;
        case UI_ACTION_STAFF_CLOSE:
            ui->staff = UI_STAFF_NONE;
            break;
        default:
            break;
        }
        push(ui, b.action, b.value);
        return;
    }
}

void ui_inject_tap(struct ui *ui, int x, int y)
{
    tap(ui, x, y);
}

bool ui_inject_tap_button(struct ui *ui, enum ui_action a, int value)
{
    for (int i = 0; i < ui->n_buttons; i++) {
        struct ui_button *b = &ui->buttons[i];
        if (b->action == a && b->value == value) {
            tap(ui, b->r.x + b->r.w / 2, b->r.y + b->r.h / 2);
            return true;
        }
    }
    fprintf(stderr, "ui: no button %d/%d on screen\n", (int)a, value);
    return false;
}

bool ui_poll(struct ui *ui, int64_t now_ms, struct ui_input *out)
{
    ui->now = now_ms;
    if (staff_screen(ui) && now_ms >= ui->staff_deadline) {
        if (ui->staff != UI_STAFF_OPEN)
            SDL_StopTextInput();
        ui->staff = UI_STAFF_NONE;
        push(ui, UI_ACTION_STAFF_CLOSE, 0);
    }
    if (ui->staff == UI_STAFF_CONFIRM && now_ms >= ui->staff_deadline)
        ui->staff = UI_STAFF_NONE;
    SDL_Event ev;
    while (ui->q_len == 0 && SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_QUIT:
            /* Full screen is a kiosk: there is no way out from the keyboard or the window
             * manager; it stops with the service (SIGTERM). */
            if (ui->opts.display == UI_WINDOW)
                push(ui, UI_ACTION_QUIT, 0);
            break;
        case SDL_TEXTINPUT:
            if (ui->staff == UI_STAFF_SEARCH)
                search_input(ui, &ev);
            else if (ui->staff == UI_STAFF_REGISTER)
                register_input(ui, &ev);
            break;
        case SDL_KEYDOWN:
            if (ui->staff == UI_STAFF_SEARCH)
                search_input(ui, &ev);
            else if (ui->staff == UI_STAFF_REGISTER)
                register_input(ui, &ev);
            else if (ui->opts.display == UI_WINDOW && ev.key.keysym.sym == SDLK_ESCAPE)
                push(ui, UI_ACTION_QUIT, 0);
            break;
        case SDL_MOUSEBUTTONDOWN:
            if (ev.button.button == SDL_BUTTON_LEFT) {
                int ww = 1, wh = 1;
                SDL_GetWindowSize(ui->window, &ww, &wh);
                tap(ui, ev.button.x * ui->w / (ww > 0 ? ww : 1),
                    ev.button.y * ui->h / (wh > 0 ? wh : 1));
            }
            break;
        default:
            break;
        }
    }
    if (ui->q_len == 0)
        return false;
    *out = ui->queue[0];
    memmove(ui->queue, ui->queue + 1, (size_t)(--ui->q_len) * sizeof *ui->queue);
    return true;
}

void ui_play(struct ui *ui, enum ui_sound sound)
{
    ui_sound_play(ui->sound, sound);
}

void ui_set_volume(struct ui *ui, int volume, bool mute)
{
    ui_sound_set_volume(ui->sound, volume, mute);
}

void ui_size(const struct ui *ui, int *w, int *h)
{
    *w = ui->w;
    *h = ui->h;
}

bool ui_element_rect(const struct ui *ui, int element, struct ui_rect *out)
{
    if (element < 0 || element >= UI_N_ELEMENTS || !ui->el_valid[element])
        return false;
    *out = ui->el[element];
    return true;
}

int ui_text_overflows(const struct ui *ui)
{
    return ui->overflows;
}

int ui_text_ellipsized(const struct ui *ui)
{
    return ui->ellipsized;
}

size_t ui_text_cache_size(const struct ui *ui)
{
    return ui_text_count(ui->text);
}

int ui_missing_glyphs(const struct ui *ui, const char *text)
{
    return ui_text_missing_glyphs(ui->text, text);
}
