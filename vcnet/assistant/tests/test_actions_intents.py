"""Recognising e-office requests: with or without diacritics, in several phrasings, and never
taking a question about a subject for one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from vcnet.assistant.intents import recognise

TODAY = dt.date(2026, 5, 20)
THIS_YEAR = {"year": 2026, "date_from": "2026-01-01", "date_to": "2026-12-31"}
LAST_YEAR = {"year": 2025, "date_from": "2025-01-01", "date_to": "2025-12-31"}
THIS_MONTH = {"year": 2026, "month": 5, "date_from": "2026-05-01", "date_to": "2026-05-31"}
CONG_VAN = {"doc_type": "Công văn", "doc_type_code": "cong-van"}


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Văn bản nào của tôi sắp đến hạn?", "due_soon"),
        ("van ban nao cua toi sap den han", "due_soon"),
        ("van ban sap het han", "due_soon"),
        ("Việc nào sắp tới hạn tuần này?", "due_soon"),
        ("Những việc gì sắp đến hạn?", "due_soon"),
        ("Công văn nào đến hạn trong tuần này?", "due_soon"),
        ("VĂN BẢN SẮP ĐẾN HẠN", "due_soon"),
        ("Tìm văn bản sắp đến hạn", "due_soon"),
        ("Văn bản quá hạn", "overdue"),
        ("van ban qua han cua toi", "overdue"),
        ("Danh sách văn bản quá hạn của tôi", "overdue"),
        ("Có việc nào bị trễ hạn không?", "overdue"),
        ("Tôi còn bao nhiêu văn bản chờ xử lý?", "pending_count"),
        ("co bao nhieu van ban chua xu ly", "pending_count"),
        ("Tôi còn bao nhiêu việc phải làm?", "pending_count"),
        ("Số lượng văn bản tồn đọng của tôi", "pending_count"),
        ("Văn bản chờ xử lý của tôi", "pending_count"),
        ("Tôi có mấy văn bản chờ ký?", "pending_count"),
        ("toi co bao nhieu cong viec", "pending_count"),
    ],
)
def test_inbox_requests_are_recognised(question: str, name: str) -> None:
    intent = recognise(question, today=TODAY)
    assert intent is not None
    assert intent.name == name


@pytest.mark.parametrize(
    ("question", "params"),
    [
        (
            "Tìm công văn về phòng chống lũ lụt năm nay",
            {**CONG_VAN, **THIS_YEAR, "query": "phòng chống lũ lụt"},
        ),
        (
            "tim cong van ve phong chong lu lut nam nay",
            {
                "doc_type": "Công văn",
                "doc_type_code": "cong-van",
                **THIS_YEAR,
                "query": "phong chong lu lut",
            },
        ),
        (
            "Tìm kế hoạch tuyên truyền năm 2026",
            {
                "doc_type": "Kế hoạch",
                "doc_type_code": "ke-hoach",
                **THIS_YEAR,
                "query": "tuyên truyền",
            },
        ),
        (
            "tim van ban ve chuyen doi so thang nay",
            {**THIS_MONTH, "query": "chuyen doi so"},
        ),
        (
            "Tìm giúp tôi các quyết định về khen thưởng năm ngoái",
            {
                "doc_type": "Quyết định",
                "doc_type_code": "quyet-dinh",
                **LAST_YEAR,
                "query": "khen thưởng",
            },
        ),
        (
            "Có công văn nào về lũ lụt không?",
            {**CONG_VAN, "query": "lũ lụt"},
        ),
        (
            "Hãy tìm tờ trình về biên chế",
            {"doc_type": "Tờ trình", "doc_type_code": "to-trinh", "query": "biên chế"},
        ),
        (
            "Tra cứu báo cáo năm 2025 về công tác tuyên giáo",
            {
                "doc_type": "Báo cáo",
                "doc_type_code": "bao-cao",
                **LAST_YEAR,
                "query": "công tác tuyên giáo",
            },
        ),
        (
            "tìm văn bản v/v tổ chức hội nghị tháng 3/2025",
            {
                "year": 2025,
                "month": 3,
                "date_from": "2025-03-01",
                "date_to": "2025-03-31",
                "query": "tổ chức hội nghị",
            },
        ),
        (
            "Liệt kê các thông báo trong năm nay",
            {"doc_type": "Thông báo", "doc_type_code": "thong-bao", **THIS_YEAR},
        ),
        (
            "tìm công điện mới nhất",
            {"doc_type": "Công điện", "doc_type_code": "cong-dien"},
        ),
        (
            "Tìm hướng dẫn về chuyển đổi số",
            {"doc_type": "Hướng dẫn", "doc_type_code": "huong-dan", "query": "chuyển đổi số"},
        ),
        (
            "Tìm văn bản phòng chống lũ lụt tuần này",
            {
                "year": 2026,
                "date_from": "2026-05-18",
                "date_to": "2026-05-24",
                "query": "phòng chống lũ lụt",
            },
        ),
    ],
)
def test_find_requests_keep_topic_type_and_period(question: str, params: dict[str, Any]) -> None:
    intent = recognise(question, today=TODAY)
    assert intent is not None
    assert intent.name == "find_documents"
    assert intent.params == params


@pytest.mark.parametrize(
    "question",
    [
        "Chính sách hỗ trợ hộ nghèo là gì?",
        "chinh sach ho tro ho ngheo la gi",
        "Tìm hiểu chính sách hỗ trợ hộ nghèo",
        "Thời hạn xử lý văn bản đến là bao lâu?",
        "Văn bản quá hạn xử lý thì bị xử lý thế nào?",
        "Kế hoạch tuyên truyền năm 2026 có những nội dung gì?",
        "Nghị quyết 57 về chuyển đổi số quy định gì?",
        "Có bao nhiêu văn bản quy phạm pháp luật về đất đai?",
        "Giấy phép lái xe sắp hết hạn thì làm sao?",
        "Tôi đang tìm việc làm",
        "Làm văn bản tốn bao nhiêu thời gian?",
        "Quy định về thời hạn giải quyết văn bản",
        "Công văn phải có những thành phần nào theo quy định?",
        "Xem xét văn bản như thế nào cho đúng?",
        "Mức hưởng trợ cấp thất nghiệp là bao nhiêu tiền?",
        # "tối đa" folds to the letters of "tôi đã": neither makes these the asker's work.
        "Người nghỉ thôi việc được hỗ trợ học phí học nghề tối đa bao nhiêu?",
        "nguoi nghi thoi viec duoc ho tro hoc phi hoc nghe toi da bao nhieu?",
        "Đoàn đông người đến khiếu nại chung một việc thì được cử tối đa mấy người vào trình bày?",
        "Dung lượng tối đa của tệp đính kèm khi tải văn bản lên là bao nhiêu?",
        "",
        "   ",
    ],
)
def test_questions_about_a_subject_are_not_actions(question: str) -> None:
    assert recognise(question, today=TODAY) is None


def test_composed_and_decomposed_text_are_the_same_request() -> None:
    import unicodedata

    question = "Tìm công văn về phòng chống lũ lụt năm nay"
    decomposed = unicodedata.normalize("NFD", question)
    assert recognise(decomposed, today=TODAY) == recognise(question, today=TODAY)
