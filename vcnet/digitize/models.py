"""Scans, OCR jobs, import batches and field corrections (see vcnet.digitize).

A `ScanJob` is one uploaded scan on its way to a searchable PDF with its register fields read;
an `ImportBatch` is a zip or several files imported in one go, one `ImportItem` per file; a
`FieldCorrection` keeps what the registry changed in a field the machine read, so the accuracy
of the extraction can be measured on real documents.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vcnet.digitize.errors import ERRORS, STAGES
from vcnet.documents.models import private_storage


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Reading")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScanJob(models.Model):
    """One uploaded scan: OCR into a searchable PDF, its text, and the register fields read."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="scan_jobs",
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        "digitize.ImportBatch",
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    name = models.CharField(_("file name"), max_length=255)
    original = models.FileField(
        _("original scan"), upload_to="digitize/scans/%Y/%m/", storage=private_storage
    )
    original_type = models.CharField(_("original type"), max_length=40, blank=True)
    original_sha256 = models.CharField(_("SHA-256 of the original"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=20, default="queued")
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    ocr_done = models.BooleanField(
        _("text recognised"),
        default=False,
        help_text=_("False when the PDF already had a text layer and was kept as it is."),
    )
    pdfa = models.BooleanField(_("PDF/A"), default=False)
    error = models.CharField(_("error"), max_length=20, blank=True)
    error_detail = models.TextField(_("error detail"), blank=True)
    result = models.FileField(
        _("searchable PDF"),
        upload_to="digitize/results/%Y/%m/",
        storage=private_storage,
        blank=True,
    )
    text = models.TextField(_("recognised text"), blank=True)
    extraction = models.JSONField(_("fields read"), default=dict, blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scan_jobs",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("filed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return self.name

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def stage_label(self) -> Promise | str:
        return STAGES.get(self.stage, self.stage)

    @property
    def error_message(self) -> Promise | str:
        return ERRORS.get(self.error, ERRORS["ocr_failed"]) if self.error else ""

    @property
    def seconds(self) -> float | None:
        """How long the reading took (None while it runs)."""
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def field(self, name: str) -> dict[str, Any]:
        """One field read: {"value": ..., "confidence": ...} (empty when not read)."""
        value = (self.extraction or {}).get(name)
        return value if isinstance(value, dict) else {"value": "", "confidence": 0.0}


class ImportBatch(models.Model):
    """A zip or several scans imported in one go into a unit's incoming documents."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=255)
    total = models.PositiveIntegerField(_("files"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ItemState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    REGISTERED = "registered", _("Draft received")
    DUPLICATE = "duplicate", _("Duplicate")
    FAILED = "failed", _("Failed")


class ImportItem(models.Model):
    """One file of an import batch and what became of it."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("file name"), max_length=255)
    state = models.CharField(
        _("state"), max_length=12, choices=ItemState.choices, default=ItemState.PENDING
    )
    reason = models.CharField(_("reason"), max_length=20, blank=True)
    job = models.ForeignKey(
        ScanJob,
        verbose_name=_("scan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    duplicate_of = models.ForeignKey(
        "documents.Document",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        ordering = ["batch", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def reason_message(self) -> Promise | str:
        return ERRORS.get(self.reason, ERRORS["ocr_failed"]) if self.reason else ""


class FieldCorrection(models.Model):
    """A register field the machine read and what the registry kept, one row per field shown
    (kept as read or corrected), so that the extraction's accuracy can be measured."""

    job = models.ForeignKey(
        ScanJob, verbose_name=_("scan"), on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField(_("field"), max_length=40)
    extracted = models.TextField(_("value read"), blank=True)
    corrected = models.TextField(_("value kept"), blank=True)
    confidence = models.FloatField(_("confidence"), default=0.0)
    changed = models.BooleanField(_("corrected"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("field correction")
        verbose_name_plural = _("field corrections")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.field
