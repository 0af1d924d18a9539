/* SPDX-License-Identifier: Apache-2.0 */
/* Renders every screen at 800x480, 1920x1080 and in portrait under SDL's offscreen driver,
 * saves PNGs and checks their pixels: the answer screens are mostly green/red, the occupancy
 * bar's fill matches the count, no text leaves its box, long names are ellipsized; and the
 * behaviour: answers expire and are replaced, the staff menu opens on a second scan or a tap,
 * its buttons give their actions and it closes by itself.
 * PORTIER_UI_SHOTS=DIR keeps the PNGs in DIR (that is how docs/screenshots are made). */
#include <SDL.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "camera.h"
#include "check.h"
#include "timeutil.h"
#include "ui_internal.h"
#include "util.h"
#include "file.h"
#include "sysclock.h"

static char *shots;
static bool keep_shots;
static int64_t wall0;
static struct image frame;

static const char *const room_names[] = {
    "Aula Magna",
    "Zaal 2.14",
    "Salle Van Gogh",
    "Room 0.01",
    "Auditorium B",
    "Lab 3",
    "Salle des Conférences",
    "Vergaderzaal Noord",
    "Zaal 1.07",
    "Atelier",
    "Kelder",
    "Studio",
    "Zaal Ngọc Anh",
    "قاعة محمد",
    "Foyer",
    "Bibliotheek",
};
static const char *const titles[] = {
    "Keynote",         "Workshop: SQLite in practice", "Table ronde : l'accueil", NULL,
    "Lightning talks", "Hands-on: QR codes",           "Atelier vidéo",           "Board meeting",
};
static struct ui_room_tile tiles[ARRAY_LEN(room_names)];

/* The view of a busy room kiosk at 10:52. */
static struct ui_view room_view(void)
{
    struct ui_view v = {0};
    v.lang = LANG_NL;
    v.mode = MODE_ENTRY;
    v.wall_ms = wall0;
    v.event_name = "Portier Demo Day 2026";
    v.room_name = "Aula Magna";
    v.session_title = "Keynote: kiosks that never lose a scan";
    v.session_start_ms = wall0 - 7 * 60000;
    v.session_end_ms = wall0 + 83 * 60000;
    v.count = 87;
    v.capacity = 120;
    v.sync = (struct ui_sync){UI_SYNC_OFFLINE, wall0 - 20 * 60000, 12};
    v.frame = &frame;
    v.frame_serial = 1;
    /* An unsynchronised clock an hour off the server's: shown on the staff and trouble screens. */
    v.diag =
        (struct ui_diagnostics){29.7, 4.2, 12, 6LL << 30, NULL, "door-aula-1", false, true, -3600};
    for (size_t i = 0; i < ARRAY_LEN(room_names); i++) {
        int cap = 40 + (int)(i * 37 % 160);
        tiles[i] = (struct ui_room_tile){room_names[i],
                                         titles[i % ARRAY_LEN(titles)],
                                         wall0 - 600000,
                                         wall0 + 3000000,
                                         (int)(cap * ((i * 29) % 110) / 100),
                                         cap,
                                         i == 6,
                                         i % 4 == 0 ? 0 : wall0 - (int64_t)(i * 97 % 140) * 60000};
    }
    v.tiles = tiles;
    v.n_tiles = ARRAY_LEN(tiles);
    v.venue_checked_in = 1412;
    v.venue_inside = 1288;
    return v;
}

/* Reads a PNG as ARGB pixels (owned by the caller: cairo_surface_destroy). */
static cairo_surface_t *load(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    return s;
}

/* The 0xRRGGBB of a pixel. */
static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    return *(const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s) + x * 4) &
           0xffffff;
}

/* Fraction of pixels near colour c. */
static double fraction(cairo_surface_t *s, uint32_t c)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    long n = 0, total = 0;
    for (int y = 0; y < h; y += 2) {
        for (int x = 0; x < w; x += 2) {
            uint32_t p = pixel(s, x, y);
            int dr = (int)(p >> 16) - (int)(c >> 16),
                dg = (int)((p >> 8) & 255) - (int)((c >> 8) & 255),
                db = (int)(p & 255) - (int)(c & 255);
            n += dr * dr + dg * dg + db * db < 30 * 30;
            total++;
        }
    }
    return (double)n / total;
}

/* Renders view as NAME-WxH.png; checks the file and that no text overflowed. Returns the
 * loaded image (or NULL). */
