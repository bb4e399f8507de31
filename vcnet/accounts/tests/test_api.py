"""The people-and-units API, through HTTP, as each persona sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_me_shows_the_signed_in_official_with_their_roles(leader: User, province: Unit) -> None:
    response = signed_in(leader).get("/api/v1/me")

    assert response.status_code == 200
    body = response.json()
    assert body["full_name"] == "Nguyễn Văn An"
    assert body["email"] == "truongban@nghean.vcnet.test"
    assert body["is_staff"] is False
    assert body["avatar"] is None
    assert body["memberships"] == [
        {
            "unit": {
                "id": province.pk,
                "code": "btg-nghe-an",
                "short_name": "BTGTU",
                "name": "Ban Tuyên giáo Tỉnh ủy Nghệ An",
            },
            "role": "leader",
            "role_label": body["memberships"][0]["role_label"],
            "title": "Trưởng ban",
        }
    ]


def test_me_for_a_citizen_has_phone_and_no_memberships(citizen: User) -> None:
    body = signed_in(citizen).get("/api/v1/me").json()
    assert body["phone"] == "+84912345678"
    assert body["memberships"] == []


def test_me_needs_authentication() -> None:
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_units_lists_every_unit_in_tree_order(
    official: User, central: Unit, province: Unit, other_province: Unit
) -> None:
    response = signed_in(official).get("/api/v1/units")

    assert response.status_code == 200
    body = response.json()
    assert [unit["code"] for unit in body["items"]] == ["btgtw", "btg-nghe-an", "btg-ha-tinh"]
    assert body["next"] is None
    first = body["items"][1]
    assert first == {
        "id": province.pk,
        "parent_id": central.pk,
        "code": "btg-nghe-an",
        "short_name": "BTGTU",
        "name": "Ban Tuyên giáo Tỉnh ủy Nghệ An",
        "level": {"code": "tinh", "name": "Tỉnh", "rank": 1},
        "depth": 1,
        "valid_from": None,
        "valid_to": None,
    }


def test_units_filter_by_parent(official: User, central: Unit, other_province: Unit) -> None:
    body = signed_in(official).get("/api/v1/units", {"parent": central.pk}).json()
    assert [unit["code"] for unit in body["items"]] == ["btg-nghe-an", "btg-ha-tinh"]


@pytest.mark.parametrize("q", ["nghe an", "NGHỆ AN", "Nghệ", "btg-nghe"])
def test_units_search_ignores_diacritics_and_case(
    official: User, other_province: Unit, q: str
) -> None:
    body = signed_in(official).get("/api/v1/units", {"q": q}).json()
    assert [unit["code"] for unit in body["items"]] == ["btg-nghe-an"]


def test_units_search_folds_d_with_stroke(official: User, central: Unit) -> None:
    UnitFactory(code="dang-uy", short_name="ĐU", name="Đảng ủy khối", parent=central)
    body = signed_in(official).get("/api/v1/units", {"q": "dang uy"}).json()
    assert [unit["code"] for unit in body["items"]] == ["dang-uy"]


def test_units_pagination_walks_every_unit_once(
    official: User, central: Unit, other_province: Unit
) -> None:
    for n in range(23):
        UnitFactory(code=f"xa-{n}", name=f"Ban Tuyên giáo xã {n}", parent=central)
    client = signed_in(official)
    expected = list(Unit.objects.order_by("path").values_list("code", flat=True))

    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 7}
    pages = 0
    while True:
        body = client.get("/api/v1/units", params).json()
        pages += 1
        assert len(body["items"]) <= 7
        seen += [unit["code"] for unit in body["items"]]
        if body["next"] is None:
            break
        params = {"limit": 7, "cursor": body["next"]}

    assert seen == expected  # no duplicates, no gaps, tree order
    assert pages == 4  # 26 units in pages of 7


def test_units_pagination_survives_a_unit_added_mid_walk(official: User, central: Unit) -> None:
    for n in range(4):
        UnitFactory(code=f"xa-{n}", parent=central)
    client = signed_in(official)
    first = client.get("/api/v1/units", {"limit": 2}).json()
    UnitFactory(code="xa-moi", parent=central)
    rest = client.get("/api/v1/units", {"limit": 50, "cursor": first["next"]}).json()

    codes = [u["code"] for u in first["items"]] + [u["code"] for u in rest["items"]]
    assert len(codes) == len(set(codes)) == 7  # central, province, 4 + 1 communes


@pytest.mark.parametrize("cursor", ["not-a-cursor", "eyJrIjoiaWQiLCJ2IjoxLCJpIjoxfQ", "%%%"])
def test_units_rejects_an_invalid_cursor(official: User, cursor: str) -> None:
    response = signed_in(official).get("/api/v1/units", {"cursor": cursor})

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:vcnet:problem:invalid_cursor"


@pytest.mark.parametrize("limit", [0, 101, "nhiều"])
def test_units_rejects_a_bad_limit(official: User, limit: object) -> None:
    response = signed_in(official).get("/api/v1/units", {"limit": limit})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["errors"][0]["field"] == "limit"
    assert body["errors"][0]["location"] == "query"


def test_units_list_query_count_does_not_grow(
    official: User, central: Unit, django_assert_max_num_queries: object
) -> None:
    for n in range(30):
        UnitFactory(code=f"xa-{n}", parent=central)
    client = signed_in(official)
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        body = client.get("/api/v1/units", {"limit": 100}).json()
    assert len(body["items"]) == 32  # central, province, 30 communes


def test_unit_tree_nests_units_valid_today(official: User, central: Unit, province: Unit) -> None:
    UnitFactory(
        code="da-sap-nhap",
        name="Ban đã sáp nhập",
        parent=province,
        valid_to=dt.date(2020, 1, 1),
    )
    response = signed_in(official).get("/api/v1/units/tree")

    assert response.status_code == 200
    (root,) = response.json()
    assert root["code"] == "btgtw"
    assert [child["code"] for child in root["children"]] == ["btg-nghe-an"]
    assert root["children"][0]["children"] == []


def test_unit_tree_query_count(
    official: User, other_province: Unit, django_assert_max_num_queries: object
) -> None:
    client = signed_in(official)
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        assert client.get("/api/v1/units/tree").status_code == 200


def test_unit_detail(citizen: User, province: Unit) -> None:
    body = signed_in(citizen).get(f"/api/v1/units/{province.pk}").json()
    assert body["name"] == "Ban Tuyên giáo Tỉnh ủy Nghệ An"


def test_unit_detail_unknown_is_a_404_problem(citizen: User) -> None:
    response = signed_in(citizen).get("/api/v1/units/999999")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:vcnet:problem:not_found"


def test_unit_members_for_a_member(
    official: User, leader: User, clerk: User, province: Unit
) -> None:
    response = signed_in(official).get(f"/api/v1/units/{province.pk}/members")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(m["user"]["full_name"], m["role"], m["title"]) for m in items] == [
        ("Lê Hoàng Cường", "official", "Chuyên viên"),
        ("Nguyễn Văn An", "leader", "Trưởng ban"),
        ("Trần Thị Bình", "clerk", "Văn thư"),
    ]


def test_unit_members_visible_from_the_unit_above(
    central: Unit, province: Unit, official: User
) -> None:
    head = MembershipFactory(unit=central, role=Role.LEADER).user
    response = signed_in(head).get(f"/api/v1/units/{province.pk}/members")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


def test_unit_members_paginate_by_name(official: User, province: Unit) -> None:
    for name in ["Vũ Thị Hà", "Bùi Văn Khang", "Hoàng Thị Lan", "Đinh Văn Minh"]:
        MembershipFactory(unit=province, user__full_name=name)
    client = signed_in(official)
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        body = client.get(f"/api/v1/units/{province.pk}/members", params).json()
        seen += [m["user"]["full_name"] for m in body["items"]]
        if not body["next"]:
            break
        params = {"limit": 2, "cursor": body["next"]}
    assert len(seen) == len(set(seen)) == 5


def test_citizen_cannot_list_members_of_a_unit(citizen: User, province: Unit) -> None:
    response = signed_in(citizen).get(f"/api/v1/units/{province.pk}/members")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_other_units_official_cannot_list_members(outsider: User, province: Unit) -> None:
    response = signed_in(outsider).get(f"/api/v1/units/{province.pk}/members")
    assert response.status_code == 404


def test_unit_members_query_count(
    official: User, province: Unit, django_assert_max_num_queries: object
) -> None:
    for _ in range(15):
        MembershipFactory(unit=province)
    client = signed_in(official)
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        body = client.get(f"/api/v1/units/{province.pk}/members", {"limit": 50}).json()
    assert len(body["items"]) == 16


def test_colleague_sees_a_colleague(official: User, leader: User) -> None:
    response = signed_in(official).get(f"/api/v1/users/{leader.pk}")

    assert response.status_code == 200
    assert response.json() == {"id": leader.pk, "full_name": "Nguyễn Văn An", "avatar": None}


def test_colleague_sees_a_colleagues_memberships(
    official: User, leader: User, other_province: Unit
) -> None:
    MembershipFactory(user=leader, unit=other_province, role=Role.OFFICIAL, title="Cộng tác viên")
    response = signed_in(official).get(f"/api/v1/users/{leader.pk}/memberships")

    assert response.status_code == 200
    assert sorted((m["unit"]["code"], m["role"]) for m in response.json()) == [
        ("btg-ha-tinh", "official"),
        ("btg-nghe-an", "leader"),
    ]


@pytest.mark.parametrize("path", ["/api/v1/users/{id}", "/api/v1/users/{id}/memberships"])
def test_another_units_official_gets_404(outsider: User, leader: User, path: str) -> None:
    response = signed_in(outsider).get(path.format(id=leader.pk))

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("path", ["/api/v1/users/{id}", "/api/v1/users/{id}/memberships"])
def test_a_citizen_gets_404_for_an_official(citizen: User, leader: User, path: str) -> None:
    response = signed_in(citizen).get(path.format(id=leader.pk))
    assert response.status_code == 404


def test_admin_sees_anyone(admin: User, outsider: User) -> None:
    assert signed_in(admin).get(f"/api/v1/users/{outsider.pk}").status_code == 200


def test_me_and_memberships_query_counts(
    official: User, leader: User, other_province: Unit, django_assert_max_num_queries: object
) -> None:
    MembershipFactory(user=leader, unit=other_province)
    client = signed_in(official)
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        assert client.get("/api/v1/me").status_code == 200
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        assert client.get(f"/api/v1/users/{leader.pk}/memberships").status_code == 200


def test_unit_search_query_count(
    official: User, central: Unit, django_assert_max_num_queries: object
) -> None:
    for n in range(20):
        UnitFactory(code=f"xa-{n}", name=f"Ban Tuyên giáo xã Nghĩa Đàn {n}", parent=central)
    client = signed_in(official)
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        body = client.get("/api/v1/units", {"q": "nghia dan", "limit": 50}).json()
    assert len(body["items"]) == 20
