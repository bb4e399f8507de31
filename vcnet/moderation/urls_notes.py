"""Moderation pages: context notes (a post's notes, rating a note, the notes needing ratings)."""

from django.urls import URLPattern, URLResolver, path

from vcnet.moderation import views_notes

urlpatterns: list[URLPattern | URLResolver] = [
    path("notes/", views_notes.notes_needing, name="notes_needing"),
    path("notes/post/<int:post_id>/", views_notes.notes_post, name="notes_post"),
    path("notes/<int:note_id>/rate/", views_notes.note_rate, name="note_rate"),
]
