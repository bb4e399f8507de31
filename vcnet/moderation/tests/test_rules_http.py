"""The automatic rules through the browser and the API: site moderators list, create, change,
switch off and try rules; everyone else is refused; bad patterns come back with their reason."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from vcnet.accounts.models import User
from vcnet.moderation.models import Rule
from vcnet.moderation.services import rules as rule_services
from vcnet.moderation.tests.conftest_mod import Mod, browser

pytestmark = pytest.mark.django_db

API = "/api/v1/moderation/rules"
PROBLEM = "application/problem+json"


def api(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def rule(mod: Mod, name: str = "Tin đồn xăng miễn phí", **values: Any) -> Rule:
    values.setdefault("pattern", "xang mien phi")
    values.setdefault("fields", ["post", "comment"])
    return rule_services.rule_create(user=mod.site_mod, name=name, **values)


FORM = {
    "name": "Vay nóng",
    "match": "keyword",
    "pattern": "vay nóng\ngiải ngân trong ngày",
    "where": ["post", "comment", "bio"],
    "outcome": "hold",
    "reason": "spam",
    "severity": "3",
    "public_reason": "Bài viết có nội dung cho vay cần kiểm duyệt.",
    "active": "on",
}


# --- Pages -------------------------------------------------------------------------------------
def test_the_list_shows_rules_and_their_hits(mod: Mod) -> None:
    from vcnet.social.services.posts import post_create

    rule(mod)
    rule(mod, name="Đã tắt", pattern="cu", active=False)
    post_create(user=mod.reporter, text="Xăng miễn phí!")
    page = browser(mod.site_mod).get("/moderation/rules/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tin đồn xăng miễn phí" in html
    assert '<td class="num">1</td>' in html
    assert "Switched off" in html and "Posts, Comments" in html


@pytest.mark.parametrize("who", ["reporter", "unit_mod", "group_mod"])
def test_only_site_moderators_see_the_rule_pages(mod: Mod, who: str) -> None:
    existing = rule(mod)
    client = browser(getattr(mod, who))
    for url in (
        "/moderation/rules/",
        "/moderation/rules/new/",
        f"/moderation/rules/{existing.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/moderation/rules/new/", FORM).status_code == 403
    assert client.post(f"/moderation/rules/{existing.pk}/deactivate/").status_code == 403
    assert client.post("/moderation/rules/test/", {"match": "keyword"}).status_code == 403
    existing.refresh_from_db()
    assert existing.active
    assert Rule.objects.count() == 1


def test_anonymous_people_are_sent_to_sign_in(mod: Mod) -> None:
    response = browser().get("/moderation/rules/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]


def test_create_edit_and_switch_off_a_rule(mod: Mod) -> None:
    client = browser(mod.site_mod)
    form = client.get("/moderation/rules/new/")
    assert form.status_code == 200
    assert "Test this rule" in form.content.decode()
    response = client.post("/moderation/rules/new/", FORM)
    assert response.status_code == 302
    created = Rule.objects.get(name="Vay nóng")
    assert created.fields == ["post", "comment", "bio"]
    assert created.outcome == "hold" and created.reason and created.reason.code == "spam"
    assert created.created_by == mod.site_mod
    assert response["Location"] == f"/moderation/rules/{created.pk}/"

    edit = client.get(response["Location"])
    assert edit.status_code == 200
    assert "giải ngân trong ngày" in edit.content.decode()
    changed = {**FORM, "outcome": "flag", "where": ["post"]}
    assert client.post(response["Location"], changed).status_code == 302
    created.refresh_from_db()
    assert created.outcome == "flag" and created.fields == ["post"]

    off = client.post(f"/moderation/rules/{created.pk}/deactivate/")
    assert off.status_code == 302
    created.refresh_from_db()
    assert not created.active


def test_a_bad_pattern_is_shown_with_its_reason(mod: Mod) -> None:
    client = browser(mod.site_mod)
    bad = {**FORM, "match": "pattern", "pattern": "(vay"}
    response = client.post("/moderation/rules/new/", bad)
    assert response.status_code == 400
    assert "not a valid regular expression" in response.content.decode()
    assert not Rule.objects.exists()


def test_unknown_rule_is_404(mod: Mod) -> None:
    assert browser(mod.site_mod).get("/moderation/rules/999999/").status_code == 404


def test_try_a_rule_on_a_page_and_with_htmx(mod: Mod) -> None:
    client = browser(mod.site_mod)
    data = {"match": "keyword", "pattern": "xang mien phi", "text": "Có XĂNG MIỄN PHÍ không?"}
    page = client.post("/moderation/rules/test/", data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<mark>xang mien phi</mark>" in html and "<html" in html
    partial = client.post("/moderation/rules/test/", data, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<mark>xang mien phi</mark>" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    nothing = client.post("/moderation/rules/test/", {**data, "text": "Giá điện tăng"})
    assert "No match." in nothing.content.decode()
    slow = {"match": "pattern", "pattern": "(a|aa)+$", "text": "a" * 60 + "!"}
    assert "took too long" in client.post("/moderation/rules/test/", slow).content.decode()
    broken = client.post(
        "/moderation/rules/test/",
        {**data, "match": "pattern", "pattern": "(x"},
        HTTP_HX_REQUEST="true",
    )
    assert "not a valid regular expression" in broken.content.decode()


def test_names_and_patterns_are_escaped(mod: Mod) -> None:
    rule(mod, name="<script>alert('luật')</script>", pattern="<img src=x onerror=alert(1)>")
    client = browser(mod.site_mod)
    html = client.get("/moderation/rules/").content.decode()
    assert "<script>alert(" not in html and "&lt;script&gt;" in html
    created = Rule.objects.get()
    edit = client.get(f"/moderation/rules/{created.pk}/").content.decode()
    assert "<img src=x" not in edit
    tried = client.post(
        "/moderation/rules/test/",
        {"match": "keyword", "pattern": "xang", "text": "<script>alert(1)</script> xăng"},
    ).content.decode()
    assert "<script>alert(1)" not in tried


# --- API ---------------------------------------------------------------------------------------
def test_api_create_list_read_change_and_switch_off(mod: Mod) -> None:
    client = api(mod.site_mod)
    body = {
        "name": "Số điện thoại lạ",
        "match": "pattern",
        "pattern": r"\b0\d{9}\b",
        "fields": ["post", "name"],
        "outcome": "flag",
        "reason": "spam",
        "severity": 3,
    }
    created = send(client, "post", API, body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["reason"] == "spam" and out["fields"] == ["post", "name"] and out["active"]
    rule_id = out["id"]

    listed = client.get(API)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()] == [rule_id]
    assert client.get(f"{API}/{rule_id}").json()["pattern"] == r"\b0\d{9}\b"

    patched = send(client, "patch", f"{API}/{rule_id}", {"outcome": "hold", "reason": ""})
    assert patched.status_code == 200, patched.content
    assert patched.json()["outcome"] == "hold" and patched.json()["reason"] is None
    assert patched.json()["name"] == "Số điện thoại lạ"

    deleted = client.delete(f"{API}/{rule_id}")
    assert deleted.status_code == 204
    assert client.get(f"{API}/{rule_id}").json()["active"] is False


def test_api_test_endpoint(mod: Mod) -> None:
    client = api(mod.site_mod)
    answer = send(
        client,
        "post",
        f"{API}/test",
        {"match": "keyword", "pattern": "xang mien phi", "text": "Xăng miễn phí, XĂNG MIỄN PHÍ!"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "matches": ["xang mien phi", "xang mien phi"],
        "folded": "xang mien phi, xang mien phi!",
        "timed_out": False,
    }
    slow = send(
        client,
        "post",
        f"{API}/test",
        {"match": "pattern", "pattern": "(a|aa)+$", "text": "a" * 60 + "!"},
    )
    assert slow.json()["timed_out"] is True


def test_api_errors_are_problems(mod: Mod) -> None:
    client = api(mod.site_mod)
    bad = send(
        client,
        "post",
        API,
        {"name": "Lỗi", "match": "pattern", "pattern": "(x", "fields": ["post"]},
    )
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith(PROBLEM)
    assert "not a valid regular expression" in bad.json()["detail"]
    missing = client.get(f"{API}/999999")
    assert missing.status_code == 404 and missing["Content-Type"].startswith(PROBLEM)


@pytest.mark.parametrize("who", ["reporter", "unit_mod", "group_mod"])
def test_api_refuses_everyone_but_site_moderators(mod: Mod, who: str) -> None:
    existing = rule(mod)
    client = api(getattr(mod, who))
    assert client.get(API).status_code == 403
    assert client.get(f"{API}/{existing.pk}").status_code == 403
    body = {"name": "Luật", "pattern": "xang", "fields": ["post"]}
    assert send(client, "post", API, body).status_code == 403
    assert send(client, "patch", f"{API}/{existing.pk}", {"active": False}).status_code == 403
    assert client.delete(f"{API}/{existing.pk}").status_code == 403
    tried = send(client, "post", f"{API}/test", {"pattern": "xang", "text": "xăng"})
    assert tried.status_code == 403
    assert tried["Content-Type"].startswith(PROBLEM)
    existing.refresh_from_db()
    assert existing.active
