"""Mastodon's error shape, `{"error": "..."}`, for every path of the client API.

A domain error's generic 400 ("invalid input") becomes Mastodon's 422, which its clients
expect for validation failures; 404 stays 404 (also for what the caller may not see).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from vcnet.core.problem import Problem, mastodon_error_response, register_error_shape

VCNET_EXTENSION_PREFIXES = ("/api/v1/vcnet",)


def mastodon_error(request: HttpRequest, problem: Problem) -> HttpResponse:
    """The problem as Mastodon's `{"error"}`, with 400 validation errors answered as 422."""
    if problem.status == 400 and problem.code not in {"csrf_failed"}:
        problem.status = 422
    return mastodon_error_response(request, problem)


def register() -> None:
    """Answer errors under Mastodon's paths in Mastodon's shape (called once, at import)."""
    from vcnet.api import MASTODON_PREFIXES, MASTODON_V2_RESERVED

    v2 = tuple(f"/api/v2/{name}" for name in sorted(MASTODON_V2_RESERVED))
    register_error_shape((*MASTODON_PREFIXES, *v2, *VCNET_EXTENSION_PREFIXES), mastodon_error)
