"""Demo knowledge of the assistant, loaded once by `vcnet seed --demo` after the e-office demo.

Everything goes through the services, as an administrator and the registries would do it:
- a policy library of eight fictitious but plausible Vietnamese policy documents (resolutions,
  regulations, guidance) read from `data/library/*.md`, four of them uploaded as PDFs so that
  citations name pages;
- a dozen FAQ entries about using VCNET;
- three e-office documents with real body text: two ordinary letters held by the central board,
  and one SECRET plan held by the Hà Nội board that nobody outside that board may learn anything
  of (the permission set of `vcnet assistant evaluate` asks about it as a central official);
then every source is indexed. The question set over this corpus is `data/eval.json`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.demo import Writer, demo_email
from vcnet.accounts.identifiers import normalize_email
from vcnet.accounts.models import Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.models import AuditEntry

LOADED_ACTION = "assistant.demo_load"
DATA_DIR = Path(__file__).resolve().parent / "data"
LIBRARY_DIR = DATA_DIR / "library"
FONT_DIR = Path(__file__).resolve().parents[1] / "core" / "fonts"
_FONTS = ("VcnetAssistantSerif", "VcnetAssistantSerifBold")
_fonts_ready = False

ADMIN = "quantri"  # the demo's site administrator (accounts.demo.ADMIN)
CENTRAL, HANOI = "btgdvtw", "btgdv-ha-noi"
CLERKS = {CENTRAL: "lanvt", HANOI: "xuanptt"}


# --- The policy library ----------------------------------------------------------------------
@dataclass(frozen=True)
class LibraryText:
    """One file of `data/library`: its front matter and its text (one paragraph a line)."""

    slug: str
    title: str
    kind: str
    number: str
    issuer: str
    issued_date: dt.date | None
    effective_date: dt.date | None
    summary: str
    pdf: bool
    body: str


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def library_texts() -> list[LibraryText]:
    """The demo library, in file order."""
    texts = []
    for path in sorted(LIBRARY_DIR.glob("*.md")):
        raw = path.read_text(encoding="utf-8")
        _start, front, body = raw.split("---\n", 2)
        meta: dict[str, str] = {}
        for line in front.strip().splitlines():
            key, _sep, value = line.partition(":")
            meta[key.strip()] = value.strip()
        texts.append(
            LibraryText(
                slug=path.stem,
                title=meta["title"],
                kind=meta.get("kind", ""),
                number=meta.get("number", ""),
                issuer=meta.get("issuer", ""),
                issued_date=_date(meta.get("issued_date", "")),
                effective_date=_date(meta.get("effective_date", "")),
                summary=meta.get("summary", ""),
                pdf=meta.get("pdf", "").lower() in ("yes", "true", "1"),
                body=body.strip(),
            )
        )
    return texts


# --- PDFs ------------------------------------------------------------------------------------
def _fonts() -> tuple[str, str]:
    global _fonts_ready
    if not _fonts_ready:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont(_FONTS[0], str(FONT_DIR / "DejaVuSerif.ttf")))
        pdfmetrics.registerFont(TTFont(_FONTS[1], str(FONT_DIR / "DejaVuSerif-Bold.ttf")))
        _fonts_ready = True
    return _FONTS


def _is_heading(line: str) -> bool:
    return line.startswith(("Chương ", "Điều ")) or (line.isupper() and len(line) > 3)


def text_pdf(
    *,
    issuer: str,
    number: str,
    place_date: str,
    kind: str,
    title: str,
    paragraphs: list[str],
    signer: tuple[str, str] | None = None,
) -> bytes:
    """A PDF of several A4 pages, in DejaVu Serif: issuer and number top left, the date top
    right, the kind and title centred, then the paragraphs (headings in bold)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    width, height = A4
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(title[:120])

    top = height - 60
    pdf.setFont(bold, 11)
    for n, line in enumerate(simpleSplit(issuer.upper(), bold, 11, 230)[:2]):
        pdf.drawCentredString(150, top - 14 * n, line)
    pdf.setFont(regular, 11)
    pdf.drawCentredString(150, top - 36, f"Số: {number}")
    pdf.setFont(regular, 11)
    pdf.drawCentredString(410, top - 36, place_date)
    y = top - 80
    pdf.setFont(bold, 14)
    pdf.drawCentredString(width / 2, y, kind.upper())
    y -= 18
    pdf.setFont(bold, 12)
    for line in simpleSplit(title, bold, 12, 430)[:4]:
        pdf.drawCentredString(width / 2, y, line)
        y -= 16
    y -= 14
    for paragraph in paragraphs:
        font = bold if _is_heading(paragraph) else regular
        lines = simpleSplit(paragraph, font, 12, 440)
        if y - 16 * len(lines) < 60:
            pdf.showPage()
            y = height - 70
        pdf.setFont(font, 12)
        for n, line in enumerate(lines):
            pdf.drawString(80 + (20 if n == 0 and font == regular else 0), y, line)
            y -= 16
        y -= 4
    if signer is not None:
        if y < 140:
            pdf.showPage()
            y = height - 70
        y -= 16
        pdf.setFont(bold, 12)
        pdf.drawCentredString(410, y, signer[0].upper())
        pdf.drawCentredString(410, y - 60, signer[1])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _place_date(place: str, day: dt.date | None) -> str:
    if day is None:
        return place
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def library_pdf(text: LibraryText) -> bytes:
    place = "Hà Nội"
    for city in ("Nghệ An", "Lâm Đồng", "TP. Hồ Chí Minh"):
        if city in text.issuer:
            place = city
    paragraphs = [line.strip() for line in text.body.splitlines() if line.strip()]
    return text_pdf(
        issuer=text.issuer,
        number=text.number,
        place_date=_place_date(place, text.issued_date),
        kind=text.kind,
        title=text.title,
        paragraphs=paragraphs,
    )


