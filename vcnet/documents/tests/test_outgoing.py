"""Outgoing documents: draft → content → layout → signer → sign → number → issue, as the personas."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.documents.access import can_read, document_for_user
from vcnet.documents.models import (
    Approval,
    ApprovalStep,
    Delegation,
    Delivery,
    Document,
    DocumentEvent,
    DocumentFile,
    EventVerb,
    FileKind,
    SigningMode,
    Status,
    WorkItem,
    WorkKind,
)
from vcnet.documents.selectors import inbox
from vcnet.documents.services import delivery as delivery_module
from vcnet.documents.services.incoming import document_register
from vcnet.documents.services.outgoing import (
    SEAL_HOOKS,
    RecipientSpec,
    approval_decide,
    delegation_create,
    delegation_revoke,
    document_issue,
    document_number,
    document_sign_upload,
    draft_create,
    draft_submit,
    draft_update,
)
from vcnet.documents.tests.factories import make_encrypted_pdf, upload
from vcnet.documents.tests.outgoing_flow import (
    approve_all,
    draft,
    fields,
    member,
    pending,
    recipient_clerk,
    to_issue,
)
from vcnet.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(official: User, leader: User, clerk: User) -> dict[str, User]:
    """Who takes each step: the official drafts, the head approves content and signs, the
    registry checks the layout."""
    return {"drafter": official, "content": leader, "layout": clerk, "signer": leader}


def _open(user: User, tab: str) -> list[int]:
    return [item.document_id for item in inbox(user, tab=tab)]


def _stored_files() -> int:
    storage = storages["private"]
    count = 0
    pending_dirs = [""]
    while pending_dirs:
        folder = pending_dirs.pop()
        dirs, files = storage.listdir(folder)
        count += len(files)
        pending_dirs += [f"{folder}/{d}".lstrip("/") for d in dirs]
    return count


# --- the whole chain --------------------------------------------------------------------------


def test_full_chain_reaches_the_recipient_register_at_once(
    province: Unit,
    other_province: Unit,
    official: User,
    leader: User,
    clerk: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(delivery_module, "EXCHANGE_SENDERS", [sent.append])
    other_clerk = recipient_clerk(other_province)
    recipients = [
        RecipientSpec(unit_id=other_province.pk),
        RecipientSpec(organ_id="000.00.00.H41", organ_name="UBND tỉnh Nghệ An", kind="copy"),
    ]
    document = draft(official, province, recipients=recipients, priority=1)
    assert document.status == Status.DRAFT
    assert document.deliveries.count() == 2

    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    document.refresh_from_db()
    assert document.status == Status.CONTENT_REVIEW
    assert document.id in _open(leader, "approve")
    assert document.id not in _open(clerk, "approve")  # the layout check waits its turn

    content = pending(document, ApprovalStep.CONTENT)
    approval_decide(actor=leader, approval=content, approve=True, comment="Nội dung đạt.")
    document.refresh_from_db()
    assert document.status == Status.LAYOUT_REVIEW
    assert document.id in _open(clerk, "approve")
    assert document.id not in _open(leader, "approve")

    approval_decide(actor=clerk, approval=pending(document, ApprovalStep.LAYOUT), approve=True)
    document.refresh_from_db()
    assert document.status == Status.SIGNER_REVIEW
    approval_decide(actor=leader, approval=pending(document, ApprovalStep.SIGNER), approve=True)
    document.refresh_from_db()
    assert document.status == Status.TO_SIGN
    assert document.id in _open(leader, "sign")

    # Content and layout sign-offs are stored apart, each with the version it approved.
    decided = Approval.objects.filter(document=document).order_by("created_at", "id")
    assert [(a.step, a.decision) for a in decided] == [
        (ApprovalStep.CONTENT, "approved"),
        (ApprovalStep.LAYOUT, "approved"),
        (ApprovalStep.SIGNER, "approved"),
    ]
    main = DocumentFile.objects.get(document=document, kind=FileKind.MAIN)
    assert {a.file_id for a in decided} == {main.pk}

    signed = document_sign_upload(
        actor=leader, document=document, signed=upload("Quyết định đã ký", "da-ky.pdf")
    )
    assert signed.kind == FileKind.SIGNED
    document.refresh_from_db()
    assert document.status == Status.TO_ISSUE
    assert document.id in _open(clerk, "issue")
    assert document.id not in _open(leader, "sign")

    document_number(actor=clerk, document=document)
    document.refresh_from_db()
    assert document.code == "01/QĐ-BTGTU"
    assert document.issued_date == timezone.localdate()
    assert document.organ_name == province.name
    assert (document.signer_name, document.signer_position) == ("Nguyễn Văn An", "Trưởng ban")

    with django_capture_on_commit_callbacks(execute=True):
        document_issue(actor=clerk, document=document)
    document.refresh_from_db()
    assert document.status == Status.ISSUED
    assert document.issued_at is not None
    assert document.id not in _open(clerk, "issue")

    # The recipient's registry sees it at once, as an incoming document to register.
    copy = Document.objects.get(origin=document)
    assert _open(other_clerk, "register") == [copy.pk]
    assert (copy.direction, copy.status, copy.source) == ("in", Status.RECEIVED, "internal")
    assert (copy.unit_id, copy.code, copy.subject) == (
        other_province.pk,
        "01/QĐ-BTGTU",
        document.subject,
    )
    assert document_for_user(other_clerk, copy.pk) == copy
    notice = Notification.objects.get(user=other_clerk, kind="documents.received")
    assert notice.urgent

    internal = Delivery.objects.get(document=document, unit=other_province)
    external = Delivery.objects.get(document=document, unit__isnull=True)
    assert (internal.status_code, internal.incoming_id) == ("01", copy.pk)
    assert internal.sent_at is not None and internal.arrived_at is not None
    assert external.status_code == ""
    assert sent == [external.pk]  # handed to the exchange exporter after commit

    # When the recipient registers, the sender sees 03.
    document_register(actor=other_clerk, document=copy)
    internal.refresh_from_db()
    assert internal.status_code == "03"
    assert internal.registered_at is not None
    codes = list(
        DocumentEvent.objects.filter(document=document, verb=EventVerb.STATUS).values_list(
            "data__code", flat=True
        )
    )
    assert codes == ["01", "03"]


def test_timeline_and_audit_record_every_step(
    province: Unit, other_province: Unit, people: dict[str, User], clerk: User
) -> None:
    document = draft(people["drafter"], province, recipients=[RecipientSpec(other_province.pk)])
    document = to_issue(document, **people)
    document_number(actor=clerk, document=document)
    document_issue(actor=clerk, document=document)
    verbs = list(document.events.order_by("created_at", "id").values_list("verb", flat=True))
    assert verbs[:2] == [EventVerb.CREATED, EventVerb.SENT_FOR_REVIEW]
    assert verbs.count(EventVerb.APPROVED) == 3
    for verb in (EventVerb.SIGNED, EventVerb.NUMBERED, EventVerb.ISSUED, EventVerb.STATUS):
        assert verb in verbs
    from vcnet.core.models import AuditEntry

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "document.draft_create",
        "document.draft_submit",
        "document.approve",
        "document.sign",
        "document.number",
        "document.issue",
        "document.receive_internal",
    } <= actions


# --- versions and returns ---------------------------------------------------------------------


def test_return_sends_the_draft_back_with_the_comment(
    province: Unit, official: User, leader: User, clerk: User, people: dict[str, User]
) -> None:
    document = draft(official, province)
    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    approval_decide(actor=leader, approval=pending(document, ApprovalStep.CONTENT), approve=True)
    with pytest.raises(DomainError):  # a return must say what to change
        approval_decide(actor=clerk, approval=pending(document, ApprovalStep.LAYOUT), approve=False)
    approval_decide(
        actor=clerk,
        approval=pending(document, ApprovalStep.LAYOUT),
        approve=False,
        comment="Sai thể thức: thiếu nơi nhận.",
    )
    document.refresh_from_db()
    assert document.status == Status.DRAFT
    assert document.id in _open(official, "handle")  # a REVISE item for the drafter
    assert not Approval.objects.filter(document=document, decision="pending").exists()
    back = document.events.get(verb=EventVerb.SENT_BACK)
    assert back.note == "Sai thể thức: thiếu nơi nhận."
    assert Notification.objects.filter(user=official, kind="documents.revise").exists() is False
    # (notifications are sent after commit; the test transaction never commits)

    # A new version of the main file; the old one is kept.
    draft_update(actor=official, document=document, main=upload("Dự thảo lần 2", "v2.pdf"))
    versions = list(
        DocumentFile.objects.filter(document=document, kind=FileKind.MAIN)
        .order_by("version")
        .values_list("version", "current")
    )
    assert versions == [(1, False), (2, True)]

    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    document.refresh_from_db()
    assert document.status == Status.CONTENT_REVIEW
    assert document.id not in _open(official, "handle")  # the REVISE item is closed
    approve_all(document)
    latest = Approval.objects.filter(document=document, decision="approved").latest("decided_at")
    assert latest.file is not None and latest.file.version == 2


def test_a_change_after_approval_resets_the_approvals(
    province: Unit, official: User, leader: User, clerk: User
) -> None:
    document = draft(official, province)
    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    document = approve_all(document)
    assert document.status == Status.TO_SIGN
    draft_update(
        actor=official,
        document=document,
        fields=fields(subject="Về việc tuyên truyền kỷ niệm 80 năm Cách mạng Tháng Tám"),
        note="Sửa trích yếu",
    )
    document.refresh_from_db()
    assert document.status == Status.DRAFT
    assert document.id not in _open(leader, "sign")
    with pytest.raises(Conflict):  # no signature on a draft that changed since its approval
        document_sign_upload(actor=leader, document=document, signed=upload())
    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    assert pending(document, ApprovalStep.CONTENT).user == leader


def test_drafting_unit_under_the_issuing_unit(province: Unit, other_province: Unit) -> None:
    from vcnet.documents.tests.outgoing_flow import sub_unit

    office = sub_unit(province)
    specialist = member(office, Role.OFFICIAL, "Vũ Thị Hạnh", "Chuyên viên")
    head = member(office, Role.LEADER, "Đặng Quốc Huy", "Chánh Văn phòng")
    document = draft(specialist, province, drafting_unit=office, type_code="cong-van")
    assert document.drafting_unit == office
    with pytest.raises(DomainError):  # a unit that is not under the issuing unit
        draft(specialist, province, drafting_unit=other_province)
    with pytest.raises(PermissionDeniedError):  # content is approved by the drafting unit's head
        draft_submit(
            actor=specialist,
            document=document,
            content_approver=member(province, Role.LEADER, "Ngô Văn Lâm", "Phó Trưởng ban"),
            layout_checker=head,
            signer=head,
        )


# --- permissions --------------------------------------------------------------------------------


def test_outsider_and_citizen_cannot_draft_or_read(
    province: Unit, outsider: User, citizen: User, official: User
) -> None:
    for person in (outsider, citizen):
        with pytest.raises(PermissionDeniedError):
            draft(person, province)
    document = draft(official, province)
    assert not can_read(outsider, document)
    with pytest.raises(NotFound):
        document_for_user(outsider, document.pk)


def test_an_official_cannot_approve_instead_of_a_leader(
    province: Unit, official: User, leader: User, clerk: User
) -> None:
    document = draft(official, province)
    with pytest.raises(PermissionDeniedError):
        draft_submit(
            actor=official,
            document=document,
            content_approver=official,
            layout_checker=clerk,
            signer=leader,
        )
    with pytest.raises(PermissionDeniedError):  # the signer must be a leader of the unit
        draft_submit(
            actor=official,
            document=document,
            content_approver=leader,
            layout_checker=clerk,
            signer=official,
        )
    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    content = pending(document, ApprovalStep.CONTENT)
    with pytest.raises(PermissionDeniedError):
        approval_decide(actor=official, approval=content, approve=True)
    with pytest.raises(Conflict):  # the layout step is not open yet
        approval_decide(actor=clerk, approval=pending(document, ApprovalStep.LAYOUT), approve=True)
    document.refresh_from_db()
    assert document.status == Status.CONTENT_REVIEW


def test_only_the_registry_of_the_issuing_unit_numbers_and_issues(
    province: Unit, other_province: Unit, people: dict[str, User], clerk: User, leader: User
) -> None:
    document = to_issue(draft(people["drafter"], province), **people)
    other_clerk = recipient_clerk(other_province)
    for person in (other_clerk, leader):
        with pytest.raises(PermissionDeniedError):
            document_number(actor=person, document=document)
    document.refresh_from_db()
    assert document.code_number == ""
    document_number(actor=clerk, document=document)
    with pytest.raises(PermissionDeniedError):
        document_issue(actor=other_clerk, document=document)


def test_only_the_signer_hands_in_the_signed_file(
    province: Unit, official: User, leader: User, clerk: User
) -> None:
    document = draft(official, province)
    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    approve_all(document)
    with pytest.raises(PermissionDeniedError):
        document_sign_upload(actor=clerk, document=document, signed=upload())


# --- state conflicts --------------------------------------------------------------------------


def test_no_number_before_signing_and_no_second_issue(
    province: Unit, people: dict[str, User], clerk: User
) -> None:
    document = draft(people["drafter"], province)
    with pytest.raises(Conflict):
        document_number(actor=clerk, document=document)
    document = to_issue(document, **people)
    with pytest.raises(Conflict):  # issue needs a number
        document_issue(actor=clerk, document=document)
    document_number(actor=clerk, document=document)
    with pytest.raises(Conflict):
        document_number(actor=clerk, document=document)
    document_issue(actor=clerk, document=document)
    with pytest.raises(Conflict):
        document_issue(actor=clerk, document=document)
    with pytest.raises(Conflict):
        draft_update(actor=people["drafter"], document=document, main=upload())
    assert Document.objects.filter(origin=document).count() == 0  # no recipients listed


def test_a_failing_seal_hook_leaves_nothing_issued(
    province: Unit, other_province: Unit, people: dict[str, User], clerk: User
) -> None:
    document = draft(people["drafter"], province, recipients=[RecipientSpec(other_province.pk)])
    document = to_issue(document, **people)
    document_number(actor=clerk, document=document)

    def seal(doc: Document, actor: User) -> None:
        raise DomainError("Không kết nối được thiết bị ký số của cơ quan.")

    SEAL_HOOKS.append(seal)
    try:
        with pytest.raises(DomainError):
            document_issue(actor=clerk, document=document)
    finally:
        SEAL_HOOKS.remove(seal)
    document.refresh_from_db()
    assert document.status == Status.TO_ISSUE
    assert not Document.objects.filter(origin=document).exists()
    assert Delivery.objects.get(document=document).status_code == ""

    calls: list[int] = []
    SEAL_HOOKS.append(lambda doc, actor: calls.append(doc.pk))
    try:
        document_issue(actor=clerk, document=document)
    finally:
        SEAL_HOOKS.pop()
    assert calls == [document.pk]


# --- bad input ----------------------------------------------------------------------------------


def test_bad_files_and_fields_leave_nothing_behind(
    province: Unit, other_province: Unit, official: User
) -> None:
    before = _stored_files()
    with pytest.raises(DomainError):
        draft_create(
            actor=official,
            unit=province,
            fields=fields(),
            main=upload(data=make_encrypted_pdf(), name="mat-khau.pdf"),
        )
    with pytest.raises(DomainError):
        draft_create(
            actor=official,
            unit=province,
            fields=fields(),
            main=upload(),
            attachments=[upload(data=b"MZ\x90\x00 not a document", name="phu-luc.pdf")],
        )
    for bad in (
        fields(subject="   "),
        fields(subject="Đ" * 501),
        fields(priority=9),
        fields(due_date=timezone.localdate() - dt.timedelta(days=1)),
        fields(recipients=[RecipientSpec(unit_id=province.pk)]),
        fields(recipients=[RecipientSpec(organ_name="Sở Thông tin và Truyền thông")]),
        fields(recipients=[RecipientSpec(other_province.pk), RecipientSpec(other_province.pk)]),
    ):
        with pytest.raises(DomainError):
            draft_create(actor=official, unit=province, fields=bad, main=upload())
    assert Document.objects.count() == 0
    assert _stored_files() == before


def test_signed_file_must_be_a_pdf(
    province: Unit, official: User, leader: User, clerk: User
) -> None:
    document = draft(official, province)
    draft_submit(
        actor=official,
        document=document,
        content_approver=leader,
        layout_checker=clerk,
        signer=leader,
    )
    approve_all(document)
    before = _stored_files()
    with pytest.raises(DomainError, match="PDF"):
        document_sign_upload(
            actor=leader,
            document=document,
            signed=upload(data=b"PK\x03\x04 a word file", name="da-ky.docx"),
        )
    document.refresh_from_db()
    assert document.status == Status.TO_SIGN
    assert not DocumentFile.objects.filter(document=document, kind=FileKind.SIGNED).exists()
    assert _stored_files() == before


# --- TUQ. delegations ---------------------------------------------------------------------------


def test_tuq_needs_a_valid_written_delegation(
    province: Unit, official: User, leader: User, clerk: User
) -> None:
    today = timezone.localdate()
    document = draft(clerk, province)
    submit = {
        "actor": clerk,
        "document": document,
        "content_approver": leader,
        "layout_checker": clerk,
        "signer": official,
        "signing_mode": SigningMode.TUQ,
    }
    with pytest.raises(PermissionDeniedError):  # no delegation at all
        draft_submit(**submit)
    expired = Delegation.objects.create(
        unit=province,
        grantor=leader,
        delegate=official,
        scope="Ký các công văn hướng dẫn tuyên truyền",
        reference="05/QĐ-BTGTU",
        valid_from=today - dt.timedelta(days=60),
        valid_to=today - dt.timedelta(days=1),
    )
    with pytest.raises(PermissionDeniedError):
        draft_submit(**submit, delegation=expired)
    with pytest.raises(PermissionDeniedError):  # found automatically? none valid today
        draft_submit(**submit)

    delegation = delegation_create(
        actor=leader,
        unit=province,
        grantor=leader,
        delegate=official,
        scope="Ký các công văn hướng dẫn tuyên truyền",
        reference="12/QĐ-BTGTU",
        valid_from=today,
        valid_to=today + dt.timedelta(days=30),
    )
    draft_submit(**submit)
    document.refresh_from_db()
    assert (document.signing_mode, document.delegation, document.signer) == (
        SigningMode.TUQ,
        delegation,
        official,
    )
    approve_all(document)

    # Revoked before signing: the signature is refused.
    delegation_revoke(actor=leader, delegation=delegation)
    with pytest.raises(PermissionDeniedError):
        document_sign_upload(actor=official, document=document, signed=upload())
    with pytest.raises(Conflict):
        delegation_revoke(actor=leader, delegation=delegation)


def test_a_delegate_cannot_pass_the_delegation_on(
    province: Unit, official: User, leader: User, clerk: User, outsider: User
) -> None:
    today = timezone.localdate()
    args = {
        "unit": province,
        "scope": "Ký văn bản trả lời đơn thư",
        "reference": "07/QĐ-BTGTU",
        "valid_from": today,
        "valid_to": today + dt.timedelta(days=10),
    }
    delegation_create(actor=leader, grantor=leader, delegate=official, **args)
    with pytest.raises(PermissionDeniedError, match="passed on"):
        delegation_create(actor=official, grantor=official, delegate=clerk, **args)
    with pytest.raises(PermissionDeniedError):  # nor in someone else's name
        delegation_create(actor=official, grantor=leader, delegate=clerk, **args)
    with pytest.raises(DomainError):
        delegation_create(actor=leader, grantor=leader, delegate=leader, **args)
    with pytest.raises(DomainError):  # not a member of the unit
        delegation_create(actor=leader, grantor=leader, delegate=outsider, **args)
    with pytest.raises(DomainError):
        delegation_create(
            actor=leader,
            grantor=leader,
            delegate=clerk,
            **{**args, "valid_to": today - dt.timedelta(days=1)},
        )
    assert Delegation.objects.count() == 1


def test_open_work_items_close_as_the_document_moves(
    province: Unit, people: dict[str, User], clerk: User
) -> None:
    document = to_issue(draft(people["drafter"], province), **people)
    document_number(actor=clerk, document=document)
    document_issue(actor=clerk, document=document)
    assert not WorkItem.objects.filter(document=document, done_at__isnull=True).exists()
    kinds = set(WorkItem.objects.filter(document=document).values_list("kind", flat=True))
    assert kinds == {WorkKind.APPROVE, WorkKind.SIGN, WorkKind.ISSUE}
