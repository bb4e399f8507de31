"""Signature images: a person's handwritten signature (blue) and a unit's seal (red), as
transparent PNGs kept in the private storage; only the current one of each owner is used."""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.signing.models import SignatureImage

ImageKind = Literal["signature", "seal"]

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 2000
MIN_PIXELS = 100
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Printed sizes (mm): a seal is applied at its true size; Decree 30 seals are 30-42 mm.
SEAL_DEFAULT_MM = 36.0
SIGNATURE_DEFAULT_MM = 50.0
SEAL_RANGE_MM = (20.0, 80.0)
SIGNATURE_RANGE_MM = (10.0, 120.0)
# Tolerances: most of the ink must be of the right colour; some transparency must be real.
MIN_TRANSPARENT_SHARE = 0.10
MIN_INK_SHARE = 0.005
MIN_COLOUR_SHARE = 0.6
SEAL_ROLES = (Role.UNIT_ADMIN, Role.CLERK)


class ImageRejected(DomainError):
    """The uploaded image cannot be used as a signature or seal image."""

    code = "image_rejected"


@dataclass(frozen=True)
class ImageInfo:
    """What an accepted image is: pixels, printed size, and how much of its ink is blue/red."""

    width_px: int
    height_px: int
    width_mm: float
    height_mm: float
    transparent_share: float
    blue_share: float
    red_share: float


def _hue_class(r: int, g: int, b: int) -> str:
    """'blue', 'red' or '' for one opaque pixel (dark and greyish pixels count as neither)."""
    high, low = max(r, g, b), min(r, g, b)
    if high < 40 or high - low < 40:
        return ""
    if b == high and b - r > 30 and b - g > 15:
        return "blue"
    if r == high and r - g > 50 and r - b > 40:
        return "red"
    return ""


def _colours(img: Image.Image) -> tuple[float, float, float]:
    """Shares of transparent pixels, and of blue and red among the visible ones."""
    sample = img.convert("RGBA")
    sample.thumbnail((200, 200))
    raw = sample.tobytes()
    pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
    transparent = sum(1 for p in pixels if p[3] < 32)
    ink = [p for p in pixels if p[3] >= 128]
    if not ink:
        return transparent / len(pixels), 0.0, 0.0
    classes = [_hue_class(p[0], p[1], p[2]) for p in ink]
    return (
        transparent / len(pixels),
        classes.count("blue") / len(ink) if len(ink) / len(pixels) >= MIN_INK_SHARE else 0.0,
        classes.count("red") / len(ink) if len(ink) / len(pixels) >= MIN_INK_SHARE else 0.0,
    )


def _printed_mm(img: Image.Image, kind: ImageKind, width_mm: float | None) -> tuple[float, float]:
    ratio = img.height / img.width
    low, high = SEAL_RANGE_MM if kind == "seal" else SIGNATURE_RANGE_MM
    if width_mm is not None:
        if not low <= width_mm <= high:
            raise ImageRejected(
                _("The printed width must be between %(low)d and %(high)d mm.")
                % {"low": low, "high": high}
            )
        return round(width_mm, 1), round(width_mm * ratio, 1)
    dpi = img.info.get("dpi")
    if dpi and dpi[0] and float(dpi[0]) > 1:
        from_dpi = img.width / float(dpi[0]) * 25.4
        if low <= from_dpi <= high:
            return round(from_dpi, 1), round(from_dpi * ratio, 1)
    default = SEAL_DEFAULT_MM if kind == "seal" else SIGNATURE_DEFAULT_MM
    return default, round(default * ratio, 1)


