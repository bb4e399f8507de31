"""Forms of the account pages: sign-up, profile (allauth brings the others)."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.account.app_settings import EmailVerificationMethod
from django import forms
from django.utils.translation import gettext_lazy as _

from vcnet.accounts import pow


class LoginForm(allauth_forms.LoginForm):
    """One box for an e-mail address or a phone number, a password, and "remember me"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("E-mail or phone number")
        login.max_length = 254
        login.widget.attrs.update(
            {"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        )
        login.widget.attrs.pop("placeholder", None)
        password = self.fields["password"]
        password.label = _("Password")
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        login = getattr(self, "_login", None)
        if login is not None and not getattr(login.user, "email", None):
            # An account with only a phone number has no address to verify.
            login.email_verification = EmailVerificationMethod.NONE
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        if self.non_field_errors():
            # Tie the "do not match" message to both boxes, for screen readers.
            for name in ("login", "password"):
                attrs = self.fields[name].widget.attrs
                attrs["aria-describedby"] = "login-error"
                attrs["aria-invalid"] = "true"


class SignupForm(allauth_forms.SignupForm):
    """Citizen self-registration: full name, e-mail, password; a honeypot and a proof of work."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs.pop("placeholder", None)
        for name in ("password1", "password2"):
            if name in self.fields:
                self.fields[name].widget.attrs.pop("placeholder", None)
        if "password2" in self.fields:
            self.fields["password2"].label = _("Password (again)")
        # A new challenge on every render; the browser solves it before sending.
        self.pow_challenge = pow.challenge_issue()

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter your full name."), code="required")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        challenge = self.data.get("pow_challenge", "")
        nonce = self.data.get("pow_nonce", "")
        # Consumed only when everything else is right, so a typo does not cost a new proof.
        if not pow.solution_check(challenge, nonce, consume=not self.errors):
            raise forms.ValidationError(
                _(
                    "The form could not confirm that it was sent by a person. Please make "
                    "sure JavaScript is turned on, wait until the button is ready, and "
                    "send the form again."
                ),
                code="proof_of_work",
            )
        return cleaned


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
