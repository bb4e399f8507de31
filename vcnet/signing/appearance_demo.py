"""Demo signature and seal images (transparent PNGs drawn with Pillow) for demo data and tests."""

from __future__ import annotations

import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

from vcnet.core.text import nfc
from vcnet.signing import fonts

INK_BLUE = (18, 46, 170, 255)
SEAL_RED = (214, 26, 36, 255)
DPI = 300


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
    return out.getvalue()


def _seal_font_path() -> str:
    dejavu = fonts.FONT_DIR / "DejaVuSans-Bold.ttf"
    return str(dejavu if dejavu.exists() else fonts.font_path("bold"))


def demo_signature_png(name: str) -> bytes:
    """A blue, handwritten-looking scribble for `name` on a transparent background
    (about 45 by 15 mm at 300 dpi), the same for the same name."""
    seed = int.from_bytes(hashlib.sha256(nfc(name).encode()).digest()[:8], "big")
    rnd = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    scale = 2  # drawn large, then reduced: smooth edges
    width, height = 600 * scale, 200 * scale
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    # The given name (the last word) in a slanted hand, then loops and an underline flourish.
    given = (name.split() or ["A"])[-1]
    font = ImageFont.truetype(str(fonts.font_path("italic")), 90 * scale)
    draw.text((70 * scale, 25 * scale), given, font=font, fill=INK_BLUE)
    # Cursive loops (a prolate cycloid) trailing off the name, then an underline flourish.
    loops = rnd.randint(3, 5)
    radius = rnd.uniform(30, 38)
    start_x = 70 + font.getlength(given) / scale
    points = []
    for step in range(400):
        t = step / 399
        theta = 2 * math.pi * loops * t
        x = start_x + (520 - start_x) * t - radius * math.sin(theta)
        y = 95 + radius * 1.2 * math.cos(theta) + 15 * t
        points.append((x * scale, y * scale))
    draw.line(points, fill=INK_BLUE, width=5 * scale, joint="curve")
    flourish = [
        ((50 + 500 * t) * scale, (165 - 30 * math.sin(t * math.pi) + 10 * t) * scale)
        for t in (i / 99 for i in range(100))
    ]
    draw.line(flourish, fill=INK_BLUE, width=4 * scale, joint="curve")
    img = img.resize((600, 200), Image.Resampling.LANCZOS)
    # Trim the empty margins, so the ink fills the signature box.
    left, top, right, bottom = img.getbbox() or (0, 0, 600, 200)
    img = img.crop((max(0, left - 8), max(0, top - 8), min(600, right + 8), min(200, bottom + 8)))
    return _png(img)


def _rim_text(img: Image.Image, text: str, *, radius: float, size: int, font_path: str) -> None:
    """Write `text` upright along the top of a circle and on around it, clockwise."""
    font = ImageFont.truetype(font_path, size)
    cx, cy = img.width / 2, img.height / 2
    widths = [font.getlength(ch) for ch in text]
    total = sum(widths) + size * 0.15 * len(text)
    circumference = 2 * math.pi * radius
    # Spread around most of the circle, leaving a gap at the bottom for the star's line.
    spread = min(300.0, 360.0 * total / circumference)
    angle = -90 - spread / 2  # start on the left of the top
    per_unit = spread / total
    for ch, width in zip(text, widths, strict=True):
        step = (width + size * 0.15) * per_unit
        mid = math.radians(angle + step / 2)
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=SEAL_RED, anchor="mm")
        rotated = glyph.rotate(-(math.degrees(mid) + 90), resample=Image.Resampling.BICUBIC)
        x = cx + radius * math.cos(mid) - rotated.width / 2
        y = cy + radius * math.sin(mid) - rotated.height / 2
        img.alpha_composite(rotated, (round(x), round(y)))
        angle += step


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, outer: float) -> None:
    inner = outer * 0.382
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        theta = math.radians(-90 + k * 36)
        points.append((cx + radius * math.cos(theta), cy + radius * math.sin(theta)))
    draw.polygon(points, fill=SEAL_RED)


def demo_seal_png(unit_name: str) -> bytes:
    """A round red seal, 36 mm across at 300 dpi: `unit_name` around the rim, a star in the
    middle, transparent around and inside."""
    size = 425 * 2  # 36 mm at 300 dpi, drawn twice as large
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    centre = size / 2
    outer = size / 2 - 6
    draw.ellipse(
        (centre - outer, centre - outer, centre + outer, centre + outer), outline=SEAL_RED, width=16
    )
    ring = outer - 110
    draw.ellipse(
        (centre - ring, centre - ring, centre + ring, centre + ring), outline=SEAL_RED, width=8
    )
    text = nfc(unit_name).upper() or "VCNET"
    text_size = 58 if len(text) <= 34 else max(36, int(58 * 34 / len(text)))
    _rim_text(img, text, radius=outer - 58, size=text_size, font_path=_seal_font_path())
    _star(draw, centre, centre, ring * 0.55)
    img = img.resize((size // 2, size // 2), Image.Resampling.LANCZOS)
    return _png(img)
