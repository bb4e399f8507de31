"""Cutting sources into passages: a decree along its Chương/Điều/Khoản/points with breadcrumbs
and pages, a plain letter by paragraphs, and a huge text at sentence ends."""

from __future__ import annotations

import re
import time

from vcnet.assistant.chunking import SEP, split
from vcnet.assistant.types import Chunk, SourcePage, SourceText
from vcnet.core.text import words

DECREE_PAGE_1 = """CHÍNH PHỦ
Số: 12/2026/NĐ-CP
NGHỊ ĐỊNH
Quy định chính sách hỗ trợ khắc phục hậu quả thiên tai
Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
Căn cứ Luật Phòng, chống thiên tai ngày 19 tháng 6 năm 2013;
Chính phủ ban hành Nghị định quy định chính sách hỗ trợ khắc phục hậu quả thiên tai.
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định chính sách hỗ trợ khôi phục sản xuất nông nghiệp và hỗ trợ hộ gia đình
bị thiệt hại do thiên tai gây ra trên địa bàn cả nước.
Điều 2. Đối tượng áp dụng
1. Hộ gia đình, cá nhân có nhà ở bị thiệt hại do thiên tai.
2. Cơ quan, tổ chức có liên quan đến việc thực hiện chính sách hỗ trợ.
Chương II
QUY ĐỊNH CỤ THỂ
Điều 5. Hỗ trợ hộ gia đình
1. Hộ gia đình có nhà bị sập đổ, trôi hoàn toàn hoặc hư hỏng nặng được hỗ trợ tối đa
40 triệu đồng mỗi hộ để xây dựng lại nhà ở theo quy định của Ủy ban nhân dân cấp tỉnh.
2. Mức hỗ trợ cụ thể như sau:
a) Hộ nghèo, hộ cận nghèo được hỗ trợ 100% mức quy định tại khoản 1 Điều này;
b) Hộ gia đình chính sách được hỗ trợ 80% mức quy định tại khoản 1 Điều này;
c) Các hộ gia đình khác được hỗ trợ 50% mức quy định tại khoản 1 Điều này.
"""
DECREE_PAGE_2 = """3. Hồ sơ đề nghị hỗ trợ gồm đơn của hộ gia đình có xác nhận của Ủy ban nhân dân cấp xã và
biên bản đánh giá mức độ thiệt hại do đoàn kiểm tra lập. Ủy ban nhân dân cấp xã tổng hợp danh
sách, gửi Ủy ban nhân dân cấp huyện trong thời hạn 10 ngày kể từ ngày thiên tai kết thúc.
Điều 6. Hỗ trợ khôi phục sản xuất nông nghiệp
Diện tích lúa bị thiệt hại trên 70% được hỗ trợ 2 triệu đồng mỗi héc-ta; diện tích bị thiệt hại
từ 30% đến 70% được hỗ trợ 1 triệu đồng mỗi héc-ta.
Chương III
TỔ CHỨC THỰC HIỆN
Điều 10. Hiệu lực thi hành
Nghị định này có hiệu lực thi hành kể từ ngày 01 tháng 3 năm 2026.
"""

LETTER = """BAN TUYÊN GIÁO TỈNH ỦY NGHỆ AN
Số 1520-CV/BTGTU
V/v tuyên truyền phòng, chống lũ lụt năm 2026

Kính gửi: Ban Tuyên giáo các huyện ủy, thành ủy, thị ủy.

Thực hiện chỉ đạo của Thường trực Tỉnh ủy về công tác phòng, chống thiên tai năm 2026,
Ban Tuyên giáo Tỉnh ủy đề nghị các đơn vị tập trung tuyên truyền sâu rộng trong cán bộ, đảng viên
và nhân dân về nguy cơ lũ quét, sạt lở đất trong mùa mưa bão.

- Tuyên truyền kỹ năng phòng tránh lũ quét, sạt lở đất cho người dân vùng núi.
- Phối hợp với Đài Phát thanh và Truyền hình tỉnh đưa tin kịp thời, chính xác.

Báo cáo kết quả về Ban Tuyên giáo Tỉnh ủy trước ngày 30/6/2026.
"""


def decree() -> SourceText:
    return SourceText(
        source_type="library",
        source_id="1",
        title="Nghị định 12/2026/NĐ-CP",
        pages=(SourcePage(1, DECREE_PAGE_1), SourcePage(2, DECREE_PAGE_2)),
    )


def plain(heading: str) -> str:
    """A breadcrumb in ASCII punctuation: "Chương II > Điều 5 > Khoản 1-2"."""
    return heading.replace(SEP, " > ").replace("\u2013", "-")


