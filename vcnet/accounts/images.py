"""Checking and normalising uploaded avatars with Pillow.

The type is decided by the file's content, never by its name. What is stored is a fresh image
re-encoded from the pixels alone: no EXIF (camera, GPS position), turned the right way up,
cropped to a square and scaled to `AVATAR_SIZE` pixels.
"""

from __future__ import annotations

import io
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

AVATAR_SIZE = 256
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# A small file can decode to gigabytes of pixels (a "decompression bomb"); refuse before decoding.
MAX_PIXELS = 40_000_000


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("The file is not an image in JPEG, PNG or WebP format."), code="invalid_image"
    )


def avatar_process(upload: UploadedFile) -> ContentFile[bytes]:
    """A square avatar ready to store, made from `upload`; ValidationError says what is wrong."""
    max_bytes = settings.AVATAR_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The image is too large: at most %(size)s KB is accepted.")
            % {"size": max_bytes // 1024},
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:  # the declared size can lie
        raise ValidationError(
            _("The image is too large: at most %(size)s KB is accepted.")
            % {"size": max_bytes // 1024},
            code="file_too_large",
        )
    try:
        # Only these decoders may even look at the bytes: less code exposed to hostile files.
        image = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS))
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:  # Pillow raises many kinds of error on hostile headers
        raise _not_an_image() from None
    if image.format not in ACCEPTED_FORMATS:
        raise _not_an_image()
    width, height = image.size
    # Checked before any pixel is decoded (Pillow's own limit is higher, and only a warning).
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()
    try:
        image.load()
        return _square_file(ImageOps.exif_transpose(image))
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:
        logger.info("avatar: cannot decode a %s image", image.format, exc_info=True)
        raise ValidationError(
            _("The image is damaged or incomplete and cannot be read."), code="broken_image"
        ) from None


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels: at most %(megapixels)s megapixels are accepted.")
        % {"megapixels": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _square_file(image: Image.Image) -> ContentFile[bytes]:
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    square = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
    square.info = {}
    out = io.BytesIO()
    # Nothing of the upload's metadata (EXIF, ICC, XMP, comments) is passed on.
    if has_alpha:
        square.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        square.save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
