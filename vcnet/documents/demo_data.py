"""Demo content of the e-office (used by `demo.py`): unit profiles, documents, and their PDFs.

The PDFs follow the layout of Decree 30 / Guideline 36 (issuer block top left, national or Party
heading top right, number and notation, place and date line, title, body, signer, Nơi nhận), in
DejaVu Serif so that Vietnamese shows. People and documents are fictitious.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import NamedTuple

FONT_DIR = Path(__file__).resolve().parents[1] / "core" / "fonts"
_FONTS = ("VcnetDemoSerif", "VcnetDemoSerifBold")
_fonts_ready = False


class Profile(NamedTuple):
    """A demo unit's e-office profile: exchange id, Party notation style, place, abbreviation."""

    unit: str
    organ_id: str
    place: str
    abbreviation: str
    parent_name: str  # the committee above the board, printed above its name


PROFILES: tuple[Profile, ...] = (
    Profile("btgdvtw", "000.00.00.T01", "Hà Nội", "BTGDVTW", "BAN CHẤP HÀNH TRUNG ƯƠNG"),
    Profile("btgdv-ha-noi", "000.00.00.T02", "Hà Nội", "BTGDVThU", "THÀNH ỦY HÀ NỘI"),
    Profile("btgdv-nghe-an", "000.00.00.T03", "Nghệ An", "BTGDVTU", "TỈNH ỦY NGHỆ AN"),
    Profile("btgdv-tp-hcm", "000.00.00.T04", "TP. Hồ Chí Minh", "BTGDVThU", "THÀNH ỦY TP. HỒ CHÍ MINH"),
    Profile("btgdv-lam-dong", "000.00.00.T05", "Lâm Đồng", "BTGDVTU", "TỈNH ỦY LÂM ĐỒNG"),
    Profile("btgdv-da-nang", "000.00.00.T06", "Đà Nẵng", "BTGDVThU", "THÀNH ỦY ĐÀ NẴNG"),
)  # fmt: skip


class Incoming(NamedTuple):
    """A document that arrived at a demo unit, and how far the unit has got with it."""

    unit: str
    state: str  # received | registered | directing | in_progress | done | returned
    type_code: str
    issuer: str
    issuer_parent: str
    number: str
    notation: str
    subject: str
    priority: int = 0
    confidentiality: int = 0
    due_in_days: int | None = None  # negative: overdue
    days_ago: int = 2  # when it was issued and arrived


