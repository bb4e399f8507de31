"""Groups: public ones anyone joins, private ones that approve join requests, and unit groups."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.core.text import fold


class GroupKind(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")
    UNIT = "unit", _("Unit")


class Group(models.Model):
    """A place for posts among its members.

    Public: anyone may read and join. Private: only members read; joining is a request that a
    moderator decides. Unit: every member of `unit` is a member automatically (no row needed);
    `GroupMembership` rows there only name moderators.
    """

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=GroupKind.choices, default=GroupKind.PUBLIC
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="social_groups",
    )
    avatar = models.ImageField(_("image"), upload_to="social/groups/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    members_count = models.PositiveIntegerField(default=0)
    posts_count = models.PositiveIntegerField(default=0)
    search_text = models.CharField(max_length=300, editable=False, default="")
    # Set by the moderation app through `social.services.moderation`: a removed group is gone
    # for everyone but its moderators' own view through the moderation queue.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_reason = models.CharField(_("reason"), max_length=500, blank=True)
    labels = models.JSONField(_("labels"), default=list, blank=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ("name", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="unit", unit__isnull=False)
                | (~Q(kind="unit") & Q(unit__isnull=True)),
                name="group_unit_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.slug} {self.name}")[:300]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class GroupRole(models.TextChoices):
    MEMBER = "member", _("Member")
    MODERATOR = "moderator", _("Moderator")
    OWNER = "owner", _("Owner")


class MemberState(models.TextChoices):
    ACTIVE = "active", _("Member")
    PENDING = "pending", _("Asked to join")


class GroupMembership(models.Model):
    """A person in a group, or asking to join a private one."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    state = models.CharField(
        _("state"), max_length=10, choices=MemberState.choices, default=MemberState.ACTIVE
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groupmembership_unique"),
        ]
        indexes = [models.Index(fields=["user", "state"], name="groupmember_user_state")]

    def __str__(self) -> str:
        return f"{self.user} · {self.group} · {self.role}"