static cairo_surface_t *shot(struct ui *ui, const struct ui_view *v, int64_t now, const char *name)
{
    int w, h;
    ui_size(ui, &w, &h);
    char file[128];
    snprintf(file, sizeof file, "%s-%dx%d.png", name, w, h);
    char *path = path_join(shots, file);
    CHECK_MSG(ui_screenshot(ui, v, now, path), "%s", path);
    CHECK_MSG(ui_text_overflows(ui) == 0, "%s: %d texts overflow their box", file,
              ui_text_overflows(ui));
    cairo_surface_t *s = load(path);
    CHECK_MSG(s != NULL, "%s: not a PNG", path);
    if (s != NULL) {
        CHECK(cairo_image_surface_get_width(s) == w && cairo_image_surface_get_height(s) == h);
    }
    if (!keep_shots)
        unlink(path);
    free(path);
    return s;
}

/* The bar's filled length, measured on the pixels of its middle row. */
static void check_bar(struct ui *ui, cairo_surface_t *s, int count, int capacity, uint32_t c)
{
    struct ui_rect bar;
    CHECK(ui_element_rect(ui, UI_EL_OCCUPANCY_BAR, &bar));
    if (s == NULL)
        return;
    int y = bar.y + bar.h / 2, run = 0;
    for (int x = bar.x; x < bar.x + bar.w; x++) {
        uint32_t p = pixel(s, x, y);
        int dr = (int)(p >> 16) - (int)(c >> 16),
            dg = (int)((p >> 8) & 255) - (int)((c >> 8) & 255);
        if (dr * dr + dg * dg < 20 * 20)
            run++;
    }
    int want = bar.w * (count > capacity ? capacity : count) / capacity;
    CHECK_MSG(abs(run - want) <= 3, "bar %d/%d: %d px filled, want %d of %d", count, capacity, run,
              want, bar.w);
}

/* Every kind of answer: colours, names in every script, timing, the cache. */
static void answers(struct ui *ui, struct ui_view *v, int64_t now)
{
    struct answer a = {RESULT_ADMITTED,
                       REASON_OK,
                       false,
                       "Françoise Dieudonné",
                       true,
                       LANG_FR,
                       "Aula Magna",
                       NULL,
                       0,
                       0};
    ui_show_answer(ui, &a, now);
    CHECK(ui_current_screen(ui, v, now + 10) == UI_SCREEN_ANSWER);
    cairo_surface_t *s = shot(ui, v, now + 300, "answer-admitted");
    if (s != NULL) {
        CHECK_MSG(fraction(s, 0x15803d) > 0.6, "admitted: %.2f green", fraction(s, 0x15803d));
        cairo_surface_destroy(s);
    }
    a = (struct answer){
        RESULT_ADMITTED, REASON_REENTRY, false, "Jürgen Çelik", true, LANG_NL, NULL, NULL, 0, 0};
    ui_show_answer(ui, &a, now);
    s = shot(ui, v, now + 300, "answer-reentry");
    if (s != NULL) {
        CHECK_MSG(fraction(s, 0xf59e0b) > 0.6, "reentry: %.2f amber", fraction(s, 0xf59e0b));
        cairo_surface_destroy(s);
    }
    a = (struct answer){RESULT_DENIED, REASON_ROOM_FULL, false, "Ngọc Anh", true, LANG_NL,
                        NULL,          "2.14",           34,    0};
    ui_show_answer(ui, &a, now);
    s = shot(ui, v, now + 300, "answer-denied-full");
    if (s != NULL) {
        CHECK_MSG(fraction(s, 0xb91c1c) > 0.6, "full: %.2f red", fraction(s, 0xb91c1c));
        cairo_surface_destroy(s);
    }
    a = (struct answer){RESULT_DENIED, REASON_INVALID, false, NULL, false,
                        LANG_NL,       NULL,           NULL,  0,    0};
    ui_show_answer(ui, &a, now);
    s = shot(ui, v, now + 300, "answer-invalid");
    if (s != NULL) {
        CHECK_MSG(fraction(s, 0xb91c1c) > 0.6, "invalid: %.2f red", fraction(s, 0xb91c1c));
        cairo_surface_destroy(s);
    }
    a = (struct answer){RESULT_ADMITTED, REASON_OK, true, "محمد", true, LANG_EN, NULL, NULL, 0, 0};
    ui_show_answer(ui, &a, now);
    s = shot(ui, v, now + 300, "answer-override");
    if (s != NULL)
        cairo_surface_destroy(s);
    a = (struct answer){RESULT_DENIED,
                        REASON_NOT_REGISTERED,
                        false,
                        "Jan Janssens",
                        true,
                        LANG_NL,
                        NULL,
                        NULL,
                        0,
                        wall0 + 3 * 60000};
    ui_show_answer(ui, &a, now);
    s = shot(ui, v, now + 300, "answer-not-registered");
    if (s != NULL)
        cairo_surface_destroy(s);
    a = (struct answer){RESULT_EXITED, REASON_OK, false, "Françoise Dieudonné", true, LANG_FR, NULL,
                        NULL,          0,         0};
    ui_show_answer(ui, &a, now);
    s = shot(ui, v, now + 300, "answer-exit");
    if (s != NULL)
        cairo_surface_destroy(s);
    /* A name far too long for any screen: ellipsized, never overflowing. */
    a = (struct answer){RESULT_ADMITTED,
                        REASON_OK,
                        false,
                        "Maximiliaan-Alexander Fréderic-Guillaume van den Bossche-Vanderlinden "
                        "de Wijnendaele-Ngọc",
                        true,
                        LANG_NL,
                        NULL,
                        NULL,
                        0,
                        0};
    ui_show_answer(ui, &a, now);
    s = shot(ui, v, now + 300, "answer-long-name");
    CHECK(ui_text_ellipsized(ui) >= 1);
    if (s != NULL)
        cairo_surface_destroy(s);
    /* Timing: gone after UI_ANSWER_MS; a new answer replaces the old at once. */
    CHECK(ui_current_screen(ui, v, now + UI_ANSWER_MS - 1) == UI_SCREEN_ANSWER);
    CHECK(ui_current_screen(ui, v, now + UI_ANSWER_MS) == UI_SCREEN_SCAN);
    /* Texts no longer drawn leave the cache. */
    size_t with_answers = ui_text_cache_size(ui);
    for (int i = 0; i < 130; i++)
        ui_frame(ui, v, now + UI_ANSWER_MS + i * 16);
    CHECK_MSG(ui_text_cache_size(ui) < with_answers, "cache %zu -> %zu", with_answers,
              ui_text_cache_size(ui));
}

