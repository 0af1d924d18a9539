#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Independent decode test set (issue 13): door-camera frames of Portier-like badges, drawn
by encoders that share no code with the product (segno, python3-qrcode; never libqrencode).

    bench/frames/gen_frames.py OUT_DIR [--seed N] [--res 640x480,1280x720,1920x1080]
                               [--reps N] [--door-minute] [--door-seconds S]

Writes one set per resolution: binary PGMs (grey, what the kiosk's decoder sees) in
OUT_DIR/WxH/ and OUT_DIR/WxH/manifest.csv:
    file,resolution,module_px,class,expected,seq,index,scene
  file       PGM file name (in the manifest's directory)
  module_px  module size at the code's centre in pixels (0: no code in the frame)
  class      degradation class (see CLASSES; idle/busy: frames without a code)
  expected   the payload the frame carries, empty when it carries none
  seq,index  frames of one sequence (a badge held in view for 3 frames with small jitter and
             new noise; 10 frames for idle/busy) share seq; index counts from 0
  scene      PGM of the sequence's empty scene (what the camera saw before someone stepped up:
             the reference of a change-gated pipeline), in the manifest's directory
The door minute (--door-minute) goes to OUT_DIR/door/ with its own manifest.csv (same columns;
class door-idle, door-passing, door-approach, door-hold or door-leave; seq = the badge event
number, or -1 between badges; expected is set while the whole code is in the frame).
Payloads: 120 characters of base32 (Portier's token text: TOKEN_TEXT_LEN, alphanumeric QR mode,
version 5 at ECC level M), random with the fixed seed.
"""
import argparse
import csv
import math
import os
import re
import sys

import cv2
import numpy as np
import qrcode
import segno

B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
TOKEN_LEN = 120
MODULES = (2, 3, 4, 5, 8)
CLASSES = ("clean", "rotate", "tilt", "defocus", "motion", "noise", "lowlight", "uneven",
           "glare", "jpeg", "phone", "passing", "mixed")
SRC_PX = 8  # source pixels per module of the drawn card, before the camera's projection
SEQ_LEN = 3
NOCODE_SEQ_LEN = 10


# ---------------------------------------------------------------- codes

def grid_axes(w, h):
    """Row and column coordinates as broadcastable (h,1) and (1,w) arrays."""
    return (np.arange(h, dtype=np.float32)[:, None], np.arange(w, dtype=np.float32)[None, :])


def random_payload(rng):
    return "".join(B32[i] for i in rng.integers(0, 32, TOKEN_LEN))


def qr_matrix(payload, use_qrcode):
    """The code's modules (1 = dark) without quiet zone, from segno or python3-qrcode."""
    if use_qrcode:
        q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        q.add_data(payload)
        q.make(fit=True)
        return np.array(q.get_matrix(), dtype=np.uint8)
    q = segno.make(payload, error="m", micro=False, boost_error=False)
    return np.array([list(row) for row in q.matrix_iter(scale=1, border=0)], dtype=np.uint8)


def card_image(matrix, rng, phone):
    """The badge in reflectance (0..1) at SRC_PX per module, in card coordinates: the code at
    (0,0)..(n,n) modules with a 4-module quiet zone, name lines below. Phone: a screen with its
    pixel grid, inside a bezel."""
    n = matrix.shape[0]
    if phone:
        return phone_image(matrix, rng)
    top, side, bottom = 4, 4, 14
    h, w = (n + top + bottom) * SRC_PX, (n + 2 * side) * SRC_PX
    paper = rng.uniform(0.78, 0.92)
    ink = rng.uniform(0.04, 0.12)
    card = np.full((h, w), paper, np.float32)
    code = np.kron(matrix, np.ones((SRC_PX, SRC_PX), np.float32))
    y0, x0 = top * SRC_PX, side * SRC_PX
    card[y0:y0 + n * SRC_PX, x0:x0 + n * SRC_PX] = np.where(code > 0, ink, paper)
    # Name and organisation: dark bars standing for text, and a coloured stripe at the bottom.
    for i in range(2):
        ty = y0 + (n + 2 + 4 * i) * SRC_PX
        tw = int(rng.uniform(0.4, 0.9) * (w - 2 * x0))
        card[ty:ty + 2 * SRC_PX, x0:x0 + tw] = rng.uniform(0.15, 0.35)
    card[h - 3 * SRC_PX:, :] = rng.uniform(0.2, 0.6)
    origin = (side, top)  # code's top-left corner in card modules
    return card, origin


def phone_image(matrix, rng):
    """A phone showing the badge: emissive screen (bright white, black lifted by the backlight)
    with a visible sub-pixel grid, black bezel around it."""
    n = matrix.shape[0]
    margin, bezel = 3, 3
    sw = n + 2 * margin
    sh = int(sw * 1.9)
    h, w = (sh + 2 * bezel) * SRC_PX, (sw + 2 * bezel) * SRC_PX
    img = np.full((h, w), rng.uniform(0.02, 0.06), np.float32)  # bezel and body
    white, black = rng.uniform(1.1, 1.5), rng.uniform(0.06, 0.15)
    scr = np.full((sh * SRC_PX, sw * SRC_PX), white, np.float32)
    top = int(sh * rng.uniform(0.15, 0.3))
    code = np.kron(matrix, np.ones((SRC_PX, SRC_PX), np.float32))
    y0, x0 = top * SRC_PX, margin * SRC_PX
    scr[y0:y0 + n * SRC_PX, x0:x0 + n * SRC_PX] = np.where(code > 0, black, white)
    scr[:2 * SRC_PX, :] = white * 0.5  # status bar
    # Pixel grid: dark gaps between the screen's pixels, a pitch incommensurate with the code.
    pitch = rng.uniform(1.6, 3.2)
    yy, xx = grid_axes(scr.shape[1], scr.shape[0])
    grid = ((np.mod(yy, pitch) < pitch * 0.75) & (np.mod(xx, pitch) < pitch * 0.75))
    scr *= np.where(grid, 1.0, rng.uniform(0.35, 0.6)).astype(np.float32)
    b = bezel * SRC_PX
    img[b:b + scr.shape[0], b:b + scr.shape[1]] = scr
    origin = (bezel + margin, bezel + top)
    return img, origin


# ---------------------------------------------------------------- scene

def scene_image(rng, w, h):
    """An entrance seen by the kiosk's camera: walls, a door frame, posters, floor; reflectance."""
    yy, xx = grid_axes(w, h)
    a, b = rng.uniform(0.25, 0.6), rng.uniform(-0.15, 0.15)
    img = a + b * (xx / w) + rng.uniform(-0.1, 0.1) * (yy / h)
    floor = int(h * rng.uniform(0.7, 0.85))
    img[floor:, :] = rng.uniform(0.15, 0.45)
    for _ in range(rng.integers(3, 7)):  # door frames, posters, furniture
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        rw, rh = rng.integers(w // 20, w // 3), rng.integers(h // 20, h // 2)
        img[y0:y0 + rh, x0:x0 + rw] = rng.uniform(0.05, 0.85)
    tex = cv2.GaussianBlur(rng.standard_normal((h, w), dtype=np.float32), (0, 0), 3)
    img = img + 0.04 * tex
    return cv2.GaussianBlur(img.astype(np.float32), (0, 0), 1.2)


def person_layer(rng, w, h, x, scale, tex_kind):
    """A passer-by at horizontal position x: head and torso with clothing texture. Returns
    (reflectance, alpha)."""
    yy, xx = grid_axes(w, h)
    s = h * scale
    head_y = h * 0.25
    head = ((xx - x) / (0.11 * s)) ** 2 + ((yy - head_y) / (0.14 * s)) ** 2 < 1
    torso = (np.abs(xx - x) < 0.28 * s) & (yy > head_y + 0.12 * s)
    alpha = (head | torso).astype(np.float32)
    base = rng.uniform(0.05, 0.6)
    if tex_kind == 0:  # stripes
        period = rng.uniform(4, 30)
        tex = base + 0.25 * (np.sin((yy + xx * rng.uniform(-0.5, 0.5)) * 2 * math.pi / period) > 0)
    elif tex_kind == 1:  # checks
        p = rng.uniform(5, 25)
        tex = base + 0.3 * ((np.floor(xx / p) + np.floor(yy / p)) % 2)
    else:  # plain cloth with folds
        tex = base + 0.1 * cv2.GaussianBlur(rng.standard_normal((h, w), dtype=np.float32), (0, 0), 6)
    refl = np.where(head, rng.uniform(0.3, 0.6), tex).astype(np.float32)
    return refl, cv2.GaussianBlur(alpha, (0, 0), 1.0)


class Passers:
    """People walking past, behind whoever holds the badge: new positions each frame."""

    def __init__(self, rng, w, h, count):
        self.w, self.h = w, h
        self.people = []
        for _ in range(count):
            self.people.append({
                "x": rng.uniform(-0.2, 1.2) * w,
                "v": rng.choice((-1, 1)) * rng.uniform(0.02, 0.08) * w,
                "scale": rng.uniform(0.7, 1.4),
                "tex": int(rng.integers(0, 3)),
                "seed": int(rng.integers(0, 2 ** 31)),
            })

    def draw(self, img):
        for p in self.people:
            prng = np.random.default_rng(p["seed"])
            refl, alpha = person_layer(prng, self.w, self.h, p["x"], p["scale"], p["tex"])
            blur = max(1, int(abs(p["v"]) * 0.3))
            refl = cv2.blur(refl, (blur, 1))
            alpha = cv2.blur(alpha, (blur, 1))
            img = img * (1 - alpha) + refl * alpha
        return img

    def step(self):
        for p in self.people:
            p["x"] += p["v"]
            if p["x"] < -0.3 * self.w or p["x"] > 1.3 * self.w:
                p["v"] = -p["v"]


# ---------------------------------------------------------------- geometry

def code_homography(w, h, n, m, rot_deg, tilt, centre, card_origin):
    """Maps card pixels (SRC_PX per module) into the frame: the code of n modules, rotated by
    rot_deg, tilted by tilt=(ax, ay) radians and seen by a pinhole camera, has modules of m
    pixels at its centre, centred at `centre`."""
    ox, oy = card_origin
    half = n / 2.0
    corners = np.array([[-half, -half, 0], [half, -half, 0], [half, half, 0], [-half, half, 0]],
                       np.float64)
    ax, ay = tilt
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    r = math.radians(rot_deg)
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    f = float(w)  # focal length in pixels (a ~53 degree horizontal field of view)
    dist = f / m  # distance in modules at which a module is m pixels wide at the centre
    p3 = corners @ (rx @ ry @ rz).T
    z = p3[:, 2] + dist
    img_pts = np.stack([f * p3[:, 0] / z + centre[0], f * p3[:, 1] / z + centre[1]], axis=1)
    src = np.array([[ox, oy], [ox + n, oy], [ox + n, oy + n], [ox, oy + n]], np.float64) * SRC_PX
    return cv2.getPerspectiveTransform(src.astype(np.float32), img_pts.astype(np.float32)), img_pts


def place_code(rng, w, h, n, m, rot_deg, tilt, card_origin):
    """Chooses a centre where the whole code (plus one module) is inside the frame; shrinks the
    tilt and rotation when it cannot fit. Returns (homography, centre, rot, tilt)."""
    for attempt in range(12):
        H, pts = code_homography(w, h, n, m, rot_deg, tilt, (0.0, 0.0), card_origin)
        lo, hi = pts.min(axis=0) - m, pts.max(axis=0) + m
        span = hi - lo
        if span[0] < w and span[1] < h:
            cx = rng.uniform(-lo[0], w - hi[0])
            cy = rng.uniform(-lo[1], h - hi[1])
            H, _ = code_homography(w, h, n, m, rot_deg, tilt, (cx, cy), card_origin)
            return H, (cx, cy), rot_deg, tilt
        rot_deg *= 0.6
        tilt = (tilt[0] * 0.6, tilt[1] * 0.6)
    raise ValueError(f"a code of {n} modules at {m} px does not fit a {w}x{h} frame")


# ---------------------------------------------------------------- camera

def disc_kernel(radius):
    r = max(radius, 0.5)
    size = int(math.ceil(r)) * 2 + 1
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) - size // 2
    k = (xx * xx + yy * yy <= r * r).astype(np.float32)
    return k / k.sum()


def motion_kernel(length, angle_deg):
    size = int(math.ceil(length)) | 1
    k = np.zeros((size, size), np.float32)
    c = size // 2
    dx, dy = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    for t in np.linspace(-length / 2, length / 2, max(2, int(length * 3))):
        k[int(round(c + t * dy)), int(round(c + t * dx))] = 1
    return k / k.sum()


def illumination(rng, w, h, level, uneven):
    """Light falling on the scene, in grey levels for reflectance 1: a level, a vignette, and for
    uneven light a strong gradient and a soft shadow."""
    yy, xx = grid_axes(w, h)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    field = 1 - 0.15 * r2
    if uneven:
        ang = rng.uniform(0, 2 * math.pi)
        g = (math.cos(ang) * (xx / w - 0.5) + math.sin(ang) * (yy / h - 0.5))
        field = field * (1 + rng.uniform(0.8, 1.4) * g).clip(0.15, None)
        sx = rng.uniform(0.2, 0.8) * w
        shadow = 1 / (1 + np.exp(-(xx - sx) / (0.02 * w)))
        field = field * (1 - rng.uniform(0.3, 0.6) * shadow)
    return (level * field).astype(np.float32)


def sequence_params(rng, cls, m):
    """What stays the same during one sequence: a dict of the class's degradations."""
    p = {"rot": rng.normal(0, 6), "tilt": (rng.uniform(-0.14, 0.14), rng.uniform(-0.14, 0.14)),
         "defocus": 0.0, "motion": 0.0, "read_noise": rng.uniform(1.5, 3), "shot": 0.05,
         "level": rng.uniform(170, 235), "uneven": False, "glare": False, "jpeg": 0,
         "passers": 0, "phone": cls == "phone", "qrcode": bool(rng.random() < 0.3),
         "optics": rng.uniform(0.45, 0.7)}
    if cls == "rotate":
        p["rot"] = rng.uniform(15, 345)
    elif cls == "tilt":
        p["tilt"] = tuple(rng.choice((-1, 1)) * rng.uniform(0.25, 0.6) for _ in range(2))
    elif cls == "defocus":
        p["defocus"] = m * rng.uniform(0.3, 0.6)
    elif cls == "motion":
        p["motion"] = m * rng.uniform(0.5, 1.2)
    elif cls == "noise":
        p["read_noise"], p["shot"] = rng.uniform(6, 14), 0.3
    elif cls == "lowlight":
        p["level"], p["read_noise"], p["shot"] = rng.uniform(35, 75), rng.uniform(3, 6), 0.4
    elif cls == "uneven":
        p["uneven"] = True
    elif cls == "glare":
        p["glare"] = True
    elif cls == "jpeg":
        p["jpeg"] = int(rng.integers(50, 86))
    elif cls == "passing":
        p["passers"] = int(rng.integers(2, 5))
    elif cls == "mixed":  # a little of everything, as a real door camera gives
        p.update(rot=rng.uniform(0, 360), defocus=m * rng.uniform(0.1, 0.3),
                 motion=m * rng.uniform(0.1, 0.4), read_noise=rng.uniform(3, 6), shot=0.15,
                 level=rng.uniform(90, 200), uneven=bool(rng.random() < 0.5),
                 jpeg=int(rng.integers(50, 86)), passers=int(rng.integers(0, 2)),
                 tilt=(rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)))
    p["motion_angle"] = rng.uniform(0, 180)
    return p


