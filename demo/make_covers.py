#!/usr/bin/env python3
"""Generate the abstract cover images used by Kindred's demo content.

Standard library only (zlib, struct, math, random with a fixed seed).
Every cover is 1200x630, RGB 8-bit (PNG colour type 2), built from flat
shapes so that it compresses well.  Shapes are drawn at twice the size and
averaged down, which gives soft edges without noisy pixels.

    python3 demo/make_covers.py            # writes demo/content/covers/*.png
"""

import math
import os
import random
import struct
import sys
import zlib

W, H = 1200, 630
S = 2  # supersampling factor
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "content", "covers")


def hexrgb(s):
    s = s.lstrip("#")
    return (int(s[0:2], 16), int(s[2:4], 16), int(s[4:6], 16))


def mix(a, b, t):
    a, b = hexrgb(a) if isinstance(a, str) else a, hexrgb(b) if isinstance(b, str) else b
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


class Canvas:
    """A supersampled RGB canvas; all public coordinates are in output pixels."""

    def __init__(self, background):
        bg = bytes(self._c(background))
        self.w, self.h = W * S, H * S
        self.rows = [bytearray(bg * self.w) for _ in range(self.h)]
        self._tables = {}

    @staticmethod
    def _c(color):
        return hexrgb(color) if isinstance(color, str) else tuple(color)

    def _span(self, y, x0, x1, color, alpha):
        if y < 0 or y >= self.h:
            return
        x0, x1 = max(0, x0), min(self.w, x1)
        if x1 <= x0:
            return
        row = self.rows[y]
        if alpha >= 1.0:
            row[x0 * 3 : x1 * 3] = bytes(color) * (x1 - x0)
            return
        key = (color, alpha)
        tables = self._tables.get(key)
        if tables is None:
            tables = [
                bytes(int(round(alpha * color[ch] + (1 - alpha) * v)) for v in range(256))
                for ch in range(3)
            ]
            self._tables[key] = tables
        for ch in range(3):
            sl = slice(x0 * 3 + ch, x1 * 3, 3)
            row[sl] = row[sl].translate(tables[ch])

    # -- shapes -----------------------------------------------------------

    def rect(self, x0, y0, x1, y1, color, alpha=1.0):
        c = self._c(color)
        ya, yb = int(round(y0 * S)), int(round(y1 * S))
        xa, xb = int(round(x0 * S)), int(round(x1 * S))
        for y in range(max(0, ya), min(self.h, yb)):
            self._span(y, xa, xb, c, alpha)

    def hbands(self, y0, y1, top, bottom, steps):
        """A vertical gradient quantised into `steps` flat horizontal bands."""
        for i in range(steps):
            t = i / max(1, steps - 1)
            a = y0 + (y1 - y0) * i / steps
            b = y0 + (y1 - y0) * (i + 1) / steps
            self.rect(0, a, W, b, mix(top, bottom, t))

    def polygon(self, contours, color, alpha=1.0):
        """Fill one or more closed contours with the even-odd rule."""
        c = self._c(color)
        if contours and isinstance(contours[0][0], (int, float)):
            contours = [contours]
        edges = []
        ymin, ymax = float("inf"), float("-inf")
        for pts in contours:
            n = len(pts)
            for i in range(n):
                xa, ya = pts[i][0] * S, pts[i][1] * S
                xb, yb = pts[(i + 1) % n][0] * S, pts[(i + 1) % n][1] * S
                if ya == yb:
                    continue
                if ya > yb:
                    xa, ya, xb, yb = xb, yb, xa, ya
                edges.append((ya, yb, xa, (xb - xa) / (yb - ya)))
                ymin, ymax = min(ymin, ya), max(ymax, yb)
        if not edges:
            return
        edges.sort()
        y_start = max(0, int(math.floor(ymin)))
        y_end = min(self.h, int(math.ceil(ymax)) + 1)
        for y in range(y_start, y_end):
            yc = y + 0.5
            xs = [xa + (yc - ya) * k for (ya, yb, xa, k) in edges if ya <= yc < yb]
            xs.sort()
            for i in range(0, len(xs) - 1, 2):
                self._span(y, int(math.ceil(xs[i] - 0.5)), int(math.ceil(xs[i + 1] - 0.5)), c, alpha)

    def circle(self, cx, cy, r, color, alpha=1.0):
        c = self._c(color)
        cx, cy, r = cx * S, cy * S, r * S
        for y in range(max(0, int(cy - r) - 1), min(self.h, int(cy + r) + 2)):
            dy = y + 0.5 - cy
            if abs(dy) > r:
                continue
            half = math.sqrt(r * r - dy * dy)
            self._span(y, int(math.ceil(cx - half - 0.5)), int(math.ceil(cx + half - 0.5)), c, alpha)

    def crescent(self, cx, cy, r, ox, oy, orad, color):
        """The part of circle (cx, cy, r) not covered by circle (ox, oy, orad)."""
        c = self._c(color)
        cx, cy, r, ox, oy, orad = (v * S for v in (cx, cy, r, ox, oy, orad))
        for y in range(max(0, int(cy - r) - 1), min(self.h, int(cy + r) + 2)):
            dy = y + 0.5 - cy
            if abs(dy) > r:
                continue
            half = math.sqrt(r * r - dy * dy)
            a, b = cx - half, cx + half
            spans = [(a, b)]
            dy2 = y + 0.5 - oy
            if abs(dy2) < orad:
                h2 = math.sqrt(orad * orad - dy2 * dy2)
                lo, hi = ox - h2, ox + h2
                spans = [(a, min(b, lo)), (max(a, hi), b)]
            for sa, sb in spans:
                if sb > sa:
                    self._span(y, int(math.ceil(sa - 0.5)), int(math.ceil(sb - 0.5)), c, 1.0)

    def ring(self, cx, cy, r_out, r_in, color, alpha=1.0):
        self.polygon([circle_pts(cx, cy, r_out), circle_pts(cx, cy, r_in)], color, alpha)

    def ellipse(self, cx, cy, rx, ry, angle_deg, color, alpha=1.0):
        self.polygon(ellipse_pts(cx, cy, rx, ry, angle_deg), color, alpha)

    # -- output -----------------------------------------------------------

    def downsampled_rows(self):
        out = []
        for y in range(H):
            r0, r1 = self.rows[2 * y], self.rows[2 * y + 1]
            row = bytearray(W * 3)
            for ch in range(3):
                a, b = r0[ch::6], r0[ch + 3 :: 6]
                c, d = r1[ch::6], r1[ch + 3 :: 6]
                row[ch::3] = bytes((p + q + s + t + 2) >> 2 for p, q, s, t in zip(a, b, c, d))
            out.append(bytes(row))
        return out


