"""Moderators' actions: what each kind does, who may take it, what the author and the reporters
are told, and reversals that restore the content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.core.models import AuditEntry
from vcnet.moderation import kinds
from vcnet.moderation.models import Action, Case, CaseState
from vcnet.moderation.services import action_reverse, action_take, report_create
from vcnet.moderation.tests.conftest_mod import Mod, citizen_user
from vcnet.notifications.models import Notification
from vcnet.social.access import group_for_user, post_for_user
from vcnet.social.models import Actor, ActorKind, Group, PageRole, PageRoleKind, Post, PostState
from vcnet.social.services.moderation import actor_sanction_check, post_state_set
from vcnet.social.services.posts import post_create

pytestmark = pytest.mark.django_db

REASON = "Bài viết đưa tin sai sự thật về giá xăng."


def _case(mod: Mod, post: Post | None = None, kind: str = "post", target_id: int = 0) -> Case:
    target = target_id or (post or mod.post).pk
    return report_create(
        user=mod.reporter, target_kind=kind, target_id=target, reason_code="false_information"
    ).case


def _take(user: User, case: Case, kind: str, **kwargs: Any) -> Action:
    return action_take(user=user, case_id=case.pk, kind=kind, reason=REASON, **kwargs)


def _fresh(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)


def test_label(mod: Mod) -> None:
    case = _case(mod)
    action = _take(
        mod.site_mod, case, "label", label_text="Thông tin sai", policy_code="false_information"
    )
    assert _fresh(mod.post).labels == [
        {
            "key": f"action:{action.pk}",
            "kind": "label",
            "text": "Thông tin sai",
            "url": f"/moderation/actions/{action.pk}/",
        }
    ]
    assert action.policy is not None and action.policy.code == "false_information"
    assert action.moderator == mod.site_mod
    assert action.subject_user == mod.author
    assert action.snapshot["text"] == mod.post.text
    case.refresh_from_db()
    assert case.state == CaseState.ACTIONED
    assert case.closed_by == mod.site_mod and case.closed_at is not None
    entry = AuditEntry.objects.get(action="moderation.action")
    assert entry.data["kind"] == "label"


def test_limit_and_warning_screen(mod: Mod) -> None:
    case = _case(mod)
    _take(mod.site_mod, case, "limit")
    assert _fresh(mod.post).reach_limited
    _take(mod.site_mod, case, "warning_screen")
    assert _fresh(mod.post).warning == REASON


def test_remove_hides_the_post_from_everyone_but_its_author(mod: Mod) -> None:
    case = _case(mod)
    _take(mod.site_mod, case, "remove")
    post = _fresh(mod.post)
    assert post.state == PostState.REMOVED
    assert post.state_reason == REASON
    with pytest.raises(NotFound):
        post_for_user(mod.reporter, mod.post.pk)
    assert post_for_user(mod.author, mod.post.pk).pk == mod.post.pk


def test_approve_publishes_a_held_post(mod: Mod) -> None:
    post_state_set(post_id=mod.post.pk, state=PostState.HELD, reason="Chờ duyệt")
    case = Case.objects.create(
        target_kind="post",
        target_key=f"post:{mod.post.pk}",
        post=mod.post,
        subject_user=mod.author,
        subject_actor=mod.post.author,
        source="held",
    )
    _take(mod.site_mod, case, "approve")
    assert _fresh(mod.post).state == PostState.PUBLISHED
    assert post_for_user(mod.reporter, mod.post.pk).pk == mod.post.pk
    with pytest.raises(PermissionDeniedError):  # no longer held
        _take(mod.other_mod, case, "approve")


def test_suspend_and_ban(mod: Mod) -> None:
    case = _case(mod)
    until = timezone.now() + dt.timedelta(days=7)
    action = _take(mod.site_mod, case, "suspend", until=until)
    actor = Actor.objects.get(pk=mod.post.author_id)
    assert actor.suspended_until == until
    assert action.actor_id == actor.pk
    with pytest.raises(PermissionDeniedError, match="suspended"):
        actor_sanction_check(mod.author)
    _take(mod.site_mod, case, "ban")
    actor.refresh_from_db()
    assert actor.banned_at is not None
    with pytest.raises(PermissionDeniedError, match="banned"):
        actor_sanction_check(mod.author)


def test_warn_changes_nothing_but_tells_the_author(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    case = _case(mod)
    with django_capture_on_commit_callbacks(execute=True):
        action = _take(mod.site_mod, case, "warn")
    post = _fresh(mod.post)
    assert post.state == PostState.PUBLISHED and not post.labels and not post.reach_limited
    note = Notification.objects.get(kind=kinds.ACTION)
    assert note.user_id == mod.author.pk
    assert note.body == REASON
    assert note.url == f"/moderation/mine/#action-{action.pk}"
    assert "Warn the author" in note.title
    decided = Notification.objects.get(kind=kinds.REPORT_DECIDED)
    assert decided.user_id == mod.reporter.pk
    assert REASON not in decided.body and REASON not in decided.title  # no details for reporters
    assert "took action" in decided.body


def test_dismiss_tells_the_reporters_only(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    case = _case(mod)
    with django_capture_on_commit_callbacks(execute=True):
        _take(mod.site_mod, case, "dismiss")
    case.refresh_from_db()
    assert case.state == CaseState.DISMISSED
    assert not Notification.objects.filter(kind=kinds.ACTION).exists()
    decided = Notification.objects.get(kind=kinds.REPORT_DECIDED)
    assert "no action" in decided.body
    with pytest.raises(PermissionDeniedError):  # a closed case is not dismissed again
        _take(mod.site_mod, case, "dismiss")


def test_a_second_action_does_not_tell_the_reporters_again(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    case = _case(mod)
    with django_capture_on_commit_callbacks(execute=True):
        _take(mod.site_mod, case, "label", label_text="Sai sự thật")
        _take(mod.site_mod, case, "limit")
    assert Notification.objects.filter(kind=kinds.REPORT_DECIDED).count() == 1
    assert Notification.objects.filter(kind=kinds.ACTION).count() == 2


def test_profile_label_and_group_removal(mod: Mod) -> None:
    profile = _case(mod, kind="profile", target_id=mod.author.actor.pk)
    action = _take(mod.site_mod, profile, "label", label_text="Tài khoản hay đăng tin sai")
    labels = Actor.objects.get(pk=mod.author.actor.pk).labels
    assert labels[0]["key"] == f"action:{action.pk}"
    group_case = _case(mod, kind="group", target_id=mod.group.pk)
    removal = _take(mod.site_mod, group_case, "remove")
    assert Group.objects.get(pk=mod.group.pk).removed_at is not None
    with pytest.raises(NotFound):
        group_for_user(mod.reporter, mod.group.pk)
    action_reverse(user=mod.other_mod, action_id=removal.pk, reason="Nhóm đã chỉnh sửa.")
    assert group_for_user(mod.reporter, mod.group.pk) == mod.group


def test_group_moderator_acts_in_their_group_only(mod: Mod) -> None:
    in_group = _case(mod, mod.group_post)
    _take(mod.group_mod, in_group, "label", label_text="Cần kiểm chứng")
    with pytest.raises(PermissionDeniedError, match="You may not take this action"):
        _take(mod.group_mod, in_group, "suspend", until=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(PermissionDeniedError):
        _take(mod.group_mod, in_group, "ban")
    with pytest.raises(NotFound):
        _take(mod.group_mod, _case(mod), "remove")
    with pytest.raises(NotFound):
        _take(mod.group_mod, _case(mod, mod.unit_post), "remove")


def test_unit_moderator_acts_on_their_province_only(mod: Mod) -> None:
    of_unit = _case(mod, mod.unit_post)
    _take(mod.unit_mod, of_unit, "limit")
    assert _fresh(mod.unit_post).reach_limited
    editor = citizen_user("Ngô Thị Lan", "lan@hatinh.vcnet.test")
    page = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=mod.other_province,
        handle="btg_hatinh",
        display_name="Ban Tuyên giáo Tỉnh ủy Hà Tĩnh",
    )
    PageRole.objects.create(page=page, user=editor, role=PageRoleKind.EDITOR)
    other = post_create(user=editor, as_actor=page, text="Hà Tĩnh thông báo lịch nghỉ Tết.")
    with pytest.raises(NotFound):
        _take(mod.unit_mod, _case(mod, other), "limit")
    with pytest.raises(NotFound):
        _take(mod.unit_mod, _case(mod), "limit")


def test_citizens_cannot_act(mod: Mod) -> None:
    case = _case(mod)
    for user in (mod.reporter, mod.author, mod.page_editor):
        with pytest.raises(NotFound):
            _take(user, case, "remove")
    assert _fresh(mod.post).state == PostState.PUBLISHED
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "label", "reason": "   "}, "Please give the reason the author will be shown."),
        ({"kind": "label", "reason": "x" * 2001}, "under 2,000 characters"),
        ({"kind": "label", "label_text": ""}, "Write the label's text."),
        ({"kind": "label", "label_text": "x" * 201}, "under 200 characters"),
        ({"kind": "remove", "policy_code": "khong-co"}, "Choose one of the listed rules."),
        ({"kind": "xoá-sạch"}, "Choose an action."),
        ({"kind": "suspend"}, "Say until when"),
        ({"kind": "suspend", "until": "past"}, "must end in the future"),
        ({"kind": "suspend", "until": "long"}, "one year at most"),
    ],
)
def test_bad_input_is_refused_clearly(mod: Mod, kwargs: dict[str, Any], message: str) -> None:
    case = _case(mod)
    args: dict[str, Any] = {"reason": REASON, **kwargs}
    if args.get("until") == "past":
        args["until"] = timezone.now() - dt.timedelta(minutes=1)
    elif args.get("until") == "long":
        args["until"] = timezone.now() + dt.timedelta(days=400)
    with pytest.raises(DomainError, match=message):
        action_take(user=mod.site_mod, case_id=case.pk, **args)
    assert not Action.objects.exists()
    case.refresh_from_db()
    assert case.state == CaseState.OPEN


def test_a_year_suspension_is_allowed(mod: Mod) -> None:
    case = _case(mod)
    action = _take(mod.site_mod, case, "suspend", until=timezone.now() + dt.timedelta(days=365))
    assert action.until is not None


# --- reversal -------------------------------------------------------------------------------


def test_reversal_restores_the_post(
    mod: Mod, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    case = _case(mod)
    removal = _take(mod.site_mod, case, "remove")
    with django_capture_on_commit_callbacks(execute=True):
        reversed_action = action_reverse(
            user=mod.other_mod, action_id=removal.pk, reason="Tác giả đã dẫn nguồn chính thức."
        )
    assert reversed_action.reversed_at is not None
    assert reversed_action.reversed_by == mod.other_mod
    assert reversed_action.reversal_reason == "Tác giả đã dẫn nguồn chính thức."
    assert _fresh(mod.post).state == PostState.PUBLISHED
    assert post_for_user(mod.reporter, mod.post.pk).pk == mod.post.pk
    case.refresh_from_db()
    assert case.state == CaseState.ACTIONED  # reopens nothing
    note = Notification.objects.get(kind=kinds.ACTION)
    assert note.user_id == mod.author.pk and "reversed" in note.title
    assert AuditEntry.objects.filter(action="moderation.action_reverse").count() == 1
    with pytest.raises(Conflict, match="already been reversed"):
        action_reverse(user=mod.site_mod, action_id=removal.pk, reason="Lần nữa")


def test_reversal_of_each_effect(mod: Mod) -> None:
    case = _case(mod)
    label = _take(mod.site_mod, case, "label", label_text="Sai sự thật")
    limit = _take(mod.site_mod, case, "limit")
    warning = _take(mod.site_mod, case, "warning_screen")
    for action in (label, limit, warning):
        action_reverse(user=mod.site_mod, action_id=action.pk, reason="Đã kiểm tra lại.")
    post = _fresh(mod.post)
    assert post.labels == [] and not post.reach_limited and post.warning == ""


def test_reversing_one_sanction_keeps_the_other(mod: Mod) -> None:
    case = _case(mod)
    suspension = _take(mod.site_mod, case, "suspend", until=timezone.now() + dt.timedelta(days=3))
    ban = _take(mod.site_mod, case, "ban")
    action_reverse(user=mod.site_mod, action_id=suspension.pk, reason="Trùng với lệnh cấm.")
    actor = Actor.objects.get(pk=mod.post.author_id)
    assert actor.banned_at is not None and actor.suspended_until is None
    action_reverse(user=mod.site_mod, action_id=ban.pk, reason="Cấm nhầm người.")
    actor.refresh_from_db()
    assert actor.banned_at is None
    actor_sanction_check(mod.author)  # free again


def test_reversal_needs_scope_and_a_reason(mod: Mod) -> None:
    in_group = _case(mod, mod.group_post)
    suspension = _take(
        mod.site_mod, in_group, "suspend", until=timezone.now() + dt.timedelta(days=2)
    )
    label = _take(mod.site_mod, in_group, "label", label_text="Cần kiểm chứng")
    with pytest.raises(NotFound):  # a group moderator does not lift account sanctions
        action_reverse(user=mod.group_mod, action_id=suspension.pk, reason="Không đồng ý.")
    with pytest.raises(NotFound):
        action_reverse(user=mod.reporter, action_id=label.pk, reason="Không đồng ý.")
    with pytest.raises(NotFound):
        action_reverse(user=mod.site_mod, action_id=999_999, reason="Không có.")
    with pytest.raises(DomainError, match="Please say why"):
        action_reverse(user=mod.group_mod, action_id=label.pk, reason=" ")
    action_reverse(user=mod.group_mod, action_id=label.pk, reason="Đã có nguồn.")
    assert _fresh(mod.group_post).labels == []


def test_a_dismissal_has_nothing_to_reverse(mod: Mod) -> None:
    dismissal = _take(mod.site_mod, _case(mod), "dismiss")
    with pytest.raises(DomainError, match="nothing to reverse"):
        action_reverse(user=mod.site_mod, action_id=dismissal.pk, reason="Nhầm.")


def test_reversing_an_approval_holds_the_post_again(mod: Mod) -> None:
    post_state_set(post_id=mod.post.pk, state=PostState.HELD, reason="Chờ duyệt")
    case = Case.objects.create(
        target_kind="post",
        target_key=f"post:{mod.post.pk}",
        post=mod.post,
        subject_user=mod.author,
        subject_actor=mod.post.author,
        source="held",
    )
    approval = _take(mod.site_mod, case, "approve")
    action_reverse(user=mod.other_mod, action_id=approval.pk, reason="Duyệt nhầm.")
    assert _fresh(mod.post).state == PostState.HELD
