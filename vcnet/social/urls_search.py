"""URLs of the social network: search pages."""

from django.urls import URLPattern, URLResolver, path

from vcnet.social.views import search

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", search.search, name="search"),
]
