"""Scoring context notes from the ratings in the database: statuses, posts' shown notes, the
filters, the two-week lock, the author's notification, the hourly task and its registration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.core import schedule
from vcnet.moderation import kinds
from vcnet.moderation.models import ContextNote, NoteRating
from vcnet.moderation.scoring import score_notes
from vcnet.moderation.tasks import notes_score
from vcnet.moderation.tests.conftest_mod import Mod
from vcnet.notifications.models import Notification
from vcnet.social.models import Post
from vcnet.social.text import render_markdown

pytestmark = pytest.mark.django_db

SOURCE = {"url": "https://baochinhphu.vn/gia-xang-dau.htm", "title": "Báo Chính phủ"}


@dataclass
class World:
    """Two camps of ten raters and twelve notes on the three posts of `mod`."""

    camp_a: list[User]
    camp_b: list[User]
    notes: dict[str, ContextNote]

    def rate(self, note: str, camp_a: str, camp_b: str) -> None:
        """Set every rating of `note` by each camp (helpful / somewhat / not_helpful)."""
        for raters, value in ((self.camp_a, camp_a), (self.camp_b, camp_b)):
            NoteRating.objects.filter(note=self.notes[note], rater__in=raters).update(
                helpfulness=value
            )


# name → (post, author, camp A's rating, camp B's rating)
PLAN = {
    "shown": ("post", "reporter", "helpful", "helpful"),
    "runner_up": ("post", "reporter2", "helpful", "helpful"),
    "camp_a_only": ("post", "group_mod", "helpful", "not_helpful"),
    "poor_1": ("post", "other_mod", "not_helpful", "not_helpful"),
    "camp_b_only": ("group_post", "reporter", "not_helpful", "helpful"),
    "bridging_group": ("group_post", "reporter2", "helpful", "helpful"),
    "poor_2": ("group_post", "group_mod", "not_helpful", "not_helpful"),
    "camp_a_2": ("group_post", "other_mod", "helpful", "not_helpful"),
    "camp_b_2": ("unit_post", "reporter", "not_helpful", "helpful"),
    "poor_3": ("unit_post", "reporter2", "not_helpful", "not_helpful"),
    "poor_4": ("unit_post", "group_mod", "not_helpful", "not_helpful"),
    "poor_5": ("unit_post", "other_mod", "not_helpful", "not_helpful"),
}


@pytest.fixture
def world(mod: Mod) -> World:
    camp_a = [UserFactory(full_name=f"Nguyễn Văn Bắc {k}") for k in range(10)]
    camp_b = [UserFactory(full_name=f"Trần Thị Nam {k}") for k in range(10)]
    notes: dict[str, ContextNote] = {}
    ratings = []
    for name, (post, author, value_a, value_b) in PLAN.items():
        text = f"Theo thông cáo của Bộ Công Thương, giá xăng không miễn phí ({name})."
        note = ContextNote.objects.create(
            post=getattr(mod, post),
            author=getattr(mod, author),
            text=text,
            html=render_markdown(text),
            sources=[SOURCE],
        )
        notes[name] = note
        ratings += [NoteRating(note=note, rater=u, helpfulness=value_a) for u in camp_a]
        ratings += [NoteRating(note=note, rater=u, helpfulness=value_b) for u in camp_b]
    NoteRating.objects.bulk_create(ratings)
    # the runner-up is a little less helpful: one "somewhat" in each camp
    NoteRating.objects.filter(note=notes["runner_up"], rater__in=[camp_a[0], camp_b[0]]).update(
        helpfulness="somewhat"
    )
    return World(camp_a=camp_a, camp_b=camp_b, notes=notes)


def fresh(note: ContextNote) -> ContextNote:
    return ContextNote.objects.get(pk=note.pk)


def shown(post: Post) -> dict[str, Any] | None:
    value: dict[str, Any] | None = Post.objects.get(pk=post.pk).context_note
    return value


Capture = Callable[..., Any]


def test_notes_both_camps_find_helpful_are_shown_under_their_posts(
    mod: Mod, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = score_notes()
    assert run.converged
    assert (run.raters_used, run.ratings_used, run.notes_scored) == (20, 240, 12)
    status = {name: fresh(note).status for name, note in world.notes.items()}
    assert status["shown"] == status["runner_up"] == status["bridging_group"] == "helpful"
    for name in ("camp_a_only", "camp_b_only", "camp_a_2", "camp_b_2"):
        assert status[name] == "needs_more_ratings", name
    for name in ("poor_1", "poor_2", "poor_3", "poor_4", "poor_5"):
        assert status[name] == "not_helpful", name
    best = fresh(world.notes["shown"])
    assert best.ratings_count == 20 and best.scored_at is not None
    assert best.intercept is not None and best.intercept > fresh(world.notes["runner_up"]).intercept  # type: ignore[operator]
    # the post shows its helpful note of highest intercept, the way the post card renders it
    assert shown(mod.post) == {
        "id": best.pk,
        "html": best.html,
        "sources": [SOURCE],
        "url": f"/moderation/notes/post/{mod.post.pk}/",
    }
    assert "giá xăng không miễn phí" in shown(mod.post)["html"]  # type: ignore[index]
    assert shown(mod.group_post)["id"] == world.notes["bridging_group"].pk  # type: ignore[index]
    assert shown(mod.unit_post) is None
    # the two authors whose notes are now shown are told, nobody else
    told = Notification.objects.filter(kind=kinds.NOTE)
    assert sorted(told.values_list("user_id", flat=True)) == sorted(
        [mod.reporter.pk, mod.reporter2.pk]
    )
    assert told.get(user=mod.reporter).url == f"/moderation/notes/post/{mod.post.pk}/"


def test_a_second_run_changes_nothing_and_tells_nobody_again(
    mod: Mod,
    world: World,
    django_capture_on_commit_callbacks: Capture,
    django_assert_max_num_queries: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        score_notes()
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(12):
        run = score_notes()
    assert (run.posts_changed, run.newly_shown) == (0, 0)
    assert Notification.objects.filter(kind=kinds.NOTE).count() == 2


def test_when_one_camp_turns_against_a_note_the_next_best_is_shown(
    mod: Mod, world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        score_notes()
    world.rate("shown", "helpful", "not_helpful")
    with django_capture_on_commit_callbacks(execute=True):
        run = score_notes()
    assert fresh(world.notes["shown"]).status == "needs_more_ratings"
    assert shown(mod.post)["id"] == world.notes["runner_up"].pk  # type: ignore[index]
    assert run.posts_changed == 1
    # and when no note of the post is helpful any more, the post shows none
    world.rate("runner_up", "not_helpful", "helpful")
    score_notes()
    assert shown(mod.post) is None


def test_a_note_hidden_by_moderators_elsewhere_is_taken_off_its_post(
    mod: Mod, world: World
) -> None:
    """A post showing a note that is no longer helpful (or gone) is cleared by the next run."""
    score_notes()
    world.notes["bridging_group"].delete()
    score_notes()
    assert shown(mod.group_post) is None


def test_raters_with_nine_ratings_and_notes_with_four_are_left_out(mod: Mod, world: World) -> None:
    newcomer = UserFactory(full_name="Đỗ Thị Mới")
    # nine "helpful" ratings on poor notes and the camp notes: would move them if counted
    names = [
        "poor_1",
        "poor_2",
        "poor_3",
        "poor_4",
        "poor_5",
        "camp_a_only",
        "camp_b_only",
        "camp_a_2",
        "camp_b_2",
    ]
    NoteRating.objects.bulk_create(
        [NoteRating(note=world.notes[n], rater=newcomer, helpfulness="helpful") for n in names]
    )
    few = ContextNote.objects.create(
        post=mod.unit_post,
        author=mod.site_mod,
        text="Lịch tiếp công dân đã đổi sang thứ Năm.",
        html=render_markdown("Lịch tiếp công dân đã đổi sang thứ Năm."),
        sources=[SOURCE],
    )
    NoteRating.objects.bulk_create(
        [
            NoteRating(note=few, rater=u, helpfulness="helpful")
            for u in world.camp_a[:2] + world.camp_b[:2]
        ]
    )
    run = score_notes()
    assert run.raters_used == 20  # the newcomer's nine ratings do not count
    assert run.ratings == 240 + 9 + 4
    assert run.ratings_used == 240
    few = fresh(few)
    assert (few.status, few.intercept, few.factor, few.ratings_count) == (
        "needs_more_ratings",
        None,
        None,
        4,
    )
    assert fresh(world.notes["poor_1"]).ratings_count == 21  # shown count: every rating


def test_notes_older_than_two_weeks_are_locked_with_their_status(mod: Mod, world: World) -> None:
    now = timezone.now()
    ContextNote.objects.filter(pk=world.notes["shown"].pk).update(
        created_at=now - dt.timedelta(days=15)
    )
    ContextNote.objects.filter(pk=world.notes["runner_up"].pk).update(
        created_at=now - dt.timedelta(days=13)
    )
    run = score_notes(now=now)
    assert run.locked == 1
    locked = fresh(world.notes["shown"])
    assert (locked.status, locked.locked_at) == ("helpful", now)
    assert fresh(world.notes["runner_up"]).locked_at is None
    # later ratings no longer change a locked note, and it stays shown
    world.notes["runner_up"].delete()  # (so that it is the post's only helpful note)
    world.rate("shown", "not_helpful", "not_helpful")
    score_notes(now=now + dt.timedelta(hours=1))
    again = fresh(world.notes["shown"])
    assert (again.status, again.intercept, again.scored_at) == ("helpful", locked.intercept, now)
    assert shown(mod.post)["id"] == locked.pk  # type: ignore[index]


def test_with_no_ratings_nothing_is_shown_and_nothing_fails(mod: Mod) -> None:
    note = ContextNote.objects.create(
        post=mod.post, author=mod.reporter, text="Chưa ai đánh giá ghi chú này.", sources=[SOURCE]
    )
    run = score_notes()
    assert (run.ratings, run.notes_scored, run.notes_updated) == (0, 0, 1)
    assert fresh(note).status == "needs_more_ratings"
    assert shown(mod.post) is None


def test_the_hourly_task_scores_the_notes(mod: Mod, world: World) -> None:
    result = notes_score.enqueue()
    assert result.return_value == 12
    assert shown(mod.post)["id"] == world.notes["shown"].pk  # type: ignore[index]


@pytest.fixture
def registry() -> Iterator[None]:
    saved = schedule.periodic_tasks()
    schedule._REGISTRY.clear()
    yield
    schedule._REGISTRY.clear()
    schedule._REGISTRY.update(saved)


def test_the_clock_runs_the_scoring_every_hour(registry: None) -> None:
    assert "moderation.notes_score" in schedule.periodic_register_defaults()
    entry = schedule.periodic_tasks()["moderation.notes_score"]
    assert (entry.task, entry.every_seconds, entry.at) == (notes_score, 3600, None)
    t0 = timezone.now()
    assert "moderation.notes_score" in schedule.clock_tick(now=t0)
    assert "moderation.notes_score" not in schedule.clock_tick(now=t0 + dt.timedelta(minutes=59))
    assert "moderation.notes_score" in schedule.clock_tick(now=t0 + dt.timedelta(minutes=61))
