"""Checking and cleaning uploaded images with Pillow, for post media and profile pictures.

The type is decided by the file's content, never by its name: only JPEG, PNG, WebP and GIF
(its first frame) are decoded. What is stored is a fresh image re-encoded from the pixels alone
(no EXIF, GPS position, XMP or comments), turned the right way up first, scaled down to fit
`max_side`, with an optional thumbnail.
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from vcnet.core.errors import DomainError

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("GIF", "JPEG", "PNG", "WEBP")
# A small file can decode to gigabytes of pixels (a "decompression bomb"); refuse before decoding.
MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# What each accepted format is stored as: a GIF's first frame becomes a PNG.
_OUTPUT = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "PNG": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
    "GIF": ("PNG", "image/png", "png"),
}


class ImageRejected(DomainError):
    """The uploaded file cannot be used as an image; the message says why."""

    code = "image_rejected"


@dataclass(frozen=True)
class CleanImage:
    """An accepted image ready to store: the re-encoded file, its thumbnail, type and size."""

    file: ContentFile[bytes]
    thumbnail: ContentFile[bytes] | None
    content_type: str
    width: int
    height: int


def max_bytes() -> int:
    """The largest upload accepted, in bytes (`SOCIAL_MEDIA_MAX_BYTES`, 10 MB by default)."""
    return int(getattr(settings, "SOCIAL_MEDIA_MAX_BYTES", DEFAULT_MAX_BYTES))


def image_clean(
    file: File | IO[bytes] | bytes,
    *,
    max_side: int,
    thumb_side: int | None = None,
    square: bool = False,
    limit: int | None = None,
) -> CleanImage:
    """Check `file` and return it re-encoded and scaled down; ImageRejected says what is wrong.

    `square` crops to a centred square first (profile pictures); `limit` overrides the size
    limit in bytes (by default `max_bytes()`).
    """
    data = _read(file, limit if limit is not None else max_bytes())
    image = _open(data)
    try:
        image.seek(0)  # a GIF's first frame only
        if image.format == "JPEG":
            # Decode at a reduced scale when the result will be smaller anyway (less memory).
            image.draft("RGB", _draft_size(image.size, max_side, square=square))
        image.load()
        pixels = _pixels_only(ImageOps.exif_transpose(image))
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:  # Pillow raises many kinds of error on damaged data
        logger.info("image_clean: cannot decode a %s image", image.format, exc_info=True)
        raise ImageRejected(
            _("The image is damaged or incomplete and cannot be read."), code="broken_image"
        ) from None
    fmt, content_type, extension = _OUTPUT[str(image.format)]
    if square:
        side = min(min(pixels.size), max_side)
        pixels = ImageOps.fit(pixels, (side, side), Image.Resampling.LANCZOS)
    elif max(pixels.size) > max_side:
        pixels = pixels.resize(_fit(pixels.size, max_side), Image.Resampling.LANCZOS)
    name = uuid.uuid4().hex
    thumbnail = None
    if thumb_side is not None:
        small = pixels.copy()
        small.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
        thumbnail = ContentFile(_encode(small, fmt), name=f"{name}-small.{extension}")
    return CleanImage(
        file=ContentFile(_encode(pixels, fmt), name=f"{name}.{extension}"),
        thumbnail=thumbnail,
        content_type=content_type,
        width=pixels.width,
        height=pixels.height,
    )


def _read(file: File | IO[bytes] | bytes, limit: int) -> bytes:
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        declared = getattr(file, "size", None)
        if isinstance(declared, int) and declared > limit:
            raise _too_large(limit)
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)  # the declared size can lie
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise _not_an_image()
    return data


def _open(data: bytes) -> Image.Image:
    try:
        # Only these decoders may even look at the bytes: less code exposed to hostile files.
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:
        raise _not_an_image() from None
    if image.format not in ACCEPTED_FORMATS:
        raise _not_an_image()
    width, height = image.size
    # Checked before any pixel is decoded (Pillow's own limit is higher, and only a warning).
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()
    if width < 1 or height < 1:
        raise _not_an_image()
    return image


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled down so its longer side is at most `side`, keeping the proportions."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _draft_size(size: tuple[int, int], side: int, *, square: bool) -> tuple[int, int]:
    """The least size to decode at: a square crop needs its shorter side, else the longer."""
    if not square:
        return _fit(size, side)
    scale = min(1.0, side / min(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new RGB or RGBA image holding the pixels and nothing of the file's metadata."""
    has_alpha = image.has_transparency_data
    mode = "RGBA" if has_alpha else "RGB"
    converted = image if image.mode == mode else image.convert(mode)
    fresh = Image.new(mode, converted.size)
    fresh.paste(converted)
    return fresh


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=82, method=4)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _not_an_image() -> ImageRejected:
    return ImageRejected(
        _(
            "The file is not a JPEG, PNG, WebP or GIF image. Images are recognised by their "
            "content, not by their name."
        ),
        code="not_an_image",
    )


def _too_large(limit: int) -> ImageRejected:
    return ImageRejected(
        _("The image is too large: at most %(size)s is accepted.")
        % {"size": filesizeformat(limit)},
        code="file_too_large",
    )


def _too_many_pixels() -> ImageRejected:
    return ImageRejected(
        _("The image has too many pixels: at most %(megapixels)s megapixels are accepted.")
        % {"megapixels": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )
