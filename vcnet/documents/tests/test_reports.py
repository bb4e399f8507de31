"""Printed registers, statistics exports and the dashboard, through the pages a user opens."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from vcnet.accounts.models import Unit, User
from vcnet.core.models import AuditEntry
from vcnet.documents.models import Direction, Document, Register, Source, Status
from vcnet.documents.reports import (
    bar_chart_svg,
    daily_chart_svg,
    on_time_donut_svg,
    register_pdf,
    register_rows,
)

YEAR = timezone.localdate().year
SUBJECT_IN = "Công văn về việc tuyên truyền kỷ niệm ngày thành lập Đảng Cộng sản Việt Nam"
SUBJECT_OUT = "Kế hoạch tổ chức cuộc thi chính luận về bảo vệ nền tảng tư tưởng của Đảng"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def registers(province: Unit) -> dict[str, Register]:
    incoming = Register.objects.create(
        unit=province, direction=Direction.INCOMING, name="Sổ văn bản đến"
    )
    outgoing = Register.objects.create(
        unit=province, direction=Direction.OUTGOING, name="Sổ văn bản đi"
    )
    now = timezone.now()
    for n in (2, 1):  # created out of order: the register prints in number order
        Document.objects.create(
            direction=Direction.INCOMING,
            unit=province,
            register=incoming,
            status=Status.REGISTERED,
            source=Source.UPLOAD,
            subject=f"{SUBJECT_IN} (lần {n})",
            organ_name="Văn phòng Trung ương Đảng",
            code_number=str(40 + n),
            code_notation="CV/VPTW",
            issued_date=dt.date(YEAR, 1, 5),
            arrival_number=n,
            arrival_date=now,
            registered_year=str(YEAR),
            registered_at=now,
            to_places="Phòng Tuyên truyền",
        )
    Document.objects.create(
        direction=Direction.OUTGOING,
        unit=province,
        register=outgoing,
        status=Status.ISSUED,
        source=Source.DRAFTED,
        subject=SUBJECT_OUT,
        code_number="15",
        code_notation="KH-BTGTU",
        issued_date=dt.date(YEAR, 2, 3),
        issued_at=now,
        registered_year=str(YEAR),
        signer_name="Nguyễn Văn An",
        recipients_text="Các huyện ủy, thành ủy",
        issued_amount=12,
    )
    return {"in": incoming, "out": outgoing}


def test_incoming_register_pdf_has_cover_columns_and_diacritics(
    registers: dict[str, Register], province: Unit
) -> None:
    rows = register_rows(registers["in"], YEAR)
    assert [r[1] for r in rows] == ["1", "2"]
    assert len(rows[0]) == 10
    data = register_pdf(registers["in"], YEAR)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2  # cover, then the table
    cover = reader.pages[0].extract_text()
    assert province.name.upper() in cover
    assert str(YEAR) in cover
    text = pdf_text(data)
    assert "tuyên truyền kỷ niệm" in " ".join(text.split())
    assert "Văn phòng Trung ương Đảng" in " ".join(text.split())
    assert "41/CV/VPTW" in text.replace(" ", "") or "41-CV/VPTW" in text.replace(" ", "")


def test_outgoing_register_pdf(registers: dict[str, Register]) -> None:
    rows = register_rows(registers["out"], YEAR)
    assert rows[0][0] == "15/KH-BTGTU"
    assert rows[0][3] == "Nguyễn Văn An"
    assert rows[0][6] == "12"
    text = " ".join(pdf_text(register_pdf(registers["out"], YEAR)).split())
    assert "cuộc thi chính luận" in text
    assert "Nguyễn Văn An" in text


def test_an_empty_year_still_prints(registers: dict[str, Register]) -> None:
    reader = PdfReader(io.BytesIO(register_pdf(registers["in"], YEAR - 5)))
    assert len(reader.pages) == 2


def test_clerk_downloads_a_register_and_it_is_audited(
    client: Client, clerk: User, registers: dict[str, Register]
) -> None:
    client.force_login(clerk)
    page = client.get(reverse("documents:registers"))
    assert page.status_code == 200
    url = reverse("documents:register_pdf", args=[registers["in"].pk, YEAR])
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.filter(action="documents.export").get()
    assert entry.actor_id == clerk.pk
    assert entry.data["what"] == "register.pdf"
    assert entry.data["year"] == YEAR


@pytest.mark.parametrize("who", ["official", "outsider"])
def test_others_may_not_print_registers(
    request: pytest.FixtureRequest, client: Client, who: str, registers: dict[str, Register]
) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("documents:register_pdf", args=[registers["in"].pk, YEAR]))
    assert response.status_code == 403
    assert client.get(reverse("documents:registers")).status_code == 403
    assert not AuditEntry.objects.filter(action="documents.export").exists()


def test_unknown_register_and_absurd_year(
    client: Client, clerk: User, registers: dict[str, Register]
) -> None:
    client.force_login(clerk)
    assert client.get(reverse("documents:register_pdf", args=[999999, YEAR])).status_code == 404
    bad_year = client.get(reverse("documents:register_pdf", args=[registers["in"].pk, 3999]))
    assert bad_year.status_code == 400


def test_anonymous_is_sent_to_sign_in(client: Client, registers: Any) -> None:
    response = client.get(reverse("documents:stats"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_dashboard_shows_figures_and_accessible_charts(
    client: Client, leader: User, registers: dict[str, Register]
) -> None:
    client.force_login(leader)
    response = client.get(reverse("documents:stats"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<title" in html and "<desc" in html
    assert 'role="img"' in html
    assert reverse("documents:stats_xlsx") in html
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in html


def test_dashboard_refuses_an_official(client: Client, official: User) -> None:
    client.force_login(official)
    assert client.get(reverse("documents:stats")).status_code == 403


def test_dashboard_rejects_a_bad_filter(
    client: Client, leader: User, province: Unit, central: Unit
) -> None:
    client.force_login(leader)
    bad_date = client.get(reverse("documents:stats"), {"unit": province.pk, "date_from": "x"})
    assert bad_date.status_code == 400
    # A unit above the leader's is not offered, so choosing it is refused.
    above = client.get(reverse("documents:stats"), {"unit": central.pk})
    assert above.status_code == 400


def test_xlsx_export_opens_with_the_numbers(
    client: Client, leader: User, province: Unit, registers: dict[str, Register]
) -> None:
    client.force_login(leader)
    response = client.get(
        reverse("documents:stats_xlsx"),
        {"unit": province.pk, "date_from": f"{YEAR}-01-01", "date_to": f"{YEAR}-12-31"},
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Ban Tuyên giáo Tỉnh ủy Nghệ An"
    assert rows[1][1:4] == (2, 2, 1)  # received, registered, issued
    assert AuditEntry.objects.filter(action="documents.export").get().data["what"] == "stats.xlsx"


def test_pdf_export_contains_the_unit_and_numbers(
    client: Client, leader: User, province: Unit, registers: dict[str, Register]
) -> None:
    client.force_login(leader)
    response = client.get(reverse("documents:stats_pdf"), {"unit": province.pk})
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in text


def test_charts_escape_text_and_describe_themselves() -> None:
    svg = bar_chart_svg([("<b>Công văn</b>", 3)], title="Loại & số")
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "Loại &amp; số" in svg
    donut = on_time_donut_svg(3, 1, 1)
    assert "<desc" in donut and "75%" in donut
    day = dt.date(2026, 3, 1)
    series = [(day + dt.timedelta(days=i), i % 3, i % 2) for i in range(90)]
    weekly = daily_chart_svg(series)
    assert weekly.count("<rect") < 2 * 90  # long periods are drawn per week
    assert "<desc" in daily_chart_svg([])
