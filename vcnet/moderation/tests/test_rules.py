"""Automatic rules as people meet them: what they catch (diacritics ignored, in every field), a
held post that only its author sees until a moderator approves it, flagged names and groups,
slow patterns that give up safely, links from brand-new accounts, and who may keep the rules."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.moderation.models import Case, CaseSource, CaseState, Report, Rule
from vcnet.moderation.services import rules as rule_services
from vcnet.moderation.tests.conftest_mod import Mod, citizen_user
from vcnet.notifications.models import Notification
from vcnet.social import feeds
from vcnet.social.access import post_for_user
from vcnet.social.models import Follow, GroupKind, PostState
from vcnet.social.services.actors import actor_for_user, page_create, profile_update
from vcnet.social.services.groups import group_create
from vcnet.social.services.media import media_upload
from vcnet.social.services.polls import PollSpec
from vcnet.social.services.posts import post_create, post_edit

pytestmark = pytest.mark.django_db


def _old(user: User) -> User:
    """The account is a week old: the first-day limits no longer apply."""
    user.date_joined = timezone.now() - dt.timedelta(days=7)
    user.save(update_fields=["date_joined"])
    return user


def make_rule(mod: Mod, pattern: str, **values: Any) -> Rule:
    values.setdefault("name", "Tin đồn xăng miễn phí")
    values.setdefault("fields", ["post", "comment"])
    return rule_services.rule_create(user=mod.site_mod, pattern=pattern, **values)


def case_of(target_key: str) -> Case | None:
    return Case.objects.filter(target_key=target_key, state=CaseState.OPEN).first()


# --- What a rule catches -----------------------------------------------------------------------
def test_words_match_without_diacritics(mod: Mod) -> None:
    rule = make_rule(mod, "xang mien phi")
    post = post_create(user=mod.reporter, text="Nghe nói XĂNG   miễn phí từ tháng sau!")
    case = case_of(f"post:{post.pk}")
    assert case is not None
    assert case.source == CaseSource.RULE
    assert Report.objects.get(case=case).rule == rule
    assert post.state == PostState.PUBLISHED  # a flag leaves the post up
    rule.refresh_from_db()
    assert rule.hits_count == 1


def test_words_match_whole_words_only(mod: Mod) -> None:
    make_rule(mod, "lừa đảo\nvay nóng")
    missed = post_create(user=mod.reporter, text="Chuyện luadao trên mạng, vaynong.")
    caught = post_create(user=mod.reporter2, text="Cẩn thận: LỪA ĐẢO qua điện thoại.")
    assert case_of(f"post:{missed.pk}") is None
    assert case_of(f"post:{caught.pk}") is not None


def test_pattern_rules_read_folded_text(mod: Mod) -> None:
    make_rule(mod, r"(?:so|sdt)\s*:?\s*0\d{9}", match="pattern", name="Số điện thoại")
    post = post_create(user=mod.reporter, text="Liên hệ SĐT: 0912345678 để nhận quà")
    assert case_of(f"post:{post.pk}") is not None


def test_a_rule_counts_once_per_case_but_every_hit_is_counted(mod: Mod) -> None:
    rule = make_rule(mod, "xang mien phi")
    post = post_create(user=mod.reporter, text="Xăng miễn phí!")
    post_edit(user=mod.reporter, post_id=post.pk, text="Xăng miễn phí, thật đấy!")
    case = case_of(f"post:{post.pk}")
    assert case is not None and case.reports_count == 1
    rule.refresh_from_db()
    assert rule.hits_count == 2


def test_rules_look_only_where_they_are_told(mod: Mod) -> None:
    make_rule(mod, "xang mien phi", fields=["comment"])
    post = post_create(user=mod.reporter, text="Xăng miễn phí?")
    assert case_of(f"post:{post.pk}") is None
    reply = post_create(user=mod.reporter2, text="Xăng miễn phí là tin đồn.", in_reply_to=post)
    assert case_of(f"post:{reply.pk}") is not None


def _image() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="JPEG")
    return SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")


def test_poll_options_are_read(mod: Mod) -> None:
    make_rule(mod, "xang mien phi", fields=["poll_option"])
    post = post_create(
        user=mod.reporter,
        text="Bạn nghĩ sao?",
        poll=PollSpec(options=["Tin thật", "Xăng miễn phí mãi mãi"]),
    )
    assert case_of(f"post:{post.pk}") is not None


def test_image_descriptions_are_read(mod: Mod, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    make_rule(mod, "xang mien phi", fields=["media_description"])
    media = media_upload(user=mod.reporter, file=_image(), description="Ảnh: xăng miễn phí")
    post = post_create(user=mod.reporter, text="Xem ảnh", media_ids=[media.pk])
    assert case_of(f"post:{post.pk}") is not None


def test_profile_names_and_bios_are_flagged_never_held(mod: Mod) -> None:
    make_rule(mod, "xang mien phi", fields=["name"], outcome="hold", name="Tên")
    make_rule(mod, "vay nong", fields=["bio"], name="Tiểu sử")
    actor = profile_update(user=mod.reporter, display_name="Xăng Miễn Phí")
    case = case_of(f"profile:{actor.pk}")
    assert case is not None and case.source == CaseSource.RULE
    actor = profile_update(user=mod.reporter2, bio="Nhận vay nóng trong ngày")
    assert case_of(f"profile:{actor.pk}") is not None
    actor.refresh_from_db()
    assert actor.display_name == "Phạm Văn Long"  # the bio alone changed: the name is untouched


def test_page_names_are_read(mod: Mod, admin: User) -> None:
    make_rule(mod, "xang mien phi", fields=["name"])
    page = page_create(
        user=admin, unit=mod.province, handle="xang_nghean", display_name="Xăng miễn phí Nghệ An"
    )
    assert case_of(f"profile:{page.pk}") is not None


def test_group_names_and_descriptions_are_read(mod: Mod) -> None:
    make_rule(mod, "xang mien phi", fields=["group_name"], name="Tên nhóm")
    make_rule(mod, "vay nong", fields=["group_description"], name="Mô tả nhóm")
    named = group_create(
        user=mod.reporter, name="Hội xăng miễn phí", slug="hoi-xang", kind=GroupKind.PUBLIC
    )
    described = group_create(
        user=mod.reporter2,
        name="Hỗ trợ tài chính",
        slug="ho-tro",
        kind=GroupKind.PUBLIC,
        description="Cho vay nóng, lãi thấp",
    )
    assert case_of(f"group:{named.pk}") is not None
    assert case_of(f"group:{described.pk}") is not None


# --- Holding a post ----------------------------------------------------------------------------
def test_a_held_post_waits_for_a_moderator(
    mod: Mod, django_capture_on_commit_callbacks: Any
) -> None:
    from vcnet.moderation.services import action_take

    make_rule(
        mod,
        "xang mien phi",
        outcome="hold",
        public_reason="Bài viết về giá xăng cần được kiểm duyệt trước.",
    )
    reader = actor_for_user(mod.reporter2)
    author_actor = actor_for_user(mod.reporter)
    Follow.objects.create(follower=reader, target=author_actor)
    handle = actor_for_user(mod.author).handle
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(user=mod.reporter, text=f"@{handle} ơi, xăng miễn phí rồi!")
    assert post.state == PostState.HELD
    assert post.state_reason == "Bài viết về giá xăng cần được kiểm duyệt trước."
    assert post_for_user(mod.reporter, post.pk).pk == post.pk  # the author still sees it
    with pytest.raises(NotFound):
        post_for_user(mod.reporter2, post.pk)
    with pytest.raises(NotFound):
        post_for_user(None, post.pk)
    assert post.pk not in [p.pk for p in feeds.feed_home(mod.reporter2).posts]
    assert not Notification.objects.filter(user=mod.author).exists()  # not mentioned yet

    case = case_of(f"post:{post.pk}")
    assert case is not None and case.source == CaseSource.HELD
    with django_capture_on_commit_callbacks(execute=True):
        action_take(
            user=mod.site_mod,
            case_id=case.pk,
            kind="approve",
            reason="Nội dung không vi phạm.",
        )
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post_for_user(mod.reporter2, post.pk).pk == post.pk
    assert post.pk in [p.pk for p in feeds.feed_home(mod.reporter2).posts]
    assert Notification.objects.filter(user=mod.author).exists()  # the mention, once approved


def test_a_hold_without_its_own_words_uses_the_default_reason(mod: Mod) -> None:
    make_rule(mod, "xang mien phi", outcome="hold")
    post = post_create(user=mod.reporter, text="Xăng miễn phí!")
    assert post.state == PostState.HELD
    assert post.state_reason == "Your post is waiting for a moderator's review."


def test_a_switched_off_or_changed_rule_applies_at_once(mod: Mod) -> None:
    rule = make_rule(mod, "xang mien phi", outcome="hold")
    rule_services.rule_update(user=mod.site_mod, rule_id=rule.pk, pattern="dien mien phi")
    first = post_create(user=mod.reporter, text="Xăng miễn phí!")
    second = post_create(user=mod.reporter, text="Điện miễn phí!")
    assert first.state == PostState.PUBLISHED
    assert second.state == PostState.HELD
    rule_services.rule_deactivate(user=mod.site_mod, rule_id=rule.pk)
    third = post_create(user=mod.reporter2, text="Điện miễn phí!")
    assert third.state == PostState.PUBLISHED
    assert case_of(f"post:{third.pk}") is None


# --- Slow patterns -----------------------------------------------------------------------------
def test_a_catastrophic_pattern_gives_up_safely(mod: Mod, caplog: Any) -> None:
    rule = make_rule(mod, r"(a|aa)+$", match="pattern", outcome="hold", name="Mẫu chậm")
    with caplog.at_level(logging.WARNING, logger="vcnet.moderation.rules"):
        post = post_create(user=mod.reporter, text="a" * 60 + "!")
    assert post.state == PostState.PUBLISHED
    assert case_of(f"post:{post.pk}") is None
    assert "timed out" in caplog.text
    rule.refresh_from_db()
    assert rule.hits_count == 0
    tried = rule_services.rule_try(
        user=mod.site_mod, match="pattern", pattern=r"(a|aa)+$", text="a" * 60 + "!"
    )
    assert tried.timed_out and tried.matches == []


# --- Keeping the rules -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"pattern": "(xăng", "match": "pattern"}, "not a valid regular expression"),
        ({"pattern": "a*", "match": "pattern"}, "matches empty text"),
        ({"pattern": " \n ... \n"}, "at least one word"),
        ({"pattern": "xang", "fields": []}, "Choose where the rule looks"),
        ({"pattern": "xang", "fields": ["email"]}, "Choose where the rule looks"),
        ({"pattern": "xang", "outcome": "delete"}, "flag or hold"),
        ({"pattern": "xang", "severity": 9}, "from 1 to 5"),
        ({"pattern": "xang", "reason_code": "khong-co"}, "report reasons"),
        ({"pattern": "xang", "name": "  "}, "give the rule a name"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(
    mod: Mod, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(DomainError) as caught:
        make_rule(mod, **values)
    assert message in str(caught.value.message)
    assert not Rule.objects.exists()


def test_a_rule_keeps_its_reason_and_severity(mod: Mod) -> None:
    rule = make_rule(mod, "xang mien phi", reason_code="false_information", severity=4)
    assert rule.reason is not None and rule.reason.code == "false_information"
    post = post_create(user=mod.reporter, text="Xăng miễn phí!")
    case = case_of(f"post:{post.pk}")
    assert case is not None and case.severity >= 4


@pytest.mark.parametrize("who", ["reporter", "unit_mod", "group_mod", "author"])
def test_only_site_moderators_keep_rules(mod: Mod, who: str) -> None:
    user = getattr(mod, who)
    rule = make_rule(mod, "xang mien phi")
    with pytest.raises(PermissionDeniedError):
        rule_services.rule_create(user=user, name="Luật", pattern="xang", fields=["post"])
    with pytest.raises(PermissionDeniedError):
        rule_services.rules_for_moderator(user)
    with pytest.raises(PermissionDeniedError):
        rule_services.rule_update(user=user, rule_id=rule.pk, active=False)
    with pytest.raises(PermissionDeniedError):
        rule_services.rule_deactivate(user=user, rule_id=rule.pk)
    with pytest.raises(PermissionDeniedError):
        rule_services.rule_try(user=user, match="keyword", pattern="xang", text="xăng")
    rule.refresh_from_db()
    assert rule.active


def test_superusers_keep_rules(admin: User) -> None:
    rule = rule_services.rule_create(
        user=admin, name="Quảng cáo", pattern="mua ngay", fields=["post"]
    )
    assert rule_services.rules_for_moderator(admin) == [rule]


# --- Links from new accounts -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["Xem tại https://tin-gia.example/xang", "Vào baonghean.vn mà đọc", "Ghé www.khuyenmai.top"],
)
def test_a_new_account_cannot_post_links(mod: Mod, text: str) -> None:
    newcomer = citizen_user("Đinh Thị Mới", "moi@congdan.vn")
    with pytest.raises(DomainError) as caught:
        post_create(user=newcomer, text=text)
    assert "first day" in str(caught.value.message)
    with pytest.raises(DomainError):
        post_create(user=newcomer, text=text, in_reply_to=mod.post)


def test_new_accounts_may_write_without_links(mod: Mod) -> None:
    newcomer = citizen_user("Đinh Thị Mới", "moi@congdan.vn")
    post = post_create(user=newcomer, text="Ở TP.HCM hôm nay mưa to, v.v. Liên hệ moi@congdan.vn")
    assert post.pk


def test_older_accounts_and_the_setting_allow_links(mod: Mod, settings: Any) -> None:
    assert post_create(user=_old(mod.reporter), text="Nguồn: https://baonghean.vn/tin").pk
    settings.SOCIAL_NEW_ACCOUNT_LINKS = True
    newcomer = citizen_user("Đinh Thị Mới", "moi@congdan.vn")
    assert post_create(user=newcomer, text="Nguồn: https://baonghean.vn/tin").pk


def test_official_pages_may_link_from_the_first_day(mod: Mod) -> None:
    post = post_create(
        user=mod.page_editor,
        as_actor=mod.page,
        text="Tra cứu thủ tục tại https://dichvucong.gov.vn",
    )
    assert post.pk
