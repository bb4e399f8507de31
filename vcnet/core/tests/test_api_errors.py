"""Every API error is an RFC 9457 problem+json body (or its path's registered shape).

A small probe API, built with the real auth, throttles and error handlers of /api/v1/, is
mounted at /probe/ for these tests (and those of test_api_auth), so each kind of error can
be provoked through HTTP.
"""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.test import Client
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError

from vcnet import urls as project_urls
from vcnet.accounts.models import User
from vcnet.api import install_error_handlers
from vcnet.core.api_auth import AnonThrottle, UserThrottle, api_auth, current_user
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.core.problem import mastodon_error_response, register_error_shape

PROBLEM = "application/problem+json"

probe = NinjaAPI(
    urls_namespace="probe",
    auth=api_auth,
    throttle=[AnonThrottle(), UserThrottle()],
    docs_url=None,
    openapi_url=None,
)
install_error_handlers(probe)
register_error_shape(["/probe/mastodon"], mastodon_error_response)


class NoteIn(Schema):
    title: str
    priority: int


@probe.post("/echo")
def echo(request: HttpRequest) -> dict[str, str]:
    return {"user": current_user(request).full_name}


@probe.post("/notes")
def note(request: HttpRequest, payload: NoteIn) -> dict[str, str]:
    return {"title": payload.title}


@probe.get("/public", auth=None)
def public(request: HttpRequest) -> dict[str, bool]:
    return {"ok": True}


@probe.get("/domain/{kind}")
def domain(request: HttpRequest, kind: str) -> None:
    errors: dict[str, DomainError] = {
        "not-found": NotFound("Không tìm thấy văn bản."),
        "forbidden": PermissionDeniedError("Bạn không được ký văn bản này."),
        "conflict": Conflict("Số văn bản đã được dùng."),
        "invalid": DomainError("Hạn xử lý phải sau ngày đến.", code="deadline_before_arrival"),
    }
    raise errors[kind]


@probe.get("/denied")
def denied(request: HttpRequest) -> None:
    raise PermissionDenied


@probe.get("/missing")
def missing(request: HttpRequest) -> None:
    raise Http404("no such thing")


@probe.get("/teapot")
def teapot(request: HttpRequest) -> None:
    raise HttpError(409, "Busy")


@probe.get("/boom")
def boom(request: HttpRequest) -> None:
    raise RuntimeError("secret internals")


@probe.get("/mastodon/boom")
def mastodon_boom(request: HttpRequest) -> None:
    raise NotFound("Record not found")


urlpatterns = [path("probe/", probe.urls), *project_urls.urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def client(official: User) -> Client:
    client = Client()
    client.force_login(official)
    return client


def assert_problem(response: object, status: int, code: str) -> dict:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Content-Type"] == PROBLEM  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert body["type"] == f"urn:vcnet:problem:{code}"
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    assert body["detail"]
    return body


@pytest.mark.parametrize(
    ("kind", "status", "code", "detail"),
    [
        ("not-found", 404, "not_found", "Không tìm thấy văn bản."),
        ("forbidden", 403, "forbidden", "Bạn không được ký văn bản này."),
        ("conflict", 409, "conflict", "Số văn bản đã được dùng."),
        ("invalid", 400, "deadline_before_arrival", "Hạn xử lý phải sau ngày đến."),
    ],
)
def test_domain_errors_keep_status_code_and_message(
    client: Client, kind: str, status: int, code: str, detail: str
) -> None:
    body = assert_problem(client.get(f"/probe/domain/{kind}"), status, code)
    assert body["detail"] == detail
    assert body["instance"] == f"/probe/domain/{kind}"


def test_permission_denied_is_403(client: Client) -> None:
    assert_problem(client.get("/probe/denied"), 403, "forbidden")


def test_http404_is_404(client: Client) -> None:
    body = assert_problem(client.get("/probe/missing"), 404, "not_found")
    assert "no such thing" not in body["detail"]


def test_http_error_keeps_its_status(client: Client) -> None:
    assert_problem(client.get("/probe/teapot"), 409, "conflict")


def test_unexpected_error_is_a_generic_500_and_logged(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="vcnet.api"):
        response = client.get("/probe/boom")
    body = assert_problem(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert body["title"]
    assert any(
        "secret internals" in record.exc_text or "" for record in caplog.records if record.exc_text
    )


def test_validation_error_lists_each_field(client: Client) -> None:
    response = client.post(
        "/probe/notes",
        {"title": "Báo cáo tuần", "priority": "cao"},
        content_type="application/json",
    )
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"] == [
        {
            "location": "body",
            "field": "payload.priority",
            "message": body["errors"][0]["message"],
            "code": "int_parsing",
        }
    ]


def test_malformed_json_is_a_problem(client: Client) -> None:
    response = client.post("/probe/notes", "{không phải json", content_type="application/json")
    assert response["Content-Type"] == PROBLEM
    assert response.status_code in {400, 422}


def test_unauthenticated_is_401_with_a_bearer_challenge() -> None:
    response = Client().post("/probe/echo")
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_titles_are_translated_to_vietnamese_by_default() -> None:
    # Needs the merged translation catalogue (msgid "Authentication is required.").
    body = Client().get("/api/v1/me").json()
    assert body["title"] == "Cần đăng nhập."


def test_titles_follow_the_requested_language() -> None:
    body = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["title"] == "Authentication is required."


def test_a_registered_prefix_answers_in_mastodon_shape(client: Client) -> None:
    response = client.get("/probe/mastodon/boom")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Record not found"}
