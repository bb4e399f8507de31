"""Inter-agency exchange (QCVN 102:2016 edXML): packages, status messages, the folder hub."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory, UserFactory
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.documents.exchange import (
    ExchangeError,
    Organ,
    StatusMessage,
    adapter_get,
    document_id_format,
    edxml,
)
from vcnet.documents.exchange.hub import FolderHub
from vcnet.documents.models import (
    Delivery,
    Direction,
    Document,
    DocumentEvent,
    DocumentFile,
    EventVerb,
    ExchangeMessage,
    FileKind,
    Source,
    Status,
    UnitProfile,
    WorkItem,
    WorkKind,
)
from vcnet.documents.services import exchange
from vcnet.documents.services.common import STATUS_HOOKS
from vcnet.documents.services.delivery import EXCHANGE_SENDERS
from vcnet.documents.tests.factories import make_pdf

ORGAN_A = "000.00.00.H40"  # Ban Tuyên giáo Tỉnh ủy Nghệ An
ORGAN_B = "000.00.00.H42"  # Ban Tuyên giáo Tỉnh ủy Hà Tĩnh
SUBJECT = "Về việc tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam"


@pytest.fixture(autouse=True)
def _hub_dir(settings: Any, tmp_path: Path) -> Path:
    settings.EXCHANGE_HUB_DIR = tmp_path / "hub"
    return settings.EXCHANGE_HUB_DIR


@pytest.fixture
def hub(_hub_dir: Path) -> FolderHub:
    return FolderHub(_hub_dir)


@pytest.fixture
def profiles(province: Unit, other_province: Unit) -> None:
    UnitProfile.objects.create(unit=province, organ_id=ORGAN_A, style="party", place="Nghệ An")
    UnitProfile.objects.create(
        unit=other_province, organ_id=ORGAN_B, style="party", place="Hà Tĩnh"
    )


@pytest.fixture
def clerk_b(other_province: Unit) -> User:
    user = UserFactory(full_name="Nguyễn Thị Hoa", email="vanthu@hatinh.vcnet.test")
    MembershipFactory(user=user, unit=other_province, role=Role.CLERK, title="Văn thư")
    return user


@pytest.fixture
def leader_b(other_province: Unit) -> User:
    user = UserFactory(full_name="Võ Minh Quang", email="truongban@hatinh.vcnet.test")
    MembershipFactory(user=user, unit=other_province, role=Role.LEADER, title="Trưởng ban")
    return user


@pytest.fixture
def issued(
    province: Unit, other_province: Unit, leader: User, clerk: User, profiles: None
) -> Delivery:
    """An issued Party-style letter of A with one outside delivery to B's organisation id."""
    today = timezone.localdate()
    document = Document.objects.create(
        direction=Direction.OUTGOING,
        unit=province,
        status=Status.ISSUED,
        source=Source.DRAFTED,
        code_number="123",
        code_notation="CV/BTGTU",
        issued_date=today,
        organ_name=province.name,
        organ_id=ORGAN_A,
        place="Nghệ An",
        subject=SUBJECT,
        signer_position="Trưởng ban",
        signer_name="Nguyễn Văn An",
        signing_mode="",
        priority=1,
        due_date=today + dt.timedelta(days=10),
        created_by=clerk,
        signer=leader,
        issued_at=timezone.now(),
    )
    for kind, name, text in (
        (FileKind.SIGNED, "123-CV-BTGTU.pdf", "Công văn số 123-CV/BTGTU"),
        (FileKind.ATTACHMENT, "ke-hoach.pdf", "Kế hoạch tuyên truyền"),
    ):
        data = make_pdf(text)
        stored = DocumentFile(
            document=document,
            kind=kind,
            slot=0 if kind == FileKind.SIGNED else 1,
            name=name,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        stored.file.save(name, ContentFile(data), save=False)
        stored.save()
    return Delivery.objects.create(
        document=document, organ_id=ORGAN_B, organ_name=other_province.name
    )


def _package(**changes: Any) -> bytes:
    """A valid package from A to B, with some fields changed."""
    values: dict[str, Any] = {
        "sender": Organ(organ_id=ORGAN_A, name="Ban Tuyên giáo Tỉnh ủy Nghệ An"),
        "recipients": [Organ(organ_id=ORGAN_B, name="Ban Tuyên giáo Tỉnh ủy Hà Tĩnh")],
        "document_id": document_id_format(ORGAN_A, dt.date(2026, 1, 15), "45-CV/BTGTU"),
        "code_number": "45",
        "code_notation": "CV/BTGTU",
        "promulgation_date": dt.date(2026, 1, 15),
        "subject": "Về việc hướng dẫn tuyên truyền phòng, chống thiên tai mùa mưa bão",
        "attachments": [edxml.Attachment(name="45-CV-BTGTU.pdf", data=make_pdf("Số 45-CV/BTGTU"))],
        "place": "Nghệ An",
        "priority": 2,
        "signer_position": "Phó Trưởng ban",
        "signer_name": "Lê Thị Minh",
    }
    values.update(changes)
    return edxml.package_build(edxml.Package(**values))


def _status(code: str, document_id: str, *, sender: str = ORGAN_B) -> bytes:
    return edxml.status_build(
        StatusMessage(
            sender=Organ(organ_id=sender, name="Ban Tuyên giáo Tỉnh ủy Hà Tĩnh"),
            document_id=document_id,
            status_code=code,
            response_organ_id=ORGAN_A,
            description="Văn thư đã tiếp nhận",
        )
    )


# --- The format --------------------------------------------------------------------------


def test_package_round_trips_through_the_format() -> None:
    data = _package(to_places=["Ban Tuyên giáo Trung ương"], due_date=dt.date(2026, 2, 1))
    package = edxml.package_parse(data)
    assert package.sender.organ_id == ORGAN_A
    assert [r.organ_id for r in package.recipients] == [ORGAN_B]
    assert package.code == "45-CV/BTGTU"
    assert package.document_id == "000.00.00.H40,2026/01/15,45-CV/BTGTU"
    assert package.priority == 2
    assert package.due_date == dt.date(2026, 2, 1)
    assert package.to_places == ["Ban Tuyên giáo Trung ương"]
    assert package.attachments[0].data.startswith(b"%PDF-")
    assert package.attachments[0].name == "45-CV-BTGTU.pdf"


def test_package_follows_qcvn_102_layout() -> None:
    text = _package().decode("utf-8")
    assert 'xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"' in text
    assert "<edXML:PromulgationDate>15/01/2026</edXML:PromulgationDate>" in text
    assert "<edXML:Bussiness>" in text  # the standard's spelling
    assert "<edXML:DocumentId>000.00.00.H40,2026/01/15,45-CV/BTGTU</edXML:DocumentId>" in text
    assert "tuyên truyền phòng, chống thiên tai" in text


def test_status_message_round_trips() -> None:
    message = edxml.status_parse(_status("03", "000.00.00.H40,2026/01/15,45-CV/BTGTU"))
    assert message.status_code == "03"
    assert message.sender.organ_id == ORGAN_B
    assert message.document_id.endswith("45-CV/BTGTU")
    assert edxml.kind_of(_status("01", "x")) == "status"
    assert edxml.kind_of(_package()) == "package"


def test_unknown_adapter_is_a_clear_error() -> None:
    assert adapter_get("edxml").name == "edxml"
    with pytest.raises(ExchangeError, match="Unknown exchange format"):
        adapter_get("lang-son")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<edXML><edXMLEnvelope>&lol2;</edXMLEnvelope></edXML>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML><edXMLEnvelope>&xxe;</edXMLEnvelope></edXML>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<edXML><edXMLEnvelope>", "not well-formed"),
        (b"", "not well-formed"),
        (BILLION_LAUGHS, "DTD, entities or external references"),
        (EXTERNAL_ENTITY, "DTD, entities or external references"),
        (b"<html><body>xin chao</body></html>", "not an edXML package"),
    ],
)
def test_unsafe_or_malformed_xml_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ExchangeError, match=message):
        edxml.package_parse(data)


