"""Two-step signatures (requests.py): start, complete with the key holder's value, refuse a
wrong value, expire, cancel; only the owner may see or complete a request."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from django.utils import timezone

from vcnet.accounts.models import Unit, User
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.signing import ca, requests
from vcnet.signing.errors import CertificateUnusable, SigningError
from vcnet.signing.models import Authority, Certificate, SignatureRequest
from vcnet.signing.tests._softhsm import (
    pdf_make,
    pdfsig_report,
    platform_certificate_pem,
    pyhanko_status,
)

pytestmark = pytest.mark.django_db

PURPOSE = "tests.record"


@pytest.fixture(scope="session")
def remote_key() -> rsa.RSAPrivateKey:
    """The key "at the remote service": the tests compute its signatures themselves."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def received() -> Iterator[list[tuple[SignatureRequest, bytes]]]:
    """A handler of our own for the tests' purpose; records what it was handed."""
    calls: list[tuple[SignatureRequest, bytes]] = []
    requests.HANDLERS[PURPOSE] = lambda request, pdf: calls.append((request, pdf))
    yield calls
    requests.HANDLERS.pop(PURPOSE, None)


@pytest.fixture
def remote_certificate(
    leader: User, platform_ca: Authority, remote_key: rsa.RSAPrivateKey
) -> Certificate:
    cert_pem, chain_pem = platform_certificate_pem(
        remote_key.public_key(), common_name="Nguyễn Văn An"
    )
    return ca.certificate_register_external(
        actor=leader,
        certificate_pem=cert_pem,
        chain_pem=chain_pem,
        source="remote",
        provider="agent",
    )


def _sign(key: rsa.RSAPrivateKey, request: SignatureRequest) -> bytes:
    return key.sign(requests.data_to_sign(request), padding.PKCS1v15(), hashes.SHA256())


def _start(leader: User, certificate: Certificate) -> SignatureRequest:
    return requests.signature_request_start(
        actor=leader,
        certificate=certificate,
        data=pdf_make(),
        purpose=PURPOSE,
        subject_id="42",
        reason="Ký ban hành",
    )


def test_start_prepares_and_waits_fifteen_minutes(
    leader: User, remote_certificate: Certificate, received: list[Any]
) -> None:
    request = _start(leader, remote_certificate)

    assert request.state == SignatureRequest.State.PENDING
    assert request.prepared.name and request.prepared.storage.exists(request.prepared.name)
    assert (
        dt.timedelta(minutes=14) < request.expires_at - timezone.now() <= dt.timedelta(minutes=15)
    )
    assert len(request.secret) >= 32
    assert requests.data_to_sign(request)[:1] == b"\x31"  # DER SET OF signed attributes
    assert received == []


