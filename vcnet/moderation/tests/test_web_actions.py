"""A case through HTTP: the page a moderator decides on, every kind of action with the effect
people then see, reversal, mistakes in the form, who may act where, and escaped user text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.moderation.models import Action, Case, CaseState, Rule, RuleOutcome
from vcnet.moderation.services import case_flag
from vcnet.moderation.tests.conftest_mod import Mod
from vcnet.moderation.tests.test_web_reports import browser, case_of, html, send_report
from vcnet.social.models import Actor, Group, Post, PostState
from vcnet.social.services.moderation import post_state_set

pytestmark = pytest.mark.django_db

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
REASON = "Bài viết đưa tin sai: Bộ Công Thương chưa hề công bố xăng miễn phí."


def act(user: User, case: Case, kind: str, **data: str) -> Any:
    """A moderator submits the decision form of a case."""
    fields = {"kind": kind, "reason": REASON, "policy": "false_information", **data}
    return browser(user).post(reverse("moderation:act", args=[case.pk]), fields)


def reported(mod: Mod, post: Post | None = None) -> Case:
    post = post or mod.post
    send_report(mod.reporter, post, text="Tin đồn thất thiệt về giá xăng.")
    return case_of(post)


def last_action() -> Action:
    return Action.objects.order_by("-id").first()  # type: ignore[return-value]


# --- the case page ---------------------------------------------------------------------------


def test_the_case_page_has_the_item_reports_history_and_the_allowed_actions(mod: Mod) -> None:
    case = reported(mod)
    send_report(mod.reporter2, mod.post, reason="spam")

    response = browser(mod.site_mod).get(reverse("moderation:case", args=[case.pk]))

    assert response.status_code == 200
    body = html(response)
    assert "Nghe nói từ tháng sau xăng sẽ miễn phí cho mọi người!" in body
    assert "Tin đồn thất thiệt về giá xăng." in body
    assert "False information · 1" in body or "Thông tin sai sự thật · 1" in body
    assert "No earlier actions." in body
    for kind in ("dismiss", "label", "limit", "warning_screen", "remove", "warn", "suspend", "ban"):
        assert f'value="{kind}"' in body
    assert 'value="approve"' not in body  # only for held posts


def test_the_author_history_lists_earlier_actions_not_opinions(mod: Mod) -> None:
    act(mod.site_mod, reported(mod, mod.group_post), "warn")
    case = reported(mod)

    body = html(browser(mod.other_mod).get(reverse("moderation:case", args=[case.pk])))

    history = body[body.index('id="h-history"') :]
    assert "Warn the author" in history
    assert REASON in history
    assert "Ai biết lịch cắt điện" not in history  # the earlier post itself is not shown


def test_report_text_and_reasons_are_escaped(mod: Mod) -> None:
    send_report(mod.reporter, mod.post, reason="other", text=XSS)
    case = case_of(mod.post)
    act(mod.site_mod, case, "label", label_text=XSS, reason=XSS)

    pages = [
        browser(mod.site_mod).get(reverse("moderation:case", args=[case.pk])),
        browser(mod.author).get(reverse("moderation:mine")),
        browser().get(reverse("moderation:action_public", args=[last_action().pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        body = html(page)
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in body


# --- every kind of action, and what people see afterwards ------------------------------------


def test_dismiss_closes_the_case_and_tells_the_author_nothing(mod: Mod) -> None:
    case = reported(mod)

    response = act(mod.site_mod, case, "dismiss", policy="")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DISMISSED
    assert "Dismiss" not in html(browser(mod.author).get(reverse("moderation:mine")))
    assert html(browser(mod.site_mod).get(reverse("moderation:queue"))).count("mod-case-row") == 0


def test_label_puts_a_chip_on_the_post_linking_to_its_explanation(mod: Mod) -> None:
    case = reported(mod)

    response = act(mod.site_mod, case, "label", label_text="Thông tin chưa được kiểm chứng")

    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:case", args=[case.pk])
    action = last_action()
    post_page = html(browser(mod.reporter2).get(reverse("social:post", args=[mod.post.pk])))
    assert "Thông tin chưa được kiểm chứng" in post_page
    assert reverse("moderation:action_public", args=[action.pk]) in post_page
    public = browser().get(reverse("moderation:action_public", args=[action.pk]))
    assert public.status_code == 200
    assert "Thông tin chưa được kiểm chứng" in html(public)
    assert REASON in html(public)
    case.refresh_from_db()
    assert case.state == CaseState.ACTIONED


def test_limit_takes_the_post_out_of_the_public_feed(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "limit")

    mod.post.refresh_from_db()
    assert mod.post.reach_limited is True
    assert "xăng sẽ miễn phí" not in html(browser(mod.reporter2).get(reverse("social:public")))


def test_warning_screen_hides_the_post_behind_the_reason(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "warning_screen")

    page = html(browser(mod.reporter2).get(reverse("social:post", args=[mod.post.pk])))
    assert "Moderators&#x27; warning:" in page or "Moderators' warning:" in page
    assert "Bộ Công Thương chưa hề công bố" in page


def test_remove_hides_the_post_from_others_and_tells_the_author_why(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "remove")

    mod.post.refresh_from_db()
    assert mod.post.state == PostState.REMOVED
    assert browser(mod.reporter2).get(reverse("social:post", args=[mod.post.pk])).status_code == 404
    mine = html(browser(mod.author).get(reverse("moderation:mine")))
    assert f'id="action-{last_action().pk}"' in mine
    assert "Remove" in mine
    assert REASON in mine


def test_warn_is_shown_to_the_author(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "warn")

    mine = html(browser(mod.author).get(reverse("moderation:mine")))
    assert "Warn the author" in mine
    assert "Appeal this decision" in mine


def test_suspend_until_a_day_stops_the_author_posting(mod: Mod) -> None:
    day = (timezone.localdate() + dt.timedelta(days=7)).isoformat()

    response = act(mod.site_mod, reported(mod), "suspend", until=day)

    assert response.status_code == 302
    actor = Actor.objects.get(pk=mod.post.author_id)
    assert actor.suspended_until is not None
    assert timezone.localtime(actor.suspended_until).date().isoformat() == day
    compose = browser(mod.author).post(reverse("social:compose"), {"text": "Tôi vẫn muốn đăng."})
    assert not Post.objects.filter(text="Tôi vẫn muốn đăng.").exists()
    assert compose.status_code in (200, 302, 400, 403)


def test_ban_marks_the_profile_banned(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "ban")

    assert Actor.objects.get(pk=mod.post.author_id).banned_at is not None


def test_approve_publishes_a_held_post(mod: Mod) -> None:
    rule = Rule.objects.create(
        name="Xăng miễn phí", pattern="xang mien phi", fields=["post"], outcome=RuleOutcome.HOLD
    )
    post_state_set(post_id=mod.post.pk, state=PostState.HELD, reason="Chờ kiểm duyệt.")
    case = case_flag(target=mod.post, rule=rule, held=True)
    assert browser(mod.reporter).get(reverse("social:post", args=[mod.post.pk])).status_code == 404
    page = html(browser(mod.site_mod).get(reverse("moderation:case", args=[case.pk])))
    assert 'value="approve"' in page

    act(mod.site_mod, case, "approve", policy="", reason="Không vi phạm quy định.")

    mod.post.refresh_from_db()
    assert mod.post.state == PostState.PUBLISHED
    assert browser(mod.reporter).get(reverse("social:post", args=[mod.post.pk])).status_code == 200


def test_a_group_can_be_removed(mod: Mod) -> None:
    browser(mod.reporter).post(
        reverse("moderation:report", args=["group", mod.group.pk]), {"reason": "illegal"}
    )
    case = Case.objects.get(target_key=f"group:{mod.group.pk}")

    act(mod.site_mod, case, "remove")

    assert Group.objects.get(pk=mod.group.pk).removed_at is not None


# --- reversal --------------------------------------------------------------------------------


def test_reversing_a_removal_restores_the_post(mod: Mod) -> None:
    case = reported(mod)
    act(mod.site_mod, case, "remove")
    action = last_action()
    page = html(browser(mod.other_mod).get(reverse("moderation:case", args=[case.pk])))
    assert reverse("moderation:reverse", args=[action.pk]) in page

    response = browser(mod.other_mod).post(
        reverse("moderation:reverse", args=[action.pk]),
        {
            f"r{action.pk}-reason": "Đã kiểm tra lại: bài viết là câu hỏi, không phải tin giả.",
            "next": reverse("moderation:case", args=[case.pk]),
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "The action was reversed" in html(response)
    mod.post.refresh_from_db()
    assert mod.post.state == PostState.PUBLISHED
    mine = html(browser(mod.author).get(reverse("moderation:mine")))
    assert "Reversed" in mine
    assert "câu hỏi, không phải tin giả" in mine


def test_a_reversal_needs_a_reason(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "remove")

    response = browser(mod.site_mod).post(
        reverse("moderation:reverse", args=[last_action().pk]), {"reason": ""}, follow=True
    )

    assert "Please say why the action is reversed." in html(response)
    mod.post.refresh_from_db()
    assert mod.post.state == PostState.REMOVED


# --- mistakes in the form --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("remove", {"reason": "  "}, "Please give the reason the author will be shown."),
        ("label", {"label_text": ""}, "Write the label&#x27;s text."),
        ("suspend", {"until": ""}, "Say until when the account is suspended."),
        ("suspend", {"until": "2020-01-01"}, "A suspension must end in the future."),
        ("suspend", {"until": "2099-01-01"}, "A suspension may last one year at most."),
        ("", {}, "Choose an action."),
    ],
)
def test_mistakes_are_explained_on_the_case_page(
    mod: Mod, kind: str, data: dict[str, str], message: str
) -> None:
    case = reported(mod)

    response = act(mod.site_mod, case, kind, **data)

    assert response.status_code == 400
    body = html(response)
    assert message in body
    assert "Nghe nói từ tháng sau xăng" in body  # still the case page
    assert not Action.objects.exists()


# --- who may act where -----------------------------------------------------------------------


def test_a_group_moderator_cannot_see_or_act_on_a_case_outside_the_group(mod: Mod) -> None:
    case = reported(mod)
    client = browser(mod.group_mod)

    assert client.get(reverse("moderation:case", args=[case.pk])).status_code == 404
    assert act(mod.group_mod, case, "remove").status_code == 404
    mod.post.refresh_from_db()
    assert mod.post.state == PostState.PUBLISHED


def test_a_group_moderator_acts_in_the_group_but_may_not_sanction_accounts(mod: Mod) -> None:
    case = reported(mod, mod.group_post)
    page = html(browser(mod.group_mod).get(reverse("moderation:case", args=[case.pk])))
    assert 'value="remove"' in page
    assert 'value="ban"' not in page

    assert act(mod.group_mod, case, "ban").status_code == 403
    assert Actor.objects.get(pk=mod.group_post.author_id).banned_at is None
    assert act(mod.group_mod, case, "remove").status_code == 302
    mod.group_post.refresh_from_db()
    assert mod.group_post.state == PostState.REMOVED


def test_a_unit_moderator_acts_on_the_units_page_posts_only(mod: Mod) -> None:
    unit_case = reported(mod, mod.unit_post)
    other_case = reported(mod)

    assert act(mod.unit_mod, unit_case, "label", label_text="Cần cập nhật").status_code == 302
    assert act(mod.unit_mod, other_case, "label", label_text="Cần cập nhật").status_code == 404


def test_citizens_and_the_author_cannot_act(mod: Mod) -> None:
    case = reported(mod)

    assert browser(mod.reporter).get(reverse("moderation:case", args=[case.pk])).status_code == 404
    assert act(mod.reporter, case, "remove").status_code == 404
    assert act(mod.author, case, "dismiss").status_code == 404
    assert browser().post(reverse("moderation:act", args=[case.pk]), {}).status_code == 302
    assert not Action.objects.exists()


def test_only_moderators_in_scope_may_reverse(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "remove")
    action = last_action()

    for user in (mod.group_mod, mod.author, mod.reporter):
        response = browser(user).post(
            reverse("moderation:reverse", args=[action.pk]), {"reason": "Tôi không đồng ý."}
        )
        assert response.status_code == 404
    action.refresh_from_db()
    assert action.reversed_at is None


def test_a_reversed_label_page_is_gone(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "label", label_text="Sai sự thật")
    action = last_action()
    browser(mod.site_mod).post(
        reverse("moderation:reverse", args=[action.pk]), {"reason": "Nhãn gắn nhầm bài."}
    )

    assert browser().get(reverse("moderation:action_public", args=[action.pk])).status_code == 404