def _replace(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _replace(d, b"<edXML:Subject>", b"<edXML:Subject2>").replace(
                b"</edXML:Subject>", b"</edXML:Subject2>"
            ),
            "required field: Subject",
        ),
        (
            lambda d: _replace(d, b"<edXML:Priority>2<", b"<edXML:Priority>7<"),
            "Priority must be a number from 0 to 4",
        ),
        (lambda d: _replace(d, b">15/01/2026<", b">2026-01-15<"), "dd/MM/yyyy"),
        (
            lambda d: _replace(d, b">CV/BTGTU<", b">" + b"X" * 31 + b"<"),
            "CodeNotation is longer than 30",
        ),
        (lambda d: _replace(d, ORGAN_B.encode(), b"H42"), "not an organisation identifier"),
    ],
)
def test_bad_fields_are_refused_with_the_field_named(change: Any, message: str) -> None:
    with pytest.raises(ExchangeError, match=message):
        edxml.package_parse(change(_package()))


def test_future_date_and_missing_recipient_are_refused() -> None:
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(ExchangeError, match="in the future"):
        edxml.package_parse(_package(promulgation_date=future))
    with pytest.raises(ExchangeError, match="required field: To"):
        edxml.package_parse(_package(recipients=[]))


def test_non_base64_and_oversized_attachments_are_refused(settings: Any) -> None:
    data = _package()
    encoded = base64.b64encode(edxml.package_parse(data).attachments[0].data)
    with pytest.raises(ExchangeError, match="not valid base64"):
        edxml.package_parse(data.replace(encoded, b"@@khong-phai-base64@@"))
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 200
    with pytest.raises(ExchangeError, match="larger than"):
        edxml.package_parse(data)


