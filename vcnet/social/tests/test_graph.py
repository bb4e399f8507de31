"""The social graph: profiles, follows, blocks, mutes, muted words and the settings page."""

# ruff: noqa: F811  (fixtures imported from conftest_graph are parameters here)
from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.core.errors import DomainError, NotFound
from vcnet.notifications.models import Notification
from vcnet.social import kinds
from vcnet.social.models import Actor, Block, Follow, Mute, MutedWord, Post
from vcnet.social.selectors.actors import (
    followers_of,
    following_of,
    hidden_author_ids,
    muted_words,
    post_hidden_by_words,
    relationships,
)
from vcnet.social.services import graph
from vcnet.social.services.actors import actor_for_user, actor_get, profile_update
from vcnet.social.tests.conftest_graph import citizen2, login  # noqa: F401

pytestmark = pytest.mark.django_db


def _counts(actor: Actor) -> tuple[int, int]:
    actor.refresh_from_db()
    return actor.followers_count, actor.following_count


def test_actor_for_user_makes_one_unique_handle(citizen: User) -> None:
    twin = cast(User, UserFactory(full_name="Đỗ Minh Đức", email="congdan@khac.vn"))
    first = actor_for_user(citizen)
    assert first.handle == "congdan"
    assert first.display_name == "Đỗ Minh Đức"
    assert actor_for_user(citizen).pk == first.pk
    assert actor_for_user(twin).handle == "congdan2"
    assert actor_get("@congdan").pk == first.pk
    assert actor_get(first.pk).pk == first.pk
    with pytest.raises(NotFound):
        actor_get("khong_co_ai")


def test_handle_from_a_vietnamese_name_without_email(db: None) -> None:
    user = cast(User, UserFactory(full_name="Lê Thị Ánh", email=None, phone="+84900000001"))
    assert actor_for_user(user).handle == "le_thi_anh"


def test_profile_update_keeps_plain_text(citizen: User) -> None:
    actor = profile_update(user=citizen, display_name="  Đức <b>Đỗ</b> ", bio="Xin chào\u0000!")
    assert actor.display_name == "Đức <b>Đỗ</b>"
    assert actor.bio == "Xin chào!"
    with pytest.raises(DomainError):
        profile_update(user=citizen, display_name="   ")


def test_follow_counts_notifies_and_is_idempotent(
    citizen: User, citizen2: User, django_capture_on_commit_callbacks: Any
) -> None:
    me, other = actor_for_user(citizen), actor_for_user(citizen2)
    with django_capture_on_commit_callbacks(execute=True):
        graph.follow_create(user=citizen, target_id=other.pk)
        graph.follow_create(user=citizen, target_id=other.handle)
    assert Follow.objects.filter(follower=me, target=other).count() == 1
    assert _counts(other) == (1, 0)
    assert _counts(me) == (0, 1)
    note = Notification.objects.get(user=citizen2, kind=kinds.FOLLOW)
    assert "Đỗ Minh Đức" in note.title
    assert note.url == reverse("social:profile", kwargs={"handle": me.handle})
    assert [a.pk for a in followers_of(other)] == [me.pk]
    assert [a.pk for a in following_of(me)] == [other.pk]
    rel = relationships(citizen, [other.pk])[other.pk]
    assert rel.following and not rel.followed_by
    assert relationships(citizen2, [me.pk])[me.pk].followed_by

    graph.follow_delete(user=citizen, target_id=other.pk)
    graph.follow_delete(user=citizen, target_id=other.pk)
    assert _counts(other) == (0, 0)
    assert _counts(me) == (0, 0)


def test_cannot_follow_oneself_or_nobody(citizen: User) -> None:
    me = actor_for_user(citizen)
    with pytest.raises(DomainError):
        graph.follow_create(user=citizen, target_id=me.pk)
    with pytest.raises(NotFound):
        graph.follow_create(user=citizen, target_id=999_999)


