"""Reading official clarifications: the public list, one clarification with the posts it names
(those the reader may see), and the pages a person may publish them for."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from vcnet.accounts.models import User
from vcnet.core.errors import NotFound
from vcnet.core.text import fold
from vcnet.moderation.models import Clarification, ClarificationPost, Verdict
from vcnet.moderation.services.clarifications import is_page_editor
from vcnet.social.access import visible_posts_q
from vcnet.social.models import Actor, ActorKind, PageRole, Post

__all__ = [
    "ClarificationDetail",
    "clarification_detail",
    "clarification_list",
    "clarifications_qs",
    "editable_pages",
]


def clarifications_qs() -> QuerySet[Clarification]:
    """Every clarification with its page, newest first, with how many posts it names."""
    return Clarification.objects.select_related("page").annotate(posts_total=Count("posts"))


def clarification_list(
    *,
    page: str = "",
    verdict: str = "",
    query: str = "",
    limit: int = 30,
    offset: int = 0,
) -> list[Clarification]:
    """Published clarifications, newest first; `page` is a page's handle or id, `query` is
    looked for in the title and the claim (diacritics and case ignored where the database
    allows; an exact word otherwise)."""
    rows = clarifications_qs()
    if page:
        rows = rows.filter(
            Q(page_id=int(page)) if page.isdigit() else Q(page__handle__iexact=page.lstrip("@"))
        )
    if verdict in Verdict.values:
        rows = rows.filter(verdict=verdict)
    if query.strip():
        term = query.strip()
        folded = fold(term).replace(" ", "-")
        rows = rows.filter(
            Q(title__icontains=term) | Q(claim__icontains=term) | Q(slug__icontains=folded)
        )
    return list(rows.order_by("-published_at", "-id")[offset : offset + limit])


@dataclass
class ClarificationDetail:
    """One clarification as a reader sees it: the posts it names that they may see, and whether
    they may change it."""

    clarification: Clarification
    posts: list[Post]
    can_edit: bool


def clarification_detail(viewer: User | None, slug: str) -> ClarificationDetail:
    """The clarification at `slug` (NotFound otherwise), for anyone, signed in or not."""
    clarification = clarifications_qs().filter(slug=slug).first()
    if clarification is None:
        raise NotFound(_("Clarification not found."))
    named = ClarificationPost.objects.filter(clarification=clarification).values("post_id")
    posts = list(
        Post.objects.filter(visible_posts_q(viewer), pk__in=named)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    can_edit = clarification.page.verified and is_page_editor(viewer, clarification.page)
    return ClarificationDetail(clarification=clarification, posts=posts, can_edit=can_edit)


def editable_pages(user: User | None) -> list[Actor]:
    """The verified official pages `user` edits or owns: those they may publish for."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        Actor.objects.filter(
            kind=ActorKind.PAGE,
            verified=True,
            pk__in=PageRole.objects.filter(user_id=user.pk).values("page_id"),
        ).order_by("display_name")
    )
