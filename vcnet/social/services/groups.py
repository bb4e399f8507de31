"""Writes and rules of groups: creating, joining, deciding requests, roles, pinned posts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.core.text import fold, nfc
from vcnet.notifications.services import notify_on_commit
from vcnet.social import access, hooks, kinds
from vcnet.social.models import Group, GroupKind, GroupMembership, GroupRole, MemberState, Post
from vcnet.social.services.moderation import actor_sanction_check

if TYPE_CHECKING:
    from django.http import HttpRequest

_SLUG_OK = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")


def _signed_in(user: User | None) -> bool:
    return user is not None and user.is_authenticated


def _unit_ids(user: User) -> set[int]:
    cached = getattr(user, "_social_unit_ids", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("unit_id", flat=True))
        user._social_unit_ids = cached  # type: ignore[attr-defined]
    return set(cached)


def _membership(user: User, group: Group) -> GroupMembership | None:
    return GroupMembership.objects.filter(group=group, user=user).first()


def is_group_member(user: User | None, group: Group) -> bool:
    """Whether the person is a member: an active row, or (unit group) any role in its unit."""
    return access.can_post_in_group(user, group)


def group_moderators(group: Group) -> set[int]:
    """User ids of the group's owners and moderators (and, for a unit group, its unit admins)."""
    ids = set(
        GroupMembership.objects.filter(
            group=group, state=MemberState.ACTIVE, role__in=access.MODERATOR_ROLES
        ).values_list("user_id", flat=True)
    )
    if group.kind == GroupKind.UNIT and group.unit_id is not None:
        ids |= set(
            Membership.objects.filter(unit_id=group.unit_id, role=Role.UNIT_ADMIN).values_list(
                "user_id", flat=True
            )
        )
    return ids


def is_group_moderator(user: User | None, group: Group) -> bool:
    """Whether the person moderates this group (exactly this one): `access.moderated_groups_q`."""
    return access.is_group_moderator(user, group.pk)


def is_group_owner(user: User | None, group: Group) -> bool:
    """Whether the person owns the group (or administers a unit group's unit)."""
    if user is None or not user.is_authenticated:
        return False
    if (
        group.kind == GroupKind.UNIT
        and Membership.objects.filter(
            user=user, unit_id=group.unit_id or 0, role=Role.UNIT_ADMIN
        ).exists()
    ):
        return True
    return GroupMembership.objects.filter(
        group=group, user=user, state=MemberState.ACTIVE, role=GroupRole.OWNER
    ).exists()


def group_readable(user: User | None, group: Group) -> bool:
    """Whether the person may read the group's posts (public: anyone; else members); a group
    removed by moderators is gone for everyone."""
    if group.removed_at is not None:
        return False
    return group.kind == GroupKind.PUBLIC or is_group_member(user, group)


def groups_for_user(user: User | None) -> QuerySet[Group]:
    """The groups the person belongs to, including the unit groups of their units."""
    if user is None or not user.is_authenticated:
        return Group.objects.none()
    return Group.objects.filter(
        Q(memberships__user=user, memberships__state=MemberState.ACTIVE)
        | Q(kind=GroupKind.UNIT, unit_id__in=_unit_ids(user))
    ).distinct()


def groups_directory(user: User | None, q: str = "") -> QuerySet[Group]:
    """Groups one may find: public and private ones, and the unit groups of one's own units.

    Private groups are listed (name and description only) so that people can ask to join;
    their posts and members stay hidden from non-members.
    """
    cond = Q(kind__in=[GroupKind.PUBLIC, GroupKind.PRIVATE])
    if user is not None and user.is_authenticated:
        cond |= Q(kind=GroupKind.UNIT, unit_id__in=_unit_ids(user))
    qs = Group.objects.filter(cond, removed_at__isnull=True).select_related("unit")
    folded = fold(q)
    if folded:
        qs = qs.filter(Q(search_text__contains=folded) | Q(description__icontains=q.strip()))
    return qs.order_by("-members_count", "name", "id")


def group_get(user: User | None, slug_or_id: str | int) -> Group:
    """The group by slug or id if the person may see it (any group's page: readers only)."""
    value = str(slug_or_id)
    qs = Group.objects.select_related("unit")
    group = (qs.filter(pk=int(value)).first() if value.isdigit() else None) or qs.filter(
        slug=value
    ).first()
    if group is None or not group_readable(user, group):
        raise NotFound(_("This group does not exist."))
    return group


