"""Render the digitisation test set: Vietnamese official documents as scanned pages.

    .venv/bin/python bench/digitize/make_set.py [--n 20] [--out var/bench/digitize]

Each document of `samples.documents(n)` is laid out like a printed Decree 30 / HD 36 page
(A4; margins 20/15/20/30 mm; national motto or "ĐẢNG CỘNG SẢN VIỆT NAM" top right, the issuer
top left, number, place and date, type title, subject, body, signer block, "Nơi nhận:") in
Liberation Serif (Times New Roman metrics), then written in four conditions:

- `300` and `200`: clean PNG at 300 and 200 dpi;
- `300n` and `200n`: a scan: rotated 1-3°, slightly blurred, speckled, grey paper, JPEG q≈60.

Next to each image: `<key>.json` with the ground-truth text (in reading order, line by line)
and the expected fields. `run.py` OCRs the images and scores them.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.digitize.samples import Doc, documents  # noqa: E402

FONTS = ROOT / "vcnet" / "core" / "fonts"
FONT_FILES = {
    "regular": ["LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"],
    "bold": ["LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"],
    "italic": ["LiberationSerif-Italic.ttf", "DejaVuSerif.ttf"],
}
CONDITIONS = {"300": (300, False), "300n": (300, True), "200": (200, False), "200n": (200, True)}
PAGE_MM = (210.0, 297.0)
LEFT_MM, RIGHT_MM, TOP_MM, BOTTOM_MM = 30.0, 15.0, 20.0, 20.0


@dataclass
class Run:
    """A piece of text to draw: where, how, and which ground-truth block it belongs to."""

    text: str
    x_mm: float  # left edge, or centre when `centre`
    y_mm: float  # top
    size: float  # points
    style: str
    centre: bool
    block: int


class Layout:
    """Places lines on a page in millimetres; fonts measured at 1 px = 0.1 mm."""

    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.rules: list[tuple[float, float, float]] = []  # (x0, x1, y) underlines
        self.boxes: list[tuple[float, float, float, float]] = []
        self._fonts: dict[tuple[str, float], ImageFont.FreeTypeFont] = {}

    def font(self, style: str, size_pt: float, scale: float = 10.0) -> ImageFont.FreeTypeFont:
        key = (style, round(size_pt * scale, 2))
        if key not in self._fonts:
            for name in FONT_FILES[style]:
                if (FONTS / name).exists():
                    self._fonts[key] = ImageFont.truetype(
                        str(FONTS / name), max(1, round(size_pt * 25.4 / 72 * scale))
                    )
                    break
        return self._fonts[key]

    def width_mm(self, text: str, size: float, style: str) -> float:
        return self.font(style, size).getlength(text) / 10.0

    def wrap(
        self, text: str, width_mm: float, size: float, style: str, indent: float = 0
    ) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            limit = width_mm - (indent if not lines else 0)
            if current and self.width_mm(trial, size, style) > limit:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return lines

    def line(
        self,
        text: str,
        x: float,
        y: float,
        size: float,
        style: str = "regular",
        *,
        centre: bool = False,
        block: int = 0,
    ) -> float:
        """Draw one line; return the y below it."""
        self.runs.append(Run(text, x, y, size, style, centre, block))
        return y + size * 25.4 / 72 * 1.25


def layout(doc: Doc, max_body: int | None = None) -> tuple[Layout, float]:
    """Lay `doc` out; return the layout and the bottom y in mm."""
    lay = Layout()
    content_w = PAGE_MM[0] - LEFT_MM - RIGHT_MM
    left_c, right_c = LEFT_MM + 35.0, LEFT_MM + 120.0
    # Block 0: issuer, number, (công văn) V/v, marks — top left.
    y = TOP_MM
    for text in doc.issuer.parent:
        y = lay.line(text, left_c, y, 12.5, centre=True, block=0)
    for text in doc.issuer.organ:
        y = lay.line(text, left_c, y, 12.5, "bold", centre=True, block=0)
    organ_w = max(lay.width_mm(t, 12.5, "bold") for t in doc.issuer.organ)
    widest = max(lay.width_mm(t, 12.5, "regular") for t in doc.issuer.parent or ("",))
    if max(organ_w, widest) > 68:
        raise ValueError(f"issuer line too wide for the left column: {doc.issuer}")
    if doc.party:
        y = lay.line("*", left_c, y, 12.5, centre=True, block=0)
    else:
        lay.rules.append((left_c - organ_w / 6, left_c + organ_w / 6, y + 0.3))
        y += 2.5
    y = lay.line(doc.number_line, left_c, y + 0.5, 13, centre=True, block=0)
    if not doc.title:
        for text in lay.wrap(doc.subject, 68, 12, "regular"):
            y = lay.line(text, left_c, y + 0.5, 12, centre=True, block=0)
    for mark in (doc.confidentiality, doc.urgency):
        if mark:
            w = lay.width_mm(mark, 13, "bold")
            top = y + 2.0
            lay.boxes.append((left_c - w / 2 - 2.5, top - 1.2, left_c + w / 2 + 2.5, top + 6.4))
            y = lay.line(mark, left_c, top, 13, "bold", centre=True, block=0) + 2.5
    left_bottom = y
    # Block 1: motto, place and date — top right.
    y = TOP_MM
    if doc.party:
        y = lay.line(doc.motto[0], right_c, y, 15, "bold", centre=True, block=1)
        w = lay.width_mm(doc.motto[0], 15, "bold")
        lay.rules.append((right_c - w / 2, right_c + w / 2, y + 0.2))
        y += 4.0
    else:
        y = lay.line(doc.motto[0], right_c, y, 12, "bold", centre=True, block=1)
        y = lay.line(doc.motto[1], right_c, y, 13.5, "bold", centre=True, block=1)
        w = lay.width_mm(doc.motto[1], 13.5, "bold")
        lay.rules.append((right_c - w / 2, right_c + w / 2, y + 0.3))
        y += 4.0
    y = lay.line(doc.date_line, right_c, y, 13, "italic", centre=True, block=1)
    y = max(left_bottom, y) + 8.0
    # Block 2: title, subject (or Kính gửi), body.
    centre = LEFT_MM + content_w / 2
    if doc.title:
        y = lay.line(doc.title, centre, y, 14, "bold", centre=True, block=2)
        lines = lay.wrap(doc.subject, 140, 14, "bold")
        for text in lines:
            y = lay.line(text, centre, y, 14, "bold", centre=True, block=2)
        w = min(60.0, max(lay.width_mm(t, 14, "bold") for t in lines) / 3)
        lay.rules.append((centre - w / 2, centre + w / 2, y + 0.5))
        y += 6.0
    else:
        y = lay.line(doc.greeting, centre, y, 14, centre=True, block=2) + 4.0
    body = doc.body if max_body is None else doc.body[:max_body]
    for para in body:
        for i, text in enumerate(lay.wrap(para, content_w, 13.5, "regular", indent=12.7)):
            x = LEFT_MM + (12.7 if i == 0 else 0)
            y = lay.line(text, x, y, 13.5, block=2)
        y += 1.8
    y += 4.0
    # Block 3: recipients (left); block 4: signer (right), both starting at y.
    ry = lay.line("Nơi nhận:", LEFT_MM, y, 12, "bold", block=3)
    for item in doc.recipients:
        for i, text in enumerate(lay.wrap(f"- {item}", 72, 11, "regular", indent=0)):
            ry = lay.line(text, LEFT_MM + (0 if i == 0 else 2), ry, 11, block=3)
    sign_c = LEFT_MM + 120.0
    sy = y
    for text in doc.position:
        sy = lay.line(text, sign_c, sy, 13, "bold", centre=True, block=4)
    sy = lay.line(doc.name, sign_c, sy + 24.0, 13, "bold", centre=True, block=4)
    return lay, max(ry, sy)


def fitted_layout(doc: Doc) -> Layout:
    """The layout, with body paragraphs dropped until the page fits (the doc is updated)."""
    limit = PAGE_MM[1] - BOTTOM_MM
    while True:
        lay, bottom = layout(doc)
        if bottom <= limit or len(doc.body) <= 1:
            return lay
        doc.body = doc.body[:-1]


def ground_truth(lay: Layout) -> list[str]:
    """The text lines in reading order: blocks 0..4, lines top to bottom."""
    runs = sorted(lay.runs, key=lambda r: (r.block, r.y_mm))
    return [r.text for r in runs]


def render(lay: Layout, dpi: int) -> Image.Image:
    px = dpi / 25.4
    size = (round(PAGE_MM[0] * px), round(PAGE_MM[1] * px))
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    for run in lay.runs:
        font = lay.font(run.style, run.size, scale=px)
        x = run.x_mm * px
        if run.centre:
            x -= font.getlength(run.text) / 2
        draw.text((x, run.y_mm * px), run.text, font=font, fill=0)
    width = max(1, round(0.25 * px))
    for x0, x1, y in lay.rules:
        draw.line([(x0 * px, y * px), (x1 * px, y * px)], fill=0, width=width)
    for x0, y0, x1, y1 in lay.boxes:
        draw.rectangle([x0 * px, y0 * px, x1 * px, y1 * px], outline=0, width=width)
    return img


def scan_noise(img: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """What a cheap office scanner does: skew, blur, grey paper, dust, JPEG."""
    angle = rng.uniform(1.0, 3.0) * rng.choice([-1, 1])
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.9) * dpi / 300))
    # grey, uneven paper and toner: compress the range, then add dust specks
    img = img.point(lambda v: int(30 + v * 0.82))
    w, h = img.size
    draw = ImageDraw.Draw(img)
    for _ in range(int(w * h / 20000)):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.choice([0, 0, 1]) * dpi / 300
        draw.ellipse([x, y, x + r + 1, y + r + 1], fill=rng.randint(40, 150))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=rng.randint(55, 70), dpi=(dpi, dpi))
    return Image.open(io.BytesIO(out.getvalue()))


def build(n: int, out: Path, seed: int = 20260312) -> list[Path]:
    """Write the set; return the condition folders."""
    docs = documents(n, seed)
    folders = []
    for cond, (dpi, noisy) in CONDITIONS.items():
        folder = out / cond
        folder.mkdir(parents=True, exist_ok=True)
        folders.append(folder)
        rng = random.Random(f"{seed}-{cond}")
        for doc in docs:
            lay = fitted_layout(doc)
            img = render(lay, dpi)
            if noisy:
                img = scan_noise(img, rng, dpi)
                img.save(folder / f"{doc.key}.jpg", format="JPEG", quality=95, dpi=(dpi, dpi))
            else:
                img.save(folder / f"{doc.key}.png", dpi=(dpi, dpi), optimize=False)
            truth = {
                "key": doc.key,
                "dpi": dpi,
                "noisy": noisy,
                "party": doc.party,
                "lines": ground_truth(lay),
                "fields": doc.expected(),
            }
            (folder / f"{doc.key}.json").write_text(
                json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
            )
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20260312)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "digitize")
    args = parser.parse_args()
    for folder in build(args.n, args.out, args.seed):
        print(folder)


if __name__ == "__main__":
    main()
