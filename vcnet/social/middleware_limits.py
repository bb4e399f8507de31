"""Refuses requests past the social network's rate limits with a clear 429 in the right shape."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vcnet.core.problem import Problem, error_response, mastodon_error_response
from vcnet.core.ratelimit import RateLimited, last_retry_after
from vcnet.social.limits import check_request, is_mastodon_path


def too_many_response(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    """429 with Retry-After: Mastodon's `{"error"}`, problem+json, or an HTML page."""
    path = request.path_info
    if path.startswith("/api/"):
        problem = Problem(
            status=429,
            code=exc.code,
            detail=exc.message,
            headers={"Retry-After": str(exc.retry_after)},
        )
        if is_mastodon_path(path):
            return mastodon_error_response(request, problem)
        return error_response(request, problem)
    response = render(
        request,
        "social/search/too_many.html",
        {"message": exc.message, "retry_after": exc.retry_after},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


class RateLimitMiddleware:
    """Counts requests to /social/ and the Mastodon API per account and per address.

    Also answers a `RateLimited` raised by a service (too many posts, follows) on a web page,
    and adds Retry-After to a 429 the API's own error handlers built.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        last_retry_after(reset=True)
        try:
            check_request(request)
        except RateLimited as exc:
            return too_many_response(request, exc)
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            wait = last_retry_after()
            if wait:
                response["Retry-After"] = str(wait)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return too_many_response(request, exception)
        return None