def expose(rng, refl_bg, light, layers, p, glare_at=None):
    """The camera's picture: scene reflectance times light, with layers [(refl, alpha,
    emissive)] composited on top, glare, optics blur, defocus, sensor noise, 8-bit, JPEG."""
    img = refl_bg * light
    for refl, alpha, emissive in layers:
        lit = refl * (np.maximum(light, 200.0) if emissive else light)
        img = img * (1 - alpha) + lit * alpha
    if glare_at is not None:
        (gx, gy), (rx, ry), strength = glare_at
        h, w = img.shape
        yy, xx = grid_axes(w, h)
        img = img + strength * np.exp(-(((xx - gx) / rx) ** 2 + ((yy - gy) / ry) ** 2))
    img = cv2.GaussianBlur(img, (0, 0), p["optics"])
    if p["defocus"] > 0:
        img = cv2.filter2D(img, -1, disc_kernel(p["defocus"]))
    sigma = cv2.sqrt(p["read_noise"] ** 2 + p["shot"] * cv2.max(img, 0.0))
    img = img + rng.standard_normal(img.shape, dtype=np.float32) * sigma
    out = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    if p["jpeg"]:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, p["jpeg"]])
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out


def warp_card(card, H, w, h, m, p):
    """The card as seen by the camera: (reflectance, alpha) layers of the frame, anti-aliased
    for the downscale and motion-blurred when the badge moves."""
    k = SRC_PX / m
    src = card
    if k > 1:  # a phone's pixel grid is finer than the optics resolve: it aliases (moire)
        src = cv2.GaussianBlur(card, (0, 0), (0.2 if p["phone"] else 0.45) * k)
    refl = cv2.warpPerspective(src, H, (w, h), flags=cv2.INTER_LINEAR)
    alpha = cv2.warpPerspective(np.ones_like(card), H, (w, h), flags=cv2.INTER_LINEAR)
    if p["motion"] > 0:
        ker = motion_kernel(p["motion"], p["motion_angle"])
        refl = cv2.filter2D(refl * alpha, -1, ker)
        alpha = cv2.filter2D(alpha, -1, ker)
        refl = np.where(alpha > 1e-3, refl / np.maximum(alpha, 1e-3), 0).astype(np.float32)
    return refl, alpha


