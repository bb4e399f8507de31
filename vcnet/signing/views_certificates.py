"""The "My signature" pages: my certificates, my units' seals, and (staff) all certificates and
the trusted roots. Thin: forms parse, `vcnet.signing.ca` decides."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.errors import DomainError, NotFound
from vcnet.signing import ca
from vcnet.signing.authority import authority_find
from vcnet.signing.forms_certificates import (
    REASON_CHOICES,
    ImportPkcs12Form,
    IssuePersonalForm,
    RegisterExternalForm,
    RevokeForm,
    SealIssueForm,
    TrustedRootForm,
)
from vcnet.signing.models import Authority, Certificate, TrustedRoot

REASONS = dict(REASON_CHOICES)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _refuse(form: forms.Form, exc: DomainError) -> None:
    if isinstance(exc, NotFound):
        raise exc
    form.add_error(None, str(exc.message))


def reason_label(reason: str) -> str:
    """The revocation reason as people read it."""
    code, _sep, detail = reason.partition(":")
    label = REASONS.get(code.strip())
    if label is None:
        return reason
    return f"{label}: {detail.strip()}" if detail.strip() else str(label)


def _seal_units(user: User) -> list[dict[str, Any]]:
    memberships = Membership.objects.filter(user=user).select_related("unit")
    units: dict[int, dict[str, Any]] = {}
    for membership in memberships:
        entry = units.setdefault(
            membership.unit_id, {"unit": membership.unit, "admin": False, "certificates": []}
        )
        if membership.role == Role.UNIT_ADMIN or user.is_staff:
            entry["admin"] = True
    seals = Certificate.objects.filter(
        purpose=Certificate.Purpose.SEAL, unit_id__in=list(units)
    ).order_by("-created_at")
    for seal in seals:
        assert seal.unit_id is not None  # noqa: S101  (a seal always has its unit)
        units[seal.unit_id]["certificates"].append(seal)
    return sorted(units.values(), key=lambda e: e["unit"].path)


def _home(request: HttpRequest, **bound: forms.Form) -> HttpResponse:
    user = _user(request)
    mine = (
        Certificate.objects.filter(owner=user, purpose=Certificate.Purpose.PERSONAL)
        .select_related("issued_by")
        .order_by("-created_at")
    )
    context = {
        "certificates": list(mine),
        "seal_units": _seal_units(user),
        "is_member": Membership.objects.filter(user=user).exists(),
        "ca_ready": authority_find(Authority.Role.ISSUING) is not None,
        "issue_form": bound.get("issue_form") or IssuePersonalForm(),
        "p12_form": bound.get("p12_form") or ImportPkcs12Form(),
        "token_form": bound.get("token_form") or RegisterExternalForm(),
        "revoke_form": RevokeForm(),
        "seal_form": SealIssueForm(),
        "reason_label": reason_label,
    }
    return render(request, "signing/certificates.html", context, status=400 if bound else 200)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My signature: my certificates, my units' seals, and how to get a certificate."""
    return _home(request)


@login_required
@require_POST
def issue_personal(request: HttpRequest) -> HttpResponse:
    """Issue me a certificate from the platform CA; the key is protected by my PIN."""
    form = IssuePersonalForm(request.POST)
    if form.is_valid():
        try:
            ca.certificate_issue_personal(
                actor=_user(request),
                user=_user(request),
                pin=form.cleaned_data["pin"],
                years=form.cleaned_data["years"],
                request=request,
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("Your signing certificate was issued."))
            return redirect("signing:certificates")
    return _home(request, issue_form=form)


@login_required
@require_POST
def import_pkcs12(request: HttpRequest) -> HttpResponse:
    """Import my PKCS#12 file; the password only opens it, my PIN protects the key."""
    form = ImportPkcs12Form(request.POST, request.FILES)
    if form.is_valid():
        try:
            ca.certificate_import_pkcs12(
                actor=_user(request),
                data=form.cleaned_data["file"],
                password=form.cleaned_data["password"] or "",
                pin=form.cleaned_data["pin"],
                request=request,
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("The certificate was imported."))
            return redirect("signing:certificates")
    return _home(request, p12_form=form)


