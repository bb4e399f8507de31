"""Groups through the web pages: directory, joining, private requests, moderators, pins."""

# ruff: noqa: F811  (fixtures imported from conftest_graph are parameters here)
from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import Unit, User
from vcnet.notifications.models import Notification
from vcnet.social import kinds
from vcnet.social.models import Group, GroupKind, GroupMembership, GroupRole, MemberState
from vcnet.social.services import groups as group_services
from vcnet.social.tests.conftest_graph import (  # noqa: F401
    citizen2,
    group_post,
    login,
    make_group,
    other_admin,
    unit_admin,
)

pytestmark = pytest.mark.django_db


def test_directory_creates_a_public_group(client: Client, citizen: User) -> None:
    login(client, citizen)
    response = client.post(
        reverse("social:groups"),
        {
            "name": "Chuyển đổi số Nghệ An",
            "slug": "chuyen-doi-so",
            "kind": "public",
            "description": "Trao đổi về chuyển đổi số.",
        },
    )
    assert response.status_code == 302
    group = Group.objects.get(slug="chuyen-doi-so")
    assert response["Location"] == reverse("social:group", args=[group.slug])
    owner = GroupMembership.objects.get(group=group)
    assert (owner.user_id, owner.role) == (citizen.pk, GroupRole.OWNER)
    assert group.members_count == 1
    page = client.get(reverse("social:groups"), {"q": "chuyen doi"}).content.decode()
    assert "Chuyển đổi số Nghệ An" in page


def test_bad_group_input_is_refused(client: Client, citizen: User) -> None:
    make_group(citizen, "trung-ten")
    login(client, citizen)
    for data in (
        {"name": "Nhóm", "slug": "trung-ten", "kind": "public"},  # taken
        {"name": "Nhóm", "slug": "Có Dấu", "kind": "public"},  # not a slug
        {"name": "", "slug": "rong", "kind": "public"},
        {"name": "Nhóm", "slug": "loai-la", "kind": "bi-mat"},
    ):
        assert client.post(reverse("social:groups"), data).status_code == 400
    assert Group.objects.count() == 1


def test_unit_group_needs_an_admin_of_that_unit(
    client: Client, official: User, unit_admin: User, other_admin: User, province: Unit
) -> None:
    # A plain official is not offered unit groups; the service refuses anyway.
    login(client, official)
    data = {
        "name": "Ban Tuyên giáo Nghệ An",
        "slug": "btg-nghe-an",
        "kind": "unit",
        "unit": province.pk,
    }
    assert client.post(reverse("social:groups"), data).status_code == 400
    login(client, other_admin)
    assert client.post(reverse("social:groups"), data).status_code == 400
    assert not Group.objects.exists()
    login(client, unit_admin)
    assert client.post(reverse("social:groups"), data).status_code == 302
    group = Group.objects.get(slug="btg-nghe-an")
    assert group.kind == GroupKind.UNIT and group.unit_id == province.pk


def test_unit_group_members_are_automatic(
    client: Client, unit_admin: User, official: User, outsider: User, province: Unit
) -> None:
    group = make_group(unit_admin, "noi-bo-nghe-an", GroupKind.UNIT, unit=province)
    post = group_post(unit_admin, group, "Thông báo họp giao ban thứ Hai.")
    assert group_services.is_group_member(official, group)
    assert group in group_services.groups_for_user(official)
    login(client, official)
    page = client.get(reverse("social:group", args=[group.slug])).content.decode()
    assert "Thông báo họp giao ban" in page
    response = client.post(reverse("social:group_join", args=[group.slug]))
    assert (
        response.status_code == 302 and not GroupMembership.objects.filter(user=official).exists()
    )
    # Another unit's official does not see it at all.
    login(client, outsider)
    assert client.get(reverse("social:group", args=[group.slug])).status_code == 404
    assert post.pk


