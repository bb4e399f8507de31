"""The page of a two-step signature request: what is being signed, how to sign it with the
signing agent, its live state (htmx polls every 2 s), cancelling."""

from __future__ import annotations

import shlex

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.signing import requests as signing_requests
from vcnet.signing.models import SignatureRequest
from vcnet.signing.providers import provider_for


def user_of(request: HttpRequest) -> User:
    """The signed-in user (the views are behind login_required)."""
    user = request.user
    if not isinstance(user, User):
        raise NotFound(_("This signature request does not exist."))
    return user


# htmx stops polling when an answer carries this status.
HTMX_STOP_POLLING = 286


def _default_module() -> str:
    """The token driver to suggest when the certificate names none: the first allowed one."""
    modules = list(settings.SIGNING_PKCS11_MODULES)
    return modules[0] if modules else "/usr/lib/softhsm/libsofthsm2.so"


def _agent_command(request: SignatureRequest, *, access_token: str = "") -> str:
    certificate = request.certificate
    parts = [
        "vcnet",
        "signing",
        "agent",
        "--url",
        settings.SITE_URL,
        "--request",
        str(request.pk),
        "--secret",
        request.secret,
        "--module",
        certificate.pkcs11_module or _default_module(),
        "--token",
        certificate.pkcs11_token or "TOKEN",
    ]
    if certificate.pkcs11_key:
        parts += ["--key", certificate.pkcs11_key]
    command = shlex.join(parts)
    if access_token:
        command = f"VCNET_TOKEN={shlex.quote(access_token)} {command}"
    return command


def _context(request: SignatureRequest, *, access_token: str = "") -> dict[str, object]:
    provider = provider_for(request.certificate)
    return {
        "sig_request": request,
        "certificate": request.certificate,
        "provider": provider,
        "pending": request.state == SignatureRequest.State.PENDING,
        "agent_command": (
            _agent_command(request, access_token=access_token) if provider.pulls else ""
        ),
        "agent_token": access_token,
        "description": signing_requests.request_describe(request),
    }


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A signature request of mine (404 for anyone else's)."""
    sig_request = signing_requests.signature_request_for_user(request.user, pk)
    try:
        signing_requests.signature_request_refresh(request=sig_request)
    except DomainError as exc:  # a remote service's refusal is shown with the state
        sig_request.error = str(exc.message)
    return render(request, "signing/request_detail.html", _context(sig_request))


@login_required
def request_state(request: HttpRequest, pk: int) -> HttpResponse:
    """The live state fragment; asks a remote provider for the signature while pending."""
    sig_request = signing_requests.signature_request_for_user(request.user, pk)
    try:
        signing_requests.signature_request_refresh(request=sig_request)
    except DomainError as exc:
        sig_request.error = str(exc.message)
    response = render(request, "signing/request_state.html", _context(sig_request))
    if sig_request.state != SignatureRequest.State.PENDING and request.headers.get("HX-Request"):
        response.status_code = HTMX_STOP_POLLING
    return response


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up the request."""
    sig_request = signing_requests.signature_request_for_user(request.user, pk)
    try:
        signing_requests.signature_request_cancel(actor=user_of(request), request=sig_request)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The signature request was cancelled."))
    return redirect("signing:request", pk=sig_request.pk)


@login_required
@require_POST
def request_agent_token(request: HttpRequest, pk: int) -> HttpResponse:
    """The page again, its agent command carrying a short-lived access token (shown once)."""
    sig_request = signing_requests.signature_request_for_user(request.user, pk)
    try:
        token = signing_requests.agent_token_issue(actor=user_of(request), request=sig_request)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("signing:request", pk=sig_request.pk)
    response = render(
        request, "signing/request_detail.html", _context(sig_request, access_token=token)
    )
    response["Cache-Control"] = "no-store"
    return response
