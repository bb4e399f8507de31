"""The social network's reading pages: feeds, profiles, a post with its comments, bookmarks."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vcnet.accounts.models import Membership, Unit, User
from vcnet.core.errors import DomainError
from vcnet.core.text import fold
from vcnet.social import access, feeds
from vcnet.social.forms import ComposeForm, ProfileForm, ReplyForm
from vcnet.social.models import Post
from vcnet.social.selectors import actors as actor_selectors
from vcnet.social.selectors import posts as post_selectors
from vcnet.social.selectors.interactions import bookmarks_for
from vcnet.social.services import actors as actor_services

PAGE_SIZE = 20
MORE_TARGET = "feed-more"


# --- helpers other social views share -------------------------------------------------------


def viewer(request: HttpRequest) -> User | None:
    """The signed-in user, or None for an anonymous reader."""
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def int_arg(request: HttpRequest, name: str) -> int | None:
    """A positive integer query parameter, or None when absent or malformed."""
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go after a form: the posted `next` when it is a local address, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def is_more_request(request: HttpRequest) -> bool:
    """True when htmx asks for the next page of a feed (the sentinel at its end)."""
    return is_htmx(request) and request.headers.get("HX-Target") == MORE_TARGET


def states_for(user: User | None, posts: list[Post]) -> dict[int, Any]:
    """The viewer's state of each post and of each shared original, in a constant number of queries."""
    if user is None or not posts:
        return {}
    shown = list(posts) + [p.reblog_of for p in posts if p.reblog_of_id and p.reblog_of]
    return access.viewer_state(user, shown)


def more_url(request: HttpRequest, page: Any) -> str | None:
    """The address of the next (older) page of a feed, keeping the other query parameters."""
    query = request.GET.copy()
    if getattr(page, "next_offset", None):
        query["offset"] = str(page.next_offset)
    elif page.next_max_id and page.posts:
        query["max_id"] = str(page.next_max_id)
    else:
        return None
    return f"{request.path}?{query.urlencode()}"


def render_feed(
    request: HttpRequest, template: str, page: Any, context: dict[str, Any] | None = None
) -> HttpResponse:
    """A page with a feed; only the next posts and a new sentinel when htmx scrolls for more."""
    user = viewer(request)
    ctx = {
        "page": page,
        "states": states_for(user, page.posts),
        "more_url": more_url(request, page),
        **(context or {}),
    }
    if is_more_request(request):
        return render(request, "social/_feed_items.html", ctx)
    return render(request, template, ctx)


def compose_form_for(
    user: User, *, data: Any = None, files: Any = None, **initial: Any
) -> ComposeForm:
    """The compose form with the pages the user may post as and the units they belong to."""
    units = list(
        Unit.objects.filter(pk__in=Membership.objects.filter(user=user).values("unit_id")).order_by(
            "name"
        )
    )
    pages = list(actor_services.pages_for_editor(user))
    return ComposeForm(data, files, pages=pages, units=units, initial=initial or None)


# --- feeds ----------------------------------------------------------------------------------


def home(request: HttpRequest, form: ComposeForm | None = None) -> HttpResponse:
    """Compose and the home feed; anonymous readers see the official pages and an invitation."""
    user = viewer(request)
    max_id = int_arg(request, "max_id")
    if user is None:
        page = feeds.feed_pages(None, max_id=max_id, limit=PAGE_SIZE)
        return render_feed(request, "social/home.html", page, {"tab": "home"})
    actor_services.actor_for_user(user)
    page = feeds.feed_home(user, max_id=max_id, limit=PAGE_SIZE)
    form = form or compose_form_for(user)
    return render_feed(
        request,
        "social/home.html",
        page,
        {"tab": "home", "form": form, "action_url": reverse("social:compose")},
    )


def public(request: HttpRequest) -> HttpResponse:
    """Everyone's public posts, newest first."""
    page = feeds.feed_public(viewer(request), max_id=int_arg(request, "max_id"), limit=PAGE_SIZE)
    return render_feed(request, "social/feed.html", page, {"tab": "public", "title": _("Everyone")})


def pages_feed(request: HttpRequest) -> HttpResponse:
    """Posts of the official pages."""
    page = feeds.feed_pages(viewer(request), max_id=int_arg(request, "max_id"), limit=PAGE_SIZE)
    return render_feed(
        request, "social/feed.html", page, {"tab": "pages", "title": _("Official pages")}
    )