def jitter(rng, H, m):
    """A hand holding a badge still: a fraction of a module of shift and a little turn."""
    c = cv2.perspectiveTransform(np.array([[[0.0, 0.0]]], np.float32), H)[0, 0]
    a = math.radians(rng.normal(0, 0.4))
    t = rng.normal(0, 0.3 * m, 2)
    R = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    T1 = np.array([[1, 0, -c[0]], [0, 1, -c[1]], [0, 0, 1]])
    T2 = np.array([[1, 0, c[0] + t[0]], [0, 1, c[1] + t[1]], [0, 0, 1]])
    return T2 @ R @ T1 @ H


# ---------------------------------------------------------------- sets

def write_pgm(path, img):
    with open(path + ".tmp", "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (img.shape[1], img.shape[0]))
        f.write(np.ascontiguousarray(img).tobytes())
    os.replace(path + ".tmp", path)


class Writer:
    """Frames and manifest rows of one set (frames go to OUT/<subdir>/)."""

    def __init__(self, out, subdir):
        self.out, self.subdir = out, subdir
        os.makedirs(os.path.join(out, subdir), exist_ok=True)
        self.rows = []

    def frame(self, name, img, res, m, cls, expected, seq, index, scene):
        rel = name + ".pgm"
        write_pgm(os.path.join(self.out, self.subdir, rel), img)
        self.rows.append([rel, res, m, cls, expected, seq, index, scene])
        return rel

    def scene(self, name, img):
        rel = name + ".pgm"
        write_pgm(os.path.join(self.out, self.subdir, rel), img)
        return rel

    def manifest(self):
        path = os.path.join(self.out, self.subdir, "manifest.csv")
        with open(path + ".tmp", "w", newline="") as f:
            wr = csv.writer(f)
            wr.writerow(["file", "resolution", "module_px", "class", "expected", "seq", "index",
                         "scene"])
            wr.writerows(self.rows)
        os.replace(path + ".tmp", path)


def holder_layer(rng, w, h, cx, m):
    """The torso of the person holding the badge, behind it."""
    refl, alpha = person_layer(rng, w, h, cx, rng.uniform(1.2, 1.8), int(rng.integers(0, 3)))
    return refl, alpha, False


def badge_sequence(rng, wr, res, w, h, m, cls, seq):
    """SEQ_LEN frames of one badge held in view, degraded as `cls` says."""
    p = sequence_params(rng, cls, m)
    payload = random_payload(rng)
    matrix = qr_matrix(payload, p["qrcode"])
    n = matrix.shape[0]
    card, origin = card_image(matrix, rng, p["phone"])
    H, centre, _, _ = place_code(rng, w, h, n, m, p["rot"], p["tilt"], origin)
    refl_bg = scene_image(rng, w, h)
    light = illumination(rng, w, h, p["level"], p["uneven"])
    scene = wr.scene(f"s{seq:05d}_scene", expose(rng, refl_bg, light, [], p))
    holder = holder_layer(rng, w, h, centre[0], m) if not p["phone"] or rng.random() < 0.5 \
        else None
    passers = Passers(rng, w, h, p["passers"]) if p["passers"] else None
    glare = None
    if p["glare"]:
        g = (centre[0] + rng.normal(0, 6 * m), centre[1] + rng.normal(0, 6 * m))
        glare = (g, (rng.uniform(3, 9) * m, rng.uniform(3, 9) * m), rng.uniform(150, 300))
    cls_name = cls
    for i in range(SEQ_LEN):
        Hi = H if i == 0 else jitter(rng, H, m)
        bg = passers.draw(refl_bg) if passers else refl_bg
        layers = [holder] if holder else []
        refl, alpha = warp_card(card, Hi, w, h, m, p)
        layers.append((refl, alpha, p["phone"]))
        img = expose(rng, bg, light, layers, p, glare)
        wr.frame(f"s{seq:05d}_{i}", img, res, m, cls_name, payload, seq, i, scene)
        if passers:
            passers.step()


def nocode_sequence(rng, wr, res, w, h, cls, seq):
    """NOCODE_SEQ_LEN frames without a code: the still empty scene (idle: only the sensor noise
    changes) or people walking past (busy)."""
    p = sequence_params(rng, "clean", 4)
    refl_bg = scene_image(rng, w, h)
    light = illumination(rng, w, h, p["level"], bool(rng.random() < 0.3))
    scene = wr.scene(f"s{seq:05d}_scene", expose(rng, refl_bg, light, [], p))
    passers = Passers(rng, w, h, int(rng.integers(1, 4))) if cls == "busy" else None
    for i in range(NOCODE_SEQ_LEN):
        bg = passers.draw(refl_bg) if passers else refl_bg
        wr.frame(f"s{seq:05d}_{i}", expose(rng, bg, light, [], p), res, 0, cls, "", seq, i,
                 scene)
        if passers:
            passers.step()


def resolution_set(out, res, reps, seed, nocode_seqs):
    """Every module size x class, reps sequences each, plus idle and busy sequences."""
    w, h = (int(v) for v in res.split("x"))
    rng = np.random.default_rng([seed, w, h])
    wr = Writer(out, res)
    seq = 0
    for m in MODULES:
        for cls in CLASSES:
            for _ in range(reps):
                badge_sequence(rng, wr, res, w, h, m, cls, seq)
                seq += 1
    for cls in ("idle", "busy"):
        for _ in range(nocode_seqs):
            nocode_sequence(rng, wr, res, w, h, cls, seq)
            seq += 1
    wr.manifest()
    return len(wr.rows)


def door_events(rng, frames, fps):
    """When badges are shown and people walk past during the door minute (frame numbers)."""
    badges, t = [], int(rng.uniform(1.5, 3) * fps)
    while t + 2 * fps < frames:
        badges.append(t)
        t += int(rng.uniform(5, 9) * fps)
    passers, t = [], int(rng.uniform(0, 4) * fps)
    while t < frames:
        passers.append(t)
        t += int(rng.uniform(4, 10) * fps)
    return badges, passers


def door_badge_state(rng, w, h, m):
    """One badge event: its payload, card and held pose."""
    payload = random_payload(rng)
    matrix = qr_matrix(payload, bool(rng.random() < 0.3))
    card, origin = card_image(matrix, rng, False)
    H, centre, _, _ = place_code(rng, w, h, matrix.shape[0], m, rng.normal(0, 10),
                                 (rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2)), origin)
    return {"payload": payload, "card": card, "H": H, "centre": centre, "n": matrix.shape[0],
            "origin": origin, "from": (rng.choice((-1, 1)) * w * 0.35, h * 0.3),
            "seed": int(rng.integers(0, 2 ** 31))}


