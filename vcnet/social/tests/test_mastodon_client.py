"""The same account works from a real Mastodon client: `Mastodon.py` against the live test server.

The app is registered with `POST /api/v1/apps`, authorized with the authorization-code flow by
a person signed in to the web (the consent page is answered like a browser would), and then
used the way Mastodon's apps do: post with an image and a poll, read, reply, like, share,
follow, timelines, notifications, search, delete.
"""

from __future__ import annotations

from typing import Any

import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonNotFoundError, MastodonUnauthorizedError

from vcnet.accounts.models import User
from vcnet.social.tests.conftest_api import mastodon_for, png_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def an(live_server: Any, citizen: User) -> Mastodon:
    """Đỗ Minh Đức, a citizen, on his phone's Mastodon app."""
    return mastodon_for(live_server.url, citizen)


@pytest.fixture
def cuong(live_server: Any, official: User) -> Mastodon:
    """Lê Hoàng Cường, an official of Nghệ An, on his Mastodon app."""
    return mastodon_for(live_server.url, official)


def test_a_citizen_uses_vcnet_from_mastodon_py(
    live_server: Any, an: Mastodon, cuong: Mastodon
) -> None:
    me = an.account_verify_credentials()
    assert me.display_name == "Đỗ Minh Đức"
    assert me["vcnet"]["kind"] == "person"
    assert "source" in me
    other = cuong.account_verify_credentials()

    # Cường follows Đức.
    rel = cuong.account_follow(me.id)
    assert rel.following is True
    [seen] = an.account_relationships([other.id])
    assert seen.followed_by is True and seen.following is False

    # A post with an image, and one with a poll.
    image = an.media_post(png_bytes(), mime_type="image/png", description="Ảnh hội nghị")
    assert image.type == "image" and image.url.startswith("http")
    post = an.status_post(
        f"Hội nghị trực tuyến về #ChuyểnĐổiSố tại Nghệ An, mời @{other.acct} góp ý.",
        media_ids=[image],
        spoiler_text="",
    )
    assert post.account.id == me.id
    assert [m.id for m in post.media_attachments] == [image.id]
    assert [t.name for t in post.tags] and post.visibility == "public"
    assert [m.acct for m in post.mentions] == [other.acct]
    poll = an.make_poll(["Đồng ý", "Chưa đồng ý"], expires_in=3600)
    with_poll = an.status_post("Bạn có ủng hộ dịch vụ công trực tuyến mức độ 4?", poll=poll)
    assert [o.title for o in with_poll.poll.options] == ["Đồng ý", "Chưa đồng ý"]

    # Cường reads, replies, likes, shares and votes.
    assert cuong.status(post.id).content
    reply = cuong.status_post("Xin cảm ơn, tôi sẽ tham gia.", in_reply_to_id=post.id)
    assert reply.in_reply_to_id == post.id
    context = an.status_context(post.id)
    assert [s.id for s in context.descendants] == [reply.id]
    liked = cuong.status_favourite(post.id)
    assert liked.favourited is True and liked.favourites_count == 1
    shared = cuong.status_reblog(post.id)
    assert shared.reblog.id == post.id
    voted = cuong.poll_vote(with_poll.poll.id, [0])
    assert voted.voted is True and voted.own_votes == [0]

    # Timelines.
    assert post.id in [s.id for s in cuong.timeline_home()]
    assert post.id in [s.id for s in an.timeline_public()]
    assert post.id in [s.id for s in an.timeline_hashtag("chuyendoiso")]

    # Đức is told about the follow, the mention-reply, the like and the share.
    types = {n.type for n in an.notifications()}
    assert {"follow", "favourite", "reblog", "mention"} <= types

    # Search without diacritics.
    found = cuong.search_v2("hoi nghi truc tuyen nghe an", result_type="statuses")
    assert post.id in [s.id for s in found.statuses]

    # Delete: gone for everyone.
    deleted = an.status_delete(post.id)
    assert deleted.id == post.id
    with pytest.raises(MastodonNotFoundError):
        cuong.status(post.id)


def test_followers_only_posts_and_bad_tokens(
    live_server: Any, an: Mastodon, cuong: Mastodon
) -> None:
    secret = an.status_post("Chỉ người theo dõi mới xem được.", visibility="private")
    assert secret.visibility == "private"
    with pytest.raises(MastodonNotFoundError):
        cuong.status(secret.id)
    cuong.account_follow(an.account_verify_credentials().id)
    assert cuong.status(secret.id).id == secret.id

    anonymous = Mastodon(api_base_url=live_server.url, version_check_mode="none")
    with pytest.raises(MastodonNotFoundError):
        anonymous.status(secret.id)
    stranger = Mastodon(
        access_token="khong-hop-le", api_base_url=live_server.url, version_check_mode="none"
    )
    with pytest.raises(MastodonUnauthorizedError):
        stranger.account_verify_credentials()
