"""Routing, approvals, work items, access grants, the timeline and the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.documents.models.document import Document, DocumentFile

__all__ = [
    "AccessLog",
    "Approval",
    "ApprovalStep",
    "Assignment",
    "AssignmentRole",
    "DocumentAccess",
    "DocumentComment",
    "DocumentEvent",
    "EventVerb",
    "ExtensionRequest",
    "WorkItem",
    "WorkKind",
]


# --- Routing, approvals, work items ---------------------------------------------------------


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead (chủ trì)")
    COORDINATE = "coordinate", _("Coordinating (phối hợp)")
    INFO = "info", _("For information")


class Assignment(models.Model):
    """One line of a direction (bút phê): a unit or person, its role, deadline and comment.

    The head's direction names units or people (no parent); the head of a named unit directs
    further to people in it (parent = the unit's line). Three levels, as on the routing slip.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    role = models.CharField(_("role"), max_length=12, choices=AssignmentRole.choices)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    comment = models.TextField(_("direction comment"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    result = models.TextField(_("result"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ("document", "created_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(user__isnull=False),
                name="assignment_has_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user or self.unit}"


class ExtensionRequest(models.Model):
    """A handler asks for more time; the person who set the deadline decides."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.CharField(_("reason"), max_length=500)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.assignment_id} → {self.new_deadline}"


class ApprovalStep(models.TextChoices):
    CONTENT = "content", _("Content (head of the drafting unit)")
    LAYOUT = "layout", _("Format and layout")
    SIGNER = "signer", _("Approval by the signer")


class Approval(models.Model):
    """One sign-off of a draft (Decree 30 Art. 11-12); content and layout are stored apart."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="approvals")
    step = models.CharField(_("step"), max_length=10, choices=ApprovalStep.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    file = models.ForeignKey(
        DocumentFile,
        verbose_name=_("version approved"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ("document", "created_at", "id")

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_decision_display()}"


class WorkKind(models.TextChoices):
    """What a work item asks of its holder; the inbox tabs group these."""

    REGISTER = "register", _("To register")
    DIRECT = "direct", _("To direct")
    HANDLE = "handle", _("To handle")
    COORDINATE = "coordinate", _("To coordinate")
    INFO = "info", _("For information")
    APPROVE = "approve", _("To approve")
    SIGN = "sign", _("To sign")
    ISSUE = "issue", _("To number and issue")
    REVISE = "revise", _("To revise")
    EXTENSION = "extension", _("Extension request")
    RECALL = "recall", _("Recall request")


class WorkItem(models.Model):
    """One thing someone must do about a document: the rows behind every inbox.

    Addressed to a person (`user`) or to a role in a unit (`unit` + `role`: any clerk of the
    unit may register). Open while `done_at` is null.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="work_items")
    kind = models.CharField(_("kind"), max_length=12, choices=WorkKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="work_items",
    )
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=20, blank=True)
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="work_items"
    )
    approval = models.ForeignKey(
        Approval, null=True, blank=True, on_delete=models.CASCADE, related_name="work_items"
    )
    extension = models.ForeignKey(
        ExtensionRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(default=0)
    deadline = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        indexes = [
            models.Index(
                fields=["user", "-priority", "-created_at"],
                condition=Q(done_at__isnull=True),
                name="work_open_user",
            ),
            models.Index(
                fields=["unit", "role", "-priority", "-created_at"],
                condition=Q(done_at__isnull=True),
                name="work_open_unit_role",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | (Q(unit__isnull=False) & ~Q(role="")),
                name="workitem_has_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.document_id}"


class DocumentAccess(models.Model):
    """Who may read a document: a person, or a role in a unit. Granted by the services as people
    take part (registering, directing, handling, approving, receiving); confidentiality decides
    which unit roles get a grant at all."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "document"], name="access_user"),
            models.Index(fields=["unit", "role", "document"], name="access_unit_role"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "user"],
                condition=Q(user__isnull=False),
                name="access_unique_user",
            ),
            models.UniqueConstraint(
                fields=["document", "unit", "role"],
                condition=Q(unit__isnull=False),
                name="access_unique_unit_role",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | (Q(unit__isnull=False) & ~Q(role="")),
                name="access_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.document_id}: {self.user_id or f'{self.unit_id}/{self.role}'}"


class EventVerb(models.TextChoices):
    CREATED = "created", _("created")
    RECEIVED = "received", _("received")
    REGISTERED = "registered", _("registered")
    RETURNED = "returned", _("returned to the sender")
    SUBMITTED = "submitted", _("submitted for direction")
    DIRECTED = "directed", _("directed")
    ASSIGNED = "assigned", _("assigned")
    COMMENTED = "commented", _("commented")
    FILE_ADDED = "file_added", _("added a file")
    EXTENSION_REQUESTED = "ext_requested", _("asked for more time")
    EXTENSION_DECIDED = "ext_decided", _("decided on more time")
    HANDLED = "handled", _("finished their part")
    COMPLETED = "completed", _("completed")
    FILED = "filed", _("filed into a case file")
    SENT_FOR_REVIEW = "for_review", _("sent for approval")
    APPROVED = "approved", _("approved")
    SENT_BACK = "sent_back", _("returned for changes")
    SIGNED = "signed", _("signed")
    SEALED = "sealed", _("applied the organisation's seal")
    COPIED = "copied", _("made an electronic copy")
    NUMBERED = "numbered", _("numbered")
    ISSUED = "issued", _("issued")
    DELIVERED = "delivered", _("delivered")
    STATUS = "status", _("recipient's status changed")
    RECALLED = "recalled", _("recalled")
    RECALL_ANSWERED = "recall_answer", _("answered a recall")
    EXPORTED = "exported", _("exported for exchange")
    UPDATED = "updated", _("updated")


class DocumentEvent(models.Model):
    """One step on a document's timeline: who did what, when (Appendix VI's processing trace)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("what"), max_length=20, choices=EventVerb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    unit_name = models.CharField(max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("document event")
        verbose_name_plural = _("document events")
        ordering = ("document", "created_at", "id")
        indexes = [models.Index(fields=["document", "created_at"], name="event_doc_time")]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_verb_display()}"


class DocumentComment(models.Model):
    """A comment by someone working on the document (visible to everyone who may read it)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("document", "created_at")

    def __str__(self) -> str:
        return self.body[:80]


class AccessLog(models.Model):
    """Every view and download of a document, append-only (Appendix VI III.5)."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        DOWNLOAD = "download", _("downloaded")
        EXPORT = "export", _("exported")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    file = models.ForeignKey(
        DocumentFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=10, default="web")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["document", "-created_at"], name="accesslog_doc")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.get_action_display()} #{self.document_id}"
