"""Two-step signature requests at /api/v1/signatures/requests, for the signing agent.

The agent on the official's computer authenticates as the official (an OAuth bearer token, or
the web session) AND holds the request's capability secret: a request of someone else, or a
wrong secret, answers 404 like a request that does not exist.

- GET  /requests                    the caller's pending requests (the agent polls this)
- GET  /requests/{id}?secret=...    what to sign: data_to_sign (base64), digest algorithm,
                                    the certificate's fingerprint and subject
- POST /requests/{id}/signature     {secret, signature_value (base64)} → the request's state
- POST /requests/{id}/cancel        {secret} → the request's state
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from vcnet.core.api_auth import current_user
from vcnet.core.pagination import CursorPage, CursorParams, paginate
from vcnet.signing import requests as signing_requests
from vcnet.signing.errors import SigningError
from vcnet.signing.models import SignatureRequest

router = Router(tags=["signatures"])


class RequestOut(Schema):
    """A signature request as its owner sees it."""

    id: int
    state: str = Field(description="pending, done, failed, cancelled or expired.")
    state_label: str
    purpose: str
    subject_id: str
    signer: str = Field(description="The certificate's common name.")
    certificate_fingerprint: str = Field(description="SHA-256 of the certificate, hex.")
    expires_at: dt.datetime
    error: str
    page_url: str

    @staticmethod
    def resolve_state_label(obj: SignatureRequest) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_signer(obj: SignatureRequest) -> str:
        return obj.certificate.common_name

    @staticmethod
    def resolve_certificate_fingerprint(obj: SignatureRequest) -> str:
        return obj.certificate.fingerprint

    @staticmethod
    def resolve_page_url(obj: SignatureRequest) -> str:
        return reverse("signing:request", args=[obj.pk])


class PendingOut(RequestOut):
    """A pending request in the owner's list, with the capability the agent needs."""

    secret: str


class PendingPage(CursorPage[PendingOut]):
    """One page of the caller's pending requests."""


class SecretIn(Schema):
    """The request's capability secret (shown on its page, in the agent's command line)."""

    secret: str = Field(min_length=1, max_length=64)


class ToSignOut(RequestOut):
    """What the agent signs: RSA PKCS#1 v1.5 (or ECDSA) with `digest_algorithm` over the
    decoded `data_to_sign` (the DER of the CMS signed attributes)."""

    data_to_sign: str = Field(description="Base64.")
    digest_algorithm: str
    certificate_subject: str
    certificate_pem: str

    @staticmethod
    def resolve_data_to_sign(obj: SignatureRequest) -> str:
        return base64.b64encode(signing_requests.data_to_sign(obj)).decode("ascii")

    @staticmethod
    def resolve_certificate_subject(obj: SignatureRequest) -> str:
        return obj.certificate.subject

    @staticmethod
    def resolve_certificate_pem(obj: SignatureRequest) -> str:
        return obj.certificate.certificate_pem


class SignatureIn(SecretIn):
    """The signature value computed by the token, base64."""

    signature_value: str = Field(min_length=1, max_length=4096)


def _decode(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SigningError(_("The signature value is not valid base64.")) from None


@router.get("/requests", response=PendingPage, summary="My pending signature requests")
def requests_pending(request: HttpRequest, page: Query[CursorParams]) -> dict[str, object]:
    user = current_user(request)
    return paginate(
        signing_requests.signature_requests_pending(user), params=page, key="created_at"
    )


@router.get("/requests/{request_id}", response=ToSignOut, summary="What to sign")
def request_detail(request: HttpRequest, request_id: int, secret: str) -> SignatureRequest:
    return signing_requests.signature_request_for_user(
        current_user(request), request_id, secret=secret
    )


@router.post(
    "/requests/{request_id}/signature", response=RequestOut, summary="Post the signature value"
)
def request_signature(
    request: HttpRequest, request_id: int, payload: SignatureIn
) -> SignatureRequest:
    user = current_user(request)
    sig_request = signing_requests.signature_request_for_user(
        user, request_id, secret=payload.secret
    )
    signing_requests.signature_request_complete(
        request=sig_request, signature_value=_decode(payload.signature_value), actor=user
    )
    return sig_request


@router.post("/requests/{request_id}/cancel", response=RequestOut, summary="Cancel a request")
def request_cancel(request: HttpRequest, request_id: int, payload: SecretIn) -> SignatureRequest:
    user = current_user(request)
    sig_request = signing_requests.signature_request_for_user(
        user, request_id, secret=payload.secret
    )
    return signing_requests.signature_request_cancel(actor=user, request=sig_request)
