"""Image upload for statuses: `POST /api/v1/media`, `POST /api/v2/media`, `PUT /api/v1/media/:id`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vcnet.core.errors import NotFound
from vcnet.social.api import serializers as s
from vcnet.social.api.common import me
from vcnet.social.api.params import Unprocessable, body_params
from vcnet.social.api.router import router, router_v2
from vcnet.social.models import MediaAttachment
from vcnet.social.services.media import media_update, media_upload


def _upload(request: HttpRequest) -> dict[str, Any]:
    user = me(request)
    data, files = body_params(request)
    upload = files.get("file")
    if upload is None:
        raise Unprocessable(_("Validation failed: file: attach an image."))
    item = media_upload(user=user, file=upload, description=str(data.get("description", "") or ""))
    return s.media(request, item)


@router.post("/media", summary="Upload an image (Mastodon v1)")
def media_create_v1(request: HttpRequest) -> dict[str, Any]:
    return _upload(request)


@router_v2.post("/media", summary="Upload an image (Mastodon v2; processed at once)")
def media_create_v2(request: HttpRequest) -> dict[str, Any]:
    return _upload(request)


@router.get("/media/{int:media_id}", summary="One of my uploaded images (Mastodon)")
def media_detail(request: HttpRequest, media_id: int) -> dict[str, Any]:
    item = MediaAttachment.objects.filter(pk=media_id, uploaded_by=me(request)).first()
    if item is None:
        raise NotFound(_("Record not found"))
    return s.media(request, item)


@router.put("/media/{int:media_id}", summary="Describe an uploaded image (Mastodon)")
def media_change(request: HttpRequest, media_id: int) -> dict[str, Any]:
    data, _files = body_params(request)
    item = media_update(
        user=me(request), media_id=media_id, description=str(data.get("description", "") or "")
    )
    return s.media(request, item)
