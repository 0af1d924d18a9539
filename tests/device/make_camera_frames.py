#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Draws the frames tests/device/test_camera_v4l2.c serves through the fake V4L2 camera, with
tools that share no code with Portier: the QR code by segno (not libqrencode), the colour
scene, the YUV conversions and the JPEG encoding by Pillow (its own libjpeg binding).

Usage: make_camera_frames.py OUTDIR PAYLOAD
Writes into OUTDIR, for a badge showing PAYLOAD on a coloured, textured scene:
  vga.grey vga.yuyv vga.uyvy vga.nv12 vga.nv21 vga.yu12 vga.yv12   640x480 raw frames, packed
  vga.mjpg (quality 75), hd.mjpg (1280x720, quality 60), fhd.mjpg (1920x1080, quality 85)
  vga-nodht.mjpg   vga.mjpg without its Huffman tables, as many UVC webcams send MJPEG
  empty.grey / empty.mjpg   the scene without the badge
  truncated.mjpg   the first 40 % of vga.mjpg; garbage.mjpg   an SOI marker and random bytes
  payload.txt      PAYLOAD
Deterministic (fixed seed)."""
import os
import random
import sys

import segno
from PIL import Image, ImageDraw, ImageFilter


def scene(width, height, rng):
    """A coloured scene: gradient wall, a few coloured boxes (a door, a poster), mild blur."""
    img = Image.new("RGB", (width, height))
    px = img.load()
    for y in range(height):
        for x in range(0, width, 4):
            c = (90 + x * 60 // width, 110 + y * 50 // height, 140 - x * 40 // width)
            for dx in range(4):
                if x + dx < width:
                    px[x + dx, y] = c
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(width // 8, width // 3), rng.randrange(height // 8, height // 2)
        colour = tuple(rng.randrange(40, 220) for _ in range(3))
        draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour)
    return img.filter(ImageFilter.GaussianBlur(1.2))


def with_badge(img, payload, module_px):
    """Pastes a white card with the QR code of payload (quiet zone 4) at the centre."""
    qr = segno.make(payload, error="m", micro=False)
    side = qr.symbol_size(scale=module_px, border=4)[0]
    code = Image.new("RGB", (side, side), "white")
    draw = ImageDraw.Draw(code)
    for r, row in enumerate(qr.matrix_iter(scale=module_px, border=4)):
        for c, dark in enumerate(row):
            if dark:
                draw.point((c, r), fill=(20, 20, 30))
    out = img.copy()
    out.paste(code, ((img.width - side) // 2, (img.height - side) // 2))
    return out


def planes(img):
    """Y, U, V planes (full-range BT.601, as JPEG): Y full size, U and V halved 2x2."""
    y, u, v = img.convert("YCbCr").split()
    half = (img.width // 2, img.height // 2)
    return y.tobytes(), u.resize(half, Image.BOX).tobytes(), v.resize(half, Image.BOX).tobytes()


def interleave(a, b):
    out = bytearray(len(a) * 2)
    out[0::2] = a
    out[1::2] = b
    return bytes(out)


def packed_422(img, y_first):
    """YUYV (y_first) or UYVY: chroma halved horizontally only."""
    y, u, v = img.convert("YCbCr").split()
    half = (img.width // 2, img.height)
    u = u.resize(half, Image.BOX).tobytes()
    v = v.resize(half, Image.BOX).tobytes()
    yb = y.tobytes()
    chroma = interleave(u, v)  # U V U V ...
    return interleave(yb, chroma) if y_first else interleave(chroma, yb)


def jpeg(img, path, quality):
    img.save(path, "JPEG", quality=quality, subsampling=2, optimize=False)


def strip_dht(data):
    """Removes the DHT (0xFFC4) segments of a baseline JPEG, as UVC MJPEG frames come."""
    out, i = bytearray(data[:2]), 2
    while i < len(data):
        if data[i] != 0xFF:
            raise ValueError("not a marker")
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data
            out += data[i:]
            break
        length = (data[i + 2] << 8) | data[i + 3]
        if marker != 0xC4:
            out += data[i:i + 2 + length]
        i += 2 + length
    return bytes(out)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    outdir, payload = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(13)
    vga_scene = scene(640, 480, rng)
    vga = with_badge(vga_scene, payload, 6)
    y, u, v = planes(vga)
    write(os.path.join(outdir, "vga.grey"), y)
    write(os.path.join(outdir, "empty.grey"), planes(vga_scene)[0])
    write(os.path.join(outdir, "vga.yuyv"), packed_422(vga, True))
    write(os.path.join(outdir, "vga.uyvy"), packed_422(vga, False))
    write(os.path.join(outdir, "vga.nv12"), y + interleave(u, v))
    write(os.path.join(outdir, "vga.nv21"), y + interleave(v, u))
    write(os.path.join(outdir, "vga.yu12"), y + u + v)
    write(os.path.join(outdir, "vga.yv12"), y + v + u)
    jpeg(vga, os.path.join(outdir, "vga.mjpg"), 75)
    jpeg(vga_scene, os.path.join(outdir, "empty.mjpg"), 75)
    jpeg(with_badge(scene(1280, 720, rng), payload, 10), os.path.join(outdir, "hd.mjpg"), 60)
    jpeg(with_badge(scene(1920, 1080, rng), payload, 12), os.path.join(outdir, "fhd.mjpg"), 85)
    with open(os.path.join(outdir, "vga.mjpg"), "rb") as f:
        good = f.read()
    write(os.path.join(outdir, "vga-nodht.mjpg"), strip_dht(good))
    write(os.path.join(outdir, "truncated.mjpg"), good[:len(good) * 4 // 10])
    write(os.path.join(outdir, "garbage.mjpg"),
          b"\xff\xd8" + bytes(rng.randrange(256) for _ in range(5000)))
    write(os.path.join(outdir, "payload.txt"), payload.encode())


if __name__ == "__main__":
    main()
