"""Moderation's demo: loaded once after the social network's, through the services."""

from __future__ import annotations

import io
from typing import Any

import pytest

from vcnet.accounts.demo import demo_email, demo_load
from vcnet.moderation import demo
from vcnet.moderation.models import (
    Action,
    Appeal,
    AppealState,
    Case,
    CaseSource,
    CaseState,
    Clarification,
    ContextNote,
    ModeratorRole,
    NoteStatus,
    Rule,
)
from vcnet.social.demo import load_demo as social_load_demo
from vcnet.social.models import Post, PostState

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_shows_every_part_of_moderation(media_root: None) -> None:
    out = io.StringIO()
    demo.load_demo(out)
    assert "skipped" in out.getvalue() or "Bỏ qua" in out.getvalue()
    assert not ModeratorRole.objects.exists()

    demo_load()
    social_load_demo(io.StringIO())
    out = io.StringIO()
    demo.load_demo(out)

    sites = set(ModeratorRole.objects.filter(scope="site").values_list("user__email", flat=True))
    assert {demo_email(demo.MODERATOR), demo_email(demo.SECOND_MODERATOR)} <= sites
    assert ModeratorRole.objects.filter(scope="group", group__slug=demo.GROUP_SLUG).exists()

    # Reports merged into one case, labelled with a policy reason; the appeal was upheld.
    tip = Post.objects.get(text=demo.HEALTH_TIP)
    case = Case.objects.get(target_key=f"post:{tip.pk}")
    assert case.reports_count >= 5 and case.state == CaseState.ACTIONED
    action = Action.objects.get(case=case)
    assert action.kind == "label" and action.policy is not None
    assert action.policy.code == "false_information"
    appeal = Appeal.objects.get(action=action)
    assert appeal.state == AppealState.UPHELD
    assert appeal.decided_by is not None and appeal.decided_by != action.moderator
    assert any(label["kind"] == "label" for label in Post.objects.get(pk=tip.pk).labels)

    # The rumour's context note is rated helpful by both camps and shown under the post.
    rumour = Post.objects.get(text=demo.RUMOUR)
    note = ContextNote.objects.get(post=rumour)
    assert note.status == NoteStatus.HELPFUL and note.ratings_count == 2 * demo.CAMP_SIZE
    assert rumour.context_note is not None and rumour.context_note["id"] == note.pk
    assert ContextNote.objects.filter(status=NoteStatus.NOT_HELPFUL).exists()
    assert not ContextNote.objects.filter(
        status=NoteStatus.HELPFUL, text__in=demo.SIDE_A_NOTES + demo.SIDE_B_NOTES
    ).exists()  # notes only one camp likes are not shown

    # The clarification names the two posts that spread the rumour.
    clarification = Clarification.objects.get()
    again = Post.objects.get(text=demo.RUMOUR_AGAIN)
    assert set(clarification.posts.values_list("pk", flat=True)) == {rumour.pk, again.pk}
    assert any(label["kind"] == "clarification" for label in again.labels)

    # The rules: a flagged advert and a held post in the queue.
    assert Rule.objects.count() == 2
    held = Post.objects.get(text=demo.ACCOUNT_TRADE)
    assert held.state == PostState.HELD
    assert Case.objects.filter(
        target_key=f"post:{held.pk}", state=CaseState.OPEN, source=CaseSource.HELD
    ).exists()
    flagged = Post.objects.get(text=demo.LOAN_ADVERT)
    assert flagged.state == PostState.PUBLISHED
    assert Case.objects.filter(target_key=f"post:{flagged.pk}", source=CaseSource.RULE).exists()

    # A second run changes nothing.
    counts = (Case.objects.count(), Action.objects.count(), ContextNote.objects.count())
    out = io.StringIO()
    demo.load_demo(out)
    assert "already loaded" in out.getvalue() or "đã được nạp" in out.getvalue()
    assert (Case.objects.count(), Action.objects.count(), ContextNote.objects.count()) == counts
