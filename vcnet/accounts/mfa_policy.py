"""Who must sign in with a second factor, and helpers to enrol one (also used by tests)."""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser

from vcnet.accounts.models import Membership, User


def mfa_required(user: AbstractBaseUser) -> bool:
    """Whether `user` holds a role (or is a superuser) for which a second factor is compulsory."""
    if not isinstance(user, User):
        return False
    if user.is_superuser and settings.MFA_REQUIRED_FOR_SUPERUSERS:
        return True
    roles = settings.MFA_REQUIRED_ROLES
    return bool(roles) and Membership.objects.filter(user=user, role__in=roles).exists()


def mfa_enrolled(user: AbstractBaseUser) -> bool:
    """Whether `user` has a second factor (an authenticator app or a passkey)."""
    return Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def totp_enrol(user: AbstractBaseUser, secret: str | None = None) -> str:
    """Activate TOTP for `user` with `secret` (a new one if omitted) and return the secret.

    For tests and demo data; people enrol on the MFA pages, which show the QR code. Recovery
    codes are created too, as the pages do.
    """
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    if not Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
    ).exists():
        RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str, at: float | None = None) -> str:
    """The current six-digit code for `secret` (RFC 6238), as an authenticator app shows it."""
    counter = int((time.time() if at is None else at) // mfa_settings.TOTP_PERIOD)
    return format_hotp_value(hotp_value(secret, counter))


def recovery_codes_of(user: AbstractBaseUser) -> list[str]:
    """The unused recovery codes of `user` (for tests; people see them on the MFA pages)."""
    authenticator = Authenticator.objects.get(
        user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
    )
    return RecoveryCodes(authenticator).get_unused_codes()
