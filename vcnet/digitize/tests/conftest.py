"""Helpers for the digitize tests: scans (drawn, born digital, damaged), zips, and the skip
for tests that need the OCR tools."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from vcnet.accounts.models import User
from vcnet.digitize import sample
from vcnet.digitize.pipeline import ocr_status
from vcnet.documents.tests.factories import _font


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield


def signed_in(user: User) -> Client:
    """A signed-in browser that chose English with the language switcher (the assertions
    read the English messages; the Vietnamese catalogue is checked by the core tests)."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def ocr_or_skip() -> None:
    """Skip the test, saying why, when this machine cannot run OCR."""
    status = ocr_status()
    if not status.available:
        pytest.skip(f"OCR unavailable: {', '.join(status.missing)} missing (make debian-packages)")


@pytest.fixture(scope="session")
def scan_png() -> bytes:
    """The sample official letter drawn at 300 dpi (what a scanner gives)."""
    return sample.sample_page(300)


def letter_pdf(number: str = sample.NUMBER) -> bytes:
    """The sample letter as a born-digital PDF (a real text layer; needs no OCR)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    font = _font()
    pdf.setFont(font, 12)
    lines = [
        (90, sample.ORGAN_PARENT, 330, "ĐẢNG CỘNG SẢN VIỆT NAM"),
        (90, sample.ORGAN, 0, ""),
        (90, number, 330, sample.PLACE_DATE),
        (90, sample.SUBJECT, 0, ""),
    ]
    y = 790.0
    for x1, left, x2, right in lines:
        pdf.drawString(x1 - 30, y, left)
        if right:
            pdf.drawString(x2, y, right)
        y -= 18
    y -= 18
    text = " ".join(sample.BODY)
    words, line = text.split(), ""
    for word in words:
        if pdf.stringWidth(f"{line} {word}", font, 12) > 460:
            pdf.drawString(60, y, line)
            y -= 16
            line = word
        else:
            line = f"{line} {word}".strip()
    pdf.drawString(60, y, line)
    y -= 40
    pdf.drawString(60, y, "Nơi nhận:")
    pdf.drawString(350, y, sample.SIGNER_POSITION[0])
    pdf.drawString(60, y - 16, "- " + sample.RECIPIENTS[0])
    pdf.drawString(350, y - 16, sample.SIGNER_POSITION[1])
    pdf.drawString(60, y - 32, "- " + sample.RECIPIENTS[2])
    pdf.drawString(350, y - 90, sample.SIGNER_NAME)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def zip_of(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()