/* Taps a grid over the staff menu and records which actions its buttons give. */
static void staff(struct ui *ui, struct ui_view *v, int64_t now)
{
    CHECK(!ui_staff_badge(ui, "Sam (staff)", now));
    CHECK(ui_current_screen(ui, v, now) == UI_SCREEN_STAFF_CONFIRM);
    cairo_surface_t *s = shot(ui, v, now, "staff-confirm");
    if (s != NULL)
        cairo_surface_destroy(s);
    /* A tap anywhere confirms. */
    int w, h;
    ui_size(ui, &w, &h);
    ui_inject_tap(ui, w / 2, h / 2);
    struct ui_input in;
    CHECK(ui_poll(ui, now, &in) && in.action == UI_ACTION_STAFF_OPEN);
    CHECK(ui_current_screen(ui, v, now) == UI_SCREEN_STAFF_MENU);
    s = shot(ui, v, now + 7000, "staff-menu");
    if (s != NULL)
        cairo_surface_destroy(s);
    /* The badge printer out of labels: its box, what to do, Retry, all inside the screen. */
    v->printer = (struct ui_printer){UI_PRINTER_OUT_OF_MEDIA, "brother-ql", "A0042",
                                     "the label roll is empty", true};
    s = shot(ui, v, now + 7000, "staff-menu-printer-empty");
    if (s != NULL)
        cairo_surface_destroy(s);
    struct ui_rect pr;
    CHECK(ui_element_rect(ui, UI_EL_PRINT_RETRY, &pr) && pr.y + pr.h <= h && pr.x + pr.w <= w);
    memset(&v->printer, 0, sizeof v->printer);
    bool seen_mode[KIOSK_MODE_COUNT] = {0}, seen_lang[LANG_COUNT] = {0};
    bool plus = false, minus = false, close_room = false, closed = false;
    int step = w / 60 > 4 ? w / 60 : 4;
    for (int y = step / 2; y < h; y += step) {
        for (int x = step / 2; x < w; x += step) {
            if (ui_current_screen(ui, v, now) != UI_SCREEN_STAFF_MENU) {
                ui_staff_badge(ui, "Sam", now);
                ui_staff_badge(ui, "Sam", now);
                ui_frame(ui, v, now);
            }
            ui_inject_tap(ui, x, y);
            while (ui_poll(ui, now, &in)) {
                switch (in.action) {
                case UI_ACTION_SET_MODE:
                    if (in.value >= 0 && in.value < KIOSK_MODE_COUNT)
                        seen_mode[in.value] = true;
                    break;
                case UI_ACTION_SET_LANG:
                    if (in.value >= 0 && in.value < LANG_COUNT)
                        seen_lang[in.value] = true;
                    break;
                case UI_ACTION_COUNT_ADJUST:
                    plus |= in.value == 1;
                    minus |= in.value == -1;
                    break;
                case UI_ACTION_ROOM_CLOSE:
                    close_room = true;
                    break;
                case UI_ACTION_STAFF_CLOSE:
                    closed = true;
                    break;
                default:
                    break;
                }
            }
        }
    }
    for (int i = 0; i < KIOSK_MODE_COUNT; i++)
        CHECK_MSG(seen_mode[i], "mode button %d not found", i);
    for (int i = 0; i < LANG_COUNT; i++)
        CHECK_MSG(seen_lang[i], "language button %d not found", i);
    CHECK(plus && minus && close_room && closed);
    /* Closes by itself after UI_STAFF_TIMEOUT_MS without a touch. */
    ui_staff_badge(ui, "Sam", now);
    ui_staff_badge(ui, "Sam", now);
    CHECK(ui_current_screen(ui, v, now) == UI_SCREEN_STAFF_MENU);
    CHECK(!ui_poll(ui, now + UI_STAFF_TIMEOUT_MS - 1, &in));
    CHECK(ui_poll(ui, now + UI_STAFF_TIMEOUT_MS, &in) && in.action == UI_ACTION_STAFF_CLOSE);
    CHECK(ui_current_screen(ui, v, now + UI_STAFF_TIMEOUT_MS) == UI_SCREEN_SCAN);
    /* An unconfirmed staff scan lapses. */
    ui_staff_badge(ui, "Sam", now);
    CHECK(!ui_poll(ui, now + UI_STAFF_CONFIRM_MS, &in));
    CHECK(ui_current_screen(ui, v, now + UI_STAFF_CONFIRM_MS) == UI_SCREEN_SCAN);
}

