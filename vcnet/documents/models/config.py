"""Vocabulary and configuration: types, unit profiles, abbreviations, registers, delegations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = [
    "Confidentiality",
    "Delegation",
    "Direction",
    "DocumentType",
    "IssuerAbbreviation",
    "NotationStyle",
    "Priority",
    "Register",
    "RegisterCounter",
    "RegisterPeriod",
    "SigningMode",
    "Source",
    "Status",
    "UnitProfile",
    "private_storage",
]


def private_storage():  # type: ignore[no-untyped-def]
    """Files of documents are never served by the public media URL: only through checked views."""
    return storages["private"]


# --- Vocabulary -----------------------------------------------------------------------------


class Direction(models.TextChoices):
    INCOMING = "in", _("Incoming")
    OUTGOING = "out", _("Outgoing")


class NotationStyle(models.TextChoices):
    """State style `15/QĐ-BTG` (Decree 30) or Party style `123-CV/BTGTW` (HD 36-HD/VPTW)."""

    STATE = "state", _("State (Decree 30)")
    PARTY = "party", _("Party (Guideline 36)")


class Priority(models.IntegerChoices):
    """Urgency; the numbers are edXML's OtherInfo/Priority codes."""

    NORMAL = 0, pgettext_lazy("priority", "Normal")
    URGENT = 1, _("Urgent (Khẩn)")
    VERY_URGENT = 2, _("Very urgent (Thượng khẩn)")
    EXPRESS = 3, _("Express (Hỏa tốc)")
    EXPRESS_TIMED = 4, _("Express, timed (Hỏa tốc hẹn giờ)")


class Confidentiality(models.IntegerChoices):
    NORMAL = 0, pgettext_lazy("confidentiality", "Normal")
    SECRET = 1, _("Secret (Mật)")
    TOP_SECRET = 2, _("Top secret (Tối mật)")
    ABSOLUTE_SECRET = 3, _("Absolutely secret (Tuyệt mật)")


class Status(models.TextChoices):
    """A document's lifecycle state; `workflow.py` holds the allowed transitions.

    Incoming states line up with the edXML status codes (see `EDXML_STATUS`).
    """

    # incoming
    RECEIVED = "received", _("Received, not registered")
    RETURNED = "returned", _("Returned to sender")
    REGISTERED = "registered", _("Registered")
    DIRECTING = "directing", _("Awaiting direction")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Completed")
    # outgoing
    DRAFT = "draft", _("Draft")
    CONTENT_REVIEW = "content_review", _("Content review")
    LAYOUT_REVIEW = "layout_review", _("Layout check")
    SIGNER_REVIEW = "signer_review", _("Approval by the signer")
    TO_SIGN = "to_sign", _("To sign")
    TO_ISSUE = "to_issue", _("To number and issue")
    ISSUED = "issued", _("Issued")
    # both
    RECALLED = "recalled", _("Recalled")


class SigningMode(models.TextChoices):
    """Decree 30 Art. 13: who signs and in whose name."""

    DIRECT = "", _("The head signs")
    KT = "KT.", _("KT. (deputy on behalf of the head)")
    TM = "TM.", _("TM. (on behalf of the collective)")
    TL = "TL.", _("TL. (by order)")
    TUQ = "TUQ.", _("TUQ. (by written delegation)")
    Q = "Q.", _("Q. (acting head)")


class Source(models.TextChoices):
    UPLOAD = "upload", _("Uploaded by the registry")
    INTERNAL = "internal", _("Delivered inside VCNET")
    EXCHANGE = "exchange", _("Inter-agency exchange")
    DRAFTED = "drafted", _("Drafted here")


# --- Configuration: types, registers, unit profiles -----------------------------------------


