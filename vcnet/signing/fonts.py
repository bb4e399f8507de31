"""The font of signature stamps and filled number/date fields: Liberation Serif (metric-compatible
with Times New Roman, which Decree 30 asks for), prepared for pyHanko.

pyHanko writes glyph widths in the font's own units, while PDF expects 1/1000 of the text size;
a TrueType font with 2048 units per em then comes out with letters about twice too far apart.
We therefore rescale the font to 1000 units per em (fontTools `scale_upem`) and subset it to
Latin and Vietnamese once per process; the result is kept in memory.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.writer import BasePdfFileWriter

FONT_DIR = Path(__file__).resolve().parent.parent / "core" / "fonts"

Style = Literal["regular", "bold", "italic"]

FONT_FILES: dict[str, str] = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
}

# Latin (ASCII, Latin-1, Extended-A), the Vietnamese letters (ơ ư Ơ Ư, Latin Extended
# Additional), combining marks, punctuation, the đồng sign and the numero sign.
VIETNAMESE_UNICODES: frozenset[int] = frozenset(
    [
        *range(0x20, 0x7F),
        *range(0xA0, 0x180),
        0x1A0,
        0x1A1,
        0x1AF,
        0x1B0,
        *range(0x300, 0x324),
        *range(0x1EA0, 0x1F00),
        *range(0x2010, 0x2040),
        0x20AB,
        0x2116,
    ]
)

UNITS_PER_EM = 1000


def font_path(style: Style = "regular") -> Path:
    """The shipped (unprocessed) font file of a style."""
    return FONT_DIR / FONT_FILES[style]


@lru_cache(maxsize=4)
def font_bytes(style: Style = "regular") -> bytes:
    """The font of `style`, subset to Latin + Vietnamese and rescaled to 1000 units per em."""
    font = TTFont(str(font_path(style)))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=VIETNAMESE_UNICODES)
    # fontTools logs a warning for every table it cannot subset (FFTM); nothing to act on.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    subsetter.subset(font)
    if font["head"].unitsPerEm != UNITS_PER_EM:
        scale_upem(font, UNITS_PER_EM)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=4)
def _metrics(style: Style) -> tuple[dict[int, str], dict[str, int]]:
    font = TTFont(io.BytesIO(font_bytes(style)))
    cmap = dict(font.getBestCmap())
    widths = {name: advance for name, (advance, _lsb) in font["hmtx"].metrics.items()}
    return cmap, widths


def text_width(text: str, *, size: float, style: Style = "regular") -> float:
    """The advance width of `text` in points at `size` (no kerning; good for layout boxes)."""
    cmap, widths = _metrics(style)
    units = 0
    for char in text:
        glyph = cmap.get(ord(char))
        units += widths.get(glyph, 500) if glyph else 500
    return units * size / UNITS_PER_EM


@dataclass(frozen=True)
class FontFactory(GlyphAccumulatorFactory):
    """pyHanko's font factory fed with the processed font bytes from memory (pyHanko's own
    opens `font_file` by path, unprocessed, and never closes it)."""

    style: Style = "regular"

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: object = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(font_bytes(self.style)),
            font_size=self.font_size,
            obj_stream=obj_stream,
            bcp47_lang_code="vi",
        )


def font_factory(*, style: Style = "regular", size: int = 10) -> FontFactory:
    """A pyHanko font engine factory for stamps and field appearances."""
    return FontFactory(font_file=str(font_path(style)), font_size=size, style=style)
