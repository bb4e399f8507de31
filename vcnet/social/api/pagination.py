"""Mastodon's list pagination: `max_id`/`since_id`/`min_id`/`limit` in, a Link header out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse

from vcnet.social.api.params import as_int

R = TypeVar("R", bound=HttpResponse)

DEFAULT_LIMIT = 20
MAX_LIMIT = 40


@dataclass(frozen=True)
class PageParams:
    """The cursor a client asked for."""

    max_id: int | None
    since_id: int | None
    min_id: int | None
    limit: int


def page_params(
    request: HttpRequest, *, default: int = DEFAULT_LIMIT, most: int = MAX_LIMIT
) -> PageParams:
    """Read `max_id`, `since_id`, `min_id` and `limit` (clamped to 1..`most`) from the query."""
    get = request.GET
    limit = as_int(get.get("limit"), default=default) or default
    return PageParams(
        max_id=as_int(get.get("max_id")),
        since_id=as_int(get.get("since_id")),
        min_id=as_int(get.get("min_id")),
        limit=max(1, min(limit, most)),
    )


def _link(request: HttpRequest, **cursor: Any) -> str:
    params = {k: v for k, v in request.GET.items() if k not in {"max_id", "since_id", "min_id"}}
    params.update({k: str(v) for k, v in cursor.items()})
    return request.build_absolute_uri(request.path) + "?" + urlencode(params)


def paged_response(
    request: HttpRequest, items: list[Any], *, next_max_id: int | None, prev_min_id: int | None
) -> JsonResponse:
    """A JSON list with Mastodon's `Link: <...>; rel="next", <...>; rel="prev"` header."""
    response = JsonResponse(items, safe=False, json_dumps_params={"ensure_ascii": False})
    return _with_links(request, response, next_max_id=next_max_id, prev_min_id=prev_min_id)


def paged_json(
    request: HttpRequest,
    body: bytes,
    *,
    next_max_id: int | None,
    prev_min_id: int | None,
    gzipped: bytes | None = None,
) -> HttpResponse:
    """`paged_response` for a list already encoded as JSON (and maybe already compressed: sent
    so to a client that accepts gzip)."""
    if gzipped and "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(gzipped, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type="application/json")
    if gzipped:
        response["Vary"] = "Accept-Encoding"
    return _with_links(request, response, next_max_id=next_max_id, prev_min_id=prev_min_id)


def _with_links(
    request: HttpRequest, response: R, *, next_max_id: int | None, prev_min_id: int | None
) -> R:
    links = []
    if next_max_id is not None:
        links.append(f'<{_link(request, max_id=next_max_id)}>; rel="next"')
    if prev_min_id is not None:
        links.append(f'<{_link(request, min_id=prev_min_id)}>; rel="prev"')
    if links:
        response["Link"] = ", ".join(links)
    return response


def slice_by_id(
    rows: list[Any], page: PageParams, *, key: str = "pk"
) -> tuple[list[Any], int | None, int | None]:
    """Cursors for an already-limited, newest-first list: (rows, next max_id, prev min_id)."""
    if not rows:
        return rows, None, None
    first, last = getattr(rows[0], key), getattr(rows[-1], key)
    return rows, (last if len(rows) >= page.limit else None), first


def queryset_page(qs: Any, page: PageParams, *, field: str = "id") -> list[Any]:
    """Newest-first rows of `qs` within the cursor (ids grow with time)."""
    if page.max_id is not None:
        qs = qs.filter(**{f"{field}__lt": page.max_id})
    if page.since_id is not None:
        qs = qs.filter(**{f"{field}__gt": page.since_id})
    if page.min_id is not None:
        rows = list(qs.filter(**{f"{field}__gt": page.min_id}).order_by(field)[: page.limit])
        return rows[::-1]
    return list(qs.order_by(f"-{field}")[: page.limit])
