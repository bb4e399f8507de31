"""Search (`GET /api/v2/search`): accounts, statuses and hashtags the caller may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from vcnet.social.api import serializers as s
from vcnet.social.api.common import OPTIONAL_AUTH, viewer
from vcnet.social.api.params import as_int
from vcnet.social.api.router import router_v2

TYPES = {"accounts": "accounts", "statuses": "posts", "hashtags": "hashtags"}


@router_v2.get("/search", auth=OPTIONAL_AUTH, summary="Search (Mastodon v2; diacritics ignored)")
def search_v2(request: HttpRequest) -> dict[str, Any]:
    from vcnet.social.search import social_search

    user = viewer(request)
    q = str(request.GET.get("q", "")).strip()
    wanted = request.GET.get("type") or None
    limit = max(1, min(as_int(request.GET.get("limit"), default=20) or 20, 40))
    offset = max(0, as_int(request.GET.get("offset"), default=0) or 0)
    author = as_int(request.GET.get("account_id"))
    empty: dict[str, Any] = {"accounts": [], "statuses": [], "hashtags": []}
    if not q or (wanted is not None and wanted not in TYPES):
        return empty
    found = social_search(
        user,
        q,
        type=TYPES[wanted] if wanted else None,
        author_id=author,
        limit=limit,
        offset=offset,
    )
    return {
        "accounts": [s.account(request, a) for a in found.accounts],
        "statuses": s.statuses(request, user, found.posts),
        "hashtags": [s.tag(request, h) for h in found.hashtags],
        "vcnet": {
            "groups": [
                {"id": str(g.pk), "slug": g.slug, "name": g.name, "kind": g.kind}
                for g in found.groups
            ]
        },
    }