/* Every screen at w x h (all: also the staff, overview and trouble screens). */
static void one_size(int w, int h, bool all)
{
    struct ui_options o = {UI_OFFSCREEN, w, h, 50, false, false, false};
    struct ui *ui = ui_create(&o);
    CHECK_MSG(ui != NULL, "ui_create %dx%d", w, h);
    if (ui == NULL)
        return;
    int gw, gh;
    ui_size(ui, &gw, &gh);
    CHECK(gw == w && gh == h);
    int64_t now = 1000000;
    struct ui_view v = room_view();

    CHECK(ui_current_screen(ui, &v, now) == UI_SCREEN_SCAN);
    cairo_surface_t *s = shot(ui, &v, now, "scan");
    check_bar(ui, s, v.count, v.capacity, 0x16a34a);
    if (s != NULL)
        cairo_surface_destroy(s);
    /* Every script of the roster has its glyphs; a private-use code point has none. */
    const char *names[] = {"Françoise Dieudonné", "Jürgen Çelik", "Ngọc Anh", "محمد",
                           "Zaal vol — probeer zaal 2.14"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        CHECK_MSG(ui_missing_glyphs(ui, names[i]) == 0, "%s: glyphs missing", names[i]);
    CHECK(ui_missing_glyphs(ui, "a\xee\x80\x80"
                                "b") == 1);
    /* The cache holds steady when the same screen is drawn again. */
    ui_frame(ui, &v, now);
    size_t cached = ui_text_cache_size(ui);
    for (int i = 0; i < 5; i++)
        ui_frame(ui, &v, now);
    CHECK(ui_text_cache_size(ui) == cached);
    /* Amber at 80 %, red when full (more than full draws a full bar). */
    v.count = 100;
    s = shot(ui, &v, now, "scan-amber");
    check_bar(ui, s, 100, 120, 0xf59e0b);
    if (s != NULL)
        cairo_surface_destroy(s);
    v.count = 125;
    v.sync = (struct ui_sync){UI_SYNC_ONLINE, 0, 0};
    s = shot(ui, &v, now, "scan-full");
    check_bar(ui, s, 125, 120, 0xdc2626);
    if (s != NULL)
        cairo_surface_destroy(s);
    v = room_view();

    answers(ui, &v, now);
    if (all) {
        staff(ui, &v, now);
        v.mode = MODE_OVERVIEW;
        s = shot(ui, &v, now, "overview");
        for (size_t i = 0; i < v.n_tiles; i++) {
            struct ui_rect r;
            CHECK_MSG(ui_element_rect(ui, UI_EL_TILE0 + (int)i, &r) && r.x >= 0 && r.y >= 0 &&
                          r.x + r.w <= w && r.y + r.h <= h,
                      "tile %zu not on screen", i);
        }
        if (s != NULL)
            cairo_surface_destroy(s);
        /* A multi-day event: the day in the title, today's check-ins against those expected
         * today, in each language (French's words are the longest). */
        v.n_days = 3;
        v.day_index = 2;
        v.day = time_days_from_civil(2026, 4, 14);
        v.venue_checked_in = 412;
        v.venue_expected = 600;
        static const char *const day_shots[] = {"overview-multiday-nl", "overview-multiday-fr",
                                                "overview-multiday"};
        for (int l = 0; l < LANG_COUNT; l++) {
            v.lang = (enum language)l;
            s = shot(ui, &v, now, day_shots[l]);
            if (s != NULL)
                cairo_surface_destroy(s);
        }
        v = room_view();
        v.trouble = UI_TROUBLE_CAMERA;
        v.camera_text = "camera /dev/video0: No such file or directory; retrying";
        v.frame = NULL;
        v.lang = LANG_EN;
        s = shot(ui, &v, now, "trouble-camera");
        if (s != NULL)
            cairo_surface_destroy(s);
        v.trouble = UI_TROUBLE_DATABASE | UI_TROUBLE_CLOCK;
        CHECK(ui_current_screen(ui, &v, now) == UI_SCREEN_TROUBLE);
        s = shot(ui, &v, now, "trouble");
        if (s != NULL)
            cairo_surface_destroy(s);
        v = room_view();
        v.entrance = true;
        v.room_name = NULL;
        v.frame = NULL;
        v.lang = LANG_FR;
        v.count = 1288;
        v.capacity = 0;
        v.session_title = NULL;
        v.sync = (struct ui_sync){UI_SYNC_ONLINE, 0, 0};
        s = shot(ui, &v, now, "scan-entrance");
        if (s != NULL)
            cairo_surface_destroy(s);
    }
    ui_destroy(ui);
}

/* Pushes a quit request and an Escape key; returns the actions ui_poll gives for them. */
static int quit_actions(struct ui *ui)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_QUIT;
    SDL_PushEvent(&ev);
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.keysym.sym = SDLK_ESCAPE;
    SDL_PushEvent(&ev);
    ev.key.keysym.sym = SDLK_F4;
    ev.key.keysym.mod = KMOD_ALT;
    SDL_PushEvent(&ev);
    int quits = 0;
    struct ui_input in;
    while (ui_poll(ui, 0, &in))
        quits += in.action == UI_ACTION_QUIT;
    return quits;
}

