"""Helpers for the outgoing tests: a draft taken through the real services, step by step."""

from __future__ import annotations

import datetime as dt

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory
from vcnet.documents.models import Approval, ApprovalStep, Document, DocumentType
from vcnet.documents.services.outgoing import (
    DraftFields,
    RecipientSpec,
    approval_decide,
    document_issue,
    document_number,
    document_sign_upload,
    draft_create,
    draft_submit,
)
from vcnet.documents.tests.factories import upload

SUBJECT = "Về việc tuyên truyền kỷ niệm 95 năm Ngày thành lập Đảng Cộng sản Việt Nam"


def member(unit: Unit, role: str, full_name: str, title: str = "") -> User:
    """A person holding `role` in `unit`."""
    user = UserFactory(full_name=full_name)
    MembershipFactory(user=user, unit=unit, role=role, title=title)
    return user


def sub_unit(parent: Unit, short_name: str = "VP", name: str = "Văn phòng") -> Unit:
    """A unit under `parent` (e.g. the office that drafts official letters)."""
    return UnitFactory(
        code=f"{parent.code}-{short_name.lower()}",
        short_name=short_name,
        name=f"{name} {parent.name}",
        level=parent.level,
        parent=parent,
    )


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def fields(
    *,
    type_code: str = "quyet-dinh",
    subject: str = SUBJECT,
    recipients: list[RecipientSpec] | None = None,
    **extra: object,
) -> DraftFields:
    return DraftFields(
        subject=subject,
        doc_type_id=doc_type(type_code).pk,
        recipients=recipients or [],
        recipients_text="Như trên; Lưu VT.",
        **extra,  # type: ignore[arg-type]
    )


def draft(
    drafter: User,
    unit: Unit,
    *,
    drafting_unit: Unit | None = None,
    text: str = "Dự thảo quyết định về việc tuyên truyền kỷ niệm ngày thành lập Đảng",
    **field_args: object,
) -> Document:
    return draft_create(
        actor=drafter,
        unit=unit,
        fields=fields(**field_args),  # type: ignore[arg-type]
        main=upload(text, "du-thao.pdf"),
        drafting_unit=drafting_unit,
    )


def pending(document: Document, step: str) -> Approval:
    return Approval.objects.get(document=document, step=step, decision=Approval.Decision.PENDING)


def approve_all(document: Document) -> Document:
    """Every pending step approved by its approver, in order."""
    for step in (ApprovalStep.CONTENT, ApprovalStep.LAYOUT, ApprovalStep.SIGNER):
        approval = pending(document, step)
        document = approval_decide(actor=approval.user, approval=approval, approve=True)
    return document


def to_issue(
    document: Document,
    *,
    drafter: User,
    content: User,
    layout: User,
    signer: User,
    signing_mode: str = "",
) -> Document:
    """Submit, approve in the three steps and hand in the signed PDF."""
    draft_submit(
        actor=drafter,
        document=document,
        content_approver=content,
        layout_checker=layout,
        signer=signer,
        signing_mode=signing_mode,
    )
    document = approve_all(document)
    document_sign_upload(
        actor=signer,
        document=document,
        signed=upload("Quyết định đã ký số của Trưởng ban", "quyet-dinh-da-ky.pdf"),
    )
    document.refresh_from_db()
    return document


def issued(
    document: Document,
    *,
    clerk: User,
    day: dt.date | None = None,
    **people: User,
) -> Document:
    """Take a draft all the way to ISSUED."""
    document = to_issue(document, **people)
    document_number(actor=clerk, document=document, issued_date=day)
    document_issue(actor=clerk, document=document)
    document.refresh_from_db()
    return document


def recipient_clerk(unit: Unit) -> User:
    return member(unit, Role.CLERK, "Hoàng Thị Thu", "Văn thư")