def door_card_pose(ev, k, approach, hold, leave):
    """(homography, shift per frame, phase) of a badge k frames after it started to come."""
    if k < approach:
        s = 1 - (k + 1) / approach
        step = np.array(ev["from"]) / approach
    elif k < approach + hold:
        s, step = 0.0, np.zeros(2)
    else:
        s = (k - approach - hold + 1) / leave
        step = np.array((0, ev["from"][1])) / leave
    d = np.array(ev["from"]) * s if k < approach else np.array((0, ev["from"][1])) * s
    T = np.array([[1, 0, d[0]], [0, 1, d[1]], [0, 0, 1]])
    phase = "approach" if k < approach else "hold" if k < approach + hold else "leave"
    return T @ ev["H"], step, phase


def code_inside(H, ev, w, h):
    ox, oy = ev["origin"]
    n = ev["n"]
    src = np.array([[[ox, oy], [ox + n, oy], [ox + n, oy + n], [ox, oy + n]]], np.float32)
    pts = cv2.perspectiveTransform(src * SRC_PX, H)[0]
    return bool((pts.min(axis=0) >= 0).all() and (pts[:, 0].max() < w) and
                (pts[:, 1].max() < h))


def door_minute(out, seed, seconds, fps=30, res="640x480"):
    """A minute at the door: mostly the idle entrance, people walking past, a badge shown every
    few seconds (coming into view moving and blurred, held ~1 s, taken away)."""
    w, h = (int(v) for v in res.split("x"))
    rng = np.random.default_rng([seed, 60])
    wr = Writer(out, "door")
    frames = int(seconds * fps)
    p = sequence_params(rng, "clean", 4)
    p.update(level=190.0, read_noise=2.5, shot=0.05, optics=0.55, rot=0.0)
    refl_bg = scene_image(rng, w, h)
    light = illumination(rng, w, h, p["level"], False)
    scene = wr.scene("scene", expose(rng, refl_bg, light, [], p))
    badges, passer_starts = door_events(rng, frames, fps)
    approach, hold, leave = fps // 3, fps, fps // 4
    walkers, ev, ev_no = [], None, -1
    for f in range(frames):
        if f in passer_starts:
            pw = Passers(rng, w, h, 1)
            pw.people[0]["x"] = -0.25 * w if pw.people[0]["v"] > 0 else 1.25 * w
            pw.people[0]["v"] *= 0.4
            walkers.append(pw)
        walkers = [pw for pw in walkers if -0.3 * w <= pw.people[0]["x"] <= 1.3 * w]
        if f in badges:
            ev_no += 1
            ev = door_badge_state(rng, w, h, float(rng.uniform(3, 4.5)))
            ev["start"] = f
        bg = refl_bg
        for pw in walkers:
            bg = pw.draw(bg)
            pw.step()
        layers, cls, expected, seq = [], "door-idle" if not walkers else "door-passing", "", -1
        fp = dict(p)
        if ev is not None and f - ev["start"] >= approach + hold + leave:
            ev = None
        if ev is not None:
            k = f - ev["start"]
            H, step, phase = door_card_pose(ev, k, approach, hold, leave)
            if phase == "hold" and k > approach:
                H = jitter(rng, H, 1.0)
            fp["motion"] = float(np.hypot(*step)) * 0.5
            fp["motion_angle"] = math.degrees(math.atan2(step[1], step[0]))
            c = cv2.perspectiveTransform(np.array([[[0.0, 0.0]]], np.float32), H)[0, 0]
            hrng = np.random.default_rng(ev["seed"])
            refl, alpha = person_layer(hrng, w, h, c[0] + 40, 1.5, 1)
            layers.append((refl, alpha, False))
            layers.append((*warp_card(ev["card"], H, w, h, 4, fp), False))
            cls, seq = "door-" + phase, ev_no
            expected = ev["payload"] if code_inside(H, ev, w, h) else ""
        img = expose(rng, bg, light, layers, fp)
        wr.frame(f"f{f:05d}", img, res, 4 if expected else 0, cls, expected, seq, f, scene)
    wr.manifest()
    return len(wr.rows)


