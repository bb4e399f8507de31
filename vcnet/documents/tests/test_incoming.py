"""Incoming documents (Decree 30 Art. 20-24), through the services, as the personas would work."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import UnitFactory
from vcnet.core.audit import AuditEntry
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.documents.access import document_for_user
from vcnet.documents.models import (
    Assignment,
    AssignmentRole,
    Delivery,
    Direction,
    Document,
    EventVerb,
    ExtensionRequest,
    Priority,
    Source,
    Status,
    WorkItem,
    WorkKind,
)
from vcnet.documents.selectors import inbox, inbox_counts
from vcnet.documents.services.incoming import (
    DirectionLine,
    assignment_complete,
    document_comment,
    document_complete,
    document_direct,
    document_register,
    document_return,
    document_submit,
    extension_decide,
    extension_request,
    info_seen,
    result_file_add,
)
from vcnet.documents.tests.factories import (
    member,
    receive,
    upload,
)
from vcnet.notifications.models import Notification

LEAD, COORDINATE, INFO = AssignmentRole.LEAD, AssignmentRole.COORDINATE, AssignmentRole.INFO


@pytest.fixture
def department(province: Unit) -> Unit:
    return UnitFactory(
        code="phong-tuyen-truyen",
        short_name="PTT",
        name="Phòng Tuyên truyền",
        level=province.level,
        parent=province,
    )


@pytest.fixture
def dept_leader(department: Unit) -> User:
    return member(department, Role.LEADER, "Hoàng Văn Hải", "truongphong@nghean.vcnet.test")


@pytest.fixture
def dept_official(department: Unit) -> User:
    return member(department, Role.OFFICIAL, "Vũ Thị Hoa", "hoa@nghean.vcnet.test")


@pytest.fixture
def deputy(province: Unit) -> User:
    return member(province, Role.OFFICIAL, "Đặng Quốc Khánh", "khanh@nghean.vcnet.test")


def _verbs(document: Document) -> list[str]:
    return list(document.events.order_by("created_at", "id").values_list("verb", flat=True))


def _inbox_docs(user: User, tab: str) -> list[int]:
    return [item.document_id for item in inbox(user, tab)]


# --- The whole chain ------------------------------------------------------------------------


def test_incoming_chain_from_arrival_to_done(
    clerk: User,
    leader: User,
    official: User,
    deputy: User,
    outsider: User,
    department: Unit,
    dept_leader: User,
    dept_official: User,
    province: Unit,
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        document = receive(clerk, province, due_date=today + dt.timedelta(days=10))
    assert document.status == Status.RECEIVED
    assert document.direction == Direction.INCOMING
    assert "tuyên truyền kỷ niệm" in document.text  # the PDF's text, for search
    assert _inbox_docs(clerk, "register") == [document.pk]
    assert document.files.get().page_amount == 1

    with django_capture_on_commit_callbacks(execute=True):
        document = document_register(actor=clerk, document=document, submit_to=leader)
    assert document.status == Status.DIRECTING
    assert document.arrival_number == 1
    assert document.registered_year == str(today.year)
    assert _inbox_docs(clerk, "register") == []
    assert _inbox_docs(leader, "direct") == [document.pk]
    assert Notification.objects.filter(user=leader, kind="documents.to_direct").count() == 1

    # The head directs: lead = an official with a deadline, a coordinating department, for
    # information to a colleague.
    deadline = today + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        lines = document_direct(
            actor=leader,
            document=document,
            comment="Đề nghị Phòng Tuyên truyền phối hợp, báo cáo trước hạn.",
            lines=[
                DirectionLine(role=LEAD, user_id=official.pk, deadline=deadline),
                DirectionLine(role=COORDINATE, unit_id=department.pk),
                DirectionLine(role=INFO, user_id=deputy.pk),
            ],
        )
    document.refresh_from_db()
    assert document.status == Status.IN_PROGRESS
    assert document.to_places.startswith(official.full_name)
    lead_line, dept_line, info_line = lines
    assert lead_line.deadline == deadline
    assert dept_line.deadline == document.due_date  # a line without its own deadline
    assert _inbox_docs(leader, "direct") == []
    assert _inbox_docs(official, "handle") == [document.pk]
    assert _inbox_docs(dept_leader, "direct") == [document.pk]
    assert _inbox_docs(deputy, "info") == [document.pk]
    assert inbox_counts(official)["handle"] == 1
    assert inbox_counts(official)["week"] == 1
    assert Notification.objects.filter(user=official, kind="documents.assigned").exists()
    assert Notification.objects.filter(user=dept_leader, kind="documents.assigned").exists()
    # Everyone named may now read it; the outsider still may not.
    for person in (official, deputy, dept_leader):
        assert document_for_user(person, document.pk) == document
    with pytest.raises(NotFound):
        document_for_user(outsider, document.pk)
    with pytest.raises(NotFound):
        document_for_user(dept_official, document.pk)

    # The department's head directs further to one of its people.
    (child,) = document_direct(
        actor=dept_leader,
        document=document,
        parent=dept_line,
        lines=[DirectionLine(role=LEAD, user_id=dept_official.pk)],
        comment="Đồng chí Hoa chuẩn bị số liệu.",
    )
    assert child.deadline == dept_line.deadline
    assert _inbox_docs(dept_leader, "direct") == []
    assert _inbox_docs(dept_official, "handle") == [document.pk]
    assert document_for_user(dept_official, document.pk) == document

    # For-information is closed by opening the document.
    assert info_seen(actor=deputy, document=document) == 1
    assert _inbox_docs(deputy, "info") == []
    info_line.refresh_from_db()
    assert info_line.state == Assignment.State.DONE

    # The lead handler works: a comment, a result file, a request for more time.
    document_comment(actor=official, document=document, body="Đã liên hệ Sở Văn hóa.")
    result = result_file_add(
        actor=official,
        document=document,
        upload=upload("Báo cáo kết quả tuyên truyền", name="bao-cao.pdf"),
        note="Dự thảo báo cáo",
    )
    assert result.kind == "result"
    later = deadline + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        extension = extension_request(
            actor=official, assignment=lead_line, new_deadline=later, reason="Chờ số liệu huyện."
        )
    assert _inbox_docs(leader, "handle") == [document.pk]  # the extension item
    assert Notification.objects.filter(user=leader, kind="documents.extension").exists()
    extension_decide(actor=leader, extension=extension, approve=True, note="Đồng ý.")
    lead_line.refresh_from_db()
    assert lead_line.deadline == later
    assert WorkItem.objects.get(assignment=lead_line, kind=WorkKind.HANDLE).deadline == later
    assert _inbox_docs(leader, "handle") == []

    # The department's person finishes: the department's line is finished with it.
    assignment_complete(actor=dept_official, assignment=child, result="Đã gửi số liệu.")
    dept_line.refresh_from_db()
    assert dept_line.state == Assignment.State.DONE
    document.refresh_from_db()
    assert document.status == Status.IN_PROGRESS

    # The lead handler finishes: the document is done.
    with django_capture_on_commit_callbacks(execute=True):
        assignment_complete(
            actor=official, assignment=lead_line, result="Đã tổ chức tuyên truyền, có báo cáo."
        )
    document.refresh_from_db()
    assert document.status == Status.DONE
    assert document.completed_at is not None
    assert _inbox_docs(official, "handle") == []
    assert Notification.objects.filter(user=leader, kind="documents.completed").exists()
    assert _verbs(document) == [
        EventVerb.RECEIVED,
        EventVerb.REGISTERED,
        EventVerb.SUBMITTED,
        EventVerb.DIRECTED,
        EventVerb.ASSIGNED,
        EventVerb.COMMENTED,
        EventVerb.FILE_ADDED,
        EventVerb.EXTENSION_REQUESTED,
        EventVerb.EXTENSION_DECIDED,
        EventVerb.HANDLED,
        EventVerb.HANDLED,
        EventVerb.COMPLETED,
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "document.receive",
        "document.register",
        "document.submit",
        "document.direct",
        "document.direct_further",
        "document.comment",
        "document.result_file",
        "document.extension_request",
        "document.extension_decide",
        "document.assignment_complete",
        "document.complete",
    } <= actions


def _internal_copy(clerk: User, province: Unit, central: Unit) -> tuple[Document, Delivery]:
    """An outgoing document of `central` delivered to `province`, with the recipient's copy."""
    origin = Document.objects.create(
        direction=Direction.OUTGOING,
        unit=central,
        status=Status.ISSUED,
        source=Source.DRAFTED,
        subject="Hướng dẫn tuyên truyền Đại hội Đảng bộ các cấp",
        code_number="140",
        code_notation="HD/BTGTW",
    )
    copy = receive(
        clerk,
        province,
        subject=origin.subject,
        code_number="140",
        code_notation="HD/BTGTW",
    )
    Document.objects.filter(pk=copy.pk).update(origin=origin, source=Source.INTERNAL)
    delivery = Delivery.objects.create(
        document=origin,
        unit=province,
        organ_name=province.name,
        incoming=copy,
        status_code="01",
        sent_at=timezone.now(),
    )
    copy.refresh_from_db()
    return copy, delivery