# --- Export --------------------------------------------------------------------------------


def test_exchange_hooks_are_registered() -> None:
    assert exchange.package_export in EXCHANGE_SENDERS
    assert exchange.status_send in STATUS_HOOKS


@pytest.mark.django_db
def test_export_puts_the_package_in_the_recipients_inbox(issued: Delivery, hub: FolderHub) -> None:
    message = exchange.package_export(issued.pk)
    assert message is not None
    waiting = hub.waiting(ORGAN_B)
    assert len(waiting) == 1
    package = edxml.package_parse(waiting[0].data)
    today = timezone.localdate()
    assert package.document_id == f"{ORGAN_A},{today:%Y/%m/%d},123-CV/BTGTU"
    assert package.subject == SUBJECT
    assert package.priority == 1
    assert [a.name for a in package.attachments] == ["123-CV-BTGTU.pdf", "ke-hoach.pdf"]
    assert message.edxml_id == package.document_id
    issued.refresh_from_db()
    assert issued.sent_at is not None
    assert DocumentEvent.objects.filter(document=issued.document, verb=EventVerb.EXPORTED).exists()
    assert len(list((hub.root / ORGAN_A / "outbox").iterdir())) == 1


@pytest.mark.django_db
def test_export_without_own_organ_id_is_noted_on_the_delivery(
    issued: Delivery, hub: FolderHub
) -> None:
    UnitProfile.objects.filter(organ_id=ORGAN_A).update(organ_id="")
    assert exchange.package_export(issued.pk) is None
    issued.refresh_from_db()
    assert "no organisation identifier" in issued.status_note
    assert hub.waiting(ORGAN_B) == []
    assert not ExchangeMessage.objects.exists()


# --- Status messages back to the sender -----------------------------------------------------


@pytest.mark.django_db
def test_status_messages_update_the_senders_delivery(
    issued: Delivery, leader: User, django_capture_on_commit_callbacks: Any
) -> None:
    sent = exchange.package_export(issued.pk)
    assert sent is not None
    for code in ("01", "03", "04", "05", "06"):
        with django_capture_on_commit_callbacks(execute=True):
            exchange.status_receive(data=_status(code, sent.edxml_id))
        issued.refresh_from_db()
        assert issued.status_code == code
    assert issued.arrived_at is not None and issued.registered_at is not None
    codes = list(
        DocumentEvent.objects.filter(document=issued.document, verb=EventVerb.STATUS).values_list(
            "data__code", flat=True
        )
    )
    assert codes == ["01", "03", "04", "05", "06"]
    assert leader.notifications.filter(title__contains="Ban Tuyên giáo Tỉnh ủy Hà Tĩnh").exists()


@pytest.mark.django_db
def test_status_for_an_unknown_document_changes_nothing(issued: Delivery) -> None:
    with pytest.raises(NotFound):
        exchange.status_receive(data=_status("03", "000.00.00.H40,2026/01/01,1-CV/BTGTU"))
    sent = exchange.package_export(issued.pk)
    assert sent is not None
    with pytest.raises(NotFound):  # right document, but from an organisation it was not sent to
        exchange.status_receive(data=_status("03", sent.edxml_id, sender="000.00.00.H99"))
    with pytest.raises(ExchangeError, match="Unknown status code"):
        exchange.status_receive(data=_status("99", sent.edxml_id))
    issued.refresh_from_db()
    assert issued.status_code == ""
    assert not ExchangeMessage.objects.filter(kind=ExchangeMessage.Kind.STATUS).exists()