def _library_load(admin: User) -> int:
    from vcnet.assistant.models import LibraryDocument
    from vcnet.assistant.services import library_create

    made = 0
    for text in library_texts():
        if LibraryDocument.objects.filter(number=text.number).exists():
            continue
        library_create(
            admin,
            title=text.title,
            kind=text.kind,
            number=text.number,
            issuer=text.issuer,
            issued_date=text.issued_date,
            effective_date=text.effective_date,
            summary=text.summary,
            body=text.body,
            upload=io.BytesIO(library_pdf(text)) if text.pdf else None,
        )
        made += 1
    return made


# --- The FAQ ---------------------------------------------------------------------------------
FAQ: tuple[tuple[str, str], ...] = (
    (
        "Làm thế nào để đặt lại mật khẩu tài khoản VCNET khi quên mật khẩu?",
        'Tại trang đăng nhập, chọn "Quên mật khẩu" và nhập địa chỉ thư điện tử công vụ. Hệ thống '
        "gửi một đường dẫn đặt lại mật khẩu có hiệu lực trong 15 phút. Mật khẩu mới phải khác 5 "
        "mật khẩu gần nhất. Nếu không nhận được thư, liên hệ quản trị viên của đơn vị.",
    ),
    (
        "Số điện thoại đường dây nóng hỗ trợ kỹ thuật VCNET là bao nhiêu?",
        "Đường dây nóng hỗ trợ kỹ thuật VCNET là 1900 6868 (nhánh 2), hoạt động từ 7 giờ 30 đến "
        "21 giờ tất cả các ngày trong tuần. Ngoài giờ, gửi yêu cầu qua thư điện tử "
        "hotro@demo.vcnet.vn; yêu cầu được trả lời trong ngày làm việc tiếp theo.",
    ),
    (
        "Tệp đính kèm khi tải văn bản lên hệ thống được phép dung lượng tối đa bao nhiêu?",
        "Mỗi tệp tải lên có dung lượng tối đa 50 MB và phải ở định dạng PDF có lớp văn bản (bản "
        "quét cần được nhận dạng chữ OCR). Một văn bản có thể kèm tối đa 20 tệp đính kèm.",
    ),
    (
        "Khi phát hiện tài khoản mạng xã hội giả mạo trang chính thức của Ban thì báo ở đâu?",
        'Gửi đường dẫn tài khoản giả mạo qua chức năng "Báo cáo vi phạm" trên trang chính thức '
        "hoặc thư điện tử baocao@demo.vcnet.vn. Bộ phận quản trị xác minh và đề nghị nền tảng gỡ "
        "bỏ trong vòng 48 giờ.",
    ),
    (
        "Chứng thư số của tôi sắp hết hạn thì phải làm gì?",
        "Trước khi chứng thư số hết hạn ít nhất 30 ngày, lập đề nghị gia hạn gửi Văn phòng cơ "
        "quan để chuyển Ban Cơ yếu Chính phủ. Việc gia hạn thường hoàn thành trong 5 ngày làm "
        "việc; trong thời gian chờ, có thể ủy quyền cho cấp phó ký thay.",
    ),
    (
        "Làm sao để ủy quyền cho cấp phó xử lý văn bản khi tôi đi công tác?",
        'Vào mục "Ủy quyền" trong phần Văn bản, chọn người được ủy quyền, phạm vi và thời hạn '
        "ủy quyền (tối đa 180 ngày). Người được ủy quyền ký với thể thức TUQ. và mọi thao tác "
        "đều được ghi nhật ký.",
    ),
    (
        "Văn bản điện tử được lưu trên hệ thống trong bao lâu?",
        "Văn bản điện tử và hồ sơ công việc được lưu trên hệ thống tối thiểu 10 năm; văn bản, "
        "hồ sơ có giá trị lưu trữ vĩnh viễn được chuyển vào kho lưu trữ lịch sử của cơ quan.",
    ),
    (
        "Ứng dụng VCNET trên điện thoại di động tải ở đâu?",
        'Ứng dụng "VCNET Công vụ" có trên App Store và Google Play. Đăng nhập bằng tài khoản '
        "công vụ và xác thực hai lớp; ứng dụng không lưu văn bản mật trên điện thoại.",
    ),
    (
        "Tại sao tôi không thấy văn bản của đơn vị khác trên hệ thống?",
        "Mỗi người chỉ đọc được văn bản của đơn vị mình theo vai trò được giao (văn thư, lãnh "
        "đạo) hoặc văn bản mình được giao xử lý, phối hợp, xin ý kiến. Văn bản mật chỉ người được "
        "phân quyền mới đọc được. Trợ lý ảo cũng chỉ trả lời từ những văn bản bạn có quyền đọc.",
    ),
    (
        "Làm thế nào để đăng ký lớp bồi dưỡng sử dụng VCNET cho cán bộ mới?",
        "Đơn vị gửi danh sách cán bộ mới về Văn phòng trước ngày 10 hằng tháng. Lớp bồi dưỡng "
        "trực tuyến được tổ chức vào sáng thứ Bảy tuần thứ ba của tháng, kéo dài 4 giờ, có "
        "chứng nhận hoàn thành.",
    ),
    (
        "Trợ lý ảo có lưu và dùng câu hỏi của tôi không?",
        "Câu hỏi và câu trả lời được lưu trong lịch sử trò chuyện của bạn trong 12 tháng; chỉ "
        "quản trị viên xem các câu chưa được trả lời hoặc bị đánh giá chưa tốt để bổ sung câu "
        "hỏi thường gặp. Dữ liệu không được gửi ra ngoài hệ thống.",
    ),
    (
        "Văn bản đến bị trả lại thì văn thư phải ghi lý do như thế nào?",
        "Khi trả lại văn bản đến, văn thư ghi rõ lý do trả lại (gửi sai nơi nhận, sai thể thức, "
        "thiếu chữ ký số hợp lệ...) và nơi đúng thẩm quyền nếu biết; nơi gửi nhận được thông báo "
        "trả lại ngay qua trục liên thông văn bản.",
    ),
)


