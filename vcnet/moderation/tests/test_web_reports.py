"""Reporting and the queue through HTTP, as people use them: the report form with and without
htmx, its errors, merging into one case, the queue's order and filters, who may open it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vcnet.accounts.models import User
from vcnet.moderation.models import Case, CaseState, Report
from vcnet.moderation.tests.conftest_mod import Mod, browser, citizen_user
from vcnet.social.models import Post, Visibility
from vcnet.social.services.posts import post_create

pytestmark = pytest.mark.django_db

THANKS = "Thank you. Moderators will review your report."


def html(response: Any) -> str:
    return str(response.content.decode())


def report_url(kind: str, target_id: int) -> str:
    return reverse("moderation:report", args=[kind, target_id])


def send_report(user: User, post: Post, reason: str = "false_information", text: str = "") -> Any:
    """A reader reports a post through the form, without JavaScript."""
    return browser(user).post(
        report_url("post", post.pk),
        {"reason": reason, "text": text, "next": f"/social/posts/{post.pk}/"},
    )


def case_of(post: Post) -> Case:
    return Case.objects.get(target_key=f"post:{post.pk}", state=CaseState.OPEN)


# --- the report form -------------------------------------------------------------------------


def test_the_report_form_shows_the_post_and_every_offered_reason(mod: Mod) -> None:
    response = browser(mod.reporter).get(report_url("post", mod.post.pk))

    assert response.status_code == 200
    body = html(response)
    assert "Nghe nói từ tháng sau xăng sẽ miễn phí" in body
    for code in ("false_information", "spam", "harassment", "illegal", "other"):
        assert f'value="{code}"' in body
    assert 'type="radio"' in body
    assert "Only moderators read it." in body


def test_a_report_without_javascript_returns_to_the_page_with_thanks(mod: Mod) -> None:
    client = browser(mod.reporter)

    response = client.post(
        report_url("post", mod.post.pk),
        {"reason": "false_information", "text": "Tin này sai sự thật.", "next": "/social/public/"},
        follow=True,
    )

    assert response.redirect_chain[0] == ("/social/public/", 302)
    assert THANKS in html(response)
    case = case_of(mod.post)
    assert case.reports_count == 1
    assert Report.objects.get(case=case).text == "Tin này sai sự thật."


def test_a_foreign_next_address_is_ignored(mod: Mod) -> None:
    response = browser(mod.reporter).post(
        report_url("post", mod.post.pk),
        {"reason": "spam", "next": "https://evil.example/phish"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/social/posts/{mod.post.pk}/"


def test_under_htmx_the_form_swaps_itself_for_the_thanks(mod: Mod) -> None:
    response = browser(mod.reporter).post(
        report_url("post", mod.post.pk),
        {"reason": "spam", "text": ""},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    body = html(response)
    assert THANKS in body
    assert "<html" not in body  # a fragment, not a page
    assert case_of(mod.post).reports_count == 1


def test_under_htmx_a_mistake_answers_the_form_with_its_error(mod: Mod) -> None:
    response = browser(mod.reporter).post(
        report_url("post", mod.post.pk), {"reason": "other", "text": " "}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200  # htmx swaps only successful answers
    assert "Please tell the moderators what is wrong." in html(response)
    assert 'hx-post="' in html(response)


def test_other_needs_an_explanation(mod: Mod) -> None:
    response = send_report(mod.reporter, mod.post, reason="other", text="")

    assert response.status_code == 400
    assert "Please tell the moderators what is wrong." in html(response)
    assert not Case.objects.exists()


def test_a_reason_is_required(mod: Mod) -> None:
    response = browser(mod.reporter).post(report_url("post", mod.post.pk), {"text": "Sai."})

    assert response.status_code == 400
    assert "Choose a reason for your report." in html(response)


def test_reporting_twice_is_refused_politely(mod: Mod) -> None:
    send_report(mod.reporter, mod.post)

    response = send_report(mod.reporter, mod.post, reason="spam")

    assert response.status_code == 400
    assert "You have already reported this." in html(response)
    assert case_of(mod.post).reports_count == 1


def test_reports_of_several_people_merge_into_one_case(mod: Mod) -> None:
    send_report(mod.reporter, mod.post)
    send_report(mod.reporter2, mod.post, reason="harassment", text="Xúc phạm người khác.")

    case = case_of(mod.post)
    assert case.reports_count == 2
    assert case.severity == 4  # harassment
    assert Case.objects.count() == 1


def test_one_cannot_report_ones_own_post(mod: Mod) -> None:
    response = send_report(mod.author, mod.post)

    assert response.status_code == 400
    assert "You cannot report your own content." in html(response)


def test_a_post_one_cannot_see_is_not_found(mod: Mod) -> None:
    private = post_create(
        user=mod.author, text="Chỉ người theo dõi.", visibility=Visibility.FOLLOWERS
    )

    assert browser(mod.reporter).get(report_url("post", private.pk)).status_code == 404
    assert send_report(mod.reporter, private).status_code == 404
    assert browser(mod.reporter).get(report_url("post", 999999)).status_code == 404
    assert browser(mod.reporter).get(report_url("comment", mod.post.pk)).status_code == 404


def test_anonymous_readers_are_asked_to_sign_in(mod: Mod) -> None:
    response = browser().get(report_url("post", mod.post.pk))

    assert response.status_code == 302
    assert "/login" in response["Location"] or "/accounts/" in response["Location"]


def test_profiles_and_groups_can_be_reported(mod: Mod) -> None:
    author_actor = mod.post.author
    client = browser(mod.reporter)

    page = client.get(report_url("profile", author_actor.pk))
    assert page.status_code == 200
    assert "Lê Văn Tám" in html(page)
    client.post(report_url("profile", author_actor.pk), {"reason": "spam"})
    client.post(report_url("group", mod.group.pk), {"reason": "illegal"})

    assert Case.objects.filter(target_key=f"profile:{author_actor.pk}").exists()
    assert Case.objects.get(target_key=f"group:{mod.group.pk}").severity == 5


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_puts_the_most_severe_and_most_reported_first(mod: Mod) -> None:
    send_report(mod.reporter, mod.post, reason="spam")
    send_report(mod.reporter2, mod.post, reason="spam")
    send_report(mod.reporter, mod.group_post, reason="illegal")
    send_report(mod.reporter, mod.unit_post, reason="spam")

    response = browser(mod.site_mod).get(reverse("moderation:queue"))

    assert response.status_code == 200
    body = html(response)
    illegal = body.index(f'href="/moderation/cases/{case_of(mod.group_post).pk}/"')
    twice = body.index(f'href="/moderation/cases/{case_of(mod.post).pk}/"')
    once = body.index(f'href="/moderation/cases/{case_of(mod.unit_post).pk}/"')
    assert illegal < twice < once
    assert "Severity 5" in body
    assert "2 reports" in body
    assert "Ai biết lịch cắt điện khu vực Vinh không?" in body


def test_the_queue_filters_by_kind_reason_and_state(mod: Mod) -> None:
    send_report(mod.reporter, mod.post, reason="spam")
    browser(mod.reporter).post(report_url("group", mod.group.pk), {"reason": "illegal"})
    client = browser(mod.site_mod)
    post_case = f'href="/moderation/cases/{case_of(mod.post).pk}/"'

    groups = html(client.get(reverse("moderation:queue"), {"kind": "group"}))
    assert post_case not in groups
    assert "Bạn đọc Nghệ An" in groups
    spam = html(client.get(reverse("moderation:queue"), {"reason": "spam"}))
    assert post_case in spam
    assert "Bạn đọc Nghệ An" not in spam
    closed = html(client.get(reverse("moderation:queue"), {"state": "dismissed"}))
    assert post_case not in closed
    # Unknown filter values are ignored rather than failing.
    assert client.get(reverse("moderation:queue"), {"kind": "x", "state": "y"}).status_code == 200


def test_the_queue_takes_the_same_number_of_queries_for_more_cases(mod: Mod) -> None:
    client = browser(mod.site_mod)
    send_report(mod.reporter, mod.post)
    client.get(reverse("moderation:queue"))  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("moderation:queue"))
    for n in range(4):
        writer = citizen_user(f"Người viết {n}", f"viet{n}@congdan.vn")
        send_report(mod.reporter, post_create(user=writer, text=f"Bài số {n} về giá xăng."))
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("moderation:queue"))

    assert html(response).count("mod-case-row") == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_citizens_may_not_open_the_queue(mod: Mod) -> None:
    send_report(mod.reporter, mod.post)

    response = browser(mod.reporter).get(reverse("moderation:queue"))

    assert response.status_code == 403
    assert "This page is for moderators." in html(response)
    assert browser().get(reverse("moderation:queue")).status_code == 302


def test_a_group_moderator_sees_only_the_cases_in_the_group(mod: Mod) -> None:
    send_report(mod.reporter, mod.post)
    send_report(mod.reporter, mod.group_post)

    body = html(browser(mod.group_mod).get(reverse("moderation:queue")))

    assert f'href="/moderation/cases/{case_of(mod.group_post).pk}/"' in body
    assert f'href="/moderation/cases/{case_of(mod.post).pk}/"' not in body


def test_the_launcher_shows_moderation_to_moderators_only(mod: Mod) -> None:
    home = reverse("core:home")

    assert reverse("moderation:queue") in html(browser(mod.site_mod).get(home))
    assert reverse("moderation:queue") in html(browser(mod.group_mod).get(home))
    assert reverse("moderation:queue") not in html(browser(mod.reporter).get(home))
