"""Bad input to the incoming services: each refusal is clear and leaves nothing behind (no
document row, no stored file); duplicates are only flagged; fields are corrected with checks."""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

import pytest
from django.core.files.storage import storages

from vcnet.accounts.models import Unit, User
from vcnet.core.errors import Conflict, DomainError, PermissionDeniedError
from vcnet.documents.models import (
    AssignmentRole,
    Document,
    DocumentFile,
    EventVerb,
    Priority,
    WorkItem,
)
from vcnet.documents.services.incoming import (
    DirectionLine,
    Upload,
    document_direct,
    document_receive,
    document_register,
    document_update_fields,
    duplicates_of,
)
from vcnet.documents.tests.factories import (
    incoming_fields,
    make_encrypted_pdf,
    receive,
    upload,
)

LEAD = AssignmentRole.LEAD


def _stored_files() -> list[str]:
    root = storages["private"].location  # type: ignore[attr-defined]
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"subject": "  "}, "subject"),
        ({"subject": "Đ" * 501}, "subject.*500"),
        ({"code_number": "1" * 12}, "number.*11"),
        ({"code_notation": "CV/" * 11}, "notation.*30"),
        ({"organ_name": "Ban " * 51}, "issuing organisation.*200"),
        ({"priority": 9}, "urgency"),
        ({"confidentiality": 7}, "confidentiality"),
        ({"due_date": dt.date(2020, 1, 1)}, "due date"),
        ({"doc_type_id": 999_999}, "type"),
    ],
)
def test_bad_fields_are_refused_with_nothing_left(
    clerk: User, province: Unit, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        receive(clerk, province, **changes)
    assert not Document.objects.exists()
    assert _stored_files() == []


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


BAD_FILES: dict[str, tuple[Any, str]] = {
    "empty": (lambda: b"", "empty"),
    "text-as-pdf": (lambda: b"Day khong phai la PDF, chi la van ban thuong.", "not a PDF"),
    "png-as-pdf": (_png, "not a PDF"),
    "encrypted": (make_encrypted_pdf, "password"),
    "broken": (lambda: b"%PDF-1.4\nhong hoan toan", "not a readable PDF"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_are_refused_with_nothing_left(clerk: User, province: Unit, kind: str) -> None:
    make, message = BAD_FILES[kind]
    data = make()
    with pytest.raises(DomainError, match=message):
        document_receive(
            actor=clerk,
            unit=province,
            fields=incoming_fields(),
            main=Upload(stream=io.BytesIO(data), name="cong-van.pdf"),
        )
    assert not Document.objects.exists()
    assert not DocumentFile.objects.exists()
    assert _stored_files() == []


def test_oversized_file_and_bad_attachment_leave_nothing(
    clerk: User, province: Unit, settings: Any
) -> None:
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 10_000
    with pytest.raises(DomainError, match="larger than"):
        document_receive(
            actor=clerk,
            unit=province,
            fields=incoming_fields(),
            main=Upload(stream=io.BytesIO(b"%PDF-1.4" + b" " * 20_000), name="lon.pdf"),
        )
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    # A good main file followed by a bad attachment: the main file is removed again.
    with pytest.raises(DomainError):
        document_receive(
            actor=clerk,
            unit=province,
            fields=incoming_fields(),
            main=upload(),
            attachments=[Upload(stream=io.BytesIO(b"MZ\x90\x00"), name="phu-luc.exe")],
        )
    assert not Document.objects.exists()
    assert _stored_files() == []


def test_attachments_and_other_file_kinds(clerk: User, province: Unit) -> None:
    document = document_receive(
        actor=clerk,
        unit=province,
        fields=incoming_fields(page_amount=3),
        main=upload(pages=2),
        attachments=[
            upload("Phụ lục 1: Danh sách đơn vị", name="phu-luc-1.pdf"),
            Upload(stream=io.BytesIO(_png()), name="anh-chup.png"),
        ],
    )
    kinds = list(document.files.order_by("kind", "slot").values_list("kind", "slot"))
    assert kinds == [("attachment", 1), ("attachment", 2), ("main", 0)]
    assert document.page_amount == 3  # what the registry typed wins over the PDF's count


def test_duplicate_warning(clerk: User, province: Unit, other_province: Unit) -> None:
    first = receive(clerk, province, text="Công văn số 125")
    same_code = receive(clerk, province, text="Bản chụp khác của công văn 125")
    same_file = receive(clerk, province, text="Công văn số 125", code_number="126")
    different = receive(clerk, province, text="Một công văn khác", code_number="300")
    assert {d.pk for d in duplicates_of(first)} == {same_code.pk, same_file.pk}
    assert [d.pk for d in duplicates_of(same_file)] == [first.pk]
    assert duplicates_of(different) == []
    # Nothing is refused: the registry decides.
    document_register(actor=clerk, document=same_code)


def test_update_fields(clerk: User, leader: User, official: User, province: Unit) -> None:
    document = receive(clerk, province)
    changed = document_update_fields(
        actor=clerk,
        document=document,
        fields=incoming_fields(code_number="127", priority=Priority.URGENT),
    )
    assert (changed.code_number, changed.priority) == ("127", Priority.URGENT)
    assert WorkItem.objects.get(document=document).priority == Priority.URGENT
    assert document.events.filter(verb=EventVerb.UPDATED).get().data["changed"] == [
        "code_number",
        "priority",
    ]
    with pytest.raises(PermissionDeniedError):
        document_update_fields(actor=leader, document=document, fields=incoming_fields())
    with pytest.raises(DomainError, match="subject"):
        document_update_fields(actor=clerk, document=document, fields=incoming_fields(subject=""))
    document_register(actor=clerk, document=document)
    with pytest.raises(Conflict, match="register"):
        document_update_fields(
            actor=clerk, document=document, fields=incoming_fields(confidentiality=1)
        )
    document_direct(
        actor=leader, document=document, lines=[DirectionLine(role=LEAD, user_id=official.pk)]
    )
    with pytest.raises(Conflict):
        document_update_fields(actor=clerk, document=document, fields=incoming_fields())