# --- Import --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_registry_may_import(profiles: None, other_province: Unit, outsider: User) -> None:
    with pytest.raises(PermissionDeniedError):
        exchange.package_import(actor=outsider, unit=other_province, data=_package())
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_bad_packages_leave_nothing_behind(
    profiles: None, other_province: Unit, clerk_b: User, settings: Any
) -> None:
    bad = [
        b"<edXML><broken",
        BILLION_LAUGHS,
        _package(recipients=[Organ(organ_id="000.00.00.H77", name="Nơi khác")]),
        _package().replace(b"<edXML:CodeNumber>45</edXML:CodeNumber>", b""),
    ]
    for data in bad:
        with pytest.raises(DomainError):
            exchange.package_import(actor=clerk_b, unit=other_province, data=data)
    assert not Document.objects.exists()
    assert not ExchangeMessage.objects.exists()


@pytest.mark.django_db
def test_a_file_refused_inside_the_package_leaves_no_file_behind(
    profiles: None, other_province: Unit, clerk_b: User, settings: Any
) -> None:
    bad_file = edxml.Attachment(name="phu-luc.pdf", data=b"day khong phai la PDF")
    data = _package(attachments=[*edxml.package_parse(_package()).attachments, bad_file])
    with pytest.raises(DomainError):
        exchange.package_import(actor=clerk_b, unit=other_province, data=data)
    assert not Document.objects.exists()
    assert not ExchangeMessage.objects.exists()
    stored = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert [p for p in stored.rglob("*") if p.is_file()] == []


@pytest.mark.django_db
def test_package_for_another_organ_is_refused_with_a_clear_message(
    profiles: None, other_province: Unit, clerk_b: User
) -> None:
    data = _package(recipients=[Organ(organ_id="000.00.00.H77", name="Nơi khác")])
    with pytest.raises(ExchangeError, match=r"addressed to 000\.00\.00\.H77, not to this unit"):
        exchange.package_import(actor=clerk_b, unit=other_province, data=data)


