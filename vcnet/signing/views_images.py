"""The signature images page (/signing/images/): upload your signature, or your unit's seal, and
preview them; the images themselves are served only to their owner (a seal: the unit's members).
Thin: parse, call `vcnet.signing.appearance_images`, render."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from vcnet.accounts.models import Unit, User
from vcnet.core.errors import DomainError
from vcnet.signing import appearance_images as images
from vcnet.signing.models import SignatureImage

UPLOAD_LIMIT = images.MAX_BYTES


class SignatureForm(forms.Form):
    file = forms.FileField(
        label=_("Signature image (PNG)"),
        help_text=_(
            "Your handwritten signature in blue ink, on a transparent background; at most 2 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
    width_mm = forms.DecimalField(
        label=_("Printed width (mm)"),
        required=False,
        min_value=10,
        max_value=120,
        decimal_places=1,
        help_text=_("Leave empty to take it from the image."),
    )


class SealForm(forms.Form):
    # Any unit parses; the service decides who may upload its seal (with a clear message).
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all())
    file = forms.FileField(
        label=_("Seal image (PNG)"),
        help_text=_("The unit's seal in red, on a transparent background; at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
    width_mm = forms.DecimalField(
        label=_("Seal diameter (mm)"),
        required=False,
        min_value=20,
        max_value=80,
        decimal_places=1,
        help_text=_("The true size of the seal; empty: from the image, else 36 mm."),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = cast(forms.ModelChoiceField, self.fields["unit"])
        field.widget.choices = [(unit.pk, str(unit)) for unit in images.seal_units(user)]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _read(form: forms.Form) -> bytes | None:
    uploaded = form.cleaned_data["file"]
    data = bytes(uploaded.read(UPLOAD_LIMIT + 1))
    if len(data) > UPLOAD_LIMIT:
        form.add_error("file", _t("The image is larger than 2 MB."))
        return None
    return data


def _width(form: forms.Form) -> float | None:
    value = form.cleaned_data.get("width_mm")
    return float(value) if value is not None else None


def _page(
    request: HttpRequest,
    *,
    signature_form: SignatureForm,
    seal_form: SealForm,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    units = list(images.seal_units(user))
    seals = [(unit, images.signature_image_current(unit=unit, kind="seal")) for unit in units]
    return render(
        request,
        "signing/images.html",
        {
            "signature": images.signature_image_current(owner=user, kind="signature"),
            "seals": seals,
            "signature_form": signature_form,
            "seal_form": seal_form if units else None,
        },
        status=status,
    )


@login_required
def images_page(request: HttpRequest) -> HttpResponse:
    """My signature image and the seals of the units I keep, with the upload forms."""
    user = _user(request)
    return _page(request, signature_form=SignatureForm(), seal_form=SealForm(user=user))


@login_required
@require_POST
def signature_upload(request: HttpRequest) -> HttpResponse:
    """Upload my own signature image."""
    user = _user(request)
    form = SignatureForm(request.POST, request.FILES)
    if form.is_valid():
        data = _read(form)
        if data is not None:
            try:
                images.signature_image_upload(
                    actor=user, data=data, kind="signature", width_mm=_width(form), request=request
                )
            except DomainError as exc:
                form.add_error("file", str(exc.message))
            else:
                messages.success(request, _t("Your signature image was saved."))
                return redirect("signing:images")
    return _page(request, signature_form=form, seal_form=SealForm(user=user), status=400)


@login_required
@require_POST
def seal_upload(request: HttpRequest) -> HttpResponse:
    """Upload the seal image of a unit I administer or keep the registry of."""
    user = _user(request)
    form = SealForm(request.POST, request.FILES, user=user)
    status = 400
    if form.is_valid():
        data = _read(form)
        if data is not None:
            try:
                images.signature_image_upload(
                    actor=user,
                    data=data,
                    kind="seal",
                    unit=form.cleaned_data["unit"],
                    width_mm=_width(form),
                    request=request,
                )
            except DomainError as exc:
                form.add_error("file", str(exc.message))
                status = exc.status
            else:
                messages.success(request, _t("The seal image was saved."))
                return redirect("signing:images")
    return _page(request, signature_form=SignatureForm(), seal_form=form, status=status)


@login_required
def image_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The PNG itself, for the owner (a seal: members of its unit); 404 for anyone else."""
    image: SignatureImage = images.signature_image_for_user(_user(request), pk)
    response = HttpResponse(images.signature_image_bytes(image), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="{image.kind}-{image.pk}.png"'
    return response
