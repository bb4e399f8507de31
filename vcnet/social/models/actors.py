"""Actors - a person's profile or an official page of a unit - and the graph between them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.core.text import fold
from vcnet.social.models.base import Versioned


class ActorKind(models.TextChoices):
    PERSON = "person", _("Person")
    PAGE = "page", _("Official page")


class Actor(Versioned):
    """Anyone who posts and can be followed: a person's profile, or an official page of a unit.

    This is a Mastodon "account". A person has exactly one actor (`user`); a page belongs to a
    unit (`unit`) and is run by the people holding a `PageRole` on it. Only administrators set
    `verified` (the blue badge).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ActorKind.choices)
    handle = models.CharField(
        _("handle"),
        max_length=30,
        unique=True,
        help_text=_("Letters a-z, digits and underscores; shown as @handle."),
    )
    display_name = models.CharField(_("display name"), max_length=100)
    bio = models.TextField(_("about"), max_length=500, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="social/avatars/%Y/%m/", blank=True)
    header = models.ImageField(_("header image"), upload_to="social/headers/%Y/%m/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actor",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pages",
    )
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Denormalised counters, kept by the services that change them (F() updates).
    followers_count = models.PositiveIntegerField(default=0)
    following_count = models.PositiveIntegerField(default=0)
    posts_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)
    # Refreshed at most every few minutes; fan-out only reaches people active in the last 7 days.
    last_active_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # fold(handle + display name), for diacritic-free lookups and @mention completion.
    search_text = models.CharField(max_length=200, editable=False, default="")
    # Sanctions, set by the moderation app through `social.services.moderation`:
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    banned_at = models.DateTimeField(_("banned at"), null=True, blank=True)
    sanction_reason = models.CharField(_("reason"), max_length=500, blank=True)
    labels = models.JSONField(_("labels"), default=list, blank=True)

    # Not shown on the account: changing only these keeps the cached account (social.cards).
    UNVERSIONED = frozenset({"last_active_at", "search_text"})

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ("display_name", "id")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="person", user__isnull=False, unit__isnull=True))
                | Q(kind="page", user__isnull=True, unit__isnull=False),
                name="actor_person_or_page",
            )
        ]
        indexes = [models.Index(fields=["kind", "verified"], name="actor_kind_verified")]

    def __str__(self) -> str:
        return f"{self.display_name} (@{self.handle})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived index column, not a rule: kept in step with the names on every save.
        self.search_text = fold(f"{self.handle} {self.display_name}")[:200]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_page(self) -> bool:
        return self.kind == ActorKind.PAGE


class PageRoleKind(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")


class PageRole(models.Model):
    """A person who may post as an official page (editor) or also manage its roles (owner)."""

    page = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="page_roles"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=PageRoleKind.choices, default=PageRoleKind.EDITOR
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("page role")
        verbose_name_plural = _("page roles")
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="pagerole_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.page.handle} · {self.role}"


class Follow(models.Model):
    """`follower` sees `target`'s posts in their home feed."""

    follower = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="following_set")
    target = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="followers_set")
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["follower", "target"], name="follow_unique"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("target")), name="follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["target", "follower"], name="follow_target")]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.target_id}"


class Block(models.Model):
    """`actor` blocks `target`: neither sees the other's posts, and follows between them end."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="blocks")
    target = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["actor", "target"], name="block_unique"),
        ]
        indexes = [models.Index(fields=["target", "actor"], name="block_target")]

    def __str__(self) -> str:
        return f"{self.actor_id} ⊘ {self.target_id}"


class Mute(models.Model):
    """`actor` no longer sees `target`'s posts (and, if asked, their notifications); they aren't told."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="mutes")
    target = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="muted_by")
    hide_notifications = models.BooleanField(_("hide notifications"), default=True)
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("mute")
        verbose_name_plural = _("mutes")
        constraints = [
            models.UniqueConstraint(fields=["actor", "target"], name="mute_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} 🔇 {self.target_id}"


class MutedWord(models.Model):
    """A word or phrase whose posts `actor` does not want to see (matched without diacritics)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="muted_words")
    phrase = models.CharField(_("word or phrase"), max_length=100)
    folded = models.CharField(max_length=100, editable=False)
    whole_word = models.BooleanField(_("whole word only"), default=True)
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("muted word")
        verbose_name_plural = _("muted words")
        constraints = [
            models.UniqueConstraint(fields=["actor", "folded"], name="mutedword_unique"),
        ]

    def __str__(self) -> str:
        return self.phrase

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.folded = fold(self.phrase)[:100]
        super().save(*args, **kwargs)