def main(argv):
    global MODULES, CLASSES
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="output directory (created; not part of the repository)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--res", default="640x480,1280x720,1920x1080")
    ap.add_argument("--reps", type=int, default=3, help="sequences per module size and class")
    ap.add_argument("--nocode", type=int, default=6, help="idle and busy sequences per resolution")
    ap.add_argument("--door-minute", action="store_true", help="also the door minute (640x480)")
    ap.add_argument("--door-seconds", type=float, default=60)
    ap.add_argument("--modules", default=",".join(str(m) for m in MODULES))
    ap.add_argument("--classes", default=",".join(CLASSES))
    args = ap.parse_args(argv)
    MODULES = tuple(int(v) for v in args.modules.split(","))
    CLASSES = tuple(args.classes.split(","))
    for c in CLASSES:
        if c not in ("clean", "rotate", "tilt", "defocus", "motion", "noise", "lowlight",
                     "uneven", "glare", "jpeg", "phone", "passing", "mixed"):
            sys.exit(f"gen_frames.py: --classes: unknown class '{c}'")
    os.makedirs(args.out, exist_ok=True)
    for res in args.res.split(",") if args.res else []:
        if not re.fullmatch(r"[1-9][0-9]*x[1-9][0-9]*", res):
            sys.exit(f"gen_frames.py: --res: '{res}' is not WIDTHxHEIGHT (e.g. 640x480)")
        n = resolution_set(args.out, res, args.reps, args.seed, args.nocode)
        print(f"gen_frames.py: {res}: {n} frames", file=sys.stderr)
    if args.door_minute:
        n = door_minute(args.out, args.seed, args.door_seconds)
        print(f"gen_frames.py: door minute: {n} frames", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
