"""Sign-in by e-mail address or phone number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from vcnet.accounts.identifiers import looks_like_email, normalize_email, normalize_phone
from vcnet.accounts.models import User


class EmailOrPhoneBackend(ModelBackend):
    """Authenticates with an e-mail address or a phone number and a password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # Django's form passes `username`; allauth passes `email` or `phone`.
        login = username or kwargs.get(User.USERNAME_FIELD) or kwargs.get("phone")
        if not login or password is None:
            return None
        user = find_user_by_login(login)
        if user is None:
            User().set_password(password)  # same work as a real check, so timing reveals nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def find_user_by_login(login: str) -> User | None:
    """The user whose e-mail address or phone number is `login`, if any."""
    if looks_like_email(login):
        return User.objects.filter(email=normalize_email(login)).first()
    phone = normalize_phone(login)
    return User.objects.filter(phone=phone).first() if phone else None