def _faq_load(admin: User) -> int:
    from vcnet.assistant.models import FaqEntry
    from vcnet.assistant.services import faq_create

    made = 0
    for question, answer in FAQ:
        if FaqEntry.objects.filter(question=question).exists():
            continue
        faq_create(admin, question=question, answer=answer)
        made += 1
    return made


# --- E-office documents ----------------------------------------------------------------------
@dataclass(frozen=True)
class DemoDocument:
    unit: str
    type_code: str
    organ_name: str
    number: str
    notation: str
    subject: str
    paragraphs: tuple[str, ...]
    signer: tuple[str, str]
    confidentiality: int = 0
    priority: int = 0
    days_ago: int = 3


CONFIDENTIAL_SUBJECT = (
    "Kế hoạch bảo đảm thông tin, định hướng dư luận phục vụ việc di dời chợ đầu mối Long Biên"
)

DOCUMENTS: tuple[DemoDocument, ...] = (
    DemoDocument(
        CENTRAL,
        "cong-van",
        "Bộ Khoa học và Công nghệ",
        "1874",
        "BKHCN-TTTT",
        "Về việc phối hợp tổ chức Cuộc thi trực tuyến tìm hiểu Luật Chuyển đổi số năm 2026",
        (
            "Kính gửi: Ban Tuyên giáo và Dân vận Trung ương.",
            "Thực hiện kế hoạch tuyên truyền Luật Chuyển đổi số, Bộ Khoa học và Công nghệ đề nghị "
            "Ban Tuyên giáo và Dân vận Trung ương phối hợp tổ chức Cuộc thi trực tuyến tìm hiểu "
            "Luật Chuyển đổi số năm 2026 với các nội dung sau:",
            "1. Đối tượng dự thi: cán bộ, đảng viên, công chức, viên chức, đoàn viên, hội viên "
            "và mọi công dân Việt Nam từ đủ 16 tuổi trở lên.",
            "2. Thời gian thi: từ ngày 01 tháng 6 đến hết ngày 28 tháng 6 năm 2026, chia thành 4 "
            "tuần thi; mỗi tuần thi có 20 câu hỏi trắc nghiệm làm trong 15 phút và một câu hỏi dự "
            "đoán số người tham gia.",
            "3. Giải thưởng: 01 giải đặc biệt trị giá 20.000.000 đồng; 02 giải nhất, mỗi giải "
            "10.000.000 đồng; 04 giải nhì, mỗi giải 5.000.000 đồng; giải tập thể dành cho 3 tỉnh, "
            "thành phố có tỷ lệ người dự thi cao nhất.",
            "4. Cuộc thi được tổ chức trên nền tảng thi trực tuyến tại địa chỉ "
            "thiluatcds.demo.vcnet.vn; người dự thi đăng nhập bằng tài khoản định danh điện tử "
            "VNeID.",
            "5. Đề nghị Ban Tuyên giáo và Dân vận Trung ương chỉ đạo Ban Tuyên giáo và Dân vận các "
            "tỉnh ủy, thành ủy tuyên truyền, vận động cán bộ, đảng viên tham gia; cử 01 đồng chí "
            "lãnh đạo Vụ tham gia Ban Tổ chức cuộc thi và gửi danh sách về Trung tâm Truyền thông "
            "khoa học và công nghệ trước ngày 15 tháng 5 năm 2026.",
            "Đầu mối liên hệ: đồng chí Lương Thị Ngọc Bích, Trung tâm Truyền thông khoa học và "
            "công nghệ, điện thoại 024 3943 2211.",
            "Trân trọng cảm ơn sự phối hợp của Quý Ban./.",
        ),
        ("KT. Bộ trưởng - Thứ trưởng", "Vũ Hải Quân"),
        priority=1,
    ),
    DemoDocument(
        CENTRAL,
        "cong-van",
        "Ban Chỉ đạo phòng thủ dân sự quốc gia",
        "415",
        "BCĐPTDS-VP",
        "Về việc phối hợp tuyên truyền kỹ năng phòng, tránh lũ quét, sạt lở đất năm 2026",
        (
            "Kính gửi: Ban Tuyên giáo và Dân vận Trung ương.",
            "Dự báo mùa mưa lũ năm 2026 có khoảng 10 đến 12 cơn bão, áp thấp nhiệt đới hoạt động "
            "trên Biển Đông, nguy cơ lũ quét, sạt lở đất cao tại các tỉnh miền núi phía Bắc và "
            "miền Trung. Ban Chỉ đạo phòng thủ dân sự quốc gia đề nghị phối hợp tuyên truyền như sau:",
            "1. Tổ chức Tuần lễ cao điểm tuyên truyền kỹ năng phòng, tránh lũ quét, sạt lở đất từ "
            "ngày 15 đến ngày 21 tháng 7 năm 2026 tại 34 tỉnh, thành phố.",
            '2. Phát hành bộ tài liệu "Sổ tay 10 kỹ năng an toàn trước lũ quét, sạt lở đất" và '
            "12 video ngắn bằng tiếng Việt và 5 tiếng dân tộc thiểu số (Mông, Thái, Dao, Tày, "
            "Ê Đê); tài liệu được cung cấp miễn phí trên Cổng thông tin phòng thủ dân sự.",
            "3. Hướng dẫn người dân khi có dấu hiệu lũ quét (nước sông suối đục, dâng nhanh, có "
            "tiếng động lạ từ thượng nguồn) phải di chuyển ngay lên chỗ cao, không vượt suối, "
            "ngầm tràn; gọi số điện thoại khẩn cấp 112 để được hỗ trợ cứu nạn.",
            "4. Đề nghị Ban Tuyên giáo và Dân vận Trung ương định hướng các cơ quan báo chí dành "
            "thời lượng phát sóng vào khung giờ từ 18 giờ đến 20 giờ trong Tuần lễ cao điểm.",
            "5. Báo cáo kết quả phối hợp tuyên truyền về Văn phòng Ban Chỉ đạo trước ngày 05 "
            "tháng 8 năm 2026.",
            "Trân trọng./.",
        ),
        ("KT. Trưởng ban - Phó Trưởng ban", "Nguyễn Trọng Cảnh"),
        days_ago=5,
    ),
    # The secret one: only the Hà Nội board's registry and leaders may read it.
    DemoDocument(
        HANOI,
        "ke-hoach",
        "Ban Thường vụ Thành ủy Hà Nội",
        "77",
        "KH/ThU",
        CONFIDENTIAL_SUBJECT,
        (
            "Kế hoạch này mang mật danh HOA GẠO 26; mọi trao đổi về kế hoạch chỉ dùng mật danh.",
            "1. Mục đích: chủ động nắm bắt tình hình tư tưởng, định hướng dư luận, không để các "
            "thế lực xấu lợi dụng việc di dời chợ đầu mối Long Biên để kích động, gây mất an ninh, "
            "trật tự.",
            "2. Phạm vi: 1.860 hộ kinh doanh tại chợ đầu mối Long Biên di dời về Trung tâm phân "
            "phối nông sản Đông Anh.",
            "3. Thời điểm: việc di dời bắt đầu lúc 05 giờ 00 ngày 14 tháng 9 năm 2026; thông tin "
            "về thời điểm chỉ công bố cho các hộ kinh doanh trước 10 ngày.",
            "4. Lực lượng: thành lập Tổ công tác đặc biệt số 9 gồm 15 đồng chí của Ban Tuyên giáo "
            "và Dân vận Thành ủy, Công an thành phố và Đảng ủy phường Hồng Hà, do đồng chí Phó "
            "Trưởng ban Trần Thị Minh Hằng làm Tổ trưởng.",
            "5. Kinh phí: 2,4 tỷ đồng từ nguồn kinh phí đặc thù của Thành ủy, dành cho hỗ trợ "
            "tuyên truyền, đối thoại và hỗ trợ các hộ khó khăn.",
            "6. Điểm tập kết của Tổ công tác: Nhà khách số 2 Nguyễn Cảnh Chân. Báo cáo nhanh "
            "tình hình về Thường trực Thành ủy trước 20 giờ hằng ngày.",
            "Tài liệu này không được sao chụp, không được trao đổi qua thư điện tử hoặc ứng dụng "
            "nhắn tin./.",
        ),
        ("T/M Ban Thường vụ - Phó Bí thư", "Nguyễn Văn Phong"),
        confidentiality=1,
        priority=1,
        days_ago=2,
    ),
)


