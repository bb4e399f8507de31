"""Register fields read from recognised text: state and Party layouts, clean and noisy OCR."""

from __future__ import annotations

import unicodedata

import pytest

from vcnet.digitize.extract import Extraction, Field, fields_extract

# The texts below are what OCRmyPDF + pdftotext give for one page: the two header columns come
# interleaved line by line (issuer | motto), so do the bottom ones (Nơi nhận | signer).

UBND_QD = """ỦY BAN NHÂN DÂN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH NGHỆ AN
Độc lập - Tự do - Hạnh phúc

Số: 15/QĐ-UBND
Nghệ An, ngày 05 tháng 01 năm 2026

QUYẾT ĐỊNH
Về việc thành lập Tổ công tác chuyển đổi số năm 2026

ỦY BAN NHÂN DÂN TỈNH NGHỆ AN
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;
Xét đề nghị của Chánh Văn phòng,
QUYẾT ĐỊNH:
Điều 1. Thành lập Tổ công tác chuyển đổi số của tỉnh.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.

Nơi nhận:
TM. ỦY BAN NHÂN DÂN
- Như Điều 2;
KT. CHỦ TỊCH
- Thường trực Tỉnh ủy (để b/c);
PHÓ CHỦ TỊCH
- Chủ tịch, các PCT UBND tỉnh;
- Lưu: VT, VX.

Nguyễn Văn An
"""

SO_CONG_VAN = """UBND TỈNH NGHỆ AN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ THÔNG TIN
Độc lập - Tự do - Hạnh phúc
VÀ TRUYỀN THÔNG

Số: 312/STTTT-VP
Nghệ An, ngày 24 tháng 5 năm 2026
V/v triển khai số hóa văn bản
giấy đến

Kính gửi: Các sở, ban, ngành cấp tỉnh.

Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về chuyển đổi số, Sở Thông tin và Truyền thông
đề nghị các cơ quan, đơn vị triển khai các nội dung sau đây.

Nơi nhận:
KT. GIÁM ĐỐC
- Như trên;
PHÓ GIÁM ĐỐC
- Giám đốc Sở (để b/c);
- Lưu: VT, VP.

Trần Thị Bích Ngọc
"""

PARTY_CONG_VAN = """BAN CHẤP HÀNH TRUNG ƯƠNG
ĐẢNG CỘNG SẢN VIỆT NAM
BAN TUYÊN GIÁO
*
Hà Nội, ngày 12 tháng 3 năm 2026
Số 123-CV/BTGTW
V/v đề nghị cung cấp số liệu về
dư luận xã hội quý I năm 2026

Kính gửi: Các tỉnh ủy, thành ủy trực thuộc Trung ương.

Để phục vụ công tác tổng hợp, Ban Tuyên giáo Trung ương đề nghị các đồng chí cung cấp số liệu.

Nơi nhận:
- Như trên,
K/T TRƯỞNG BAN
- Các đồng chí Phó Trưởng Ban,
PHÓ TRƯỞNG BAN
- Lưu Văn phòng Ban.

Lê Hoàng Minh
"""

PARTY_KE_HOACH = """TỈNH ỦY NGHỆ AN
ĐẢNG CỘNG SẢN VIỆT NAM
BAN TUYÊN GIÁO
*
Nghệ An, ngày 03 tháng 02 năm 2026
Số 45-KH/BTGTU

KẾ HOẠCH
Tổ chức các hoạt động kỷ niệm 96 năm Ngày thành lập
Đảng Cộng sản Việt Nam
Thực hiện Hướng dẫn số 12-HD/BTGTW ngày 10 tháng 01 năm 2026 của Ban Tuyên giáo Trung ương,
Ban Tuyên giáo Tỉnh ủy xây dựng kế hoạch như sau.

Nơi nhận:
- Ban Tuyên giáo Trung ương (để b/c),
K/T TRƯỞNG BAN
- Thường trực Tỉnh ủy (để b/c),
PHÓ TRƯỞNG BAN
- Các huyện ủy, thành ủy, đảng ủy trực thuộc,
- Lưu Văn phòng Ban.
Hoàng Thị Thu Hà
"""

