"""Context notes services: who may write and rate notes (account age, verified e-mail, recent
sanctions), writing a note with its sources, rating a note, and what each refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.core.models import AuditEntry
from vcnet.moderation.models import (
    Action,
    ActionKind,
    ContextNote,
    NoteRating,
    NoteStatus,
)
from vcnet.moderation.services.notes import (
    HelpfulTag,
    UnhelpfulTag,
    note_create,
    note_eligibility,
    note_rate,
)
from vcnet.moderation.tests.conftest_mod import Mod
from vcnet.social.models import Actor, Post, PostState

pytestmark = pytest.mark.django_db

NOTE_TEXT = "Bộ Công Thương chưa công bố chính sách xăng miễn phí; giá xăng vẫn điều hành theo kỳ."
SOURCE = "https://moit.gov.vn/tin-tuc/gia-xang-dau-ky-dieu-hanh.html"


def seasoned(user: User, *, days: int = 10) -> User:
    """Make `user` a contributor: an account `days` old with a verified e-mail address."""
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - dt.timedelta(days=days))
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    user.refresh_from_db()
    return user


def write(user: User, post: Post, **extra: object) -> ContextNote:
    """A note by `user` on `post` with one good source."""
    kwargs: dict[str, object] = {
        "text": NOTE_TEXT,
        "sources": [SOURCE],
        "classification": "misleading",
        **extra,
    }
    return note_create(user=user, post_id=post.pk, **kwargs)  # type: ignore[arg-type]


def sanction(user: User, kind: str, *, days_ago: int = 3, reversed_: bool = False) -> Action:
    """A moderator's action on `user`'s content `days_ago` days ago."""
    now = timezone.now()
    return Action.objects.create(
        target_kind="post",
        target_key="post:1",
        subject_user=user,
        kind=kind,
        reason="Đăng thông tin sai sự thật nhiều lần.",
        created_at=now - dt.timedelta(days=days_ago),
        reversed_at=now if reversed_ else None,
    )


# --- Eligibility -----------------------------------------------------------------------------
def test_a_week_old_account_with_a_verified_address_may_contribute(mod: Mod) -> None:
    assert note_eligibility(seasoned(mod.reporter)) == (True, "")


def test_a_six_day_old_account_is_refused(mod: Mod) -> None:
    user = seasoned(mod.reporter, days=6)

    allowed, reason = note_eligibility(user)

    assert not allowed
    assert "7 days old" in reason
    with pytest.raises(PermissionDeniedError, match="7 days old"):
        write(user, mod.post)


def test_an_account_just_over_seven_days_old_is_accepted(mod: Mod) -> None:
    user = mod.reporter
    User.objects.filter(pk=user.pk).update(
        date_joined=timezone.now() - dt.timedelta(days=7, minutes=1)
    )
    user.refresh_from_db()

    assert note_eligibility(user)[0]


def test_an_unverified_address_is_refused(mod: Mod) -> None:
    user = seasoned(mod.reporter)
    EmailAddress.objects.filter(user=user).update(verified=False)

    allowed, reason = note_eligibility(user)

    assert not allowed
    assert "Verify your e-mail address" in reason
    note = write(seasoned(mod.reporter2), mod.post)
    EmailAddress.objects.filter(user=user).update(verified=False)
    with pytest.raises(PermissionDeniedError, match="Verify your e-mail"):
        note_rate(user=user, note_id=note.pk, helpfulness="helpful")


def test_a_verified_old_address_does_not_count_for_a_new_one(mod: Mod) -> None:
    user = seasoned(mod.reporter)
    User.objects.filter(pk=user.pk).update(email="hoa.moi@congdan.vn")
    EmailAddress.objects.create(user=user, email="hoa.moi@congdan.vn", verified=False)
    user.refresh_from_db()

    assert not note_eligibility(user)[0]


def test_an_account_made_by_an_administrator_counts_as_verified(mod: Mod) -> None:
    user = seasoned(mod.reporter)
    EmailAddress.objects.filter(user=user).delete()  # never signed up by itself

    assert note_eligibility(user)[0]


def test_an_account_without_an_address_is_refused(mod: Mod) -> None:
    user = seasoned(mod.reporter)
    EmailAddress.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(email="", phone="+84912000111")
    user.refresh_from_db()

    assert not note_eligibility(user)[0]


@pytest.mark.parametrize("kind", [ActionKind.WARN, ActionKind.SUSPEND, ActionKind.BAN])
def test_a_recent_sanction_is_refused(mod: Mod, kind: str) -> None:
    user = seasoned(mod.reporter)
    sanction(user, kind, days_ago=29)

    allowed, reason = note_eligibility(user)

    assert not allowed
    assert "last 30 days" in reason


def test_old_reversed_or_lighter_actions_do_not_count(mod: Mod) -> None:
    user = seasoned(mod.reporter)
    sanction(user, ActionKind.WARN, days_ago=31)
    sanction(user, ActionKind.SUSPEND, days_ago=2, reversed_=True)
    sanction(user, ActionKind.LABEL, days_ago=1)
    sanction(user, ActionKind.REMOVE, days_ago=1)

    assert note_eligibility(user)[0]


def test_a_suspended_or_banned_account_is_refused(mod: Mod) -> None:
    user = seasoned(mod.reporter)
    actor = Actor.objects.get(user=user)
    actor.suspended_until = timezone.now() + dt.timedelta(days=3)
    actor.sanction_reason = "Spam lặp lại"
    actor.save()

    allowed, reason = note_eligibility(user)
    assert not allowed
    assert "suspended" in reason and "Spam lặp lại" in reason

    actor.suspended_until = timezone.now() - dt.timedelta(minutes=1)
    actor.save()
    assert note_eligibility(user)[0]

    actor.banned_at = timezone.now()
    actor.save()
    assert "banned" in note_eligibility(user)[1]


def test_nobody_signed_in_is_refused() -> None:
    from django.contrib.auth.models import AnonymousUser

    allowed, reason = note_eligibility(AnonymousUser())  # type: ignore[arg-type]
    assert not allowed
    assert "Sign in" in reason
    assert note_eligibility(None) == (False, reason)


# --- Writing -------------------------------------------------------------------------------
def test_a_contributor_writes_a_note_with_sources(mod: Mod) -> None:
    user = seasoned(mod.reporter)

    note = write(
        user,
        mod.post,
        text="Xem **thông cáo** của Bộ: <script>alert(1)</script>",
        sources=[f"  {SOURCE}  ", "", "http://www.baochinhphu.vn/gia-xang.htm", SOURCE],
    )

    assert note.status == NoteStatus.NEEDS_MORE_RATINGS
    assert note.post_id == mod.post.pk
    assert "<strong>thông cáo</strong>" in note.html
    assert "<script>" not in note.html
    assert note.sources == [
        {"url": SOURCE, "title": "moit.gov.vn"},
        {"url": "http://www.baochinhphu.vn/gia-xang.htm", "title": "baochinhphu.vn"},
    ]
    entry = AuditEntry.objects.filter(action="moderation.note_create").get()
    assert entry.actor_id == user.pk


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ([], "at least one source"),
        (["", "   "], "at least one source"),
        (["javascript:alert(1)"], "is not a web address"),
        (["ftp://moit.gov.vn/gia.pdf"], "is not a web address"),
        (["moit.gov.vn/gia-xang"], "is not a web address"),
        ([f"https://moit.gov.vn/{i}" for i in range(6)], "at most 5 sources"),
        (["https://moit.gov.vn/" + "a" * 600], "at most 500 characters"),
    ],
)
def test_sources_are_checked(mod: Mod, sources: list[str], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        write(seasoned(mod.reporter), mod.post, sources=sources)
    assert not ContextNote.objects.exists()


def test_text_and_classification_are_checked(mod: Mod) -> None:
    user = seasoned(mod.reporter)
    with pytest.raises(DomainError, match="Write the note"):
        write(user, mod.post, text="   ")
    with pytest.raises(DomainError, match="at most 1000 characters"):
        write(user, mod.post, text="Ngữ cảnh " * 200)
    with pytest.raises(DomainError, match="misleading or not"):
        write(user, mod.post, classification="sai")
    assert not ContextNote.objects.exists()


def test_nobody_writes_a_note_on_their_own_post(mod: Mod) -> None:
    with pytest.raises(PermissionDeniedError, match="your own post"):
        write(seasoned(mod.author), mod.post)
    # A page's editor: the page's post is theirs too.
    with pytest.raises(PermissionDeniedError, match="your own post"):
        write(seasoned(mod.page_editor), mod.unit_post)


def test_one_note_per_person_and_post(mod: Mod) -> None:
    user = seasoned(mod.reporter)
    write(user, mod.post)

    with pytest.raises(Conflict, match="already written"):
        write(user, mod.post, text="Một ghi chú khác.")
    assert ContextNote.objects.count() == 1
    write(user, mod.group_post)  # another post: fine


def test_a_post_one_cannot_see_does_not_exist(mod: Mod) -> None:
    Post.objects.filter(pk=mod.post.pk).update(state=PostState.HELD)

    with pytest.raises(NotFound):
        write(seasoned(mod.reporter), mod.post)
    with pytest.raises(NotFound):
        note_create(
            user=seasoned(mod.reporter2),
            post_id=999_999,
            text=NOTE_TEXT,
            sources=[SOURCE],
            classification="misleading",
        )


# --- Rating --------------------------------------------------------------------------------
def test_rating_a_note_and_changing_the_rating(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    rater = seasoned(mod.reporter2)

    first = note_rate(
        user=rater,
        note_id=note.pk,
        helpfulness="helpful",
        tags=[HelpfulTag.GOOD_SOURCES, HelpfulTag.NEUTRAL, HelpfulTag.NEUTRAL],
    )
    again = note_rate(
        user=rater, note_id=note.pk, helpfulness="not_helpful", tags=[UnhelpfulTag.OPINION]
    )

    assert first.pk == again.pk
    rating = NoteRating.objects.get()
    assert rating.helpfulness == "not_helpful"
    assert rating.tags == ["opinion"]
    assert AuditEntry.objects.filter(action="moderation.note_rate").count() == 2


def test_somewhat_helpful_takes_either_tag(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)

    rating = note_rate(
        user=seasoned(mod.reporter2),
        note_id=note.pk,
        helpfulness="somewhat",
        tags=["easy_to_understand", "sources_missing"],
    )

    assert rating.tags == ["easy_to_understand", "sources_missing"]


def test_rating_refusals(mod: Mod) -> None:
    author = seasoned(mod.reporter)
    note = write(author, mod.post)
    rater = seasoned(mod.reporter2)

    with pytest.raises(PermissionDeniedError, match="your own note"):
        note_rate(user=author, note_id=note.pk, helpfulness="helpful")
    with pytest.raises(DomainError, match="helpful, somewhat helpful or not helpful"):
        note_rate(user=rater, note_id=note.pk, helpfulness="tuyệt vời")
    with pytest.raises(DomainError, match="does not fit"):
        note_rate(user=rater, note_id=note.pk, helpfulness="helpful", tags=["opinion"])
    with pytest.raises(DomainError, match="Unknown tag"):
        note_rate(user=rater, note_id=note.pk, helpfulness="helpful", tags=["hay quá"])
    with pytest.raises(PermissionDeniedError, match="7 days old"):
        note_rate(user=seasoned(mod.site_mod, days=2), note_id=note.pk, helpfulness="helpful")
    assert not NoteRating.objects.exists()


def test_a_note_on_a_post_one_cannot_see_cannot_be_rated(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    Post.objects.filter(pk=mod.post.pk).update(state=PostState.REMOVED)

    with pytest.raises(NotFound):
        note_rate(user=seasoned(mod.reporter2), note_id=note.pk, helpfulness="helpful")
    with pytest.raises(NotFound):
        note_rate(user=seasoned(mod.reporter2), note_id=999_999, helpfulness="helpful")
