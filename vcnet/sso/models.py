"""The directory of registered applications and the state the provider keeps about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from vcnet.accounts.models import Role


class AppProfile(models.Model):
    """What VCNET knows about a registered OAuth/OIDC application beyond DOT's own fields."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    icon = models.CharField(
        _("icon name"),
        max_length=40,
        blank=True,
        help_text=_("The name of an icon of VCNET's icon set, used when there is no image."),
    )
    icon_image = models.ImageField(_("icon image"), upload_to="sso/icons/", blank=True)
    description = models.TextField(_("description"), blank=True)
    launch_url = models.URLField(
        _("launch address"),
        max_length=500,
        blank=True,
        help_text=_(
            "Where the launcher sends people; empty keeps the application off the launcher."
        ),
    )
    first_party = models.BooleanField(
        _("first-party"),
        default=False,
        help_text=_("Run by the organisation itself: people are not asked for consent."),
    )
    backchannel_logout_uri = models.URLField(
        _("back-channel logout address"),
        max_length=500,
        blank=True,
        help_text=_("VCNET posts a signed logout token here when a person signs out."),
    )
    allowed_units = models.ManyToManyField(
        "accounts.Unit",
        verbose_name=_("allowed units"),
        blank=True,
        related_name="+",
        help_text=_("Members of these units and of the units below them may use it."),
    )
    allowed_roles = models.JSONField(
        _("allowed roles"),
        default=list,
        blank=True,
        help_text=_("Only people holding one of these roles may use it."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application profile")
        verbose_name_plural = _("application profiles")
        ordering = ("application__name",)

    def __str__(self) -> str:
        return self.application.name

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.allowed_roles]


class Consent(models.Model):
    """A person's remembered consent for a third-party application and a set of scopes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_consents"
    )
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    scopes = models.TextField(_("scopes"), default="")
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="sso_consent_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.application}"


class RpSession(models.Model):
    """An application a person signed into during one VCNET session (for back-channel logout)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_rp_sessions"
    )
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sid = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("signed-in application")
        verbose_name_plural = _("signed-in applications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application", "sid"], name="sso_rpsession_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.application} · {self.sid[:8]}"


class GrantSession(models.Model):
    """The VCNET session (`sid`) an authorization code was issued in, for the ID token it buys."""

    grant = models.OneToOneField(
        oauth2_settings.GRANT_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sid = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.sid[:8]