def test_sender_sees_the_recipients_status(
    clerk: User, leader: User, official: User, province: Unit, central: Unit
) -> None:
    copy, delivery = _internal_copy(clerk, province, central)
    codes = []

    def step() -> None:
        delivery.refresh_from_db()
        codes.append(delivery.status_code)

    document_register(actor=clerk, document=copy)
    step()
    delivery.refresh_from_db()
    assert delivery.registered_at is not None
    (lead,) = document_direct(
        actor=leader, document=copy, lines=[DirectionLine(role=LEAD, user_id=official.pk)]
    )
    step()
    document_comment(actor=leader, document=copy, body="Khẩn trương triển khai.")
    step()  # a leader's comment is not yet handling
    document_comment(actor=official, document=copy, body="Đang xây dựng kế hoạch.")
    step()
    assignment_complete(actor=official, assignment=lead, result="Đã ban hành kế hoạch.")
    step()
    assert codes == ["03", "04", "04", "05", "06"]
    # The sender's timeline shows each step.
    statuses = delivery.document.events.filter(verb=EventVerb.STATUS)
    assert [e.data["code"] for e in statuses.order_by("id")] == ["03", "04", "05", "06"]


def test_return_to_sender_needs_a_reason_and_shows_status_02(
    clerk: User, province: Unit, central: Unit
) -> None:
    copy, delivery = _internal_copy(clerk, province, central)
    with pytest.raises(DomainError, match="why"):
        document_return(actor=clerk, document=copy, reason="   ")
    copy.refresh_from_db()
    assert copy.status == Status.RECEIVED
    document_return(actor=clerk, document=copy, reason="Gửi nhầm đơn vị, đề nghị gửi lại.")
    copy.refresh_from_db()
    delivery.refresh_from_db()
    assert copy.status == Status.RETURNED
    assert (delivery.status_code, delivery.status_note) == (
        "02",
        "Gửi nhầm đơn vị, đề nghị gửi lại.",
    )
    assert not WorkItem.objects.filter(document=copy, done_at__isnull=True).exists()
    with pytest.raises(Conflict):
        document_register(actor=clerk, document=copy)


