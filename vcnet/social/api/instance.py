"""The server's description (`/api/v1/instance`, `/api/v2/instance`) and Mastodon's empty lists."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from vcnet.social.api.common import OPTIONAL_AUTH, me
from vcnet.social.api.router import router, router_v2
from vcnet.social.models import Actor, Post

# Mastodon.py and the apps read this to decide which calls exist.
MASTODON_VERSION = "4.3.0 (compatible; VCNET 0.1)"
MAX_CHARACTERS = 5000
MAX_MEDIA = 4
MAX_POLL_OPTIONS = 4


def _domain(request: HttpRequest) -> str:
    return urlsplit(str(settings.SITE_URL)).netloc or request.get_host()


def _configuration() -> dict[str, Any]:
    max_bytes = int(getattr(settings, "SOCIAL_MEDIA_MAX_BYTES", 10 * 1024 * 1024))
    return {
        "urls": {"streaming": None},
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        "statuses": {
            "max_characters": MAX_CHARACTERS,
            "max_media_attachments": MAX_MEDIA,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/webp", "image/gif"],
            "image_size_limit": max_bytes,
            "image_matrix_limit": 40_000_000,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {
            "max_options": MAX_POLL_OPTIONS,
            "max_characters_per_option": 100,
            "min_expiration": 300,
            "max_expiration": 2_678_400,
        },
        "translation": {"enabled": False},
        "vapid": {"public_key": ""},
    }


def _title() -> str:
    return _("VCNET social network")


def _description() -> str:
    return _("Share, discuss and spread the policies of the unit.")


@router.get("/instance", auth=OPTIONAL_AUTH, summary="Server information, v1 (Mastodon)")
def instance_v1(request: HttpRequest) -> dict[str, Any]:
    """Mastodon's V1::Instance."""
    return {
        "uri": _domain(request),
        "title": _title(),
        "short_description": _description(),
        "description": _description(),
        "email": getattr(settings, "DEFAULT_FROM_EMAIL", ""),
        "version": MASTODON_VERSION,
        "urls": {"streaming_api": None},
        "stats": {
            "user_count": Actor.objects.filter(kind="person").count(),
            "status_count": Post.objects.count(),
            "domain_count": 1,
        },
        "thumbnail": request.build_absolute_uri(settings.STATIC_URL + "core/icons/icon-512.png"),
        "languages": ["vi", "en"],
        "registrations": True,
        "approval_required": False,
        "invites_enabled": False,
        "configuration": _configuration(),
        "contact_account": None,
        "rules": [],
    }


@router_v2.get("/instance", auth=OPTIONAL_AUTH, summary="Server information, v2 (Mastodon)")
def instance_v2(request: HttpRequest) -> dict[str, Any]:
    """Mastodon's Instance (v2)."""
    return {
        "domain": _domain(request),
        "title": _title(),
        "version": MASTODON_VERSION,
        "source_url": "https://github.com/vcnet",
        "description": _description(),
        "usage": {"users": {"active_month": Actor.objects.filter(kind="person").count()}},
        "thumbnail": {
            "url": request.build_absolute_uri(settings.STATIC_URL + "core/icons/icon-512.png")
        },
        "languages": ["vi", "en"],
        "configuration": _configuration(),
        "registrations": {"enabled": True, "approval_required": False, "message": None},
        "api_versions": {"mastodon": 2},
        "contact": {"email": getattr(settings, "DEFAULT_FROM_EMAIL", ""), "account": None},
        "rules": [],
    }


@router.get("/custom_emojis", auth=OPTIONAL_AUTH, summary="Custom emojis (none)")
def custom_emojis(request: HttpRequest) -> list[Any]:
    return []


@router.get("/filters", summary="Filters v1 (none; use muted words)")
def filters_v1(request: HttpRequest) -> list[Any]:
    me(request)
    return []


@router_v2.get("/filters", summary="Filters v2 (none; use muted words)")
def filters_v2(request: HttpRequest) -> list[Any]:
    me(request)
    return []


@router.get("/markers", summary="Read markers (none kept)")
def markers(request: HttpRequest) -> dict[str, Any]:
    me(request)
    return {}


@router.get("/announcements", summary="Announcements (none)")
def announcements(request: HttpRequest) -> list[Any]:
    return []


@router.get("/preferences", summary="Posting and reading preferences")
def preferences(request: HttpRequest) -> dict[str, Any]:
    me(request)
    return {
        "posting:default:visibility": "public",
        "posting:default:sensitive": False,
        "posting:default:language": "vi",
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    }


# Mastodon.py asks for these with a trailing slash.
router.get(
    "/instance/", auth=OPTIONAL_AUTH, include_in_schema=False, operation_id="instance_v1_slash"
)(instance_v1)
router_v2.get(
    "/instance/", auth=OPTIONAL_AUTH, include_in_schema=False, operation_id="instance_v2_slash"
)(instance_v2)
