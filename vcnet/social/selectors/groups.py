"""Reads on groups: members, moderators, pending requests."""

from __future__ import annotations

from django.db.models import QuerySet

from vcnet.accounts.models import Membership, User
from vcnet.social.models import Group, GroupKind, GroupMembership, MemberState


def group_members(group: Group, *, limit: int = 200) -> list[User]:
    """The group's members, moderators included (a unit group: everyone in its unit)."""
    if group.kind == GroupKind.UNIT:
        ids = Membership.objects.filter(unit_id=group.unit_id or 0).values("user_id")
        return list(User.objects.filter(pk__in=ids).order_by("full_name", "id")[:limit])
    return list(
        User.objects.filter(
            group_memberships__group=group, group_memberships__state=MemberState.ACTIVE
        ).order_by("full_name", "id")[:limit]
    )


def group_staff(group: Group) -> QuerySet[GroupMembership]:
    """The rows naming the group's owners and moderators."""
    return (
        GroupMembership.objects.filter(
            group=group, state=MemberState.ACTIVE, role__in=["owner", "moderator"]
        )
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def group_requests(group: Group) -> QuerySet[GroupMembership]:
    """Pending requests to join the group, oldest first."""
    return (
        GroupMembership.objects.filter(group=group, state=MemberState.PENDING)
        .select_related("user")
        .order_by("created_at", "id")
    )


def membership_of(user: User | None, group: Group) -> GroupMembership | None:
    """The person's row in the group (active or pending), if any."""
    if user is None or not user.is_authenticated:
        return None
    return GroupMembership.objects.filter(group=group, user=user).first()