def _person(local: str) -> User:
    return User.objects.get(email=normalize_email(demo_email(local)))


def _documents_load(today: dt.date) -> int:
    from vcnet.documents.models import Document, DocumentType
    from vcnet.documents.services.incoming import IncomingFields, Upload, document_receive

    made = 0
    for item in DOCUMENTS:
        unit = Unit.objects.filter(code=item.unit).first()
        if unit is None or Document.objects.filter(unit=unit, subject=item.subject).exists():
            continue
        doc_type = DocumentType.objects.filter(code=item.type_code).first()
        issued = today - dt.timedelta(days=item.days_ago)
        data = text_pdf(
            issuer=item.organ_name,
            number=f"{item.number}/{item.notation}",
            place_date=_place_date("Hà Nội", issued),
            kind=doc_type.name if doc_type else "Công văn",
            title=item.subject,
            paragraphs=list(item.paragraphs),
            signer=item.signer,
        )
        document_receive(
            actor=_person(CLERKS[item.unit]),
            unit=unit,
            fields=IncomingFields(
                subject=item.subject,
                doc_type_id=doc_type.pk if doc_type else None,
                code_number=item.number,
                code_notation=item.notation,
                issued_date=issued,
                organ_name=item.organ_name,
                signer_position=item.signer[0],
                signer_name=item.signer[1],
                priority=item.priority,
                confidentiality=item.confidentiality,
            ),
            main=Upload(stream=io.BytesIO(data), name=f"{item.number}-{item.unit}.pdf"),
            arrival_date=timezone.now() - dt.timedelta(days=max(item.days_ago - 1, 0)),
        )
        made += 1
    return made


