"""Moderation pages: the public monthly transparency report."""

from django.urls import URLPattern, URLResolver, path

from vcnet.moderation import views_transparency

urlpatterns: list[URLPattern | URLResolver] = [
    path("transparency/", views_transparency.transparency_index, name="transparency"),
    path(
        "transparency/<int:year>/<int:month>/",
        views_transparency.transparency_month,
        name="transparency_month",
    ),
]
