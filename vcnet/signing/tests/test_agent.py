"""The signing agent and its API: a USB token (SoftHSM) signs a pending request through the
HTTP API of a live server; the API and the request's page answer only the request's owner."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from vcnet.accounts.models import User
from vcnet.signing import ca, requests
from vcnet.signing.models import Authority, Certificate, SignatureRequest
from vcnet.signing.tests._softhsm import (
    SoftToken,
    pdf_make,
    pdfsig_report,
    platform_certificate_pem,
    pyhanko_status,
    softhsm,  # noqa: F401  (fixture)
    test_ca,  # noqa: F401  (fixture)
)

PURPOSE = "tests.agent"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def remote_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def received() -> Iterator[list[tuple[int, bytes]]]:
    calls: list[tuple[int, bytes]] = []
    requests.HANDLERS[PURPOSE] = lambda request, pdf: calls.append((request.pk, pdf))
    requests.DESCRIBERS[PURPOSE] = lambda request: f"Quyết định số {request.subject_id}/QĐ-BTGTU"
    yield calls
    requests.HANDLERS.pop(PURPOSE, None)
    requests.DESCRIBERS.pop(PURPOSE, None)


def _access_token(user: User, token: str) -> str:
    application = Application.objects.create(
        name="Trình ký số VCNET",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="vn.vcnet.agent://oauth",
    )
    AccessToken.objects.create(
        user=user,
        application=application,
        token=token,
        expires=timezone.now() + dt.timedelta(hours=1),
        scope="read write",
    )
    return token


def _register(leader: User, public_key: Any, **kwargs: Any) -> Certificate:
    cert_pem, chain_pem = platform_certificate_pem(public_key, common_name="Nguyễn Văn An")
    return ca.certificate_register_external(
        actor=leader, certificate_pem=cert_pem, chain_pem=chain_pem, **kwargs
    )


def _start(leader: User, certificate: Certificate) -> SignatureRequest:
    return requests.signature_request_start(
        actor=leader,
        certificate=certificate,
        data=pdf_make(),
        purpose=PURPOSE,
        subject_id="15",
        reason="Ký ban hành",
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The agent against a live server, with the token --------------------------------------
@pytest.mark.django_db(transaction=True)
def test_agent_signs_a_request_on_the_token_end_to_end(
    live_server: Any,
    leader: User,
    platform_ca: Authority,
    softhsm: SoftToken,  # noqa: F811
    received: list[tuple[int, bytes]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    certificate = _register(
        leader,
        softhsm.public_key,
        source="pkcs11",
        pkcs11_module=softhsm.module,
        pkcs11_token=softhsm.label,
        pkcs11_key=softhsm.key_label,
    )
    request = _start(leader, certificate)
    # The command as the request's page gives it, with its short-lived access token.
    page = _client(leader).post(f"/signing/requests/{request.pk}/agent/")
    match = re.search(r"VCNET_TOKEN=([A-Za-z0-9_-]+) vcnet signing agent", page.content.decode())
    assert match, page.content.decode()
    assert page["Cache-Control"] == "no-store"
    monkeypatch.setenv("VCNET_TOKEN", match.group(1))
    monkeypatch.setenv("TOKEN_PIN", softhsm.pin)

    call_command(
        "signing",
        "agent",
        "--url",
        live_server.url,
        "--request",
        str(request.pk),
        "--secret",
        request.secret,
        "--module",
        softhsm.module,
        "--token",
        softhsm.label,
        "--key",
        softhsm.key_label,
        "--pin-env",
        "TOKEN_PIN",
    )

    request.refresh_from_db()
    assert request.state == SignatureRequest.State.DONE
    assert [pk for pk, _pdf in received] == [request.pk]
    signed = received[0][1]
    status: Any = pyhanko_status(signed, ca.platform_root_pem())
    assert status.intact and status.valid and status.trusted
    report = pdfsig_report(signed, tmp_path)
    assert "Signature is Valid." in report
    assert "Nguyễn Văn An" in report


@pytest.mark.django_db(transaction=True)
def test_agent_signs_my_pending_requests_and_a_wrong_pin_signs_nothing(
    live_server: Any,
    leader: User,
    platform_ca: Authority,
    softhsm: SoftToken,  # noqa: F811
    received: list[tuple[int, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    certificate = _register(
        leader,
        softhsm.public_key,
        source="pkcs11",
        pkcs11_module=softhsm.module,
        pkcs11_token=softhsm.label,
        pkcs11_key="",  # found on the token by the certificate
    )
    first, second = _start(leader, certificate), _start(leader, certificate)
    monkeypatch.setenv("VCNET_TOKEN", _access_token(leader, "agent-token-poll"))
    base = [
        "signing",
        "agent",
        "--url",
        live_server.url,
        "--module",
        softhsm.module,
        "--token",
        softhsm.label,
        "--pin-env",
        "TOKEN_PIN",
    ]

    monkeypatch.setenv("TOKEN_PIN", "000000")
    with pytest.raises(CommandError, match=r"The PIN is wrong\."):
        call_command(*base)
    assert received == []

    monkeypatch.setenv("TOKEN_PIN", softhsm.pin)
    call_command(*base)

    assert sorted(pk for pk, _pdf in received) == [first.pk, second.pk]
    assert not SignatureRequest.objects.filter(state=SignatureRequest.State.PENDING).exists()


@pytest.mark.django_db(transaction=True)
def test_agent_without_an_access_token_stops_with_a_clear_message(
    live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VCNET_TOKEN", raising=False)
    with pytest.raises(CommandError, match="VCNET_TOKEN"):
        call_command(
            "signing", "agent", "--url", live_server.url, "--module", "x.so", "--token", "t"
        )


# --- The API, from the outside --------------------------------------------------------------
@pytest.fixture
def remote_request(
    leader: User,
    platform_ca: Authority,
    remote_key: rsa.RSAPrivateKey,
    received: list[tuple[int, bytes]],
) -> SignatureRequest:
    certificate = _register(leader, remote_key.public_key(), source="remote", provider="agent")
    return _start(leader, certificate)


def _value(key: rsa.RSAPrivateKey, data_b64: str) -> str:
    signature = key.sign(base64.b64decode(data_b64), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


@pytest.mark.django_db
def test_api_gives_the_owner_what_to_sign_and_takes_the_signature(
    leader: User,
    remote_request: SignatureRequest,
    remote_key: rsa.RSAPrivateKey,
    received: list[tuple[int, bytes]],
) -> None:
    client = _client(leader)
    url = f"/api/v1/signatures/requests/{remote_request.pk}"

    detail = client.get(url, {"secret": remote_request.secret})

    assert detail.status_code == 200
    body = detail.json()
    assert body["state"] == "pending"
    assert body["digest_algorithm"] == "sha256"
    assert body["certificate_fingerprint"] == remote_request.certificate.fingerprint
    assert "Nguyễn Văn An" in body["certificate_subject"]
    assert base64.b64decode(body["data_to_sign"]) == requests.data_to_sign(remote_request)

    done = client.post(
        f"{url}/signature",
        {
            "secret": remote_request.secret,
            "signature_value": _value(remote_key, body["data_to_sign"]),
        },
        content_type="application/json",
    )

    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done"
    assert [pk for pk, _pdf in received] == [remote_request.pk]


@pytest.mark.django_db
def test_api_refuses_a_tampered_signature_and_the_request_waits(
    leader: User,
    remote_request: SignatureRequest,
    remote_key: rsa.RSAPrivateKey,
    received: list[tuple[int, bytes]],
) -> None:
    client = _client(leader)
    url = f"/api/v1/signatures/requests/{remote_request.pk}/signature"
    data_b64 = base64.b64encode(requests.data_to_sign(remote_request)).decode()
    good = base64.b64decode(_value(remote_key, data_b64))
    tampered = base64.b64encode(good[:-1] + bytes([good[-1] ^ 0xFF])).decode()

    refused = client.post(
        url,
        {"secret": remote_request.secret, "signature_value": tampered},
        content_type="application/json",
    )
    not_base64 = client.post(
        url,
        {"secret": remote_request.secret, "signature_value": "không phải base64!"},
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert refused["Content-Type"].startswith(PROBLEM)
    assert "không khớp" in refused.json()["detail"]  # the API speaks Vietnamese by default
    assert not_base64.status_code == 400
    assert "base64" in not_base64.json()["detail"]
    assert SignatureRequest.objects.get(pk=remote_request.pk).state == "pending"
    assert received == []


@pytest.mark.django_db
def test_api_hides_a_request_from_anyone_else(
    official: User,
    outsider: User,
    leader: User,
    remote_request: SignatureRequest,
    remote_key: rsa.RSAPrivateKey,
    received: list[tuple[int, bytes]],
) -> None:
    url = f"/api/v1/signatures/requests/{remote_request.pk}"
    data_b64 = base64.b64encode(requests.data_to_sign(remote_request)).decode()
    payload = {"secret": remote_request.secret, "signature_value": _value(remote_key, data_b64)}

    for user in (official, outsider):
        client = _client(user)
        assert client.get(url, {"secret": remote_request.secret}).status_code == 404
        posted = client.post(f"{url}/signature", payload, content_type="application/json")
        assert posted.status_code == 404
        assert client.get("/api/v1/signatures/requests").json()["items"] == []
    wrong_secret = _client(leader).get(url, {"secret": "doan-mo"})
    anonymous = Client().get(url, {"secret": remote_request.secret})

    assert wrong_secret.status_code == 404
    assert anonymous.status_code == 401
    assert SignatureRequest.objects.get(pk=remote_request.pk).state == "pending"
    assert received == []


@pytest.mark.django_db
def test_api_lists_my_pending_requests_for_a_bearer_token(
    leader: User, remote_request: SignatureRequest
) -> None:
    token = _access_token(leader, "poll-token")

    listed = Client().get("/api/v1/signatures/requests", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [(i["id"], i["secret"], i["state"]) for i in items] == [
        (remote_request.pk, remote_request.secret, "pending")
    ]
    assert items[0]["page_url"] == f"/signing/requests/{remote_request.pk}/"


@pytest.mark.django_db
def test_api_cancel(leader: User, remote_request: SignatureRequest) -> None:
    client = _client(leader)
    url = f"/api/v1/signatures/requests/{remote_request.pk}/cancel"

    cancelled = client.post(url, {"secret": remote_request.secret}, content_type="application/json")
    again = client.post(url, {"secret": remote_request.secret}, content_type="application/json")

    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    assert again.status_code == 409


# --- The request's page -----------------------------------------------------------------------
@pytest.mark.django_db
def test_page_shows_the_agent_command_and_the_live_state(
    leader: User,
    official: User,
    remote_request: SignatureRequest,
    remote_key: rsa.RSAPrivateKey,
) -> None:
    client = _client(leader)
    page_url = f"/signing/requests/{remote_request.pk}/"

    page = client.get(page_url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Quyết định số 15/QĐ-BTGTU" in html
    assert "vcnet signing agent" in html
    assert remote_request.secret in html
    assert 'hx-trigger="every 2s"' in html
    assert _client(official).get(page_url).status_code == 404
    assert Client().get(page_url).status_code == 302  # to the sign-in page

    state_url = f"/signing/requests/{remote_request.pk}/state/"
    waiting = client.get(state_url, HTTP_HX_REQUEST="true")
    assert waiting.status_code == 200
    requests.signature_request_complete(
        request=remote_request,
        signature_value=remote_key.sign(
            requests.data_to_sign(remote_request), padding.PKCS1v15(), hashes.SHA256()
        ),
    )
    finished = client.get(state_url, HTTP_HX_REQUEST="true")
    assert finished.status_code == 286  # htmx stops polling
    assert 'hx-trigger="every 2s"' not in finished.content.decode()
    assert remote_request.secret not in client.get(page_url).content.decode()


@pytest.mark.django_db
def test_page_cancel(leader: User, official: User, remote_request: SignatureRequest) -> None:
    cancel_url = f"/signing/requests/{remote_request.pk}/cancel/"

    assert _client(official).post(cancel_url).status_code == 404
    response = _client(leader).post(cancel_url)

    assert response.status_code == 302
    assert SignatureRequest.objects.get(pk=remote_request.pk).state == "cancelled"


@pytest.mark.django_db
def test_agent_token_is_for_the_owner_of_a_pending_request_only(
    leader: User, official: User, remote_request: SignatureRequest
) -> None:
    url = f"/signing/requests/{remote_request.pk}/agent/"

    assert _client(official).post(url).status_code == 404
    assert not AccessToken.objects.exists()
    assert _client(leader).post(url).status_code == 200
    token = AccessToken.objects.get()
    assert token.user == leader
    assert token.expires == remote_request.expires_at

    requests.signature_request_cancel(actor=leader, request=remote_request)
    assert _client(leader).post(url).status_code == 302  # with a message: no longer waiting
    assert AccessToken.objects.count() == 1