def circle_pts(cx, cy, r, n=None):
    n = n or max(48, int(r * 1.2))
    return [(cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)) for i in range(n)]


def ellipse_pts(cx, cy, rx, ry, angle_deg, n=96):
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x, y = rx * math.cos(t), ry * math.sin(t)
        pts.append((cx + x * ca - y * sa, cy + x * sa + y * ca))
    return pts


def leaf_pts(cx, cy, length, width, angle_deg, n=60):
    """A pointed leaf: two circular arcs meeting at both tips."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    pts = []
    for i in range(n):
        t = i / n
        x = -length / 2 + length * t
        y = -width / 2 * math.sin(math.pi * t)
        pts.append((x, y))
    for i in range(n):
        t = i / n
        x = length / 2 - length * t
        y = width / 2 * math.sin(math.pi * t)
        pts.append((x, y))
    return [(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in pts]


def arc_band_pts(cx, cy, r_out, r_in, a0, a1, n=120):
    """A thick arc (annulus sector) between angles a0 and a1 in degrees."""
    outer = [
        (cx + r_out * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
         cy + r_out * math.sin(math.radians(a0 + (a1 - a0) * i / n)))
        for i in range(n + 1)
    ]
    inner = [
        (cx + r_in * math.cos(math.radians(a1 - (a1 - a0) * i / n)),
         cy + r_in * math.sin(math.radians(a1 - (a1 - a0) * i / n)))
        for i in range(n + 1)
    ]
    return outer + inner


# -- PNG writing ------------------------------------------------------------


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def _filtered(rows, use_sub):
    raw = bytearray()
    prev = None
    for row in rows:
        if prev is not None and row == prev:
            raw += b"\x02" + bytes(len(row))  # Up filter: an identical row is all zeros
        elif use_sub:
            raw += b"\x01" + row[:3] + bytes((row[i] - row[i - 3]) & 255 for i in range(3, len(row)))
        else:
            raw += b"\x00" + row
        prev = row
    return zlib.compress(bytes(raw), 9)


def write_png(path, rows):
    idat = min((_filtered(rows, False), _filtered(rows, True)), key=len)
    header = struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))


# -- the covers -------------------------------------------------------------


def ls1e1():
    """Three overlapping translucent circles over a navy ground with a horizon."""
    c = Canvas("#1d2a4a")
    c.rect(0, 470, W, H, "#16213b")
    c.circle(470, 300, 210, "#f2994a", 0.85)
    c.circle(700, 270, 190, "#eb5757", 0.7)
    c.circle(600, 420, 170, "#f2c94c", 0.65)
    c.rect(0, 468, W, 474, "#f2c94c", 0.5)
    return c


def ls1e2():
    """A notebook grid of squares, a few marked in mustard and one in coral."""
    c = Canvas("#f4efe4")
    cols, rows, size, gap = 10, 5, 84, 22
    x0 = (W - (cols * size + (cols - 1) * gap)) / 2
    y0 = (H - (rows * size + (rows - 1) * gap)) / 2
    marked = {(1, 0), (2, 0), (4, 1), (5, 1), (6, 1), (2, 2), (7, 2), (8, 3), (3, 4), (9, 4), (0, 3)}
    shades = ["#2f6f73", "#3f8286", "#5a9a9c"]
    for j in range(rows):
        for i in range(cols):
            x, y = x0 + i * (size + gap), y0 + j * (size + gap)
            if (i, j) == (6, 3):
                col = "#e76f51"
            elif (i, j) in marked:
                col = "#e9b949"
            else:
                col = shades[(i + 2 * j) % 3]
            c.rect(x, y, x + size, y + size, col)
    return c


def ls1e3():
    """Two large overlapping circles, pink and teal, over soft vertical stripes."""
    c = Canvas("#fbeee6")
    for i in range(0, W, 80):
        c.rect(i, 0, i + 40, H, "#f6e0d3")
    c.circle(490, 315, 230, "#e07a8f", 0.9)
    c.circle(710, 315, 230, "#2a9d8f", 0.75)
    c.circle(490, 315, 40, "#fbeee6")
    c.circle(710, 315, 40, "#fbeee6")
    return c


def ls1e4():
    """Diagonal bands from deep green to sky blue, one small yellow circle."""
    c = Canvas("#0f3d3e")
    colors = ["#0f3d3e", "#14595b", "#1b7a74", "#2f9a87", "#5bb5a2", "#8fcfc0", "#bfe3e0", "#dcefff"]
    band = 190
    for i, col in enumerate(colors):
        off = i * band - 400
        pts = [(off, H), (off + band, H), (off + band + H, 0), (off + H, 0)]
        c.polygon(pts, col)
    c.polygon([(1200 - 180 + H, 0), (W + 400, 0), (W + 400, H), (1200 - 180, H)], "#dcefff")
    c.circle(930, 170, 46, "#ffd23f")
    return c


def ls1e5():
    """Concentric arcs in muted purples and pinks, radiating from a corner."""
    c = Canvas("#f3e9f1")
    colors = ["#3d2c5e", "#5a3f7a", "#7b5894", "#a07aa8", "#c49bb8", "#e2bfcf", "#f3e9f1"]
    r = 1180
    i = 0
    while r > 60:
        c.circle(0, H, r, colors[i % len(colors)])
        r -= 120
        i += 1
    c.circle(1010, 150, 60, "#e9a6a6")
    return c


def ls2e1():
    """A dusk sky in bands, a half sun on the horizon, water stripes below."""
    c = Canvas("#2b1d4e")
    c.hbands(0, 400, "#2b1d4e", "#f4a259", 9)
    c.circle(600, 400, 150, "#ffd166")
    c.rect(0, 400, W, H, "#233d6b")
    for k, y in enumerate(range(418, H, 26)):
        half = max(30, 150 - k * 14)
        c.rect(600 - half, y, 600 + half, y + 8, "#ffd166", 0.8)
        c.rect(0, y + 12, W, y + 14, "#2d4b80")
    return c


def ls2e2():
    """A staircase of blue blocks rising left to right towards a small sun."""
    c = Canvas("#eaf2f8")
    blues = ["#1b3a5c", "#24507a", "#2f6697", "#3f7fb2", "#5c9bcc", "#86b8de"]
    step_w = 150
    for i, col in enumerate(blues):
        x = 90 + i * step_w
        top = 520 - i * 70
        c.rect(x, top, x + step_w - 10, H, col)
    c.circle(1080, 110, 48, "#f28f3b")
    c.rect(0, 600, W, H, "#1b3a5c")
    return c


def ls2e3():
    """Nested rotated squares in greens around a terracotta centre."""
    c = Canvas("#e8efe0")
    greens = ["#2d4a2b", "#3e6b3a", "#5b8c4f", "#87ad72", "#b7cf9f", "#e8efe0"]
    cx, cy = 600, 315
    for i, r in enumerate(range(520, 40, -80)):
        c.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], greens[i % len(greens)])
    c.polygon([(cx, cy - 60), (cx + 60, cy), (cx, cy + 60), (cx - 60, cy)], "#c8553d")
    c.circle(cx, cy, 14, "#f7e7c4")
    return c


def ls2e4():
    """Truchet tiles of quarter circles in vermilion, ink blue and cream."""
    c = Canvas("#f6efe2")
    tile = 150
    rnd = random.Random(1124)
    for j in range(0, 5):
        for i in range(0, 8):
            x, y = i * tile, j * tile
            dark = (i + j) % 2 == 0
            c.rect(x, y, x + tile, y + tile, "#1f3b63" if dark else "#f6efe2")
            col = "#d1495b" if dark else "#1f3b63"
            if rnd.random() < 0.5:
                c.polygon(arc_band_pts(x, y, tile / 2 + 18, tile / 2 - 18, 0, 90, 40), col)
                c.polygon(arc_band_pts(x + tile, y + tile, tile / 2 + 18, tile / 2 - 18, 180, 270, 40), col)
            else:
                c.polygon(arc_band_pts(x + tile, y, tile / 2 + 18, tile / 2 - 18, 90, 180, 40), col)
                c.polygon(arc_band_pts(x, y + tile, tile / 2 + 18, tile / 2 - 18, 270, 360, 40), col)
    return c


def ls2e5():
    """A field of triangles shading from plum to amber, like a stage lit from the right."""
    c = Canvas("#3a1f3d")
    pal = ["#3a1f3d", "#5c2a4f", "#8a3b5a", "#b8505a", "#db7250", "#ee9b4a", "#f6c453"]
    size = 120
    h = size * math.sqrt(3) / 2
    rnd = random.Random(1201)
    rows = int(H / h) + 2
    for j in range(rows):
        y0, y1 = j * h, (j + 1) * h
        shift = (j % 2) * size / 2
        for i in range(-1, int(W / size) + 2):
            x = i * size + shift
            t = (x + 60) / (W + 120)
            k = min(len(pal) - 1, max(0, int(t * len(pal)) + rnd.choice((-1, 0, 0, 1))))
            c.polygon([(x, y1), (x + size, y1), (x + size / 2, y0)], pal[k])
            k2 = min(len(pal) - 1, max(0, k + rnd.choice((-1, 0, 1))))
            c.polygon([(x + size / 2, y0), (x + size * 1.5, y0), (x + size, y1)], pal[k2])
    return c


def ls2e6():
    """A night sky in deep blue bands, a crescent moon and a scatter of stars."""
    c = Canvas("#0b1533")
    c.hbands(0, H, "#0b1533", "#2c3e73", 7)
    c.crescent(880, 210, 110, 925, 180, 100, "#f5e6b8")
    rnd = random.Random(1208)
    for _ in range(70):
        x, y = rnd.uniform(20, W - 20), rnd.uniform(20, H - 120)
        if math.hypot(x - 880, y - 210) < 150:
            continue
        c.circle(x, y, rnd.choice((2, 2, 3, 4)), "#f5e6b8", rnd.choice((0.6, 0.9)))
    c.polygon([(0, H), (0, 560), (260, 520), (520, 575), (800, 530), (1200, 580), (1200, H)], "#070d22")
    return c


def fg1e1():
    """Green leaves around a curving stem on a pale wall."""
    c = Canvas("#f1ede0")
    c.rect(0, 560, W, H, "#b5654a")
    c.rect(0, 548, W, 560, "#c9785c")
    stem = [(600 + 40 * math.sin(t / 60), 560 - t) for t in range(0, 520, 4)]
    for i in range(len(stem) - 1):
        (x0, y0), (x1, y1) = stem[i], stem[i + 1]
        c.polygon([(x0 - 6, y0), (x0 + 6, y0), (x1 + 6, y1), (x1 - 6, y1)], "#4f6f3a")
    greens = ["#3b7d3a", "#5a9e48", "#7fbf5b", "#2f6433"]
    for i, (t, side) in enumerate([(70, -1), (130, 1), (190, -1), (250, 1), (310, -1), (370, 1), (430, -1), (480, 1)]):
        x, y = stem[t // 4]
        length = 220 - i * 14
        ang = -25 if side > 0 else 205
        cx = x + side * length * 0.45 * math.cos(math.radians(25))
        cy = y - length * 0.45 * math.sin(math.radians(25))
        c.polygon(leaf_pts(cx, cy, length, length * 0.42, ang), greens[i % len(greens)])
    c.ellipse(250, 470, 130, 40, -8, "#a7c98a", 0.6)
    c.ellipse(960, 140, 150, 45, 12, "#a7c98a", 0.5)
    return c


def fg1e2():
    """A row of magenta radish circles with leaf tops, over brown soil bands."""
    c = Canvas("#fdf3e7")
    c.hbands(420, H, "#8a5a3b", "#4a2e1f", 4)
    for i, x in enumerate(range(170, 1100, 215)):
        r = 62 + (i % 3) * 10
        y = 430
        for a, col in ((-30, "#4c8c3f"), (0, "#6aac52"), (30, "#3f7a35")):
            lx = x + 95 * math.sin(math.radians(a))
            ly = y - r - 95 * math.cos(math.radians(a)) + 20
            c.polygon(leaf_pts(lx, ly, 190, 70, a - 90), col)
        c.circle(x, y, r, "#c2185b")
        c.circle(x - r * 0.3, y - r * 0.3, r * 0.28, "#e35d8f")
        c.polygon([(x - 8, y + r - 6), (x + 8, y + r - 6), (x, y + r + 60)], "#f3d1dc")
    return c


def fg1e3():
    """Red tomato circles in a cluster, sky-blue wind stripes sweeping behind."""
    c = Canvas("#e3f1f7")
    for i, y in enumerate(range(40, 520, 70)):
        off = (i % 3) * 90
        c.polygon([(off - 100, y + 40), (off + 700, y), (off + 720, y + 16), (off - 80, y + 56)], "#b7dbe9")
    c.rect(0, 520, W, H, "#6d8b3d")
    c.rect(0, 520, W, 532, "#86a84c")
    c.polygon([(760, 80), (772, 80), (772, 520), (760, 520)], "#7a5b3a")
    tomatoes = [(700, 240, 62), (820, 270, 70), (740, 350, 74), (880, 380, 58), (650, 400, 52), (800, 450, 48)]
    reds = ["#d62828", "#e63946", "#c1121f", "#f77f00"]
    for i, (x, y, r) in enumerate(tomatoes):
        c.circle(x, y, r, reds[i % len(reds)])
        c.circle(x - r * 0.35, y - r * 0.35, r * 0.22, "#ff9f8f", 0.7)
        for a in range(0, 360, 72):
            c.polygon(leaf_pts(x + 14 * math.cos(math.radians(a - 90)), y - r + 4 + 14 * math.sin(math.radians(a - 90)),
                               30, 10, a - 90), "#2d6a4f")
    c.circle(240, 130, 70, "#ffd166")
    return c


COVERS = {
    "ls1e1": ls1e1,
    "ls1e2": ls1e2,
    "ls1e3": ls1e3,
    "ls1e4": ls1e4,
    "ls1e5": ls1e5,
    "ls2e1": ls2e1,
    "ls2e2": ls2e2,
    "ls2e3": ls2e3,
    "ls2e4": ls2e4,
    "ls2e5": ls2e5,
    "ls2e6": ls2e6,
    "fg1e1": fg1e1,
    "fg1e2": fg1e2,
    "fg1e3": fg1e3,
}


def main(argv):
    names = argv[1:] or list(COVERS)
    os.makedirs(OUT, exist_ok=True)
    for name in names:
        canvas = COVERS[name]()
        path = os.path.join(OUT, name + ".png")
        write_png(path, canvas.downsampled_rows())
        print("%-8s %6d bytes" % (name, os.path.getsize(path)))


if __name__ == "__main__":
    main(sys.argv)
