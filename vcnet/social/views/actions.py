"""One-click actions on posts and people: react, bookmark, share, follow, block, mute.

Each is a form POST that redirects back; under htmx it answers the fragment to swap in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.social import access
from vcnet.social.models import ReactionKind
from vcnet.social.selectors import actors as actor_selectors
from vcnet.social.selectors import posts as post_selectors
from vcnet.social.services import actors as actor_services
from vcnet.social.services import graph, interactions
from vcnet.social.views import web


def _post_done(request: HttpRequest, user: User, post_id: int) -> HttpResponse:
    """The post's fresh action bar for htmx, else a redirect back to where the reader was."""
    if web.is_htmx(request):
        post = post_selectors.post_detail(user, post_id)
        state = web.states_for(user, [post]).get(post.pk)
        return render(request, "social/_actions.html", {"post": post, "state": state})
    default = reverse("social:post", args=[post_id])
    return redirect(web.next_url(request, default))


def _fail(request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, NotFound):
        raise exc
    messages.error(request, str(exc.message))


@login_required
@require_POST
def react(request: HttpRequest, post_id: int) -> HttpResponse:
    """Set one's reaction; choosing the same one again takes it back."""
    user = cast(User, request.user)
    post = access.post_for_user(user, post_id)
    kind = request.POST.get("kind", ReactionKind.LIKE)
    if kind not in ReactionKind.values:
        kind = ReactionKind.LIKE
    state = web.states_for(user, [post]).get(post.pk)
    if state is not None and state.reaction == kind:
        interactions.reaction_remove(user=user, post_id=post.pk)
    else:
        interactions.reaction_set(user=user, post_id=post.pk, kind=kind)
    return _post_done(request, user, post.pk)


@login_required
@require_POST
def bookmark(request: HttpRequest, post_id: int) -> HttpResponse:
    """Bookmark a post, or take the bookmark away."""
    user = cast(User, request.user)
    post = access.post_for_user(user, post_id)
    state = web.states_for(user, [post]).get(post.pk)
    if state is not None and state.bookmarked:
        interactions.bookmark_remove(user=user, post_id=post.pk)
    else:
        interactions.bookmark_add(user=user, post_id=post.pk)
    return _post_done(request, user, post.pk)


@login_required
@require_POST
def share(request: HttpRequest, post_id: int) -> HttpResponse:
    """Share a post with one's followers, or quote it when a comment is given."""
    user = cast(User, request.user)
    post = access.post_for_user(user, post_id)
    comment = request.POST.get("comment", "").strip()
    try:
        interactions.post_share(user=user, post_id=post.pk, comment=comment)
    except DomainError as exc:
        _fail(request, exc)
        return redirect(web.next_url(request, reverse("social:post", args=[post.pk])))
    if comment:
        messages.success(request, _("Your post was published."))
        return redirect(web.next_url(request, reverse("social:home")))
    return _post_done(request, user, post.pk)


@login_required
@require_POST
def unshare(request: HttpRequest, post_id: int) -> HttpResponse:
    """Take back one's share of a post."""
    user = cast(User, request.user)
    post = access.post_for_user(user, post_id)
    interactions.post_unshare(user=user, post_id=post.pk)
    return _post_done(request, user, post.pk)


RELATION_ACTIONS: dict[str, Callable[..., object]] = {
    "follow": graph.follow_create,
    "unfollow": graph.follow_delete,
    "block": graph.block_create,
    "unblock": graph.block_delete,
    "mute": graph.mute_create,
    "unmute": graph.mute_delete,
}


@login_required
@require_POST
def relation(request: HttpRequest, handle: str, action: str) -> HttpResponse:
    """Follow, unfollow, block, unblock, mute or unmute a person or a page."""
    user = cast(User, request.user)
    target = actor_services.actor_get(handle)
    service = RELATION_ACTIONS.get(action)
    if service is None:
        raise NotFound(_("This page does not exist."))
    try:
        service(user=user, target_id=target.pk)
    except DomainError as exc:
        _fail(request, exc)
    if web.is_htmx(request):
        target = actor_services.actor_get(handle)
        relationship = actor_selectors.relationships(user, [target.pk]).get(target.pk)
        return render(
            request,
            "social/_relation_actions.html",
            {"actor": target, "relationship": relationship},
        )
    return redirect(web.next_url(request, reverse("social:profile", args=[target.handle])))
