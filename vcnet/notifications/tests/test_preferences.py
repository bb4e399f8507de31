"""Per-kind preferences, grouping ("An and 12 others ..."), dismiss and clear."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.core.errors import DomainError, NotFound
from vcnet.notifications.models import Notification, NotificationPreference
from vcnet.notifications.registry import notification_kinds, notification_kinds_register
from vcnet.notifications.selectors import notifications_grouped
from vcnet.notifications.services import (
    notification_dismiss,
    notification_preferences_set,
    notifications_clear,
    notify,
)

pytestmark = pytest.mark.django_db

REACTION = "social.reaction"
FOLLOW = "social.follow"


@pytest.fixture(autouse=True)
def _kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    notification_kinds_register({REACTION: _("Reactions"), FOLLOW: _("New followers")})


def _english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_social_kinds_are_registered_by_the_social_app() -> None:
    from vcnet.social.kinds import LABELS

    assert set(LABELS) <= set(notification_kinds())


def test_settings_page_saves_choices_and_notify_honours_them(
    client: Client, official: User, leader: User
) -> None:
    _english(client)
    client.force_login(official)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Reactions" in body and f'name="in_app:{REACTION}"' in body
    assert 'data-key="' in body
    data = {f"email:{REACTION}": "on", f"push:{REACTION}": "on"}  # in-app off
    for kind in notification_kinds():
        if kind != REACTION:
            data.update({f"in_app:{kind}": "on", f"email:{kind}": "on"})
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=official, kind=REACTION)
    assert (pref.in_app, pref.email, pref.push) == (False, True, True)
    assert NotificationPreference.objects.get(user=official, kind=FOLLOW).push is False
    assert (
        'name="in_app:social.reaction" aria-label'
        in client.get(reverse("notifications:settings")).content.decode()
    )

    told = notify(
        recipients=[official, leader], kind=REACTION, title="Bài viết được bày tỏ cảm xúc"
    )
    assert told == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [leader.pk]
    notify(recipients=[official], kind=FOLLOW, title="Có người theo dõi bạn")
    assert Notification.objects.filter(user=official).count() == 1


def test_unknown_kind_is_refused(official: User) -> None:
    with pytest.raises(DomainError):
        notification_preferences_set(user=official, values={"khong.ton.tai": (1, 1, 1)})  # type: ignore[dict-item]


def test_settings_page_needs_sign_in(client: Client) -> None:
    response = client.get(reverse("notifications:settings"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_thirteen_reactions_are_one_group(client: Client, official: User) -> None:
    people = [UserFactory(full_name=f"Người dùng {i}") for i in range(12)]
    an = UserFactory(full_name="Nguyễn Thị Ân")
    post = UserFactory()  # any model instance stands for "the post"
    for person in [*people, an]:
        notify(recipients=[official], kind=REACTION, title="x", actor=person, obj=post)
    notify(recipients=[official], kind="documents.test", title="Công văn đến số 12")
    groups = notifications_grouped(official)
    assert len(groups) == 2
    from django.utils import translation

    with translation.override("en"):
        assert groups[1].summary == "Nguyễn Thị Ân and 12 others reacted to your post"
        assert groups[0].summary == "Công văn đến số 12"

    _english(client)
    client.force_login(official)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "Nguyễn Thị Ân and 12 others reacted to your post" in body
    assert 'data-group-count="13"' in body
    latest = Notification.objects.filter(kind=REACTION).order_by("-id").first()
    assert latest is not None
    ids = list(Notification.objects.filter(kind=REACTION).values_list("id", flat=True))
    client.post(reverse("notifications:open", args=[latest.pk]), {"ids": ids})
    assert not Notification.objects.filter(kind=REACTION, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_two_reactions_use_the_singular(official: User) -> None:
    from django.utils import translation

    an, binh = UserFactory(full_name="An"), UserFactory(full_name="Bình")
    for person in (an, binh):
        notify(recipients=[official], kind=REACTION, title="x", actor=person, obj=official)
    with translation.override("en"):
        assert notifications_grouped(official)[0].summary == "Bình and 1 other reacted to your post"


def test_opening_a_group_marks_only_my_own(client: Client, official: User, clerk: User) -> None:
    notify(recipients=[official], kind=REACTION, title="Của tôi")
    notify(recipients=[clerk], kind=REACTION, title="Của văn thư")
    mine = Notification.objects.get(user=official)
    theirs = Notification.objects.get(user=clerk)
    client.force_login(official)
    client.post(reverse("notifications:open", args=[mine.pk]), {"ids": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_dismiss_and_clear(official: User, clerk: User) -> None:
    notify(recipients=[official, clerk], kind=FOLLOW, title="Theo dõi mới")
    notify(recipients=[official], kind=FOLLOW, title="Theo dõi mới nữa")
    mine = Notification.objects.filter(user=official).first()
    theirs = Notification.objects.get(user=clerk)
    assert mine is not None
    with pytest.raises(NotFound):
        notification_dismiss(user=official, notification_id=theirs.pk)
    notification_dismiss(user=official, notification_id=mine.pk)
    assert Notification.objects.filter(user=official).count() == 1
    assert notifications_clear(user=official) == 1
    assert Notification.objects.filter(user=clerk).count() == 1