def trending(request: HttpRequest) -> HttpResponse:
    """Posts drawing the most engagement in the last two days."""
    page = feeds.feed_trending(
        viewer(request), offset=int_arg(request, "offset") or 0, limit=PAGE_SIZE
    )
    return render_feed(
        request, "social/feed.html", page, {"tab": "trending", "title": _("Trending")}
    )


def tag(request: HttpRequest, tag: str) -> HttpResponse:
    """Posts carrying a hashtag (matched without diacritics)."""
    page = feeds.feed_hashtag(
        viewer(request),
        fold(tag).replace(" ", ""),
        max_id=int_arg(request, "max_id"),
        limit=PAGE_SIZE,
    )
    return render_feed(request, "social/feed.html", page, {"tab": "tag", "title": f"#{tag}"})


# --- profiles -------------------------------------------------------------------------------


def profile(request: HttpRequest, handle: str) -> HttpResponse:
    """A person's or a page's profile: header, bio, follow buttons and their posts."""
    user = viewer(request)
    actor = actor_services.actor_get(handle)
    with_replies = request.GET.get("tab") == "replies"
    page = feeds.feed_actor(
        user, actor, max_id=int_arg(request, "max_id"), limit=PAGE_SIZE, with_replies=with_replies
    )
    relationship = None
    own = False
    if user is not None:
        me = actor_services.actor_for_user(user)
        own = me.pk == actor.pk
        if not own:
            relationship = actor_selectors.relationships(user, [actor.pk]).get(actor.pk)
    return render_feed(
        request,
        "social/profile.html",
        page,
        {"actor": actor, "relationship": relationship, "own": own, "with_replies": with_replies},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Change one's display name, bio, avatar and header image."""
    user = cast(User, request.user)
    actor = actor_services.actor_for_user(user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actor = actor_services.profile_update(
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    bio=form.cleaned_data["bio"],
                    avatar=form.cleaned_data["avatar"] or None,
                    header=form.cleaned_data["header"] or None,
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("social:profile", handle=actor.handle)
    else:
        form = ProfileForm(initial={"display_name": actor.display_name, "bio": actor.bio})
    return render(request, "social/profile_edit.html", {"form": form, "actor": actor})


# --- one post -------------------------------------------------------------------------------


def thread_tree(root: Post, comments: list[Post]) -> list[tuple[Post, list[Post]]]:
    """Comments on `root` each with their replies (one level), in order."""
    children: dict[int, list[Post]] = {}
    top: list[Post] = []
    for comment in comments:
        if comment.in_reply_to_id == root.pk:
            top.append(comment)
        else:
            children.setdefault(cast(int, comment.in_reply_to_id), []).append(comment)
    return [(c, children.get(c.pk, [])) for c in top]


def post_detail(
    request: HttpRequest, post_id: int, reply_form: ReplyForm | None = None
) -> HttpResponse:
    """A post with its comments, a comment form and its edit history."""
    user = viewer(request)
    post = post_selectors.post_detail(user, post_id)
    if post.reblog_of_id:
        return redirect("social:post", post_id=post.reblog_of_id)
    if post.thread_root_id and post.thread_root_id != post.pk:
        root_url = reverse("social:post", args=[post.thread_root_id])
        return HttpResponseRedirect(f"{root_url}#post-{post.pk}")
    comments = post_selectors.post_thread(user, post)
    states = states_for(user, [post, *comments])
    history = post_selectors.post_history(user, post.pk) if post.edited_at else []
    return render(
        request,
        "social/post_detail.html",
        {
            "post": post,
            "state": states.get(post.pk),
            "states": states,
            "thread": thread_tree(post, comments),
            "history": history,
            "reply_form": reply_form or ReplyForm(),
        },
        status=400 if reply_form is not None else 200,
    )


@login_required
def bookmarks(request: HttpRequest) -> HttpResponse:
    """The posts one has bookmarked, newest first."""
    user = cast(User, request.user)
    qs = bookmarks_for(user)
    max_id = int_arg(request, "max_id")
    if max_id:
        qs = qs.filter(id__lt=max_id)
    ids = list(qs.order_by("-id").values_list("id", flat=True)[:PAGE_SIZE])
    posts = post_selectors.posts_hydrate(user, ids)
    page = feeds.FeedPage(
        posts=posts,
        next_max_id=ids[-1] if len(ids) == PAGE_SIZE else None,
        prev_min_id=ids[0] if ids else None,
    )
    return render_feed(
        request, "social/feed.html", page, {"tab": "bookmarks", "title": _("Bookmarks")}
    )
