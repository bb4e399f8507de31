"""The social network's pages under /social/; each part brings its own `urls_<part>.py`."""

from django.urls import URLPattern, URLResolver

from vcnet.social import urls_groups, urls_search, urls_web

app_name = "social"

urlpatterns: list[URLPattern | URLResolver] = [
    *urls_web.urlpatterns,
    *urls_groups.urlpatterns,
    *urls_search.urlpatterns,
]
