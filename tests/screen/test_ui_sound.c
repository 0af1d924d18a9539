/* SPDX-License-Identifier: Apache-2.0 */
/* The sounds: generated, distinct for admitted and denied, silent when muted. (What the
 * answer screen is told about a decision is tested in tests/core/test_answer.c.) */
#include <stdlib.h>

#include "check.h"
#include "ui_internal.h"

int main(void)
{
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
    return check_done();
}
