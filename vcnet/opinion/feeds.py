"""Reading news feeds (RSS/Atom): a polite conditional GET, then the text of each new article.

`fetch_source` never stores items: it returns drafts for `services.ingest` and records how the
fetch went on the source (status, conditional-GET validators, error and back-off), so the
administrators' page can say why a feed is silent. Network and content problems never raise:
they become the source's `last_error`, in words an administrator understands.

Politeness and safety: one User-Agent that names us, a timeout, a size cap while streaming
(feeds and article pages alike), only http/https, redirects followed by hand so every hop is
checked, no private network addresses unless `OPINION_FETCH_ALLOW_PRIVATE` (on with the demo
news), at most `OPINION_ARTICLES_PER_FETCH` article pages per fetch, and a back-off that doubles
with each consecutive error (and honours Retry-After) up to a day.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import ipaddress
import logging
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import requests
import trafilatura
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from vcnet.core.text import nfc
from vcnet.opinion.models import Item, ItemKind, Source, SourceKind, SourceStatus
from vcnet.opinion.types import ItemDraft

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=24)
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
EXTERNAL_ID_MAX = 300  # Item.external_id
TITLE_MAX = 500  # Item.title
URL_MAX = 1000  # Item.url
ERROR_MAX = 1000  # Source.last_error
# A date further ahead than this is a wrong clock at the news site; the item is dated `now`.
FUTURE_SLACK = timedelta(days=1)


def fetch_timeout() -> float:
    return float(getattr(settings, "OPINION_FETCH_TIMEOUT", 10))


def feed_max_bytes() -> int:
    return int(getattr(settings, "OPINION_FEED_MAX_BYTES", 5 * 1024 * 1024))


def page_max_bytes() -> int:
    return int(getattr(settings, "OPINION_PAGE_MAX_BYTES", 2 * 1024 * 1024))


def articles_per_fetch() -> int:
    return int(getattr(settings, "OPINION_ARTICLES_PER_FETCH", 30))


def allow_private() -> bool:
    """Whether addresses on this machine or a private network may be fetched (demo, tests)."""
    default = getattr(settings, "OPINION_DEMO_NEWS", settings.DEBUG)
    return bool(getattr(settings, "OPINION_FETCH_ALLOW_PRIVATE", default))


def user_agent() -> str:
    return f"VCNET opinion monitor (+{settings.SITE_URL})"


@dataclass
class FetchResult:
    """How one fetch of a feed went, and the drafts of the entries not stored yet."""

    status: str  # models.SourceStatus
    drafts: list[ItemDraft] = field(default_factory=list)
    error: str = ""
    not_modified: bool = False
    http_status: int | None = None


class FetchError(Exception):
    """A fetch that failed, with the message shown to administrators."""

    def __init__(self, message: str, *, http_status: int | None = None, retry_after: int = 0):
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.retry_after = retry_after


@dataclass
class _Response:
    status: int
    url: str
    headers: Any
    body: bytes = b""


def due_sources(now: datetime | None = None) -> QuerySet[Source]:
    """Active news feeds whose next fetch is due (never fetched ones first)."""
    now = now or timezone.now()
    return (
        Source.objects.filter(kind=SourceKind.FEED, active=True)
        .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
        .order_by("next_fetch_at", "id")
    )


def fetch_source(
    source: Source,
    *,
    now: datetime | None = None,
    session: requests.Session | None = None,
) -> FetchResult:
    """Fetch a feed, read its new entries' articles, and record the outcome on the source."""
    now = now or timezone.now()
    own_session = session is None
    http = session or requests.Session()
    try:
        result, retry_after = _fetch(source, http, now)
    finally:
        if own_session:
            http.close()
    _record(source, result, now=now, retry_after=retry_after)
    return result


