/* SPDX-License-Identifier: Apache-2.0 */
/* Frame sources for the kiosk's decoder, chosen by a SPEC string (DESIGN.md §1):
 *   v4l2:/dev/video0[@640x480][,fps=N]   a USB/UVC camera (or a Raspberry Pi CSI camera run
 *                                         under libcamerify), see camera_v4l2.c
 *   dir:PATH[,fps=N][,loop]              PNG/PGM files in name order, for tests and replays
 *   synth[:seed=N][,fps=N][,idle=N][,loop]  synthetic frames showing badges (camera_synth.c);
 *                                        idle: empty frames before each badge (default 4)
 *   none                                 no camera (scanner-only kiosks)
 * Options in the spec override the matching fields of struct camera_options.
 *
 * A camera never fails fatally once its spec is valid: a missing or unplugged device is a
 * status (CAMERA_UNAVAILABLE) that the UI can show, and camera_grab reopens it every
 * CAMERA_RETRY_MS. Only a malformed spec (or a dir: folder without images) makes
 * camera_open return NULL. */
#ifndef PORTIER_CAMERA_H
#define PORTIER_CAMERA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

#define CAMERA_RETRY_MS       3000
#define CAMERA_STATUS_TEXT    160 /* bytes of camera_status_text, NUL included */
#define CAMERA_SYNTH_WIDTH    640 /* synth's default frame size */
#define CAMERA_SYNTH_HEIGHT   480
#define CAMERA_SYNTH_IDLE     4 /* synth's default empty frames before each badge */
#define CAMERA_SYNTH_IDLE_MAX 10000

enum camera_status {
    CAMERA_OK,          /* streaming; a grab may still find no new frame yet */
    CAMERA_NONE,        /* the "none" backend: never a frame */
    CAMERA_ENDED,       /* dir:/synth without loop reached its last frame */
    CAMERA_UNAVAILABLE, /* missing or unplugged; retried every CAMERA_RETRY_MS */
};

struct camera_options {
    int width, height; /* wanted frame size; 0 = the backend's default */
    double fps;        /* dir/synth: frames per second of the replay, 0 = one frame per grab;
                        * v4l2: requested frame rate, 0 = the driver's default */
    bool loop;         /* dir/synth: start again after the last frame instead of ending */
    /* synth: the payloads (e.g. badge tokens) to show, borrowed for the camera's lifetime;
     * none = built-in demo payloads. */
    const char *const *payloads;
    size_t payload_count;
    uint64_t seed;        /* synth: same seed, same frames */
    unsigned idle_frames; /* synth: empty frames before each badge; 0 = CAMERA_SYNTH_IDLE */
};

struct camera;

/* Checks a spec without opening anything. On error writes a sentence for the user ("unknown
 * camera 'x' (expected v4l2:DEVICE[@WxH], dir:PATH, synth or none)") into why and returns
 * false. For command-line validation (usage error, exit 2). */
bool camera_spec_check(const char *spec, char *why, size_t why_size);

/* True when spec names a replay: dir: or synth without a frame rate (fps=). A replay hands
 * over every frame and waits for it to be decoded, so that it gives the same decisions on any
 * machine; a live camera hands over the newest frame and never waits. False for a malformed
 * spec. */
bool camera_spec_is_replay(const char *spec);

/* Opens the camera named by spec; opts may be NULL (defaults). Owned by the caller (close with
 * camera_close). NULL, after logging, for a malformed spec or an empty dir: folder; a v4l2
 * device that cannot be opened is NOT an error (see CAMERA_UNAVAILABLE). */
struct camera *camera_open(const char *spec, const struct camera_options *opts);

/* Grabs the newest frame into frame, which the caller owns and may reuse across calls (it is
 * re-initialised when the size changes; image_finish it when done). Stores the frame's
 * monotonic capture time (time_mono_ns clock) in *mono_ns. Never blocks for long. Returns
 * false when there is no new frame: not yet due, none/ended/unavailable (see camera_status). */
bool camera_grab(struct camera *cam, struct image *frame, int64_t *mono_ns);

/* The camera's state after the last open/grab. */
enum camera_status camera_status(const struct camera *cam);
/* A short English sentence for the UI and logs ("camera /dev/video0: No such file or
 * directory; retrying"). Borrowed until the next grab. */
const char *camera_status_text(const struct camera *cam);
/* A file descriptor that becomes readable when a new frame is ready (v4l2), or -1 when the
 * backend has none (poll with a timeout instead). Changes when a device is reopened. */
int camera_fd(const struct camera *cam);
/* For tests and replays: the payload the last grabbed frame shows (synth), or NULL when it
 * shows none or the backend does not know. Borrowed until the next grab. */
const char *camera_frame_payload(const struct camera *cam);
/* How many frames the backend has delivered. */
uint64_t camera_frame_count(const struct camera *cam);
/* Closes the camera; NULL is a no-op. */
void camera_close(struct camera *cam);

/* Name-order list of the *.png / *.pgm files in dir (owned by the caller: free each name and
 * the array). Returns false after logging when dir cannot be read. Exposed for tests. */
bool camera_dir_list(const char *dir, char ***names, size_t *count);

/* Synthetic frames (camera_synth.c), also for tests and benchmarks: a textured scene and, unless
 * payload is NULL, a badge (white card, QR code at ECC level M) seen through a pinhole camera. */
struct camera_synth_params {
    double cx, cy;     /* centre of the code, as a fraction of the frame's width/height */
    double size;       /* side of the code with its quiet zone, fraction of the shorter side */
    double rotate_deg; /* in-plane rotation */
    double tilt_x_deg; /* perspective: rotation of the card about the horizontal axis */
    double tilt_y_deg; /* ... and about the vertical axis */
    double blur;       /* Gaussian blur sigma, pixels (0 = sharp) */
    double noise;      /* sensor noise sigma, grey levels */
    double contrast;   /* of the card: 1 = full; 0.4 = in shadow or glare, washed out */
};
/* A clean badge: centred, facing the camera, sharp, no noise. */
void camera_synth_params_clean(struct camera_synth_params *p);
/* A degraded badge drawn from seed: rotation up to 45 degrees, tilt, blur, noise, low contrast. */
void camera_synth_params_degraded(uint64_t seed, struct camera_synth_params *p);
/* Renders one width x height frame into frame (caller-owned, re-initialised as needed): the
 * scene of scene_seed, the badge of payload (NULL = an empty scene) placed by p (NULL = clean),
 * and noise from noise_seed. False when the payload cannot be encoded or the size is bad. */
bool camera_synth_render(struct image *frame, int width, int height, uint64_t scene_seed,
                         const char *payload, const struct camera_synth_params *p,
                         uint64_t noise_seed);

/* Reads the token column of a tokens.csv (the file 'portier badges' writes) for the synth
 * camera's payloads (camera_tokens.c). Returns a NULL-terminated array of the non-empty tokens
 * in file order and their number in *n_out, owned by the caller (camera_tokens_free), or NULL
 * after logging why. */
char **camera_tokens_load(const char *path, size_t *n_out);
/* Frees what camera_tokens_load returned; NULL is a no-op. */
void camera_tokens_free(char **tokens);

#endif
