"""Context notes pages through HTTP, as people use them: reading a post's notes, writing one,
rating with and without htmx, the list of notes needing ratings, and what others cannot see."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vcnet.moderation.models import ContextNote, NoteRating, NoteStatus
from vcnet.moderation.tests.conftest_mod import Mod, browser, citizen_user
from vcnet.moderation.tests.test_notes_services import NOTE_TEXT, SOURCE, seasoned, write
from vcnet.social.models import Post, PostState
from vcnet.social.services.moderation import post_context_note_set

pytestmark = pytest.mark.django_db


def page_url(post: Post) -> str:
    return reverse("moderation:notes_post", args=[post.pk])


def rate_url(note: ContextNote) -> str:
    return reverse("moderation:note_rate", args=[note.pk])


def html(response: Any) -> str:
    return str(response.content.decode())


def test_anyone_who_sees_the_post_reads_its_notes(mod: Mod) -> None:
    write(seasoned(mod.reporter), mod.post)

    response = browser().get(page_url(mod.post))

    assert response.status_code == 200
    body = html(response)
    assert "Bộ Công Thương chưa công bố" in body
    assert "Needs more ratings" in body
    assert "Agreement from one side alone is not enough" in body
    assert "moit.gov.vn" in body
    assert "Sign in to write a context note." in body
    assert "Lê Văn Tám" in body  # the post itself is on the page
    assert "Trần Thị Hoa" not in body  # notes do not name their authors


def test_a_contributor_writes_a_note_through_the_form(mod: Mod) -> None:
    client = browser(seasoned(mod.reporter))
    assert 'name="sources"' in html(client.get(page_url(mod.post)))

    response = client.post(
        page_url(mod.post),
        {
            "classification": "misleading",
            "text": NOTE_TEXT,
            "sources": f"{SOURCE}\r\nhttps://baochinhphu.vn/gia-xang.htm\r\n",
        },
        follow=True,
    )

    note = ContextNote.objects.get()
    assert response.redirect_chain[-1][0] == f"{page_url(mod.post)}#note-{note.pk}"
    assert note.author == mod.reporter
    assert [s["url"] for s in note.sources] == [SOURCE, "https://baochinhphu.vn/gia-xang.htm"]
    body = html(response)
    assert "Thank you: your note was saved." in body
    assert "Your note" in body
    assert "You have written a note on this post." in body


def test_bad_sources_are_explained_and_nothing_is_saved(mod: Mod) -> None:
    client = browser(seasoned(mod.reporter))

    response = client.post(
        page_url(mod.post),
        {"classification": "misleading", "text": NOTE_TEXT, "sources": "javascript:alert(1)"},
    )

    assert response.status_code == 400
    assert "is not a web address" in html(response)
    assert NOTE_TEXT in html(response)  # what was typed is kept
    missing = client.post(page_url(mod.post), {"classification": "misleading", "text": NOTE_TEXT})
    assert missing.status_code == 400
    assert "This field is required." in html(missing)
    assert not ContextNote.objects.exists()


def test_a_new_account_is_told_why_it_cannot_write(mod: Mod) -> None:
    client = browser(seasoned(mod.reporter, days=6))

    body = html(client.get(page_url(mod.post)))
    assert "once they are 7 days old" in body
    assert 'name="sources"' not in body

    response = client.post(
        page_url(mod.post),
        {"classification": "misleading", "text": NOTE_TEXT, "sources": SOURCE},
    )
    assert response.status_code == 403
    assert not ContextNote.objects.exists()


def test_the_author_cannot_add_a_note_to_their_own_post(mod: Mod) -> None:
    client = browser(seasoned(mod.author))

    body = html(client.get(page_url(mod.post)))
    assert "This is your post" in body

    response = client.post(
        page_url(mod.post),
        {"classification": "misleading", "text": NOTE_TEXT, "sources": SOURCE},
    )
    assert response.status_code == 403
    assert "your own post" in html(response)


def test_a_post_one_cannot_see_answers_404(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    Post.objects.filter(pk=mod.post.pk).update(state=PostState.HELD)
    other = browser(seasoned(mod.reporter2))

    assert other.get(page_url(mod.post)).status_code == 404
    assert browser().get(page_url(mod.post)).status_code == 404
    posted = other.post(
        page_url(mod.post), {"classification": "misleading", "text": NOTE_TEXT, "sources": SOURCE}
    )
    assert posted.status_code == 404
    assert other.post(rate_url(note), {"helpfulness": "helpful"}).status_code == 404
    assert not NoteRating.objects.exists()
    # The author of the held post still sees it, and its notes.
    assert browser(mod.author).get(page_url(mod.post)).status_code == 200


def test_rating_without_javascript(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    client = browser(seasoned(mod.reporter2))

    response = client.post(
        rate_url(note),
        {"helpfulness": "helpful", "tags": ["good_sources", "neutral"], "next": page_url(mod.post)},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == page_url(mod.post)
    assert "Thank you: your rating was saved." in html(response)
    assert "You rated it “Helpful”" in html(response)
    rating = NoteRating.objects.get()
    assert (rating.rater, rating.helpfulness, rating.tags) == (
        mod.reporter2,
        "helpful",
        ["good_sources", "neutral"],
    )


def test_rating_errors_are_shown(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    client = browser(seasoned(mod.reporter2))

    response = client.post(
        rate_url(note), {"helpfulness": "helpful", "tags": ["opinion"]}, follow=True
    )
    assert "does not fit the rating" in html(response)
    nothing = client.post(rate_url(note), {}, follow=True)
    assert "Pick one of the rating buttons" in html(nothing)
    own = browser(mod.reporter).post(rate_url(note), {"helpfulness": "helpful"}, follow=True)
    assert "You cannot rate your own note." in html(own)
    assert not NoteRating.objects.exists()


def test_rating_with_htmx_swaps_the_note(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    client = browser(seasoned(mod.reporter2))

    response = client.post(
        rate_url(note),
        {"helpfulness": "somewhat", "tags": ["easy_to_understand"]},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    body = html(response)
    assert body.lstrip().startswith(f'<article class="card stack sp-note-card" id="note-{note.pk}"')
    assert "Thank you: your rating was saved." in body
    assert "1 rating so far" in body
    assert 'value="easy_to_understand" checked' in body


def test_signing_in_is_needed_to_rate(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)

    response = browser().post(rate_url(note), {"helpfulness": "helpful"})

    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]
    assert browser(mod.reporter2).get(rate_url(note)).status_code == 405


def test_the_shown_note_is_marked_and_explained(mod: Mod) -> None:
    note = write(seasoned(mod.reporter), mod.post)
    ContextNote.objects.filter(pk=note.pk).update(status=NoteStatus.HELPFUL)
    post_context_note_set(
        post_id=mod.post.pk,
        note={"id": note.pk, "html": note.html, "sources": note.sources, "url": page_url(mod.post)},
    )

    body = html(browser(mod.reporter2).get(page_url(mod.post)))

    assert "Rated helpful" in body
    assert "Shown under the post" in body


def test_notes_needing_ratings_for_contributors(mod: Mod) -> None:
    rater = seasoned(mod.reporter2)
    waiting = write(seasoned(mod.reporter), mod.post)
    rated = write(seasoned(mod.site_mod), mod.group_post)
    NoteRating.objects.create(note=rated, rater=rater, helpfulness="helpful")
    mine = write(rater, mod.unit_post, text="Lịch tiếp công dân đã đổi sang thứ Năm.")
    done = write(seasoned(mod.other_mod), mod.unit_post)
    ContextNote.objects.filter(pk=done.pk).update(status=NoteStatus.HELPFUL)

    response = browser(rater).get(reverse("moderation:notes_needing"))

    assert response.status_code == 200
    body = html(response)
    assert f'id="note-{waiting.pk}"' in body
    assert "On a post by Lê Văn Tám" in body
    for absent in (rated, mine, done):
        assert f'id="note-{absent.pk}"' not in body
    assert browser().get(reverse("moderation:notes_needing")).status_code == 302


def test_notes_needing_tells_new_accounts_why_they_cannot_rate(mod: Mod) -> None:
    write(seasoned(mod.reporter), mod.post)
    newcomer = citizen_user("Ngô Thị Mai", "mai@congdan.vn")

    body = html(browser(newcomer).get(reverse("moderation:notes_needing")))

    assert "You cannot rate notes yet:" in body
    assert 'name="helpfulness"' not in body


def test_the_notes_page_runs_a_fixed_number_of_queries(mod: Mod) -> None:
    viewer = seasoned(mod.reporter2)
    writers = [seasoned(citizen_user(f"Người viết {i}", f"viet{i}@congdan.vn")) for i in range(6)]
    write(writers[0], mod.post)
    client = browser(viewer)
    client.get(page_url(mod.post))  # warm the session and caches

    with CaptureQueriesContext(connection) as one:
        assert client.get(page_url(mod.post)).status_code == 200
    for writer in writers[1:]:
        write(writer, mod.post)
    with CaptureQueriesContext(connection) as six:
        assert client.get(page_url(mod.post)).status_code == 200

    assert len(six) == len(one)
