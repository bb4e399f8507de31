"""Realistic Vietnamese official documents (Decree 30 / Party Guideline 36 layouts) as data.

`documents(n, seed)` builds `n` varied documents: state and Party issuers, the common types,
công văn with "V/v", legal references in the body (numbers and dates that must NOT be taken
for the document's own), KT./TM./TL. (state) and K/T, T/M, T/L (Party) signers, recipients,
and sometimes urgency and confidentiality marks. Each `Doc` knows its expected extraction
(`expected()`) and its text in reading order (`text_lines()`), which is the OCR ground truth.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issuer:
    parent: tuple[str, ...]  # superior body, upright, not bold ("UBND TỈNH NGHỆ AN")
    organ: tuple[str, ...]  # the issuing body, bold ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG")
    abbr: str  # issuer abbreviation in notations ("STTTT", "BTGTU")
    place: str
    head: str  # the head's title ("GIÁM ĐỐC")
    deputy: str  # the deputy's title ("PHÓ GIÁM ĐỐC")
    collective: str  # for TM. / T/M ("ỦY BAN NHÂN DÂN", "BAN THƯỜNG VỤ")
    units: tuple[str, ...]  # drafting units for công văn notations and "Lưu: VT, …"
    party: bool = False


STATE = [
    Issuer(
        (),
        ("ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN"),
        "UBND",
        "Nghệ An",
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "ỦY BAN NHÂN DÂN",
        ("VX", "KT", "NC", "TH"),
    ),
    Issuer(
        ("UBND TỈNH NGHỆ AN",),
        ("SỞ THÔNG TIN", "VÀ TRUYỀN THÔNG"),
        "STTTT",
        "Nghệ An",
        "GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "",
        ("VP", "BCVT", "TTBCXB"),
    ),
    Issuer(
        (), ("BỘ NỘI VỤ",), "BNV", "Hà Nội", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "", ("VP", "VTLTNN", "TCBC")
    ),
    Issuer(
        (),
        ("BỘ THÔNG TIN", "VÀ TRUYỀN THÔNG"),
        "BTTTT",
        "Hà Nội",
        "BỘ TRƯỞNG",
        "THỨ TRƯỞNG",
        "",
        ("VP", "CĐSQG", "BC"),
    ),
    Issuer(
        ("UBND THÀNH PHỐ HÀ NỘI",),
        ("SỞ TƯ PHÁP",),
        "STP",
        "Hà Nội",
        "GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "",
        ("VP", "HCTP"),
    ),
    Issuer(
        (),
        ("ỦY BAN NHÂN DÂN", "HUYỆN NGHI LỘC"),
        "UBND",
        "Nghi Lộc",
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "ỦY BAN NHÂN DÂN",
        ("VP", "NV"),
    ),
    Issuer(
        ("UBND TỈNH THANH HÓA",),
        ("SỞ VĂN HÓA, THỂ THAO", "VÀ DU LỊCH"),
        "SVHTTDL",
        "Thanh Hóa",
        "GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "",
        ("VP", "QLVH"),
    ),
    Issuer(
        ("UBND TỈNH HÀ TĨNH",),
        ("SỞ NỘI VỤ",),
        "SNV",
        "Hà Tĩnh",
        "GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "",
        ("VP", "CCVC"),
    ),
]
PARTY = [
    Issuer(
        ("TỈNH ỦY NGHỆ AN",),
        ("BAN TUYÊN GIÁO",),
        "BTGTU",
        "Nghệ An",
        "TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "",
        ("VP",),
        party=True,
    ),
    Issuer(
        ("ĐẢNG BỘ TỈNH NGHỆ AN",),
        ("TỈNH ỦY",),
        "TU",
        "Nghệ An",
        "BÍ THƯ",
        "PHÓ BÍ THƯ",
        "BAN THƯỜNG VỤ",
        ("VPTU",),
        party=True,
    ),
    Issuer(
        ("BAN CHẤP HÀNH TRUNG ƯƠNG",),
        ("BAN TUYÊN GIÁO",),
        "BTGTW",
        "Hà Nội",
        "TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "",
        ("VP",),
        party=True,
    ),
    Issuer(
        ("ĐẢNG BỘ TỈNH HÀ TĨNH",),
        ("HUYỆN ỦY CAN LỘC",),
        "HU",
        "Can Lộc",
        "BÍ THƯ",
        "PHÓ BÍ THƯ",
        "BAN THƯỜNG VỤ",
        ("VP",),
        party=True,
    ),
    Issuer(
        ("TỈNH ỦY THANH HÓA",),
        ("BAN DÂN VẬN",),
        "BDVTU",
        "Thanh Hóa",
        "TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "",
        ("VP",),
        party=True,
    ),
]

# (title printed, type name, state abbreviation, Party abbreviation, subjects)
TYPES: list[tuple[str, str, str, str, list[str]]] = [
    (
        "QUYẾT ĐỊNH",
        "Quyết định",
        "QĐ",
        "QĐ",
        [
            "Về việc ban hành Quy chế quản lý và sử dụng văn bản điện tử",
            "Về việc thành lập Tổ công tác chuyển đổi số năm 2026",
            "Phê duyệt Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức năm 2026",
        ],
    ),
    (
        "KẾ HOẠCH",
        "Kế hoạch",
        "KH",
        "KH",
        [
            "Tổ chức các hoạt động kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam",
            "Triển khai số hóa tài liệu lưu trữ và văn bản giấy giai đoạn 2026 - 2030",
            "Tuyên truyền cải cách hành chính năm 2026",
        ],
    ),
    (
        "THÔNG BÁO",
        "Thông báo",
        "TB",
        "TB",
        [
            "Kết luận của đồng chí Chủ tịch tại cuộc họp giao ban tháng 3 năm 2026",
            "Lịch tiếp công dân định kỳ quý II năm 2026",
        ],
    ),
    (
        "BÁO CÁO",
        "Báo cáo",
        "BC",
        "BC",
        [
            "Kết quả công tác tuyên truyền quý I năm 2026",
            "Tình hình thực hiện nhiệm vụ 6 tháng đầu năm và phương hướng 6 tháng cuối năm 2026",
        ],
    ),
    (
        "HƯỚNG DẪN",
        "Hướng dẫn",
        "HD",
        "HD",
        [
            "Tuyên truyền kết quả Đại hội đại biểu Đảng bộ tỉnh lần thứ XX",
            "Thực hiện lưu trữ hồ sơ điện tử tại các cơ quan, đơn vị",
        ],
    ),
    (
        "TỜ TRÌNH",
        "Tờ trình",
        "TTr",
        "TTr",
        [
            "Đề nghị phê duyệt dự toán kinh phí số hóa tài liệu lưu trữ năm 2026",
        ],
    ),
    (
        "GIẤY MỜI",
        "Giấy mời",
        "GM",
        "GM",
        [
            "Dự hội nghị sơ kết công tác văn thư, lưu trữ 6 tháng đầu năm 2026",
        ],
    ),
    (
        "NGHỊ QUYẾT",
        "Nghị quyết",
        "NQ",
        "NQ",
        [
            "Về tăng cường công tác thông tin đối ngoại giai đoạn 2026 - 2030",
        ],
    ),
    (
        "CHỈ THỊ",
        "Chỉ thị",
        "CT",
        "CT",
        [
            "Về tăng cường công tác bảo vệ nền tảng tư tưởng của Đảng trong tình hình mới",
        ],
    ),
    (
        "",
        "Công văn",
        "",
        "CV",
        [
            "V/v đề nghị cung cấp số liệu về dư luận xã hội quý I năm 2026",
            "V/v triển khai số hóa văn bản giấy đến",
            "V/v góp ý dự thảo Quy chế quản lý văn bản điện tử",
            "V/v cử cán bộ tham dự lớp bồi dưỡng nghiệp vụ văn thư",
        ],
    ),
]

NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bích Ngọc",
    "Lê Hoàng Minh",
    "Phạm Quốc Hùng",
    "Hoàng Thị Thu Hà",
    "Võ Đức Thắng",
    "Đặng Ngọc Lan",
    "Bùi Xuân Trường",
    "Đỗ Thanh Hải",
    "Hồ Sỹ Quang",
    "Nguyễn Thị Hồng Nhung",
    "Phan Đình Phùng",
]

PREAMBLE = [
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Căn cứ Luật Lưu trữ số 33/2024/QH15 ngày 21 tháng 6 năm 2024;",
    "Căn cứ Quyết định số 28/2018/QĐ-TTg ngày 12/7/2018 của Thủ tướng Chính phủ về việc gửi, nhận văn bản điện tử;",
    "Xét đề nghị của Chánh Văn phòng,",
]
SENTENCES = [
    "Thực hiện chỉ đạo của cấp trên về chuyển đổi số trong các cơ quan nhà nước, đơn vị tổ chức triển khai các nội dung sau đây.",
    "Các cơ quan, đơn vị chủ động rà soát, thống kê khối lượng văn bản giấy đang quản lý và đề xuất phương án số hóa phù hợp.",
    "Việc tiếp nhận, đăng ký văn bản đến phải được thực hiện ngay trong ngày, chậm nhất là trong ngày làm việc tiếp theo.",
    "Văn bản điện tử được ký số bởi người có thẩm quyền và ký số của cơ quan có giá trị pháp lý như bản gốc văn bản giấy.",
    "Đề nghị các đồng chí Thủ trưởng cơ quan, đơn vị quan tâm chỉ đạo thực hiện nghiêm túc, báo cáo kết quả trước ngày 30 tháng 6 năm 2026.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh về Văn phòng để tổng hợp, báo cáo xử lý.",
    "Kinh phí thực hiện được bố trí từ nguồn ngân sách nhà nước giao trong dự toán năm 2026 của đơn vị.",
    "Công tác tuyên truyền được triển khai đồng bộ, đa dạng hình thức, bám sát các nhiệm vụ chính trị của địa phương.",
    "Tổ chức quán triệt, học tập các nghị quyết, chỉ thị của Đảng đến toàn thể cán bộ, đảng viên và quần chúng nhân dân.",
    "Phát huy vai trò của đội ngũ báo cáo viên, tuyên truyền viên trong việc định hướng dư luận xã hội.",
    "Kết quả số hóa được cập nhật vào Hệ thống quản lý tài liệu điện tử của cơ quan theo đúng quy định.",
    "Thời gian tổ chức hội nghị lúc 08 giờ 00 phút, tại Hội trường tầng 3, trụ sở cơ quan.",
]
STATE_RECIPIENTS = [
    "Như trên;",
    "Thường trực Tỉnh ủy (để b/c);",
    "Chủ tịch, các PCT UBND tỉnh;",
    "Các sở, ban, ngành cấp tỉnh;",
    "UBND các huyện, thành phố, thị xã;",
    "Cổng Thông tin điện tử tỉnh;",
    "Bộ Nội vụ (để b/c);",
]
PARTY_RECIPIENTS = [
    "Ban Tuyên giáo Trung ương (để b/c),",
    "Thường trực Tỉnh ủy (để b/c),",
    "Các huyện ủy, thành ủy, đảng ủy trực thuộc,",
    "Các đồng chí Tỉnh ủy viên,",
    "Các ban đảng của Tỉnh ủy,",
]


@dataclass
class Doc:
    key: str
    issuer: Issuer
    number: str
    notation: str
    date: dt.date
    title: str  # "QUYẾT ĐỊNH", "" for công văn
    type_name: str
    subject: str
    body: list[str]
    position: tuple[str, ...]  # e.g. ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    name: str
    recipients: list[str]
    greeting: str = ""  # "Kính gửi: ..." for công văn
    urgency: str = ""
    confidentiality: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def party(self) -> bool:
        return self.issuer.party

    @property
    def number_line(self) -> str:
        sep = "-" if self.party else "/"
        return (
            f"Số {self.number}{sep}{self.notation}"
            if self.party
            else (f"Số: {self.number}{sep}{self.notation}")
        )

    @property
    def date_line(self) -> str:
        d = self.date
        day = f"{d.day:02d}" if d.day < 10 else str(d.day)
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        return f"{self.issuer.place}, ngày {day} tháng {month} năm {d.year}"

    @property
    def motto(self) -> tuple[str, ...]:
        if self.party:
            return ("ĐẢNG CỘNG SẢN VIỆT NAM",)
        return ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

    def expected(self) -> dict[str, object]:
        """The fields `fields_extract` should find."""
        return {
            "organ_name": " ".join(self.issuer.organ),
            "parent_organ": " ".join(self.issuer.parent),
            "code_number": self.number,
            "code_notation": self.notation,
            "place": self.issuer.place,
            "issued_date": self.date.isoformat(),
            "doc_type": self.type_name,
            "subject": self.subject.removeprefix("V/v ").strip(),
            "signer_position": " ".join(self.position),
            "signer_name": self.name,
            "recipients": [r.rstrip(";,.") for r in self.recipients],
            "urgency": self.urgency,
            "confidentiality": self.confidentiality,
        }


def _number(rng: random.Random) -> str:
    n = rng.choice([rng.randint(1, 9), rng.randint(10, 99), rng.randint(100, 1999)])
    return f"{n:02d}"


def document(rng: random.Random, key: str, *, party: bool | None = None) -> Doc:
    """One random realistic document."""
    if party is None:
        party = rng.random() < 0.4
    issuer = rng.choice(PARTY if party else STATE)
    types = [t for t in TYPES if not (party and t[2] in {"TTr", "GM"})]
    if not party or not issuer.collective:
        types = [t for t in types if t[2] not in {"NQ", "CT"}]
    title, type_name, abbr, pabbr, subjects = rng.choice(types)
    subject = rng.choice(subjects)
    if party:
        notation = f"{pabbr}/{issuer.abbr}"
    elif abbr:
        notation = f"{abbr}-{issuer.abbr}"
    else:
        notation = f"{issuer.abbr}-{rng.choice(issuer.units)}"
    date = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 330))
    body: list[str] = []
    if abbr in {"QĐ", "NQ"} and not party:
        body += [*rng.sample(PREAMBLE[:3], 2), PREAMBLE[3]]
    paragraphs = rng.sample(SENTENCES, rng.randint(3, 5))
    if abbr == "QĐ":
        paragraphs = [f"Điều {i + 1}. {p}" for i, p in enumerate(paragraphs)]
    body += paragraphs
    mode = rng.choice(["head", "deputy", "deputy", "collective", "order"])
    if party:
        if mode == "deputy":
            position: tuple[str, ...] = (f"K/T {issuer.head}", issuer.deputy)
        elif mode == "collective" and issuer.collective:
            position = (f"T/M {issuer.collective}", issuer.deputy)
        elif mode == "order":
            position = (
                "T/L BAN THƯỜNG VỤ" if issuer.collective else f"T/L {issuer.head}",
                "CHÁNH VĂN PHÒNG",
            )
        else:
            position = (issuer.head,)
    else:
        if mode == "deputy":
            position = (f"KT. {issuer.head}", issuer.deputy)
        elif mode == "collective" and issuer.collective:
            position = (f"TM. {issuer.collective}", f"KT. {issuer.head}", issuer.deputy)
        elif mode == "order":
            position = (f"TL. {issuer.head}", "CHÁNH VĂN PHÒNG")
        else:
            position = (issuer.head,)
    pool = PARTY_RECIPIENTS if party else STATE_RECIPIENTS
    recipients = rng.sample(pool[1:] if not party else pool, rng.randint(2, 4))
    if not party and not title:
        recipients = ["Như trên;", *recipients[:3]]
    if party:
        recipients.append("Lưu Văn phòng Ban.")
    else:
        recipients.append(f"Lưu: VT, {rng.choice(issuer.units)}.")
    # the last item ends with "." and earlier ones with ";" or ","
    recipients = [r.rstrip(";,.") + ("," if party else ";") for r in recipients[:-1]] + [
        recipients[-1]
    ]
    greeting = ""
    if not title:
        greeting = rng.choice(
            [
                "Kính gửi: Các sở, ban, ngành cấp tỉnh.",
                "Kính gửi: Ủy ban nhân dân các huyện, thành phố, thị xã.",
                "Kính gửi: Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy.",
            ]
        )
    urgency = rng.choice(["", "", "", "", "", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"])
    confidentiality = rng.choice(["", "", "", "", "", "", "MẬT", "TỐI MẬT"])
    return Doc(
        key=key,
        issuer=issuer,
        number=_number(rng),
        notation=notation,
        date=date,
        title=title,
        type_name=type_name,
        subject=subject,
        body=body,
        position=position,
        name=rng.choice(NAMES),
        recipients=recipients,
        greeting=greeting,
        urgency=urgency,
        confidentiality=confidentiality,
    )


def documents(n: int = 20, seed: int = 20260312) -> list[Doc]:
    """`n` documents, 60 % state and 40 % Party, reproducible from `seed`."""
    rng = random.Random(seed)
    return [document(rng, f"doc{i + 1:03d}", party=(i % 5 in {1, 3})) for i in range(n)]