def test_join_and_leave_a_public_group(client: Client, citizen: User, citizen2: User) -> None:
    group = make_group(citizen, "phong-chong-lu")
    login(client, citizen2)
    response = client.post(reverse("social:group_join", args=[group.slug]))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.members_count == 2
    assert group_services.is_group_member(citizen2, group)
    assert (
        "Leave the group" in client.get(reverse("social:group", args=[group.slug])).content.decode()
    )
    client.post(reverse("social:group_leave", args=[group.slug]))
    group.refresh_from_db()
    assert group.members_count == 1
    # The last owner cannot leave.
    login(client, citizen)
    client.post(reverse("social:group_leave", args=[group.slug]))
    assert GroupMembership.objects.filter(group=group, user=citizen).exists()


def test_anonymous_reads_public_group_but_cannot_join(client: Client, citizen: User) -> None:
    group = make_group(citizen, "bhyt")
    group_post(citizen, group, "Hỏi đáp về BHYT học sinh.")
    page = client.get(reverse("social:group", args=[group.slug]))
    assert page.status_code == 200 and "BHYT học sinh" in page.content.decode()
    response = client.post(reverse("social:group_join", args=[group.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_private_group_request_flow(
    client: Client,
    citizen: User,
    citizen2: User,
    official: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    group = make_group(citizen, "can-bo-tre", GroupKind.PRIVATE, name="Cán bộ trẻ")
    group_post(citizen, group, "Bài viết kín của nhóm.")
    url = reverse("social:group", args=[group.slug])
    # Non-members: the group's page does not exist, for them and for anonymous readers.
    assert client.get(url).status_code == 404
    login(client, citizen2)
    assert client.get(url).status_code == 404
    assert client.get(reverse("social:group_members", args=[group.slug])).status_code == 404
    # It is listed so that people can ask to join.
    assert "Cán bộ trẻ" in client.get(reverse("social:groups")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("social:group_join", args=[group.slug]), {"message": "Cho em vào với ạ"}
        )
    membership = GroupMembership.objects.get(group=group, user=citizen2)
    assert membership.state == MemberState.PENDING
    note = Notification.objects.get(user=citizen, kind=kinds.GROUP_REQUEST)
    assert note.url == reverse("social:group_requests", args=[group.slug])
    assert client.get(url).status_code == 404  # pending is not a member
    # Only the group's moderators see the requests.
    assert client.get(reverse("social:group_requests", args=[group.slug])).status_code == 404
    login(client, citizen)
    page = client.get(reverse("social:group_requests", args=[group.slug])).content.decode()
    assert "Cho em vào với ạ" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("social:group_requests", args=[group.slug]),
            {"membership": membership.pk, "decision": "accept"},
        )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.state == MemberState.ACTIVE
    assert Notification.objects.filter(user=citizen2, kind=kinds.GROUP_DECISION).exists()
    group.refresh_from_db()
    assert group.members_count == 2
    login(client, citizen2)
    assert "Bài viết kín của nhóm." in client.get(url).content.decode()


def test_declined_request_is_removed(citizen: User, citizen2: User) -> None:
    group = make_group(citizen, "kin-dao", GroupKind.PRIVATE)
    membership = group_services.group_join(user=citizen2, group_id=group.pk)
    group_services.group_request_decide(user=citizen, membership_id=membership.pk, accept=False)
    assert not GroupMembership.objects.filter(pk=membership.pk).exists()


def test_moderator_cannot_act_in_another_group(
    client: Client, citizen: User, citizen2: User, official: User
) -> None:
    mine = make_group(citizen, "nhom-cua-toi", GroupKind.PRIVATE)
    theirs = make_group(official, "nhom-khac", GroupKind.PRIVATE)
    request = group_services.group_join(user=citizen2, group_id=theirs.pk)
    post = group_post(official, theirs, "Bài trong nhóm khác.")
    login(client, citizen)
    # Deciding a request of the other group through one's own group's page: 404.
    response = client.post(
        reverse("social:group_requests", args=[mine.slug]),
        {"membership": request.pk, "decision": "accept"},
    )
    assert response.status_code == 404
    assert client.get(reverse("social:group_requests", args=[theirs.slug])).status_code == 404
    assert client.post(reverse("social:group_pin", args=[post.pk])).status_code == 404
    response = client.post(
        reverse("social:group_members", args=[theirs.slug]), {"user": official.pk, "role": "remove"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    post.refresh_from_db()
    assert request.state == MemberState.PENDING and post.pinned_at is None


def test_moderator_pins_a_post_first(client: Client, citizen: User, citizen2: User) -> None:
    group = make_group(citizen, "chinh-sach-moi")
    group_services.group_join(user=citizen2, group_id=group.pk)
    old = group_post(citizen2, group, "Bài cũ cần ghim.")
    group_post(citizen2, group, "Bài mới hơn.")
    # A plain member may not pin.
    login(client, citizen2)
    assert client.post(reverse("social:group_pin", args=[old.pk])).status_code == 403
    login(client, citizen)
    response = client.post(reverse("social:group_pin", args=[old.pk]), {"pinned": "1"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.pinned_at is not None
    page = client.get(reverse("social:group", args=[group.slug])).content.decode()
    assert page.index("Bài cũ cần ghim.") < page.index("Bài mới hơn.")
    assert "Unpin" in page
    client.post(reverse("social:group_pin", args=[old.pk]), {"pinned": "0"})
    old.refresh_from_db()
    assert old.pinned_at is None


def test_owner_sets_roles_moderator_only_removes_members(
    client: Client, citizen: User, citizen2: User, official: User
) -> None:
    group = make_group(citizen, "thao-luan")
    group_services.group_join(user=citizen2, group_id=group.pk)
    group_services.group_join(user=official, group_id=group.pk)
    login(client, citizen)
    url = reverse("social:group_members", args=[group.slug])
    client.post(url, {"user": citizen2.pk, "role": "moderator"})
    assert group_services.is_group_moderator(citizen2, group)
    login(client, citizen2)
    # A moderator cannot promote, but can remove a plain member.
    client.post(url, {"user": official.pk, "role": "owner"})
    assert not group_services.is_group_owner(official, group)
    client.post(url, {"user": official.pk, "role": "remove"})
    assert not group_services.is_group_member(official, group)
    client.post(url, {"user": citizen.pk, "role": "remove"})
    assert group_services.is_group_owner(citizen, group)
    group.refresh_from_db()
    assert group.members_count == 2


def test_group_page_offers_compose_to_members_only(
    client: Client, citizen: User, citizen2: User
) -> None:
    group = make_group(citizen, "doc-sach")
    login(client, citizen2)
    page = client.get(reverse("social:group", args=[group.slug])).content.decode()
    assert 'name="group_id"' not in page
    login(client, citizen)
    page = client.get(reverse("social:group", args=[group.slug])).content.decode()
    assert f'value="{group.pk}"' in page and 'name="group_id"' in page


def test_a_unit_admin_moderates_the_unit_group_everywhere(
    unit_admin: User, official: User, outsider: User, province: Unit
) -> None:
    """One rule for moderation: what lets a unit admin pin in the unit group also lets them
    delete there, and shows them the delete button; an official of the unit gets neither."""
    from vcnet.core.errors import NotFound
    from vcnet.social.access import can_delete_post, viewer_state
    from vcnet.social.models import Post
    from vcnet.social.services.posts import post_delete

    group = make_group(unit_admin, "noi-bo-nghe-an", GroupKind.UNIT, unit=province)
    post = group_post(official, group, "Đề xuất lịch trực Tết của phòng.")
    assert group_services.is_group_moderator(unit_admin, group)
    assert not group_services.is_group_moderator(official, group)
    assert can_delete_post(unit_admin, post)
    assert viewer_state(unit_admin, [post])[post.pk].can_delete
    colleague = group_post(unit_admin, group, "Nhắc lịch họp.")
    assert not viewer_state(official, [colleague])[colleague.pk].can_delete
    with pytest.raises(NotFound):
        post_delete(user=outsider, post_id=post.pk)
    post_delete(user=unit_admin, post_id=post.pk)
    assert not Post.objects.filter(pk=post.pk).exists()
