"""Reads: the queue and its order, a case's detail, the author's actions, pending appeals, the
public page behind a label."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.core.ratelimit import rate_limits_suspended
from vcnet.moderation import selectors
from vcnet.moderation.models import Action, Case, Rule
from vcnet.moderation.services import (
    action_reverse,
    action_take,
    appeal_create,
    case_flag,
    report_create,
)
from vcnet.moderation.tests.conftest_mod import Mod, citizen_user
from vcnet.social.models import Post
from vcnet.social.services.posts import post_create

pytestmark = pytest.mark.django_db


def _report(user: User, post: Post, code: str = "spam") -> Case:
    return report_create(user=user, target_kind="post", target_id=post.pk, reason_code=code).case


def test_queue_order_and_filters(mod: Mod) -> None:
    low = _report(mod.reporter, mod.post, "spam")
    severe = _report(mod.reporter, mod.group_post, "harassment")
    many = _report(mod.reporter, mod.unit_post, "spam")
    _report(mod.reporter2, mod.unit_post, "spam")
    assert [c.pk for c in selectors.queue(mod.site_mod)] == [severe.pk, many.pk, low.pk]
    assert [c.pk for c in selectors.queue(mod.site_mod, reason_code="harassment")] == [severe.pk]
    assert [c.pk for c in selectors.queue(mod.site_mod, limit=1, offset=1)] == [many.pk]
    assert [c.pk for c in selectors.queue(mod.unit_mod)] == [many.pk]
    assert [c.pk for c in selectors.queue(mod.group_mod)] == [severe.pk]
    assert selectors.queue(mod.reporter) == []
    action_take(user=mod.site_mod, case_id=low.pk, kind="dismiss", reason="Không vi phạm.")
    assert low.pk not in [c.pk for c in selectors.queue(mod.site_mod)]
    assert [c.pk for c in selectors.queue(mod.site_mod, state="dismissed")] == [low.pk]
    assert len(selectors.queue(mod.site_mod, state="all")) == 3
    profile = report_create(
        user=mod.reporter, target_kind="profile", target_id=mod.author.actor.pk, reason_code="spam"
    ).case
    assert [c.pk for c in selectors.queue(mod.site_mod, target_kind="profile")] == [profile.pk]
    with pytest.raises(DomainError):
        selectors.queue(mod.site_mod, state="mở")
    with pytest.raises(DomainError):
        selectors.queue(mod.site_mod, target_kind="bình luận")


def test_queue_query_count_is_constant(mod: Mod) -> None:
    _report(mod.reporter, mod.post)
    with CaptureQueriesContext(connection) as few:
        for case in selectors.queue(mod.site_mod):
            str(case.post.author if case.post else "")
            str(case.subject_user)
    with rate_limits_suspended():
        for i in range(5):
            post = post_create(user=mod.author, text=f"Tin đồn số {i} ở Vinh")
            _report(mod.reporter, post)
    with CaptureQueriesContext(connection) as more:
        cases = selectors.queue(mod.site_mod)
        for case in cases:
            str(case.post.author if case.post else "")
            str(case.subject_user)
    assert len(cases) == 6
    assert len(more) == len(few)


def test_case_detail(mod: Mod) -> None:
    case = _report(mod.reporter, mod.post, "false_information")
    _report(mod.reporter2, mod.post, "false_information")
    third = citizen_user("Đỗ Thị Nga", "nga@congdan.vn")
    _report(third, mod.post, "spam")
    rule = Rule.objects.create(name="Xăng miễn phí", pattern="xang mien phi", fields=["post"])
    case_flag(target=mod.post, rule=rule, held=False)
    earlier = action_take(
        user=mod.site_mod,
        case_id=_report(mod.reporter, mod.group_post).pk,
        kind="warn",
        reason="Nhắc nhở lần đầu.",
    )
    detail = selectors.case_detail(mod.site_mod, case.pk)
    assert detail.case == case
    assert len(detail.reports) == 4
    assert detail.reason_counts == [
        ("Thông tin sai sự thật", 2),
        ("Automatic rule: Xăng miễn phí", 1),
        ("Tin rác, quảng cáo", 1),
    ]
    assert detail.item == mod.post
    assert detail.snapshot["text"] == mod.post.text
    assert [a.pk for a in detail.author_history] == [earlier.pk]
    assert detail.actions == []
    assert "remove" in detail.allowed
    label = action_take(
        user=mod.site_mod, case_id=case.pk, kind="label", reason="Sai.", label_text="Sai sự thật"
    )
    detail = selectors.case_detail(mod.site_mod, case.pk)
    assert [a.pk for a in detail.actions] == [label.pk]
    assert [a.pk for a in detail.author_history] == [label.pk, earlier.pk]
    with pytest.raises(NotFound):
        selectors.case_detail(mod.group_mod, case.pk)


def test_case_detail_of_a_deleted_post_keeps_the_snapshot(mod: Mod) -> None:
    case = _report(mod.reporter, mod.post)
    Post.objects.filter(pk=mod.post.pk).delete()
    detail = selectors.case_detail(mod.site_mod, case.pk)
    assert detail.item is None
    assert detail.snapshot["text"] == "Nghe nói từ tháng sau xăng sẽ miễn phí cho mọi người!"


def test_actions_for_subject(mod: Mod) -> None:
    dismissal = action_take(
        user=mod.site_mod,
        case_id=_report(mod.reporter, mod.post).pk,
        kind="dismiss",
        reason="Không vi phạm.",
    )
    removal = action_take(
        user=mod.site_mod,
        case_id=_report(mod.reporter, mod.group_post).pk,
        kind="remove",
        reason="Tin sai.",
    )
    appeal_create(user=mod.author, action_id=removal.pk, text="Tôi không đồng ý.")
    mine = selectors.actions_for_subject(mod.author)
    assert [a.pk for a in mine] == [removal.pk]  # a dismissal did nothing to the author
    assert dismissal.pk not in [a.pk for a in mine]
    assert mine[0].appeal.text == "Tôi không đồng ý."
    assert not selectors.appeal_allowed(mine[0])
    assert selectors.actions_for_subject(mod.reporter) == []


def test_appeals_pending(mod: Mod) -> None:
    label = action_take(
        user=mod.site_mod,
        case_id=_report(mod.reporter, mod.group_post).pk,
        kind="label",
        reason="Cần kiểm chứng.",
        label_text="Chưa kiểm chứng",
    )
    suspension = action_take(
        user=mod.site_mod,
        case_id=_report(mod.reporter2, mod.group_post).pk,
        kind="suspend",
        reason="Tái phạm.",
        until=timezone.now() + dt.timedelta(days=2),
    )
    on_label = appeal_create(user=mod.author, action_id=label.pk, text="Đã có nguồn.")
    on_suspension = appeal_create(user=mod.author, action_id=suspension.pk, text="Quá nặng.")
    assert [a.pk for a in selectors.appeals_pending(mod.other_mod)] == [
        on_label.pk,
        on_suspension.pk,
    ]
    assert selectors.appeals_pending(mod.site_mod) == []  # took both actions
    assert [a.pk for a in selectors.appeals_pending(mod.group_mod)] == [on_label.pk]
    assert selectors.appeals_pending(mod.unit_mod) == []
    assert selectors.appeals_pending(mod.author) == []


def test_action_public(mod: Mod) -> None:
    case = _report(mod.reporter, mod.post)
    label = action_take(
        user=mod.site_mod,
        case_id=case.pk,
        kind="label",
        reason="Giá xăng do Nhà nước điều hành, không miễn phí.",
        label_text="Thông tin sai",
        policy_code="false_information",
    )
    shown = selectors.action_public(label.pk)
    assert shown.label_text == "Thông tin sai"
    assert shown.policy is not None and shown.policy.name == "Thông tin sai sự thật"
    warn = action_take(user=mod.site_mod, case_id=case.pk, kind="warn", reason="Riêng tư.")
    with pytest.raises(NotFound):  # only what everyone sees on the item has a public page
        selectors.action_public(warn.pk)
    action_reverse(user=mod.other_mod, action_id=label.pk, reason="Đã đính chính.")
    with pytest.raises(NotFound, match="no longer exists"):
        selectors.action_public(label.pk)
    with pytest.raises(NotFound):
        selectors.action_public(999_999)
    assert Action.objects.count() == 2
