"""The platform CA's public endpoints: certificates, CRLs, OCSP and the timestamping service.

They answer anyone (validators, PDF readers, other TSA clients) without signing in, and
without CSRF tokens: they are machine protocols (RFC 5280, RFC 6960, RFC 3161).
"""

from __future__ import annotations

import base64
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from vcnet.signing import ca
from vcnet.signing.authority import authority_find
from vcnet.signing.models import Authority

# Requests larger than this are not OCSP or timestamp requests.
MAX_REQUEST_BYTES = 16 * 1024


def _certificate(role: str, filename: str) -> HttpResponse:
    authority = authority_find(role)
    if authority is None:
        return HttpResponse(status=404)
    cert = x509.load_pem_x509_certificate(authority.certificate_pem.encode("ascii"))
    response = HttpResponse(
        cert.public_bytes(serialization.Encoding.DER), content_type="application/pkix-cert"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def root_certificate(request: HttpRequest) -> HttpResponse:
    """The platform root certificate (DER), to install as trusted."""
    return _certificate(Authority.Role.ROOT, "vcnet-root-ca.crt")


@require_GET
@cache_control(public=True, max_age=3600)
def issuing_certificate(request: HttpRequest) -> HttpResponse:
    """The issuing CA's certificate (DER): the AIA "CA issuers" address of issued certificates."""
    return _certificate(Authority.Role.ISSUING, "vcnet-issuing-ca.crt")


def _crl(role: str) -> HttpResponse:
    der = ca.crl_der(role)
    if not der:
        return HttpResponse(status=404)
    return HttpResponse(der, content_type="application/pkix-crl")


@require_GET
@cache_control(public=True, max_age=300)
def crl(request: HttpRequest) -> HttpResponse:
    """The issuing CA's current CRL (DER)."""
    return _crl(Authority.Role.ISSUING)


@require_GET
@cache_control(public=True, max_age=3600)
def root_crl(request: HttpRequest) -> HttpResponse:
    """The root's CRL (DER): the status of the issuing CA."""
    return _crl(Authority.Role.ROOT)


def _body(request: HttpRequest) -> bytes | None:
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_REQUEST_BYTES:
        return None
    return request.body


@csrf_exempt
def ocsp(request: HttpRequest, encoded: str = "") -> HttpResponse:
    """OCSP (RFC 6960): POST application/ocsp-request, or GET with the request in the path."""
    if request.method == "POST":
        body = _body(request)
    elif request.method == "GET" and encoded:
        try:
            body = base64.b64decode(unquote(encoded), validate=False)
        except ValueError:
            body = b""
    else:
        return HttpResponseNotAllowed(["GET", "POST"])
    if body is None:
        return HttpResponse(status=413)
    return HttpResponse(ca.ocsp_response(body), content_type="application/ocsp-response")


@csrf_exempt
def tsa(request: HttpRequest) -> HttpResponse:
    """RFC 3161 timestamps: POST application/timestamp-query → application/timestamp-reply."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = _body(request)
    if body is None:
        return HttpResponse(status=413)
    return HttpResponse(ca.tsa_response(body), content_type="application/timestamp-reply")