# --- Entry point -----------------------------------------------------------------------------
def demo_assistant_loaded() -> bool:
    return AuditEntry.objects.filter(action=LOADED_ACTION).exists()


def load_demo(stdout: Writer) -> None:
    """Load the assistant's demo knowledge once and index it; later runs change nothing."""
    if demo_assistant_loaded():
        stdout.write(_("The assistant demo is already loaded; nothing was changed.") + "\n")
        return
    admin = User.objects.filter(email=normalize_email(demo_email(ADMIN))).first()
    if admin is None or not Unit.objects.filter(code=CENTRAL).exists():
        stdout.write(_("Assistant demo skipped: the demo organisation is not loaded.") + "\n")
        return
    from vcnet.assistant.indexing import reindex_all

    with transaction.atomic():
        library = _library_load(admin)
        faq = _faq_load(admin)
        documents = _documents_load(timezone.localdate())
    reindex_all()
    with transaction.atomic():
        audit_write(
            actor=None,
            action=LOADED_ACTION,
            data={"library": library, "faq": faq, "documents": documents},
        )
    from vcnet.assistant.models import Passage

    passages = Passage.objects.count()
    lines = [
        _("Assistant demo loaded:"),
        _("%(n)d policy documents in the library") % {"n": library},
        _("%(n)d FAQ entries") % {"n": faq},
        _("%(n)d e-office documents with their text (one of them secret)") % {"n": documents},
        _("%(n)d passages indexed") % {"n": passages},
        _("Try `vcnet assistant evaluate` to score the answers."),
    ]
    stdout.write("\n".join([lines[0], *(f"  {line}" for line in lines[1:])]) + "\n")
