/* SPDX-License-Identifier: Apache-2.0 */
/* Sounds for the kiosk screen, generated at start (no files to ship or lose): a rising
 * two-note chime for admitted, a single middle note for warnings, a low double buzz for denied
 * and a short triple tick for a staff badge. Distinct in pitch and rhythm, so they are told
 * apart without looking at the screen. Played through SDL's queue: a new sound replaces the
 * one playing. Without an audio device the kiosk is silent, never broken. */
#include <SDL.h>
#include <math.h>
#include <stdlib.h>

#include "log.h"
#include "ui_internal.h"
#include "util.h"

struct tone {
    double freq; /* Hz; 0: silence */
    int ms;
    bool square; /* a harsher timbre for denials */
};

struct ui_sound_player {
    SDL_AudioDeviceID dev; /* 0: no audio */
    int16_t *samples[UI_SOUND_COUNT];
    size_t n_samples[UI_SOUND_COUNT];
    int16_t *scratch;
    int volume;
    bool mute;
};

static const struct tone admitted[] = {{880, 110, false}, {0, 20, false}, {1318.5, 220, false}};
static const struct tone warning[] = {{740, 160, false}, {0, 60, false}, {740, 160, false}};
static const struct tone denied[] = {{220, 200, true}, {0, 70, false}, {196, 320, true}};
static const struct tone staff[] = {
    {1568, 50, false}, {0, 40, false}, {1568, 50, false}, {0, 40, false}, {2093, 80, false}};

/* Renders a sequence of tones with short fades (no clicks) at full scale. */
static int16_t *synthesize(const struct tone *tones, size_t n, size_t *n_out)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (size_t)tones[i].ms * UI_SOUND_RATE / 1000;
    int16_t *out = xcalloc(total, sizeof *out);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = (size_t)tones[i].ms * UI_SOUND_RATE / 1000;
        size_t fade = UI_SOUND_RATE / 200; /* 5 ms */
        for (size_t k = 0; k < len && tones[i].freq > 0; k++) {
            double ph = 2 * M_PI * tones[i].freq * (double)k / UI_SOUND_RATE;
            double v = sin(ph);
            if (tones[i].square)
                v = 0.6 * (v > 0 ? 1 : -1) * 0.5 + 0.5 * v + 0.2 * sin(2 * ph);
            else
                v = 0.8 * v + 0.2 * sin(2 * ph) * exp(-(double)k / (len * 0.3 + 1));
            double env = 1;
            if (k < fade)
                env = (double)k / fade;
            else if (len - k < fade * 4)
                env = (double)(len - k) / (fade * 4);
            out[at + k] = (int16_t)(v * env * 0.7 * 32767);
        }
        at += len;
    }
    *n_out = total;
    return out;
}

struct ui_sound_player *ui_sound_create(int volume, bool mute)
{
    struct ui_sound_player *p = xcalloc(1, sizeof *p);
    const struct tone *seqs[UI_SOUND_COUNT] = {admitted, warning, denied, staff};
    size_t lens[UI_SOUND_COUNT] = {ARRAY_LEN(admitted), ARRAY_LEN(warning), ARRAY_LEN(denied),
                                   ARRAY_LEN(staff)};
    size_t longest = 0;
    for (int i = 0; i < UI_SOUND_COUNT; i++) {
        p->samples[i] = synthesize(seqs[i], lens[i], &p->n_samples[i]);
        if (p->n_samples[i] > longest)
            longest = p->n_samples[i];
    }
    p->scratch = xcalloc(longest, sizeof *p->scratch);
    ui_sound_set_volume(p, volume, mute);
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        log_warnx("ui: no audio (%s); the kiosk stays silent", SDL_GetError());
        return p;
    }
    SDL_AudioSpec want = {0}, have;
    want.freq = UI_SOUND_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    p->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (p->dev == 0) {
        log_warnx("ui: no audio device (%s); the kiosk stays silent", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return p;
    }
    SDL_PauseAudioDevice(p->dev, 0);
    return p;
}

void ui_sound_destroy(struct ui_sound_player *p)
{
    if (p == NULL)
        return;
    if (p->dev != 0) {
        SDL_CloseAudioDevice(p->dev);
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    for (int i = 0; i < UI_SOUND_COUNT; i++)
        free(p->samples[i]);
    free(p->scratch);
    free(p);
}

void ui_sound_set_volume(struct ui_sound_player *p, int volume, bool mute)
{
    p->volume = volume < 0 ? 0 : volume > 100 ? 100 : volume;
    p->mute = mute;
}

void ui_sound_play(struct ui_sound_player *p, enum ui_sound sound)
{
    if (p == NULL || p->dev == 0 || p->mute || p->volume == 0 || (unsigned)sound >= UI_SOUND_COUNT)
        return;
    /* Perceived loudness is roughly logarithmic: a squared scale makes the low half of the
     * volume range useful in a quiet room. */
    double gain = (p->volume / 100.0) * (p->volume / 100.0);
    size_t n = p->n_samples[sound];
    for (size_t i = 0; i < n; i++)
        p->scratch[i] = (int16_t)(p->samples[sound][i] * gain);
    SDL_ClearQueuedAudio(p->dev);
    if (SDL_QueueAudio(p->dev, p->scratch, (Uint32)(n * sizeof *p->scratch)) != 0)
        log_debug("ui: audio: %s", SDL_GetError());
}

const int16_t *ui_sound_samples(struct ui_sound_player *p, enum ui_sound sound, size_t *n)
{
    if ((unsigned)sound >= UI_SOUND_COUNT) {
        *n = 0;
        return NULL;
    }
    *n = p->n_samples[sound];
    return p->samples[sound];
}