# fmt: off
INCOMING: tuple[Incoming, ...] = (
    # The central board: the demo clerk (lanvt) has PDFs to register, the head (tuanpm) has
    # documents to direct.
    Incoming("btgdvtw", "received", "cong-van", "Văn phòng Trung ương Đảng", "BAN CHẤP HÀNH TRUNG ƯƠNG", "1520", "CV/VPTW",
             "Về việc tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2026)", 1, 0, 10, 1),
    Incoming("btgdvtw", "received", "ke-hoach", "Ban Thường vụ Tỉnh ủy Nghệ An", "TỈNH ỦY NGHỆ AN", "215", "KH/TU",
             "Kế hoạch tuyên truyền kỷ niệm 136 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 - 19/5/2026)", 0, 0, 20, 1),
    Incoming("btgdvtw", "received", "cong-dien", "Ban Chỉ đạo phòng thủ dân sự quốc gia", "BỘ QUỐC PHÒNG", "12", "CĐ-BCĐ",
             "Công điện về việc chủ động ứng phó với bão số 3 và mưa lũ tại các tỉnh Bắc Trung Bộ", 3, 0, 3, 0),
    Incoming("btgdvtw", "directing", "bao-cao", "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội", "THÀNH ỦY HÀ NỘI", "318", "BC/BTGDVThU",
             "Báo cáo kết quả công tác tuyên truyền chuyển đổi số năm 2025 và phương hướng năm 2026", 0, 0, 15, 4),
    Incoming("btgdvtw", "directing", "cong-van", "Bộ Thông tin và Truyền thông", "", "4871", "BTTTT-CBC",
             "Về việc phối hợp định hướng thông tin tuyên truyền về Luật Chuyển đổi số", 1, 0, 7, 3),
    Incoming("btgdvtw", "directing", "to-trinh", "Ban Tuyên giáo và Dân vận Tỉnh ủy Lâm Đồng", "TỈNH ỦY LÂM ĐỒNG", "45", "TTr/BTGDVTU",
             "Tờ trình đề nghị hỗ trợ tài liệu tuyên truyền về phòng, chống sạt lở đất mùa mưa", 0, 1, 12, 5),
    Incoming("btgdvtw", "in_progress", "huong-dan", "Ban Bí thư Trung ương Đảng", "BAN CHẤP HÀNH TRUNG ƯƠNG", "38", "HD/TW",
             "Hướng dẫn tuyên truyền Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số", 1, 0, -5, 30),
    Incoming("btgdvtw", "in_progress", "cong-van", "Văn phòng Chính phủ", "", "7816", "VPCP-TTĐT",
             "Về việc cung cấp thông tin cho Cổng Thông tin điện tử Chính phủ về công tác dân vận", 0, 0, 9, 6),
    Incoming("btgdvtw", "done", "giay-moi", "Ban Tổ chức Trung ương", "BAN CHẤP HÀNH TRUNG ƯƠNG", "112", "GM/BTCTW",
             "Giấy mời dự Hội nghị trực tuyến toàn quốc quán triệt Nghị quyết Trung ương 11 khóa XIII", 0, 0, None, 20),
    Incoming("btgdvtw", "returned", "cong-van", "Sở Văn hóa và Thể thao tỉnh Bình Dương", "UBND TỈNH BÌNH DƯƠNG", "903", "SVHTT-VP",
             "Về việc đề nghị cung cấp tài liệu tuyên truyền lễ hội truyền thống (gửi nhầm nơi nhận)", 0, 0, None, 8),
    # The Hà Nội city board: its clerk (xuanptt) and head (hungnv).
    Incoming("btgdv-ha-noi", "received", "thong-bao", "Ban Tuyên giáo và Dân vận Trung ương", "BAN CHẤP HÀNH TRUNG ƯƠNG", "86", "TB/BTGDVTW",
             "Thông báo kết luận Hội nghị giao ban công tác tuyên giáo và dân vận quý I năm 2026", 0, 0, 14, 1),
    Incoming("btgdv-ha-noi", "received", "cong-van", "Đảng ủy phường Hoàn Kiếm", "THÀNH ỦY HÀ NỘI", "27", "CV/ĐU",
             "Về việc đăng ký tham gia Cuộc thi tìm hiểu 96 năm Ngày thành lập Đảng", 0, 0, 6, 0),
    Incoming("btgdv-ha-noi", "directing", "ke-hoach", "Ban Thường vụ Thành ủy Hà Nội", "THÀNH ỦY HÀ NỘI", "402", "KH/ThU",
             "Kế hoạch tổ chức các hoạt động kỷ niệm 72 năm Ngày Giải phóng Thủ đô (10/10/1954 - 10/10/2026)", 1, 0, 11, 3),
    Incoming("btgdv-ha-noi", "directing", "cong-van", "Công an thành phố Hà Nội", "", "1893", "CAHN-PA05",
             "Về việc thông tin tình hình an ninh mạng và định hướng đấu tranh phản bác quan điểm sai trái", 2, 1, 4, 2),
    Incoming("btgdv-ha-noi", "in_progress", "chuong-trinh", "Ban Thường vụ Thành ủy Hà Nội", "THÀNH ỦY HÀ NỘI", "15", "CTr/ThU",
             "Chương trình công tác tuyên truyền phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026", 0, 0, -3, 25),
    Incoming("btgdv-ha-noi", "done", "cong-van", "Sở Văn hóa và Thể thao Hà Nội", "UBND THÀNH PHỐ HÀ NỘI", "655", "SVHTT-QLVH",
             "Về việc phối hợp trang trí, cổ động trực quan chào mừng Đại hội Đảng bộ thành phố", 0, 0, None, 18),
    # The other provincial boards.
    Incoming("btgdv-nghe-an", "received", "cong-van", "Ban Tuyên giáo và Dân vận Trung ương", "BAN CHẤP HÀNH TRUNG ƯƠNG", "92", "CV/BTGDVTW",
             "Về việc sơ kết 5 năm thực hiện Chỉ thị số 05-CT/TW về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", 0, 0, 16, 1),
    Incoming("btgdv-nghe-an", "directing", "bao-cao", "Đảng ủy phường Thành Vinh", "TỈNH ỦY NGHỆ AN", "56", "BC/ĐU",
             "Báo cáo tình hình tư tưởng cán bộ, đảng viên và nhân dân sau sắp xếp đơn vị hành chính", 0, 0, 8, 2),
    Incoming("btgdv-nghe-an", "in_progress", "cong-dien", "Ban Chỉ huy phòng, chống thiên tai tỉnh Nghệ An", "UBND TỈNH NGHỆ AN", "09", "CĐ-BCH",
             "Công điện về việc triển khai tuyên truyền ứng phó lũ quét, sạt lở đất tại các huyện miền núi", 3, 0, -1, 6),
    Incoming("btgdv-tp-hcm", "received", "ke-hoach", "Ban Thường vụ Thành ủy TP. Hồ Chí Minh", "THÀNH ỦY TP. HỒ CHÍ MINH", "640", "KH/ThU",
             "Kế hoạch tuyên truyền kỷ niệm 51 năm Ngày Giải phóng miền Nam, thống nhất đất nước", 1, 0, 13, 1),
    Incoming("btgdv-tp-hcm", "done", "cong-van", "Đảng ủy phường Bến Thành", "THÀNH ỦY TP. HỒ CHÍ MINH", "71", "CV/ĐU",
             "Về việc báo cáo kết quả tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2025", 0, 0, None, 22),
    Incoming("btgdv-lam-dong", "directing", "cong-van", "Sở Khoa học và Công nghệ tỉnh Lâm Đồng", "UBND TỈNH LÂM ĐỒNG", "1120", "SKHCN-VP",
             "Về việc phối hợp tuyên truyền chương trình chuyển đổi số trong cơ quan Đảng", 0, 0, 10, 2),
    Incoming("btgdv-lam-dong", "registered", "thong-tri", "Ban Thường vụ Tỉnh ủy Lâm Đồng", "TỈNH ỦY LÂM ĐỒNG", "03", "TT/TU",
             "Thông tri về việc lãnh đạo tổ chức Tết Nguyên đán Bính Ngọ năm 2026", 0, 0, 20, 3),
    Incoming("btgdv-da-nang", "received", "cong-van", "Bộ đội Biên phòng thành phố Đà Nẵng", "", "388", "BĐBP-CTĐ",
             "Về việc phối hợp tuyên truyền chủ quyền biển, đảo cho ngư dân", 1, 0, 9, 0),
    Incoming("btgdv-da-nang", "in_progress", "bao-cao", "Đảng ủy phường Hội An", "THÀNH ỦY ĐÀ NẴNG", "44", "BC/ĐU",
             "Báo cáo công tác dân vận trong phát triển du lịch cộng đồng năm 2025", 0, 0, -2, 14),
)
# fmt: on


