#!/usr/bin/env python3
"""Draw Lakescope's app icon (a lens over water on a blue tile) into icons/*.png.

Standard library only, so anyone can regenerate the committed icons without installing an image
library: every shape is a signed distance field, and a pixel's coverage is its distance to the edge
(analytic anti-aliasing), so each size is drawn directly rather than downscaled and stays crisp at 32 px.

    python3 scripts/make-icons.py            # writes icons/{32x32,128x128,128x128@2x,icon}.png
"""

import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "icons")
SIZES = {"32x32.png": 32, "64x64.png": 64, "128x128.png": 128, "128x128@2x.png": 256, "icon.png": 512}

TOP = (37, 99, 235)      # the charts' first series colour
BOTTOM = (14, 116, 144)  # deep teal: water
WHITE = (255, 255, 255)
WAVE = (165, 243, 252)


def clamp(x, lo=0.0, hi=1.0):
    return lo if x < lo else hi if x > hi else x


def coverage(sdf, px):
    """Fraction of a pixel of size `px` (in unit coordinates) inside the shape."""
    return clamp(0.5 - sdf / px)


def rounded_rect(x, y, half, radius):
    qx, qy = abs(x) - half + radius, abs(y) - half + radius
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def ring(x, y, cx, cy, r, width):
    return abs(math.hypot(x - cx, y - cy) - r) - width / 2


def capsule(x, y, ax, ay, bx, by, width):
    px, py, dx, dy = x - ax, y - ay, bx - ax, by - ay
    t = clamp((px * dx + py * dy) / (dx * dx + dy * dy))
    return math.hypot(px - dx * t, py - dy * t) - width / 2


def wave(x, y, y0, amp, k, width):
    f = y - (y0 + amp * math.sin(k * x))
    slope = amp * k * math.cos(k * x)
    return abs(f) / math.sqrt(1 + slope * slope) - width / 2


def over(dst, color, alpha):
    return tuple(d + (c - d) * alpha for d, c in zip(dst, color))


def pixel(u, v, px):
    """Colour and alpha at unit coordinates (u, v) in [-1, 1], y down."""
    tile = coverage(rounded_rect(u, v, 0.92, 0.36), px)
    if tile <= 0:
        return (0, 0, 0), 0.0
    t = clamp((v + 0.92) / 1.84)
    rgb = tuple(a + (b - a) * t for a, b in zip(TOP, BOTTOM))
    cx, cy, r = -0.12, -0.12, 0.46
    inside_lens = coverage(math.hypot(u - cx, v - cy) - (r - 0.05), px)
    for i, y0 in enumerate((-0.22, -0.02, 0.18)):
        w = wave(u, v, y0 + cy + 0.08, 0.06, 9.0, 0.075)
        rgb = over(rgb, WAVE, coverage(w, px) * inside_lens * (1.0 - 0.2 * i))
    rgb = over(rgb, WHITE, coverage(ring(u, v, cx, cy, r, 0.13), px))
    handle = capsule(u, v, cx + r * 0.74, cy + r * 0.74, 0.62, 0.62, 0.17)
    rgb = over(rgb, WHITE, coverage(handle, px))
    return rgb, tile


def render(size):
    px = 2.0 / size
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter type: none
        v = -1 + (j + 0.5) * px
        for i in range(size):
            u = -1 + (i + 0.5) * px
            rgb, a = pixel(u, v, px)
            row += bytes(int(round(c)) for c in rgb) + bytes([int(round(a * 255))])
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(w, h, raw):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, size in SIZES.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(render(size))
        print(os.path.normpath(os.path.join(OUT, name)))


if __name__ == "__main__":
    main()
