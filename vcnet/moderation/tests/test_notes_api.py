"""The context notes API as a phone would use it: eligibility, writing a note, a post's notes,
one note, rating it (and rating again), with problem+json errors for each refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from vcnet.accounts.models import User
from vcnet.moderation.models import ContextNote, NoteRating
from vcnet.moderation.tests.conftest_mod import Mod
from vcnet.moderation.tests.test_notes_services import NOTE_TEXT, SOURCE, seasoned, write
from vcnet.social.models import Post, PostState

pytestmark = pytest.mark.django_db

API = "/api/v1/moderation/notes"
PROBLEM = "application/problem+json"


def as_user(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def send(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def new_note(post: Post, **extra: Any) -> dict[str, Any]:
    return {
        "post_id": post.pk,
        "text": NOTE_TEXT,
        "sources": [SOURCE],
        "classification": "misleading",
        **extra,
    }


def test_eligibility_says_why_not(mod: Mod) -> None:
    assert as_user(seasoned(mod.reporter)).get(f"{API}/eligibility").json() == {
        "eligible": True,
        "reason": "",
    }
    body = as_user(seasoned(mod.reporter2, days=6)).get(f"{API}/eligibility").json()
    assert body["eligible"] is False
    assert "7 days old" in body["reason"]


def test_write_then_read_a_note(mod: Mod) -> None:
    client = as_user(seasoned(mod.reporter))

    created = send(client, API, new_note(mod.post, text="Xem **thông cáo** chính thức."))

    assert created.status_code == 201, created.content
    note = created.json()
    assert note["post_id"] == mod.post.pk
    assert note["status"] == "needs_more_ratings"
    assert note["status_label"] == "Needs more ratings"
    assert "Agreement from one side alone is not enough" in note["status_explanation"]
    assert "<strong>thông cáo</strong>" in note["html"]
    assert note["sources"] == [{"url": SOURCE, "title": "moit.gov.vn"}]
    assert note["mine"] is True
    assert note["can_rate"] is False
    assert note["ratings_count"] == 0
    assert note["url"] == f"/moderation/notes/post/{mod.post.pk}/#note-{note['id']}"
    assert "author" not in note

    listed = as_user(seasoned(mod.reporter2)).get(API, {"post_id": mod.post.pk}).json()
    assert [n["id"] for n in listed] == [note["id"]]
    assert listed[0]["mine"] is False and listed[0]["can_rate"] is True
    one = as_user(mod.reporter2).get(f"{API}/{note['id']}").json()
    assert one["text"] == "Xem **thông cáo** chính thức."


def test_writing_refusals(mod: Mod) -> None:
    contributor = as_user(seasoned(mod.reporter))

    problem(send(as_user(seasoned(mod.reporter2, days=6)), API, new_note(mod.post)), 403)
    problem(send(as_user(seasoned(mod.author)), API, new_note(mod.post)), 403)
    assert (
        "at least one source"
        in problem(send(contributor, API, new_note(mod.post, sources=[])), 400)["detail"]
    )
    assert (
        "is not a web address"
        in problem(
            send(contributor, API, new_note(mod.post, sources=["javascript:alert(1)"])), 400
        )["detail"]
    )
    problem(send(contributor, API, new_note(mod.post, sources=[SOURCE] * 6)), 422)
    problem(send(contributor, API, new_note(mod.post, classification="sai")), 422)
    assert send(contributor, API, new_note(mod.post)).status_code == 201
    problem(send(contributor, API, new_note(mod.post)), 409)
    assert ContextNote.objects.count() == 1


def test_a_post_one_cannot_see_answers_404(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    Post.objects.filter(pk=mod.post.pk).update(state=PostState.HELD)
    other = as_user(seasoned(mod.reporter2))

    problem(other.get(API, {"post_id": mod.post.pk}), 404)
    problem(other.get(f"{API}/{note.pk}"), 404)
    problem(send(other, API, new_note(mod.post)), 404)
    problem(send(other, f"{API}/{note.pk}/ratings", {"helpfulness": "helpful"}), 404)
    assert not NoteRating.objects.exists()


def test_rating_and_rating_again(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    rater = as_user(seasoned(mod.reporter2))

    first = send(
        rater, f"{API}/{note.pk}/ratings", {"helpfulness": "helpful", "tags": ["good_sources"]}
    )
    assert first.status_code == 201, first.content
    assert first.json()["my_rating"] == "helpful"
    assert first.json()["my_tags"] == ["good_sources"]
    assert first.json()["ratings_count"] == 1

    again = send(rater, f"{API}/{note.pk}/ratings", {"helpfulness": "not_helpful"})
    assert again.status_code == 200
    assert again.json()["my_rating"] == "not_helpful"
    assert again.json()["ratings_count"] == 1
    assert NoteRating.objects.get().helpfulness == "not_helpful"


def test_rating_refusals(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    url = f"{API}/{note.pk}/ratings"

    problem(send(as_user(mod.reporter), url, {"helpfulness": "helpful"}), 403)
    problem(send(as_user(seasoned(mod.site_mod, days=1)), url, {"helpfulness": "helpful"}), 403)
    rater = as_user(seasoned(mod.reporter2))
    problem(send(rater, url, {"helpfulness": "tuyệt vời"}), 422)
    assert (
        "does not fit"
        in problem(send(rater, url, {"helpfulness": "helpful", "tags": ["opinion"]}), 400)["detail"]
    )
    assert not NoteRating.objects.exists()


def test_without_a_post_the_list_is_the_notes_needing_my_ratings(mod: Mod) -> None:
    rater = seasoned(mod.reporter2)
    waiting = write(seasoned(mod.reporter), mod.post)
    rated = write(seasoned(mod.site_mod), mod.group_post)
    NoteRating.objects.create(note=rated, rater=rater, helpfulness="somewhat")

    body = as_user(rater).get(API).json()

    assert [n["id"] for n in body] == [waiting.pk]


def test_signing_in_is_required(mod: Mod) -> None:
    assert Client().get(API, {"post_id": mod.post.pk}).status_code == 401
