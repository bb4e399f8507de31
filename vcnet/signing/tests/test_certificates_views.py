"""The "My signature" pages and the certificates API, as people use them: issuing with a PIN,
importing a PKCS#12 file, registering a token's certificate, revoking, seals, trusted roots, and
who may see or do what."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.signing import ca, keys
from vcnet.signing.authority import authority_cert, authority_key, certificate_build, name_build
from vcnet.signing.models import Authority, Certificate, TrustedRoot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Messages are compared in English (the msgids)."""
    with translation.override("en"):
        yield


API = "/api/v1/signatures"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"  # pages are Vietnamese unless chosen otherwise
    return client


def _cert(
    issuing: Authority,
    key: Any,
    *,
    name: str = "Lê Hoàng Cường",
    usage: dict[str, bool] | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    ca_cert: bool = False,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    return certificate_build(
        subject=name_build(common_name=name, organisation="Ban Tuyên giáo Tỉnh ủy Nghệ An"),
        public_key=key.public_key(),
        issuer_cert=authority_cert(issuing),
        issuer_key=authority_key(issuing),
        not_before=not_before or now - dt.timedelta(days=1),
        not_after=not_after or now + dt.timedelta(days=365),
        key_usage=usage
        if usage is not None
        else {"digital_signature": True, "content_commitment": True},
        ca=ca_cert,
    )


def _p12(key: Any, cert: x509.Certificate, password: bytes = b"matkhau-p12") -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"test", key, cert, None, serialization.BestAvailableEncryption(password)
    )


