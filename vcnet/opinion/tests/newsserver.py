"""A real local news site for tests: the demo feeds and articles, plus feeds that misbehave.

`news_server` starts an HTTP server on a free port in a thread, serving `data/demo_news` with
`NEWS_HOST` replaced by its own host:port (ETag, Last-Modified and 304 like a real site), and
logs every request so a test can assert conditional GETs and how often a page was fetched.
Extra paths: /broken.rss (malformed XML), /huge.rss (streams more than any cap), /slow.rss
(answers after 2 s), /gone.rss (404), /busy.rss (429 with Retry-After: 120).

Use it from another test file with
`from vcnet.opinion.tests.newsserver import news_server  # noqa: F401`.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from vcnet.opinion.demo_news import PLACEHOLDER, demo_file

SLOW_SECONDS = 2.0
HUGE_BYTES = 8 * 1024 * 1024
BROKEN_FEED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
    b"<title>Tin h\xe1\xbb\x8fng</ti<<item"
)


@dataclass
class Hit:
    """One request the server received."""

    path: str
    headers: dict[str, str]


@dataclass
class NewsServer:
    """The running server: its address, its request log and a switch to release slow answers."""

    base: str
    log: list[Hit] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def hits(self, path: str) -> list[Hit]:
        return [hit for hit in self.log if hit.path == "/" + path.lstrip("/")]

    def article_hits(self) -> list[Hit]:
        return [hit for hit in self.log if hit.path.endswith(".html")]


def _handler(server: NewsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            server.log.append(Hit(path, dict(self.headers.items())))
            special = {
                "/broken.rss": self._broken,
                "/huge.rss": self._huge,
                "/slow.rss": self._slow,
                "/gone.rss": lambda: self._status(404),
                "/busy.rss": lambda: self._status(429, {"Retry-After": "120"}),
            }.get(path)
            if special:
                special()
                return
            found = demo_file(path.lstrip("/"))
            if found is None:
                self._status(404)
                return
            file, content_type = found
            body = file.read_text(encoding="utf-8").replace(PLACEHOLDER, server.base).encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(200, body, content_type, {"ETag": etag})

        def _send(
            self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Last-Modified", "Fri, 27 Nov 2026 09:00:00 GMT")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _status(self, status: int, extra: dict[str, str] | None = None) -> None:
            self._send(status, b"<h1>Error</h1>", "text/html; charset=utf-8", extra)

        def _broken(self) -> None:
            self._send(200, BROKEN_FEED, "application/rss+xml; charset=utf-8")

        def _huge(self) -> None:
            # No Content-Length: the client must count while it streams.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
                for _ in range(HUGE_BYTES // len(chunk) + 1):
                    self.wfile.write(chunk)

        def _slow(self) -> None:
            server.stop.wait(SLOW_SECONDS)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(200, b"<rss/>", "application/rss+xml")

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that stops reading (a size cap, a timeout) is what some tests want.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture
def news_server(settings: Any) -> Iterator[NewsServer]:
    """A local news site; fetching from this machine's addresses is allowed while it runs."""
    settings.OPINION_FETCH_ALLOW_PRIVATE = True
    state = NewsServer(base="")
    httpd = _Server(("127.0.0.1", 0), _handler(state))
    host, port = httpd.server_address[:2]
    state.base = f"http://{host!s}:{port}/"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