THONG_TU = """BỘ THÔNG TIN VÀ TRUYỀN THÔNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số 05/2026/TT-BTTTT Hà Nội, ngày 20 tháng 4 năm 2026

THÔNG TƯ
Quy định về lưu trữ hồ sơ điện tử của các cơ quan nhà nước

Căn cứ Luật Lưu trữ số 33/2024/QH15 ngày 21 tháng 6 năm 2024;
Bộ trưởng Bộ Thông tin và Truyền thông ban hành Thông tư quy định về lưu trữ hồ sơ điện tử.

Nơi nhận: BỘ TRƯỞNG
- Văn phòng Chính phủ;
- Các bộ, cơ quan ngang bộ;
- Lưu: VT, PC.
Nguyễn Mạnh Hùng
"""

BAO_CAO_SLASH_DATE = """ỦY BAN NHÂN DÂN
HUYỆN NGHI LỘC
Số: 12/BC-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Nghi Lộc, ngày 12/3/2026

BÁO CÁO
Kết quả công tác tuyên truyền quý I năm 2026

Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Ủy ban nhân dân huyện báo cáo kết quả như sau.

Nơi nhận:
TM. ỦY BAN NHÂN DÂN
- UBND tỉnh (để b/c);
CHỦ TỊCH
- Lưu: VT.
Phạm Quốc Hùng
"""

# Broken diacritics, S6/l5 in the number, "ngay"/"thang"/"nam", lost bullets, a stray rule.
NOISY_BNV = """BO NOI VU
CONG HOA XA HOI CHU NGHIA VIET NAM
Doc lap - Tu do - Hanh phuc
_____
S6: l5 /QĐ - BNV
Ha Noi, ngay l2 thang 3 nam 2O26

QUYET DINH
Ve viec ban hanh Quy che lam viec cua Bo Noi vu

BO TRUONG BO NOI VU
Can cu Nghi dinh so 30/2020/ND-CP ngay 05 thang 3 nam 2020 cua Chinh phu;

Noi nhan:
KT. BO TRUONG
- Nhu Dieu 3;
THU TRUONG
- Luu: VI, VP.

Vo Duc Thang
"""

MERGED_HEADER = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH HÀ TĨNH Độc lập - Tự do - Hạnh phúc
Số: 208/TB-UBND Hà Tĩnh, ngày 30 tháng 9 năm 2026
THÔNG BÁO
Kết luận của đồng chí Chủ tịch tại cuộc họp giao ban tháng 9 năm 2026
Ngày 28 tháng 9 năm 2026, đồng chí Chủ tịch Ủy ban nhân dân tỉnh chủ trì cuộc họp giao ban.
Nơi nhận: TL. CHỦ TỊCH
- Các sở, ban, ngành; CHÁNH VĂN PHÒNG
- Lưu: VT, TH.
Đỗ Thanh Hải
"""

URGENT_SECRET = """UBND TỈNH THANH HÓA
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ
Độc lập - Tự do - Hạnh phúc
Số: 77/SNV-CCVC
Thanh Hóa, ngày 09 tháng 11 năm 2026
V/v cử cán bộ tham dự lớp bồi dưỡng
MẬT
HỎA TỐC

Kính gửi: Ủy ban nhân dân các huyện, thị xã, thành phố.

Sở Nội vụ đề nghị các đơn vị cử cán bộ tham dự lớp bồi dưỡng nghiệp vụ văn thư.

Nơi nhận:
GIÁM ĐỐC
- Như trên;
- Lưu: VT, CCVC.
Bùi Xuân Trường
"""

PARTY_NGHI_QUYET = """ĐẢNG BỘ TỈNH NGHỆ AN
ĐẢNG CỘNG SẢN VIỆT NAM
TỈNH ỦY
*
Nghệ An, ngày 15 tháng 7 năm 2026
Số 09-NQ/TU

NGHỊ QUYẾT
Về tăng cường công tác thông tin đối ngoại
giai đoạn 2026 - 2030

I. TÌNH HÌNH
Công tác thông tin đối ngoại thời gian qua đạt nhiều kết quả quan trọng.

Nơi nhận:
T/M BAN THƯỜNG VỤ
- Ban Bí thư Trung ương Đảng (để b/c),
BÍ THƯ
- Các đồng chí Tỉnh ủy viên,
- Lưu Văn phòng Tỉnh ủy.
Nguyễn Đức Trung
"""

GIAY_MOI = """UBND THÀNH PHỐ HÀ NỘI
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ TƯ PHÁP
Độc lập - Tự do - Hạnh phúc
Số: 04/GM-STP
Hà Nội, ngày 02 tháng 02 năm 2026

