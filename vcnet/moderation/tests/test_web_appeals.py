"""The author's side and appeals through HTTP: report → queue → case → act → my content →
appeal → another moderator decides → the outcome the author reads; the 20 days and once rules;
moderator roles granted and revoked by site moderators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.moderation.models import Action, Appeal, AppealState, ModeratorRole, ModeratorScope
from vcnet.moderation.tests.conftest_mod import Mod
from vcnet.moderation.tests.test_web_actions import XSS, act, last_action, reported
from vcnet.moderation.tests.test_web_reports import browser, case_of, html, send_report
from vcnet.social.models import PostState

pytestmark = pytest.mark.django_db

APPEAL = "Tôi chỉ hỏi lại tin đồn, không khẳng định xăng miễn phí."


def appeal(user: User, action: Action, text: str = APPEAL) -> Any:
    return browser(user).post(
        reverse("moderation:appeal", args=[action.pk]), {f"a{action.pk}-text": text}
    )


def decide(user: User, item: Appeal, decision: str, reason: str) -> Any:
    return browser(user).post(
        reverse("moderation:appeal_decide", args=[item.pk]),
        {f"d{item.pk}-decision": decision, f"d{item.pk}-reason": reason},
    )


def test_the_whole_path_ends_with_the_outcome_the_author_reads(mod: Mod) -> None:
    # A citizen reports; the case is in the queue; a moderator removes the post with a reason.
    send_report(mod.reporter, mod.post, text="Tin sai về giá xăng.")
    case = case_of(mod.post)
    queue = html(browser(mod.site_mod).get(reverse("moderation:queue")))
    assert reverse("moderation:case", args=[case.pk]) in queue
    assert act(mod.site_mod, case, "remove").status_code == 302
    action = last_action()

    # The author reads the reason on their page and appeals.
    mine = html(browser(mod.author).get(reverse("moderation:mine")))
    assert f'id="action-{action.pk}"' in mine
    assert "Bộ Công Thương chưa hề công bố" in mine
    response = browser(mod.author).post(
        reverse("moderation:appeal", args=[action.pk]),
        {f"a{action.pk}-text": APPEAL},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(f"/moderation/mine/#action-{action.pk}")
    assert "Your appeal was sent." in html(response)
    assert "Waiting for a decision" in html(response)

    # The moderator who acted does not get it; another one does, and overturns it.
    assert APPEAL not in html(browser(mod.site_mod).get(reverse("moderation:appeals")))
    pending = html(browser(mod.other_mod).get(reverse("moderation:appeals")))
    assert APPEAL in pending
    item = Appeal.objects.get(action=action)
    answer = browser(mod.other_mod).post(
        reverse("moderation:appeal_decide", args=[item.pk]),
        {
            f"d{item.pk}-decision": "overturn",
            f"d{item.pk}-reason": "Bài viết là câu hỏi, không vi phạm quy định.",
        },
        follow=True,
    )
    assert "Appeal accepted: the action was reversed." in html(answer)
    assert APPEAL not in html(answer)

    # The post is back and the author reads the outcome and the reason.
    mod.post.refresh_from_db()
    assert mod.post.state == PostState.PUBLISHED
    mine = html(browser(mod.author).get(reverse("moderation:mine")))
    assert "Action overturned" in mine
    assert "Bài viết là câu hỏi, không vi phạm quy định." in mine
    assert "Appeal this decision" not in mine


def test_an_upheld_appeal_leaves_the_action_and_says_why(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "label", label_text="Thông tin sai")
    action = last_action()
    appeal(mod.author, action)

    response = decide(mod.other_mod, Appeal.objects.get(action=action), "uphold", "Nhãn đúng.")

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.reversed_at is None
    mine = html(browser(mod.author).get(reverse("moderation:mine")))
    assert "Action upheld" in mine
    assert "Nhãn đúng." in mine


def test_the_moderator_who_acted_may_not_decide(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "remove")
    action = last_action()
    appeal(mod.author, action)

    response = decide(mod.site_mod, Appeal.objects.get(action=action), "overturn", "Tôi sai.")

    assert response.status_code == 403
    assert "Another moderator must decide this appeal." in html(response)
    assert Appeal.objects.get(action=action).state == AppealState.PENDING


def test_others_may_not_decide_or_see_appeals(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "remove")
    action = last_action()
    appeal(mod.author, action)
    item = Appeal.objects.get(action=action)

    assert browser(mod.reporter).get(reverse("moderation:appeals")).status_code == 403
    assert APPEAL not in html(browser(mod.group_mod).get(reverse("moderation:appeals")))
    assert decide(mod.group_mod, item, "overturn", "Không.").status_code == 404
    assert decide(mod.author, item, "overturn", "Không.").status_code in (403, 404)
    assert Appeal.objects.get(pk=item.pk).state == AppealState.PENDING


def test_a_decision_needs_a_choice_and_a_reason(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "remove")
    action = last_action()
    appeal(mod.author, action)
    item = Appeal.objects.get(action=action)

    response = decide(mod.other_mod, item, "", "")

    assert response.status_code == 400
    body = html(response)
    assert "Choose to uphold or overturn the action." in body
    assert "Please give the reason the author will be shown." in body


def test_one_appeals_once(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "warn")
    action = last_action()
    appeal(mod.author, action)

    response = browser(mod.author).post(
        reverse("moderation:appeal", args=[action.pk]),
        {f"a{action.pk}-text": "Lần nữa."},
        follow=True,
    )

    assert "You have already appealed this action." in html(response)
    assert Appeal.objects.filter(action=action).count() == 1


def test_the_appeal_window_closes_after_20_days(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "warn")
    action = last_action()
    Action.objects.filter(pk=action.pk).update(created_at=timezone.now() - dt.timedelta(days=21))

    mine = html(browser(mod.author).get(reverse("moderation:mine")))
    assert "The time to appeal has passed." in mine
    assert "Appeal this decision" not in mine
    response = browser(mod.author).post(
        reverse("moderation:appeal", args=[action.pk]), {f"a{action.pk}-text": APPEAL}
    )
    assert response.status_code == 400
    assert "The 20 days to appeal have passed." in html(response)
    assert not Appeal.objects.exists()


def test_an_empty_appeal_is_refused(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "warn")
    action = last_action()

    response = appeal(mod.author, action, text="   ")

    assert response.status_code == 400
    assert "Please explain why the action was wrong." in html(response)


def test_only_the_author_may_appeal(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "remove")
    action = last_action()

    assert appeal(mod.reporter, action).status_code == 404
    assert appeal(mod.other_mod, action).status_code == 404
    assert not Appeal.objects.exists()
    assert "Moderators have taken no action" in html(
        browser(mod.reporter).get(reverse("moderation:mine"))
    )


def test_appeal_text_is_escaped_for_the_moderator(mod: Mod) -> None:
    act(mod.site_mod, reported(mod), "remove")
    appeal(mod.author, last_action(), text=XSS)

    body = html(browser(mod.other_mod).get(reverse("moderation:appeals")))

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in body


# --- roles -----------------------------------------------------------------------------------


def test_a_site_moderator_grants_and_revokes_a_unit_role(mod: Mod) -> None:
    client = browser(mod.site_mod)

    response = client.post(
        reverse("moderation:roles"),
        {"email": "HOA@congdan.vn", "scope": "unit", "unit": mod.province.code, "group": ""},
        follow=True,
    )

    assert "hoa@congdan.vn is now a moderator." in html(response).lower()
    role = ModeratorRole.objects.get(user=mod.reporter)
    assert role.scope == ModeratorScope.UNIT
    assert role.unit == mod.province
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in html(client.get(reverse("moderation:roles")))
    assert browser(mod.reporter).get(reverse("moderation:queue")).status_code == 200

    client.post(reverse("moderation:role_revoke", args=[role.pk]))
    assert not ModeratorRole.objects.filter(pk=role.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "khongco@congdan.vn", "scope": "site"}, "No active account has this e-mail"),
        (
            {"email": "hoa@congdan.vn", "scope": "unit", "unit": "khong-co"},
            "No unit has this code.",
        ),
        ({"email": "hoa@congdan.vn", "scope": "group", "group": "khong-co"}, "No group has this"),
        ({"email": "kiemduyet@vcnet.test", "scope": "site"}, "This person already has this role."),
    ],
)
def test_role_mistakes_are_explained(mod: Mod, data: dict[str, str], message: str) -> None:
    response = browser(mod.site_mod).post(reverse("moderation:roles"), data)

    assert response.status_code == 400
    assert message in html(response)


def test_only_site_moderators_manage_roles(mod: Mod) -> None:
    role = ModeratorRole.objects.get(user=mod.unit_mod)

    for user in (mod.unit_mod, mod.group_mod, mod.reporter):
        client = browser(user)
        assert client.get(reverse("moderation:roles")).status_code == 403
        assert client.post(reverse("moderation:role_revoke", args=[role.pk])).status_code == 403
    assert ModeratorRole.objects.filter(pk=role.pk).exists()
