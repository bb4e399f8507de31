"""Request plumbing shared by every app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render

from vcnet.core.errors import DomainError


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose another language with the switcher.

    Web pages ignore the browser's Accept-Language (many officials use English-language
    browsers but work in Vietnamese); the API honours it, since a client app sets it on purpose.
    """

    def process_request(self, request: HttpRequest) -> None:
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class DomainErrorMiddleware:
    """Turns a service's DomainError on a web page into the matching error page with its message.

    The API has its own handler (problem+json, see `vcnet.core.problem`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path_info.startswith("/api/"):
            return None
        template = {403: "403.html", 404: "404.html"}.get(exception.status, "400.html")
        return render(request, template, {"message": exception.message}, status=exception.status)