def image_validate(data: bytes, *, kind: ImageKind, width_mm: float | None = None) -> ImageInfo:
    """Check an uploaded signature or seal image; ImageRejected says what is wrong.

    A PNG (by its content, whatever the file is called) of at most 2 MB and 2000 by 2000
    pixels, at least 100 pixels each way, with a transparent background; a signature's ink
    mostly blue, a seal's mostly red. Its printed size comes from `width_mm`, else from the
    resolution in the file, else a seal is 36 mm across and a signature 50 mm wide.
    """
    if kind not in ("signature", "seal"):
        raise ImageRejected(_("Unknown kind of signature image."))
    if len(data) > MAX_BYTES:
        raise ImageRejected(_("The image is larger than 2 MB."))
    if not data.startswith(PNG_MAGIC):
        raise ImageRejected(_("The file is not a PNG image (whatever its name says)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            if img.format != "PNG":
                raise ImageRejected(_("The file is not a PNG image (whatever its name says)."))
            if img.width > MAX_PIXELS or img.height > MAX_PIXELS:
                raise ImageRejected(_("The image is larger than 2000 by 2000 pixels."))
            if img.width < MIN_PIXELS or img.height < MIN_PIXELS:
                raise ImageRejected(_("The image is smaller than 100 pixels across."))
            img.load()
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Warning) as exc:
        raise ImageRejected(_("The PNG image is damaged and cannot be read.")) from exc
    has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    if not has_alpha:
        raise ImageRejected(
            _("The image has no transparent background; save it as a PNG with transparency.")
        )
    transparent, blue, red = _colours(img)
    if transparent < MIN_TRANSPARENT_SHARE:
        raise ImageRejected(
            _("The image has no transparent background; save it as a PNG with transparency.")
        )
    if kind == "signature" and blue < MIN_COLOUR_SHARE:
        raise ImageRejected(_("A signature image must be in blue ink (Decree 30/2020)."))
    if kind == "seal" and red < MIN_COLOUR_SHARE:
        raise ImageRejected(_("A seal image must be red (Decree 30/2020)."))
    width, height = _printed_mm(img, kind, width_mm)
    return ImageInfo(
        width_px=img.width,
        height_px=img.height,
        width_mm=width,
        height_mm=height,
        transparent_share=round(transparent, 3),
        blue_share=round(blue, 3),
        red_share=round(red, 3),
    )


def seal_manager(user: User, unit: Unit) -> bool:
    """Whether `user` may upload `unit`'s seal: its unit administrator or a clerk of it."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, unit=unit, role__in=SEAL_ROLES).exists()


def signature_image_upload(
    *,
    actor: User,
    data: bytes,
    kind: ImageKind,
    owner: User | None = None,
    unit: Unit | None = None,
    width_mm: float | None = None,
    request: HttpRequest | None = None,
) -> SignatureImage:
    """Keep a new signature image: a person's own signature, or a unit's seal (uploaded by
    the unit's administrator or a clerk); earlier images of the same owner stop being current."""
    if kind == "signature":
        owner = owner or actor
        if owner.pk != actor.pk:
            raise PermissionDeniedError(_("Only the person themself may upload their signature."))
        unit = None
    elif kind == "seal":
        if unit is None:
            raise ImageRejected(_("Choose the unit whose seal this is."))
        if not seal_manager(actor, unit):
            raise PermissionDeniedError(
                _("Only the unit administrator or a clerk of the unit may upload its seal.")
            )
        owner = None
    else:
        raise ImageRejected(_("Unknown kind of signature image."))
    info = image_validate(data, kind=kind, width_mm=width_mm)
    with transaction.atomic():
        _of(kind=kind, owner=owner, unit=unit).filter(current=True).update(current=False)
        image = SignatureImage(
            kind=kind,
            owner=owner,
            unit=unit,
            width_px=info.width_px,
            height_px=info.height_px,
            width_mm=Decimal(str(info.width_mm)),
            height_mm=Decimal(str(info.height_mm)),
            current=True,
            uploaded_by=actor,
        )
        image.image.save(f"{kind}-{uuid.uuid4().hex}.png", ContentFile(data), save=False)
        try:
            image.save()
            audit_write(
                actor=actor,
                action=f"signing.image_upload.{kind}",
                obj=image,
                data={
                    "unit_id": unit.pk if unit else None,
                    "owner_id": owner.pk if owner else None,
                    "width_mm": info.width_mm,
                },
                request=request,
            )
        except BaseException:
            image.image.delete(save=False)
            raise
    return image


def _of(*, kind: str, owner: User | None, unit: Unit | None) -> QuerySet[SignatureImage]:
    if kind == "seal":
        return SignatureImage.objects.filter(kind=kind, unit=unit, owner__isnull=True)
    return SignatureImage.objects.filter(kind=kind, owner=owner, unit__isnull=True)


def signature_image_current(
    *, owner: User | None = None, unit: Unit | None = None, kind: ImageKind
) -> SignatureImage | None:
    """The image in use: a person's current signature, or a unit's current seal."""
    if (kind == "seal" and unit is None) or (kind == "signature" and owner is None):
        return None
    return _of(kind=kind, owner=owner, unit=unit).filter(current=True).first()


def signature_image_for_user(user: User, image_id: int) -> SignatureImage:
    """The one access function for an image: the owner of a signature, the members of the unit
    of a seal; NotFound for anyone else."""
    image = SignatureImage.objects.filter(pk=image_id).first()
    if image is None or not user.is_authenticated:
        raise NotFound(_("Image not found."))
    if image.kind == SignatureImage.Kind.SIGNATURE and image.owner_id == user.pk:
        return image
    if (
        image.kind == SignatureImage.Kind.SEAL
        and image.unit_id
        and Membership.objects.filter(user=user, unit_id=image.unit_id).exists()
    ):
        return image
    raise NotFound(_("Image not found."))


def signature_image_bytes(image: SignatureImage) -> bytes:
    """The stored PNG."""
    with image.image.open("rb") as handle:
        return bytes(handle.read())


def seal_units(user: User) -> QuerySet[Unit]:
    """The units whose seal `user` may upload."""
    return Unit.objects.filter(memberships__user=user, memberships__role__in=SEAL_ROLES).distinct()