# --- Inbox and urgency ----------------------------------------------------------------------


def test_urgent_documents_come_first_and_notify_at_once(
    clerk: User, leader: User, province: Unit, django_capture_on_commit_callbacks: Any
) -> None:
    normal = receive(clerk, province, subject="Về việc báo cáo định kỳ quý I")
    express = receive(
        clerk, province, subject="Về việc xử lý thông tin sai lệch", priority=Priority.EXPRESS
    )
    later_normal = receive(clerk, province, subject="Về việc góp ý dự thảo")
    assert _inbox_docs(clerk, "register") == [express.pk, later_normal.pk, normal.pk]
    assert inbox_counts(clerk)["register"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        document_register(actor=clerk, document=express)
        document_register(actor=clerk, document=normal)
    urgent = Notification.objects.filter(user=leader)
    assert [(n.kind, n.urgent) for n in urgent] == [("documents.urgent", True)]


def test_submit_to_another_leader_moves_the_item(clerk: User, leader: User, province: Unit) -> None:
    other = member(province, Role.LEADER, "Trương Minh Tuấn", "tuan@nghean.vcnet.test")
    document = receive(clerk, province)
    document_register(actor=clerk, document=document)
    document_submit(actor=clerk, document=document, leader=leader)
    document_submit(actor=clerk, document=document, leader=other)
    assert _inbox_docs(leader, "direct") == []
    assert _inbox_docs(other, "direct") == [document.pk]
    with pytest.raises(DomainError, match="not a leader"):
        document_submit(actor=clerk, document=document, leader=clerk)


# --- Who may do what ------------------------------------------------------------------------


def test_permission_refusals(
    clerk: User, leader: User, official: User, outsider: User, province: Unit
) -> None:
    with pytest.raises(PermissionDeniedError):
        receive(official, province)
    with pytest.raises(PermissionDeniedError):
        receive(outsider, province)
    document = receive(clerk, province)
    with pytest.raises(PermissionDeniedError):
        document_register(actor=leader, document=document)
    with pytest.raises(NotFound):
        document_register(actor=official, document=document)
    with pytest.raises(NotFound):
        document_for_user(outsider, document.pk)
    with pytest.raises(NotFound):
        document_direct(
            actor=outsider,
            document=document,
            lines=[DirectionLine(role=LEAD, user_id=outsider.pk)],
        )
    with pytest.raises(Conflict):  # not registered yet
        document_direct(
            actor=leader, document=document, lines=[DirectionLine(role=LEAD, user_id=official.pk)]
        )
    document_register(actor=clerk, document=document)
    with pytest.raises(PermissionDeniedError):
        document_direct(
            actor=clerk, document=document, lines=[DirectionLine(role=LEAD, user_id=official.pk)]
        )
    with pytest.raises(Conflict):
        document_register(actor=clerk, document=document)
    with pytest.raises(Conflict):
        document_return(actor=clerk, document=document, reason="Sai địa chỉ")
    (line,) = document_direct(
        actor=leader, document=document, lines=[DirectionLine(role=LEAD, user_id=official.pk)]
    )
    with pytest.raises(PermissionDeniedError):
        assignment_complete(actor=clerk, assignment=line, result="Xong")
    with pytest.raises(PermissionDeniedError):
        extension_request(
            actor=leader,
            assignment=line,
            new_deadline=timezone.localdate() + dt.timedelta(days=30),
            reason="Cần thêm thời gian",
        )
    with pytest.raises(PermissionDeniedError):
        result_file_add(actor=clerk, document=document, upload=upload())
    with pytest.raises(PermissionDeniedError):
        document_complete(actor=clerk, document=document)
    with pytest.raises(NotFound):
        document_comment(actor=outsider, document=document, body="Xin chào")
    # The directing leader may close the document for the handler.
    document_complete(actor=leader, document=document, note="Đã xử lý qua điện thoại.")
    document.refresh_from_db()
    line.refresh_from_db()
    assert (document.status, line.state) == (Status.DONE, Assignment.State.DONE)


def test_direction_is_checked_line_by_line(
    clerk: User,
    leader: User,
    official: User,
    outsider: User,
    province: Unit,
    department: Unit,
    dept_leader: User,
) -> None:
    document = receive(clerk, province)
    document_register(actor=clerk, document=document)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    bad: list[tuple[list[DirectionLine], str]] = [
        ([], "at least one"),
        ([DirectionLine(role=COORDINATE, user_id=official.pk)], "exactly one lead"),
        (
            [
                DirectionLine(role=LEAD, user_id=official.pk),
                DirectionLine(role=LEAD, unit_id=department.pk),
            ],
            "exactly one lead",
        ),
        ([DirectionLine(role=LEAD, user_id=outsider.pk)], "not a member"),
        ([DirectionLine(role=LEAD, user_id=official.pk, deadline=yesterday)], "before today"),
        (
            [
                DirectionLine(role=LEAD, user_id=official.pk),
                DirectionLine(role=INFO, user_id=official.pk),
            ],
            "twice",
        ),
        ([DirectionLine(role="boss", user_id=official.pk)], "Unknown role"),
        ([DirectionLine(role=LEAD)], "names a unit or a person"),
        ([DirectionLine(role=LEAD, user_id=999_999)], "does not exist"),
        ([DirectionLine(role=LEAD, unit_id=province.pk)], "already in"),
    ]
    for lines, message in bad:
        with pytest.raises(DomainError, match=message):
            document_direct(actor=leader, document=document, lines=lines)
    assert not Assignment.objects.exists()
    document.refresh_from_db()
    assert document.status == Status.REGISTERED

    lead, info = document_direct(
        actor=leader,
        document=document,
        lines=[
            DirectionLine(role=LEAD, unit_id=department.pk, deadline=timezone.localdate()),
            DirectionLine(role=INFO, user_id=official.pk),
        ],
    )
    with pytest.raises(PermissionDeniedError):  # only the department's leader directs further
        document_direct(
            actor=leader,
            document=document,
            parent=lead,
            lines=[DirectionLine(role=LEAD, user_id=official.pk)],
        )
    with pytest.raises(DomainError, match="unit's line"):
        document_direct(
            actor=dept_leader,
            document=document,
            parent=info,
            lines=[DirectionLine(role=LEAD, user_id=official.pk)],
        )
    with pytest.raises(DomainError, match="not a member"):  # official is not of the department
        document_direct(
            actor=dept_leader,
            document=document,
            parent=lead,
            lines=[DirectionLine(role=LEAD, user_id=official.pk)],
        )
    # The department's leader may also finish a unit line that was not directed further; as
    # the lead line, that completes the document.
    assignment_complete(actor=dept_leader, assignment=lead, result="Phòng đã thực hiện.")
    document.refresh_from_db()
    assert document.status == Status.DONE


def test_extension_rules(clerk: User, leader: User, official: User, province: Unit) -> None:
    document = receive(clerk, province)
    document_register(actor=clerk, document=document)
    deadline = timezone.localdate() + dt.timedelta(days=3)
    (line,) = document_direct(
        actor=leader,
        document=document,
        lines=[DirectionLine(role=LEAD, user_id=official.pk, deadline=deadline)],
    )
    with pytest.raises(DomainError, match="later than"):
        extension_request(actor=official, assignment=line, new_deadline=deadline, reason="Thêm")
    with pytest.raises(DomainError, match="why"):
        extension_request(
            actor=official, assignment=line, new_deadline=deadline + dt.timedelta(1), reason=""
        )
    extension = extension_request(
        actor=official,
        assignment=line,
        new_deadline=deadline + dt.timedelta(days=7),
        reason="Chờ ý kiến các huyện ủy.",
    )
    with pytest.raises(Conflict, match="already waiting"):
        extension_request(
            actor=official,
            assignment=line,
            new_deadline=deadline + dt.timedelta(days=9),
            reason="Thêm nữa",
        )
    with pytest.raises(PermissionDeniedError):
        extension_decide(actor=official, extension=extension, approve=True)
    extension_decide(actor=leader, extension=extension, approve=False, note="Không đồng ý.")
    line.refresh_from_db()
    extension.refresh_from_db()
    assert line.deadline == deadline
    assert extension.state == ExtensionRequest.State.REFUSED
    with pytest.raises(Conflict):
        extension_decide(actor=leader, extension=extension, approve=True)


def test_comment_needs_text(clerk: User, province: Unit) -> None:
    document = receive(clerk, province)
    with pytest.raises(DomainError):
        document_comment(actor=clerk, document=document, body="  ")
    comment = document_comment(actor=clerk, document=document, body="Đã kiểm tra bì, dấu.")
    assert comment.author == clerk
