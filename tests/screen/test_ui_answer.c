/* ui_answer_for_decision: what the answer screen is told about a decision (name, language,
 * room, a room with free seats when this one is full or closed, when reserved seats free up),
 * and the sounds: generated, distinct for admitted and denied, silent when muted. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "occupancy.h"
#include "rules.h"
#include "ui.h"
#include "util.h"

static int64_t seq;

/* Folds a staff +1 (or a close) into occ. */
static void fold(struct occupancy *occ, const char *room, enum scan_kind kind, int64_t wall)
{
    struct scan s;
    memset(&s, 0, sizeof s);
    snprintf(s.device_id, sizeof s.device_id, "door-test");
    s.db_epoch = 1;
    s.seq = ++seq;
    s.wall_ms = wall;
    snprintf(s.room, sizeof s.room, "%s", room);
    s.kind = kind;
    s.result = RESULT_ADMITTED;
    s.reason = REASON_OK;
    CHECK(occupancy_apply(occ, &s));
}

int main(void)
{
    struct room rooms[] = {{"aula", "Aula Magna", 2}, {"r214", "2.14", 10}, {"r3", "Zaal 3", 50}};
    struct session sessions[] = {{"s1", 0, "Keynote", 1000000, 5000000}};
    struct attendee att = {"A1", 1, "Françoise Dieudonné", "", NULL, LANG_FR, CATEGORY_ATTENDEE, 0,
                           NULL, 0};
    struct event ev = {0};
    ev.name = "Test";
    ev.timezone = "Europe/Brussels";
    ev.rooms = rooms;
    ev.n_rooms = ARRAY_LEN(rooms);
    ev.sessions = sessions;
    ev.n_sessions = ARRAY_LEN(sessions);
    ev.attendees = &att;
    ev.n_attendees = 1;
    event_index_build(&ev);
    struct occupancy *occ = occupancy_create(&ev);
    CHECK(occ != NULL);
    int64_t t = 2000000;
    fold(occ, "aula", SCAN_MANUAL, t - 10);
    fold(occ, "aula", SCAN_MANUAL, t - 9);
    for (int i = 0; i < 3; i++)
        fold(occ, "r214", SCAN_MANUAL, t - 8 + i);
    fold(occ, "r3", SCAN_ROOM_CLOSE, t - 1);
    CHECK(occupancy_room_count(occ, 0, t) == 2);

    struct scan s;
    memset(&s, 0, sizeof s);
    snprintf(s.room, sizeof s.room, "aula");
    s.result = RESULT_DENIED;
    s.reason = REASON_ROOM_FULL;
    struct rules_verdict verdict = {&att, 0, 2, 2};
    struct ui_answer a;
    ui_answer_for_decision(&a, &ev, occ, &s, &verdict, t, 600000);
    CHECK(a.result == RESULT_DENIED && a.reason == REASON_ROOM_FULL);
    CHECK_STR(a.name, "Françoise Dieudonné");
    CHECK(a.lang_known && a.lang == LANG_FR);
    CHECK_STR(a.room_name, "Aula Magna");
    /* The closed room with 50 seats is not suggested; 2.14 with 7 free is. */
    CHECK_STR(a.alt_room, "2.14");
    CHECK(a.alt_free == 7);

    s.reason = REASON_NOT_REGISTERED;
    ui_answer_for_decision(&a, &ev, occ, &s, &verdict, t, 600000);
    CHECK(a.alt_room == NULL);
    CHECK(a.release_ms == 1000000 + 600000);

    s.result = RESULT_ADMITTED;
    s.reason = REASON_OK;
    s.override = true;
    ui_answer_for_decision(&a, &ev, occ, &s, &verdict, t, 600000);
    CHECK(a.override && a.release_ms == 0 && a.alt_room == NULL);

    /* An invalid badge: nobody known, the screen's language is used. */
    s.result = RESULT_DENIED;
    s.reason = REASON_INVALID;
    s.override = false;
    struct rules_verdict none = {NULL, OCCUPANCY_NONE, 0, 0};
    ui_answer_for_decision(&a, &ev, occ, &s, &none, t, 600000);
    CHECK(a.name == NULL && !a.lang_known);
    /* At the entrance there is no room name. */
    snprintf(s.room, sizeof s.room, "entrance");
    ui_answer_for_decision(&a, &ev, occ, &s, &none, t, 600000);
    CHECK(a.room_name == NULL);
    occupancy_destroy(occ);

    /* Sounds: admitted and denied differ in length and pitch; none is silent. */
    struct ui_sound_player *p = ui_sound_create(80, false);
    size_t n_ok, n_no;
    const int16_t *ok = ui_sound_samples(p, UI_SOUND_ADMITTED, &n_ok);
    const int16_t *no = ui_sound_samples(p, UI_SOUND_DENIED, &n_no);
    CHECK(ok != NULL && no != NULL && n_ok > 4800 && n_no > 4800 && n_ok != n_no);
    /* Zero crossings per second tell the pitch apart: the chime is far higher. */
    size_t zc_ok = 0, zc_no = 0;
    int peak = 0;
    for (size_t i = 1; i < n_ok; i++) {
        zc_ok += (ok[i - 1] < 0) != (ok[i] < 0);
        peak = abs(ok[i]) > peak ? abs(ok[i]) : peak;
    }
    for (size_t i = 1; i < n_no; i++)
        zc_no += (no[i - 1] < 0) != (no[i] < 0);
    CHECK(peak > 10000);
    CHECK_MSG((double)zc_ok / n_ok > 2.5 * (double)zc_no / n_no, "crossings %zu/%zu vs %zu/%zu",
              zc_ok, n_ok, zc_no, n_no);
    ui_sound_play(p, UI_SOUND_ADMITTED);
    ui_sound_set_volume(p, 30, true);
    ui_sound_play(p, UI_SOUND_DENIED);
    ui_sound_destroy(p);
    ui_sound_destroy(NULL);
    ui_destroy(NULL);
    event_index_finish(&ev);
    return check_done();
}
