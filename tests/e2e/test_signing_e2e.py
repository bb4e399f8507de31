"""The signing issue's "done when", in a real browser through the pages alone.

A leader signs an outgoing document in the browser with a platform certificate and PIN (a wrong
PIN first, refused); the clerk numbers it (the number and date go into the PDF) and issues it
with the unit's seal; the other province's clerk sees it arrive with "2 valid signatures"; the
downloaded PDF passes poppler's `pdfsig` and shows both stamps where Decree 30 puts them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from django.utils import translation
from PIL import Image

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory, UserFactory
from vcnet.documents.models import Direction, Document, DocumentFile, FileKind, Status
from vcnet.documents.services.outgoing import RecipientSpec
from vcnet.documents.tests.test_signing import SUBJECT, decree30_pdf, to_sign
from vcnet.signing import appearances
from vcnet.signing.models import Certificate
from vcnet.signing.tests.conftest import (  # noqa: F401  (fixtures)
    TEST_PIN,
    leader_cert,
    platform_ca,
    seal_cert,
)

from .test_eoffice_e2e import _act, _submit, _types, signed_in

PDFSIG = shutil.which("pdfsig")
PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")
DPI = 60


def render_png(data: bytes, folder: Path, page: int, name: str) -> Image.Image:
    """Page `page` (1-based; -1 for the last) rendered by poppler at 60 dpi, as RGB."""
    assert PDFTOPPM is not None
    source = folder / f"{name}.pdf"
    source.write_bytes(data)
    if page < 0:
        info = subprocess.run(
            ["pdfinfo", str(source)], capture_output=True, text=True, check=True, timeout=30
        ).stdout
        page = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    subprocess.run(
        [PDFTOPPM, "-r", str(DPI), "-f", str(page), "-l", str(page), "-png", "-singlefile",
         str(source), str(folder / name)],
        check=True, timeout=60,
    )  # fmt: skip
    return Image.open(folder / f"{name}.png").convert("RGB")


def _coloured(r: int, g: int, b: int, colour: str) -> bool:
    """Clearly blue (signature ink) or clearly red (seal ink)."""
    if colour == "blue":
        return b > 120 and b > r + 40 and b > g + 20
    return r > 150 and r > g + 60 and r > b + 60


def ink(image: Image.Image, box: tuple[int, int, int, int], colour: str) -> int:
    """How many blue or red pixels lie in `box`."""
    raw = image.crop(box).tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in pixels if _coloured(r, g, b, colour))


def ink_box(image: Image.Image, colour: str) -> tuple[int, int, int, int]:
    """The bounding box (left, top, right, bottom) of the blue or red ink on the page."""
    raw = image.tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    mask = Image.new("L", image.size)
    mask.putdata([255 if _coloured(r, g, b, colour) else 0 for r, g, b in pixels])
    box = mask.getbbox()
    assert box is not None, f"no {colour} ink on the page"
    return box


def pdfsig_verdicts(path: Path) -> list[str]:
    assert PDFSIG is not None
    out = subprocess.run(
        [PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    return [
        line.split(":", 1)[1].strip()
        for line in out.splitlines()
        if line.strip().startswith("- Signature Validation:")
    ]


def _detail(page: Any, document_id: int) -> None:
    page.goto(f"/documents/{document_id}/")


@pytest.mark.e2e
@pytest.mark.skipif(PDFSIG is None or PDFTOPPM is None, reason="poppler-utils is not installed")
def test_leader_signs_clerk_seals_recipient_sees_two_valid_signatures(
    browser: Any,
    live_server: Any,
    transactional_db: None,
    clerk: User,
    leader: User,
    official: User,
    province: Unit,
    other_province: Unit,
    password: str,
    leader_cert: Callable[..., Certificate],  # noqa: F811
    seal_cert: Callable[..., Certificate],  # noqa: F811
    tmp_path: Path,
    settings: Any,
) -> None:
    from playwright.sync_api import expect

    settings.SIGNING_ISSUE_WITHOUT_SEAL = False
    _types()
    other_clerk = cast(User, UserFactory(full_name="Võ Thị Hà", email="vanthu@hatinh.vcnet.test"))
    MembershipFactory(user=other_clerk, unit=other_province, role=Role.CLERK, title="Văn thư")
    with translation.override("en"):
        certificate = leader_cert(leader)  # PIN 123456
        seal_cert(province)
        appearances.signature_image_upload(
            actor=leader,
            data=appearances.demo_signature_png(leader.full_name),
            kind="signature",
            owner=leader,
        )
        appearances.signature_image_upload(
            actor=clerk, data=appearances.demo_seal_png(province.name), kind="seal", unit=province
        )
        document = to_sign(
            province=province,
            official=official,
            leader=leader,
            clerk=clerk,
            main=decree30_pdf(leader),
            recipients=[RecipientSpec(unit_id=other_province.pk)],
        )
    url = live_server.url

    # 1. The leader opens the document, goes to the sign page, a wrong PIN first, then the PIN.
    with signed_in(browser, url, leader, password) as page:
        _detail(page, document.pk)
        expect(page.locator(".eo-status")).to_have_attribute("data-status", Status.TO_SIGN)
        page.locator("a[data-action='sign']").click()
        page.wait_for_url(re.compile(rf"/documents/{document.pk}/sign/$"))
        form = page.locator("form[data-action='sign']")
        form.locator("select[name='certificate']").select_option(str(certificate.pk))
        form.locator("input[name='pin']").fill("654321")
        with page.expect_navigation():
            form.locator("button[type='submit']").click()
        expect(page.locator("form[data-action='sign'] .errorlist")).to_be_visible()
        assert Document.objects.get(pk=document.pk).status == Status.TO_SIGN
        assert not DocumentFile.objects.filter(document=document, kind=FileKind.SIGNED).exists()

        form = page.locator("form[data-action='sign']")
        form.locator("select[name='certificate']").select_option(str(certificate.pk))
        form.locator("input[name='pin']").fill(TEST_PIN)
        with page.expect_navigation():
            form.locator("button[type='submit']").click()
        page.wait_for_url(re.compile(rf"/documents/{document.pk}/$"))
        expect(page.locator(".eo-status")).to_have_attribute("data-status", Status.TO_ISSUE)
        expect(page.locator(".message-success")).to_be_visible()
    assert Document.objects.get(pk=document.pk).status == Status.TO_ISSUE

    # 2. The clerk numbers it and issues it with the unit's seal.
    with signed_in(browser, url, clerk, password) as page:
        _detail(page, document.pk)
        _submit(page, _act(page, "number"))
        expect(page.locator(".eo-code")).to_be_visible()
        _submit(page, _act(page, "issue"))
        expect(page.locator(".eo-status")).to_have_attribute("data-status", Status.ISSUED)
        expect(page.locator("table.table")).to_contain_text(other_province.name)
    document.refresh_from_db()
    assert document.status == Status.ISSUED
    code = document.code
    assert code

    # 3. The other province's clerk sees it arrive with "2 chữ ký hợp lệ" and downloads it.
    copy = Document.objects.get(direction=Direction.INCOMING, unit=other_province)
    assert copy.origin_id == document.pk
    with signed_in(browser, url, other_clerk, password) as page:
        page.locator("a.eo-item-link", has_text=SUBJECT).first.click()
        page.wait_for_url(re.compile(rf"/documents/{copy.pk}/$"))
        badge = page.locator(".eo-files .vc-validation").first
        expect(badge).to_have_attribute("data-verdict", "valid")
        expect(badge).to_contain_text("2 chữ ký hợp lệ")
        link = page.locator(".eo-files a[download]").first
        response = page.request.get(link.get_attribute("href"))
        assert response.ok, response.status
        data = response.body()
    final = tmp_path / "van-ban-den.pdf"
    final.write_bytes(data)

    # 4. poppler's pdfsig: two signatures, both valid.
    assert pdfsig_verdicts(final) == ["Signature is Valid.", "Signature is Valid."]

    # 5. The number on page 1; the blue signature and the red seal in the signer block (lower
    # right of the last page, under the position line, above the signer's name).
    if PDFTOTEXT is not None:
        text = subprocess.run(
            [PDFTOTEXT, "-f", "1", "-l", "1", str(final), "-"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout  # fmt: skip
        assert code in " ".join(text.split()), text
    first = render_png(data, tmp_path, 1, "trang-dau")
    last = render_png(data, tmp_path, -1, "trang-cuoi")
    width, height = last.size
    signer_block = (width // 2, height // 2, width, height)
    assert ink(last, signer_block, "blue") > 100
    assert ink(last, signer_block, "red") > 300
    # The seal overlaps the left third of the signature (Appendix I), and neither stamp strays
    # to the recipients' list on the left.
    blue = ink_box(last, "blue")
    red = ink_box(last, "red")
    assert blue[0] > width // 2 and blue[1] > height // 2, blue
    assert red[0] < blue[0] < red[2] < blue[2], (red, blue)
    assert red[2] - blue[0] <= (blue[2] - blue[0]) * 0.6, (red, blue)
    assert red[1] < (blue[1] + blue[3]) / 2 < red[3], (red, blue)
    assert ink(last, (0, height // 2, int(width * 0.4), height), "red") == 0
    assert first.size == last.size