GIẤY MỜI
Dự hội nghị sơ kết công tác văn thư, lưu trữ năm 2025

Sở Tư pháp trân trọng kính mời đồng chí dự hội nghị vào lúc 08 giờ 00 phút ngày 10 tháng 02 năm 2026.

Nơi nhận:
TL. GIÁM ĐỐC
- Như trên;
CHÁNH VĂN PHÒNG
- Lưu: VT, VP.
Đặng Ngọc Lan
"""

TO_TRINH = """UBND TỈNH HÀ TĨNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ
Độc lập - Tự do - Hạnh phúc
Số: 1520/TTr-SNV
Hà Tĩnh, ngày 14 tháng 8 năm 2026
THƯỢNG KHẨN

TỜ TRÌNH
Đề nghị phê duyệt dự toán kinh phí số hóa tài liệu lưu trữ năm 2026

Kính gửi: Ủy ban nhân dân tỉnh Hà Tĩnh.

Nơi nhận:
GIÁM ĐỐC
- Như trên;
- Lưu: VT, CCVC.
Hồ Sỹ Quang
"""

# Tesseract's own (sidecar) order: the whole left block, then the whole right block.
SIDECAR_ORDER = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HÀ NỘI
Số: 2417/UBND-KGVX
V/v tăng cường công tác
bảo vệ nền tảng tư tưởng

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 21 tháng 10 năm 2026

Kính gửi: Các sở, ban, ngành Thành phố.

Ủy ban nhân dân Thành phố yêu cầu các đơn vị thực hiện nghiêm các nội dung sau.

Nơi nhận:
- Như trên;
- Thường trực Thành ủy (để b/c);
- Lưu: VT, KGVX.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Thị Hồng Nhung
"""

PARTY_HUONG_DAN_NOISY = """TỈNH ỦY THANH HÓA
ĐÁẢNG CỘNG SẢN VIỆT NAM
BAN DÂN VẬN
*
Thanh Hóa, ngày 28 tháng 4 năm 2026
Số 07-HD/BDVTU

HƯỚNG DẪN
Thực hiện lưu trữ hồ sơ điện tử tại các cơ quan, đơn vị
-_
Thực hiện Quy định số 66-QĐ/TW ngày 06 tháng 02 năm 2017 của Ban Chấp hành Trung ương về thể loại,
thẩm quyền ban hành và thể thức văn bản của Đảng, Ban Dân vận Tỉnh ủy hướng dẫn như sau.

Nơi nihŸm:
.- Ban Dân vận Trung ương (để b/c),
T/L BAN THƯỜNG VỤ .
- Các huyện ủy, thành ủy,
CHÁNH VĂN PHÒNG
_~ Lưu Văn phòng Ban.
:
Phan Đình Phùng
.
"""

MULTI_PAGE = (
    """BỘ NỘI VỤ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 1380/BNV-VTLTNN
Hà Nội, ngày 09 tháng 01 năm 2026
V/v góp ý dự thảo Quy chế quản lý
văn bản điện tử

Kính gửi: Các bộ, cơ quan ngang bộ.

Bộ Nội vụ đề nghị các cơ quan nghiên cứu, góp ý dự thảo Quy chế.
\f"""
    """Ý kiến góp ý gửi về Bộ Nội vụ trước ngày 30 tháng 01 năm 2026.

Nơi nhận:
KT. BỘ TRƯỞNG
- Như trên;
THỨ TRƯỞNG
- Bộ trưởng (để b/c);
- Lưu: VT, VTLTNN.
Vũ Đăng Minh
"""
)


