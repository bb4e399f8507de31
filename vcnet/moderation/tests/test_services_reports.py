"""Reporting posts, profiles and groups; duplicate reports merge into one case; rules flag."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from vcnet.core.errors import Conflict, DomainError, NotFound
from vcnet.core.models import AuditEntry
from vcnet.core.ratelimit import RateLimited, rate_limits_suspended
from vcnet.moderation import kinds
from vcnet.moderation.models import Case, CaseSource, CaseState, Report, ReportReason, Rule
from vcnet.moderation.services import action_take, case_flag, report_create
from vcnet.moderation.tests.conftest_mod import Mod, citizen_user
from vcnet.notifications.models import Notification
from vcnet.social.models import Group, GroupKind, PostState, Visibility
from vcnet.social.services.moderation import post_state_set
from vcnet.social.services.posts import post_create

pytestmark = pytest.mark.django_db


def _notified(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_a_report_opens_a_case_with_a_snapshot(mod: Mod) -> None:
    report = report_create(
        user=mod.reporter,
        target_kind="post",
        target_id=mod.post.pk,
        reason_code="false_information",
        text="  Tin sai về giá xăng.  ",
    )
    case = report.case
    assert report.text == "Tin sai về giá xăng."
    assert report.reason is not None and report.reason.code == "false_information"
    assert case.state == CaseState.OPEN
    assert case.source == CaseSource.REPORT
    assert case.target_key == f"post:{mod.post.pk}"
    assert case.post == mod.post
    assert case.subject_user == mod.author
    assert case.subject_actor == mod.post.author
    assert case.scope_group is None and case.scope_unit is None
    assert case.reports_count == 1
    assert case.severity == 3
    assert case.snapshot["text"] == mod.post.text
    assert "Lê Văn Tám" in case.snapshot["author"]
    assert case.snapshot["url"] == f"/social/posts/{mod.post.pk}/"
    entry = AuditEntry.objects.get(action="moderation.report")
    assert entry.actor_id == mod.reporter.pk
    assert entry.data["case"] == case.pk


def test_the_snapshot_keeps_what_was_reported(mod: Mod) -> None:
    case = report_create(
        user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="spam"
    ).case
    mod.post.text = "Đã sửa lại nội dung."
    mod.post.save(update_fields=["text"])
    report_create(user=mod.reporter2, target_kind="post", target_id=mod.post.pk, reason_code="spam")
    case.refresh_from_db()
    assert case.snapshot["text"] == "Nghe nói từ tháng sau xăng sẽ miễn phí cho mọi người!"


def test_duplicate_reports_merge_into_one_case(mod: Mod) -> None:
    first = report_create(
        user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="spam"
    )
    second = report_create(
        user=mod.reporter2,
        target_kind="post",
        target_id=mod.post.pk,
        reason_code="false_information",
    )
    assert first.case_id == second.case_id
    case = Case.objects.get()
    assert case.reports_count == 2
    assert case.severity == 3  # the highest of spam (2) and false information (3)
    with pytest.raises(Conflict, match=re.escape("You have already reported this.")):
        report_create(
            user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="harassment"
        )
    case.refresh_from_db()
    assert case.reports_count == 2
    assert Report.objects.count() == 2


def test_a_report_after_the_decision_opens_a_new_case(mod: Mod) -> None:
    case = report_create(
        user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="spam"
    ).case
    action_take(user=mod.site_mod, case_id=case.pk, kind="dismiss", reason="Không vi phạm.")
    again = report_create(
        user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="spam"
    ).case
    assert again.pk != case.pk
    assert again.state == CaseState.OPEN


def test_reporting_a_share_reports_the_shared_post(mod: Mod) -> None:
    from vcnet.social.services.interactions import post_share

    share = post_share(user=mod.reporter2, post_id=mod.post.pk)
    report = report_create(
        user=mod.reporter, target_kind="post", target_id=share.pk, reason_code="spam"
    )
    assert report.case.post == mod.post


def test_only_what_the_reporter_can_see(mod: Mod) -> None:
    post_state_set(post_id=mod.post.pk, state=PostState.HELD, reason="Chờ duyệt")
    with pytest.raises(NotFound):
        report_create(
            user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="spam"
        )
    with pytest.raises(NotFound):
        report_create(user=mod.reporter, target_kind="post", target_id=999_999, reason_code="spam")
    private = Group.objects.create(slug="nhom-kin", name="Nhóm kín", kind=GroupKind.PRIVATE)
    with pytest.raises(NotFound):
        report_create(
            user=mod.reporter, target_kind="group", target_id=private.pk, reason_code="spam"
        )
    with pytest.raises(NotFound):
        report_create(
            user=mod.reporter, target_kind="profile", target_id=999_999, reason_code="spam"
        )
    assert not Case.objects.exists()


def test_followers_only_post_is_not_reportable_by_strangers(mod: Mod) -> None:
    secret = post_create(user=mod.author, text="Chỉ bạn bè xem.", visibility=Visibility.FOLLOWERS)
    with pytest.raises(NotFound):
        report_create(
            user=mod.reporter, target_kind="post", target_id=secret.pk, reason_code="spam"
        )


def test_own_content_cannot_be_reported(mod: Mod) -> None:
    with pytest.raises(DomainError, match=re.escape("You cannot report your own content.")):
        report_create(
            user=mod.author, target_kind="post", target_id=mod.post.pk, reason_code="spam"
        )
    with pytest.raises(DomainError, match="own content"):
        report_create(
            user=mod.author,
            target_kind="profile",
            target_id=mod.author.actor.pk,
            reason_code="spam",
        )
    # A page's editor reports neither the page nor its posts.
    with pytest.raises(DomainError, match="own content"):
        report_create(
            user=mod.page_editor,
            target_kind="post",
            target_id=mod.unit_post.pk,
            reason_code="spam",
        )


@pytest.mark.parametrize(
    ("kind", "code", "text", "message"),
    [
        ("post", "khong-co", "", "Choose a reason"),
        ("post", "", "", "Choose a reason"),
        ("post", "other", "   ", "Please tell the moderators what is wrong."),
        ("post", "spam", "x" * 1001, "under 1,000 characters"),
        ("comment", "spam", "", "Only posts, profiles and groups can be reported."),
    ],
)
def test_bad_input_is_refused_clearly(
    mod: Mod, kind: str, code: str, text: str, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        report_create(
            user=mod.reporter,
            target_kind=kind,
            target_id=mod.post.pk,
            reason_code=code,
            text=text,
        )
    assert not Case.objects.exists()


def test_a_retired_reason_is_not_offered(mod: Mod) -> None:
    ReportReason.objects.filter(code="spam").update(active=False)
    with pytest.raises(DomainError, match="Choose a reason"):
        report_create(
            user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="spam"
        )


def test_other_with_an_explanation(mod: Mod) -> None:
    report = report_create(
        user=mod.reporter,
        target_kind="post",
        target_id=mod.post.pk,
        reason_code="other",
        text="Bài viết dùng ảnh của tôi mà không xin phép.",
    )
    assert report.reason is not None and report.reason.code == "other"


def test_twenty_reports_an_hour(mod: Mod) -> None:
    with rate_limits_suspended():
        posts = [post_create(user=mod.author, text=f"Bài số {i} về Nghệ An") for i in range(21)]
    for post in posts[:20]:
        report_create(user=mod.reporter, target_kind="post", target_id=post.pk, reason_code="spam")
    with pytest.raises(RateLimited):
        report_create(
            user=mod.reporter, target_kind="post", target_id=posts[20].pk, reason_code="spam"
        )
    # Someone else still may.
    report_create(
        user=mod.reporter2, target_kind="post", target_id=posts[20].pk, reason_code="spam"
    )


def test_urgent_reports_are_announced_to_the_moderators_in_scope(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report_create(
            user=mod.reporter,
            target_kind="post",
            target_id=mod.unit_post.pk,
            reason_code="harassment",
        )
    assert _notified(kinds.CASE) == {mod.site_mod.pk, mod.other_mod.pk, mod.unit_mod.pk}
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        report_create(
            user=mod.reporter2,
            target_kind="post",
            target_id=mod.unit_post.pk,
            reason_code="illegal",
        )
    assert _notified(kinds.CASE) == set()  # already urgent: no second alert


def test_a_plain_report_is_not_announced(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report_create(
            user=mod.reporter, target_kind="post", target_id=mod.group_post.pk, reason_code="spam"
        )
    assert _notified(kinds.CASE) == set()


def test_five_reports_are_announced(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    people = [mod.reporter, mod.reporter2] + [
        citizen_user(f"Người dân số {i}", f"dan{i}@congdan.vn") for i in range(3)
    ]
    for person in people[:4]:
        report_create(
            user=person, target_kind="post", target_id=mod.group_post.pk, reason_code="spam"
        )
    with django_capture_on_commit_callbacks(execute=True):
        report_create(
            user=people[4], target_kind="post", target_id=mod.group_post.pk, reason_code="spam"
        )
    # Site moderators and the group's own moderator.
    assert _notified(kinds.CASE) == {mod.site_mod.pk, mod.other_mod.pk, mod.group_mod.pk}


def test_profiles_and_groups(mod: Mod) -> None:
    profile_case = report_create(
        user=mod.reporter,
        target_kind="profile",
        target_id=mod.author.actor.pk,
        reason_code="harassment",
    ).case
    assert profile_case.target_key == f"profile:{mod.author.actor.pk}"
    assert profile_case.actor == mod.author.actor
    assert profile_case.subject_user == mod.author
    assert profile_case.snapshot["name"] == "Lê Văn Tám"
    page_case = report_create(
        user=mod.reporter, target_kind="profile", target_id=mod.page.pk, reason_code="spam"
    ).case
    assert page_case.scope_unit == mod.province
    assert page_case.subject_user == mod.page_editor
    mod.group.created_by = mod.author
    mod.group.save(update_fields=["created_by"])
    group_case = report_create(
        user=mod.reporter, target_kind="group", target_id=mod.group.pk, reason_code="spam"
    ).case
    assert group_case.group == mod.group
    assert group_case.subject_user == mod.author
    assert group_case.scope_group is None  # its own moderators do not judge it
    assert group_case.snapshot["name"] == "Bạn đọc Nghệ An"


def test_scopes_of_group_and_page_posts(mod: Mod) -> None:
    in_group = report_create(
        user=mod.reporter, target_kind="post", target_id=mod.group_post.pk, reason_code="spam"
    ).case
    assert in_group.scope_group == mod.group
    of_page = report_create(
        user=mod.reporter, target_kind="post", target_id=mod.unit_post.pk, reason_code="spam"
    ).case
    assert of_page.scope_unit == mod.province
    assert of_page.subject_user == mod.page_editor


def _rule(**kwargs: Any) -> Rule:
    defaults: dict[str, Any] = {
        "name": "Tin đồn xăng",
        "pattern": "xang mien phi",
        "fields": ["post"],
        "severity": 3,
    }
    return Rule.objects.create(**{**defaults, **kwargs})


def test_a_rule_flags_once_per_case(mod: Mod) -> None:
    rule = _rule()
    case = case_flag(target=mod.post, rule=rule, held=False)
    assert case.source == CaseSource.RULE
    assert case.reports_count == 1
    assert case.severity == 3
    again = case_flag(target=mod.post, rule=rule, held=False)
    assert again.pk == case.pk
    assert again.reports_count == 1  # the same rule never counts twice
    report = Report.objects.get(case=case)
    assert report.reporter is None and report.rule == rule
    other = _rule(name="Từ khoá khác", pattern="mien phi", severity=5)
    case = case_flag(target=mod.post, rule=other, held=False)
    assert case.reports_count == 2
    assert case.severity == 5
    # People's reports join the rule's case.
    joined = report_create(
        user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="spam"
    ).case
    assert joined.pk == case.pk
    assert joined.reports_count == 3


def test_a_held_post_waits_and_its_moderators_are_told(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    rule = _rule(outcome="hold", severity=2)
    with django_capture_on_commit_callbacks(execute=True):
        case = case_flag(target=mod.group_post, rule=rule, held=True)
    assert case.source == CaseSource.HELD
    assert _notified(kinds.CASE) == {mod.site_mod.pk, mod.other_mod.pk, mod.group_mod.pk}
    assert AuditEntry.objects.filter(action="moderation.flag").count() == 1


def test_a_rule_flags_profiles_and_groups(mod: Mod) -> None:
    rule = _rule(fields=["name", "group_name"])
    assert case_flag(target=mod.author.actor, rule=rule, held=False).target_kind == "profile"
    assert case_flag(target=mod.group, rule=rule, held=False).target_kind == "group"
