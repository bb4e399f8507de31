"""Posts (Mastodon "statuses"): text, media, polls, replies, shares, reactions, bookmarks, tags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vcnet.social.models.actors import Actor
from vcnet.social.models.base import Versioned
from vcnet.social.models.groups import Group


class Visibility(models.TextChoices):
    """Who may see a post. Mastodon names: public=public, followers=private (see the API)."""

    PUBLIC = "public", _("Everyone")
    FOLLOWERS = "followers", _("Followers")
    UNIT = "unit", _("My unit")
    GROUP = "group", _("Group members")


class ReplyPolicy(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    FOLLOWERS = "followers", _("Followers")
    MENTIONED = "mentioned", _("People mentioned")


class ReactionKind(models.TextChoices):
    """The small fixed set of reactions; `like` is Mastodon's favourite."""

    LIKE = "like", pgettext_lazy("reaction", "Like")
    LOVE = "love", pgettext_lazy("reaction", "Love")
    HAHA = "haha", pgettext_lazy("reaction", "Haha")
    WOW = "wow", pgettext_lazy("reaction", "Wow")
    SAD = "sad", pgettext_lazy("reaction", "Sad")
    ANGRY = "angry", pgettext_lazy("reaction", "Angry")


class PostState(models.TextChoices):
    """Whether a post is out: published, held for a moderator's approval, or removed by one.

    Only its author (and moderators, through the moderation app) see a held or removed post.
    """

    PUBLISHED = "published", _("Published")
    HELD = "held", _("Waiting for review")
    REMOVED = "removed", _("Removed by moderators")


