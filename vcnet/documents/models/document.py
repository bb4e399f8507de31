"""Documents, their files and their deliveries to recipients."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.documents.models.config import (
    Confidentiality,
    Delegation,
    Direction,
    DocumentType,
    Priority,
    Register,
    SigningMode,
    Source,
    Status,
    private_storage,
)

__all__ = [
    "EDXML_STATUS",
    "Delivery",
    "Document",
    "DocumentFile",
    "FileKind",
]


# --- Documents ------------------------------------------------------------------------------


class Document(models.Model):
    """One unit's copy of an official document, incoming or outgoing (Decree 30 Appendix VI)."""

    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, db_index=False
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("The unit whose register holds this copy."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    register = models.ForeignKey(
        Register, verbose_name=_("register"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Appendix VI fields
    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("type"), null=True, blank=True, on_delete=models.PROTECT
    )
    code_number = models.CharField(_("number"), max_length=11, blank=True)
    code_notation = models.CharField(_("notation"), max_length=30, blank=True)
    issued_date = models.DateField(_("issue date"), null=True, blank=True)
    organ_name = models.CharField(_("issuing organisation"), max_length=200, blank=True)
    organ_id = models.CharField(_("issuer identifier"), max_length=13, blank=True)
    place = models.CharField(_("place"), max_length=50, blank=True)
    subject = models.CharField(_("subject (trích yếu)"), max_length=500)
    language = models.CharField(_("language"), max_length=30, default="vi")
    page_amount = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    description = models.CharField(_("notes"), max_length=500, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=50, blank=True)
    signing_mode = models.CharField(
        _("signing mode"), max_length=5, choices=SigningMode.choices, blank=True, default=""
    )
    on_behalf_of = models.CharField(
        _("on behalf of"), max_length=150, blank=True, help_text=_("e.g. TM. BAN THƯỜNG VỤ")
    )
    priority = models.PositiveSmallIntegerField(
        _("urgency"), choices=Priority.choices, default=Priority.NORMAL
    )
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality"), choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("due time"), null=True, blank=True, help_text=_("For express documents with a set time.")
    )
    issued_amount = models.PositiveSmallIntegerField(_("copies"), null=True, blank=True)
    recipients_text = models.CharField(
        _("recipients (nơi nhận)"), max_length=1000, blank=True, help_text=_("As printed.")
    )
    # Incoming
    arrival_number = models.PositiveIntegerField(_("arrival number"), null=True, blank=True)
    arrival_date = models.DateTimeField(_("arrival time"), null=True, blank=True)
    registered_year = models.CharField(
        _("numbering period"),
        max_length=20,
        blank=True,
        help_text=_("The register period the number belongs to (a year, or a term)."),
    )
    to_places = models.CharField(_("routed to"), max_length=1000, blank=True)
    origin = models.ForeignKey(
        "self",
        verbose_name=_("sent as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text=_("The outgoing document this incoming copy was delivered from."),
    )
    in_reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    # Outgoing
    drafting_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("drafting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delegation = models.ForeignKey(
        Delegation, verbose_name=_("delegation"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Bookkeeping
    content_hash = models.CharField(_("SHA-256 of the main file"), max_length=64, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    directed_at = models.DateTimeField(_("directed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True)
    frozen = models.BooleanField(_("frozen"), default=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["unit", "direction", "-created_at"], name="doc_unit_dir_created"),
            models.Index(fields=["unit", "status"], name="doc_unit_status"),
            models.Index(fields=["organ_name", "code_number", "code_notation"], name="doc_dup"),
            models.Index(fields=["content_hash"], name="doc_hash"),
            models.Index(fields=["issued_date"], name="doc_issued_date"),
        ]
        constraints = [
            # One number per register and year: the numbering service guarantees it, the
            # database enforces it.
            models.UniqueConstraint(
                fields=["register", "arrival_number", "registered_year"],
                condition=Q(arrival_number__isnull=False),
                name="doc_unique_arrival_number",
            ),
            models.UniqueConstraint(
                fields=["register", "code_number", "registered_year"],
                condition=Q(direction="out") & ~Q(code_number=""),
                name="doc_unique_code_number",
            ),
        ]

    def __str__(self) -> str:
        return self.code or self.subject[:80]

    @property
    def code(self) -> str:
        """Number and notation as written: `15/QĐ-BTG` or `123-CV/BTGTW`.

        Party notations carry a slash (`CV/BTGTW`) and take a hyphen after the number; state
        notations (`QĐ-BTG`) have none and take a slash.
        """
        if self.code_number and self.code_notation:
            sep = "-" if "/" in self.code_notation else "/"
            return f"{self.code_number}{sep}{self.code_notation}"
        return self.code_notation or self.code_number

    @property
    def is_incoming(self) -> bool:
        return self.direction == Direction.INCOMING

    @property
    def urgent(self) -> bool:
        return self.priority >= Priority.URGENT

    def deadline(self) -> dt.datetime | None:
        if self.due_at:
            return self.due_at
        if self.due_date:
            return timezone.make_aware(dt.datetime.combine(self.due_date, dt.time(23, 59, 59)))
        return None


class FileKind(models.TextChoices):
    MAIN = "main", _("Main document")
    ATTACHMENT = "attachment", _("Attachment")
    RESULT = "result", _("Handling result")
    SIGNED = "signed", _("Signed version")
    COPY = "copy", _("Electronic copy")


class DocumentFile(models.Model):
    """A file of a document; a new upload of the same slot is a new version, the old ones kept."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=FileKind.choices)
    slot = models.PositiveSmallIntegerField(
        default=0, help_text=_("Which attachment this is a version of; 0 for the main file.")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    current = models.BooleanField(_("current version"), default=True)
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", storage=private_storage)
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    page_amount = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        ordering = ("document", "kind", "slot", "-version")
        indexes = [models.Index(fields=["sha256"], name="docfile_hash")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Delivery(models.Model):
    """One recipient of an outgoing document and how far its copy has got there."""

    class Kind(models.TextChoices):
        MAIN = "main", _("For action")
        COPY = "copy", _("For information")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.MAIN)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("recipient unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organ_id = models.CharField(_("recipient identifier"), max_length=13, blank=True)
    organ_name = models.CharField(_("recipient"), max_length=200)
    incoming = models.OneToOneField(
        Document,
        verbose_name=_("recipient's copy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delivery",
    )
    # edXML status codes: 01 arrived, 02 rejected, 03 registered, 04 assigned, 05 in progress,
    # 06 done, 13 withdrawn, 15/16 recall accepted/refused; "" not sent yet.
    status_code = models.CharField(_("status"), max_length=2, blank=True)
    status_note = models.CharField(_("note"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    status_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ("document", "id")

    def __str__(self) -> str:
        return self.organ_name


EDXML_STATUS = {
    "01": _("Arrived"),
    "02": _("Rejected"),
    "03": _("Registered"),
    "04": _("Assigned"),
    "05": _("In progress"),
    "06": _("Done"),
    "13": _("Withdrawn"),
    "15": _("Recall accepted"),
    "16": _("Recall refused"),
}
