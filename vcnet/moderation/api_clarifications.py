"""Moderation API: official clarifications under /api/v1/moderation/clarifications.

- GET    /clarifications                       published clarifications (public, no sign-in)
- GET    /clarifications/{slug}                one, with the posts it names and its ClaimReview
- POST   /clarifications                       publish {page_id, title, claim, claim_url, verdict,
                                               explanation, sources, post_ids} → 201
- POST   /clarifications/{id}/posts            name more posts {post_ids}
- DELETE /clarifications/{id}/posts/{post_id}  stop naming a post → 204
- POST   /clarifications/{id}/document         attach its PDF (multipart, field `document`)

Publishing needs an editor of a verified page (403 otherwise); a post one may not see is 404,
a post that is not public 400.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from vcnet.accounts.models import User
from vcnet.core.api_auth import current_user
from vcnet.moderation import jsonld, selectors_clarifications
from vcnet.moderation.models import Clarification
from vcnet.moderation.services import clarifications as services
from vcnet.moderation.services.clarifications import MAX_POSTS, VERDICT_RATING, public_url

router = Router(tags=["moderation"])

MAX_LIMIT = 100


def _user(request: HttpRequest) -> User:
    user: User = current_user(request)
    return user


def _viewer(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


class ClarificationSourceIn(Schema):
    """A source the clarification cites."""

    url: str = Field(description="An http(s) address.")
    title: str = Field("", description="Its title; the web site's name when empty.")


class ClarificationSourceOut(Schema):
    """A source the clarification cites."""

    url: str
    title: str


class ClarificationPageOut(Schema):
    """The official page that published the clarification."""

    id: int
    handle: str
    display_name: str
    verified: bool


class ClarificationOut(Schema):
    """A published clarification."""

    id: int
    slug: str
    url: str = Field(description="Its public page.")
    page: ClarificationPageOut
    title: str
    claim: str
    claim_url: str = Field(description="Where the claim first appeared (may be empty).")
    verdict: str = Field(description="false, misleading, missing_context or true.")
    verdict_label: str
    rating_value: int = Field(description="1 (false) … 4 (true), as in its ClaimReview.")
    explanation: str = Field(description="Markdown, as written.")
    html: str = Field(description="The explanation as safe HTML.")
    sources: list[ClarificationSourceOut]
    document_url: str | None = Field(description="The PDF it cites, if any.")
    published_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_url(obj: Clarification) -> str:
        return public_url(obj)

    @staticmethod
    def resolve_verdict_label(obj: Clarification) -> str:
        return str(obj.get_verdict_display())

    @staticmethod
    def resolve_rating_value(obj: Clarification) -> int:
        return VERDICT_RATING[obj.verdict]

    @staticmethod
    def resolve_document_url(obj: Clarification) -> str | None:
        if not obj.document:
            return None
        return reverse("moderation:clarification_document", args=[obj.slug])


class ClarificationDetailOut(ClarificationOut):
    """A clarification with the posts it names (those the caller may see) and its ClaimReview."""

    post_ids: list[int]
    can_edit: bool
    claim_review: dict[str, Any] = Field(description="schema.org ClaimReview (JSON-LD).")


class ClarificationIn(Schema):
    """A new clarification of a verified page."""

    page_id: int
    title: str = Field(max_length=200)
    claim: str = Field(max_length=1000)
    claim_url: str = ""
    verdict: str = Field(description="false, misleading, missing_context or true.")
    explanation: str = Field(max_length=10_000, description="Markdown.")
    sources: list[ClarificationSourceIn] = Field(default_factory=list)
    post_ids: list[int] = Field(default_factory=list, max_length=MAX_POSTS)


class ClarificationPostsIn(Schema):
    """Posts to name in a clarification."""

    post_ids: list[int] = Field(min_length=1, max_length=MAX_POSTS)


class ClarificationListParams(Schema):
    """Filters of the list."""

    page: str = Field("", description="A page's handle or id.")
    verdict: str = Field("", description="false, misleading, missing_context or true.")
    q: str = Field("", max_length=100, description="Words of the title or the claim.")
    limit: int = Field(30, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _detail(request: HttpRequest, slug: str) -> Clarification:
    """The clarification with what `ClarificationDetailOut` adds, as attributes."""
    detail = selectors_clarifications.clarification_detail(_viewer(request), slug)
    item = detail.clarification
    item.post_ids = [post.pk for post in detail.posts]  # type: ignore[attr-defined]
    item.can_edit = detail.can_edit  # type: ignore[attr-defined]
    item.claim_review = jsonld.claim_review(  # type: ignore[attr-defined]
        item, posts=detail.posts, absolute=request.build_absolute_uri
    )
    return item


@router.get(
    "",
    response=list[ClarificationOut],
    auth=None,
    summary="Published clarifications",
    description="Public, newest first.",
)
def clarifications_list(
    request: HttpRequest, params: Query[ClarificationListParams]
) -> list[Clarification]:
    """Published clarifications, filtered by page, verdict or words."""
    return selectors_clarifications.clarification_list(
        page=params.page,
        verdict=params.verdict,
        query=params.q,
        limit=params.limit,
        offset=params.offset,
    )


@router.get(
    "/{slug}",
    response=ClarificationDetailOut,
    auth=None,
    summary="One clarification",
    description="Public. `post_ids` lists the named posts the caller may see.",
)
def clarification_get(request: HttpRequest, slug: str) -> Clarification:
    """One clarification by its address."""
    return _detail(request, slug)


@router.post(
    "",
    response={201: ClarificationDetailOut},
    summary="Publish a clarification",
    description="For editors of a verified page (403 otherwise).",
)
def clarification_create(request: HttpRequest, data: ClarificationIn) -> Status:
    """Publish a clarification and label the posts it names."""
    item = services.clarification_create(
        user=_user(request),
        page_id=data.page_id,
        title=data.title,
        claim=data.claim,
        claim_url=data.claim_url,
        verdict=data.verdict,
        explanation=data.explanation,
        sources=[source.dict() for source in data.sources],
        post_ids=data.post_ids,
        request=request,
    )
    return Status(201, _detail(request, item.slug))


@router.post(
    "/{int:clarification_id}/posts",
    response=ClarificationDetailOut,
    summary="Name more posts",
    description="Each post gets the clarification's label; already named posts are skipped.",
)
def clarification_link_posts(
    request: HttpRequest, clarification_id: int, data: ClarificationPostsIn
) -> Clarification:
    """Name more posts in a clarification."""
    user = _user(request)
    services.clarification_link_posts(
        user=user, clarification_id=clarification_id, post_ids=data.post_ids, request=request
    )
    item = services.clarification_for_editor(user, clarification_id)
    return _detail(request, item.slug)


@router.delete(
    "/{int:clarification_id}/posts/{int:post_id}",
    response={204: None},
    summary="Stop naming a post",
)
def clarification_unlink_post(request: HttpRequest, clarification_id: int, post_id: int) -> Status:
    """Take the clarification's label off a post."""
    services.clarification_unlink_post(
        user=_user(request), clarification_id=clarification_id, post_id=post_id, request=request
    )
    return Status(204, None)


@router.post(
    "/{int:clarification_id}/document",
    response=ClarificationOut,
    summary="Attach the source PDF",
    description="Multipart with a `document` field: a readable PDF of at most 20 MB.",
)
def clarification_document(
    request: HttpRequest, clarification_id: int, document: File[UploadedFile]
) -> Clarification:
    """Attach (or replace) the PDF a clarification cites."""
    user = _user(request)
    item = services.clarification_for_editor(user, clarification_id)
    return services.clarification_update(
        user=user,
        clarification_id=item.pk,
        title=item.title,
        claim=item.claim,
        claim_url=item.claim_url,
        verdict=item.verdict,
        explanation=item.explanation,
        sources=item.sources,
        document=document,
        request=request,
    )
