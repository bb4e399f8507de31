"""The JSON API at /api/v1/: one NinjaAPI, each app adds its router.

Routers: every app listed in `ROUTERS` has an `api.py` with a module-level `router`
(a `ninja.Router`), mounted at the prefix given next to it. Add a line there to mount one.

Authentication (`vcnet.core.api_auth`): an OAuth 2 bearer token from django-oauth-toolkit
(`/oauth/token`), or the web's session with the CSRF token on unsafe methods. Anything
else is a 401. Throttles: per user when authenticated, per address otherwise
(`NINJA_DEFAULT_THROTTLE_RATES`, from the environment, through the Django cache).

Errors: RFC 9457 problem+json (`vcnet.core.problem`), built by the handlers below. An
endpoint family that needs another shape registers it by path prefix with
`vcnet.core.problem.register_error_shape` - the Mastodon-compatible endpoints will call
`register_error_shape(MASTODON_PREFIXES, mastodon_error_response)` when the social
router is mounted.

Reserved names. The social app takes the paths and shapes of Mastodon's client API, so
that the existing Mastodon apps work as VCNET clients. These first path segments under
/api/v1/ belong to the social router (`vcnet.social.api`) alone, and no other router may
use them: `statuses`, `timelines`, `accounts`, `notifications`, `apps`, `media`, `search`
(plus `/api/v2/search`, and Mastodon's own siblings listed in `MASTODON_RESERVED`). OAuth
is at `/oauth/authorize` and `/oauth/token`. A test fails if another router takes one.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, re_path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema

from vcnet.core.api_auth import (
    AnonThrottle,
    CsrfFailed,
    InsufficientScope,
    InvalidToken,
    UserThrottle,
    api_auth,
)
from vcnet.core.errors import DomainError
from vcnet.core.problem import (
    PROBLEM_CONTENT_TYPE,
    PROBLEM_SCHEMA,
    Problem,
    error_response,
    problem_response,
    renderer_for,
)

logger = logging.getLogger("vcnet.api")

# First path segments of Mastodon's client API, kept for the social router.
MASTODON_RESERVED: frozenset[str] = frozenset(
    {
        "statuses",
        "timelines",
        "accounts",
        "notifications",
        "apps",
        "media",
        "search",
        # Mastodon's other client endpoints, kept free so its apps keep working.
        "instance",
        "custom_emojis",
        "favourites",
        "bookmarks",
        "blocks",
        "mutes",
        "follow_requests",
        "lists",
        "markers",
        "polls",
        "reports",
        "trends",
        "conversations",
        "filters",
        "preferences",
        "push",
        "tags",
        "followed_tags",
        "domain_blocks",
        "scheduled_statuses",
        "announcements",
        "suggestions",
        "endorsements",
        "featured_tags",
        "directory",
        "emails",
    }
)
MASTODON_V2_RESERVED: frozenset[str] = frozenset({"search", "media", "instance", "filters"})
SOCIAL_ROUTER_MODULE = "vcnet.social.api"
MASTODON_PREFIXES = tuple(f"/api/v1/{name}" for name in sorted(MASTODON_RESERVED))

# (module holding `router`, mount prefix). Order is the OpenAPI document's order.
ROUTERS: list[tuple[str, str]] = [
    ("vcnet.accounts.api", ""),
    ("vcnet.documents.api", "/documents"),
    ("vcnet.signing.api", "/signatures"),
    ("vcnet.digitize.api", "/digitize"),
    ("vcnet.social.api", ""),
    ("vcnet.moderation.api", "/moderation"),
    ("vcnet.assistant.api", "/assistant"),
    ("vcnet.opinion.api", "/opinion"),
]


class VcnetAPI(NinjaAPI):
    """NinjaAPI whose every answer outside a handler (405, unknown path) is a problem too."""

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_for_not_allowed(pattern.callback)
        patterns = [*patterns, re_path(r"", _unknown_path, name="unknown")]
        return patterns, app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The generated document, plus the problem+json body every operation may answer."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = PROBLEM_SCHEMA
        schemas["MastodonError"] = _MASTODON_ERROR_SCHEMA
        for route, path_item in schema.get("paths", {}).items():
            # Mastodon-compatible endpoints answer errors in the shape its clients expect.
            default = (
                _PROBLEM_RESPONSE
                if renderer_for(route) is problem_response
                else _MASTODON_ERROR_RESPONSE
            )
            for operation in path_item.values():
                responses = {
                    str(code): body for code, body in operation.get("responses", {}).items()
                }
                responses.setdefault("default", default)
                operation["responses"] = responses
        return schema


_PROBLEM_RESPONSE = {
    "description": "An error (401, 403, 404, 422, 429, ...) as RFC 9457 problem details.",
    "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


_MASTODON_ERROR_SCHEMA = {
    "type": "object",
    "title": "MastodonError",
    "description": "An error as Mastodon's client API answers it.",
    "properties": {
        "error": {"type": "string", "description": "What went wrong, in the reader's language."},
        "error_description": {"type": "string"},
    },
    "required": ["error"],
}
_MASTODON_ERROR_RESPONSE = {
    "description": 'An error (401, 403, 404, 422, 429, ...) in Mastodon\'s `{"error": ...}` shape.',
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MastodonError"}}},
}


def _problem_for_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    @functools.wraps(view)  # keeps ninja's csrf_exempt flag
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            problem = error_response(request, Problem(status=405))
            problem["Allow"] = response["Allow"]
            return problem
        return response

    return wrapped


def _unknown_path(request: HttpRequest) -> HttpResponse:
    return error_response(request, Problem(status=404))


api = VcnetAPI(
    title="VCNET API",
    version="1",
    description=(
        "The JSON API of VCNET. Authenticate with an OAuth 2 bearer token (`/oauth/token`) or "
        "the web session. Errors are RFC 9457 `application/problem+json`. Lists are "
        "cursor-paginated: follow `next` until it is null."
    ),
    urls_namespace="api",
    auth=api_auth,
    throttle=[AnonThrottle(), UserThrottle()],
)


def _mount_routers() -> None:
    for module_name, prefix in ROUTERS:
        router = getattr(import_module(module_name), "router", None)
        if not isinstance(router, Router):
            raise TypeError(f"{module_name} has no `router` to mount.")
        api.add_router(prefix, router)


# --- Errors as problem+json ---------------------------------------------------------------
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "location": str(error.get("loc", ["body"])[0]),
            "field": ".".join(str(part) for part in error.get("loc", [])[1:]),
            "message": error.get("msg", ""),
            "code": error.get("type", "invalid"),
        }
        for error in exc.errors
    ]
    return error_response(
        request,
        Problem(
            status=422,
            detail=_("Some fields are missing or invalid; see `errors`."),
            errors=errors,
        ),
    )


def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = (
        exc.message
        if isinstance(exc, InvalidToken)
        else _("Sign in, or send an access token in the Authorization header.")
    )
    challenge = 'Bearer realm="vcnet"'
    if isinstance(exc, InvalidToken):
        challenge += ', error="invalid_token"'
    return error_response(
        request,
        Problem(
            status=401,
            code="invalid_token" if isinstance(exc, InvalidToken) else "not_authenticated",
            detail=detail,
            headers={"WWW-Authenticate": challenge},
        ),
    )


def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return error_response(
        request,
        Problem(status=429, detail=_("Too many requests; please wait a moment and try again.")),
    )


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = ""
    headers: dict[str, str] = {}
    if isinstance(exc, CsrfFailed):
        code = "csrf_failed"
    elif isinstance(exc, InsufficientScope):
        code = "insufficient_scope"
        headers["WWW-Authenticate"] = (
            f'Bearer realm="vcnet", error="insufficient_scope", scope="{exc.scope}"'
        )
    # ninja's own messages (e.g. "Forbidden") are English; the title carries the translation.
    detail: str | Promise = exc.message if code else ""
    if exc.message.startswith("Cannot parse request body"):
        detail = _("The request body is not valid JSON.")
    return error_response(
        request, Problem(status=exc.status_code, code=code, detail=detail, headers=headers)
    )


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, Problem(status=404))


def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, Problem(status=exc.status, code=exc.code, detail=exc.message))


def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, Problem(status=403))


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return error_response(
        request, Problem(status=500, detail=_("The error has been logged; please try again later."))
    )


def install_error_handlers(target: NinjaAPI) -> None:
    """Make `target` answer every error as problem+json (or its path's registered shape)."""
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (ValidationError, _validation_error),
        (AuthenticationError, _authentication_error),
        (Throttled, _throttled),
        (HttpError, _http_error),
        (Http404, _not_found),
        (DomainError, _domain_error),
        (PermissionDenied, _permission_denied),
        (Exception, _server_error),
    ]
    for exc_class, handler in handlers:
        target.add_exception_handler(exc_class, handler)


install_error_handlers(api)
_mount_routers()
