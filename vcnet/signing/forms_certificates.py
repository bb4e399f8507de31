"""Forms of the "My signature" pages: they parse what people type; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vcnet.signing.keys import PIN_MAX_LENGTH, PIN_MIN_LENGTH, secrets_equal
from vcnet.signing.models import Certificate

MAX_CERTIFICATE_BYTES = 64 * 1024
MAX_PKCS12_BYTES = 256 * 1024

REASON_CHOICES = [
    ("key_compromise", _("The key or token was lost or may be known to someone else")),
    ("affiliation_changed", _("The holder left the unit or changed position")),
    ("superseded", _("Replaced by a new certificate")),
    ("cessation_of_operation", _("No longer needed")),
]


def _pin_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=PIN_MIN_LENGTH,
        max_length=PIN_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class _PinPair(forms.Form):
    pin = _pin_field(_("Signing PIN"))
    pin_again = _pin_field(_("Signing PIN again"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pin, again = data.get("pin"), data.get("pin_again")
        if pin and again and not secrets_equal(pin, again):
            self.add_error("pin_again", _("The two PINs differ."))
        return data


class IssuePersonalForm(_PinPair):
    """A new platform certificate: the key is protected by the PIN chosen here."""

    prefix = "issue"
    years = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(1, _("1 year")), (2, _("2 years")), (3, _("3 years"))],
        initial=2,
    )


class ImportPkcs12Form(_PinPair):
    """A PKCS#12 file from a public CA; its password only opens it."""

    prefix = "p12"
    file = forms.FileField(label=_("PKCS#12 file (.p12, .pfx)"))
    password = forms.CharField(
        label=_("Password of the file"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["file", "password", "pin", "pin_again"]

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PKCS12_BYTES:
            raise forms.ValidationError(_("The file is too large for a PKCS#12 file."))
        return bytes(upload.read())


class RegisterExternalForm(forms.Form):
    """A certificate whose key stays on a USB token or with a remote service."""

    prefix = "token"
    certificate = forms.FileField(
        label=_("Certificate of the token, or a certificate request made on it"),
        help_text=_(".cer, .crt or .pem for a certificate; .csr for a request."),
    )
    source = forms.ChoiceField(
        label=_("Where the key is"),
        choices=[
            (Certificate.Source.REMOTE, _("USB token on my computer (VCNET signing agent)")),
            (Certificate.Source.PKCS11, _("Token or HSM connected to the server (PKCS#11)")),
        ],
    )
    pkcs11_module = forms.ChoiceField(label=_("PKCS#11 module"), required=False, choices=[])
    pkcs11_token = forms.CharField(label=_("Token label"), required=False, max_length=100)
    pkcs11_key = forms.CharField(label=_("Key label"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pkcs11_module"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101  (narrowing for the type checker)
        field.choices = [("", "—")] + [(m, m) for m in settings.SIGNING_PKCS11_MODULES]

    def clean_certificate(self) -> bytes:
        upload = self.cleaned_data["certificate"]
        if upload.size > MAX_CERTIFICATE_BYTES:
            raise forms.ValidationError(_("The file is too large for a certificate."))
        return bytes(upload.read())


class RevokeForm(forms.Form):
    """Why a certificate is revoked (a code from the list, or a few words)."""

    reason = forms.ChoiceField(label=_("Reason"), choices=REASON_CHOICES)
    detail = forms.CharField(label=_("Details"), required=False, max_length=150)

    def reason_text(self) -> str:
        reason = self.cleaned_data["reason"]
        detail = (self.cleaned_data.get("detail") or "").strip()
        return f"{reason}: {detail}" if detail else reason


class SealIssueForm(forms.Form):
    """A unit's seal certificate."""

    years = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(1, _("1 year")), (2, _("2 years")), (3, _("3 years")), (5, _("5 years"))],
        initial=3,
    )


class TrustedRootForm(forms.Form):
    """A national root CA to trust when validating signatures."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    certificate = forms.FileField(label=_("Root certificate (.cer, .crt, .pem)"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_certificate(self) -> bytes:
        upload = self.cleaned_data["certificate"]
        if upload.size > MAX_CERTIFICATE_BYTES:
            raise forms.ValidationError(_("The file is too large for a certificate."))
        return bytes(upload.read())