def _upload(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


# --- Issuing -------------------------------------------------------------------------------


def test_member_issues_a_certificate_with_a_pin(official: User, platform_ca: Authority) -> None:
    client = as_user(official)
    page = client.get("/signing/")
    assert page.status_code == 200
    response = client.post(
        "/signing/certificates/new/",
        {"issue-pin": "864213", "issue-pin_again": "864213", "issue-years": "2"},
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(owner=official)
    assert certificate.common_name == "Lê Hoàng Cường"
    assert certificate.pin_protected
    keys.key_decrypt(certificate.key_pem, pin="864213")
    page = client.get("/signing/")
    assert "Lê Hoàng Cường" in page.content.decode()


def test_pins_must_match_and_be_long_enough(official: User, platform_ca: Authority) -> None:
    client = as_user(official)
    differ = client.post(
        "/signing/certificates/new/",
        {"issue-pin": "864213", "issue-pin_again": "864214", "issue-years": "2"},
    )
    assert differ.status_code == 400
    short = client.post(
        "/signing/certificates/new/",
        {"issue-pin": "123", "issue-pin_again": "123", "issue-years": "2"},
    )
    assert short.status_code == 400
    repeated = client.post(
        "/signing/certificates/new/",
        {"issue-pin": "111111", "issue-pin_again": "111111", "issue-years": "2"},
    )
    assert repeated.status_code == 400
    assert not Certificate.objects.exists()


def test_citizen_gets_no_certificate(citizen: User, platform_ca: Authority) -> None:
    response = as_user(citizen).post(
        f"{API}/certificates", json.dumps({"pin": "864213"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert not Certificate.objects.exists()


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/signing/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(f"{API}/certificates").status_code == 401


def test_pages_say_when_the_ca_is_missing(official: User) -> None:
    page = as_user(official).get("/signing/")
    assert "init-ca" in page.content.decode()


# --- API -------------------------------------------------------------------------------------


def test_api_issue_list_and_revoke(official: User, platform_ca: Authority) -> None:
    client = as_user(official)
    created = client.post(
        f"{API}/certificates",
        json.dumps({"pin": "864213", "years": 1}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "active" and body["purpose"] == "personal"
    assert "key" not in json.dumps(body).lower().replace("public", "")
    listed = client.get(f"{API}/certificates").json()
    assert [c["id"] for c in listed] == [body["id"]]
    revoked = client.post(
        f"{API}/certificates/{body['id']}/revoke",
        json.dumps({"reason": "superseded"}),
        content_type="application/json",
    )
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    again = client.post(
        f"{API}/certificates/{body['id']}/revoke",
        json.dumps({"reason": "superseded"}),
        content_type="application/json",
    )
    assert again.status_code == 409


def test_api_weak_pin_is_a_problem(official: User, platform_ca: Authority) -> None:
    response = as_user(official).post(
        f"{API}/certificates", json.dumps({"pin": "12"}), content_type="application/json"
    )
    assert response.status_code in (400, 422)


def test_nobody_sees_or_revokes_anothers_certificate(
    leader: User, official: User, outsider: User, leader_cert: Callable[..., Certificate]
) -> None:
    certificate = leader_cert(leader)
    for user in (official, outsider):
        client = as_user(user)
        assert client.get(f"/signing/certificates/{certificate.pk}/").status_code == 404
        assert client.get(f"/signing/certificates/{certificate.pk}/download/").status_code == 404
        assert client.get(f"{API}/certificates/{certificate.pk}").status_code == 404
        assert (
            client.post(f"/signing/certificates/{certificate.pk}/revoke/", {"reason": "superseded"})
        ).status_code == 404
        assert (
            client.post(
                f"{API}/certificates/{certificate.pk}/revoke",
                json.dumps({"reason": "superseded"}),
                content_type="application/json",
            )
        ).status_code == 404
        assert client.get(f"{API}/certificates").json() == []
    certificate.refresh_from_db()
    assert certificate.state == "active"


def test_owner_and_staff_revoke_with_a_reason(
    leader: User, admin: User, leader_cert: Callable[..., Certificate]
) -> None:
    first = leader_cert(leader)
    client = as_user(leader)
    page = client.get(f"/signing/certificates/{first.pk}/")
    assert page.status_code == 200 and "Revoke this certificate" in page.content.decode()
    response = client.post(
        f"/signing/certificates/{first.pk}/revoke/",
        {"reason": "key_compromise", "detail": "Mất máy tính"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == "revoked" and first.revocation_reason == "key_compromise: Mất máy tính"
    assert first.key_pem == ""
    second = leader_cert(leader)
    staff = as_user(admin)
    assert staff.get("/signing/certificates/all/").status_code == 200
    assert staff.get(f"/signing/certificates/{second.pk}/").status_code == 200
    staff.post(f"/signing/certificates/{second.pk}/revoke/", {"reason": "affiliation_changed"})
    second.refresh_from_db()
    assert second.state == "revoked"


def test_staff_pages_are_for_staff(official: User) -> None:
    client = as_user(official)
    assert client.get("/signing/certificates/all/").status_code == 302
    assert client.get("/signing/roots/").status_code == 302


# --- Seals -----------------------------------------------------------------------------------


def test_unit_admin_issues_own_seal_not_another_units(
    province: Unit, other_province: Unit, official: User, platform_ca: Authority
) -> None:
    Membership.objects.create(user=official, unit=province, role=Role.UNIT_ADMIN)
    client = as_user(official)
    assert client.post(f"/signing/seals/{other_province.pk}/issue/").status_code == 403
    assert not Certificate.objects.filter(unit=other_province).exists()
    assert client.post(f"/signing/seals/{province.pk}/issue/", {"years": "2"}).status_code == 302
    seal = Certificate.objects.get(unit=province)
    assert seal.common_name == province.name
    assert ca.seal_certificate(province) == seal
    assert province.name in client.get("/signing/").content.decode()


def test_plain_member_cannot_issue_a_seal(
    province: Unit, clerk: User, platform_ca: Authority
) -> None:
    assert as_user(clerk).post(f"/signing/seals/{province.pk}/issue/").status_code == 403


def test_members_see_their_units_seal_outsiders_do_not(
    province: Unit,
    clerk: User,
    outsider: User,
    seal_cert: Callable[..., Certificate],
) -> None:
    seal = seal_cert(province)
    assert as_user(clerk).get(f"/signing/certificates/{seal.pk}/").status_code == 200
    assert as_user(outsider).get(f"/signing/certificates/{seal.pk}/").status_code == 404
    assert [c["id"] for c in as_user(clerk).get(f"{API}/certificates").json()] == [seal.pk]
    # A clerk may use the seal, not revoke it.
    assert (
        as_user(clerk).post(f"/signing/certificates/{seal.pk}/revoke/", {"reason": "superseded"})
    ).status_code == 302
    seal.refresh_from_db()
    assert seal.state == "active"


# --- PKCS#12 ---------------------------------------------------------------------------------


def test_import_pkcs12(official: User, platform_ca: Authority) -> None:
    key = keys.key_generate()
    cert = _cert(platform_ca, key)
    response = as_user(official).post(
        "/signing/certificates/import/",
        {
            "p12-file": _upload(_p12(key, cert), "chung-thu.p12"),
            "p12-password": "matkhau-p12",
            "p12-pin": "864213",
            "p12-pin_again": "864213",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certificate = Certificate.objects.get(owner=official)
    assert certificate.source == "pkcs12" and certificate.pin_protected
    loaded = keys.key_decrypt(certificate.key_pem, pin="864213")
    assert loaded.private_numbers() == key.private_numbers()
    # The password is kept nowhere.
    assert "matkhau-p12" not in json.dumps(
        list(Certificate.objects.values()), default=str, ensure_ascii=False
    )


def test_pkcs12_wrong_password_bad_file_and_no_pin(official: User, platform_ca: Authority) -> None:
    key = keys.key_generate()
    data = _p12(key, _cert(platform_ca, key))
    client = as_user(official)

    def post(file: bytes, password: str, pin: str = "864213") -> str:
        response = client.post(
            "/signing/certificates/import/",
            {
                "p12-file": _upload(file, "a.p12"),
                "p12-password": password,
                "p12-pin": pin,
                "p12-pin_again": pin,
            },
        )
        assert response.status_code == 400
        return response.content.decode()

    assert "password of the PKCS#12 file is wrong" in post(data, "sai-mat-khau")
    assert "not a PKCS#12 file" in post(b"%PDF-1.7 not a p12", "x")
    assert "not a PKCS#12 file" in post(data[: len(data) // 2], "matkhau-p12")
    post(data, "matkhau-p12", pin="12")
    assert not Certificate.objects.exists()


def test_pkcs12_without_signing_usage_or_expired_is_refused(
    official: User, platform_ca: Authority
) -> None:
    from vcnet.signing.errors import CertificateUnusable

    key = keys.key_generate()
    no_usage = _cert(platform_ca, key, usage={"key_encipherment": True})
    with pytest.raises(CertificateUnusable, match="key usage"):
        ca.certificate_import_pkcs12(
            actor=official, data=_p12(key, no_usage), password="matkhau-p12", pin="864213"
        )
    expired = _cert(
        platform_ca,
        key,
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
    )
    with pytest.raises(CertificateUnusable, match="expired"):
        ca.certificate_import_pkcs12(
            actor=official, data=_p12(key, expired), password="matkhau-p12", pin="864213"
        )
    assert not Certificate.objects.exists()


# --- Tokens ----------------------------------------------------------------------------------


def test_register_token_certificate_der_and_pem(official: User, platform_ca: Authority) -> None:
    key = keys.key_generate()
    cert = _cert(platform_ca, key)
    client = as_user(official)
    response = client.post(
        "/signing/certificates/register/",
        {
            "token-certificate": _upload(cert.public_bytes(serialization.Encoding.DER), "t.cer"),
            "token-source": "remote",
        },
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(owner=official)
    assert certificate.source == "remote" and certificate.provider == "agent"
    assert certificate.key_pem == ""
    again = client.post(
        "/signing/certificates/register/",
        {
            "token-certificate": _upload(cert.public_bytes(serialization.Encoding.PEM), "t.pem"),
            "token-source": "remote",
        },
    )
    assert again.status_code == 400 and "already registered" in again.content.decode()


def test_register_refuses_unknown_module_and_rubbish(
    official: User, platform_ca: Authority
) -> None:
    key = keys.key_generate()
    cert = _cert(platform_ca, key)
    client = as_user(official)
    bad_module = client.post(
        "/signing/certificates/register/",
        {
            "token-certificate": _upload(cert.public_bytes(serialization.Encoding.DER), "t.cer"),
            "token-source": "pkcs11",
            "token-pkcs11_module": "/opt/evil/libevil.so",
        },
    )
    assert bad_module.status_code == 400
    rubbish = client.post(
        "/signing/certificates/register/",
        {"token-certificate": _upload(b"hello", "t.cer"), "token-source": "remote"},
    )
    assert rubbish.status_code == 400 and "not an X.509 certificate" in rubbish.content.decode()
    assert not Certificate.objects.exists()


# --- Trusted roots ---------------------------------------------------------------------------


def _root(name: str) -> x509.Certificate:
    key = keys.key_generate()
    subject = name_build(common_name=name, organisation="Ban Cơ yếu Chính phủ")
    now = dt.datetime.now(dt.UTC)
    return certificate_build(
        subject=subject,
        public_key=key.public_key(),
        issuer_cert=None,
        issuer_key=key,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=3650),
        ca=True,
        key_usage={"key_cert_sign": True, "crl_sign": True},
    )


def test_staff_adds_a_national_root(admin: User, platform_ca: Authority) -> None:
    client = as_user(admin)
    page = client.get("/signing/roots/")
    assert page.status_code == 200 and "68/2024" in page.content.decode()
    root = _root("Cơ quan chứng thực chữ ký số chuyên dùng Chính phủ")
    response = client.post(
        "/signing/roots/",
        {
            "name": "Ban Cơ yếu Chính phủ",
            "certificate": _upload(root.public_bytes(serialization.Encoding.PEM), "root.pem"),
        },
    )
    assert response.status_code == 302
    stored = TrustedRoot.objects.get()
    assert stored.fingerprint == root.fingerprint(hashes.SHA256()).hex()
    assert len(ca.trust_roots()) == 2
    client.post(f"/signing/roots/{stored.pk}/toggle/")
    assert len(ca.trust_roots()) == 1
    duplicate = client.post(
        "/signing/roots/",
        {"certificate": _upload(root.public_bytes(serialization.Encoding.DER), "root.cer")},
    )
    assert duplicate.status_code == 400


def test_a_signer_certificate_is_not_a_root(admin: User, platform_ca: Authority) -> None:
    key = keys.key_generate()
    leaf = _cert(platform_ca, key)
    response = as_user(admin).post(
        "/signing/roots/",
        {"certificate": _upload(leaf.public_bytes(serialization.Encoding.PEM), "leaf.pem")},
    )
    assert response.status_code == 400
    assert not TrustedRoot.objects.exists()


def test_non_staff_cannot_add_roots(official: User, platform_ca: Authority) -> None:
    from vcnet.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        ca.trusted_root_add(
            actor=official,
            certificate_pem=_root("X").public_bytes(serialization.Encoding.PEM),
            name="X",
        )


# --- Command and admin ------------------------------------------------------------------------


def test_command_init_ca_and_issue_seal(province: Unit, capsys: Any, db: None) -> None:
    from vcnet.signing.tests.conftest import platform_material

    ca.authority_init(material=platform_material())
    out = io.StringIO()
    call_command("signing", "init-ca", stdout=out)
    assert "already set up" in out.getvalue()
    out = io.StringIO()
    call_command("signing", "issue-seal", province.code, stdout=out)
    assert "seal certificate" in out.getvalue()
    seal = Certificate.objects.get(unit=province)
    out = io.StringIO()
    call_command("signing", "certificates", stdout=out)
    assert province.name in out.getvalue()
    call_command("signing", "revoke", str(seal.pk), "--reason", "superseded", stdout=io.StringIO())
    seal.refresh_from_db()
    assert seal.state == "revoked"


def test_admin_pages_open(
    admin: User, leader: User, leader_cert: Callable[..., Certificate]
) -> None:
    certificate = leader_cert(leader)
    client = as_user(admin)
    for url in (
        "/admin/signing/certificate/",
        f"/admin/signing/certificate/{certificate.pk}/change/",
        "/admin/signing/authority/",
        "/admin/signing/trustedroot/",
        "/admin/signing/trustedroot/add/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "ENCRYPTED PRIVATE KEY" not in response.content.decode()


def test_token_csr_is_certified_by_the_platform(official: User, platform_ca: Authority) -> None:
    from cryptography.x509.oid import NameOID

    token_key = keys.key_generate()  # stands for a key generated on the token
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tên tự đặt")]))
        .sign(token_key, hashes.SHA256())
    )
    response = as_user(official).post(
        "/signing/certificates/register/",
        {
            "token-certificate": _upload(csr.public_bytes(serialization.Encoding.PEM), "t.csr"),
            "token-source": "remote",
        },
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(owner=official)
    assert certificate.common_name == "Lê Hoàng Cường"  # the platform's name, not the CSR's
    assert certificate.issued_by == platform_ca and certificate.key_pem == ""
    cert = x509.load_pem_x509_certificate(certificate.certificate_pem.encode())
    assert cert.public_key() == token_key.public_key()
    ca.certificate_usable(certificate)


def test_forged_csr_is_refused(official: User, platform_ca: Authority) -> None:
    from vcnet.core.errors import DomainError

    with pytest.raises(DomainError, match="not a certificate request"):
        ca.certificate_issue_csr(actor=official, csr=b"rubbish", source="remote")


def test_admin_adds_a_root_through_the_service(admin: User, platform_ca: Authority) -> None:
    from vcnet.core.models import AuditEntry

    root = _root("NEAC Root CA")
    client = as_user(admin)
    response = client.post(
        "/admin/signing/trustedroot/add/",
        {
            "name": "Trung tâm Chứng thực điện tử quốc gia",
            "certificate_pem": root.public_bytes(serialization.Encoding.PEM).decode(),
            "note": "Nghị định 23/2025/NĐ-CP",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = TrustedRoot.objects.get()
    assert stored.name == "Trung tâm Chứng thực điện tử quốc gia"
    assert AuditEntry.objects.filter(action="signing.trusted_root_add").exists()
    leaf_key = keys.key_generate()
    leaf = _cert(platform_ca, leaf_key)
    refused = client.post(
        "/admin/signing/trustedroot/add/",
        {"certificate_pem": leaf.public_bytes(serialization.Encoding.PEM).decode()},
    )
    assert refused.status_code == 200  # the form again, with the error
    assert TrustedRoot.objects.count() == 1


def test_list_pages_do_not_query_per_row(
    leader: User,
    admin: User,
    province: Unit,
    leader_cert: Callable[..., Certificate],
    seal_cert: Callable[..., Certificate],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Membership.objects.create(user=leader, unit=province, role=Role.UNIT_ADMIN)
    leader_cert(leader)
    seal_cert(province)
    counts = []
    for _round in range(2):
        for page, user in (("/signing/", leader), ("/signing/certificates/all/", admin)):
            client = as_user(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            counts.append(len(queries))
        leader_cert(leader)
        leader_cert(leader)
        seal_cert(province)
    # Three more certificates on each page, no more queries (the first round also loads what
    # a request loads once).
    assert counts[2] <= counts[0] and counts[3] <= counts[1], counts
