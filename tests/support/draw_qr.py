#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Draws one test frame for the decode tests with an encoder that shares no code with Portier
(segno, not libqrencode): a QR code of MODULE pixels per module on a door-like background, or
a busy background without a code (MODULE 0), as a binary PGM.

    draw_qr.py OUT.pgm WxH MODULE PAYLOAD [--rotate DEG] [--blur SIGMA] [--noise SIGMA]
               [--seed N] [--busy]
    draw_qr.py --batch FILE       one frame per line of FILE, each line the arguments above

Deterministic for a given seed. Needs python3-segno, python3-numpy and python3-opencv."""
import argparse
import sys

import cv2
import numpy as np
import segno


def background(rng, w, h, busy):
    """A grey wall with a light gradient; busy: people passing in striped and checked clothes,
    a door frame, text."""
    img = np.full((h, w), rng.uniform(100, 160), np.float32)
    img += np.linspace(-30, 30, w, dtype=np.float32)[None, :]
    if not busy:
        return img
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for _ in range(4):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.rectangle(img, (x, y), (x + int(rng.integers(20, w // 2)), y + int(rng.integers(20, h // 2))),
                      float(rng.uniform(20, 230)), -1)
    for k in range(3):
        mask = np.zeros((h, w), np.uint8)
        cx, cy = int(rng.integers(0, w)), int(rng.integers(h // 4, h))
        cv2.ellipse(mask, (cx, cy), (w // 8, h // 3), 0, 0, 360, 255, -1)
        period = float(rng.uniform(3, 24))
        ang = float(rng.uniform(0, np.pi))
        if k % 2 == 0:
            cloth = np.sin((xx * np.cos(ang) + yy * np.sin(ang)) * 2 * np.pi / period) > 0
        else:
            cloth = ((xx // period).astype(int) + (yy // period).astype(int)) % 2 == 0
        img = np.where(mask > 0, np.where(cloth, 40.0, 200.0), img).astype(np.float32)
    for _ in range(3):
        cv2.putText(img, "EXIT 12 ROOM B", (int(rng.integers(0, w // 2)), int(rng.integers(20, h))),
                    cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.4, 1.5)), 20.0, 2)
    return img


def place_code(img, payload, module, rotate, rng):
    """Pastes the code (4-module quiet zone, dark ink on light paper), rotated, at the centre."""
    h, w = img.shape
    matrix = np.array([list(r) for r in segno.make(payload, error="m", micro=False)
                       .matrix_iter(scale=1, border=4)], np.float32)
    side = matrix.shape[0] * module
    card = cv2.resize(1.0 - matrix, (side, side), interpolation=cv2.INTER_NEAREST)
    card = 30.0 + card * 190.0
    m = cv2.getRotationMatrix2D((side / 2, side / 2), rotate, 1.0)
    m[0, 2] += w / 2 - side / 2 + float(rng.uniform(-5, 5))
    m[1, 2] += h / 2 - side / 2 + float(rng.uniform(-5, 5))
    warped = cv2.warpAffine(card, m, (w, h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpAffine(np.ones_like(card), m, (w, h), flags=cv2.INTER_LINEAR)
    return img * (1 - mask) + warped * mask


def main():
    """One frame from the command line, or with --batch FILE one frame per line of FILE (the
    same arguments), which saves the start-up of Python and OpenCV per frame."""
    if len(sys.argv) == 3 and sys.argv[1] == "--batch":
        with open(sys.argv[2], encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    draw(parser().parse_args(line.split()))
        return 0
    draw(parser().parse_args())
    return 0


def parser():
    """The command line of one frame."""
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("size")
    ap.add_argument("module", type=int)
    ap.add_argument("payload")
    ap.add_argument("--rotate", type=float, default=0)
    ap.add_argument("--blur", type=float, default=0)
    ap.add_argument("--noise", type=float, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--busy", action="store_true")
    return ap


def draw(a):
    """Draws the frame the parsed arguments a describe."""
    w, h = (int(v) for v in a.size.split("x"))
    rng = np.random.default_rng(a.seed)
    img = background(rng, w, h, a.busy)
    if a.module > 0:
        img = place_code(img, a.payload, a.module, a.rotate, rng)
    if a.blur > 0:
        img = cv2.GaussianBlur(img, (0, 0), a.blur)
    if a.noise > 0:
        img = img + rng.normal(0, a.noise, img.shape)
    img = np.clip(img + 0.5, 0, 255).astype(np.uint8)
    with open(a.out, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w, h))
        f.write(img.tobytes())


if __name__ == "__main__":
    sys.exit(main())
