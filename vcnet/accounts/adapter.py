"""How django-allauth fits VCNET: our users, phone logins, the throttle, mail through tasks."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vcnet.accounts import throttle
from vcnet.accounts.identifiers import normalize_email, normalize_phone
from vcnet.accounts.models import User
from vcnet.accounts.services import auth_event_record
from vcnet.core.audit import client_ip
from vcnet.core.tasks import send_email

log = logging.getLogger(__name__)

# Set on the request when the throttle refused a sign-in, so the view can answer 429.
THROTTLE_ATTR = "_vcnet_throttle_wait"


class PhoneField(forms.CharField):
    """A Vietnamese phone number as people write it, cleaned to +84… form."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        phone = normalize_phone(text)
        if phone is None:
            raise ValidationError(
                _("This is not a phone number. Write it like 0912 345 678."), code="invalid"
            )
        return phone


def email_address_ensure(user: AbstractBaseUser) -> None:
    """Give an account made by an administrator or the seed its verified e-mail record.

    Self-registered accounts always have a record (made at sign-up, unverified until the
    link is opened); an account without one was created by someone trusted, so its
    address counts as verified.
    """
    email = getattr(user, "email", None)
    if not email or user.pk is None:
        return
    if not EmailAddress.objects.filter(user_id=user.pk).exists():
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("phone") or "")


class AccountAdapter(DefaultAccountAdapter):
    """Our users in allauth's flows: phone logins, the sign-in throttle, mail as tasks."""

    # The same words whether or not the account exists, so nobody can probe for accounts.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "The e-mail address or phone number and password do not match. "
            "Please check them and try again."
        ),
        "phone_password_mismatch": _(
            "The e-mail address or phone number and password do not match. "
            "Please check them and try again."
        ),
    }

    # --- The sign-in throttle (vcnet.accounts.throttle) --------------------------------
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login = _login_of(credentials)
        ip = client_ip(request)
        wait = throttle.seconds_blocked(login=login, ip=ip)
        if not wait:
            return
        setattr(request, THROTTLE_ATTR, wait)
        # Logged once a minute per login and address, so hammering cannot flood the audit chain.
        if throttle.refusal_first_in_minute(login=login, ip=ip):
            auth_event_record(
                action="auth.login_throttled", user=None, login=login, request=request
            )
        minutes = throttle.minutes_blocked(wait)
        raise ValidationError(
            ngettext(
                "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again.",
                "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
                minutes,
            )
            % {"minutes": minutes},
            code="throttled",
        )

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttle.failures_clear(login=_login_of(credentials))
            email_address_ensure(user)
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        login = _login_of(credentials)
        throttle.failure_record(login=login, ip=client_ip(request))
        auth_event_record(action="auth.login_failed", user=None, login=login, request=request)

    def logout(self, request: HttpRequest) -> None:
        if isinstance(request.user, User):
            auth_event_record(action="auth.logout", user=request.user, request=request)
        super().logout(request)

    # --- Phone numbers live on User.phone ----------------------------------------------
    def phone_form_field(self, **kwargs: Any) -> Any:
        kwargs.setdefault("label", _("Phone number"))
        return PhoneField(max_length=32, **kwargs)

    def get_phone(self, user: AbstractBaseUser) -> tuple[str, bool] | None:
        phone = getattr(user, "phone", None)
        # Numbers are typed by their owner (who knows the password) or by an administrator.
        return (phone, True) if phone else None

    def set_phone(self, user: AbstractBaseUser, phone: str, verified: bool) -> None:
        user.phone = normalize_phone(phone)  # type: ignore[attr-defined]
        user.save(update_fields=["phone"])

    def set_phone_verified(self, user: AbstractBaseUser, phone: str) -> None:
        """Numbers are not verified by SMS (see get_phone)."""

    def get_user_by_phone(self, phone: str) -> AbstractBaseUser | None:
        normal = normalize_phone(phone)
        return User.objects.filter(phone=normal).first() if normal else None

    def send_verification_code_sms(
        self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any
    ) -> None:
        # SMS is an outside system; until a gateway is configured the "SMS" goes to the log.
        log.info("SMS to %s: verification code %s", phone, code)

    # --- Sign-up -----------------------------------------------------------------------
    def clean_email(self, email: str) -> str:
        return normalize_email(super().clean_email(email))

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: BaseForm, commit: bool = True
    ) -> AbstractBaseUser:
        user.full_name = " ".join(form.cleaned_data.get("full_name", "").split())  # type: ignore[attr-defined]
        return super().save_user(request, user, form, commit=commit)

    # --- Mail goes through the background task, after the transaction commits ----------
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_url": settings.SITE_URL.rstrip("/"),
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        html_body = next(
            (
                str(body)
                for body, mime in getattr(message, "alternatives", [])
                if mime == "text/html"
            ),
            None,
        )
        if template_prefix.endswith("password_reset_key"):
            user = context.get("user")
            auth_event_record(
                action="auth.password_reset_requested",
                user=user if isinstance(user, User) else None,
                request=request if isinstance(request, HttpRequest) else None,
            )
        transaction.on_commit(
            partial(
                send_email.enqueue,
                to=list(message.to),
                subject=str(message.subject),
                body=str(message.body),
                html_body=html_body,
            )
        )


class MFAAdapter(DefaultMFAAdapter):
    """Second factors: the issuer shown in apps; required roles keep one factor."""

    def get_totp_issuer(self) -> str:
        return "VCNET"

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from vcnet.accounts.mfa_policy import mfa_required

        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        if not mfa_required(authenticator.user):
            return True
        # People whose role requires MFA keep at least one app or passkey.
        return (
            Authenticator.objects.filter(
                user_id=authenticator.user_id,
                type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
            )
            .exclude(pk=authenticator.pk)
            .exists()
        )
