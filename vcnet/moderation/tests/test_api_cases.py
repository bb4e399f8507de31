"""The moderation API as a phone or a tool would use it: report, work the queue, act, reverse,
see the actions on my content, appeal, decide; with its permissions and problem+json errors."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from ninja import Schema
from oauth2_provider.models import AccessToken, Application

from vcnet.accounts.models import User
from vcnet.core.management.commands.openapi import openapi_text
from vcnet.moderation import api_cases, api_transparency
from vcnet.moderation.models import Action, ActionKind, Case, CaseState
from vcnet.moderation.tests.conftest_mod import Mod
from vcnet.social.models import Actor, PostState

pytestmark = pytest.mark.django_db

API = "/api/v1/moderation"
PROBLEM = "application/problem+json"


def as_user(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def send(client: Client, url: str, body: dict[str, Any] | None = None, **extra: Any) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem+json body of an error answer with that status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def report(client: Client, post_id: int, reason: str = "false_information", **extra: Any) -> Any:
    body = {"target_kind": "post", "target_id": post_id, "reason": reason, **extra}
    return send(client, f"{API}/reports", body)


def reported_case(mod: Mod) -> int:
    """Two citizens report the post for different reasons: one case."""
    assert report(as_user(mod.reporter), mod.post.pk).status_code == 201
    assert report(as_user(mod.reporter2), mod.post.pk, "spam").status_code == 201
    return Case.objects.get(target_key=f"post:{mod.post.pk}", state=CaseState.OPEN).pk


def labelled(mod: Mod) -> dict[str, Any]:
    """The site moderator labels the reported post; the answer's body."""
    case_id = reported_case(mod)
    response = send(
        as_user(mod.site_mod),
        f"{API}/cases/{case_id}/actions",
        {
            "kind": "label",
            "reason": "Chưa có cơ quan nào công bố xăng miễn phí.",
            "policy": "false_information",
            "label_text": "Thông tin chưa được kiểm chứng",
        },
    )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


# --- Reasons and reports ------------------------------------------------------------------------
def test_reasons_are_listed_for_signed_in_people(mod: Mod) -> None:
    response = as_user(mod.reporter).get(f"{API}/reasons")

    assert response.status_code == 200
    reasons = {r["code"]: r for r in response.json()}
    assert reasons["false_information"]["name"] == "Thông tin sai sự thật"
    assert reasons["other"]["needs_text"] is True
    assert reasons["harassment"]["severity"] == 4

    problem(Client().get(f"{API}/reasons"), 401)


def test_reports_on_one_post_merge_into_one_case(mod: Mod) -> None:
    first = report(as_user(mod.reporter), mod.post.pk, text="Tin đồn thất thiệt về giá xăng.")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["target_kind"] == "post" and body["target_id"] == mod.post.pk
    assert body["reason"] == "false_information" and body["text"].startswith("Tin đồn")
    assert "case" not in json.dumps(body)  # reporters do not see the moderators' case

    assert report(as_user(mod.reporter2), mod.post.pk, "spam").status_code == 201
    case = Case.objects.get(target_key=f"post:{mod.post.pk}")
    assert case.reports_count == 2 and case.state == CaseState.OPEN


def test_report_errors_are_clear_problems(mod: Mod) -> None:
    reporter = as_user(mod.reporter)
    assert report(reporter, mod.post.pk).status_code == 201

    again = problem(report(reporter, mod.post.pk, "spam"), 409)
    assert again["detail"] == "You have already reported this."

    problem(report(as_user(mod.author), mod.post.pk), 400)  # one's own post
    problem(report(reporter, mod.group_post.pk, "other"), 400)  # "other" needs words
    problem(report(reporter, 987654), 404)
    unknown = problem(report(reporter, mod.group_post.pk, "khong-co-ly-do-nay"), 400)
    assert unknown["detail"]
    bad_kind = send(
        reporter, f"{API}/reports", {"target_kind": "tin-nhan", "target_id": 1, "reason": "spam"}
    )
    assert problem(bad_kind, 422)["errors"][0]["field"] == "data.target_kind"


def test_a_profile_and_a_group_can_be_reported(mod: Mod) -> None:
    reporter = as_user(mod.reporter)
    author_actor = Actor.objects.get(user=mod.author, kind="person")

    profile = send(
        reporter,
        f"{API}/reports",
        {"target_kind": "profile", "target_id": author_actor.pk, "reason": "harassment"},
    )
    group = send(
        reporter,
        f"{API}/reports",
        {"target_kind": "group", "target_id": mod.group.pk, "reason": "spam"},
    )

    assert profile.status_code == 201 and group.status_code == 201
    assert Case.objects.filter(target_key=f"profile:{author_actor.pk}").exists()
    assert Case.objects.filter(target_key=f"group:{mod.group.pk}").exists()


