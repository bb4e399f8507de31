"""The opinion report downloads: the XLSX workbook and the PDF, as an analyst gets them."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from vcnet.accounts.models import User
from vcnet.opinion import export, selectors
from vcnet.opinion.tests.test_web_dashboard import (  # fixtures and helpers, not tests
    HA_TINH,
    NGHE_AN,
    TOTAL,
    Corpus,
    browser,
    corpus,  # noqa: F401
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(response: Any, ext: str) -> bytes:
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-du-luan-{today}.{ext}"'
    )
    return bytes(response.content)


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_has_the_sheets_and_the_numbers(analyst: User, corpus: Corpus) -> None:  # noqa: F811
    response = browser(analyst).get(reverse("opinion:export", kwargs={"fmt": "xlsx"}))
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(_download(response, "xlsx")))
    assert book.sheetnames == ["Tổng quan", "Chuỗi thời gian", "Chủ đề", "Tỉnh thành", "Từ khóa"]

    overview = _rows(book["Tổng quan"])
    mentions = next(row for row in overview if row[0] == "Mentions")
    assert mentions[1] == TOTAL
    shares = [row[2] for row in overview if row[0] in ("Positive", "Neutral", "Negative")]
    assert len(shares) == 3 and abs(sum(shares) - 1) < 1e-9

    series = book["Chuỗi thời gian"]
    assert series["A1"].font.bold and series["B1"].value == "Mentions"
    body = _rows(series)[1:]
    assert len(body) >= 3  # the seven days of the default period, at least
    assert all(isinstance(row[0], dt.datetime) for row in body)
    assert sum(row[1] for row in body) == TOTAL
    assert series.column_dimensions["A"].width >= 12

    provinces = {row[0]: row[1] for row in _rows(book["Tỉnh thành"])[1:]}
    assert provinces == {"Nghệ An": len(NGHE_AN), "Hà Tĩnh": len(HA_TINH)}
    assert _rows(book["Chủ đề"])[0][:3] == ("Topic", "Keywords", "Mentions")
    assert len(_rows(book["Từ khóa"])) > 1  # keywords were found in the articles


def test_the_workbook_follows_the_filters(analyst: User, corpus: Corpus) -> None:  # noqa: F811
    url = reverse("opinion:export", kwargs={"fmt": "xlsx"})
    response = browser(analyst).get(url, {"province": "Hà Tĩnh"})
    book = load_workbook(io.BytesIO(_download(response, "xlsx")))
    overview = _rows(book["Tổng quan"])
    assert next(row for row in overview if row[0] == "Mentions")[1] == len(HA_TINH)
    assert ("Province or city", "Hà Tĩnh") in [row[:2] for row in overview]


def test_text_from_public_content_never_becomes_a_formula(db: None) -> None:
    now = timezone.now()
    f = selectors.filters_from({"range": "7d"}, now=now)
    overview = selectors.Overview(
        filters=f,
        total=3,
        negative=3,
        keywords=[selectors.TermRow('=HYPERLINK("https://evil.example","bấm")', 3, 1.0)],
        topics=[selectors.TopicRow(1, "+cmd|' /C calc'!A0", ["@SUM(1)"], 3, 1.0, 0)],
    )
    book = load_workbook(io.BytesIO(export.report_xlsx(f, overview)))
    keyword = book["Từ khóa"]["B2"]
    assert keyword.data_type == "s" and keyword.value.startswith("=HYPERLINK")
    topic = book["Chủ đề"]["A2"]
    assert topic.data_type == "s" and topic.value.startswith("+cmd")


def test_the_pdf_report_is_in_vietnamese(analyst: User, corpus: Corpus) -> None:  # noqa: F811
    from pypdf import PdfReader

    client = browser(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    url = reverse("opinion:export", kwargs={"fmt": "pdf"})
    response = client.get(url, {"province": "Nghệ An"})
    assert response["Content-Type"] == "application/pdf"
    content = _download(response, "pdf")
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"[ \t]+", " ", text)
    with translation.override("vi"):
        title = translation.gettext("Public opinion report")
    assert title in text
    assert "Nghệ An" in text  # the filter summary and the provinces table, with diacritics


def test_an_empty_period_still_gives_a_report(analyst: User) -> None:
    client = browser(analyst)
    params = {"start": "2020-01-01", "end": "2020-01-02"}
    pdf = _download(client.get(reverse("opinion:export", kwargs={"fmt": "pdf"}), params), "pdf")
    assert pdf.startswith(b"%PDF")
    xlsx = _download(client.get(reverse("opinion:export", kwargs={"fmt": "xlsx"}), params), "xlsx")
    overview = _rows(load_workbook(io.BytesIO(xlsx))["Tổng quan"])
    assert next(row for row in overview if row[0] == "Mentions")[1] == 0


def test_other_formats_are_not_found(analyst: User) -> None:
    response = browser(analyst).get(reverse("opinion:export", kwargs={"fmt": "csv"}))
    assert response.status_code == 404
