"""Uploading images for posts: checked and cleaned by `media_images`, attached by `post_create`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.social.media_images import image_clean
from vcnet.social.models import MediaAttachment

MAX_SIDE = 1920
THUMB_SIDE = 400
MAX_PER_POST = 4
DESCRIPTION_MAX = 1500


def _description(value: str) -> str:
    text = (value or "").strip()
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description is too long: at most %(limit)d characters.")
            % {"limit": DESCRIPTION_MAX},
            code="description_too_long",
        )
    return text


def media_upload(
    *, user: User, file: File | IO[bytes] | bytes, description: str = ""
) -> MediaAttachment:
    """Check, clean and store an image for a post the user will write; not attached yet."""
    text = _description(description)
    clean = image_clean(file, max_side=MAX_SIDE, thumb_side=THUMB_SIDE)
    with transaction.atomic():
        media = MediaAttachment(
            uploaded_by=user,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
            description=text,
        )
        media.file.save(clean.file.name or "image", clean.file, save=False)
        if clean.thumbnail is not None:
            media.thumbnail.save(clean.thumbnail.name or "thumb", clean.thumbnail, save=False)
        media.save()
    return media


def media_own(user: User, media_id: int) -> MediaAttachment:
    """The user's own uploaded image; someone else's looks like no image at all (NotFound)."""
    media = MediaAttachment.objects.filter(pk=media_id, uploaded_by=user).first()
    if media is None:
        raise NotFound(_("This image does not exist."))
    return media


def media_update(*, user: User, media_id: int, description: str) -> MediaAttachment:
    """Change the description (for people who cannot see the image) of the user's own image."""
    text = _description(description)
    with transaction.atomic():
        media = media_own(user, media_id)
        media.description = text
        media.save(update_fields=["description"])
    return media


def media_for_post(*, user: User, media_ids: Iterable[int]) -> list[MediaAttachment]:
    """The images to attach to a new post, in the given order: the user's own, not yet used,
    at most four; call inside post_create's transaction (the rows are locked)."""
    ids = list(dict.fromkeys(int(i) for i in media_ids))
    if len(ids) > MAX_PER_POST:
        raise DomainError(
            _("A post can have at most %(limit)d images.") % {"limit": MAX_PER_POST},
            code="too_many_media",
        )
    if not ids:
        return []
    found = {
        m.pk: m
        for m in MediaAttachment.objects.select_for_update().filter(
            pk__in=ids, uploaded_by=user, post__isnull=True
        )
    }
    if len(found) != len(ids):
        raise DomainError(
            _("One of the images does not exist or is already used in another post."),
            code="media_unavailable",
        )
    return [found[i] for i in ids]


def media_purge_unattached(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete uploads that no post used within `older_than`, files included; returns how many."""
    cutoff = timezone.now() - older_than
    count = 0
    for media in MediaAttachment.objects.filter(post__isnull=True, created_at__lt=cutoff):
        media.file.delete(save=False)
        if media.thumbnail:
            media.thumbnail.delete(save=False)
        media.delete()
        count += 1
    return count
