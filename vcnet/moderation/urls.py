"""Moderation's pages under /moderation/; each part brings its own `urls_<part>.py`."""

from django.urls import URLPattern, URLResolver

from vcnet.moderation import (
    urls_clarifications,
    urls_notes,
    urls_rules,
    urls_transparency,
    urls_web,
)

app_name = "moderation"

urlpatterns: list[URLPattern | URLResolver] = [
    *urls_web.urlpatterns,
    *urls_rules.urlpatterns,
    *urls_notes.urlpatterns,
    *urls_clarifications.urlpatterns,
    *urls_transparency.urlpatterns,
]
