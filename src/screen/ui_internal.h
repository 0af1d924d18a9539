/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/screen: the ui object, the text layer (ui_text.c), the sounds (ui_sound.c) and
 * the screens (screen_*.c). The rest of the program sees ui.h only; tests of the text and the
 * sounds may include this header. */
#ifndef PORTIER_UI_INTERNAL_H
#define PORTIER_UI_INTERNAL_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui.h"

/* ---- the text layer (ui_text.c) ---- */

struct ui_text;

enum ui_weight { UI_REGULAR, UI_BOLD };
enum ui_align { UI_ALIGN_LEFT, UI_ALIGN_CENTER, UI_ALIGN_RIGHT };

struct ui_text_style {
    int px;     /* wanted pixel size; shrunk down to min_px to fit */
    int min_px; /* 0: px * 6 / 10 */
    enum ui_weight weight;
    enum ui_align align;
    int max_lines;   /* 0: 1 */
    uint32_t colour; /* 0xRRGGBB: rasterised in its colour (a colour mod would make every
                      * frame's blit three times slower in the software renderer) */
};

/* A rasterised text block: borrowed from the cache until the next ui_text_end_frame. */
struct ui_text_block {
    SDL_Texture *texture;
    int w, h;
    int px; /* the size chosen */
    bool ellipsized;
};

/* Opens the fonts (DejaVu Sans, then Noto Sans, Noto Sans Arabic, Noto Sans Symbols2) from
 * the Debian font packages. NULL after logging when none is found. */
struct ui_text *ui_text_create(SDL_Renderer *renderer);
void ui_text_destroy(struct ui_text *t);
/* Lays text out in a box of w x h pixels with style; returns false for empty text. */
bool ui_text_layout(struct ui_text *t, const char *text, int w, int h,
                    const struct ui_text_style *style, struct ui_text_block *out);
/* Ends a frame: frees textures unused for a while. */
void ui_text_end_frame(struct ui_text *t);
size_t ui_text_count(const struct ui_text *t);
int ui_text_missing_glyphs(const struct ui_text *t, const char *text);

/* ---- the sounds (ui_sound.c) ---- */

struct ui_sound_player;

/* Opens the audio device and generates the tones; never fails (no audio: silent). */
struct ui_sound_player *ui_sound_create(int volume, bool mute);
void ui_sound_destroy(struct ui_sound_player *p);
void ui_sound_play(struct ui_sound_player *p, enum ui_sound sound);
void ui_sound_set_volume(struct ui_sound_player *p, int volume, bool mute);
/* The samples of a sound (mono, signed 16-bit, UI_SOUND_RATE Hz), for tests. */
#define UI_SOUND_RATE 48000
const int16_t *ui_sound_samples(struct ui_sound_player *p, enum ui_sound sound, size_t *n);

/* ---- the ui object (ui.c) ---- */

#define UI_MAX_BUTTONS 96 /* the search screen: 20 rows, 41 keys and its own buttons */
#define UI_QUEUE_LEN   16
#define UI_N_ELEMENTS  UI_EL_COUNT

enum ui_staff_state {
    UI_STAFF_NONE,
    UI_STAFF_CONFIRM,
    UI_STAFF_OPEN,
    UI_STAFF_SEARCH,
    UI_STAFF_REGISTER, /* the walk-in form */
    UI_STAFF_ISSUED,   /* a reprint's or a walk-in's outcome */
};

/* A touch target of the last frame. */
struct ui_button {
    struct ui_rect r;
    enum ui_action action;
    int value;
};

#define UI_FORM_TEXT 201 /* bytes of a form's field, NUL included */

struct ui {
    struct ui_options opts;
    SDL_Window *window;
    SDL_Renderer *renderer;
    struct ui_text *text;
    struct ui_sound_player *sound;
    int w, h;
    float u; /* the layout unit: a hundredth of the shorter side */

