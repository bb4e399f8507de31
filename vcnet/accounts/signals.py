"""Plumbing only: allauth's and allauth.mfa's events become audit entries (and device checks)."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.dispatch import receiver
from django.http import HttpRequest

from vcnet.accounts.devices import device_sign_in
from vcnet.accounts.models import User
from vcnet.accounts.services import auth_event_record


def _record(action: str, user: Any, request: Any, data: dict[str, str] | None = None) -> None:
    auth_event_record(
        action=action,
        user=user if isinstance(user, User) else None,
        data=data,
        request=request if isinstance(request, HttpRequest) else None,
    )


@receiver(account_signals.user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    method = "social" if kwargs.get("sociallogin") else "password"
    from vcnet.accounts.middleware import seen_start

    _record("auth.login", user, request, {"method": method})
    seen_start(request)
    if isinstance(user, User):
        device_sign_in(request, user, kwargs.get("response"))


@receiver(account_signals.user_signed_up)
def _signed_up(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record("auth.signup", user, request)


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
def _password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record("auth.password_change", user, request)


@receiver(account_signals.password_reset)
def _password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _record("auth.password_reset", user, request)


@receiver(account_signals.email_added)
def _email_added(
    sender: Any, request: HttpRequest, user: Any, email_address: Any, **kw: Any
) -> None:
    _record("auth.email_added", user, request, {"email": str(email_address.email)})


@receiver(account_signals.email_confirmed)
def _email_confirmed(sender: Any, request: HttpRequest, email_address: Any, **kw: Any) -> None:
    _record("auth.email_confirmed", email_address.user, request, {"email": email_address.email})


@receiver(account_signals.email_changed)
def _email_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    old = kwargs.get("from_email_address")
    new = kwargs.get("to_email_address")
    data = {"from": old.email if old else "", "to": new.email if new else ""}
    _record("auth.email_change", user, request, data)


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any) -> None:
    _record("auth.mfa_activated", user, request, {"type": str(authenticator.type)})


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    from vcnet.accounts.middleware import mfa_policy_forget

    _record("auth.mfa_deactivated", user, request, {"type": str(authenticator.type)})
    mfa_policy_forget(request)


@receiver(mfa_signals.authenticator_reset)
def _mfa_reset(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any) -> None:
    _record("auth.mfa_reset", user, request, {"type": str(authenticator.type)})


@receiver(mfa_signals.authenticator_used)
def _mfa_used(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _record("auth.recovery_code_used", user, request)


@receiver(mfa_signals.authentication_failed)
def _mfa_failed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    _record("auth.mfa_failed", user, request, {"type": str(authenticator.type)})
