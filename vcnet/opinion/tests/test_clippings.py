"""Reading files of press clippings: CSV as analysts save them, Excel workbooks, and bad files."""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from vcnet.opinion.clippings import read_clippings
from vcnet.opinion.models import ItemKind


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


CSV_ROWS = [
    "Tiêu đề;Nội dung;Đường dẫn;Ngày đăng;Báo;Tỉnh thành",
    "Người dân Nghệ An hài lòng với dịch vụ công trực tuyến;"
    '"Thủ tục cấp giấy phép xây dựng nay chỉ mất 5 ngày; người dân không phải đi lại.";'
    "https://baonghean.example.vn/dich-vu-cong.html;27/11/2026;Báo Nghệ An;Nghệ An",
    "Giá điện tăng, nhiều hộ kinh doanh lo lắng;"
    "Tiểu thương chợ Vinh cho biết hóa đơn tiền điện tháng 11 tăng gần 20%.;"
    ";26/11/2026 14:30;Báo Điện Tử Miền Trung;",
    "Ngập sâu ở Hưng Nguyên;Nhiều tuyến đường ngập sâu sau mưa lớn.;;31/02/2026;;",
    ";;;;;",
    "Trường học cắt giảm khoản thu;Phụ huynh đồng tình với việc bỏ các khoản thu ngoài quy định.;"
    ";2026-11-25;;Hà Tĩnh",
]


def _csv(rows: list[str], encoding: str = "utf-8-sig", delimiter: str = ";") -> bytes:
    return "\r\n".join(row.replace(";", delimiter) for row in rows).encode(encoding)


def test_excel_csv_with_bom_semicolons_and_vietnamese_headers() -> None:
    upload = SimpleUploadedFile("bao-chi-thang-11.csv", _csv(CSV_ROWS), "text/csv")

    result = read_clippings(upload, "bao-chi-thang-11.csv", province="Nghệ An")

    assert [(error.row, error.message) for error in result.errors] == [
        (4, "“31/02/2026” is not a date: write it as dd/mm/yyyy (or dd/mm/yyyy HH:MM).")
    ]
    assert len(result.drafts) == 3
    first, second, third = result.drafts
    assert first.kind == ItemKind.CLIPPING
    assert first.title == "Người dân Nghệ An hài lòng với dịch vụ công trực tuyến (Báo Nghệ An)"
    assert first.text.startswith("Thủ tục cấp giấy phép xây dựng nay chỉ mất 5 ngày; người dân")
    assert first.url == first.external_id == "https://baonghean.example.vn/dich-vu-cong.html"
    # A date alone is taken at noon in Vietnam, so it stays on the same day in UTC.
    assert first.published_at == datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
    assert second.published_at == datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
    assert second.external_id.startswith("sha1:")
    assert second.province == "Nghệ An"  # the file's default
    assert third.province == "Hà Tĩnh"  # the row's own
    assert third.published_at == datetime(2026, 11, 25, 5, 0, tzinfo=UTC)


def test_reading_the_same_file_twice_gives_the_same_ids() -> None:
    data = _csv(CSV_ROWS)

    first = read_clippings(io.BytesIO(data), "a.csv")
    again = read_clippings(io.BytesIO(data), "a.csv")

    assert [d.external_id for d in first.drafts] == [d.external_id for d in again.drafts]


