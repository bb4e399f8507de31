"""The social network's demo, loaded once by `vcnet seed --demo` after the organisation's.

Everything goes through the services, as people would do it: each demo unit's administrator
opens its official page, gives its leader and clerk the editor role, an administrator verifies
it; the pages post about policy topics (with pictures drawn here and a poll), citizens and
officials follow the pages, comment and react; a public group and a unit group get posts. Rate
limits are suspended while loading: these people post far faster than anyone would.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.demo import Writer, demo_email
from vcnet.accounts.identifiers import normalize_email
from vcnet.accounts.models import Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.models import AuditEntry
from vcnet.core.ratelimit import rate_limits_suspended
from vcnet.social.demo_data import (
    BIOS,
    FOLLOWS,
    GROUPS,
    PAGES,
    PERSON_FOLLOWS,
    POSTS,
    DemoPost,
)
from vcnet.social.models import Actor, Group, Post

LOADED_ACTION = "social.demo_load"
ADMIN = "quantri"
_PAGE_HANDLES = {page.handle for page in PAGES}


def social_demo_loaded() -> bool:
    return AuditEntry.objects.filter(action=LOADED_ACTION).exists()


class _People:
    """Demo people by e-mail local part (or "+84..." phone), fetched once each."""

    def __init__(self) -> None:
        self._cache: dict[str, User] = {}

    def __call__(self, key: str) -> User:
        if key not in self._cache:
            if key.startswith("+"):
                self._cache[key] = User.objects.get(phone=key)
            else:
                self._cache[key] = User.objects.get(email=normalize_email(demo_email(key)))
        return self._cache[key]


def picture(description: str, seed: int) -> io.BytesIO:
    """A 1200x675 PNG drawn with Pillow: a gradient with shapes, different for each seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 (a picture, not a secret)
    width, height = 1200, 675
    top = (rng.randint(120, 220), rng.randint(20, 90), rng.randint(30, 80))
    bottom = (rng.randint(230, 255), rng.randint(180, 230), rng.randint(60, 140))
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for _i in range(6):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(40, 180)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=6)
    draw.polygon([(60, 600), (200, 380), (340, 600)], fill=(255, 213, 79))  # a yellow star-ish mark
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "demo.png"
    return buffer


def _pages_load(person: _People) -> dict[str, Actor]:
    from vcnet.social.services.actors import page_create, page_role_set, page_verify

    pages: dict[str, Actor] = {}
    admin = person(ADMIN)
    for spec in PAGES:
        creator = person(spec.creator)
        page = page_create(
            user=creator,
            unit=Unit.objects.get(code=spec.unit),
            handle=spec.handle,
            display_name=spec.display_name,
            bio=spec.bio,
        )
        for editor in spec.editors:
            page_role_set(user=creator, page=page, target_user=person(editor), role="editor")
        pages[spec.handle] = page_verify(user=admin, page=page, verified=True)
    return pages


def _follows_load(person: _People, pages: dict[str, Actor]) -> int:
    from vcnet.social.services.actors import actor_for_user, profile_update
    from vcnet.social.services.graph import follow_create

    for key, bio in BIOS.items():
        profile_update(user=person(key), bio=bio)
    count = 0
    for handle, followers in FOLLOWS.items():
        for key in followers:
            follow_create(user=person(key), target_id=pages[handle].pk)
            count += 1
    for key, target in PERSON_FOLLOWS:
        follow_create(user=person(key), target_id=actor_for_user(person(target)).pk)
        count += 1
    return count


def _groups_load(person: _People) -> dict[str, Group]:
    from vcnet.social.services.groups import group_create, group_join

    groups: dict[str, Group] = {}
    for spec in GROUPS:
        unit = Unit.objects.get(code=spec.unit) if spec.unit else None
        group = group_create(
            user=person(spec.creator),
            name=spec.name,
            slug=spec.slug,
            kind=spec.kind,
            description=spec.description,
            unit=unit,
        )
        for key in spec.members:
            group_join(user=person(key), group_id=group.pk)
        groups[spec.slug] = group
    return groups