/* Full screen is locked down: no key and no quit request ends it; a window may be closed. */
static void lockdown(void)
{
    /* The software renderer, as offscreen: a GL one would load Mesa, whose leaks at exit are
     * not ours to fix. */
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    struct ui_options o = {UI_FULLSCREEN, 800, 480, 0, true, false, false};
    struct ui *ui = ui_create(&o);
    CHECK(ui != NULL);
    if (ui != NULL) {
        CHECK(SDL_ShowCursor(SDL_QUERY) == SDL_DISABLE);
        CHECK(quit_actions(ui) == 0);
        ui_destroy(ui);
    }
    o.display = UI_WINDOW;
    ui = ui_create(&o);
    CHECK(ui != NULL);
    if (ui != NULL) {
        CHECK(quit_actions(ui) == 2);
        ui_destroy(ui);
    }
}

int main(void)
{
    CHECK(time_set_zone("Europe/Brussels"));
    CHECK(time_parse_iso8601("2026-04-22T10:52:00+02:00", &wall0));
    const char *keep = getenv("PORTIER_UI_SHOTS");
    char tmpl[] = "/tmp/portier-ui-XXXXXX";
    if (keep != NULL && keep[0] != '\0') {
        shots = xstrdup(keep);
        keep_shots = true;
        CHECK(mkdir_p(shots));
    } else {
        CHECK(mkdtemp(tmpl) != NULL);
        shots = xstrdup(tmpl);
    }
    /* A sharp, noiseless frame keeps the screenshots small. */
    struct camera_synth_params p = {0.5, 0.5, 0.5, 8, 0, 0, 0.4, 0, 1};
    CHECK(camera_synth_render(&frame, 640, 480, 7, "PORTIER-UI-TEST", &p, 3));

    one_size(800, 480, true);
    one_size(1920, 1080, true);
    one_size(480, 800, true);
    lockdown();

    image_finish(&frame);
    if (!keep_shots)
        rmdir(shots);
    free(shots);
    return check_done();
}