BODY = (
    "Thực hiện chương trình công tác năm 2026, nhằm tiếp tục đẩy mạnh công tác tuyên truyền, "
    "nâng cao nhận thức của cán bộ, đảng viên và các tầng lớp nhân dân, đề nghị các đơn vị "
    "quan tâm chỉ đạo, triển khai thực hiện một số nội dung sau:",
    "1. Tổ chức quán triệt, tuyên truyền sâu rộng bằng nhiều hình thức phù hợp, chú trọng "
    "tuyên truyền trên nền tảng số và mạng xã hội.",
    "2. Gắn việc tuyên truyền với các phong trào thi đua yêu nước, biểu dương những tập thể, "
    "cá nhân tiêu biểu, những cách làm hay, mô hình hiệu quả.",
    "3. Báo cáo kết quả thực hiện về cơ quan ban hành đúng thời hạn để tổng hợp.",
    "Đề nghị các đồng chí quan tâm, phối hợp thực hiện./.",
)


def _fonts() -> tuple[str, str]:
    global _fonts_ready
    if not _fonts_ready:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont(_FONTS[0], str(FONT_DIR / "DejaVuSerif.ttf")))
        pdfmetrics.registerFont(TTFont(_FONTS[1], str(FONT_DIR / "DejaVuSerif-Bold.ttf")))
        _fonts_ready = True
    return _FONTS