CASES = [
    (
        "state decision, interleaved columns, TM./KT. signer",
        UBND_QD,
        {
            "organ_name": "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN",
            "parent_organ": "",
            "code_number": "15",
            "code_notation": "QĐ-UBND",
            "place": "Nghệ An",
            "issued_date": "2026-01-05",
            "doc_type": "Quyết định",
            "subject": "Về việc thành lập Tổ công tác chuyển đổi số năm 2026",
            "signer_position": "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
            "signer_name": "Nguyễn Văn An",
            "recipients": [
                "Như Điều 2",
                "Thường trực Tỉnh ủy (để b/c)",
                "Chủ tịch, các PCT UBND tỉnh",
                "Lưu: VT, VX",
            ],
        },
    ),
    (
        "state công văn with V/v on two lines, issuer under a parent",
        SO_CONG_VAN,
        {
            "organ_name": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
            "parent_organ": "UBND TỈNH NGHỆ AN",
            "code_number": "312",
            "code_notation": "STTTT-VP",
            "issued_date": "2026-05-24",
            "doc_type": "Công văn",
            "doc_type_abbreviation": "",
            "subject": "triển khai số hóa văn bản giấy đến",
            "signer_position": "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC",
            "signer_name": "Trần Thị Bích Ngọc",
            "recipients": ["Như trên", "Giám đốc Sở (để b/c)", "Lưu: VT, VP"],
        },
    ),
    (
        "Party công văn: Số 123-CV/BTGTW, K/T",
        PARTY_CONG_VAN,
        {
            "organ_name": "BAN TUYÊN GIÁO",
            "parent_organ": "BAN CHẤP HÀNH TRUNG ƯƠNG",
            "code_number": "123",
            "code_notation": "CV/BTGTW",
            "place": "Hà Nội",
            "issued_date": "2026-03-12",
            "doc_type": "Công văn",
            "doc_type_abbreviation": "CV",
            "subject": "đề nghị cung cấp số liệu về dư luận xã hội quý I năm 2026",
            "signer_position": "K/T TRƯỞNG BAN PHÓ TRƯỞNG BAN",
            "signer_name": "Lê Hoàng Minh",
            "recipients": ["Như trên", "Các đồng chí Phó Trưởng Ban", "Lưu Văn phòng Ban"],
        },
    ),
    (
        "Party plan, reference to another document in the body",
        PARTY_KE_HOACH,
        {
            "organ_name": "BAN TUYÊN GIÁO",
            "parent_organ": "TỈNH ỦY NGHỆ AN",
            "code_number": "45",
            "code_notation": "KH/BTGTU",
            "issued_date": "2026-02-03",
            "doc_type": "Kế hoạch",
            "doc_type_abbreviation": "KH",
            "subject": "Tổ chức các hoạt động kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam",
            "signer_position": "K/T TRƯỞNG BAN PHÓ TRƯỞNG BAN",
            "signer_name": "Hoàng Thị Thu Hà",
        },
    ),
    (
        "legal normative circular, header columns merged into one line",
        THONG_TU,
        {
            "organ_name": "BỘ THÔNG TIN VÀ TRUYỀN THÔNG",
            "code_number": "05",
            "code_notation": "2026/TT-BTTTT",
            "place": "Hà Nội",
            "issued_date": "2026-04-20",
            "doc_type": "Thông tư",
            "subject": "Quy định về lưu trữ hồ sơ điện tử của các cơ quan nhà nước",
            "signer_position": "BỘ TRƯỞNG",
            "signer_name": "Nguyễn Mạnh Hùng",
            "recipients": ["Văn phòng Chính phủ", "Các bộ, cơ quan ngang bộ", "Lưu: VT, PC"],
        },
    ),
    (
        "report dated ngày 12/3/2026",
        BAO_CAO_SLASH_DATE,
        {
            "organ_name": "ỦY BAN NHÂN DÂN HUYỆN NGHI LỘC",
            "code_number": "12",
            "code_notation": "BC-UBND",
            "place": "Nghi Lộc",
            "issued_date": "2026-03-12",
            "doc_type": "Báo cáo",
            "subject": "Kết quả công tác tuyên truyền quý I năm 2026",
            "signer_position": "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
            "signer_name": "Phạm Quốc Hùng",
        },
    ),
    (
        "noisy: no diacritics, S6: l5 /QĐ - BNV, ngay l2 ... 2O26",
        NOISY_BNV,
        {
            "organ_name": "BO NOI VU",
            "code_number": "15",
            "code_notation": "QĐ-BNV",
            "place": "Ha Noi",
            "issued_date": "2026-03-12",
            "doc_type": "Quyết định",
            "subject": "Ve viec ban hanh Quy che lam viec cua Bo Noi vu",
            "signer_position": "KT. BỘ TRƯỞNG THỨ TRƯỞNG",  # known titles get their marks back
            "signer_name": "Vo Duc Thang",
            "recipients": ["Nhu Dieu 3", "Luu: VT, VP"],
        },
    ),
    (
        "motto, number and date merged into the issuer's lines",
        MERGED_HEADER,
        {
            "organ_name": "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
            "code_number": "208",
            "code_notation": "TB-UBND",
            "place": "Hà Tĩnh",
            "issued_date": "2026-09-30",
            "doc_type": "Thông báo",
            "subject": "Kết luận của đồng chí Chủ tịch tại cuộc họp giao ban tháng 9 năm 2026",
            "signer_position": "TL. CHỦ TỊCH CHÁNH VĂN PHÒNG",
            "signer_name": "Đỗ Thanh Hải",
            "recipients": ["Các sở, ban, ngành", "Lưu: VT, TH"],
        },
    ),
    (
        "urgency and secrecy marks under the number",
        URGENT_SECRET,
        {
            "organ_name": "SỞ NỘI VỤ",
            "parent_organ": "UBND TỈNH THANH HÓA",
            "code_number": "77",
            "code_notation": "SNV-CCVC",
            "issued_date": "2026-11-09",
            "doc_type": "Công văn",
            "subject": "cử cán bộ tham dự lớp bồi dưỡng",
            "urgency": "HỎA TỐC",
            "confidentiality": "MẬT",
            "signer_position": "GIÁM ĐỐC",
            "signer_name": "Bùi Xuân Trường",
        },
    ),
    (
        "Party resolution, T/M BAN THƯỜNG VỤ, body starting with a Roman numeral",
        PARTY_NGHI_QUYET,
        {
            "organ_name": "TỈNH ỦY",
            "parent_organ": "ĐẢNG BỘ TỈNH NGHỆ AN",
            "code_number": "09",
            "code_notation": "NQ/TU",
            "issued_date": "2026-07-15",
            "doc_type": "Nghị quyết",
            "subject": "Về tăng cường công tác thông tin đối ngoại giai đoạn 2026 - 2030",
            "signer_position": "T/M BAN THƯỜNG VỤ BÍ THƯ",
            "signer_name": "Nguyễn Đức Trung",
            "recipients": [
                "Ban Bí thư Trung ương Đảng (để b/c)",
                "Các đồng chí Tỉnh ủy viên",
                "Lưu Văn phòng Tỉnh ủy",
            ],
        },
    ),
    (
        "invitation, TL. signer, a later date in the body",
        GIAY_MOI,
        {
            "organ_name": "SỞ TƯ PHÁP",
            "code_number": "04",
            "code_notation": "GM-STP",
            "issued_date": "2026-02-02",
            "doc_type": "Giấy mời",
            "subject": "Dự hội nghị sơ kết công tác văn thư, lưu trữ năm 2025",
            "signer_position": "TL. GIÁM ĐỐC CHÁNH VĂN PHÒNG",
            "signer_name": "Đặng Ngọc Lan",
        },
    ),
    (
        "submission (Tờ trình) marked THƯỢNG KHẨN",
        TO_TRINH,
        {
            "organ_name": "SỞ NỘI VỤ",
            "code_number": "1520",
            "code_notation": "TTr-SNV",
            "doc_type": "Tờ trình",
            "urgency": "THƯỢNG KHẨN",
            "confidentiality": "",
            "subject": "Đề nghị phê duyệt dự toán kinh phí số hóa tài liệu lưu trữ năm 2026",
            "signer_name": "Hồ Sỹ Quang",
        },
    ),
    (
        "Tesseract's block order: left column, then right column, then signer",
        SIDECAR_ORDER,
        {
            "organ_name": "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
            "code_number": "2417",
            "code_notation": "UBND-KGVX",
            "place": "Hà Nội",
            "issued_date": "2026-10-21",
            "doc_type": "Công văn",
            "subject": "tăng cường công tác bảo vệ nền tảng tư tưởng",
            "signer_position": "KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
            "signer_name": "Nguyễn Thị Hồng Nhung",
            "recipients": ["Như trên", "Thường trực Thành ủy (để b/c)", "Lưu: VT, KGVX"],
        },
    ),
    (
        "noisy Party guidance: damaged heading and label, stray dots and rules",
        PARTY_HUONG_DAN_NOISY,
        {
            "organ_name": "BAN DÂN VẬN",
            "parent_organ": "TỈNH ỦY THANH HÓA",
            "code_number": "07",
            "code_notation": "HD/BDVTU",
            "issued_date": "2026-04-28",
            "doc_type": "Hướng dẫn",
            "subject": "Thực hiện lưu trữ hồ sơ điện tử tại các cơ quan, đơn vị",
            "signer_position": "T/L BAN THƯỜNG VỤ CHÁNH VĂN PHÒNG",
            "signer_name": "Phan Đình Phùng",
            "recipients": [
                "Ban Dân vận Trung ương (để b/c)",
                "Các huyện ủy, thành ủy",
                "Lưu Văn phòng Ban",
            ],
        },
    ),
    (
        "two pages: signer and recipients on the second",
        MULTI_PAGE,
        {
            "organ_name": "BỘ NỘI VỤ",
            "code_number": "1380",
            "code_notation": "BNV-VTLTNN",
            "issued_date": "2026-01-09",
            "doc_type": "Công văn",
            "subject": "góp ý dự thảo Quy chế quản lý văn bản điện tử",
            "signer_position": "KT. BỘ TRƯỞNG THỨ TRƯỞNG",
            "signer_name": "Vũ Đăng Minh",
            "recipients": ["Như trên", "Bộ trưởng (để b/c)", "Lưu: VT, VTLTNN"],
        },
    ),
]


