"""Moderation pages: official clarifications (public list and page, the forms of page editors)."""

from django.urls import URLPattern, URLResolver, path

from vcnet.moderation import views_clarifications as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("clarifications/", views.clarifications, name="clarifications"),
    path("clarifications/new/", views.clarification_new, name="clarification_new"),
    path("clarifications/<slug:slug>/", views.clarification, name="clarification"),
    path("clarifications/<slug:slug>/edit/", views.clarification_edit, name="clarification_edit"),
    path(
        "clarifications/<slug:slug>/document/",
        views.clarification_document,
        name="clarification_document",
    ),
    path("clarifications/<slug:slug>/posts/", views.clarification_link, name="clarification_link"),
    path(
        "clarifications/<slug:slug>/posts/<int:post_id>/remove/",
        views.clarification_unlink,
        name="clarification_unlink",
    ),
    path(
        "clarifications/<slug:slug>/delete/",
        views.clarification_delete,
        name="clarification_delete",
    ),
]