    bool software;    /* the renderer is SDL's software one */
    SDL_Texture *cam; /* the preview: see upload_frame in screen_scan.c */
    Uint32 cam_fmt;
    int cam_w, cam_h, cam_src_w, cam_src_h;
    uint64_t cam_serial;
    bool cam_loaded;
    uint8_t *chroma; /* chroma planes of 128 (grey) for the IYUV texture */
    size_t chroma_len;

    bool has_answer;
    struct answer answer;
    char *answer_name, *answer_room, *answer_alt;
    int64_t answer_start, answer_until;

    enum ui_staff_state staff;
    char *staff_name;
    int64_t staff_deadline;
    char search_query[128]; /* UI_STAFF_SEARCH: what was typed */
    int search_pick;        /* the row tapped, -1: none */
    /* UI_STAFF_REGISTER: the walk-in form */
    char reg_name[UI_FORM_TEXT], reg_org[UI_FORM_TEXT];
    int reg_field; /* 0: the name is typed, 1: the organisation */
    enum language reg_lang;
    enum category reg_cat;

    struct ui_button buttons[UI_MAX_BUTTONS];
    int n_buttons;
    struct ui_input queue[UI_QUEUE_LEN];
    int q_len;

    struct ui_rect el[UI_N_ELEMENTS];
    bool el_valid[UI_N_ELEMENTS];
    int overflows, ellipsized;
    const struct ui_view *view; /* during a frame */
    enum language lang;         /* the last frame's */
    int64_t now;
};

/* For tests of the text layer: text drawn in the last frame whose pixels left their box
 * (should stay 0), text that had to be ellipsized, and the textures in the cache. */
int ui_text_overflows(const struct ui *ui);
int ui_text_ellipsized(const struct ui *ui);
size_t ui_text_cache_size(const struct ui *ui);

/* ---- the screens (screen_*.c): each draws a whole frame of v ---- */

/* The idle screen: where to scan, the room, its session and occupancy. */
void screen_scan(struct ui *ui, const struct ui_view *v);
/* The answer to the last scan (ui->answer), in the attendee's language when known. */
void screen_answer(struct ui *ui, const struct ui_view *v);
/* The sound an answer plays. */
enum ui_sound screen_answer_sound(const struct answer *a);
/* After a staff badge: tap (or scan again) to open the staff menu. */
void screen_staff_confirm(struct ui *ui, const struct ui_view *v);
/* The staff menu: mode, count, room, language, diagnostics. */
void screen_staff_menu(struct ui *ui, const struct ui_view *v);
/* Out of order: what is wrong and what staff should do. */
void screen_trouble(struct ui *ui, const struct ui_view *v);
/* The badge printer's state in a box r (staff menu, trouble screen): one line, and when the
 * printer is in trouble, what to do and (with_retry, a badge failed) a Retry button. Returns the
 * height used, at most r.h. Draws nothing and returns 0 without a printer. */
float screen_printer_box(struct ui *ui, const struct ui_view *v, struct ui_rect r, bool with_retry);
/* True when the printer needs staff (offline, out of labels, error). */
bool screen_printer_trouble(const struct ui_printer *p);
/* The staff overview: venue totals and a tile per room, laid out to fit. */
void screen_overview(struct ui *ui, const struct ui_view *v);
/* Finding a person: the query, the results, an on-screen keyboard, admit by hand. */
void screen_search(struct ui *ui, const struct ui_view *v);
/* The walk-in form: name, organisation, language, category, the on-screen keyboard. */
void screen_register(struct ui *ui, const struct ui_view *v);
/* A reprint's or a walk-in's outcome: printed, printing, printer trouble (Retry), or the
 * attendee id to write down. */
void screen_issued(struct ui *ui, const struct ui_view *v);
/* The walk-in form's input (screen_register.c): opening it empty (in the language of the last
 * frame), a tap on its own buttons (false for others),
 * and a physical keyboard's text, Backspace, Tab (next field) and Escape (back to the search). */
void register_open(struct ui *ui);
bool register_tap(struct ui *ui, struct ui_button b);
void register_input(struct ui *ui, const SDL_Event *ev);

#endif
