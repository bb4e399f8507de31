"""Helpers the moderation pages share: who is asking, the moderators' tabs, errors, `next`."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.moderation import access


def signed_in(request: HttpRequest) -> User:
    """The signed-in user (the view is behind `login_required`)."""
    return cast(User, request.user)


def require_moderator(user: User) -> None:
    """Moderators' pages refuse everyone else with a clear 403."""
    if not access.is_moderator(user):
        raise PermissionDeniedError(_("This page is for moderators."))


def require_site_moderator(user: User) -> None:
    if not access.is_site_moderator(user):
        raise PermissionDeniedError(_("This page is for site moderators."))


def nav(user: User | None, active: str) -> dict[str, Any]:
    """What the moderation tabs need: which tab is open and which tabs the person may open."""
    moderator = access.is_moderator(user)
    return {
        "mod_active": active,
        "is_mod": moderator,
        "is_site_mod": moderator and access.is_site_moderator(user),
    }


def refused(exc: DomainError) -> bool:
    """Whether the error is a 404/403 the error pages should show (not a form mistake)."""
    return isinstance(exc, NotFound | PermissionDeniedError)


def form_error(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal, shown at the top of the form that caused it."""
    form.add_error(None, str(exc.message))


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))