def date_line(place: str, day: dt.date) -> str:
    """`Hà Nội, ngày 03 tháng 02 năm 2026` (days and months 1-2 with a leading zero)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def document_pdf(
    *,
    issuer: str,
    issuer_parent: str,
    code: str,
    place: str,
    day: dt.date,
    type_name: str,
    subject: str,
    signer_position: str,
    signer_name: str,
    party: bool = True,
    recipients: tuple[str, ...] = ("Như trên,", "Lưu Văn phòng."),
    signed_note: str = "(đã ký)",
) -> bytes:
    """A one-page PDF laid out like an official document of Decree 30 / Guideline 36."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    width, height = A4
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(subject[:120])
    left_x, right_x = 150, 410
    top = height - 60
    # Issuer block (top left) and heading (top right).
    if issuer_parent:
        pdf.setFont(regular, 11)
        pdf.drawCentredString(left_x, top, issuer_parent[:45])
    pdf.setFont(bold, 11)
    for n, line in enumerate(simpleSplit(issuer.upper(), bold, 11, 230)[:2]):
        pdf.drawCentredString(left_x, top - 15 - 14 * n, line)
    pdf.drawCentredString(left_x, top - 50, "*")
    pdf.setFont(regular, 12)
    pdf.drawCentredString(left_x, top - 68, f"Số {code}" if party else f"Số: {code}")
    pdf.setFont(bold, 12)
    heading = "ĐẢNG CỘNG SẢN VIỆT NAM" if party else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    pdf.drawCentredString(right_x, top, heading)
    pdf.line(right_x - 80, top - 5, right_x + 80, top - 5)
    pdf.setFont(regular, 12)
    pdf.drawCentredString(right_x, top - 30, date_line(place, day))
    # Title: the type in capitals and the subject, or "V/v …" under the number for a letter.
    y = top - 120
    if type_name and type_name != "Công văn":
        pdf.setFont(bold, 15)
        pdf.drawCentredString(width / 2, y, type_name.upper())
        y -= 20
        pdf.setFont(bold, 13)
    else:
        pdf.setFont(regular, 12)
        subject = f"V/v {subject[0].lower()}{subject[1:]}" if subject.startswith("Về") else subject
    for line in simpleSplit(subject, bold, 13, 420)[:4]:
        pdf.drawCentredString(width / 2, y, line)
        y -= 17
    y -= 14
    pdf.setFont(regular, 13)
    for paragraph in BODY:
        for n, line in enumerate(simpleSplit(paragraph, regular, 13, 450)):
            pdf.drawString(85 + (25 if n == 0 else 0), y, line)  # first-line indent
            y -= 18
        y -= 4
    # Recipients (bottom left) and signer (bottom right).
    y -= 20
    pdf.setFont(bold, 11)
    pdf.drawString(70, y, "Nơi nhận:")
    pdf.setFont(regular, 10)
    for n, line in enumerate(recipients):
        pdf.drawString(70, y - 13 * (n + 1), f"- {line}")
    pdf.setFont(bold, 12)
    pdf.drawCentredString(right_x, y, "T/M BAN THƯỜNG VỤ" if party else "KT. THỦ TRƯỞNG")
    pdf.drawCentredString(right_x, y - 16, signer_position.upper())
    pdf.setFont(regular, 10)
    if signed_note:  # a draft to be signed digitally leaves the space for the signature empty
        pdf.drawCentredString(right_x, y - 40, signed_note)
    pdf.setFont(bold, 12)
    pdf.drawCentredString(right_x, y - 75, signer_name)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
