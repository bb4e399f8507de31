"""Official clarifications (đính chính): a verified page states a claim, its verdict and the
explanation with sources, and names the posts that spread the claim.

Only editors and owners of a *verified* page publish them. Named posts stay visible; they carry
a label linking to the clarification, and their authors are told. Deleting a clarification takes
the labels off again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.core.text import fold
from vcnet.documents.services.common import PDF_MAGIC, pdf_info
from vcnet.moderation import kinds
from vcnet.moderation.models import Clarification, ClarificationPost, Verdict
from vcnet.notifications.services import notify_on_commit
from vcnet.social.access import post_for_user, visible_posts_q
from vcnet.social.models import Actor, ActorKind, PageRole, Post
from vcnet.social.services.moderation import post_label_drop, post_label_put
from vcnet.social.text import render_markdown

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_POSTS",
    "MAX_SOURCES",
    "VERDICT_RATING",
    "clarification_create",
    "clarification_delete",
    "clarification_for_editor",
    "clarification_link_posts",
    "clarification_unlink_post",
    "clarification_update",
    "clean_sources",
    "is_page_editor",
    "label_key",
    "public_url",
]

log = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_CLAIM = 1000
MAX_EXPLANATION = 10_000
MAX_URL = 200
MAX_SOURCES = 10
MAX_SOURCE_TITLE = 200
MAX_POSTS = 50
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
SLUG_LENGTH = 70

# schema.org Rating of a ClaimReview: 1 (worst, false) … 4 (best, true).
VERDICT_RATING: dict[str, int] = {
    Verdict.FALSE: 1,
    Verdict.MISLEADING: 2,
    Verdict.MISSING_CONTEXT: 3,
    Verdict.TRUE: 4,
}

_url_validator = URLValidator(schemes=["http", "https"])


def label_key(clarification_id: int) -> str:
    """The key of the label a clarification puts on the posts it names."""
    return f"clarification:{clarification_id}"


def public_url(clarification: Clarification) -> str:
    """The clarification's public page (a site path)."""
    return reverse("moderation:clarification", args=[clarification.slug])


# --- Who may publish -------------------------------------------------------------------------
def is_page_editor(user: User | None, page: Actor) -> bool:
    """Whether `user` is an editor or owner of the page."""
    if user is None or not user.is_authenticated or page.kind != ActorKind.PAGE:
        return False
    return PageRole.objects.filter(page_id=page.pk, user_id=user.pk).exists()


def _check_publisher(user: User, page: Actor) -> None:
    if not is_page_editor(user, page):
        raise PermissionDeniedError(
            _("Only editors of the page can publish its clarifications."), code="not_editor"
        )
    if not page.verified:
        raise PermissionDeniedError(
            _("Only verified official pages can publish clarifications."), code="not_verified"
        )


def _page(page_id: int) -> Actor:
    page = Actor.objects.filter(pk=page_id, kind=ActorKind.PAGE).first()
    if page is None:
        raise NotFound(_("Page not found."))
    return page


def clarification_for_editor(user: User, clarification_id: int) -> Clarification:
    """The clarification if `user` may change it (an editor of its verified page)."""
    clarification = Clarification.objects.select_related("page").filter(pk=clarification_id).first()
    if clarification is None:
        raise NotFound(_("Clarification not found."))
    _check_publisher(user, clarification.page)
    return clarification


