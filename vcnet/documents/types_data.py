"""Document types of Decree 30/2020 Appendix III and Party Guideline 36-HD/VPTW.

(code, name, state abbreviation, Party abbreviation, own number series). The Party
abbreviations follow a secondary summary of HD 36 (see the project's reference notes):
administrators can correct them in the admin, where each type also has validity dates.

`document_types_ensure` runs after every `migrate` (and after the test runner's flushes): it adds
the types that are missing and never changes one an administrator edited. Retire a type by
giving it an end date rather than deleting it, or the next migration brings it back.
"""

from __future__ import annotations

from typing import Any

DOCUMENT_TYPES: list[tuple[str, str, str, str, bool]] = [
    ("cong-van", "Công văn", "", "CV", False),
    ("nghi-quyet", "Nghị quyết", "NQ", "NQ", True),
    ("quyet-dinh", "Quyết định", "QĐ", "QĐ", False),
    ("chi-thi", "Chỉ thị", "CT", "CT", True),
    ("ket-luan", "Kết luận", "KL", "KL", False),
    ("quy-che", "Quy chế", "QC", "QC", False),
    ("quy-dinh", "Quy định", "QyĐ", "QĐi", True),
    ("thong-cao", "Thông cáo", "TC", "TC", False),
    ("thong-bao", "Thông báo", "TB", "TB", False),
    ("thong-tri", "Thông tri", "TT", "TT", False),
    ("huong-dan", "Hướng dẫn", "HD", "HD", False),
    ("chuong-trinh", "Chương trình", "CTr", "CTr", False),
    ("ke-hoach", "Kế hoạch", "KH", "KH", False),
    ("phuong-an", "Phương án", "PA", "PA", False),
    ("de-an", "Đề án", "ĐA", "ĐA", False),
    ("du-an", "Dự án", "DA", "DA", False),
    ("quy-trinh", "Quy trình", "QTr", "QTr", False),
    ("bao-cao", "Báo cáo", "BC", "BC", False),
    ("bien-ban", "Biên bản", "BB", "BB", False),
    ("to-trinh", "Tờ trình", "TTr", "TTr", False),
    ("hop-dong", "Hợp đồng", "HĐ", "HĐ", False),
    ("cong-dien", "Công điện", "CĐ", "CĐ", False),
    ("ban-ghi-nho", "Bản ghi nhớ", "BGN", "BGN", False),
    ("ban-thoa-thuan", "Bản thỏa thuận", "BTT", "BTT", False),
    ("giay-uy-quyen", "Giấy ủy quyền", "GUQ", "GUQ", False),
    ("giay-moi", "Giấy mời", "GM", "GM", False),
    ("giay-gioi-thieu", "Giấy giới thiệu", "GGT", "GGT", False),
    ("giay-nghi-phep", "Giấy nghỉ phép", "GNP", "GNP", False),
    ("phieu-gui", "Phiếu gửi", "PG", "PG", False),
    ("phieu-chuyen", "Phiếu chuyển", "PC", "PC", False),
    ("phieu-bao", "Phiếu báo", "PB", "PB", False),
    ("thu-cong", "Thư công", "", "", False),
    ("ban-sao-y", "Bản sao y", "SY", "SY", False),
    ("ban-trich-sao", "Bản trích sao", "TrS", "TrS", False),
    ("ban-sao-luc", "Bản sao lục", "SL", "SL", False),
]


def document_types_ensure(**kwargs: Any) -> None:
    """Create the missing standard document types (a `post_migrate` receiver)."""
    from vcnet.documents.models import DocumentType

    types = DocumentType.objects.using(kwargs.get("using") or "default")
    existing = set(types.values_list("code", flat=True))
    types.bulk_create(
        [
            DocumentType(
                code=code,
                name=name,
                abbreviation=abbr,
                party_abbreviation=party,
                normative=normative,
                position=position * 10,
            )
            for position, (code, name, abbr, party, normative) in enumerate(DOCUMENT_TYPES)
            if code not in existing
        ]
    )