def group_findable(user: User | None, slug_or_id: str | int) -> Group:
    """A group one may ask to join: public, private, or a unit group of one's units."""
    value = str(slug_or_id)
    group = (
        groups_directory(user)
        .filter(Q(slug=value) | Q(pk=int(value) if value.isdigit() else 0))
        .first()
    )
    if group is None:
        raise NotFound(_("This group does not exist."))
    return group


# Writes ---------------------------------------------------------------------------------------


def group_create(
    *,
    user: User,
    name: str,
    slug: str,
    kind: str,
    description: str = "",
    unit: Unit | None = None,
    request: HttpRequest | None = None,
) -> Group:
    """Open a group; its creator owns it. Unit groups: administrators of that unit or staff."""
    if not _signed_in(user):
        raise PermissionDeniedError(_("Please sign in first."))
    actor_sanction_check(user)
    if kind not in GroupKind.values:
        raise DomainError(_("Unknown kind of group."))
    slug = slug.strip().lower()
    if not _SLUG_OK.match(slug):
        raise DomainError(_("An address has 3 to 60 characters: letters a-z, digits and hyphens."))
    name = " ".join(nfc(name).split())[:120]
    if not name:
        raise DomainError(_("Please enter the group's name."))
    if kind == GroupKind.UNIT:
        if unit is None:
            raise DomainError(_("Please choose the unit of this group."))
        if not (
            user.is_staff
            or Membership.objects.filter(user=user, unit=unit, role=Role.UNIT_ADMIN).exists()
        ):
            raise PermissionDeniedError(
                _("Only an administrator of this unit can open a group for it.")
            )
    else:
        unit = None
    try:
        with transaction.atomic():
            group = Group.objects.create(
                slug=slug,
                name=name,
                description=nfc(description).strip()[:2000],
                kind=kind,
                unit=unit,
                created_by=user,
                members_count=(
                    Membership.objects.filter(unit=unit).values("user").distinct().count()
                    if unit is not None
                    else 1
                ),
            )
            GroupMembership.objects.create(group=group, user=user, role=GroupRole.OWNER)
            hooks.review(
                hooks.Submission(
                    user=user,
                    target=group,
                    texts={"group_name": [group.name], "group_description": [group.description]},
                )
            )
            audit_write(
                actor=user,
                action="social.group_create",
                obj=group,
                data={"kind": kind, "unit": unit.pk if unit else None},
                request=request,
            )
    except IntegrityError as exc:
        raise Conflict(_("This address is already taken.")) from exc
    _index_on_commit(group.pk)
    return group


def _index_on_commit(group_id: int) -> None:
    def run() -> None:
        from vcnet.social.search import group_index

        group_index(group_id)

    transaction.on_commit(run)


def _group_url(group: Group, name: str = "social:group") -> str:
    return reverse(name, kwargs={"slug": group.slug})


def group_join(
    *, user: User, group_id: int, message: str = "", request: HttpRequest | None = None
) -> GroupMembership:
    """Join a public group, or ask to join a private one (its moderators are told)."""
    if not _signed_in(user):
        raise PermissionDeniedError(_("Please sign in first."))
    actor_sanction_check(user)
    group = group_findable(user, group_id)
    if group.kind == GroupKind.UNIT:
        raise DomainError(_("Everyone in the unit belongs to its group automatically."))
    existing = _membership(user, group)
    if existing is not None:
        return existing
    private = group.kind == GroupKind.PRIVATE
    try:
        with transaction.atomic():
            membership = GroupMembership.objects.create(
                group=group,
                user=user,
                state=MemberState.PENDING if private else MemberState.ACTIVE,
                message=nfc(message).strip()[:300] if private else "",
            )
            if private:
                notify_on_commit(
                    recipients=group_moderators(group),
                    kind=kinds.GROUP_REQUEST,
                    title=_("%(name)s asks to join %(group)s.")
                    % {"name": user.full_name, "group": group.name},
                    body=membership.message,
                    url=_group_url(group, "social:group_requests"),
                    actor=user,
                    obj=group,
                )
            else:
                Group.objects.filter(pk=group.pk).update(members_count=F("members_count") + 1)
    except IntegrityError:
        return GroupMembership.objects.get(group=group, user=user)
    return membership


