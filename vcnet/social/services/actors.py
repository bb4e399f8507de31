"""Writes on actors: a person's profile (made on first use) and the official pages of units."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.core.text import fold, nfc
from vcnet.social.models import Actor, ActorKind, PageRole, PageRoleKind

if TYPE_CHECKING:
    from django.http import HttpRequest

HANDLE_MAX = 30
_HANDLE_OK = re.compile(r"^[a-z0-9_]{2,30}$")
_NOT_HANDLE = re.compile(r"[^a-z0-9_]+")


def _handle_base(user: User) -> str:
    """A handle candidate from the e-mail local part, else the folded name, else "user"."""
    source = (user.email or "").split("@")[0] or user.full_name or ""
    base = _NOT_HANDLE.sub("_", fold(source)).strip("_")
    if len(base) < 2:
        base = f"user{user.pk}"
    return base[:24]


def _free_handle(base: str) -> str:
    """`base`, or `base` with the smallest number suffix that no actor uses yet."""
    taken = set(Actor.objects.filter(handle__startswith=base).values_list("handle", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"[:HANDLE_MAX]


def actor_for_user(user: User) -> Actor:
    """The person's actor, made on first use (handle from the e-mail local part, unique)."""
    cached = getattr(user, "_social_actor", None)
    if cached is not None:
        return cached
    actor = Actor.objects.filter(user=user).first()
    if actor is None:
        base = _handle_base(user)
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    actor = Actor.objects.create(
                        kind=ActorKind.PERSON,
                        user=user,
                        handle=_free_handle(base),
                        display_name=(user.full_name or base)[:100],
                        last_active_at=timezone.now(),  # joining the network is activity
                    )
                break
            except IntegrityError:
                actor = Actor.objects.filter(user=user).first()
                if actor is not None:
                    break
        if actor is None:  # pragma: no cover - five races in a row
            raise Conflict(_("Your profile could not be created. Please try again."))
    user._social_actor = actor  # type: ignore[attr-defined]
    return actor


def actor_get(handle_or_id: str | int) -> Actor:
    """The actor with this id or @handle; NotFound otherwise."""
    value = str(handle_or_id).strip().lstrip("@").lower()
    qs = Actor.objects.select_related("unit")
    actor = (qs.filter(pk=int(value)).first() if value.isdigit() else None) or qs.filter(
        handle=value
    ).first()
    if actor is None:
        raise NotFound(_("This profile does not exist."))
    return actor


def _plain(value: str, *, limit: int) -> str:
    """Names and bios are plain text: NFC, control characters dropped, trimmed."""
    text = "".join(ch for ch in nfc(value) if ch in "\n\t" or ch.isprintable())
    return text.strip()[:limit]


