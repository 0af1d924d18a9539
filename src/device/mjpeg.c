/* SPDX-License-Identifier: Apache-2.0 */
/* MJPEG frames to grey frames with libturbojpeg; see mjpeg.h. */
#include <stdio.h>
#include <stdlib.h>
#include <turbojpeg.h>

#include "mjpeg.h"

struct mjpeg {
    tjhandle tj;
    char error[160];
};

struct mjpeg *mjpeg_create(void)
{
    struct mjpeg *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->tj = tjInitDecompress();
    if (m->tj == NULL) {
        free(m);
        return NULL;
    }
    return m;
}

void mjpeg_destroy(struct mjpeg *m)
{
    if (m == NULL)
        return;
    if (m->tj != NULL)
        tjDestroy(m->tj);
    free(m);
}

int mjpeg_policy_scale(int width)
{
    return width >= MJPEG_HALF_WIDTH ? 2 : 1;
}

/* Records why decoding failed and replaces the handle: libturbojpeg 2.1 leaves a handle whose
 * header parse failed in a state that fails every later frame ("Unsupported marker type"). */
static bool fail(struct mjpeg *m, const char *why)
{
    snprintf(m->error, sizeof m->error, "%s", why);
    if (m->tj != NULL)
        tjDestroy(m->tj);
    m->tj = tjInitDecompress(); /* NULL (out of memory): tried again at the next frame */
    return false;
}

bool mjpeg_decode_luma(struct mjpeg *m, const uint8_t *data, size_t len, int scale,
                       struct image *frame)
{
    if (m->tj == NULL && (m->tj = tjInitDecompress()) == NULL)
        return fail(m, "cannot start the JPEG decoder");
    if (len == 0 || len > 0x7fffffff)
        return fail(m, "empty frame");
    int w, h, subsamp, colorspace;
    if (tjDecompressHeader3(m->tj, data, (unsigned long)len, &w, &h, &subsamp, &colorspace) != 0)
        return fail(m, tjGetErrorStr2(m->tj));
    if (scale == 0)
        scale = mjpeg_policy_scale(w);
    if (scale != 1 && scale != 2 && scale != 4 && scale != 8)
        return fail(m, "unsupported scale");
    tjscalingfactor factor = {1, scale};
    int sw = TJSCALED(w, factor), sh = TJSCALED(h, factor);
    if (frame->pixels == NULL || frame->width != sw || frame->height != sh) {
        image_finish(frame);
        if (!image_init(frame, sw, sh))
            return fail(m, "frame size out of range");
    }
    /* A warning (a truncated frame decodes with its missing rows grey) fails too:
     * tjDecompress2 returns -1 for both. */
    if (tjDecompress2(m->tj, data, (unsigned long)len, frame->pixels, sw, frame->stride, sh,
                      TJPF_GRAY, TJFLAG_FASTDCT) != 0)
        return fail(m, tjGetErrorStr2(m->tj));
    return true;
}

const char *mjpeg_error(const struct mjpeg *m)
{
    return m->error;
}