def _fetch(source: Source, http: requests.Session, now: datetime) -> tuple[FetchResult, int]:
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    try:
        response = _get(http, source.url, headers=headers, max_bytes=feed_max_bytes(), feed=True)
    except FetchError as exc:
        result = FetchResult(status=SourceStatus.ERROR, error=exc.message)
        result.http_status = exc.http_status
        return result, exc.retry_after
    if response.status == 304:
        return FetchResult(status=SourceStatus.NOT_MODIFIED, not_modified=True, http_status=304), 0

    parsed = feedparser.parse(
        io.BytesIO(response.body),
        response_headers={
            "content-location": response.url,
            "content-type": response.headers.get("Content-Type", "application/xml"),
        },
    )
    entries = list(parsed.get("entries", []))
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = _parse_problem(parsed.get("bozo_exception"))
        return FetchResult(
            status=SourceStatus.ERROR,
            error=_("Not a feed: %(reason)s") % {"reason": reason},
            http_status=response.status,
        ), 0

    source.etag = response.headers.get("ETag", "")[:500]
    source.last_modified = response.headers.get("Last-Modified", "")[:100]
    drafts = _drafts(source, entries, http, now)
    return FetchResult(status=SourceStatus.OK, drafts=drafts, http_status=response.status), 0


def _parse_problem(exc: Exception | None) -> str:
    if exc is None:
        return _("no RSS or Atom content was found")
    if hasattr(exc, "getMessage") and hasattr(exc, "getLineNumber"):  # an XML syntax error
        return _("%(problem)s (line %(line)s)") % {
            "problem": exc.getMessage(),
            "line": exc.getLineNumber(),
        }
    return str(exc)


def _drafts(
    source: Source, entries: list[Any], http: requests.Session, now: datetime
) -> list[ItemDraft]:
    """Drafts of the entries not stored yet; the first few dozen get their article's text."""
    candidates: dict[str, Any] = {}
    for entry in entries:
        external_id = _external_id(entry)
        if external_id and external_id not in candidates:
            candidates[external_id] = entry
    stored = set(
        Item.objects.filter(source=source, external_id__in=list(candidates)).values_list(
            "external_id", flat=True
        )
    )
    drafts = []
    pages_left = articles_per_fetch()
    for external_id, entry in candidates.items():
        if external_id in stored:
            continue
        link = str(entry.get("link") or "")
        if not _is_web_address(link):
            link = ""
        text = ""
        if link and pages_left > 0:
            pages_left -= 1
            text = _article_text(http, link)
        text = text or _plain(str(entry.get("summary") or ""))
        title = _plain(str(entry.get("title") or ""))
        text = text or title
        if not text:
            continue
        drafts.append(
            ItemDraft(
                external_id=external_id,
                kind=ItemKind.ARTICLE,
                text=text,
                published_at=_published(entry, now),
                title=title[:TITLE_MAX],
                url=link if len(link) <= URL_MAX else "",
                province=source.province,
            )
        )
    return drafts


def _external_id(entry: Any) -> str:
    value = str(entry.get("link") or entry.get("id") or "").strip()
    if len(value) > EXTERNAL_ID_MAX:
        return "sha1:" + hashlib.sha1(value.encode()).hexdigest()  # noqa: S324 - an id, not a secret
    return value


def _published(entry: Any, now: datetime) -> datetime:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return now
    try:
        when = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return now if when > now + FUTURE_SLACK else when


def _plain(markup: str) -> str:
    """Text of an HTML fragment, on one line per paragraph, NFC."""
    text = html.unescape(strip_tags(markup))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return nfc("\n".join(line for line in lines if line))


def _article_text(http: requests.Session, url: str) -> str:
    """The body text of an article page, without navigation, sidebars and footer ("" if none)."""
    try:
        response = _get(http, url, headers={"Accept": "text/html"}, max_bytes=page_max_bytes())
    except FetchError as exc:
        log.info("article page %s: %s", url, exc.message)
        return ""
    if response.status != 200 or not response.body:
        return ""
    try:
        text = trafilatura.extract(
            response.body,
            url=response.url,
            favor_precision=True,
            include_comments=False,
            deduplicate=False,
        )
    except Exception:  # a parser bug on one odd page must not stop the feed
        log.warning("article page %s could not be read", url, exc_info=True)
        return ""
    return nfc(text.strip()) if text else ""


def _is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_address(url: str) -> None:
    """Refuse what is not http(s), and private network addresses unless allowed."""
    if not _is_web_address(url):
        raise FetchError(_("Only http and https addresses can be fetched."))
    if allow_private():
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(
            _("The feed could not be reached: %(reason)s")
            % {"reason": _("the site's name could not be resolved")}
        ) from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise FetchError(_("The address points to a private network; it is not fetched."))


