"""Official pages through the web: opening one for a unit, editors, verification, directory."""

# ruff: noqa: F811  (fixtures imported from conftest_graph are parameters here)
from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import Unit, User
from vcnet.core.audit import AuditEntry
from vcnet.social.models import Actor, ActorKind, PageRole, PageRoleKind
from vcnet.social.services.actors import can_post_as, page_create, pages_for_editor
from vcnet.social.tests.conftest_graph import login, other_admin, unit_admin  # noqa: F401

pytestmark = pytest.mark.django_db


def _page_data(unit: Unit, handle: str = "btg_nghean") -> dict[str, object]:
    return {
        "unit": unit.pk,
        "handle": handle,
        "display_name": "Ban Tuyên giáo Tỉnh ủy Nghệ An",
        "bio": "Trang chính thức.",
    }


def test_unit_admin_opens_a_page_and_owns_it(
    client: Client, unit_admin: User, province: Unit
) -> None:
    login(client, unit_admin)
    assert client.get(reverse("social:page_new")).status_code == 200
    response = client.post(reverse("social:page_new"), _page_data(province))
    assert response.status_code == 302
    page = Actor.objects.get(handle="btg_nghean")
    assert (page.kind, page.unit_id, page.verified) == (ActorKind.PAGE, province.pk, False)
    assert PageRole.objects.get(page=page).user_id == unit_admin.pk
    assert can_post_as(unit_admin, page)
    assert pages_for_editor(unit_admin) == [page]
    assert AuditEntry.objects.filter(action="social.page_create").exists()
    # The handle is taken now.
    assert client.post(reverse("social:page_new"), _page_data(province)).status_code == 400


def test_other_units_admin_cannot_open_a_page_for_this_unit(
    client: Client, other_admin: User, province: Unit
) -> None:
    login(client, other_admin)
    response = client.post(reverse("social:page_new"), _page_data(province))
    assert response.status_code == 403
    assert not Actor.objects.filter(kind=ActorKind.PAGE).exists()


def test_people_who_administer_nothing_get_404(
    client: Client, official: User, citizen: User, province: Unit
) -> None:
    for user in (official, citizen):
        login(client, user)
        assert client.get(reverse("social:page_new")).status_code == 404
        assert client.post(reverse("social:page_new"), _page_data(province)).status_code == 404
    client.logout()
    assert client.get(reverse("social:page_new")).status_code == 302


def test_bad_handle_is_refused(client: Client, unit_admin: User, province: Unit) -> None:
    login(client, unit_admin)
    response = client.post(reverse("social:page_new"), _page_data(province, handle="Tên Có Dấu"))
    assert response.status_code == 400
    assert "2 to 30 characters" in response.content.decode()


def test_staff_opens_pages_for_any_unit(client: Client, admin: User, other_province: Unit) -> None:
    login(client, admin)
    response = client.post(reverse("social:page_new"), _page_data(other_province, "btg_hatinh"))
    assert response.status_code == 302


def test_only_staff_verify(
    client: Client, unit_admin: User, admin: User, official: User, province: Unit
) -> None:
    page = page_create(user=unit_admin, unit=province, handle="btg_na", display_name="BTG Nghệ An")
    url = reverse("social:page_verify", args=[page.handle])
    for user in (unit_admin, official):  # the page's owner is not enough
        login(client, user)
        assert client.post(url, {"verified": "1"}).status_code == 403
    page.refresh_from_db()
    assert not page.verified
    login(client, admin)
    manage = client.get(reverse("social:page_manage", args=[page.handle])).content.decode()
    assert "Verify this page" in manage
    assert client.post(url, {"verified": "1"}).status_code == 302
    page.refresh_from_db()
    assert page.verified and page.verified_at is not None
    client.post(url, {"verified": "0"})
    page.refresh_from_db()
    assert not page.verified


def test_owner_manages_editors(
    client: Client, unit_admin: User, clerk: User, official: User, province: Unit
) -> None:
    page = page_create(user=unit_admin, unit=province, handle="btg_na", display_name="BTG Nghệ An")
    manage = reverse("social:page_manage", args=[page.handle])
    login(client, unit_admin)
    assert "Verify this page" not in client.get(manage).content.decode()
    client.post(manage, {"email": clerk.email, "role": "editor"})
    assert PageRole.objects.get(page=page, user=clerk).role == PageRoleKind.EDITOR
    assert can_post_as(clerk, page)
    # An editor does not manage roles.
    login(client, clerk)
    assert client.get(manage).status_code == 404
    assert client.post(manage, {"email": official.email, "role": "editor"}).status_code == 404
    assert not PageRole.objects.filter(user=official).exists()
    # The last owner cannot give up ownership; unknown people are reported.
    login(client, unit_admin)
    client.post(manage, {"email": unit_admin.email, "role": "editor"})
    assert PageRole.objects.get(page=page, user=unit_admin).role == PageRoleKind.OWNER
    response = client.post(manage, {"email": "khongco@example.vn", "role": "editor"}, follow=True)
    assert "No one with this e-mail address" in response.content.decode()
    client.post(manage, {"email": clerk.email, "role": "remove"})
    assert not can_post_as(clerk, page)


def test_directory_lists_verified_pages_first(
    client: Client, unit_admin: User, other_admin: User, province: Unit, other_province: Unit
) -> None:
    page_create(user=unit_admin, unit=province, handle="btg_na", display_name="Ban Nghệ An")
    verified = page_create(
        user=other_admin, unit=other_province, handle="btg_ht", display_name="Ban Hà Tĩnh"
    )
    Actor.objects.filter(pk=verified.pk).update(verified=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("social:pages")).content.decode()
    assert page.index("Ban Hà Tĩnh") < page.index("Ban Nghệ An")
    assert "Verified official page" in page
    found = client.get(reverse("social:pages"), {"q": "nghe an"}).content.decode()
    assert "Ban Nghệ An" in found and "Ban Hà Tĩnh" not in found