# --- The queue and a case -----------------------------------------------------------------------
def test_the_queue_is_for_moderators_within_their_scope(mod: Mod) -> None:
    case_id = reported_case(mod)
    assert report(as_user(mod.reporter), mod.group_post.pk, "harassment").status_code == 201

    site = as_user(mod.site_mod).get(f"{API}/cases").json()
    assert {c["target_key"] for c in site["items"]} == {
        f"post:{mod.post.pk}",
        f"post:{mod.group_post.pk}",
    }
    assert site["items"][0]["target_key"] == f"post:{mod.group_post.pk}"  # harassment: severe
    assert site["next_offset"] is None
    mine = next(c for c in site["items"] if c["id"] == case_id)
    assert mine["reports_count"] == 2 and mine["target_id"] == mod.post.pk
    assert mine["state"] == "open" and mine["source"] == "report"

    group = as_user(mod.group_mod).get(f"{API}/cases").json()
    assert [c["target_key"] for c in group["items"]] == [f"post:{mod.group_post.pk}"]

    problem(as_user(mod.reporter).get(f"{API}/cases"), 403)
    problem(Client().get(f"{API}/cases"), 401)


def test_the_queue_filters_and_pages(mod: Mod) -> None:
    reported_case(mod)
    assert report(as_user(mod.reporter), mod.group_post.pk, "harassment").status_code == 201
    moderator = as_user(mod.site_mod)

    spam = moderator.get(f"{API}/cases", {"reason": "spam"}).json()["items"]
    assert [c["target_key"] for c in spam] == [f"post:{mod.post.pk}"]
    assert moderator.get(f"{API}/cases", {"kind": "group"}).json()["items"] == []
    assert moderator.get(f"{API}/cases", {"state": "dismissed"}).json()["items"] == []

    first = moderator.get(f"{API}/cases", {"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_offset"] == 1
    second = moderator.get(f"{API}/cases", {"limit": 1, "offset": 1}).json()
    assert second["next_offset"] is None
    assert first["items"][0]["id"] != second["items"][0]["id"]

    problem(moderator.get(f"{API}/cases", {"state": "xong"}), 422)
    problem(moderator.get(f"{API}/cases", {"limit": 500}), 422)


def test_a_case_in_full_never_names_the_reporters(mod: Mod) -> None:
    case_id = reported_case(mod)

    response = as_user(mod.site_mod).get(f"{API}/cases/{case_id}")

    assert response.status_code == 200
    case = response.json()
    assert case["case"]["id"] == case_id and case["case"]["reports_count"] == 2
    assert sorted(r["reason"] for r in case["reports"]) == ["false_information", "spam"]
    assert {r["name"]: r["count"] for r in case["reason_counts"]} == {
        "Thông tin sai sự thật": 1,
        "Tin rác, quảng cáo": 1,
    }
    assert case["item"]["id"] == mod.post.pk and case["item"]["state"] == "published"
    assert "xăng sẽ miễn phí" in case["item"]["text"]
    assert case["author_history"] == [] and case["actions"] == []
    assert {"dismiss", "label", "remove", "ban"} <= set(case["allowed"])
    assert "approve" not in case["allowed"]  # only for held posts
    text = response.content.decode()
    assert "Trần Thị Hoa" not in text and str(mod.reporter.email) not in text


def test_a_case_outside_ones_scope_is_not_found(mod: Mod) -> None:
    case_id = reported_case(mod)

    problem(as_user(mod.group_mod).get(f"{API}/cases/{case_id}"), 404)
    problem(as_user(mod.reporter).get(f"{API}/cases/{case_id}"), 404)
    problem(as_user(mod.site_mod).get(f"{API}/cases/999999"), 404)


# --- Actions ----------------------------------------------------------------------------------
def test_a_moderator_labels_a_post(mod: Mod) -> None:
    action = labelled(mod)

    assert action["kind"] == "label" and action["policy"] == "false_information"
    assert action["policy_name"] == "Thông tin sai sự thật"
    assert action["moderator"]["full_name"] == "Nguyễn Thị Kiểm"
    assert action["reversed_at"] is None
    mod.post.refresh_from_db()
    assert [label["text"] for label in mod.post.labels] == ["Thông tin chưa được kiểm chứng"]
    case = as_user(mod.site_mod).get(f"{API}/cases/{action['case_id']}").json()
    assert case["case"]["state"] == "actioned"
    assert [a["id"] for a in case["actions"]] == [action["id"]]


def test_action_errors(mod: Mod) -> None:
    case_id = reported_case(mod)
    moderator = as_user(mod.site_mod)
    url = f"{API}/cases/{case_id}/actions"

    no_label = send(moderator, url, {"kind": "label", "reason": "Thiếu nguồn."})
    problem(no_label, 400)
    problem(send(moderator, url, {"kind": "remove", "reason": "   "}), 400)
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    problem(send(moderator, url, {"kind": "suspend", "reason": "Tái phạm.", "until": past}), 400)
    problem(send(moderator, url, {"kind": "xoa-het", "reason": "Vi phạm."}), 422)
    problem(send(as_user(mod.reporter), url, {"kind": "remove", "reason": "Sai."}), 404)
    assert not Action.objects.exists()


def test_a_group_moderator_cannot_sanction_accounts(mod: Mod) -> None:
    assert report(as_user(mod.reporter), mod.group_post.pk, "harassment").status_code == 201
    case_id = Case.objects.get(target_key=f"post:{mod.group_post.pk}").pk
    group_mod = as_user(mod.group_mod)
    until = (timezone.now() + dt.timedelta(days=7)).isoformat()

    refused = send(
        group_mod,
        f"{API}/cases/{case_id}/actions",
        {"kind": "suspend", "reason": "Xúc phạm thành viên.", "until": until},
    )
    problem(refused, 403)

    removed = send(
        group_mod,
        f"{API}/cases/{case_id}/actions",
        {"kind": "remove", "reason": "Xúc phạm thành viên khác trong nhóm."},
    )
    assert removed.status_code == 201, removed.content
    mod.group_post.refresh_from_db()
    assert mod.group_post.state == PostState.REMOVED


def test_a_suspension_with_a_local_time(mod: Mod) -> None:
    case_id = reported_case(mod)
    until = (timezone.localtime() + dt.timedelta(days=3)).replace(tzinfo=None, microsecond=0)

    response = send(
        as_user(mod.site_mod),
        f"{API}/cases/{case_id}/actions",
        {"kind": "suspend", "reason": "Tái phạm nhiều lần.", "until": until.isoformat()},
    )

    assert response.status_code == 201, response.content
    author = Actor.objects.get(user=mod.author, kind="person")
    assert author.suspended_until is not None
    assert timezone.localtime(author.suspended_until).replace(tzinfo=None) == until


def test_reversing_an_action(mod: Mod) -> None:
    action = labelled(mod)
    url = f"{API}/actions/{action['id']}/reverse"

    problem(send(as_user(mod.reporter), url, {"reason": "Tôi không đồng ý."}), 404)
    problem(send(as_user(mod.group_mod), url, {"reason": "Không thuộc nhóm."}), 404)

    response = send(as_user(mod.other_mod), url, {"reason": "Nhãn gắn nhầm bài viết."})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reversed_at"] and body["reversal_reason"] == "Nhãn gắn nhầm bài viết."
    mod.post.refresh_from_db()
    assert mod.post.labels == []


# --- My actions and appeals ------------------------------------------------------------------------
def test_the_author_sees_the_action_and_appeals_once(mod: Mod) -> None:
    action = labelled(mod)
    author = as_user(mod.author)

    mine = author.get(f"{API}/actions/mine").json()
    assert [a["id"] for a in mine] == [action["id"]]
    assert mine[0]["reason"] == "Chưa có cơ quan nào công bố xăng miễn phí."
    assert mine[0]["can_appeal"] is True and mine[0]["appeal"] is None
    assert "moderator" not in mine[0]  # moderators are not named to the people they act on
    assert "Nguyễn Thị Kiểm" not in json.dumps(mine, ensure_ascii=False)
    assert as_user(mod.reporter).get(f"{API}/actions/mine").json() == []

    url = f"{API}/actions/{action['id']}/appeal"
    problem(send(as_user(mod.reporter), url, {"text": "Tôi thấy không đúng."}), 404)
    problem(send(author, url, {"text": "  "}), 400)
    created = send(author, url, {"text": "Tôi chỉ hỏi lại tin đồn, không khẳng định."})
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "pending" and created.json()["action_id"] == action["id"]
    problem(send(author, url, {"text": "Xin xem lại lần nữa."}), 409)

    again = author.get(f"{API}/actions/mine").json()[0]
    assert again["can_appeal"] is False and again["appeal"]["state"] == "pending"


def test_appeals_are_decided_by_another_moderator(mod: Mod) -> None:
    action = labelled(mod)
    appealed = send(
        as_user(mod.author),
        f"{API}/actions/{action['id']}/appeal",
        {"text": "Tôi chỉ hỏi lại tin đồn, không khẳng định."},
    )
    appeal_id = appealed.json()["id"]

    assert as_user(mod.site_mod).get(f"{API}/appeals").json() == []  # took the action
    pending = as_user(mod.other_mod).get(f"{API}/appeals").json()
    assert [a["id"] for a in pending] == [appeal_id]
    assert pending[0]["author"]["full_name"] == "Lê Văn Tám"
    assert pending[0]["action"]["kind"] == "label"
    problem(as_user(mod.reporter).get(f"{API}/appeals"), 403)

    url = f"{API}/appeals/{appeal_id}/decide"
    same = problem(send(as_user(mod.site_mod), url, {"overturn": True, "reason": "Đồng ý."}), 403)
    assert same["detail"] == "Another moderator must decide this appeal."
    problem(send(as_user(mod.reporter), url, {"overturn": True, "reason": "Đồng ý."}), 404)

    decided = send(
        as_user(mod.other_mod),
        url,
        {"overturn": True, "reason": "Bài viết là câu hỏi, không khẳng định thông tin sai."},
    )

    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "overturned"
    mod.post.refresh_from_db()
    assert mod.post.labels == []
    mine = as_user(mod.author).get(f"{API}/actions/mine").json()[0]
    assert mine["reversed_at"] and mine["appeal"]["state"] == "overturned"
    assert mine["appeal"]["decision_reason"].startswith("Bài viết là câu hỏi")
    problem(send(as_user(mod.other_mod), url, {"overturn": False, "reason": "Giữ nguyên."}), 409)


def test_an_upheld_appeal_leaves_the_action(mod: Mod) -> None:
    action = labelled(mod)
    appeal_id = send(
        as_user(mod.author),
        f"{API}/actions/{action['id']}/appeal",
        {"text": "Tôi không đồng ý với nhãn."},
    ).json()["id"]

    decided = send(
        as_user(mod.other_mod),
        f"{API}/appeals/{appeal_id}/decide",
        {"overturn": False, "reason": "Nhãn phù hợp với nội dung bài viết."},
    )

    assert decided.json()["state"] == "upheld"
    mod.post.refresh_from_db()
    assert len(mod.post.labels) == 1
    assert Action.objects.get(pk=action["id"]).reversed_at is None


def test_dismissing_gives_nothing_to_appeal(mod: Mod) -> None:
    case_id = reported_case(mod)
    dismissed = send(
        as_user(mod.site_mod),
        f"{API}/cases/{case_id}/actions",
        {"kind": ActionKind.DISMISS, "reason": "Bài viết không vi phạm quy định."},
    )
    assert dismissed.status_code == 201
    problem(
        send(
            as_user(mod.author),
            f"{API}/actions/{dismissed.json()['id']}/appeal",
            {"text": "Xin xem lại."},
        ),
        400,
    )


# --- Bearer tokens ----------------------------------------------------------------------------------
def _token(user: User, scope: str) -> str:
    application = Application.objects.create(
        name="Ứng dụng VCNET cho điện thoại",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="vn.vcnet.app://oauth",
    )
    token = AccessToken.objects.create(
        user=user,
        application=application,
        token=f"kiem-duyet-{user.pk}-{scope.replace(' ', '-')}",
        expires=timezone.now() + dt.timedelta(hours=1),
        scope=scope,
    )
    return f"Bearer {token.token}"


def test_a_phone_app_reports_with_a_token(mod: Mod) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    body = {"target_kind": "post", "target_id": mod.post.pk, "reason": "spam"}

    read_only = _token(mod.reporter, "read")
    assert client.get(f"{API}/reasons", HTTP_AUTHORIZATION=read_only).status_code == 200
    problem(send(client, f"{API}/reports", body, HTTP_AUTHORIZATION=read_only), 403)

    writer = _token(mod.reporter, "read write")
    created = send(client, f"{API}/reports", body, HTTP_AUTHORIZATION=writer)
    assert created.status_code == 201, created.content


# --- The OpenAPI document -----------------------------------------------------------------------
def test_the_moderation_schemas_keep_their_own_names_in_the_openapi_document() -> None:
    """Two schemas of one name would overwrite each other in the document."""
    schemas = json.loads(openapi_text())["components"]["schemas"]
    ours = [
        value
        for module in (api_cases, api_transparency)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Schema)
        and value.__module__ == module.__name__
    ]
    assert len(ours) > 20
    for schema in ours:
        if schema.__name__ in schemas:
            documented = schemas[schema.__name__]["description"]
            assert documented == inspect.cleandoc(schema.__doc__ or ""), schema.__name__
