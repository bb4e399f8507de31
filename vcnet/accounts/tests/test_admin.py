"""The admin site: pages load for administrators, others are sent to log in, the audit log is read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.audit import audit_verify, audit_write
from vcnet.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, admin: User) -> Client:
    client.force_login(admin)
    return client


def test_admin_pages_load_for_the_administrator(
    admin_client: Client, admin: User, leader: User, province: Unit
) -> None:
    entry = AuditEntry.objects.order_by("id").first()
    assert entry is not None
    membership = Membership.objects.get(user=leader)
    pages = [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/?q=Nguyễn",
        "/admin/accounts/user/?memberships__role=leader",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{leader.pk}/change/",
        f"/admin/accounts/user/{leader.pk}/password/",
        "/admin/accounts/unit/",
        "/admin/accounts/unit/?valid=yes",
        "/admin/accounts/unit/?q=Nghệ An",
        "/admin/accounts/unit/add/",
        f"/admin/accounts/unit/{province.pk}/change/",
        "/admin/accounts/unitlevel/",
        "/admin/accounts/membership/",
        "/admin/accounts/membership/add/",
        f"/admin/accounts/membership/{membership.pk}/change/",
        "/admin/core/auditentry/",
        "/admin/core/auditentry/?action=unit.create",
        "/admin/core/auditentry/?q=Nghệ An",
        f"/admin/core/auditentry/?created_at__year={entry.created_at.year}",
        f"/admin/core/auditentry/{entry.pk}/change/",
    ]
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
    change_page = admin_client.get(f"/admin/accounts/user/{leader.pk}/change/").content.decode()
    assert 'href="../password/"' in change_page  # the password change link
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in change_page  # the memberships inline


@pytest.mark.parametrize("persona", ["citizen", "official", "leader"])
def test_people_who_are_not_staff_are_sent_to_the_admin_login(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for page in ["/admin/", "/admin/accounts/user/", "/admin/core/auditentry/"]:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_anonymous_visitors_are_sent_to_the_admin_login(client: Client) -> None:
    response = client.get("/admin/core/auditentry/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_audit_entry_page_refuses_edits(admin_client: Client, admin: User) -> None:
    entry = audit_write(actor=admin, action="unit.create", data={"code": "btg-nghe-an"})
    page = admin_client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert b"/delete/" not in page.content
    response = admin_client.post(
        f"/admin/core/auditentry/{entry.pk}/change/",
        {"action": "tampered", "actor_repr": "Kẻ giả mạo", "_save": "Save"},
    )
    assert response.status_code == 403
    assert admin_client.get("/admin/core/auditentry/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    bulk = admin_client.post(
        "/admin/core/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.action == "unit.create" and entry.actor_repr == "Quản Trị Viên"
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert audit_verify() == (AuditEntry.objects.count(), None)


def test_a_unit_added_in_the_admin_gets_its_tree_path_and_an_audit_entry(
    admin_client: Client, admin: User, province: Unit
) -> None:
    response = admin_client.post(
        "/admin/accounts/unit/add/",
        {
            "name": "Đảng ủy phường Thành Vinh",
            "short_name": "ĐU-TV",
            "code": "na-thanh-vinh",
            "level": province.level.pk,
            "parent": province.pk,
            "valid_from": "2025-07-01",
        },
        REMOTE_ADDR="2001:DB8::0001",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="na-thanh-vinh")
    assert unit.path == f"{province.path}{unit.pk}/"
    entry = AuditEntry.objects.filter(action="unit.create", object_id=str(unit.pk)).get()
    assert entry.actor_id == admin.pk and entry.ip == "2001:db8::1"
    assert audit_verify() == (AuditEntry.objects.count(), None)


def test_a_unit_cannot_be_moved_in_the_admin(
    admin_client: Client, province: Unit, other_province: Unit
) -> None:
    response = admin_client.post(
        f"/admin/accounts/unit/{province.pk}/change/",
        {
            "name": "Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An",
            "short_name": province.short_name,
            "code": province.code,
            "level": province.level.pk,
            "parent": other_province.pk,
        },
    )
    assert response.status_code == 302
    province.refresh_from_db()
    assert province.name == "Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An"
    assert province.parent_id != other_province.pk
    assert AuditEntry.objects.filter(
        action="unit.admin_change", object_id=str(province.pk)
    ).exists()


def test_an_account_added_in_the_admin_is_normalised_and_audited(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "Tran.Van.Hai@Demo.VCNET.vn",
            "phone": "0912 345 679",
            "full_name": "Trần Văn Hải",
            "usable_password": "true",
            "password1": "Mật-khẩu-mới-2026",
            "password2": "Mật-khẩu-mới-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(full_name="Trần Văn Hải")
    assert user.email == "tran.van.hai@demo.vcnet.vn" and user.phone == "+84912345679"
    assert user.check_password("Mật-khẩu-mới-2026")
    assert AuditEntry.objects.filter(action="user.admin_add", object_id=str(user.pk)).exists()


def test_an_account_needs_an_email_or_a_phone(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {"email": "", "phone": "", "full_name": "Không Tên", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(full_name="Không Tên").exists()
    bad_phone = admin_client.post(
        "/admin/accounts/user/add/",
        {"email": "", "phone": "abc", "full_name": "Không Tên", "usable_password": "false"},
    )
    assert bad_phone.status_code == 200 and bad_phone.context["adminform"].form.errors["phone"]


def test_a_membership_added_in_the_admin_goes_through_the_service(
    admin_client: Client, admin: User, citizen: User, province: Unit
) -> None:
    response = admin_client.post(
        "/admin/accounts/membership/add/",
        {
            "user": citizen.pk,
            "unit": province.pk,
            "role": Role.OFFICIAL,
            "title": "Chuyên viên",
            "created_at_0": "2026-01-05",
            "created_at_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=citizen, unit=province)
    entry = AuditEntry.objects.get(action="membership.add", object_id=str(membership.pk))
    assert entry.actor_id == admin.pk


def test_staff_without_superuser_rights_cannot_change_the_organisation(
    client: Client, official: User, province: Unit
) -> None:
    from django.contrib.auth.models import Permission

    official.is_staff = True
    official.save()
    official.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_unit", "add_unit", "change_unit"])
    )
    client.force_login(official)
    assert client.get("/admin/accounts/unit/").status_code == 200
    assert client.get("/admin/accounts/unit/add/").status_code == 403
    page = client.get(f"/admin/accounts/unit/{province.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get("/admin/core/auditentry/").status_code == 403