def group_request_decide(
    *, user: User, membership_id: int, accept: bool, request: HttpRequest | None = None
) -> GroupMembership | None:
    """Accept or refuse a request to join (moderators of that group); the asker is told."""
    membership = (
        GroupMembership.objects.select_related("group", "user")
        .filter(pk=membership_id, state=MemberState.PENDING)
        .first()
    )
    if membership is None or not is_group_moderator(user, membership.group):
        raise NotFound(_("This request does not exist."))
    group = membership.group
    with transaction.atomic():
        if accept:
            membership.state = MemberState.ACTIVE
            membership.decided_by = user
            membership.save(update_fields=["state", "decided_by"])
            Group.objects.filter(pk=group.pk).update(members_count=F("members_count") + 1)
            title = _("You are now a member of %(group)s.") % {"group": group.name}
        else:
            membership.delete()
            title = _("Your request to join %(group)s was declined.") % {"group": group.name}
        audit_write(
            actor=user,
            action="social.group_request_decide",
            obj=group,
            data={"user": membership.user_id, "accept": accept},
            request=request,
        )
        notify_on_commit(
            recipients=[membership.user_id],
            kind=kinds.GROUP_DECISION,
            title=title,
            url=_group_url(group) if accept else reverse("social:groups"),
            actor=user,
            obj=group,
        )
    return membership if accept else None


def _remove(membership: GroupMembership) -> None:
    was_active = membership.state == MemberState.ACTIVE
    membership.delete()
    if was_active and membership.group.kind != GroupKind.UNIT:
        Group.objects.filter(pk=membership.group_id, members_count__gt=0).update(
            members_count=F("members_count") - 1
        )


def group_leave(*, user: User, group_id: int, request: HttpRequest | None = None) -> None:
    """Leave a group (or withdraw a request); the last owner cannot leave."""
    membership = (
        GroupMembership.objects.select_related("group").filter(group_id=group_id, user=user).first()
    )
    if membership is None:
        raise NotFound(_("You are not a member of this group."))
    with transaction.atomic():
        if (
            membership.role == GroupRole.OWNER
            and not GroupMembership.objects.filter(group_id=group_id, role=GroupRole.OWNER)
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise Conflict(_("Make someone else an owner before you leave the group."))
        _remove(membership)


def group_member_role_set(
    *,
    user: User,
    group_id: int,
    target_user_id: int,
    role: str | None,
    request: HttpRequest | None = None,
) -> GroupMembership | None:
    """Change a member's role, or remove them (role None).

    Owners set any role; moderators may only remove plain members.
    """
    group = Group.objects.filter(pk=group_id).first()
    if group is None or not is_group_moderator(user, group):
        raise NotFound(_("This group does not exist."))
    if role is not None and role not in GroupRole.values:
        raise DomainError(_("Unknown role."))
    owner = is_group_owner(user, group)
    target = GroupMembership.objects.filter(group=group, user_id=target_user_id).first()
    if target is None and group.kind == GroupKind.UNIT and role is not None:
        if not Membership.objects.filter(
            user_id=target_user_id, unit_id=group.unit_id or 0
        ).exists():
            raise NotFound(_("This person is not a member of the group."))
        target = GroupMembership(group=group, user_id=target_user_id)
    if target is None or (target.state != MemberState.ACTIVE and role is not None):
        raise NotFound(_("This person is not a member of the group."))
    removing_member = role is None and target.role == GroupRole.MEMBER
    if not owner and not removing_member:
        raise PermissionDeniedError(_("Only the group's owners can change roles."))
    with transaction.atomic():
        if target.pk and target.role == GroupRole.OWNER and role != GroupRole.OWNER:
            others = GroupMembership.objects.filter(group=group, role=GroupRole.OWNER).exclude(
                pk=target.pk
            )
            if not others.exists():
                raise Conflict(_("A group must keep at least one owner."))
        result: GroupMembership | None
        if role is None:
            if target.pk:
                _remove(target)
            result = None
        else:
            target.role = role
            target.save()
            result = target
        audit_write(
            actor=user,
            action="social.group_role_set",
            obj=group,
            data={"user": target_user_id, "role": role},
            request=request,
        )
    return result


def group_post_pin(
    *, user: User, post_id: int, pinned: bool, request: HttpRequest | None = None
) -> Post:
    """Pin a post at the top of its group, or unpin it (that group's moderators only)."""
    post = Post.objects.select_related("group").filter(pk=post_id, group__isnull=False).first()
    if post is None or post.group is None or not group_readable(user, post.group):
        raise NotFound(_("This post does not exist."))
    if not is_group_moderator(user, post.group):
        raise PermissionDeniedError(_("Only the group's moderators can pin posts."))
    if post.in_reply_to_id is not None or post.reblog_of_id is not None:
        raise DomainError(_("Only posts, not comments or shares, can be pinned."))
    with transaction.atomic():
        post.pinned_at = timezone.now() if pinned else None
        post.save(update_fields=["pinned_at"])
        audit_write(
            actor=user,
            action="social.group_post_pin",
            obj=post,
            data={"group": post.group_id, "pinned": pinned},
            request=request,
        )
    return post
