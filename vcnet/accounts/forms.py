"""Forms of the account pages: sign-in, password reset, profile."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.services import auth_event_record
from vcnet.core.tasks import send_email


class LoginForm(auth_forms.AuthenticationForm):
    """One box for an e-mail address or a phone number, a password, and "remember me"."""

    username = forms.CharField(
        label=_("E-mail or phone number"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    remember_me = forms.BooleanField(label=_("Keep me signed in on this device"), required=False)

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        # The same words whether or not the account exists, so nobody can probe for accounts.
        "invalid_login": _(
            "The e-mail address or phone number and password do not match. "
            "Please check them and try again."
        ),
        "inactive": _(
            "The e-mail address or phone number and password do not match. "
            "Please check them and try again."
        ),
    }

    def full_clean(self) -> None:
        super().full_clean()
        if self.non_field_errors():
            # Tie the "do not match" message to both boxes, for screen readers.
            for name in ("username", "password"):
                attrs = self.fields[name].widget.attrs
                attrs["aria-describedby"] = "login-error"
                attrs["aria-invalid"] = "true"

    def is_wrong_credentials(self) -> bool:
        """Whether the form failed because the password or login was wrong (not left empty)."""
        return self.has_error(NON_FIELD_ERRORS, "invalid_login")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link through the background mail task once the request's data is saved."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._request = kwargs.get("request")
        super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context = {**context, "site_url": settings.SITE_URL.rstrip("/")}
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html_body = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        auth_event_record(
            action="auth.password_reset_requested",
            user=context["user"],
            request=getattr(self, "_request", None),
        )
        transaction.on_commit(
            partial(
                send_email.enqueue, to=[to_email], subject=subject, body=body, html_body=html_body
            )
        )


class ProfileForm(forms.Form):
    """What a person may change about themselves; the service decides what is valid."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        required=False,
        help_text=_("For example 0912 345 678. You can also sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_(
            "A JPEG, PNG or WebP image. It is cropped to a square; "
            "the photo's hidden details (camera, place) are removed."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
