"""Three fictional news sites served by VCNET itself, so the demo can fetch real feeds offline.

`data/demo_news/` holds the feeds and their article pages with links on the placeholder host
`http://NEWS_HOST/`; they are rewritten to this view's own address, so a feed source pointed at
`<site>/opinion/demo-news/tin-tuc-thu-do.rss` reads articles from the same place. Off unless
`OPINION_DEMO_NEWS` (default: DEBUG). Only names of the demo's shape are served: nothing else
on disk can be reached through this view.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo_news"
PLACEHOLDER = "http://NEWS_HOST/"
_FEED = re.compile(r"^[a-z0-9-]+\.(rss|atom)$")
_ARTICLE = re.compile(r"^([a-z0-9-]+)/([a-z0-9-]+)\.html$")
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def enabled() -> bool:
    return bool(getattr(settings, "OPINION_DEMO_NEWS", settings.DEBUG))


def demo_file(path: str) -> tuple[Path, str] | None:
    """The file behind a demo address and its content type, or None."""
    if _FEED.match(path):
        file = DEMO_DIR / path
        kind = path.rsplit(".", 1)[1]
    elif match := _ARTICLE.match(path):
        file = DEMO_DIR / "articles" / match[1] / f"{match[2]}.html"
        kind = "html"
    else:
        return None
    if not file.resolve().is_relative_to(DEMO_DIR) or not file.is_file():
        return None
    return file, CONTENT_TYPES[kind]


def base_path() -> str:
    """Where the demo news site is mounted, ending in a slash (e.g. /opinion/demo-news/)."""
    try:
        return reverse("opinion:demo_news", args=[""])
    except NoReverseMatch:  # a <path:...> converter needs one character at least
        return reverse("opinion:demo_news", args=["x"])[:-1]


def _base_url(request: HttpRequest) -> str:
    """This view's own absolute address, ending in a slash."""
    return request.build_absolute_uri(base_path())


@require_safe
def demo_news(request: HttpRequest, path: str) -> HttpResponse:
    """A demo feed or article page, with links pointing back at this server."""
    if not enabled():
        raise Http404
    found = demo_file(path)
    if found is None:
        raise Http404
    file, content_type = found
    body = file.read_text(encoding="utf-8").replace(PLACEHOLDER, _base_url(request)).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    last_modified = int(file.stat().st_mtime)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    response = not_modified or HttpResponse(body, content_type=content_type)
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