def test_complete_embeds_the_signature_and_calls_the_handler(
    leader: User,
    remote_certificate: Certificate,
    remote_key: rsa.RSAPrivateKey,
    received: list[tuple[SignatureRequest, bytes]],
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    request = _start(leader, remote_certificate)
    prepared_name = request.prepared.name

    with django_capture_on_commit_callbacks(execute=True):
        signed = requests.signature_request_complete(
            request=request, signature_value=_sign(remote_key, request)
        )

    request.refresh_from_db()
    assert request.state == SignatureRequest.State.DONE
    assert request.completed_at is not None
    assert [(r.pk, pdf) for r, pdf in received] == [(request.pk, signed)]
    status: Any = pyhanko_status(signed, ca.platform_root_pem())
    assert status.intact and status.valid and status.trusted
    assert "Signature is Valid." in pdfsig_report(signed, tmp_path)
    assert not request.prepared.storage.exists(prepared_name)  # nothing left behind


def test_a_tampered_signature_value_is_refused_and_the_request_waits(
    leader: User,
    remote_certificate: Certificate,
    remote_key: rsa.RSAPrivateKey,
    received: list[Any],
) -> None:
    request = _start(leader, remote_certificate)
    good = _sign(remote_key, request)
    tampered = bytes([good[0] ^ 0x01]) + good[1:]

    with pytest.raises(SigningError, match="does not match"):
        requests.signature_request_complete(request=request, signature_value=tampered)

    request.refresh_from_db()
    assert request.state == SignatureRequest.State.PENDING
    assert received == []
    # The right value still completes it.
    requests.signature_request_complete(request=request, signature_value=good)
    request.refresh_from_db()
    assert request.state == SignatureRequest.State.DONE


def test_a_signature_by_another_key_is_refused(
    leader: User, remote_certificate: Certificate, received: list[Any]
) -> None:
    request = _start(leader, remote_certificate)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(SigningError):
        requests.signature_request_complete(request=request, signature_value=_sign(other, request))

    assert SignatureRequest.objects.get(pk=request.pk).state == SignatureRequest.State.PENDING


def test_an_expired_request_cannot_be_completed(
    leader: User,
    remote_certificate: Certificate,
    remote_key: rsa.RSAPrivateKey,
    received: list[Any],
) -> None:
    request = _start(leader, remote_certificate)
    SignatureRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    request.refresh_from_db()

    with pytest.raises(SigningError, match="expired"):
        requests.signature_request_complete(
            request=request, signature_value=_sign(remote_key, request)
        )

    request.refresh_from_db()
    assert request.state == SignatureRequest.State.EXPIRED
    assert received == []


def test_overdue_requests_are_expired_in_bulk(
    leader: User, remote_certificate: Certificate, received: list[Any]
) -> None:
    first, second = _start(leader, remote_certificate), _start(leader, remote_certificate)
    SignatureRequest.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    assert requests.signature_requests_expire() == 1
    assert SignatureRequest.objects.get(pk=first.pk).state == SignatureRequest.State.EXPIRED
    assert list(requests.signature_requests_pending(leader)) == [second]


def test_cancel_then_completing_is_a_conflict(
    leader: User,
    remote_certificate: Certificate,
    remote_key: rsa.RSAPrivateKey,
    received: list[Any],
) -> None:
    request = _start(leader, remote_certificate)

    requests.signature_request_cancel(actor=leader, request=request)

    assert request.state == SignatureRequest.State.CANCELLED
    with pytest.raises(Conflict):
        requests.signature_request_complete(
            request=request, signature_value=_sign(remote_key, request)
        )
    with pytest.raises(Conflict):
        requests.signature_request_cancel(actor=leader, request=request)
    assert received == []


def test_a_handler_refusing_fails_the_request_and_keeps_nothing(
    leader: User,
    remote_certificate: Certificate,
    remote_key: rsa.RSAPrivateKey,
) -> None:
    def refuse(request: SignatureRequest, pdf: bytes) -> None:
        raise DomainError("Văn bản đã được ký bởi người khác.")

    requests.HANDLERS[PURPOSE] = refuse
    try:
        request = _start(leader, remote_certificate)
        with pytest.raises(DomainError):
            requests.signature_request_complete(
                request=request, signature_value=_sign(remote_key, request)
            )
    finally:
        requests.HANDLERS.pop(PURPOSE, None)

    request.refresh_from_db()
    assert request.state == SignatureRequest.State.FAILED
    assert request.error == "Văn bản đã được ký bởi người khác."


def test_only_the_owner_reaches_a_request(
    leader: User,
    official: User,
    outsider: User,
    remote_certificate: Certificate,
    received: list[Any],
) -> None:
    request = _start(leader, remote_certificate)

    assert requests.signature_request_for_user(leader, request.pk, secret=request.secret) == request
    for user in (official, outsider):
        with pytest.raises(NotFound):
            requests.signature_request_for_user(user, request.pk, secret=request.secret)
    with pytest.raises(NotFound):
        requests.signature_request_for_user(leader, request.pk, secret="sai-bi-mat")
    with pytest.raises(NotFound):
        requests.signature_request_for_user(leader, request.pk + 1000)
    with pytest.raises(NotFound):
        requests.signature_request_cancel(actor=official, request=request)


def test_nobody_else_may_start_with_my_certificate(
    official: User, remote_certificate: Certificate, received: list[Any]
) -> None:
    with pytest.raises(PermissionDeniedError):
        requests.signature_request_start(
            actor=official,
            certificate=remote_certificate,
            data=pdf_make(),
            purpose=PURPOSE,
            subject_id="42",
        )
    assert not SignatureRequest.objects.exists()


def test_a_revoked_certificate_cannot_start(
    leader: User, admin: User, remote_certificate: Certificate, received: list[Any]
) -> None:
    ca.certificate_revoke(actor=admin, certificate=remote_certificate, reason="Thu hồi")

    with pytest.raises(CertificateUnusable):
        _start(leader, Certificate.objects.get(pk=remote_certificate.pk))
    assert not SignatureRequest.objects.exists()


def test_a_bad_pdf_leaves_no_request(
    leader: User, remote_certificate: Certificate, received: list[Any]
) -> None:
    with pytest.raises(SigningError):
        requests.signature_request_start(
            actor=leader,
            certificate=remote_certificate,
            data=pdf_make()[:300],
            purpose=PURPOSE,
            subject_id="42",
        )
    assert not SignatureRequest.objects.exists()


def test_an_unknown_purpose_is_refused(leader: User, remote_certificate: Certificate) -> None:
    with pytest.raises(SigningError):
        requests.signature_request_start(
            actor=leader,
            certificate=remote_certificate,
            data=pdf_make(),
            purpose="khong-ai-cho",
            subject_id="42",
        )


def test_a_seal_on_a_token_is_for_the_units_clerk(
    clerk: User,
    official: User,
    province: Unit,
    admin: User,
    platform_ca: Authority,
    remote_key: rsa.RSAPrivateKey,
    received: list[Any],
) -> None:
    cert_pem, chain_pem = platform_certificate_pem(
        remote_key.public_key(), common_name="Ban Tuyên giáo Tỉnh ủy Nghệ An"
    )
    seal = ca.certificate_register_external(
        actor=admin,
        unit=province,
        certificate_pem=cert_pem,
        chain_pem=chain_pem,
        source="remote",
        provider="agent",
    )

    request = _start(clerk, seal)
    requests.signature_request_complete(request=request, signature_value=_sign(remote_key, request))

    assert SignatureRequest.objects.get(pk=request.pk).state == SignatureRequest.State.DONE
    with pytest.raises(PermissionDeniedError):
        _start(official, seal)


# --- A remote signing service (Cloud Signature Consortium API v2) ----------------------------
class CscPeer:
    """A small CSC v2 service in a thread, holding the key: the external boundary."""

    def __init__(self, key: rsa.RSAPrivateKey, certificate_der: bytes) -> None:
        self.key = key
        self.certificate_der = certificate_der
        self.credential = "cred-nguyen-van-an"
        self.token = "csc-service-token"
        self.key_status = "enabled"
        self.tamper = False
        self.calls: list[str] = []
        self._sads: dict[str, list[str]] = {}
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                status, answer = peer.answer(self.path, body, self.headers.get("Authorization", ""))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/csc/v2"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str, body: dict[str, Any], auth: str) -> tuple[int, dict[str, Any]]:
        method = path.removeprefix("/csc/v2/")
        self.calls.append(method)
        if auth != f"Bearer {self.token}":
            return 401, {"error": "invalid_token"}
        if body.get("credentialID") != self.credential:
            return 400, {"error": "invalid_request", "error_description": "Invalid credentialID"}
        if method == "credentials/info":
            return 200, {
                "key": {"status": self.key_status, "algo": ["1.2.840.113549.1.1.1"], "len": 2048},
                "cert": {
                    "status": "valid",
                    "certificates": [base64.b64encode(self.certificate_der).decode()],
                },
                "authMode": "implicit",
            }
        if method == "credentials/authorize":
            sad = secrets.token_urlsafe(16)
            self._sads[sad] = body["hashes"]
            return 200, {"SAD": sad}
        if method == "signatures/signHash":
            if self._sads.pop(body.get("SAD", ""), None) != body.get("hashes"):
                return 400, {"error": "invalid_request", "error_description": "Invalid SAD"}
            values = []
            for digest in body["hashes"]:
                value = self.key.sign(
                    base64.b64decode(digest), padding.PKCS1v15(), Prehashed(hashes.SHA256())
                )
                if self.tamper:
                    value = value[:-1] + bytes([value[-1] ^ 0x55])
                values.append(base64.b64encode(value).decode())
            return 200, {"signatures": values}
        return 404, {"error": "invalid_request"}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def csc(
    leader: User,
    platform_ca: Authority,
    remote_key: rsa.RSAPrivateKey,
    settings: Any,
) -> Iterator[tuple[CscPeer, Certificate]]:
    settings.SIGNING_PROVIDERS = ["agent", "csc"]
    cert_pem, chain_pem = platform_certificate_pem(
        remote_key.public_key(), common_name="Nguyễn Văn An"
    )
    der = x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(serialization.Encoding.DER)
    peer = CscPeer(remote_key, der)
    settings.SIGNING_CSC_URL = peer.url
    settings.SIGNING_CSC_TOKEN = peer.token
    certificate = ca.certificate_register_external(
        actor=leader,
        certificate_pem=cert_pem,
        chain_pem=chain_pem,
        source="remote",
        provider="csc",
        provider_ref=peer.credential,
    )
    yield peer, certificate
    peer.close()


def test_a_remote_service_signs_through_the_csc_api(
    leader: User,
    csc: tuple[CscPeer, Certificate],
    received: list[tuple[SignatureRequest, bytes]],
    tmp_path: Path,
) -> None:
    peer, certificate = csc

    request = _start(leader, certificate)
    assert peer.calls == ["credentials/info"]
    requests.signature_request_refresh(request=request)  # what the page's polling does

    assert peer.calls[1:] == ["credentials/authorize", "signatures/signHash"]
    assert SignatureRequest.objects.get(pk=request.pk).state == SignatureRequest.State.DONE
    signed = received[0][1]
    status: Any = pyhanko_status(signed, ca.platform_root_pem())
    assert status.intact and status.valid and status.trusted
    assert "Signature is Valid." in pdfsig_report(signed, tmp_path)


def test_a_wrong_value_from_the_remote_service_is_refused(
    leader: User, csc: tuple[CscPeer, Certificate], received: list[Any]
) -> None:
    peer, certificate = csc
    peer.tamper = True
    request = _start(leader, certificate)

    with pytest.raises(SigningError, match="does not match"):
        requests.signature_request_refresh(request=request)

    assert SignatureRequest.objects.get(pk=request.pk).state == SignatureRequest.State.PENDING
    assert received == []


def test_a_disabled_remote_key_fails_at_the_start(
    leader: User, csc: tuple[CscPeer, Certificate], received: list[Any]
) -> None:
    peer, certificate = csc
    peer.key_status = "disabled"

    with pytest.raises(SigningError, match="disabled"):
        _start(leader, certificate)

    request = SignatureRequest.objects.get()
    assert request.state == SignatureRequest.State.FAILED
    assert "disabled" in request.error


def test_an_unreachable_remote_service_is_reported(
    leader: User, csc: tuple[CscPeer, Certificate], settings: Any, received: list[Any]
) -> None:
    peer, certificate = csc
    peer.close()

    with pytest.raises(SigningError, match="cannot be reached"):
        _start(leader, certificate)