class DocumentType(models.Model):
    """A kind of document (Decree 30 Appendix III; Party Guideline 36) with its abbreviations."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(
        _("abbreviation (state)"),
        max_length=10,
        blank=True,
        help_text=_("e.g. QĐ; empty for official letters (công văn)."),
    )
    party_abbreviation = models.CharField(
        _("abbreviation (Party)"), max_length=10, blank=True, help_text=_("e.g. QĐi, CV.")
    )
    normative = models.BooleanField(
        _("own number series"),
        default=False,
        help_text=_("Normative documents are numbered in a series of their own type."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name

    def abbreviation_for(self, style: str) -> str:
        if style == NotationStyle.PARTY:
            return self.party_abbreviation or self.abbreviation
        return self.abbreviation

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class UnitProfile(models.Model):
    """How a unit acts as a registry: exchange identifier, notation style, place name."""

    unit = models.OneToOneField(
        "accounts.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="eoffice_profile",
    )
    organ_id = models.CharField(
        _("organisation identifier"),
        max_length=13,
        blank=True,
        help_text=_("QCVN 102:2016 code such as 000.00.00.H41, for inter-agency exchange."),
    )
    style = models.CharField(
        _("notation style"),
        max_length=10,
        choices=NotationStyle.choices,
        default=NotationStyle.STATE,
    )
    place = models.CharField(
        _("place name"), max_length=50, blank=True, help_text=_("e.g. Hà Nội, for the date line.")
    )

    class Meta:
        verbose_name = _("e-office profile")
        verbose_name_plural = _("e-office profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["organ_id"], condition=~Q(organ_id=""), name="unitprofile_unique_organ_id"
            )
        ]

    def __str__(self) -> str:
        return str(self.unit)


class IssuerAbbreviation(models.Model):
    """The abbreviation a unit signs with between two dates (abbreviations change after mergers)."""

    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="issuer_abbreviations",
    )
    abbreviation = models.CharField(_("abbreviation"), max_length=20)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer abbreviation")
        verbose_name_plural = _("issuer abbreviations")
        ordering = ("unit", "-valid_from")

    def __str__(self) -> str:
        return self.abbreviation


class RegisterPeriod(models.TextChoices):
    YEAR = "year", _("Calendar year (from 01 on 1 January)")
    TERM = "term", _("Congress term")


class Register(models.Model):
    """A register (sổ văn bản) of one unit: its documents are numbered in one gapless series."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="registers"
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    name = models.CharField(_("name"), max_length=150)
    confidential = models.BooleanField(
        _("for confidential documents"), default=False, help_text=_("Decree 30 Art. 15.2.")
    )
    doc_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("only for this type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("A separate series for one normative document type."),
    )
    period = models.CharField(
        _("numbering period"),
        max_length=10,
        choices=RegisterPeriod.choices,
        default=RegisterPeriod.YEAR,
    )
    term_start = models.DateField(
        _("term start"), null=True, blank=True, help_text=_("For numbering per congress term.")
    )
    notation_pattern = models.CharField(
        _("notation pattern"),
        max_length=60,
        blank=True,
        help_text=_(
            "Empty for the unit's style; otherwise e.g. {number}/{type}-{issuer} "
            "with {number}, {number02}, {type}, {issuer}, {drafting}."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ("unit", "direction", "confidential", "name")

    def __str__(self) -> str:
        return self.name


class RegisterCounter(models.Model):
    """The last number given in a register for one period; locked while the next is taken."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="counters")
    period_key = models.CharField(max_length=20)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["register", "period_key"], name="counter_unique_period")
        ]

    def __str__(self) -> str:
        return f"{self.register_id}/{self.period_key}: {self.last_number}"


class Delegation(models.Model):
    """A written, time-limited TUQ. delegation of signing authority; it cannot be passed on."""

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    grantor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegated by"),
        on_delete=models.PROTECT,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegated to"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    scope = models.CharField(_("scope"), max_length=500)
    reference = models.CharField(
        _("written decision"), max_length=100, help_text=_("Number and notation of the decision.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delegation (TUQ.)")
        verbose_name_plural = _("delegations (TUQ.)")
        ordering = ("-valid_from",)
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="delegation_valid_range"
            ),
            models.CheckConstraint(
                condition=~Q(grantor=models.F("delegate")), name="delegation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"TUQ. {self.grantor} → {self.delegate}"