def _values(extraction: Extraction) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, item in extraction.__dict__.items():
        values[name] = [part.value for part in item] if isinstance(item, list) else item.value
    return values


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fields_from_realistic_texts(text: str, expected: dict[str, object]) -> None:
    extraction = fields_extract(text)
    values = _values(extraction)
    wrong = {k: (values[k], v) for k, v in expected.items() if values[k] != v}
    assert not wrong, wrong
    for name, value in expected.items():
        item = getattr(extraction, name)
        if value and not isinstance(item, list):
            assert 0.0 < item.confidence <= 1.0, name


def test_untouched_fields_are_empty_with_zero_confidence() -> None:
    extraction = fields_extract(UBND_QD)
    assert extraction.urgency == Field("", 0.0)
    assert extraction.confidentiality == Field("", 0.0)


def test_noisy_matches_are_less_sure_than_clean_ones() -> None:
    clean = fields_extract(NOISY_BNV.replace("S6: l5 /QĐ - BNV", "Số: 15/QĐ-BNV"))
    noisy = fields_extract(NOISY_BNV)
    assert clean.code_number.value == noisy.code_number.value == "15"
    assert noisy.code_number.confidence < clean.code_number.confidence
    sure = fields_extract(UBND_QD)
    assert noisy.issued_date.confidence < sure.issued_date.confidence
    assert noisy.organ_name.confidence < sure.organ_name.confidence


