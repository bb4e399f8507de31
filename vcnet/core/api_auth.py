"""Who is calling the API: the web's session (CSRF-checked) or an OAuth 2 bearer token.

Bearer tokens are issued by django-oauth-toolkit (`/oauth/token`) and checked by its own
machinery (`OAuthLibCore.verify_request`): expiry, revocation and scopes are DOT's rules,
never re-implemented here. As in Mastodon's API, safe methods need the `read` scope and
unsafe ones `write` (DOT's READ_SCOPE / WRITE_SCOPE settings).

Also here: the API's throttles, keyed by user id (or address when anonymous) in the
Django cache, with rates read from `NINJA_DEFAULT_THROTTLE_RATES` at each request so
settings overrides apply at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import AnonRateThrottle, UserRateThrottle
from ninja.utils import check_csrf
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.settings import oauth2_settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class InvalidToken(AuthenticationError):
    """A bearer token was sent but is unknown, expired or revoked (RFC 6750 `invalid_token`)."""

    def __init__(self) -> None:
        super().__init__(401, str(_("The access token is invalid or has expired.")))


class InsufficientScope(AuthorizationError):
    """A valid token whose scopes do not cover this request (RFC 6750 `insufficient_scope`)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(403, str(_("The access token does not allow this request.")))


class CsrfFailed(AuthorizationError):
    """A session-authenticated unsafe request without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(403, str(_("The CSRF token is missing or incorrect.")))


class SessionAuth(APIKeyCookie):
    """The signed-in web user; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only once the session is known

    def authenticate(self, request: HttpRequest, key: str | None) -> AbstractBaseUser | None:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if request.method not in SAFE_METHODS and not exempt and check_csrf(request) is not None:
            raise CsrfFailed()
        return user


class OAuth2Bearer(HttpBearer):
    """A bearer token issued by django-oauth-toolkit for a user."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        if not valid or oauth_request is None:
            raise InvalidToken()
        user = oauth_request.user
        if user is None or not user.is_active:
            # Client-credentials tokens act for no person; every endpoint here needs one.
            raise InvalidToken()
        scope = (
            oauth2_settings.READ_SCOPE
            if request.method in SAFE_METHODS
            else oauth2_settings.WRITE_SCOPE
        )
        if not oauth_request.access_token.allow_scopes([scope]):
            raise InsufficientScope(scope)
        request.user = user
        request.oauth2_access_token = oauth_request.access_token  # type: ignore[attr-defined]
        return user


def _rate(scope: str) -> str | None:
    return getattr(settings, "NINJA_DEFAULT_THROTTLE_RATES", {}).get(scope)


class AnonThrottle(AnonRateThrottle):
    """Requests without a user, per client address."""

    def __init__(self) -> None:
        super().__init__(rate=_rate(self.scope) or "60/min")

    def allow_request(self, request: HttpRequest) -> bool:
        if rate := _rate(self.scope):
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


class UserThrottle(UserRateThrottle):
    """Requests of one signed-in user, whichever way they authenticated."""

    def __init__(self) -> None:
        super().__init__(rate=_rate(self.scope) or "1200/min")

    def allow_request(self, request: HttpRequest) -> bool:
        if getattr(request, "auth", None) is None:
            return True  # AnonThrottle's business
        if rate := _rate(self.scope):
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


def current_user(request: HttpRequest) -> Any:
    """The user the API request authenticated as (session or token)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, AbstractBaseUser):
        raise AuthenticationError()
    return user


# The order matters: a bearer token, when present, decides alone (a bad one is a 401, not
# a fallback to the session); without one, the session cookie is tried.
api_auth = [OAuth2Bearer(), SessionAuth()]
