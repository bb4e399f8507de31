"""Case files, saved searches and inter-agency exchange."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.documents.models.config import private_storage
from vcnet.documents.models.document import Document

__all__ = [
    "CaseFile",
    "CaseFileItem",
    "ExchangeMessage",
    "ExchangePartner",
    "SavedSearch",
]


class CaseFile(models.Model):
    """A case file (hồ sơ công việc): groups documents of one piece of work; a document may sit
    in several without being copied (Appendix VI III.4)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    notation = models.CharField(_("file notation"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    retention = models.CharField(_("retention period"), max_length=30, blank=True)
    rights = models.CharField(_("access regime"), max_length=30, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    documents: models.ManyToManyField[Document, CaseFileItem] = models.ManyToManyField(
        Document, through="CaseFileItem", related_name="case_files"
    )

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        ordering = ("-year", "notation")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "notation"], name="casefile_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notation} · {self.title}"


class CaseFileItem(models.Model):
    case_file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    ordinal = models.PositiveSmallIntegerField(_("position in the file"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("case_file", "ordinal")
        constraints = [
            models.UniqueConstraint(fields=["case_file", "document"], name="casefile_unique_doc")
        ]

    def __str__(self) -> str:
        return f"{self.case_file_id}#{self.ordinal}"


class SavedSearch(models.Model):
    """A search someone wants to run again, with its filters."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    params = models.JSONField(_("filters"), default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="savedsearch_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ExchangePartner(models.Model):
    """An organisation outside VCNET reached through a document-exchange hub."""

    organ_id = models.CharField(_("organisation identifier"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=200)
    adapter = models.CharField(
        _("hub format"), max_length=30, default="edxml", help_text=_("e.g. edxml (QCVN 102:2016).")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("exchange partner")
        verbose_name_plural = _("exchange partners")
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} ({self.organ_id})"


class ExchangeMessage(models.Model):
    """A package or status message sent to or received from an exchange hub, kept verbatim."""

    class Kind(models.TextChoices):
        PACKAGE = "package", _("Document package")
        STATUS = "status", _("Status message")

    class Way(models.TextChoices):
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    way = models.CharField(max_length=10, choices=Way.choices)
    adapter = models.CharField(max_length=30, default="edxml")
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="exchange_messages"
    )
    from_organ_id = models.CharField(max_length=13, blank=True)
    to_organ_id = models.CharField(max_length=13, blank=True)
    edxml_id = models.CharField(_("edXML DocumentId"), max_length=100, blank=True)
    status_code = models.CharField(max_length=2, blank=True)
    payload = models.FileField(upload_to="exchange/%Y/%m/", storage=private_storage)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("exchange message")
        verbose_name_plural = _("exchange messages")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["edxml_id"], name="exchange_docid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_id} {self.status_code}"