def _author(person: _People, pages: dict[str, Actor], spec: DemoPost) -> tuple[User, Actor | None]:
    """Who writes the post: the page's clerk (as the page), or the person themself."""
    if spec.author in _PAGE_HANDLES:
        page_spec = next(p for p in PAGES if p.handle == spec.author)
        return person(page_spec.editors[-1]), pages[spec.author]
    return person(spec.author), None


def _post_load(
    person: _People,
    pages: dict[str, Actor],
    groups: dict[str, Group],
    spec: DemoPost,
    seed: int,
) -> tuple[Post, int]:
    from vcnet.social.services.interactions import reaction_set
    from vcnet.social.services.media import media_upload
    from vcnet.social.services.polls import PollSpec
    from vcnet.social.services.posts import post_create

    user, as_actor = _author(person, pages, spec)
    media_ids = []
    if spec.image:
        media = media_upload(user=user, file=picture(spec.image, seed), description=spec.image)
        media_ids.append(media.pk)
    kwargs: dict[str, Any] = {}
    if spec.group:
        kwargs["group"] = groups[spec.group]
    if spec.poll:
        kwargs["poll"] = PollSpec(options=list(spec.poll), expires_in=7 * 86_400)
    post = post_create(
        user=user,
        text=spec.text,
        as_actor=as_actor,
        visibility=spec.visibility,
        media_ids=media_ids,
        **kwargs,
    )
    extra = 0
    for key, text in spec.comments:
        post_create(user=person(key), text=text, in_reply_to=post)
        extra += 1
    for key, kind in spec.reactions:
        reaction_set(user=person(key), post_id=post.pk, kind=kind)
    return post, extra


def _spread_in_time(post_ids: list[int]) -> None:
    """Date the posts over the last ten days, oldest first, comments minutes after their post."""
    now = timezone.now()
    step = dt.timedelta(days=10) / max(1, len(post_ids))
    for index, post_id in enumerate(post_ids):
        when = now - step * (len(post_ids) - index)
        Post.objects.filter(pk=post_id).update(created_at=when)
        comments = (
            Post.objects.filter(thread_root_id=post_id).order_by("id").values_list("id", flat=True)
        )
        for offset, comment_id in enumerate(comments, start=1):
            Post.objects.filter(pk=comment_id).update(
                created_at=min(now, when + dt.timedelta(minutes=17 * offset))
            )


def load_demo(stdout: Writer) -> None:
    """Load the social network's demo once; later runs only say that it is there."""
    if social_demo_loaded():
        stdout.write(_("The social network demo is already loaded; nothing was changed.") + "\n")
        return
    if not Unit.objects.filter(code=PAGES[0].unit).exists():
        stdout.write(_("Social network demo skipped: the demo organisation is not loaded.") + "\n")
        return
    person = _People()
    with rate_limits_suspended(), transaction.atomic():
        pages = _pages_load(person)
        follows = _follows_load(person, pages)
        groups = _groups_load(person)
        posts: list[Post] = []
        comments = 0
        for seed, spec in enumerate(POSTS):
            post, extra = _post_load(person, pages, groups, spec, seed)
            posts.append(post)
            comments += extra
        _spread_in_time([post.pk for post in posts])
        audit_write(
            actor=None,
            action=LOADED_ACTION,
            data={"pages": len(pages), "posts": len(posts), "comments": comments},
        )
    lines = [
        _("Social network demo loaded:"),
        _("%(n)d verified official pages, e.g. @%(handle)s")
        % {"n": len(pages), "handle": PAGES[0].handle},
        _("%(posts)d posts and %(comments)d comments, with reactions, pictures and a poll")
        % {"posts": len(posts), "comments": comments},
        _("%(n)d follows, %(groups)d groups (a public one and a unit group)")
        % {"n": follows, "groups": len(groups)},
        _("Try %(citizen)s: a citizen who follows the pages; search for “chuyen doi so”.")
        % {"citizen": demo_email("khoabv")},
    ]
    stdout.write("\n".join([lines[0], *(f"  {line}" for line in lines[1:])]) + "\n")
