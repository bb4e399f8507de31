"""People, the unit tree and who holds which role in which unit."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.core.text import fold


class UserManager(BaseUserManager["User"]):
    """Creates users identified by e-mail address (a phone number may be added)."""

    use_in_migrations = True

    def create_user(
        self, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        from vcnet.accounts.identifiers import normalize_email, normalize_phone

        phone = extra.pop("phone", None)
        if not email and not phone:
            raise ValueError("A user needs an e-mail address or a phone number.")
        user = self.model(
            email=normalize_email(email) if email else None,
            phone=normalize_phone(phone) if phone else None,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: an official of one or more units, or a citizen of none."""

    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("phone number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("In international form, e.g. +84912345678."),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the person may sign in to the administration site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("full_name", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        # Vietnamese names are called by their last word: "Nguyễn Văn An" → "An".
        return self.full_name.split()[-1] if self.full_name else str(self)


class UnitLevel(models.Model):
    """A level of the organisation (central, province, commune, ...), configurable by administrators."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("0 for the top level, larger below.")
    )

    class Meta:
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")
        ordering = ("rank", "code")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet["Unit"]):
    def valid_on(self, day: dt.date | None = None) -> UnitQuerySet:
        """Units that exist on `day` (today by default): units merge and split over time."""
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day) | Q(valid_from__isnull=True)).filter(
            Q(valid_to__gte=day) | Q(valid_to__isnull=True)
        )


class Unit(models.Model):
    """A unit of the organisation; units form a tree through `parent`."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.ForeignKey(
        UnitLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="units"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=30,
        help_text=_("Abbreviation used in document notations, e.g. BTGTW."),
    )
    name = models.CharField(_("name"), max_length=255)
    # Materialised path of primary keys ("/1/4/9/"), so a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="/")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Code and names folded (no diacritics, đ→d), so directory search ignores accents.
    search_text = models.CharField(max_length=400, editable=False, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ("path",)
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived index column, not a rule: kept in step with the names on every save.
        self.search_text = fold(f"{self.code} {self.short_name} {self.name}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Role(models.TextChoices):
    """What a member does in a unit."""

    OFFICIAL = "official", _("Official")
    CLERK = "clerk", _("Clerk")
    LEADER = "leader", _("Leader")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    ANALYST = "analyst", _("Opinion analyst")  # reads the aggregate opinion dashboards


class Membership(models.Model):
    """A person holding a role in a unit (one person may hold several)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICIAL)
    title = models.CharField(
        _("position"), max_length=150, blank=True, help_text=_("e.g. Deputy Head")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ("unit__path", "role", "user__full_name")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit.short_name} · {self.get_role_display()}"
