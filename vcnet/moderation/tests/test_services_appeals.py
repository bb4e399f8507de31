"""Appeals: once, within 20 days, by the author; decided by another moderator."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.core.models import AuditEntry
from vcnet.moderation import kinds
from vcnet.moderation.models import Action, AppealState, Case
from vcnet.moderation.services import (
    action_reverse,
    action_take,
    appeal_allowed,
    appeal_create,
    appeal_decide,
    report_create,
)
from vcnet.moderation.tests.conftest_mod import Mod
from vcnet.notifications.models import Notification
from vcnet.social.models import Post, PostState

pytestmark = pytest.mark.django_db

APPEAL = "Tôi đã dẫn nguồn từ Bộ Công Thương, bài viết không sai."


def _action(mod: Mod, kind: str = "remove", post: Post | None = None, **kwargs: Any) -> Action:
    case = report_create(
        user=mod.reporter,
        target_kind="post",
        target_id=(post or mod.post).pk,
        reason_code="false_information",
    ).case
    return action_take(
        user=mod.site_mod,
        case_id=case.pk,
        kind=kind,
        reason="Thông tin sai về giá xăng.",
        **kwargs,
    )


def test_the_author_appeals_and_the_moderators_are_told(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    action = _action(mod)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_create(user=mod.author, action_id=action.pk, text=f"  {APPEAL}  ")
    assert appeal.state == AppealState.PENDING
    assert appeal.text == APPEAL
    assert appeal.author == mod.author
    told = set(Notification.objects.filter(kind=kinds.CASE).values_list("user_id", flat=True))
    assert told == {mod.other_mod.pk}  # not the moderator who took the action
    assert AuditEntry.objects.filter(action="moderation.appeal").count() == 1


def test_only_the_author_may_appeal(mod: Mod) -> None:
    action = _action(mod)
    for user in (mod.reporter, mod.other_mod, mod.page_editor):
        with pytest.raises(NotFound):
            appeal_create(user=user, action_id=action.pk, text=APPEAL)
    with pytest.raises(NotFound):
        appeal_create(user=mod.author, action_id=999_999, text=APPEAL)


def test_once(mod: Mod) -> None:
    action = _action(mod)
    appeal_create(user=mod.author, action_id=action.pk, text=APPEAL)
    with pytest.raises(Conflict, match=re.escape("You have already appealed this action.")):
        appeal_create(user=mod.author, action_id=action.pk, text="Lần thứ hai.")


def test_within_twenty_days(mod: Mod) -> None:
    action = _action(mod)
    Action.objects.filter(pk=action.pk).update(
        created_at=timezone.now() - dt.timedelta(days=20, minutes=1)
    )
    with pytest.raises(DomainError, match=re.escape("The 20 days to appeal have passed.")):
        appeal_create(user=mod.author, action_id=action.pk, text=APPEAL)
    Action.objects.filter(pk=action.pk).update(
        created_at=timezone.now() - dt.timedelta(days=19, hours=23)
    )
    appeal_create(user=mod.author, action_id=action.pk, text=APPEAL)


def test_what_cannot_be_appealed(mod: Mod) -> None:
    dismissal = _action(mod, "dismiss")
    with pytest.raises(NotFound):  # a dismissal is not an action on the author's content
        appeal_create(user=mod.reporter, action_id=dismissal.pk, text=APPEAL)
    with pytest.raises(DomainError, match="cannot be appealed"):
        appeal_create(user=mod.author, action_id=dismissal.pk, text=APPEAL)
    removal = _action(mod, "remove", post=mod.group_post)
    action_reverse(user=mod.other_mod, action_id=removal.pk, reason="Gỡ nhầm.")
    with pytest.raises(DomainError, match="already been reversed"):
        appeal_create(user=mod.author, action_id=removal.pk, text=APPEAL)
    label = _action(mod, "label", post=mod.group_post, label_text="Cần kiểm chứng")
    with pytest.raises(DomainError, match="Please explain"):
        appeal_create(user=mod.author, action_id=label.pk, text="   ")
    with pytest.raises(DomainError, match="under 2,000 characters"):
        appeal_create(user=mod.author, action_id=label.pk, text="x" * 2001)


def test_approval_cannot_be_appealed(mod: Mod) -> None:
    from vcnet.social.services.moderation import post_state_set

    post_state_set(post_id=mod.post.pk, state=PostState.HELD, reason="Chờ duyệt")
    case = Case.objects.create(
        target_kind="post",
        target_key=f"post:{mod.post.pk}",
        post=mod.post,
        subject_user=mod.author,
        subject_actor=mod.post.author,
        source="held",
    )
    approval = action_take(user=mod.site_mod, case_id=case.pk, kind="approve", reason="Hợp lệ.")
    assert not appeal_allowed(approval)
    with pytest.raises(DomainError, match="cannot be appealed"):
        appeal_create(user=mod.author, action_id=approval.pk, text=APPEAL)


def test_another_moderator_overturns(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    action = _action(mod)
    appeal = appeal_create(user=mod.author, action_id=action.pk, text=APPEAL)
    with pytest.raises(
        PermissionDeniedError, match=re.escape("Another moderator must decide this appeal.")
    ):
        appeal_decide(user=mod.site_mod, appeal_id=appeal.pk, overturn=True, reason="Tôi sai.")
    with django_capture_on_commit_callbacks(execute=True):
        decided = appeal_decide(
            user=mod.other_mod,
            appeal_id=appeal.pk,
            overturn=True,
            reason="Nguồn dẫn là chính thức, bài được khôi phục.",
        )
    assert decided.state == AppealState.OVERTURNED
    assert decided.decided_by == mod.other_mod and decided.decided_at is not None
    action.refresh_from_db()
    assert action.reversed_at is not None and action.reversed_by == mod.other_mod
    assert Post.objects.get(pk=mod.post.pk).state == PostState.PUBLISHED
    note = Notification.objects.get(kind=kinds.APPEAL_DECIDED)
    assert note.user_id == mod.author.pk
    assert "accepted" in note.title
    assert note.body == "Nguồn dẫn là chính thức, bài được khôi phục."
    assert note.url == f"/moderation/mine/#action-{action.pk}"
    with pytest.raises(Conflict, match="already been decided"):
        appeal_decide(user=mod.other_mod, appeal_id=appeal.pk, overturn=False, reason="Đổi ý.")


def test_another_moderator_upholds(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    action = _action(mod)
    appeal = appeal_create(user=mod.author, action_id=action.pk, text=APPEAL)
    with django_capture_on_commit_callbacks(execute=True):
        decided = appeal_decide(
            user=mod.other_mod, appeal_id=appeal.pk, overturn=False, reason="Nguồn không đúng."
        )
    assert decided.state == AppealState.UPHELD
    action.refresh_from_db()
    assert action.reversed_at is None
    assert Post.objects.get(pk=mod.post.pk).state == PostState.REMOVED
    note = Notification.objects.get(kind=kinds.APPEAL_DECIDED)
    assert "declined" in note.title
    assert not appeal_allowed(action)  # once


def test_deciding_needs_scope_and_a_reason(mod: Mod) -> None:
    suspension = _action(
        mod, "suspend", post=mod.group_post, until=timezone.now() + dt.timedelta(days=3)
    )
    appeal = appeal_create(user=mod.author, action_id=suspension.pk, text=APPEAL)
    for user in (mod.group_mod, mod.unit_mod, mod.reporter):  # no account sanctions for them
        with pytest.raises(NotFound):
            appeal_decide(user=user, appeal_id=appeal.pk, overturn=True, reason="Đồng ý.")
    with pytest.raises(NotFound):
        appeal_decide(user=mod.other_mod, appeal_id=999_999, overturn=True, reason="Đồng ý.")
    with pytest.raises(DomainError, match="Please give the reason"):
        appeal_decide(user=mod.other_mod, appeal_id=appeal.pk, overturn=True, reason="")
    label = _action(mod, "label", post=mod.group_post, label_text="Cần kiểm chứng")
    on_label = appeal_create(user=mod.author, action_id=label.pk, text=APPEAL)
    decided = appeal_decide(
        user=mod.group_mod, appeal_id=on_label.pk, overturn=True, reason="Đã có nguồn."
    )
    assert decided.state == AppealState.OVERTURNED
    assert Post.objects.get(pk=mod.group_post.pk).labels == []


def test_reversal_answers_a_pending_appeal(mod: Mod) -> None:
    action = _action(mod)
    appeal = appeal_create(user=mod.author, action_id=action.pk, text=APPEAL)
    action_reverse(user=mod.other_mod, action_id=action.pk, reason="Gỡ nhầm.")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.OVERTURNED
    assert appeal.decision_reason == "Gỡ nhầm."


def test_appeal_allowed_helper(mod: Mod) -> None:
    action = _action(mod)
    now = timezone.now()
    assert appeal_allowed(action, now)
    assert not appeal_allowed(action, now + dt.timedelta(days=21))
    appeal_create(user=mod.author, action_id=action.pk, text=APPEAL)
    action = Action.objects.select_related("appeal").get(pk=action.pk)
    assert not appeal_allowed(action, now)