def profile_update(
    *,
    user: User,
    display_name: str | None = None,
    bio: str | None = None,
    avatar: UploadedFile | None = None,
    header: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Actor:
    """Change the person's own display name, bio, avatar or header image."""
    actor = actor_for_user(user)
    fields: set[str] = set()
    if display_name is not None:
        name = _plain(display_name, limit=100)
        if not name:
            raise DomainError(_("Please enter a display name."))
        actor.display_name = name
        fields.add("display_name")
    if bio is not None:
        actor.bio = _plain(bio, limit=500)
        fields.add("bio")
    for field, upload, side, square in (
        ("avatar", avatar, 400, True),
        ("header", header, 1500, False),
    ):
        if upload is not None:
            from vcnet.social.media_images import image_clean

            clean = image_clean(upload, max_side=side, square=square)
            getattr(actor, field).save(clean.file.name, clean.file, save=False)
            fields.add(field)
    if fields:
        with transaction.atomic():
            actor.save(update_fields=fields)
            _review(user, actor, fields, created=False)
            audit_write(
                actor=user,
                action="social.profile_update",
                obj=actor,
                data={"fields": sorted(fields)},
                request=request,
            )
    return actor


def _review(user: User, actor: Actor, fields: set[str], *, created: bool) -> None:
    """Show a changed name or bio to the moderation reviewers (they may flag, never hold)."""
    from vcnet.social import hooks

    texts = {"name": [actor.display_name], "bio": [actor.bio]}
    changed = {"name": "display_name" in fields, "bio": "bio" in fields}
    hooks.review(
        hooks.Submission(
            user=user,
            target=actor,
            texts={k: v for k, v in texts.items() if changed[k]},
            created=created,
        )
    )


# Official pages -------------------------------------------------------------------------------


def is_unit_admin(user: User, unit: Unit) -> bool:
    """Whether the user administers exactly this unit (or is staff)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user, unit=unit, role=Role.UNIT_ADMIN).exists()


def page_role_of(user: User, page: Actor) -> str | None:
    """The user's role on a page ("owner", "editor") or None."""
    if not user.is_authenticated or not page.is_page:
        return None
    return PageRole.objects.filter(page=page, user=user).values_list("role", flat=True).first()


def can_post_as(user: User, actor: Actor) -> bool:
    """Whether the user may post as this actor: their own profile, or a page they edit."""
    if not user.is_authenticated:
        return False
    if actor.kind == ActorKind.PERSON:
        return actor.user_id == user.pk
    return PageRole.objects.filter(page=actor, user=user).exists()


def can_manage_page(user: User, page: Actor) -> bool:
    """Owners of the page, administrators of its unit and staff manage its roles."""
    if not user.is_authenticated or not page.is_page:
        return False
    if user.is_staff or page_role_of(user, page) == PageRoleKind.OWNER:
        return True
    return page.unit is not None and is_unit_admin(user, page.unit)


def page_create(
    *,
    user: User,
    unit: Unit,
    handle: str,
    display_name: str,
    bio: str = "",
    request: HttpRequest | None = None,
) -> Actor:
    """Open an official page for a unit (its unit administrator or staff); the creator owns it."""
    if not is_unit_admin(user, unit):
        raise PermissionDeniedError(
            _("Only an administrator of this unit can open an official page for it.")
        )
    handle = handle.strip().lstrip("@").lower()
    if not _HANDLE_OK.match(handle):
        raise DomainError(
            _("A handle has 2 to 30 characters: letters a-z, digits and underscores.")
        )
    name = _plain(display_name, limit=100)
    if not name:
        raise DomainError(_("Please enter the page's name."))
    try:
        with transaction.atomic():
            page = Actor.objects.create(
                kind=ActorKind.PAGE,
                unit=unit,
                handle=handle,
                display_name=name,
                bio=_plain(bio, limit=500),
            )
            PageRole.objects.create(page=page, user=user, role=PageRoleKind.OWNER)
            _review(user, page, {"display_name", "bio"}, created=True)
            audit_write(
                actor=user,
                action="social.page_create",
                obj=page,
                data={"unit": unit.pk, "handle": handle},
                request=request,
            )
    except IntegrityError as exc:
        raise Conflict(_("This handle is already taken.")) from exc
    _index_actor_on_commit(page.pk)
    return page


def _index_actor_on_commit(actor_id: int) -> None:
    """Re-index the actor for search once committed (if the search part is installed)."""

    def run() -> None:
        try:
            from vcnet.social.search import actor_index
        except ImportError:  # pragma: no cover
            return
        actor_index(actor_id)

    transaction.on_commit(run)


def page_role_set(
    *,
    user: User,
    page: Actor,
    target_user: User,
    role: str | None,
    request: HttpRequest | None = None,
) -> PageRole | None:
    """Give a person a role on a page, change it, or take it away (role None)."""
    if not can_manage_page(user, page):
        raise NotFound(_("This page does not exist."))
    if role is not None and role not in PageRoleKind.values:
        raise DomainError(_("Unknown role."))
    with transaction.atomic():
        owners = PageRole.objects.select_for_update().filter(page=page, role=PageRoleKind.OWNER)
        owner_ids = set(owners.values_list("user_id", flat=True))
        if target_user.pk in owner_ids and role != PageRoleKind.OWNER and len(owner_ids) == 1:
            raise Conflict(_("A page must keep at least one owner."))
        result: PageRole | None
        if role is None:
            PageRole.objects.filter(page=page, user=target_user).delete()
            result = None
        else:
            result, _created = PageRole.objects.update_or_create(
                page=page, user=target_user, defaults={"role": role}
            )
        audit_write(
            actor=user,
            action="social.page_role_set",
            obj=page,
            data={"user": target_user.pk, "role": role},
            request=request,
        )
    return result


def page_verify(
    *, user: User, page: Actor, verified: bool, request: HttpRequest | None = None
) -> Actor:
    """Give or take away a page's verified badge (administrators only)."""
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDeniedError(_("Only administrators can verify official pages."))
    if not page.is_page:
        raise DomainError(_("Only official pages can be verified."))
    with transaction.atomic():
        page.verified = verified
        page.verified_at = timezone.now() if verified else None
        page.save(update_fields={"verified", "verified_at"})
        audit_write(
            actor=user,
            action="social.page_verify",
            obj=page,
            data={"verified": verified},
            request=request,
        )
    _index_actor_on_commit(page.pk)
    return page


def pages_for_editor(user: User) -> list[Actor]:
    """The official pages this person may post as."""
    if not user.is_authenticated:
        return []
    return list(
        Actor.objects.filter(kind=ActorKind.PAGE, roles__user=user)
        .select_related("unit")
        .order_by("display_name", "id")
    )
