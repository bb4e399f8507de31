"""Moderation's data: reasons, moderator roles, cases and reports, actions and appeals, automatic
rules, context notes with their ratings, and official clarifications.

Every state change goes through `vcnet.moderation.services`; what an action does to the content
itself is done through `vcnet.social.services.moderation`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetKind(models.TextChoices):
    """What can be reported and acted on."""

    POST = "post", _("Post or comment")
    PROFILE = "profile", _("Profile")
    GROUP = "group", _("Group")


class ReportReason(models.Model):
    """A reason people pick when they report something; administrators keep the list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    severity = models.PositiveSmallIntegerField(
        _("severity"), default=2, help_text=_("From 1 (low) to 5 (urgent): orders the queue.")
    )
    needs_text = models.BooleanField(_("asks for an explanation"), default=False)
    active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("report reason")
        verbose_name_plural = _("report reasons")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.name


class ModeratorScope(models.TextChoices):
    SITE = "site", _("Whole site")
    UNIT = "unit", _("A unit")
    GROUP = "group", _("A group")


class ModeratorRole(models.Model):
    """A person who moderates the whole site, a unit (and the units under it) or one group.

    A group's own moderators and owners (social.GroupMembership) moderate it too, without a row here.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_roles"
    )
    scope = models.CharField(_("scope"), max_length=10, choices=ModeratorScope.choices)
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "social.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderator role")
        verbose_name_plural = _("moderator roles")
        ordering = ("scope", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="site", unit__isnull=True, group__isnull=True)
                | Q(scope="unit", unit__isnull=False, group__isnull=True)
                | Q(scope="group", unit__isnull=True, group__isnull=False),
                name="moderator_role_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "scope", "unit", "group"], name="moderator_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_scope_display()}"


class CaseState(models.TextChoices):
    """A case's lifecycle: open → actioned | dismissed; a reversal or a new report reopens it."""

    OPEN = "open", _("Open")
    ACTIONED = "actioned", _("Action taken")
    DISMISSED = "dismissed", _("Dismissed")


class CaseSource(models.TextChoices):
    REPORT = "report", _("Reported by people")
    RULE = "rule", _("Flagged by a rule")
    HELD = "held", _("Held by a rule")