@pytest.mark.django_db
def test_import_makes_an_incoming_document_and_answers_01(
    profiles: None,
    other_province: Unit,
    clerk_b: User,
    hub: FolderHub,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = exchange.package_import(actor=clerk_b, unit=other_province, data=_package())
    document.refresh_from_db()
    assert document.direction == Direction.INCOMING
    assert document.source == Source.EXCHANGE
    assert document.status == Status.RECEIVED
    assert document.code == "45-CV/BTGTU"
    assert document.organ_id == ORGAN_A
    assert document.priority == 2
    assert DocumentFile.objects.filter(document=document, current=True).count() == 1
    back = hub.waiting(ORGAN_A)
    assert len(back) == 1
    status = edxml.status_parse(back[0].data)
    assert (status.status_code, status.sender.organ_id) == ("01", ORGAN_B)
    assert status.document_id == "000.00.00.H40,2026/01/15,45-CV/BTGTU"


@pytest.mark.django_db
def test_the_same_document_twice_is_refused(
    profiles: None, other_province: Unit, clerk_b: User
) -> None:
    exchange.package_import(actor=clerk_b, unit=other_province, data=_package())
    with pytest.raises(Conflict, match="already received"):
        exchange.package_import(actor=clerk_b, unit=other_province, data=_package())
    assert Document.objects.filter(unit=other_province).count() == 1


# --- The whole flow between two units --------------------------------------------------------


@pytest.mark.django_db
def test_round_trip_between_two_units(
    issued: Delivery,
    other_province: Unit,
    clerk_b: User,
    leader_b: User,
    hub: FolderHub,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from vcnet.documents.models import Assignment
    from vcnet.documents.services.incoming import (
        DirectionLine,
        assignment_complete,
        document_direct,
        document_register,
    )
    from vcnet.documents.services.recall import document_recall, recall_answer

    def step(action: Any, **kwargs: Any) -> Any:
        # Hooks (packages, status messages) run after commit, as in production.
        with django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    step(exchange.package_export, delivery_id=issued.pk)
    result = step(exchange.hub_poll)
    assert len(result.packages) == 1 and not result.refused
    copy = Document.objects.get(pk=result.packages[0])
    assert copy.unit == other_province and copy.source == Source.EXCHANGE
    assert copy.code == "123-CV/BTGTU" and copy.subject == SUBJECT

    # B's clerk registers and submits, B's leader directs, the handler finishes.
    copy = step(document_register, actor=clerk_b, document=copy, submit_to=leader_b)
    step(
        document_direct,
        actor=leader_b,
        document=copy,
        lines=[DirectionLine(role="lead", user_id=clerk_b.pk, comment="Chủ trì tham mưu")],
        comment="Giao Văn phòng tham mưu triển khai",
    )
    lead = Assignment.objects.get(document=copy, role="lead")
    step(assignment_complete, actor=clerk_b, assignment=lead, result="Đã triển khai tuyên truyền")

    result = step(exchange.hub_poll)  # A takes in B's status messages
    assert not result.refused
    issued.refresh_from_db()
    assert issued.status_code == "06"
    codes = list(
        DocumentEvent.objects.filter(document=issued.document, verb=EventVerb.STATUS)
        .order_by("id")
        .values_list("data__code", flat=True)
    )
    assert codes[0] == "01" and codes[-1] == "06"
    assert {"03", "04"} <= set(codes)

    # A recalls: 13 goes to B, B's registry gets a RECALL item and accepts: 15 comes back.
    origin = Document.objects.get(pk=issued.document_id)
    step(document_recall, actor=origin.signer, document=origin, reason="Ban hành nhầm phụ lục")
    step(exchange.hub_poll)
    item = WorkItem.objects.get(document=copy, kind=WorkKind.RECALL, done_at__isnull=True)
    assert item.unit_id == other_province.pk and item.role == Role.CLERK
    step(recall_answer, actor=clerk_b, document=copy, accept=True, note="Đã hủy bản nhận")
    step(exchange.hub_poll)
    issued.refresh_from_db()
    assert issued.status_code == "15"
    copy.refresh_from_db()
    assert copy.status == Status.RECALLED


# --- The command and the folder hub ----------------------------------------------------------


@pytest.mark.django_db
def test_poll_takes_in_status_messages(issued: Delivery, hub: FolderHub) -> None:
    sent = exchange.package_export(issued.pk)
    assert sent is not None
    hub.send(sender=ORGAN_B, recipient=ORGAN_A, data=_status("03", sent.edxml_id))
    hub.send(sender=ORGAN_B, recipient=ORGAN_A, data=b"<khong-hop-le")
    out, err = io.StringIO(), io.StringIO()
    call_command("exchange", "poll", stdout=out, stderr=err)
    assert "1 status messages" in out.getvalue()
    assert "not well-formed" in err.getvalue()
    issued.refresh_from_db()
    assert issued.status_code == "03"
    assert hub.waiting(ORGAN_A) == []
    assert len(list((hub.root / ORGAN_A / "failed").glob("*.xml"))) == 1
    assert "1 documents" in out.getvalue()  # B's package, waiting for B's registry
    assert Document.objects.get(unit__code="btg-ha-tinh").status == Status.RECEIVED


@pytest.mark.django_db
def test_poll_task_wraps_the_service(issued: Delivery) -> None:
    from vcnet.documents.tasks import exchange_poll

    exchange.package_export(issued.pk)
    result = exchange_poll.enqueue()
    assert len(result.return_value["packages"]) == 1
    assert result.return_value["refused"] == []


@pytest.mark.django_db
def test_import_command_refuses_a_bad_file(
    profiles: None, other_province: Unit, clerk_b: User, tmp_path: Path
) -> None:
    path = tmp_path / "goi-tin.xml"
    path.write_bytes(BILLION_LAUGHS)
    with pytest.raises(CommandError, match="DTD"):
        call_command("exchange", "import", str(path), "--unit", other_province.code)
    with pytest.raises(CommandError, match="No unit"):
        call_command("exchange", "import", str(path), "--unit", "khong-co")
    assert not Document.objects.exists()


def test_folder_hub_refuses_odd_organ_ids(hub: FolderHub) -> None:
    with pytest.raises(ExchangeError):
        hub.send(sender="../../etc", recipient=ORGAN_B, data=b"x")
