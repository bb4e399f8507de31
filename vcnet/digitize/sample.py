"""A sample scan: one page of a Party official letter (Decree 30 / Guideline 36 layout) drawn
as a 300 dpi greyscale image, for the demo and the tests. Drawn with the DejaVu Serif fonts in
`vcnet/core/fonts`, so it looks the same on every machine."""

from __future__ import annotations

import io
from pathlib import Path

FONTS = Path(__file__).resolve().parents[1] / "core" / "fonts"
DATA = Path(__file__).resolve().parent / "data"

ORGAN_PARENT = "TỈNH ỦY NGHỆ AN"
ORGAN = "BAN TUYÊN GIÁO"
NUMBER = "Số 45-CV/BTGTU"
PLACE_DATE = "Vinh, ngày 12 tháng 3 năm 2026"
SUBJECT = "V/v tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng"
BODY = (
    "Kính gửi: Các huyện ủy, thành ủy, thị ủy trực thuộc Tỉnh ủy.",
    "",
    "Thực hiện Hướng dẫn số 125-HD/BTGTW ngày 20 tháng 12 năm 2025 của Ban Tuyên giáo "
    "Trung ương về tuyên truyền các ngày kỷ niệm năm 2026, Ban Tuyên giáo Tỉnh ủy đề nghị "
    "các cấp ủy chỉ đạo tổ chức tốt các hoạt động tuyên truyền kỷ niệm 95 năm Ngày thành lập "
    "Đảng Cộng sản Việt Nam, bảo đảm thiết thực, hiệu quả và tiết kiệm.",
    "Các đơn vị báo cáo kết quả thực hiện về Ban Tuyên giáo Tỉnh ủy trước ngày 30 tháng 3 "
    "năm 2026 để tổng hợp, báo cáo Thường trực Tỉnh ủy.",
)
SIGNER_POSITION = ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")
SIGNER_NAME = "Nguyễn Văn An"
RECIPIENTS = ("Như trên,", "Thường trực Tỉnh ủy (để báo cáo),", "Lưu Văn phòng Ban.")
# A phrase of the body, for the tests that search for it.
BODY_PHRASE = "bảo đảm thiết thực, hiệu quả và tiết kiệm"


def sample_page(dpi: int = 300) -> bytes:
    """The page as a PNG (greyscale, with its resolution recorded)."""
    from PIL import Image, ImageDraw, ImageFont

    def pt(points: float) -> int:
        return round(points * dpi / 72)

    def mm(value: float) -> int:
        return round(value * dpi / 25.4)

    regular = str(FONTS / "DejaVuSerif.ttf")
    bold = str(FONTS / "DejaVuSerif-Bold.ttf")
    fonts = {
        "r12": ImageFont.truetype(regular, pt(12)),
        "r13": ImageFont.truetype(regular, pt(13)),
        "b13": ImageFont.truetype(bold, pt(13)),
        "b14": ImageFont.truetype(bold, pt(14)),
        "r11": ImageFont.truetype(regular, pt(11)),
        "b11": ImageFont.truetype(bold, pt(11)),
    }
    width, height = mm(210), mm(297)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    left, right = mm(30), width - mm(15)
    left_centre, right_centre = left + mm(38), right - mm(48)

    def centred(x: float, y: int, text: str, font: str) -> None:
        draw.text((x - draw.textlength(text, font=fonts[font]) / 2, y), text, font=fonts[font])

    y = mm(20)
    centred(left_centre, y, ORGAN_PARENT, "r13")
    centred(right_centre, y, "ĐẢNG CỘNG SẢN VIỆT NAM", "b14")
    y += pt(18)
    centred(left_centre, y, ORGAN, "b13")
    draw.line((right_centre - mm(35), y + pt(3), right_centre + mm(35), y + pt(3)), width=2)
    y += pt(16)
    centred(left_centre, y, "*", "r13")
    y += pt(16)
    centred(left_centre, y, NUMBER, "r13")
    centred(right_centre, y, PLACE_DATE, "r13")
    y += pt(17)
    centred(left_centre, y, SUBJECT[:31], "r12")
    y += pt(15)
    centred(left_centre, y, SUBJECT[32:], "r12")
    y += pt(36)
    line_width = right - left
    for paragraph in BODY:
        words, line = paragraph.split(), ""
        indent = mm(10) if paragraph and not paragraph.startswith("Kính gửi") else 0
        for word in words:
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=fonts["r13"]) > line_width - indent:
                draw.text((left + indent, y), line, font=fonts["r13"])
                y += pt(20)
                line, indent = word, 0
            else:
                line = candidate
        if line:
            draw.text((left + indent, y), line, font=fonts["r13"])
        y += pt(24) if paragraph else pt(6)
    y += pt(20)
    draw.text((left, y), "Nơi nhận:", font=fonts["b11"])
    for index, position in enumerate(SIGNER_POSITION):
        centred(right_centre, y + index * pt(17), position, "b13")
    for index, recipient in enumerate(RECIPIENTS):
        draw.text((left, y + pt(16) * (index + 1)), f"- {recipient}", font=fonts["r11"])
    centred(right_centre, y + pt(110), SIGNER_NAME, "b13")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    (DATA / "cong-van-45-btgtu.png").write_bytes(sample_page(200))
