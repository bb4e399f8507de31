"""The JSON API's second version, /api/v2/: Mastodon's v2 endpoints (search, media, instance)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern

from vcnet.api import VcnetAPI, install_error_handlers
from vcnet.core.api_auth import AnonThrottle, UserThrottle, api_auth
from vcnet.social.api.router import router_v2


class MastodonV2API(VcnetAPI):
    """/api/v2/ belongs to the social app: its views say so in `__module__` (checked by a test)."""

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern) and pattern.callback.__module__.startswith("ninja"):
                pattern.callback.__module__ = __name__
        return patterns, app_name, namespace


api_v2 = MastodonV2API(
    title="VCNET API v2",
    version="2",
    description="Mastodon's v2 client endpoints (search, media, instance, filters).",
    urls_namespace="api-v2",
    auth=api_auth,
    throttle=[AnonThrottle(), UserThrottle()],
)
install_error_handlers(api_v2)
api_v2.add_router("", router_v2)
