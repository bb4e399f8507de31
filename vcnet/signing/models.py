"""Keys, certificates, signature images, signing requests and validation reports.

Private keys the server holds are stored encrypted (`vcnet.signing.keys`): a unit's seal key
under the master key from the environment (`SIGNING_MASTER_KEY`), a person's key under their
signing PIN as well, so the server cannot sign for a person without them. Keys on a token
(PKCS#11) or with a remote service are never here: only where to reach them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def private_storage():  # type: ignore[no-untyped-def]
    """Keys' companions (images, pending PDFs) are served only through checked views."""
    return storages["private"]


class Authority(models.Model):
    """The platform CA for internal use: a root and an issuing CA (also the TSA and OCSP keys)."""

    class Role(models.TextChoices):
        ROOT = "root", _("Root CA")
        ISSUING = "issuing", _("Issuing CA")
        TSA = "tsa", _("Timestamping authority")
        OCSP = "ocsp", _("OCSP responder")

    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    certificate_pem = models.TextField(_("certificate (PEM)"))
    key_pem = models.TextField(help_text=_("PKCS#8, encrypted under the master key."))
    serial = models.CharField(max_length=64)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    crl_number = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("platform authority")
        verbose_name_plural = _("platform authorities")
        ordering = ("role", "-created_at")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Certificate(models.Model):
    """A signing certificate: a person's, or a unit's seal; where its key lives is `source`."""

    class Purpose(models.TextChoices):
        PERSONAL = "personal", _("Personal signature")
        SEAL = "seal", _("Organisation seal")

    class Source(models.TextChoices):
        PLATFORM = "platform", _("Issued by the platform CA")
        PKCS12 = "pkcs12", _("Imported PKCS#12 file")
        PKCS11 = "pkcs11", _("Token or HSM (PKCS#11)")
        REMOTE = "remote", _("Token in hand or remote signing service")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")

    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    source = models.CharField(_("key source"), max_length=10, choices=Source.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seal_certificates",
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=500)
    common_name = models.CharField(_("common name"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=64)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    certificate_pem = models.TextField(_("certificate (PEM)"))
    chain_pem = models.TextField(_("chain (PEM)"), blank=True)
    issued_by = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="issued"
    )
    # Software keys (PLATFORM, PKCS12): PKCS#8 encrypted; `pin_protected` when the owner's PIN
    # is part of the encryption key.
    key_pem = models.TextField(blank=True)
    pin_protected = models.BooleanField(default=False)
    # PKCS11: the module, the token and the key on it; the PIN is asked at each signing.
    pkcs11_module = models.CharField(_("PKCS#11 module"), max_length=300, blank=True)
    pkcs11_token = models.CharField(_("token label"), max_length=100, blank=True)
    pkcs11_key = models.CharField(_("key label"), max_length=100, blank=True)
    # REMOTE: the provider module (`vcnet.signing.providers.<provider>`) and its credential id.
    provider = models.CharField(_("provider"), max_length=40, blank=True)
    provider_ref = models.CharField(_("credential at the provider"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["owner", "status"], name="cert_owner"),
            models.Index(fields=["unit", "status"], name="cert_unit"),
            models.Index(fields=["issued_by", "serial"], name="cert_serial"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(purpose="personal", owner__isnull=False)
                    | models.Q(purpose="seal", unit__isnull=False)
                ),
                name="cert_has_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.serial})"

    @property
    def state(self) -> str:
        """active, expired, not yet valid or revoked, as shown to people."""
        if self.status == self.Status.REVOKED:
            return "revoked"
        now = timezone.now()
        if now > self.not_after:
            return "expired"
        if now < self.not_before:
            return "not_yet_valid"
        return "active"


class SignatureImage(models.Model):
    """A person's handwritten signature (blue) or a unit's seal (red), a transparent PNG."""

    class Kind(models.TextChoices):
        SIGNATURE = "signature", _("Signature")
        SEAL = "seal", _("Seal")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signature_images",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="seal_images",
    )
    image = models.FileField(_("image"), upload_to="signing/images/", storage=private_storage)
    width_px = models.PositiveIntegerField()
    height_px = models.PositiveIntegerField()
    # The printed size: a seal is placed at its true size (Decree 30, App. I II.8.a).
    width_mm = models.DecimalField(_("width (mm)"), max_digits=5, decimal_places=1)
    height_mm = models.DecimalField(_("height (mm)"), max_digits=5, decimal_places=1)
    current = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("signature image")
        verbose_name_plural = _("signature images")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class TrustedRoot(models.Model):
    """A root CA whose signatures VCNET trusts when validating (besides the platform root)."""

    name = models.CharField(_("name"), max_length=200)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=500)
    not_after = models.DateTimeField(_("valid until"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    active = models.BooleanField(_("trusted"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("trusted root")
        verbose_name_plural = _("trusted roots")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class SignatureRequest(models.Model):
    """A two-step (deferred) signature: the server prepared the PDF and the data to sign; a
    token in the official's hands or a remote service returns the signature value."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the signature")
        DONE = "done", _("Signed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signature_requests"
    )
    # Who continues when the signature arrives (a key of `vcnet.signing.requests.HANDLERS`)
    # and on what (for documents: the document id).
    purpose = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    prepared = models.FileField(upload_to="signing/pending/", storage=private_storage)
    document_digest = models.CharField(max_length=128)
    digest_algorithm = models.CharField(max_length=16, default="sha256")
    reserved_start = models.PositiveIntegerField()
    reserved_end = models.PositiveIntegerField()
    signed_attrs = models.BinaryField()
    secret = models.CharField(max_length=64, help_text=_("Capability of the signing agent."))
    provider_ref = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=500, blank=True)
    job = models.ForeignKey(
        "SigningJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature request")
        verbose_name_plural = _("signature requests")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["requested_by", "state"], name="sigreq_user")]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.subject_id} ({self.state})"


class SigningJob(models.Model):
    """A batch of documents signed with one PIN entry; its progress is shown while it runs."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signing_jobs"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # [{"id": <document id>, "subject": ..., "state": "waiting|signed|failed", "error": ...}]
    items = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signing job")
        verbose_name_plural = _("signing jobs")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.done}/{self.total}"


class ValidationReport(models.Model):
    """The validation of one PDF's signatures, kept per document file version (or per upload
    to the validation page)."""

    sha256 = models.CharField(max_length=64, db_index=True)
    document_file = models.OneToOneField(
        "documents.DocumentFile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="validation",
    )
    file_name = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signature_count = models.PositiveSmallIntegerField(default=0)
    valid_count = models.PositiveSmallIntegerField(default=0)
    # "valid" (every signature valid and trusted, nothing changed but what is allowed),
    # "warning" (intact but untrusted, or revocation unknown), "invalid", "unsigned", "error".
    verdict = models.CharField(max_length=10)
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("validation report")
        verbose_name_plural = _("validation reports")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.sha256[:12]}: {self.valid_count}/{self.signature_count}"