# --- Validation ------------------------------------------------------------------------------
def _text(value: str, *, limit: int, empty: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(empty, code=field)
    if len(value) > limit:
        raise DomainError(
            _("This text may be at most %(max)d characters long; it has %(n)d.")
            % {"max": limit, "n": len(value)},
            code=field,
        )
    return value


def _url(value: str, *, field: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > MAX_URL:
        raise DomainError(
            _("A web address may be at most %(max)d characters long.") % {"max": MAX_URL},
            code=field,
        )
    try:
        _url_validator(value)
    except ValidationError:
        raise DomainError(
            _("“%(url)s” is not a web address: write it as https://…") % {"url": value[:100]},
            code=field,
        ) from None
    return value


def _verdict(value: str) -> str:
    if value not in Verdict.values:
        raise DomainError(
            _("Choose a verdict: false, misleading, missing context or true."), code="verdict"
        )
    return value


def clean_sources(sources: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """The sources as [{"url", "title"}]: distinct http(s) addresses, at most ten; a source
    without a title is named after its web site."""
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for raw in sources:
        url = _url(str(raw.get("url") or ""), field="sources")
        title = str(raw.get("title") or "").strip()
        if not url:
            if title:
                raise DomainError(
                    _("The source “%(title)s” has no web address.") % {"title": title[:100]},
                    code="sources",
                )
            continue
        if url in seen:
            continue
        seen.add(url)
        if len(title) > MAX_SOURCE_TITLE:
            raise DomainError(
                _("A source's title may be at most %(max)d characters long.")
                % {"max": MAX_SOURCE_TITLE},
                code="sources",
            )
        if not title:
            host = url.split("//", 1)[-1].split("/", 1)[0]
            title = host.removeprefix("www.")
        cleaned.append({"url": url, "title": title})
    if len(cleaned) > MAX_SOURCES:
        raise DomainError(
            _("A clarification may cite at most %(max)d sources.") % {"max": MAX_SOURCES},
            code="sources",
        )
    return cleaned


def _document(upload: IO[bytes], name: str) -> ContentFile[bytes]:
    """The uploaded PDF, checked by its content (not its name): at most 20 MB, readable, without
    a password."""
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if not data:
        raise DomainError(_("The file is empty."), code="document")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DomainError(
            _("The document is larger than %(mb)d MB.")
            % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
            code="document",
        )
    if not data.startswith(PDF_MAGIC):
        raise DomainError(_("Only PDF files are accepted here."), code="document")
    try:
        pdf_info(data)
    except DomainError as error:
        raise DomainError(error.message, code="document") from error
    clean = slugify(fold(name.rsplit(".", 1)[0]))[:80] or "tai-lieu"
    return ContentFile(data, name=f"{clean}.pdf")


def _slug(title: str) -> str:
    base = slugify(fold(title))[:SLUG_LENGTH].strip("-") or "dinh-chinh"
    if base == "new":  # the address of the form to publish one
        base = "dinh-chinh-new"
    taken = set(Clarification.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base[: SLUG_LENGTH - len(str(n)) - 1]}-{n}"
    return slug


# --- Labels on posts -------------------------------------------------------------------------
def _label(clarification: Clarification) -> dict[str, Any]:
    # Labels are stored text that every reader sees: written in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        verdict = str(Verdict(clarification.verdict).label)
    return {
        "kind": "clarification",
        "text": f"{verdict}: {clarification.title}"[:300],
        "url": public_url(clarification),
        "verdict": clarification.verdict,
    }


def _linkable(user: User, post_ids: Iterable[int]) -> list[Post]:
    """The posts to name: each visible to the user and readable by anyone (a public post); a
    share stands for the post it shares."""
    ids = list(dict.fromkeys(int(pid) for pid in post_ids))
    if len(ids) > MAX_POSTS:
        raise DomainError(
            _("A clarification may name at most %(max)d posts at a time.") % {"max": MAX_POSTS},
            code="posts",
        )
    posts: list[Post] = []
    for post_id in ids:
        post = post_for_user(user, post_id)
        if post.reblog_of_id is not None:
            post = post_for_user(user, post.reblog_of_id)
        if not Post.objects.filter(visible_posts_q(None), pk=post.pk).exists():
            raise DomainError(
                _(
                    "Post #%(id)d is not public: a clarification can only name posts "
                    "that everyone can read."
                )
                % {"id": post_id},
                code="posts",
            )
        if all(p.pk != post.pk for p in posts):
            posts.append(post)
    return posts


def _link(user: User, clarification: Clarification, posts: Sequence[Post]) -> list[Post]:
    """Name `posts` (already checked); returns those newly named, whose authors are told."""
    linked = set(
        ClarificationPost.objects.filter(clarification=clarification).values_list(
            "post_id", flat=True
        )
    )
    new = [post for post in posts if post.pk not in linked]
    ClarificationPost.objects.bulk_create(
        [ClarificationPost(clarification=clarification, post=post, added_by=user) for post in new]
    )
    label = _label(clarification)
    for post in new:
        post_label_put(post_id=post.pk, key=label_key(clarification.pk), label=label)
    if new:
        _tell_authors(user, clarification, new)
    return new


def _tell_authors(user: User, clarification: Clarification, posts: Sequence[Post]) -> None:
    author_ids = {post.author_id for post in posts}
    people = set(
        Actor.objects.filter(pk__in=author_ids, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    staff = set(PageRole.objects.filter(page_id__in=author_ids).values_list("user_id", flat=True))
    recipients = [uid for uid in people | staff if uid is not None]
    if not recipients:
        return
    notify_on_commit(
        recipients=recipients,
        kind=kinds.CLARIFICATION,
        title=_("%(page)s published a clarification about your post")
        % {"page": clarification.page.display_name},
        body=f"{Verdict(clarification.verdict).label}: {clarification.title}",
        url=public_url(clarification),
        actor=user,
        obj=clarification,
    )


def _relabel(clarification: Clarification) -> None:
    label = _label(clarification)
    for post_id in ClarificationPost.objects.filter(clarification=clarification).values_list(
        "post_id", flat=True
    ):
        post_label_put(post_id=post_id, key=label_key(clarification.pk), label=label)


# --- Services --------------------------------------------------------------------------------
def clarification_create(
    *,
    user: User,
    page_id: int,
    title: str,
    claim: str,
    claim_url: str = "",
    verdict: str,
    explanation: str,
    sources: Iterable[dict[str, Any]] = (),
    document: IO[bytes] | None = None,
    post_ids: Iterable[int] = (),
    request: HttpRequest | None = None,
) -> Clarification:
    """Publish a clarification of a verified page and label the posts it names."""
    page = _page(page_id)
    _check_publisher(user, page)
    title = _text(title, limit=MAX_TITLE, empty=_("Give the clarification a title."), field="title")
    claim = _text(
        claim, limit=MAX_CLAIM, empty=_("Write the claim being clarified."), field="claim"
    )
    explanation = _text(
        explanation,
        limit=MAX_EXPLANATION,
        empty=_("Explain what is true and how you know it."),
        field="explanation",
    )
    clarification = Clarification(
        page=page,
        title=title,
        claim=claim,
        claim_url=_url(claim_url, field="claim_url"),
        verdict=_verdict(verdict),
        explanation=explanation,
        html=render_markdown(explanation),
        sources=clean_sources(sources),
        created_by=user,
    )
    pdf = _document(document, getattr(document, "name", "") or "") if document else None
    with transaction.atomic():
        posts = _linkable(user, post_ids)
        clarification.slug = _slug(title)
        if pdf is not None:
            clarification.document.save(pdf.name or "tai-lieu.pdf", pdf, save=False)
        clarification.save()
        _link(user, clarification, posts)
        audit_write(
            actor=user,
            action="moderation.clarification_create",
            obj=clarification,
            data={
                "page": page.pk,
                "verdict": clarification.verdict,
                "posts": [post.pk for post in posts],
            },
            request=request,
        )
    return clarification


def clarification_update(
    *,
    user: User,
    clarification_id: int,
    title: str,
    claim: str,
    claim_url: str = "",
    verdict: str,
    explanation: str,
    sources: Iterable[dict[str, Any]] = (),
    document: IO[bytes] | None = None,
    remove_document: bool = False,
    request: HttpRequest | None = None,
) -> Clarification:
    """Correct a clarification; its address stays the same and its labels follow the change."""
    clarification = clarification_for_editor(user, clarification_id)
    title = _text(title, limit=MAX_TITLE, empty=_("Give the clarification a title."), field="title")
    claim = _text(
        claim, limit=MAX_CLAIM, empty=_("Write the claim being clarified."), field="claim"
    )
    explanation = _text(
        explanation,
        limit=MAX_EXPLANATION,
        empty=_("Explain what is true and how you know it."),
        field="explanation",
    )
    claim_url = _url(claim_url, field="claim_url")
    verdict = _verdict(verdict)
    cleaned_sources = clean_sources(sources)
    pdf = _document(document, getattr(document, "name", "") or "") if document else None
    with transaction.atomic():
        clarification = Clarification.objects.select_for_update().get(pk=clarification.pk)
        before = {"title": clarification.title, "verdict": clarification.verdict}
        old_document = clarification.document.name if (pdf or remove_document) else ""
        clarification.title, clarification.claim = title, claim
        clarification.claim_url, clarification.verdict = claim_url, verdict
        clarification.explanation = explanation
        clarification.html = render_markdown(explanation)
        clarification.sources = cleaned_sources
        clarification.updated_at = timezone.now()
        if pdf is not None:
            clarification.document.save(pdf.name or "tai-lieu.pdf", pdf, save=False)
        elif remove_document:
            clarification.document = ""
        clarification.save()
        if before != {"title": title, "verdict": verdict}:
            _relabel(clarification)
        audit_write(
            actor=user,
            action="moderation.clarification_update",
            obj=clarification,
            data={"before": before, "verdict": verdict},
            request=request,
        )
        if old_document:
            storage = clarification.document.storage
            transaction.on_commit(lambda: storage.delete(old_document))
    return clarification


def clarification_link_posts(
    *,
    user: User,
    clarification_id: int,
    post_ids: Iterable[int],
    request: HttpRequest | None = None,
) -> list[Post]:
    """Name more posts in a clarification; returns the posts newly named (already named ones
    are left as they are)."""
    clarification = clarification_for_editor(user, clarification_id)
    with transaction.atomic():
        posts = _linkable(user, post_ids)
        if not posts:
            raise DomainError(_("Name at least one post."), code="posts")
        new = _link(user, clarification, posts)
        audit_write(
            actor=user,
            action="moderation.clarification_link",
            obj=clarification,
            data={"posts": [post.pk for post in new]},
            request=request,
        )
    return new


def clarification_unlink_post(
    *,
    user: User,
    clarification_id: int,
    post_id: int,
    request: HttpRequest | None = None,
) -> None:
    """Stop naming a post in a clarification and take its label off."""
    clarification = clarification_for_editor(user, clarification_id)
    with transaction.atomic():
        deleted, _rows = ClarificationPost.objects.filter(
            clarification=clarification, post_id=post_id
        ).delete()
        if not deleted:
            raise NotFound(_("This clarification does not name that post."))
        post_label_drop(post_id=post_id, key=label_key(clarification.pk))
        audit_write(
            actor=user,
            action="moderation.clarification_unlink",
            obj=clarification,
            data={"post": post_id},
            request=request,
        )


def clarification_delete(
    *, user: User, clarification_id: int, request: HttpRequest | None = None
) -> None:
    """Withdraw a clarification: its labels come off the posts it named."""
    clarification = clarification_for_editor(user, clarification_id)
    with transaction.atomic():
        key = label_key(clarification.pk)
        for post_id in ClarificationPost.objects.filter(clarification=clarification).values_list(
            "post_id", flat=True
        ):
            post_label_drop(post_id=post_id, key=key)
        audit_write(
            actor=user,
            action="moderation.clarification_delete",
            obj=clarification,
            data={"title": clarification.title, "slug": clarification.slug},
            request=request,
        )
        document = clarification.document.name
        storage = clarification.document.storage
        clarification.delete()
        if document:
            transaction.on_commit(lambda: storage.delete(document))