def test_decomposed_input_is_normalised() -> None:
    extraction = fields_extract(unicodedata.normalize("NFD", PARTY_KE_HOACH))
    assert extraction.organ_name.value == "BAN TUYÊN GIÁO"
    assert unicodedata.is_normalized("NFC", extraction.subject.value)
    assert extraction.code_notation.value == "KH/BTGTU"


def test_body_references_are_not_taken_for_the_number_or_date() -> None:
    body_only = """Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;
Thực hiện Kế hoạch số 12/KH-UBND của Ủy ban nhân dân tỉnh, đơn vị báo cáo như sau."""
    extraction = fields_extract("QUYẾT ĐỊNH\nVề việc ban hành Quy chế\n" + body_only)
    assert extraction.code_number.value == ""
    assert extraction.issued_date.confidence < 0.7  # a date, but not the document's own


@pytest.mark.parametrize(
    ("number_line", "doc_type", "abbreviation"),
    [
        ("Số: 05/2026/TT-BTTTT", "Thông tư", "TT"),
        ("Số 12-TT/TU", "Thông tri", "TT"),
        ("Số: 15/QĐ-BNV", "Quyết định", "QĐ"),
        ("Số: 15/QD-BNV", "Quyết định", "QĐ"),
        ("Số 234-CV/BTGTU", "Công văn", "CV"),
        ("Số: 05/BNV-VP", "Công văn", ""),
    ],
)
def test_type_from_the_notation_without_a_title(
    number_line: str, doc_type: str, abbreviation: str
) -> None:
    text = f"BỘ NỘI VỤ\n{number_line}\nHà Nội, ngày 12 tháng 3 năm 2026\n\nNội dung văn bản."
    extraction = fields_extract(text)
    assert extraction.doc_type.value == doc_type
    assert extraction.doc_type_abbreviation.value == abbreviation
    assert extraction.code_notation.value.endswith(number_line.rsplit("-", 1)[-1])