def _get(
    http: requests.Session,
    url: str,
    *,
    headers: dict[str, str],
    max_bytes: int,
    feed: bool = False,
) -> _Response:
    """GET with redirects checked hop by hop, a deadline and a size cap; errors as FetchError."""
    timeout = fetch_timeout()
    deadline = time.monotonic() + timeout
    headers = {**headers, "User-Agent": user_agent()}
    for _hop in range(MAX_REDIRECTS + 1):
        _check_address(url)
        try:
            response = http.get(
                url, headers=headers, timeout=timeout, stream=True, allow_redirects=False
            )
        except requests.Timeout as exc:
            raise FetchError(
                _("The feed could not be reached: no answer within %(seconds)s seconds.")
                % {"seconds": f"{timeout:g}"}
            ) from exc
        except requests.RequestException as exc:
            raise FetchError(
                _("The feed could not be reached: %(reason)s") % {"reason": _reason(exc)}
            ) from exc
        with response:
            if response.is_redirect and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status_code == 304:
                return _Response(304, url, response.headers)
            if response.status_code >= 400:
                raise _http_error(response)
            body = _read_capped(response, max_bytes=max_bytes, deadline=deadline, feed=feed)
            return _Response(response.status_code, url, response.headers, body)
    raise FetchError(_("The feed could not be reached: too many redirects."))


def _read_capped(
    response: requests.Response, *, max_bytes: int, deadline: float, feed: bool
) -> bytes:
    too_large = FetchError(
        (
            _("The feed is larger than %(size)s MB")
            if feed
            else _("The page is larger than %(size)s MB")
        )
        % {"size": f"{max_bytes / (1024 * 1024):g}"}
    )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    try:
        for chunk in response.iter_content(CHUNK):
            body += chunk
            if len(body) > max_bytes:
                raise too_large
            if time.monotonic() > deadline:
                raise FetchError(
                    _("The feed could not be reached: no answer within %(seconds)s seconds.")
                    % {"seconds": f"{fetch_timeout():g}"}
                )
    except requests.RequestException as exc:
        raise FetchError(
            _("The feed could not be reached: %(reason)s") % {"reason": _reason(exc)}
        ) from exc
    return bytes(body)


def _http_error(response: requests.Response) -> FetchError:
    status = response.status_code
    if status in (429, 503):
        retry_after = _retry_after(response.headers.get("Retry-After", ""))
        if retry_after:
            return FetchError(
                _("The news site asked us to wait (HTTP %(status)s, retry after %(seconds)s s).")
                % {"status": status, "seconds": retry_after},
                http_status=status,
                retry_after=retry_after,
            )
    if status in (404, 410):
        message = _("The feed is not at this address any more (HTTP %(status)s).")
    elif status in (401, 403):
        message = _("The news site refuses access to the feed (HTTP %(status)s).")
    elif status < 500:
        message = _("The news site refused the request (HTTP %(status)s).")
    else:
        message = _("The news site has a server error (HTTP %(status)s).")
    return FetchError(message % {"status": status}, http_status=status)


def _retry_after(value: str) -> int:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); 0 if none."""
    value = value.strip()
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - timezone.now()).total_seconds()))


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.exceptions.SSLError):
        return _("the secure connection failed")
    if isinstance(exc, requests.ConnectionError):
        return _("the connection failed")
    return exc.__class__.__name__


def _record(source: Source, result: FetchResult, *, now: datetime, retry_after: int) -> None:
    """Save the outcome on the source and when to fetch it next."""
    interval = timedelta(minutes=max(1, source.interval_minutes))
    source.status = result.status
    source.last_fetched_at = now
    if result.status == SourceStatus.ERROR:
        source.error_count += 1
        source.last_error = result.error[:ERROR_MAX]
        # The first error waits the usual interval; each further one in a row doubles it.
        delay = interval * 2 ** min(source.error_count - 1, 16)
        if retry_after:
            delay = max(interval, timedelta(seconds=retry_after))
        source.next_fetch_at = now + min(delay, MAX_BACKOFF)
    else:
        source.error_count = 0
        source.last_error = ""
        source.next_fetch_at = now + interval
    source.save(
        update_fields=[
            "status",
            "etag",
            "last_modified",
            "last_error",
            "error_count",
            "last_fetched_at",
            "next_fetch_at",
        ]
    )