@login_required
@require_POST
def register_external(request: HttpRequest) -> HttpResponse:
    """Register the certificate of my USB token (or a token on the server), or have the
    platform certify the token's key from a certificate request made on it."""
    form = RegisterExternalForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        where = {
            "source": data["source"],
            "pkcs11_module": data.get("pkcs11_module") or "",
            "pkcs11_token": data.get("pkcs11_token") or "",
            "pkcs11_key": data.get("pkcs11_key") or "",
            "provider": "agent" if data["source"] == Certificate.Source.REMOTE else "",
        }
        try:
            if ca.is_certificate_request(data["certificate"]):
                # A request made on the token: the platform CA certifies the token's key.
                ca.certificate_issue_csr(
                    actor=_user(request), csr=data["certificate"], request=request, **where
                )
            else:
                ca.certificate_register_external(
                    actor=_user(request),
                    certificate_pem=data["certificate"],
                    request=request,
                    **where,
                )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("The token's certificate was registered."))
            return redirect("signing:certificates")
    return _home(request, token_form=form)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One certificate: its subject, issuer, validity, fingerprint and state."""
    certificate = ca.certificate_for_user(_user(request), pk)
    return render(
        request,
        "signing/certificates_detail.html",
        {
            "certificate": certificate,
            "can_revoke": certificate.status == Certificate.Status.ACTIVE
            and ca.can_manage_certificate(_user(request), certificate),
            "revoke_form": RevokeForm(),
            "revocation_reason": reason_label(certificate.revocation_reason),
        },
    )


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate itself (PEM), never its key."""
    certificate = ca.certificate_for_user(_user(request), pk)
    response = HttpResponse(certificate.certificate_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.pk}.pem"'
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a certificate, with the reason."""
    certificate = ca.certificate_for_user(_user(request), pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the reason for revoking the certificate."))
        return redirect("signing:certificate", pk=certificate.pk)
    try:
        ca.certificate_revoke(
            actor=_user(request),
            certificate=certificate,
            reason=form.reason_text(),
            request=request,
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The certificate was revoked."))
    return redirect("signing:certificate", pk=certificate.pk)


@login_required
@require_POST
def issue_seal(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Issue my unit its seal certificate (unit administrators)."""
    unit = get_object_or_404(Unit, pk=unit_id)
    form = SealIssueForm(request.POST)
    years = form.cleaned_data["years"] if form.is_valid() else 3
    try:
        ca.certificate_issue_seal(actor=_user(request), unit=unit, years=years, request=request)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The seal certificate of %(unit)s was issued.") % {"unit": unit.name}
        )
    return redirect("signing:certificates")


@staff_member_required
def all_certificates(request: HttpRequest) -> HttpResponse:
    """Every certificate (staff), searchable by name and serial, with its state."""
    q = (request.GET.get("q") or "").strip()
    rows = Certificate.objects.select_related("owner", "unit").order_by("-created_at")
    if q:
        rows = rows.filter(
            Q(common_name__icontains=q)
            | Q(serial__icontains=q)
            | Q(owner__full_name__icontains=q)
            | Q(unit__name__icontains=q)
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "signing/certificates_all.html",
        {"page": page, "q": q},
    )


@staff_member_required
def trusted_roots(request: HttpRequest) -> HttpResponse:
    """The roots VCNET trusts when validating, and a form to add a national root (staff)."""
    form = TrustedRootForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            root = ca.trusted_root_add(
                actor=_user(request),
                certificate_pem=form.cleaned_data["certificate"],
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except DomainError as exc:
            _refuse(form, exc)
        else:
            messages.success(request, _("%(name)s is now trusted.") % {"name": root.name})
            return redirect("signing:ca_roots")
    platform = authority_find(Authority.Role.ROOT)
    return render(
        request,
        "signing/ca_roots.html",
        {
            "form": form,
            "roots": list(TrustedRoot.objects.all()),
            "platform_root": platform,
            "authorities": list(Authority.objects.filter(active=True).order_by("pk")),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_member_required
@require_POST
def trusted_root_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop trusting a root, or trust it again (staff)."""
    root = get_object_or_404(TrustedRoot, pk=pk)
    ca.trusted_root_set_active(
        actor=_user(request), root=root, active=not root.active, request=request
    )
    messages.success(request, _("The list of trusted roots was updated."))
    return redirect("signing:ca_roots")
