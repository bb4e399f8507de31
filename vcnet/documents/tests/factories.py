"""Test helpers for documents: small real PDFs (with Vietnamese text) and `Upload`s."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from vcnet.accounts.models import Unit, User
from vcnet.documents.models import Document
from vcnet.documents.services.incoming import IncomingFields, Upload

FONT_DIR = Path(__file__).resolve().parents[2] / "core" / "fonts"
_FONT_NAME = "VcnetTestSerif"
_font_ready = False

DEFAULT_TEXT = "Công văn về việc tuyên truyền kỷ niệm ngày thành lập Đảng"


def _font() -> str:
    """Register DejaVu Serif once so Vietnamese diacritics survive text extraction."""
    global _font_ready
    if not _font_ready:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont(_FONT_NAME, str(FONT_DIR / "DejaVuSerif.ttf")))
        _font_ready = True
    return _FONT_NAME


def make_pdf(text: str = DEFAULT_TEXT, pages: int = 1) -> bytes:
    """A small, real, readable PDF with `text` on each of `pages` pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    font = _font()
    for number in range(1, max(pages, 1) + 1):
        pdf.setFont(font, 12)
        pdf.drawString(72, 770, text)
        if pages > 1:
            pdf.drawString(72, 750, f"Trang {number}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_encrypted_pdf(
    text: str = DEFAULT_TEXT,
    password: str = "mat-khau",  # noqa: S107
) -> bytes:
    """A PDF protected by a password (the services refuse these)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(text))).pages:
        writer.add_page(page)
    writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(
    text: str = DEFAULT_TEXT,
    name: str = "van-ban.pdf",
    *,
    data: bytes | None = None,
    pages: int = 1,
) -> Upload:
    """An `Upload` of a fresh PDF with `text` (or of raw `data` when given)."""
    return Upload(stream=io.BytesIO(make_pdf(text, pages) if data is None else data), name=name)


def member(unit: Unit, role: str, full_name: str, email: str) -> User:
    """A person holding `role` in `unit` (for a second leader, a department's people, ...)."""
    from vcnet.accounts.tests.factories import MembershipFactory, UserFactory

    user: User = UserFactory(full_name=full_name, email=email)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


def incoming_fields(**changes: Any) -> IncomingFields:
    """Realistic Appendix VI fields of an incoming official letter; override any of them."""
    values: dict[str, Any] = {
        "subject": "Về việc tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam",
        "code_number": "125",
        "code_notation": "CV/BTGTW",
        "issued_date": dt.date(2026, 1, 15),
        "organ_name": "Ban Tuyên giáo Trung ương",
        "signer_position": "Phó Trưởng ban",
        "signer_name": "Nguyễn Văn Thành",
    }
    values.update(changes)
    return IncomingFields(**values)


def receive(actor: User, unit: Unit, *, text: str = DEFAULT_TEXT, **changes: Any) -> Document:
    """A document received by `actor` (a clerk of `unit`) through the real service."""
    from vcnet.documents.services.incoming import document_receive

    return document_receive(
        actor=actor, unit=unit, fields=incoming_fields(**changes), main=upload(text)
    )