class Case(models.Model):
    """Everything reported about one item while it is open: duplicate reports merge here.

    `target_key` ("post:12", "profile:3", "group:5") is unique among open cases. The snapshot
    keeps what was reported even if the author edits or deletes it.
    """

    target_kind = models.CharField(_("kind"), max_length=10, choices=TargetKind.choices)
    target_key = models.CharField(max_length=40)
    post = models.ForeignKey(
        "social.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        "social.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "social.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who answers for the item: the person who wrote it (or the page's editor), the profile's
    # person, the group's creator. Shown the actions; may appeal.
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_actor = models.ForeignKey(
        "social.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who may handle it besides site moderators: the group it sits in, the unit it belongs to.
    scope_group = models.ForeignKey(
        "social.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope_unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(_("as reported"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=CaseState.choices, default=CaseState.OPEN
    )
    source = models.CharField(
        _("source"), max_length=10, choices=CaseSource.choices, default=CaseSource.REPORT
    )
    severity = models.PositiveSmallIntegerField(_("severity"), default=1)
    reports_count = models.PositiveIntegerField(_("reports"), default=0)
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last report at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ("-severity", "-reports_count", "created_at")
        constraints = [
            models.UniqueConstraint(
                fields=["target_key"], condition=Q(state="open"), name="case_one_open_per_target"
            )
        ]
        indexes = [
            models.Index(fields=["state", "-severity", "-reports_count"], name="case_queue"),
            models.Index(fields=["target_key"], name="case_target"),
            models.Index(fields=["created_at"], name="case_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.target_key}"


class Report(models.Model):
    """One person's report (or one rule's hit) in a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.ForeignKey(
        ReportReason, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    rule = models.ForeignKey(
        "moderation.Rule", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    text = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reporter"],
                condition=Q(reporter__isnull=False),
                name="report_once_per_case",
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="report_created")]

    def __str__(self) -> str:
        return f"report #{self.pk} on case #{self.case_id}"


class ActionKind(models.TextChoices):
    """What a moderator does. Each has a reason shown to the author, and can be reversed."""

    DISMISS = "dismiss", _("Dismiss the reports")
    APPROVE = "approve", _("Approve (publish a held post)")
    LABEL = "label", _("Add a label")
    LIMIT = "limit", _("Limit reach")
    WARNING_SCREEN = "warning_screen", _("Hide behind a warning")
    REMOVE = "remove", _("Remove")
    WARN = "warn", pgettext_lazy("moderation action", "Warn the author")
    SUSPEND = "suspend", _("Suspend for a period")
    BAN = "ban", _("Ban")


class Action(models.Model):
    """A moderator's decision on an item or its author, with the reason the author is shown."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    target_kind = models.CharField(_("kind"), max_length=10, choices=TargetKind.choices)
    target_key = models.CharField(max_length=40)
    post = models.ForeignKey(
        "social.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        "social.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "social.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("action"), max_length=20, choices=ActionKind.choices)
    policy = models.ForeignKey(
        ReportReason,
        verbose_name=_("rule broken"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    reason = models.TextField(_("reason shown to the author"), max_length=2000)
    label_text = models.CharField(_("label"), max_length=200, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)  # suspensions
    snapshot = models.JSONField(default=dict, blank=True)  # the item as it was acted on
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reversal_reason = models.TextField(_("why it was reversed"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["subject_user", "-created_at"], name="action_subject"),
            models.Index(fields=["target_key", "-created_at"], name="action_target"),
            models.Index(fields=["created_at"], name="action_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_key}"

    @property
    def reversed(self) -> bool:
        return self.reversed_at is not None


class AppealState(models.TextChoices):
    """pending → upheld (the action stands) | overturned (the action is reversed)."""

    PENDING = "pending", _("Waiting for a decision")
    UPHELD = "upheld", _("Action upheld")
    OVERTURNED = "overturned", _("Action overturned")


class Appeal(models.Model):
    """The author's one appeal against an action, decided by another moderator."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="appeal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_appeals"
    )
    text = models.TextField(_("why the action was wrong"), max_length=2000)
    state = models.CharField(
        _("state"), max_length=12, choices=AppealState.choices, default=AppealState.PENDING
    )
    created_at = models.DateTimeField(_("appealed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["state", "created_at"], name="appeal_queue")]

    def __str__(self) -> str:
        return f"appeal #{self.pk} on action #{self.action_id}"


class RuleMatch(models.TextChoices):
    KEYWORD = "keyword", _("Words (diacritics ignored)")
    PATTERN = "pattern", _("Pattern (regular expression over text without diacritics)")


class RuleOutcome(models.TextChoices):
    FLAG = "flag", _("Flag for review")
    HOLD = "hold", _("Hold for approval")


class Rule(models.Model):
    """An automatic rule: words or a pattern that flag what people write, or hold a post back."""

    name = models.CharField(_("name"), max_length=120)
    match = models.CharField(
        _("match"), max_length=10, choices=RuleMatch.choices, default=RuleMatch.KEYWORD
    )
    # Keywords: one phrase per line; a pattern: one regular expression. Both meet folded text.
    pattern = models.TextField(_("words or pattern"), max_length=4000)
    fields = models.JSONField(_("where"), default=list)  # names from social.hooks.FIELDS
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=RuleOutcome.choices, default=RuleOutcome.FLAG
    )
    reason = models.ForeignKey(
        ReportReason, null=True, blank=True, on_delete=models.PROTECT, related_name="rules"
    )
    severity = models.PositiveSmallIntegerField(_("severity"), default=2)
    public_reason = models.CharField(
        _("what the author is told when a post is held"), max_length=300, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    hits_count = models.PositiveIntegerField(_("hits"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("automatic rule")
        verbose_name_plural = _("automatic rules")
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class NoteClassification(models.TextChoices):
    MISLEADING = "misleading", _("The post is misleading or missing context")
    NOT_MISLEADING = "not_misleading", _("The post is not misleading")


class NoteStatus(models.TextChoices):
    NEEDS_MORE_RATINGS = "needs_more_ratings", _("Needs more ratings")
    HELPFUL = "helpful", _("Rated helpful")
    NOT_HELPFUL = "not_helpful", _("Rated not helpful")


class ContextNote(models.Model):
    """A contributor's note adding context to a post, with sources; shown when rated helpful by
    raters who usually disagree (the bridging score)."""

    post = models.ForeignKey("social.Post", on_delete=models.CASCADE, related_name="context_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="context_notes"
    )
    classification = models.CharField(
        _("the post is"),
        max_length=20,
        choices=NoteClassification.choices,
        default=NoteClassification.MISLEADING,
    )
    text = models.TextField(_("note"), max_length=1000)
    html = models.TextField(editable=False, blank=True)
    sources = models.JSONField(_("sources"), default=list)  # [{"url": str, "title": str}]
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NoteStatus.choices,
        default=NoteStatus.NEEDS_MORE_RATINGS,
    )
    intercept = models.FloatField(null=True, blank=True)
    factor = models.FloatField(null=True, blank=True)
    ratings_count = models.PositiveIntegerField(default=0)
    scored_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)  # status fixed two weeks on
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("context note")
        verbose_name_plural = _("context notes")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["post", "author"], name="note_one_per_author_post")
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="note_status")]

    def __str__(self) -> str:
        return f"note #{self.pk} on post #{self.post_id}"


class Helpfulness(models.TextChoices):
    HELPFUL = "helpful", _("Helpful")
    SOMEWHAT = "somewhat", _("Somewhat helpful")
    NOT_HELPFUL = "not_helpful", _("Not helpful")


class NoteRating(models.Model):
    """A contributor's rating of a note (helpful 1, somewhat 0.5, not helpful 0) with tags."""

    note = models.ForeignKey(ContextNote, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="note_ratings"
    )
    helpfulness = models.CharField(_("rating"), max_length=12, choices=Helpfulness.choices)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("note rating")
        verbose_name_plural = _("note ratings")
        ordering = ("created_at", "id")
        constraints = [models.UniqueConstraint(fields=["note", "rater"], name="note_rating_once")]
        indexes = [models.Index(fields=["rater"], name="note_rating_rater")]

    def __str__(self) -> str:
        return f"{self.rater_id} → note #{self.note_id}: {self.helpfulness}"


class Verdict(models.TextChoices):
    FALSE = "false", _("False")
    MISLEADING = "misleading", _("Misleading")
    MISSING_CONTEXT = "missing_context", _("Missing context")
    TRUE = "true", _("True")


class Clarification(models.Model):
    """An official clarification (đính chính) by a verified page: a claim, a verdict, the
    explanation and its sources, linked to the posts that spread the claim."""

    page = models.ForeignKey(
        "social.Actor", on_delete=models.PROTECT, related_name="clarifications"
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    claim = models.TextField(_("the claim"), max_length=1000)
    claim_url = models.URLField(_("where the claim appeared"), blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    explanation = models.TextField(_("explanation"), max_length=10000)
    html = models.TextField(editable=False, blank=True)
    sources = models.JSONField(_("sources"), default=list)  # [{"url": str, "title": str}]
    document = models.FileField(
        _("source document (PDF)"), upload_to="moderation/clarifications/%Y/%m/", blank=True
    )
    posts: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "social.Post", through="ClarificationPost", related_name="clarifications", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ("-published_at", "-id")

    def __str__(self) -> str:
        return self.title


class ClarificationPost(models.Model):
    """A post that a clarification names: it carries the clarification's label."""

    clarification = models.ForeignKey(Clarification, on_delete=models.CASCADE)
    post = models.ForeignKey("social.Post", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clarification", "post"], name="clarification_post")
        ]

    def __str__(self) -> str:
        return f"clarification #{self.clarification_id} → post #{self.post_id}"
