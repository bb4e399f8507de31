"""The signature images page (/signing/images/) from the outside: uploads, refusals with a
clear message, and who may see an image (owner; a seal: members of its unit)."""

from __future__ import annotations

import io
from typing import cast

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory
from vcnet.signing import appearances
from vcnet.signing.models import SignatureImage

pytestmark = pytest.mark.django_db

SIGNER = "Nguyễn Văn An"
UNIT_NAME = "Ban Tuyên giáo Tỉnh ủy Nghệ An"


def signed_in(user: User) -> Client:
    """Signed in, with English chosen in the language switcher (the assertions read English)."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(name: str, data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (20, 40, 200)).save(out, format="JPEG")
    return out.getvalue()


def test_page_needs_sign_in() -> None:
    response = Client().get("/signing/images/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]


def test_official_uploads_and_previews_their_signature(official: User) -> None:
    client = signed_in(official)
    page = client.get("/signing/images/")
    assert page.status_code == 200
    assert page.context["seal_form"] is None  # an official keeps no seal
    response = client.post(
        "/signing/images/signature/",
        {"file": upload("chu-ky.png", appearances.demo_signature_png(official.full_name))},
    )
    assert response.status_code == 302
    image = SignatureImage.objects.get(owner=official)
    assert image.current and image.kind == "signature"
    page = client.get("/signing/images/")
    assert f"/signing/images/{image.pk}.png" in page.content.decode()
    served = client.get(f"/signing/images/{image.pk}.png")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    assert served.content == appearances.demo_signature_png(official.full_name)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (jpeg(), "not a PNG"),
        (appearances.demo_seal_png(UNIT_NAME), "blue ink"),
    ],
    ids=["jpeg-renamed", "red-signature"],
)
def test_bad_signature_upload_shows_the_reason(official: User, data: bytes, message: str) -> None:
    response = signed_in(official).post(
        "/signing/images/signature/", {"file": upload("chu-ky.png", data)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SignatureImage.objects.exists()


def test_clerk_uploads_the_units_seal_and_members_see_it(
    clerk: User, leader: User, outsider: User, province: Unit
) -> None:
    client = signed_in(clerk)
    page = client.get("/signing/images/")
    assert page.context["seal_form"] is not None
    response = client.post(
        "/signing/images/seal/",
        {"unit": province.pk, "file": upload("dau.png", appearances.demo_seal_png(UNIT_NAME))},
    )
    assert response.status_code == 302
    seal = SignatureImage.objects.get(unit=province, kind="seal")
    assert float(seal.width_mm) == 36.0
    # Members of the unit see the seal; others get 404; anonymous is sent to sign in.
    assert signed_in(leader).get(f"/signing/images/{seal.pk}.png").status_code == 200
    assert signed_in(outsider).get(f"/signing/images/{seal.pk}.png").status_code == 404
    assert Client().get(f"/signing/images/{seal.pk}.png").status_code == 302


def test_another_units_admin_cannot_upload_our_seal(province: Unit, other_province: Unit) -> None:
    other_admin = cast("User", MembershipFactory(unit=other_province, role=Role.UNIT_ADMIN).user)
    response = signed_in(other_admin).post(
        "/signing/images/seal/",
        {"unit": province.pk, "file": upload("dau.png", appearances.demo_seal_png(UNIT_NAME))},
    )
    assert response.status_code == 403
    assert "unit administrator or a clerk" in response.content.decode()
    assert not SignatureImage.objects.exists()


def test_official_cannot_upload_the_seal(official: User, province: Unit) -> None:
    response = signed_in(official).post(
        "/signing/images/seal/",
        {"unit": province.pk, "file": upload("dau.png", appearances.demo_seal_png(UNIT_NAME))},
    )
    assert response.status_code == 403
    assert not SignatureImage.objects.exists()


def test_a_signature_is_seen_only_by_its_owner(leader: User, clerk: User) -> None:
    image = appearances.signature_image_upload(
        actor=leader, data=appearances.demo_signature_png(SIGNER), kind="signature"
    )
    assert signed_in(leader).get(f"/signing/images/{image.pk}.png").status_code == 200
    assert signed_in(clerk).get(f"/signing/images/{image.pk}.png").status_code == 404
    assert signed_in(clerk).get("/signing/images/999999.png").status_code == 404
