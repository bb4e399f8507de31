"""The monthly transparency report: its numbers on a month built through the services, month
boundaries in Vietnam's time, the public page with its bars, and the public JSON endpoint."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

import vcnet.urls  # noqa: F401 - builds the API's schemas before freezegun fakes the date type
from vcnet.moderation import services, transparency
from vcnet.moderation.models import (
    Appeal,
    Case,
    CaseState,
    Clarification,
    ContextNote,
    NoteRating,
    NoteStatus,
    Rule,
    Verdict,
)
from vcnet.moderation.tests.conftest_mod import Mod

pytestmark = pytest.mark.django_db

PAGE = "/moderation/transparency/"
API = "/api/v1/moderation/transparency"


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {row["key"]: row["count"] for row in rows}


def build_march(mod: Mod) -> None:
    """March 2025 on the site, done the way people and moderators do it."""
    with freeze_time("2025-03-05 09:00:00+07:00"):
        services.report_create(
            user=mod.reporter,
            target_kind="post",
            target_id=mod.post.pk,
            reason_code="false_information",
        )
        services.report_create(
            user=mod.reporter2, target_kind="post", target_id=mod.post.pk, reason_code="spam"
        )
        services.report_create(
            user=mod.reporter,
            target_kind="post",
            target_id=mod.group_post.pk,
            reason_code="harassment",
        )
        services.report_create(
            user=mod.reporter2,
            target_kind="post",
            target_id=mod.unit_post.pk,
            reason_code="other",
            text="Bài viết đăng lại nhiều lần trong ngày.",
        )
    with freeze_time("2025-03-06 10:00:00+07:00"):
        post_case = services.report_create(
            user=mod.reporter2,
            target_kind="post",
            target_id=mod.group_post.pk,
            reason_code="harassment",
        ).case
        label = services.action_take(
            user=mod.site_mod,
            case_id=_case_of(mod.post.pk),
            kind="label",
            reason="Thông tin xăng miễn phí chưa được cơ quan nào công bố.",
            policy_code="false_information",
            label_text="Thông tin chưa được kiểm chứng",
        )
        services.action_take(
            user=mod.site_mod,
            case_id=post_case.pk,
            kind="dismiss",
            reason="Câu hỏi về lịch cắt điện không vi phạm quy định.",
        )
        removal = services.action_take(
            user=mod.unit_mod,
            case_id=_case_of(mod.unit_post.pk),
            kind="remove",
            reason="Bài đăng lặp lại nhiều lần.",
            policy_code="spam",
        )
        rule = Rule.objects.create(name="Điện miễn phí", pattern="cat dien", fields=["post"])
        services.case_flag(target=mod.group_post, rule=rule, held=False)
    with freeze_time("2025-03-10 08:00:00+07:00"):
        services.appeal_create(
            user=mod.author, action_id=label.pk, text="Tôi chỉ hỏi lại tin đồn, không khẳng định."
        )
        services.appeal_create(
            user=mod.page_editor, action_id=removal.pk, text="Đây là thông báo chính thức."
        )
    with freeze_time("2025-03-12 15:00:00+07:00"):
        appeals = {a.action_id: a for a in Appeal.objects.all()}
        services.appeal_decide(
            user=mod.other_mod,
            appeal_id=appeals[label.pk].pk,
            overturn=True,
            reason="Bài viết là câu hỏi, không khẳng định thông tin sai.",
        )
        services.appeal_decide(
            user=mod.site_mod,
            appeal_id=appeals[removal.pk].pk,
            overturn=False,
            reason="Bài đăng lặp lại vẫn là tin rác.",
        )
        shown = ContextNote.objects.create(
            post=mod.post,
            author=mod.reporter,
            text="Bộ Công Thương chưa từng công bố chính sách xăng miễn phí.",
            sources=[{"url": "https://moit.gov.vn", "title": "Bộ Công Thương"}],
            status=NoteStatus.HELPFUL,
        )
        ContextNote.objects.create(
            post=mod.post,
            author=mod.reporter2,
            text="Giá xăng vẫn được điều hành theo kỳ.",
            sources=[{"url": "https://moit.gov.vn/gia-xang", "title": "Giá xăng dầu"}],
        )
        NoteRating.objects.create(note=shown, rater=mod.reporter2, helpfulness="helpful")
        NoteRating.objects.create(note=shown, rater=mod.group_mod, helpfulness="somewhat")
        Clarification.objects.create(
            page=mod.page,
            slug="khong-co-xang-mien-phi",
            title="Không có chuyện xăng miễn phí",
            claim="Từ tháng sau xăng sẽ miễn phí cho mọi người.",
            verdict=Verdict.FALSE,
            explanation="Giá xăng vẫn được điều hành theo quy định.",
        )


def _case_of(post_id: int) -> int:
    return Case.objects.get(target_key=f"post:{post_id}", state=CaseState.OPEN).pk


# --- The numbers ------------------------------------------------------------------------------
def test_march_in_numbers(mod: Mod) -> None:
    build_march(mod)

    report = transparency.monthly_report(2025, 3)

    assert report["has_data"] and report["complete"]
    assert (report["starts"], report["ends"]) == (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    reports = report["reports"]
    assert (reports["total"], reports["by_people"], reports["by_rules"]) == (6, 5, 1)
    assert _counts(reports["by_reason"]) == {
        "harassment": 2,
        "false_information": 1,
        "spam": 1,
        "other": 1,
    }
    assert reports["by_reason"][0]["key"] == "harassment"  # largest first
    assert report["cases"]["opened"] == 4  # two reports on one post are one case
    assert _counts(report["cases"]["by_source"]) == {"report": 3, "rule": 1}
    actions = report["actions"]
    assert actions["total"] == 3
    assert _counts(actions["by_kind"]) == {"label": 1, "dismiss": 1, "remove": 1}
    assert _counts(actions["by_policy"]) == {"false_information": 1, "spam": 1}
    assert report["reversals"] == 1  # the overturned label
    assert report["appeals"] == {"received": 2, "pending": 0, "upheld": 1, "overturned": 1}
    assert report["notes"] == {"written": 2, "shown": 1, "not_helpful": 0, "ratings": 2}
    assert report["clarifications"] == {"published": 1}

    assert not transparency.monthly_report(2025, 4)["has_data"]


def test_months_follow_vietnam_time(mod: Mod) -> None:
    with freeze_time("2025-03-31 23:30:00+07:00"):  # 16:30 UTC, still March in Hà Nội
        services.report_create(
            user=mod.reporter, target_kind="post", target_id=mod.post.pk, reason_code="spam"
        )
    with freeze_time("2025-04-01 00:30:00+07:00"):  # 17:30 UTC on 31 March, April in Hà Nội
        services.report_create(
            user=mod.reporter2, target_kind="post", target_id=mod.post.pk, reason_code="spam"
        )

    march, april = transparency.monthly_report(2025, 3), transparency.monthly_report(2025, 4)

    assert march["reports"]["total"] == 1 and march["cases"]["opened"] == 1
    assert april["reports"]["total"] == 1 and april["cases"]["opened"] == 0


def test_the_report_takes_a_fixed_number_of_queries(mod: Mod) -> None:
    with CaptureQueriesContext(connection) as empty:
        transparency.monthly_report(2025, 3)
    build_march(mod)
    with CaptureQueriesContext(connection) as full:
        transparency.monthly_report(2025, 3)
    assert len(full) == len(empty) <= 10


def test_bad_and_future_months_are_refused(db: None) -> None:
    with pytest.raises(transparency.BadMonth):
        transparency.monthly_report(2025, 13)
    with pytest.raises(transparency.BadMonth):
        transparency.monthly_report(1999, 12)
    year, month = transparency.current_month()
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    with pytest.raises(transparency.NotFound):
        transparency.monthly_report(*following)
    current = transparency.monthly_report(year, month)
    assert current["complete"] is False


# --- The public page ----------------------------------------------------------------------------
def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_anyone_can_read_a_month_with_its_bars(mod: Mod) -> None:
    build_march(mod)

    response = english(Client()).get(f"{PAGE}2025/3/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Transparency report: March 2025" in page
    assert "Quấy rối, xúc phạm" in page and "Thông tin sai sự thật" in page
    # Bars: one meter per row, scaled on the largest of its chart.
    assert '<meter class="mod-bar" min="0" max="2" value="2">' in page  # harassment
    assert "Action overturned" in page and "Reports by reason" in page
    assert "No moderation activity" not in page
    assert "Bài viết đăng lại" not in page  # report texts are never published


def test_a_month_without_data_says_so(db: None) -> None:
    response = english(Client()).get(f"{PAGE}2025/4/")

    assert response.status_code == 200
    assert b"No moderation activity was recorded in this month" in response.content
    assert b"<meter" not in response.content


def test_the_index_shows_the_current_month_and_the_picker_goes_to_another(db: None) -> None:
    client = english(Client())
    year, month = transparency.current_month()

    response = client.get(PAGE)
    assert response.status_code == 200
    assert b"This month is not over yet" in response.content
    assert f'href="/moderation/transparency/{year}/{month}/" aria-current="page"'.encode() in (
        response.content
    )

    picked = client.get(PAGE, {"m": "2025-03"})
    assert picked.status_code == 302 and picked["Location"] == f"{PAGE}2025/3/"


def test_future_and_impossible_months_are_errors(db: None) -> None:
    client = english(Client())
    year, _month = transparency.current_month()
    assert client.get(f"{PAGE}{year + 1}/1/").status_code == 404
    assert client.get(f"{PAGE}2025/13/").status_code == 400


def test_the_page_is_in_vietnamese_by_default(db: None) -> None:
    response = Client().get(f"{PAGE}2025/4/")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"


# --- The public API -----------------------------------------------------------------------------
def test_the_api_needs_no_sign_in(mod: Mod) -> None:
    build_march(mod)

    response = Client().get(f"{API}/2025/3")

    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2025 and body["month"] == 3 and body["has_data"] is True
    assert body["starts"] == "2025-03-01" and body["ends"] == "2025-03-31"
    assert body["reports"]["by_people"] == 5
    assert {row["key"]: row["count"] for row in body["actions"]["by_kind"]} == {
        "label": 1,
        "dismiss": 1,
        "remove": 1,
    }
    assert body["appeals"]["overturned"] == 1
    assert body["notes"]["shown"] == 1 and body["clarifications"]["published"] == 1


def test_the_api_answers_problems_for_bad_months(db: None) -> None:
    client = Client()
    year, _month = transparency.current_month()

    future = client.get(f"{API}/{year + 1}/1")
    assert future.status_code == 404
    assert future["Content-Type"].startswith("application/problem+json")

    impossible = client.get(f"{API}/2025/13", HTTP_ACCEPT_LANGUAGE="en")
    assert impossible.status_code == 400
    assert impossible.json()["type"].endswith("bad_month")
    assert "month from 1 to 12" in impossible.json()["detail"]

    empty = client.get(f"{API}/2025/4").json()
    assert empty["has_data"] is False and empty["reports"]["by_reason"] == []