def test_block_ends_follows_both_ways_and_hides(citizen: User, citizen2: User) -> None:
    me, other = actor_for_user(citizen), actor_for_user(citizen2)
    graph.follow_create(user=citizen, target_id=other.pk)
    graph.follow_create(user=citizen2, target_id=me.pk)
    assert _counts(me) == (1, 1)

    graph.block_create(user=citizen, target_id=other.pk)
    assert not Follow.objects.exists()
    assert _counts(me) == (0, 0)
    assert _counts(other) == (0, 0)
    assert hidden_author_ids(me) == {other.pk}
    assert hidden_author_ids(other) == {me.pk}
    assert relationships(citizen2, [me.pk])[me.pk].blocked_by
    # The blocked side cannot follow back: the profile looks absent.
    with pytest.raises(NotFound):
        graph.follow_create(user=citizen2, target_id=me.pk)
    graph.block_delete(user=citizen, target_id=other.pk)
    assert not Block.objects.exists()
    assert not Follow.objects.exists()  # follows ended by a block do not come back


def test_mute_hides_until_it_expires(citizen: User, citizen2: User) -> None:
    me, other = actor_for_user(citizen), actor_for_user(citizen2)
    graph.mute_create(user=citizen, target_id=other.pk, duration=3600)
    assert hidden_author_ids(me) == {other.pk}
    assert relationships(citizen, [other.pk])[other.pk].muting
    Mute.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert hidden_author_ids(me) == set()
    graph.mute_create(user=citizen, target_id=other.pk)
    graph.mute_delete(user=citizen, target_id=other.pk)
    assert hidden_author_ids(me) == set()


def test_muted_words_hide_posts_without_diacritics(citizen: User, citizen2: User) -> None:
    me, author = actor_for_user(citizen), actor_for_user(citizen2)
    graph.muted_word_add(user=citizen, phrase="Bóng đá")
    graph.muted_word_add(user=citizen, phrase="xổ", whole_word=False)
    words = muted_words(me)
    assert {w.phrase for w in words} == {"Bóng đá", "xổ"}

    def post(text: str) -> Post:
        return Post(author=author, text=text)

    assert post_hidden_by_words(post("Tối nay xem BONG DA không?"), words)
    assert post_hidden_by_words(post("Kết quả xổ số"), words)
    assert post_hidden_by_words(post("Kết quả XOSO"), words)  # part of a word: whole_word off
    assert not post_hidden_by_words(post("Bóng đáng yêu"), words)  # whole word only
    assert not post_hidden_by_words(post("Chuyển đổi số"), words)
    assert not post_hidden_by_words(post("Bóng đá"), [])


def test_settings_page_mutes_and_unmutes_words(client: Client, citizen: User) -> None:
    login(client, citizen)
    url = reverse("social:settings")
    response = client.get(url)
    assert response.status_code == 200
    assert "You have not muted any words." in response.content.decode()

    response = client.post(url, {"phrase": "Lũ lụt", "whole_word": "on", "duration": "86400"})
    assert response.status_code == 302
    word = MutedWord.objects.get()
    assert word.folded == "lu lut" and word.expires_at is not None
    assert "Lũ lụt" in client.get(url).content.decode()

    assert client.post(url, {"phrase": "   "}).status_code == 400

    response = client.post(reverse("social:muted_word_remove", args=[word.pk]))
    assert response.status_code == 302
    assert not MutedWord.objects.exists()


def test_settings_cannot_touch_someone_elses_word(
    client: Client, citizen: User, citizen2: User
) -> None:
    word = graph.muted_word_add(user=citizen2, phrase="chính trị")
    login(client, citizen)
    response = client.post(reverse("social:muted_word_remove", args=[word.pk]))
    assert response.status_code == 404
    assert MutedWord.objects.filter(pk=word.pk).exists()


def test_settings_lists_and_lifts_blocks_and_mutes(
    client: Client, citizen: User, citizen2: User
) -> None:
    other = actor_for_user(citizen2)
    graph.block_create(user=citizen, target_id=other.pk)
    graph.mute_create(user=citizen, target_id=other.pk)
    login(client, citizen)
    page = client.get(reverse("social:settings")).content.decode()
    assert page.count("Bùi Thị Hạnh") == 2
    client.post(reverse("social:settings_unblock", args=[other.pk]))
    client.post(reverse("social:settings_unmute", args=[other.pk]))
    assert not Block.objects.exists() and not Mute.objects.exists()


def test_settings_needs_sign_in(client: Client) -> None:
    response = client.get(reverse("social:settings"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
