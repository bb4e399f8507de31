"""RFC 9457 problem details (`application/problem+json`) for the JSON API.

Every error the API answers goes through `error_response()`, which picks the body's *shape*
by the request's path: problem+json by default, or another shape registered for a path
prefix with `register_error_shape()`. The Mastodon-compatible endpoints of the social app
will register `mastodon_error_response` for their prefixes, because Mastodon's clients
expect `{"error": "..."}` (see DESIGN.md, "API").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:vcnet:problem:"

# One short, translatable title per HTTP status; `detail` says what went wrong this time.
TITLES: dict[int, Promise] = {
    400: _("The request is invalid."),
    401: _("Authentication is required."),
    403: _("You are not allowed to do this."),
    404: _("The resource was not found."),
    405: _("This method is not allowed here."),
    409: _("The request conflicts with the current state."),
    413: _("The request is too large."),
    422: _("The submitted data is invalid."),
    429: _("Too many requests."),
    500: _("An internal error occurred."),
    503: _("The service is temporarily unavailable."),
}
CODES: dict[int, str] = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_failed",
    429: "throttled",
    500: "server_error",
    503: "unavailable",
}


@dataclass
class Problem:
    """One error as RFC 9457 describes it; `code` becomes `type` (`urn:vcnet:problem:<code>`)."""

    status: int
    detail: str | Promise = ""
    code: str = ""
    title: str | Promise | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def as_dict(self, request: HttpRequest | None = None) -> dict[str, Any]:
        code = self.code or CODES.get(self.status, "error")
        title = self.title or TITLES.get(self.status) or TITLES[500 if self.status >= 500 else 400]
        body: dict[str, Any] = {
            "type": TYPE_PREFIX + code,
            "title": str(title),
            "status": self.status,
            "detail": str(self.detail or title),
            "code": code,
        }
        if request is not None:
            body["instance"] = request.path
        if self.errors:
            body["errors"] = self.errors
        return body


# The problem body in JSON Schema, for the OpenAPI document.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error, as RFC 9457 problem details.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {
            "type": "string",
            "description": "`urn:vcnet:problem:<code>`: what kind of error this is.",
        },
        "title": {"type": "string", "description": "Short summary, in the request's language."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong this time."},
        "code": {"type": "string", "description": "The last part of `type`, for programs."},
        "instance": {"type": "string", "description": "The path of the request."},
        "errors": {
            "type": "array",
            "description": "For invalid input (422): one entry per field.",
            "items": {
                "type": "object",
                "properties": {
                    "location": {"type": "string", "description": "body, query, path, ..."},
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}

ErrorRenderer = Callable[[HttpRequest, Problem], HttpResponse]


def problem_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    """The problem as an `application/problem+json` response."""
    response = HttpResponse(
        json.dumps(problem.as_dict(request), ensure_ascii=False),
        status=problem.status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


def mastodon_error_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    """The problem in Mastodon's shape, `{"error": "...", "error_description": "..."}`."""
    body: dict[str, Any] = {"error": str(problem.detail or problem.as_dict()["title"])}
    if problem.errors:
        body["details"] = problem.errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=problem.status,
        content_type="application/json",
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


_shapes: list[tuple[str, ErrorRenderer]] = []


def register_error_shape(prefixes: Iterable[str], renderer: ErrorRenderer) -> None:
    """Answer errors under each path prefix (e.g. "/api/v1/statuses") with `renderer`.

    The longest matching prefix wins; paths that match none get problem+json.
    """
    for prefix in prefixes:
        _shapes.append((prefix.rstrip("/"), renderer))
    _shapes.sort(key=lambda item: len(item[0]), reverse=True)


def renderer_for(path: str) -> ErrorRenderer:
    """The error renderer registered for `path`, problem+json when none is."""
    for prefix, renderer in _shapes:
        if path == prefix or path.startswith(prefix + "/"):
            return renderer
    return problem_response


def error_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    """Render `problem` in the shape the request's endpoint uses."""
    return renderer_for(request.path)(request, problem)