class Post(Versioned):
    """A post, a comment on one (`in_reply_to`), or a share of one (`reblog_of`, or `quote_of`).

    Comments are threaded one level: `thread_root` is the top-level post, `in_reply_to` is
    that post or a first-level comment on it. A plain share (`reblog_of`) has no text of its
    own; a quote (`quote_of`) has. Ids grow with time, so feeds page by id.
    """

    author = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="posts")
    # Who wrote it: the person themself, or the editor who posted as a page.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"), max_length=5000, blank=True)
    html = models.TextField(editable=False, blank=True)  # sanitized rendering of `text`
    content_warning = models.CharField(_("content warning"), max_length=200, blank=True)
    sensitive = models.BooleanField(_("sensitive media"), default=False)
    language = models.CharField(_("language"), max_length=8, default="vi")
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    reply_policy = models.CharField(
        _("who may reply"),
        max_length=10,
        choices=ReplyPolicy.choices,
        default=ReplyPolicy.EVERYONE,
    )
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    thread_root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="thread_posts"
    )
    reblog_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reblogs"
    )
    quote_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    pinned_at = models.DateTimeField(_("pinned at"), null=True, blank=True)  # pinned in its group
    # Denormalised counters, kept by the services that change them (F() updates).
    replies_count = models.PositiveIntegerField(default=0)
    reblogs_count = models.PositiveIntegerField(default=0)
    reactions_count = models.PositiveIntegerField(default=0)
    reaction_counts = models.JSONField(default=dict, blank=True)  # {"like": 3, "love": 1}
    # Set by the moderation app through `social.services.moderation` (never by hand):
    state = models.CharField(
        _("state"), max_length=10, choices=PostState.choices, default=PostState.PUBLISHED
    )
    state_reason = models.CharField(_("reason"), max_length=500, blank=True)
    reach_limited = models.BooleanField(_("reach limited"), default=False)  # not in public feeds
    warning = models.CharField(_("moderator's warning"), max_length=300, blank=True)
    # [{"kind": "label"|"clarification", "text": str, "url": str, "verdict": str}]
    labels = models.JSONField(_("labels"), default=list, blank=True)
    # The context note shown under the post: {"id", "html", "sources": [{"url", "title"}], "url"}
    context_note = models.JSONField(_("context note"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ("-id",)
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="unit") | Q(unit__isnull=False), name="post_unit_set"
            ),
            models.CheckConstraint(
                condition=~Q(visibility="group") | Q(group__isnull=False), name="post_group_set"
            ),
        ]
        indexes = [
            models.Index(fields=["author", "-id"], name="post_author_id"),
            models.Index(fields=["group", "-id"], name="post_group_id"),
            models.Index(fields=["in_reply_to", "id"], name="post_reply_id"),
            models.Index(fields=["thread_root", "id"], name="post_thread_id"),
            models.Index(fields=["visibility", "-id"], name="post_visibility_id"),
            models.Index(fields=["created_at"], name="post_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} @{self.author_id}: {self.text[:40]}"

    @property
    def is_reply(self) -> bool:
        return self.in_reply_to_id is not None


class PostEdit(models.Model):
    """An earlier version of an edited post, kept so readers can see what changed."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="edits")
    text = models.TextField(_("text"), blank=True)
    content_warning = models.CharField(_("content warning"), max_length=200, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("post version")
        verbose_name_plural = _("post versions")
        ordering = ("post", "created_at", "id")

    def __str__(self) -> str:
        return f"#{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class MediaAttachment(models.Model):
    """An image uploaded for a post: re-encoded without EXIF, resized, with a thumbnail."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="media"
    )
    file = models.ImageField(_("image"), upload_to="social/media/%Y/%m/")
    thumbnail = models.ImageField(upload_to="social/media/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    description = models.CharField(
        _("description for people who cannot see it"), max_length=1500, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.file.name


class Poll(models.Model):
    """A poll on a post: 2-4 options, open from 5 minutes to a month."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    expires_at = models.DateTimeField(_("closes at"))
    multiple = models.BooleanField(_("several choices allowed"), default=False)
    votes_count = models.PositiveIntegerField(default=0)
    voters_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return f"poll #{self.pk}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("option"), max_length=100)
    votes_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("poll", "position")
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="polloption_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "voter"], name="pollvote_unique"),
        ]
        indexes = [models.Index(fields=["poll", "voter"], name="pollvote_poll_voter")]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.option_id}"


class Reaction(models.Model):
    """One person's reaction to a post (one per person; changing it replaces it)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=10, choices=ReactionKind.choices, default=ReactionKind.LIKE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["post", "actor"], name="reaction_unique"),
        ]
        indexes = [models.Index(fields=["actor", "-id"], name="reaction_actor_id")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind} #{self.post_id}"


class Bookmark(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="bookmarks")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [
            models.UniqueConstraint(fields=["actor", "post"], name="bookmark_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} 🔖 #{self.post_id}"


class Hashtag(models.Model):
    """A #tag; `folded` (no diacritics, lower case) is its identity: #ChuyểnĐổiSố = #chuyendoiso."""

    name = models.CharField(_("name"), max_length=100)
    folded = models.CharField(max_length=100, unique=True)
    posts_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hashtag")
        verbose_name_plural = _("hashtags")

    def __str__(self) -> str:
        return f"#{self.name}"


class PostHashtag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hashtag", "post"], name="posthashtag_unique"),
        ]
        indexes = [models.Index(fields=["post"], name="posthashtag_post")]

    def __str__(self) -> str:
        return f"#{self.post_id} #{self.hashtag_id}"


class Mention(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "actor"], name="mention_unique"),
        ]
        indexes = [models.Index(fields=["actor", "-post"], name="mention_actor_post")]

    def __str__(self) -> str:
        return f"#{self.post_id} @{self.actor_id}"


class ScheduledPost(models.Model):
    """A page's post to publish later: the arguments of `post_create`, kept until `publish_at`."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    author = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="scheduled_posts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    params = models.JSONField(default=dict)  # text, visibility, content_warning, poll, media_ids...
    publish_at = models.DateTimeField(_("publish at"), db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scheduled post")
        verbose_name_plural = _("scheduled posts")
        ordering = ("publish_at", "id")

    def __str__(self) -> str:
        return f"@{self.author_id} at {self.publish_at:%Y-%m-%d %H:%M}"