def by_heading(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    found: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        found.setdefault(plain(chunk.heading), []).append(chunk)
    return found


def test_a_decree_is_cut_along_its_articles_with_breadcrumbs_and_pages() -> None:
    chunks = split(decree())

    headings = [plain(c.heading) for c in chunks]
    assert "Chương I > Điều 1" in headings
    assert "Chương I > Điều 2" in headings
    assert "Chương II > Điều 6" in headings
    assert "Chương III > Điều 10" in headings
    # Điều 5 starts on page 1 and goes on to page 2: cut between its clauses, each on its page.
    article_5 = [c for c in chunks if "Điều 5" in c.heading]
    assert [(plain(c.heading), c.page) for c in article_5] == [
        ("Chương II > Điều 5 > Khoản 1-2", 1),
        ("Chương II > Điều 5 > Khoản 3", 2),
    ]
    # The title line belongs to the text, so "hỗ trợ hộ gia đình" finds it.
    assert article_5[0].text.startswith("Điều 5. Hỗ trợ hộ gia đình\n1. Hộ gia đình có nhà")
    # Lines broken by the PDF are joined again; points stay with their clause.
    assert "hư hỏng nặng được hỗ trợ tối đa 40 triệu đồng" in article_5[0].text
    assert "c) Các hộ gia đình khác được hỗ trợ 50%" in article_5[0].text
    assert by_heading(chunks)["Chương II > Điều 6"][0].page == 2
    # Chapter names are breadcrumbs, not passage text; no passage crosses an Điều boundary.
    assert not any("QUY ĐỊNH CỤ THỂ" in c.text for c in chunks)
    for chunk in chunks:
        assert len(re.findall(r"(?m)^Điều \d+\.", chunk.text)) <= 1
    # The preamble (before Chương I) is kept, without a breadcrumb.
    assert chunks[0].heading == ""
    assert "Căn cứ Luật Phòng, chống thiên tai" in chunks[0].text


def test_a_long_article_is_cut_between_its_points_and_tiny_pieces_join_a_neighbour() -> None:
    chunks = split(decree(), max_chars=170, min_chars=60)

    headings = [plain(c.heading) for c in chunks]
    assert "Chương II > Điều 5 > Khoản 2 > Điểm a" in headings
    assert "Chương II > Điều 5 > Khoản 2 > Điểm b-c" in headings
    point_a = by_heading(chunks)["Chương II > Điều 5 > Khoản 2 > Điểm a"][0]
    assert point_a.text.startswith("2. Mức hỗ trợ cụ thể như sau:\na) Hộ nghèo")
    # Khoản 3 is too long: cut at a sentence end, both pieces knowing where they are.
    clause_3 = by_heading(chunks)["Chương II > Điều 5 > Khoản 3"]
    assert len(clause_3) == 2
    assert clause_3[0].text.endswith("do đoàn kiểm tra lập.")
    assert clause_3[1].text.startswith("Ủy ban nhân dân cấp xã tổng hợp danh sách")
    # Điều 10 is short, but alone in its Điều: not glued to Điều 6.
    assert by_heading(chunks)["Chương III > Điều 10"][0].text.startswith("Điều 10. Hiệu lực")
    assert all(len(c.text) <= 170 + 60 for c in chunks)


def test_parts_sections_and_sub_clauses_appear_in_the_breadcrumbs() -> None:
    law = SourceText(
        source_type="library",
        source_id="2",
        title="Luật",
        pages=(
            SourcePage(
                None,
                "Phần thứ nhất\nNHỮNG QUY ĐỊNH CHUNG\nChương I\nCÁN BỘ\nMục 2\nBẦU CỬ\n"
                "Điều 7. Nguyên tắc bầu cử\nViệc bầu cử được tiến hành theo nguyên tắc phổ thông, "
                "bình đẳng, trực tiếp và bỏ phiếu kín, bảo đảm dân chủ, khách quan.",
            ),
        ),
    )
    (chunk,) = split(law)
    assert plain(chunk.heading) == "Phần thứ nhất > Chương I > Mục 2 > Điều 7"
    assert chunk.page is None
    assert chunk.text.startswith("Điều 7. Nguyên tắc bầu cử\nViệc bầu cử")


def test_a_plain_letter_is_cut_by_paragraphs_and_keeps_its_bullets() -> None:
    chunks = split(
        SourceText("document", "3", "Công văn 1520", (SourcePage(1, LETTER),)), max_chars=300
    )

    assert all(c.heading == "" for c in chunks)
    assert all(c.page == 1 for c in chunks)
    texts = [c.text for c in chunks]
    assert texts[0].startswith("BAN TUYÊN GIÁO TỈNH ỦY NGHỆ AN Số 1520-CV/BTGTU V/v tuyên truyền")
    # The paragraph broken over three lines reads as one.
    assert any(
        "năm 2026, Ban Tuyên giáo Tỉnh ủy đề nghị các đơn vị tập trung tuyên truyền sâu rộng" in t
        for t in texts
    )
    bullets = next(t for t in texts if "Tuyên truyền kỹ năng" in t)
    assert "\n- Phối hợp với Đài Phát thanh" in bullets or bullets.startswith("- Phối hợp")
    # Nothing is lost: every word of the letter is in some passage, in order.
    assert words(" ".join(texts)) == words(LETTER)
    # The short closing line joined its neighbour rather than standing alone.
    assert all(len(c.text) >= 120 for c in chunks)


def test_a_letter_on_two_pages_gives_each_passage_its_page() -> None:
    page_1 = "Ủy ban nhân dân tỉnh đề nghị các sở, ngành rà soát phương án sơ tán dân cư. " * 3
    page_2 = "Các địa phương báo cáo kết quả thực hiện trước ngày 15 tháng 7 năm 2026. " * 3
    chunks = split(
        SourceText("document", "4", "CV", (SourcePage(1, page_1), SourcePage(2, page_2)))
    )
    assert [c.page for c in chunks] == [1, 2]
    assert chunks[1].text.startswith("Các địa phương báo cáo")


def test_a_huge_text_is_cut_at_sentence_ends_quickly_and_completely() -> None:
    sentence = (
        "Ủy ban nhân dân tỉnh đề nghị các sở, ngành và địa phương triển khai nghiêm túc kế hoạch "
        "phòng, chống lũ lụt, bảo đảm an toàn tính mạng và tài sản của nhân dân số {n}. "
    )
    text = "".join(sentence.format(n=n) for n in range(3000))  # about 500,000 characters
    source = SourceText("document", "5", "Báo cáo", (SourcePage(1, text),))

    started = time.perf_counter()
    chunks = split(source)
    elapsed = time.perf_counter() - started

    assert elapsed < 5
    assert len(chunks) > 400
    assert all(120 <= len(c.text) <= 900 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)
    assert all(c.text.startswith("Ủy ban nhân dân tỉnh") for c in chunks)
    assert sum(len(words(c.text)) for c in chunks) == len(words(text))


def test_empty_and_decomposed_text() -> None:
    assert split(SourceText("faq", "6", "Hỏi", (SourcePage(None, "  \n\n "),))) == []
    decomposed = "Điều 3. Giải thích từ ngữ\nThiên tai là hiện tượng tự nhiên bất thường."
    import unicodedata

    (chunk,) = split(
        SourceText("faq", "7", "Hỏi", (SourcePage(None, unicodedata.normalize("NFD", decomposed)),))
    )
    assert chunk.heading == "Điều 3"
    assert chunk.text == decomposed


def test_a_plan_with_roman_sections_and_numbered_items() -> None:
    plan = (
        "I. MỤC ĐÍCH, YÊU CẦU\n"
        "1. Nâng cao nhận thức của cán bộ, đảng viên và nhân dân về phòng, chống thiên tai, "
        "chủ động ứng phó với lũ quét và sạt lở đất trong mùa mưa bão năm 2026.\n"
        "II. NHIỆM VỤ\n"
        "1. Các cơ quan báo chí mở chuyên mục tuyên truyền, đưa tin kịp thời về diễn biến "
        "thời tiết; mức hỗ trợ 15.000 đồng mỗi tin bài được giữ nguyên như năm trước.\n"
        "2. Ban Tuyên giáo các huyện ủy tổ chức hội nghị báo cáo viên chuyên đề về "
        "kỹ năng phòng tránh thiên tai cho người dân vùng núi và ven biển."
    )
    chunks = split(SourceText("document", "8", "Kế hoạch", (SourcePage(1, plan),)), max_chars=250)
    assert [plain(c.heading) for c in chunks] == [
        "Mục I",  # the whole section fits in one passage
        "Mục II > Mục II.1",
        "Mục II > Mục II.2",
    ]
    assert chunks[0].text.startswith("I. MỤC ĐÍCH, YÊU CẦU\n1. Nâng cao nhận thức")
    assert "mức hỗ trợ 15.000 đồng mỗi tin bài" in chunks[1].text
