"""The base layout, home page, units page, language switch and error pages, as a visitor sees them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from vcnet import urls as root_urls
from vcnet.accounts.models import Unit, User
from vcnet.accounts.tests.factories import UnitFactory
from vcnet.core import views

APPS = Path(__file__).resolve().parents[2]


@pytest.fixture
def signed_in(client: Client, leader: User) -> Client:
    client.force_login(leader)
    return client


# ---- Home ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_welcomes_visitors_in_vietnamese(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Chào mừng đến với VCNET" in html
    assert reverse("accounts:login") in html
    # Visitors see no launcher, no account menu.
    assert "launcher-panel" not in html
    assert reverse("accounts:logout") not in html


def test_home_greets_the_signed_in_official_with_units_and_roles(
    signed_in: Client, leader: User, province: Unit
) -> None:
    html = signed_in.get("/").content.decode()
    assert "Nguyễn Văn An" in html
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in html
    assert "Trưởng ban" in html
    assert reverse("core:units") in html  # the launcher grid
    assert f'action="{reverse("accounts:logout")}"' in html  # sign out is a POST form
    assert reverse("accounts:profile") in html


def test_home_for_a_citizen_explains_there_are_no_units(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    html = client.get("/").content.decode()
    assert "Đỗ Minh Đức" in html
    assert "Bạn chưa là thành viên của đơn vị nào" in html


@pytest.mark.django_db
def test_switching_language_to_english_shows_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Welcome to VCNET" in html
    # ...and back to Vietnamese.
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_pages_stay_vietnamese_for_an_english_browser_until_the_person_switches(
    client: Client,
) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()


@pytest.mark.django_db
def test_base_layout_has_what_every_page_needs(client: Client) -> None:
    client.cookies["csrftoken"] = "x" * 32
    html = client.get("/").content.decode()
    assert 'name="viewport"' in html
    assert 'name="theme-color"' in html
    assert f'rel="manifest" href="{reverse("core:manifest")}"' in html
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "/static/vendor/htmx.min.js" in html
    assert f'data-sw="{reverse("core:service_worker")}"' in html
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html


def test_messages_are_announced(leader: User) -> None:
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/")
    request.user = leader
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    messages.success(request, "Đã lưu.")
    messages.error(request, "Không lưu được.")
    html = views.home(request).content.decode()
    assert re.search(r'role="status">.*?Đã lưu\.', html, re.S)
    assert re.search(r'role="alert">.*?Không lưu được\.', html, re.S)


# ---- Launcher -----------------------------------------------------------------------------


def test_launcher_hides_administration_from_non_staff(signed_in: Client) -> None:
    html = signed_in.get("/").content.decode()
    assert reverse("admin:index") not in html
    assert "/api/v1/docs" in html


def test_launcher_shows_administration_to_staff(client: Client, admin: User) -> None:
    client.force_login(admin)
    html = client.get("/").content.decode()
    assert reverse("admin:index") in html


def test_launcher_works_without_javascript(signed_in: Client) -> None:
    html = signed_in.get("/").content.decode()
    assert re.search(r"<details class=\"dropdown\" data-dropdown>\s*<summary", html)


# ---- Units --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_units_page_asks_visitors_to_sign_in(client: Client) -> None:
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_units_page_shows_the_tree_nested(
    signed_in: Client, central: Unit, province: Unit, other_province: Unit
) -> None:
    html = signed_in.get(reverse("core:units")).content.decode()
    assert "Ban Tuyên giáo Trung ương" in html
    assert "BTGTW" in html
    assert "Tỉnh" in html  # the level
    # Both provinces are inside the central unit's nested list.
    central_at = html.index("Ban Tuyên giáo Trung ương")
    nested = html.index("<ul>", central_at)
    assert nested < html.index("Ban Tuyên giáo Tỉnh ủy Nghệ An")
    assert nested < html.index("Ban Tuyên giáo Tỉnh ủy Hà Tĩnh")


def test_units_page_reads_the_tree_in_one_query(signed_in: Client, province: Unit) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert signed_in.get("/units/").status_code == 200
        return len(ctx.captured_queries)

    count()  # warms the per-person caches (the launcher's registered applications)
    small = count()
    for number in range(5):
        child = UnitFactory(
            name=f"Ban Tuyên giáo Huyện {number}", level=province.level, parent=province
        )
        UnitFactory(name=f"Ban Tuyên giáo Xã {number}", level=province.level, parent=child)
    # Session + user + the tree: the count does not grow with the tree.
    assert count() == small == 3


# ---- Error pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_404_is_helpful_and_in_vietnamese(client: Client) -> None:
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert 'href="/"' in html


def test_404_for_signed_in_user_keeps_the_layout(signed_in: Client) -> None:
    response = signed_in.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Nguyễn Văn An" in response.content.decode()


@pytest.mark.django_db
def test_403_page(client: Client) -> None:
    request = RequestFactory().get("/tai-lieu/1/")
    request.user = AnonymousUser()
    response = views.permission_denied(request, PermissionError())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không có quyền truy cập" in html
    assert 'href="/"' in html


@pytest.mark.django_db
def test_400_page(client: Client) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = views.bad_request(request, ValueError())
    assert response.status_code == 400
    assert "Không thể xử lý yêu cầu" in response.content.decode()


def test_500_page_renders_without_a_request_context() -> None:
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi xảy ra" in html
    assert 'href="/"' in html
    assert "csrf" not in html.lower()


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("thử lỗi")


urlpatterns = [path("boom/", _boom), *root_urls.urlpatterns]
handler500 = root_urls.handler500


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_500_through_the_handler() -> None:
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.content.decode()


# ---- Templates are CSP-friendly -----------------------------------------------------------


def test_templates_have_no_inline_event_handlers_or_inline_scripts() -> None:
    """Every app's templates stay CSP-friendly: scripts come from files, handlers from app.js."""
    offenders = []
    for template in APPS.glob("*/templates/**/*.html"):
        text = template.read_text()
        if re.search(r"\son[a-z]+\s*=", text, re.I):
            offenders.append(f"{template.relative_to(APPS)}: inline event handler")
        if re.search(
            r"<script(?![^>]*\s(src=|type=\"application/(ld\+)?json\"))[^>]*>", text, re.I
        ):
            offenders.append(f"{template.relative_to(APPS)}: inline script")
    assert not offenders
