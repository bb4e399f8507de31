"""Errors on web pages: a clear Vietnamese page, never Django's technical one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from vcnet import urls as site_urls
from vcnet.core.errors import NotFound, PermissionDeniedError


def _raise_forbidden(request: object) -> None:
    raise PermissionDeniedError("Chỉ văn thư được đăng ký văn bản đến.")


def _raise_not_found(request: object) -> None:
    raise NotFound("Không tìm thấy văn bản.")


urlpatterns = [
    path("forbidden/", _raise_forbidden),
    path("missing/", _raise_not_found),
    *site_urls.urlpatterns,
]


@pytest.mark.urls("vcnet.core.tests.test_web_errors")
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/forbidden/", 403, "Chỉ văn thư được đăng ký văn bản đến."),
        ("/missing/", 404, "Không tìm thấy văn bản."),
    ],
)
def test_a_service_refusal_shows_its_reason_on_the_error_page(
    url: str, status: int, message: str
) -> None:
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status
    assert message in response.content.decode()


@pytest.mark.django_db
def test_a_stale_form_token_gets_a_vietnamese_explanation(official) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()
