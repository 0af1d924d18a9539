#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Draws the MJPEG frames bench_mjpeg decodes, with tools that share no code with Portier:
scenes by numpy, badges by segno, JPEG by Pillow (its own libjpeg binding), at the qualities and
chroma subsamplings webcams stream MJPEG with (quality 50-85; 4:2:2, the UVC norm, and 4:2:0).

Usage: make_mjpeg_frames.py OUTDIR [COUNT]
Writes COUNT (default 120) frames per size into OUTDIR/1280x720 and OUTDIR/1920x1080, named
NNN-qQQ-SUB.jpg. Content varies frame to frame: smooth walls, busy scenes (boxes, stripes,
text-like marks: the worst case for the entropy decoder), people-like blobs passing, sensor
noise of 2-10 grey levels, and a badge (QR code, 3-10 px modules) in half of the frames.
Deterministic (fixed seed)."""
import os
import sys

import numpy as np
import segno
from PIL import Image

SIZES = [(1280, 720), (1920, 1080)]
QUALITIES = [50, 60, 70, 75, 80, 85]


def smooth_noise(rng, w, h, cells):
    """Low-frequency colour noise: a coarse random grid upsampled bilinearly."""
    grid = rng.uniform(40, 220, (cells, cells * w // h + 1, 3)).astype(np.uint8)
    return np.asarray(Image.fromarray(grid).resize((w, h), Image.BILINEAR), dtype=np.float32)


def busy(rng, img):
    """Boxes, stripes and rows of small text-like marks."""
    h, w, _ = img.shape
    for _ in range(rng.integers(8, 30)):
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        x1, y1 = x0 + rng.integers(20, w // 3), y0 + rng.integers(20, h // 3)
        img[y0:y1, x0:x1] = rng.uniform(0, 255, 3)
    for _ in range(rng.integers(2, 6)):
        y0, x0 = rng.integers(0, h - 60), rng.integers(0, w - 300)
        marks = rng.random((6, 60)) < 0.45
        block = np.kron(marks, np.ones((rng.integers(2, 5), 5)))[:, :, None]
        bh, bw = block.shape[:2]
        img[y0:y0 + bh, x0:x0 + bw] = np.where(block > 0, 20.0, img[y0:y0 + bh, x0:x0 + bw])
    period = rng.integers(6, 40)
    stripes = (np.arange(w) // period % 2)[None, :, None] * rng.uniform(20, 60)
    return img + stripes


def blobs(rng, img):
    """People-like ellipses (passers-by)."""
    h, w, _ = img.shape
    yy, xx = np.mgrid[0:h, 0:w]
    for _ in range(rng.integers(1, 4)):
        cx, cy = rng.integers(0, w), rng.integers(h // 3, h)
        rx, ry = rng.integers(w // 20, w // 8), rng.integers(h // 5, h // 2)
        mask = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 < 1
        img[mask] = rng.uniform(20, 200, 3)
    return img


def badge(rng, img, n):
    """A white card with a QR code at a random place and module size."""
    h, w, _ = img.shape
    qr = segno.make("PTR1-BENCH-%06d-%s" % (n, "X" * int(rng.integers(0, 40))), error="m")
    module = int(rng.integers(3, 11))
    code = np.array(list(qr.matrix_iter(scale=module, border=4)), dtype=bool)
    side = code.shape[0]
    if side >= min(w, h):
        return img
    x0, y0 = rng.integers(0, w - side), rng.integers(0, h - side)
    img[y0:y0 + side, x0:x0 + side] = np.where(code[:, :, None], 25.0, 235.0)
    return img


def frame(rng, w, h, n):
    img = smooth_noise(rng, w, h, int(rng.integers(2, 12)))
    kind = n % 3
    if kind == 1:
        img = busy(rng, img)
    elif kind == 2:
        img = blobs(rng, img)
    if rng.random() < 0.5:
        img = badge(rng, img, n)
    img = img + rng.normal(0, rng.uniform(2, 10), img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def main():
    outdir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 120
    rng = np.random.default_rng(13)
    for w, h in SIZES:
        d = os.path.join(outdir, "%dx%d" % (w, h))
        os.makedirs(d, exist_ok=True)
        for n in range(count):
            q = QUALITIES[n % len(QUALITIES)]
            sub = 1 if (n // len(QUALITIES)) % 2 == 0 else 2  # Pillow: 1 = 4:2:2, 2 = 4:2:0
            name = "%03d-q%d-%s.jpg" % (n, q, "422" if sub == 1 else "420")
            frame(rng, w, h, n).save(os.path.join(d, name), "JPEG", quality=q, subsampling=sub)


if __name__ == "__main__":
    main()
