"""Who is calling: the signed-in user (token or session), or nobody on public endpoints."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from vcnet.accounts.models import User
from vcnet.core.api_auth import api_auth, current_user


def _anonymous(request: HttpRequest) -> AnonymousUser:
    return AnonymousUser()


# Public endpoints: a bad token is still a 401, but no token at all is fine.
OPTIONAL_AUTH: list[Any] = [*api_auth, _anonymous]


def viewer(request: HttpRequest) -> User | None:
    """The caller, or None when anonymous."""
    user = getattr(request, "auth", None)
    return user if isinstance(user, AbstractBaseUser) else None  # type: ignore[return-value]


def me(request: HttpRequest) -> User:
    """The signed-in caller (endpoints that require authentication)."""
    return current_user(request)  # type: ignore[no-any-return,unused-ignore]