def test_ocr_slips_in_the_header() -> None:
    text = """BỘ THÔNG TIN . VÀ TRUYỀN THÔNG' CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
BỘ NỘI VỤ HỎA TỐC |
Số: 34GM-BTTTT
Hà Nội, ngày
15 tháng 02 năm 2026
GIẤY MỜI
Dự hội nghị tổng kết
"""
    extraction = fields_extract(text.replace("BỘ NỘI VỤ HỎA TỐC |\n", ""))
    assert extraction.organ_name.value == "BỘ THÔNG TIN VÀ TRUYỀN THÔNG"
    assert (extraction.code_number.value, extraction.code_notation.value) == ("34", "GM-BTTTT")
    assert extraction.code_number.confidence < 0.8  # the slash was lost
    assert extraction.issued_date.value == "2026-02-15"
    assert extraction.place.value == "Hà Nội"
    stamped = fields_extract(
        "BỘ NỘI VỤ HỎA TỐC |\nSố: 12/BNV-VP\nHà Nội, ngày 02 tháng 3 năm 2026\n"
    )
    assert stamped.organ_name.value == "BỘ NỘI VỤ"
    assert stamped.urgency.value == "HỎA TỐC"
    front = fields_extract("ỦY BAN MẶT TRẬN TỔ QUỐC\nVIỆT NAM TỈNH NGHỆ AN\nSố: 12/MTTQ-BTT\n")
    assert front.confidentiality.value == ""


@pytest.mark.parametrize(
    ("number_line", "title", "notation"),
    [
        ("Số: 577/TTT-STTTT", "TỜ TRÌNH", "TTr-STTTT"),
        ("Số: 03/QĐÐ-SVHTTDL,", "QUYẾT ĐỊNH", "QĐ-SVHTTDL"),
        ("Số 12-KI/BTGTU", "KẾ HOẠCH", "KH/BTGTU"),
        ("Số: 15/QĐ-BNV", "QUYẾT ĐỊNH", "QĐ-BNV"),
    ],
)
def test_the_title_repairs_a_misread_type_abbreviation(
    number_line: str, title: str, notation: str
) -> None:
    text = f"SỞ NỘI VỤ\n{number_line}\nNghệ An, ngày 12 tháng 3 năm 2026\n{title}\nVề việc thử\n"
    extraction = fields_extract(text)
    assert extraction.code_notation.value == notation
    if notation not in number_line:
        assert extraction.code_notation.confidence < 0.8


def test_a_long_document_is_read_at_its_start_and_end() -> None:
    first, last = MULTI_PAGE.split("\f")
    filler = "Nội dung chi tiết của văn bản, số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020.\n" * 40
    extraction = fields_extract(first + ("\f" + filler) * 500 + "\f" + last)
    assert extraction.code_number.value == "1380"
    assert extraction.issued_date.value == "2026-01-09"
    assert extraction.signer_name.value == "Vũ Đăng Minh"


def test_as_dict_is_json_ready() -> None:
    data = fields_extract(PARTY_CONG_VAN).as_dict()
    assert data["code_notation"] == {
        "value": "CV/BTGTW",
        "confidence": data["code_notation"]["confidence"],
    }
    assert data["recipients"][0]["value"] == "Như trên"
    assert set(data) >= {
        "organ_name",
        "code_number",
        "code_notation",
        "place",
        "issued_date",
        "doc_type",
        "subject",
        "signer_position",
        "signer_name",
        "recipients",
        "urgency",
        "confidentiality",
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t  ",
        "\x00\x01\x02 \ufffd\ufffd",
        "lorem ipsum dolor sit amet " * 200,
        "@@@@ #### ---- ____ ****\n" * 50,
        "Số:\nngày tháng năm\nNơi nhận:\n-\n",
        "1234567890 " * 1000,
        "BỘTỈNH" * 50000,
        "x" * 1_000_000,
    ],
    ids=[
        "empty",
        "blank",
        "control",
        "latin",
        "symbols",
        "labels-only",
        "digits",
        "run-on",
        "huge",
    ],
)
def test_garbage_gives_empty_fields(text: str) -> None:
    extraction = fields_extract(text)
    for name, item in extraction.__dict__.items():
        if isinstance(item, list):
            assert item == [], name
        else:
            assert item.value == "" and item.confidence == 0.0, name