def test_utf16_tab_separated_export_with_english_headers() -> None:
    rows = [
        "Title;Text;URL;Date;Outlet;Province",
        "Metro số 1 đông khách;Tuyến metro đón hơn 70.000 lượt khách mỗi ngày.;;"
        "20/11/2026 08:00;Nhịp Sống Phương Nam;TP. Hồ Chí Minh",
    ]

    result = read_clippings(io.BytesIO(_csv(rows, "utf-16", "\t")), "export.txt")

    assert result.errors == []
    [draft] = result.drafts
    assert draft.title == "Metro số 1 đông khách (Nhịp Sống Phương Nam)"
    assert draft.province == "TP. Hồ Chí Minh"
    assert draft.published_at == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def test_comma_csv_without_bom_and_headers_without_diacritics() -> None:
    rows = [
        "TIEU DE,NOI DUNG,NGAY",
        'Bệnh viện quá tải,"Bệnh nhân nằm ghép, chờ khám từ sáng sớm.",28/11/2026',
    ]

    result = read_clippings(io.BytesIO("\n".join(rows).encode()), "x.csv")

    assert result.errors == []
    assert result.drafts[0].text == "Bệnh nhân nằm ghép, chờ khám từ sáng sớm."


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_excel_workbook_with_date_cells_and_a_bad_row() -> None:
    data = _xlsx(
        [
            ["TIÊU ĐỀ", "Tóm tắt", "Link", "Ngày", "Nguồn"],
            [
                "Đà Nẵng bàn giao nhà ở xã hội",
                "Hơn 500 công nhân nhận nhà ở xã hội tại Hòa Khánh.",
                "https://mientrung.example.vn/nha-o-xa-hoi.html",
                datetime(2026, 11, 24, 9, 45),  # noqa: DTZ001 - an Excel cell has no zone
                "Báo Điện Tử Miền Trung",
            ],
            [None, None, None, None, None],
            ["Không có ngày", "Bài này thiếu ngày đăng.", None, None, None],
            [
                "Cần Thơ khởi công cầu mới",
                "Dự án cầu Trần Hoàng Na được khởi công.",
                "cantho.example.vn/cau-moi",
                "21/11/2026",
                None,
            ],
            ["Huế cứu trợ vùng lũ", "Hàng nghìn suất quà đến với bà con.", None, 46349, None],
        ]
    )

    result = read_clippings(io.BytesIO(data), "bao-chi.xlsx", province="Thừa Thiên Huế")

    assert [(e.row, e.message) for e in result.errors] == [
        (4, "The date is missing."),
        (
            5,
            "The link “cantho.example.vn/cau-moi” is not a web address "
            "(it should start with https://).",
        ),
    ]
    first, second = result.drafts
    assert first.title == "Đà Nẵng bàn giao nhà ở xã hội (Báo Điện Tử Miền Trung)"
    assert first.published_at == datetime(2026, 11, 24, 2, 45, tzinfo=UTC)
    assert first.province == "Thừa Thiên Huế"
    # 46349 is an Excel date serial (2026-11-23) in a cell not formatted as a date.
    assert second.published_at == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def test_missing_columns_are_named() -> None:
    result = read_clippings(io.BytesIO(_xlsx([["Tiêu đề", "Ghi chú"], ["Tin", "x"]])), "a.xlsx")

    assert result.drafts == []
    assert [(e.row, e.message) for e in result.errors] == [
        (1, "The first row must name the columns; not found: date (ngày).")
    ]


def test_a_renamed_image_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 8

    result = read_clippings(io.BytesIO(png), "bao-chi.csv")

    assert result.drafts == []
    assert [(e.row, e.message) for e in result.errors] == [
        (0, "“bao-chi.csv” is not a CSV or Excel (.xlsx) file.")
    ]


def test_an_archive_that_unpacks_to_far_more_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (8 * 1024 * 1024))

    result = read_clippings(io.BytesIO(out.getvalue()), "bao-chi.xlsx")

    assert [(e.row, e.message) for e in result.errors] == [
        (0, "The Excel file unpacks to far more data than a table of clippings.")
    ]


def test_other_files_are_refused_with_a_clear_reason(settings: Any) -> None:
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("anh.jpg", b"\xff\xd8\xff")
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512

    assert read_clippings(io.BytesIO(other_zip.getvalue()), "a.xlsx").errors[0].message == (
        "This archive is not an Excel (.xlsx) workbook."
    )
    assert "Old Excel files (.xls)" in read_clippings(io.BytesIO(xls), "a.xls").errors[0].message
    assert read_clippings(io.BytesIO(b""), "a.csv").errors[0].message == "The file is empty."
    settings.OPINION_IMPORT_MAX_BYTES = 1024 * 1024
    too_big = read_clippings(io.BytesIO(_csv(CSV_ROWS * 2000)), "a.csv")
    assert [(e.row, e.message) for e in too_big.errors] == [(0, "The file is larger than 1 MB.")]


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vcnet.opinion.clippings.MAX_ROWS", 3)
    rows = ["Tiêu đề;Ngày"] + [f"Tin số {n};2{n}/11/2026" for n in range(4)]

    result = read_clippings(io.BytesIO(_csv(rows)), "a.csv")

    assert result.drafts == []
    assert [(e.row, e.message) for e in result.errors] == [
        (0, "The file has more than 3 rows; split it into parts.")
    ]


def test_byte_order_mark_alone_is_not_a_header() -> None:
    data = codecs.BOM_UTF8 + "Nội dung;Ngày\nTin;27/11/2026".encode()

    assert len(read_clippings(io.BytesIO(data), "a.csv").drafts) == 1
