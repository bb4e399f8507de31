"""Internal delivery of issued documents, and recall with the recipients' answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import storages

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import UnitFactory
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.documents.access import can_read, document_for_user
from vcnet.documents.models import (
    Delivery,
    Document,
    DocumentFile,
    EventVerb,
    FileKind,
    Status,
    WorkItem,
    WorkKind,
)
from vcnet.documents.selectors import inbox
from vcnet.documents.services import delivery as delivery_module
from vcnet.documents.services.incoming import document_receive_internal, document_register
from vcnet.documents.services.outgoing import (
    RecipientSpec,
    document_issue,
    document_number,
    document_recall,
    draft_create,
    draft_update,
    recall_answer,
)
from vcnet.documents.tests.factories import upload
from vcnet.documents.tests.outgoing_flow import (
    draft,
    fields,
    issued,
    member,
    recipient_clerk,
    to_issue,
)
from vcnet.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(official: User, leader: User, clerk: User) -> dict[str, User]:
    return {"drafter": official, "content": leader, "layout": clerk, "signer": leader}


@pytest.fixture
def third_province(central: Unit, province: Unit) -> Unit:
    return UnitFactory(
        code="btg-thanh-hoa",
        short_name="BTGTU-TH",
        name="Ban Tuyên giáo Tỉnh ủy Thanh Hóa",
        level=province.level,
        parent=central,
    )


def _stored_names() -> set[str]:
    storage = storages["private"]
    names: set[str] = set()
    folders = [""]
    while folders:
        folder = folders.pop()
        dirs, files = storage.listdir(folder)
        names |= {f"{folder}/{f}".lstrip("/") for f in files}
        folders += [f"{folder}/{d}".lstrip("/") for d in dirs]
    return names


def _tab(user: User, tab: str) -> list[int]:
    return [item.document_id for item in inbox(user, tab=tab)]


def test_the_copy_shares_the_stored_files(
    province: Unit, other_province: Unit, people: dict[str, User], clerk: User
) -> None:
    document = draft_create(
        actor=people["drafter"],
        unit=province,
        fields=fields(recipients=[RecipientSpec(other_province.pk)], confidentiality=1),
        main=upload("Dự thảo kế hoạch tuyên truyền"),
        attachments=[upload("Phụ lục: danh mục khẩu hiệu tuyên truyền", "phu-luc.pdf")],
    )
    document = to_issue(document, **people)
    document_number(actor=clerk, document=document)
    before = _stored_names()
    document = document_issue(actor=clerk, document=document)
    assert _stored_names() == before  # nothing copied byte for byte

    copy = Document.objects.get(origin=document)
    signed = DocumentFile.objects.get(document=document, kind=FileKind.SIGNED, current=True)
    attachment = DocumentFile.objects.get(document=document, kind=FileKind.ATTACHMENT)
    shared = {
        f.kind: f for f in DocumentFile.objects.filter(document=copy).order_by("kind", "slot")
    }
    assert set(shared) == {FileKind.MAIN, FileKind.ATTACHMENT}
    assert (shared[FileKind.MAIN].file.name, shared[FileKind.MAIN].sha256) == (
        signed.file.name,
        signed.sha256,
    )
    assert shared[FileKind.ATTACHMENT].file.name == attachment.file.name
    assert copy.content_hash == signed.sha256
    with shared[FileKind.MAIN].file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    # Fields as issued.
    assert (copy.doc_type_id, copy.code, copy.issued_date, copy.confidentiality) == (
        document.doc_type_id,
        document.code,
        document.issued_date,
        1,
    )
    assert copy.signer_name == "Nguyễn Văn An"
    assert copy.organ_name == province.name


def test_who_reads_the_copy(
    province: Unit, other_province: Unit, people: dict[str, User], clerk: User, outsider: User
) -> None:
    other_clerk = recipient_clerk(other_province)
    other_leader = member(other_province, Role.LEADER, "Bùi Văn Kiên", "Trưởng ban")
    document = issued(
        draft(people["drafter"], province, recipients=[RecipientSpec(other_province.pk)]),
        clerk=clerk,
        **people,
    )
    copy = Document.objects.get(origin=document)
    assert can_read(other_clerk, copy) and can_read(other_leader, copy)
    assert not can_read(outsider, copy)  # an official there reads it once it is assigned
    with pytest.raises(NotFound):
        document_for_user(people["drafter"], copy.pk)  # the sender keeps its own row
    assert can_read(people["drafter"], document)
    assert not can_read(other_clerk, document)


def test_receive_internal_is_the_same_step_and_runs_once(
    province: Unit, other_province: Unit, people: dict[str, User], clerk: User
) -> None:
    document = issued(
        draft(
            people["drafter"],
            province,
            recipients=[
                RecipientSpec(other_province.pk),
                RecipientSpec(organ_id="000.00.00.G22", organ_name="Bộ Thông tin và Truyền thông"),
            ],
        ),
        clerk=clerk,
        **people,
    )
    internal = Delivery.objects.get(document=document, unit=other_province)
    with pytest.raises(Conflict):
        document_receive_internal(delivery=internal)
    with pytest.raises(DomainError):
        document_receive_internal(delivery=Delivery.objects.get(document=document, unit=None))
    assert Document.objects.filter(origin=document).count() == 1


def test_a_reply_points_to_the_recipients_own_document(
    province: Unit, other_province: Unit, people: dict[str, User], clerk: User, leader: User
) -> None:
    other_clerk = recipient_clerk(other_province)
    other_leader = member(other_province, Role.LEADER, "Bùi Văn Kiên", "Trưởng ban")
    other_official = member(other_province, Role.OFFICIAL, "Mai Thị Lan", "Chuyên viên")
    question = issued(
        draft(
            other_official,
            other_province,
            type_code="cong-van",
            subject="Về việc đề nghị cung cấp tài liệu tuyên truyền biển, đảo",
            recipients=[RecipientSpec(province.pk)],
        ),
        clerk=other_clerk,
        drafter=other_official,
        content=other_leader,
        layout=other_clerk,
        signer=other_leader,
    )
    received = Document.objects.get(origin=question)
    document_register(actor=clerk, document=received)
    with pytest.raises(NotFound):  # the drafter must be able to read what they answer
        draft(people["drafter"], province, in_reply_to_id=received.pk)
    answer = issued(
        draft(
            leader,
            province,
            type_code="cong-van",
            subject="Về việc cung cấp tài liệu tuyên truyền biển, đảo",
            recipients=[RecipientSpec(other_province.pk)],
            in_reply_to_id=received.pk,
        ),
        clerk=clerk,
        **{**people, "drafter": leader},
    )
    assert Document.objects.get(origin=answer).in_reply_to == question


def test_recall_and_the_recipients_answers(
    province: Unit,
    other_province: Unit,
    third_province: Unit,
    people: dict[str, User],
    clerk: User,
    official: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(delivery_module, "EXCHANGE_SENDERS", [sent.append])
    clerk_a = recipient_clerk(other_province)
    clerk_b = member(third_province, Role.CLERK, "Lý Thị Mai", "Văn thư")
    document = issued(
        draft(
            people["drafter"],
            province,
            recipients=[
                RecipientSpec(other_province.pk),
                RecipientSpec(third_province.pk),
                RecipientSpec(organ_id="000.00.00.H41", organ_name="UBND tỉnh Nghệ An"),
            ],
        ),
        clerk=clerk,
        **people,
    )
    copy_a = Document.objects.get(origin=document, unit=other_province)
    copy_b = Document.objects.get(origin=document, unit=third_province)
    document_register(actor=clerk_b, document=copy_b)
    sent.clear()

    with pytest.raises(DomainError):
        document_recall(actor=clerk, document=document, reason="  ")
    with pytest.raises(PermissionDeniedError):  # neither the signer nor the registry
        document_recall(actor=official, document=document, reason="Sai số liệu")
    with pytest.raises(PermissionDeniedError):  # nothing to answer yet, and not their unit
        recall_answer(actor=clerk, document=copy_a, accept=True)
    with pytest.raises(Conflict):
        recall_answer(actor=clerk_a, document=copy_a, accept=True)

    reason = "Văn bản có sai sót về số liệu, sẽ ban hành văn bản thay thế."
    with django_capture_on_commit_callbacks(execute=True):
        document_recall(actor=clerk, document=document, reason=reason)
    document.refresh_from_db()
    assert (document.status, document.frozen) == (Status.RECALLED, True)
    assert document.events.get(verb=EventVerb.RECALLED).note == reason
    external = Delivery.objects.get(document=document, unit=None)
    assert sent == [external.pk]  # the exchange helper sends 13 to outside recipients
    for copy, person in ((copy_a, clerk_a), (copy_b, clerk_b)):
        assert copy.pk in _tab(person, "handle")
        assert copy.events.filter(verb=EventVerb.RECALLED, note=reason).exists()
        assert Notification.objects.filter(user=person, kind="documents.recall").exists()
        assert Delivery.objects.get(incoming=copy).status_code == "13"
    with pytest.raises(Conflict):
        document_recall(actor=clerk, document=document, reason=reason)
    with pytest.raises(Conflict):  # frozen
        draft_update(actor=people["drafter"], document=document, main=upload())

    # A accepts: the copy is taken out of use; the sender sees 15.
    with django_capture_on_commit_callbacks(execute=True):
        recall_answer(actor=clerk_a, document=copy_a, accept=True, note="Đã hủy bản nhận.")
    copy_a.refresh_from_db()
    assert (copy_a.status, copy_a.frozen) == (Status.RECALLED, True)
    assert not WorkItem.objects.filter(document=copy_a, done_at__isnull=True).exists()
    delivery_a = Delivery.objects.get(incoming=copy_a)
    assert (delivery_a.status_code, delivery_a.status_note) == ("15", "Đã hủy bản nhận.")
    assert copy_a.events.filter(verb=EventVerb.RECALL_ANSWERED).exists()
    assert document.events.filter(verb=EventVerb.STATUS, data__code="15").exists()
    assert Notification.objects.filter(user=people["drafter"], kind="documents.status.15").exists()
    with pytest.raises(Conflict):
        recall_answer(actor=clerk_a, document=copy_a, accept=True)

    # B refuses, and must say why; its copy stays in use.
    with pytest.raises(DomainError):
        recall_answer(actor=clerk_b, document=copy_b, accept=False)
    recall_answer(
        actor=clerk_b,
        document=copy_b,
        accept=False,
        note="Văn bản đã được triển khai tại các huyện, đề nghị ban hành văn bản đính chính.",
    )
    copy_b.refresh_from_db()
    assert (copy_b.status, copy_b.frozen) == (Status.REGISTERED, False)
    assert Delivery.objects.get(incoming=copy_b).status_code == "16"
    assert not WorkItem.objects.filter(
        document=copy_b, kind=WorkKind.RECALL, done_at__isnull=True
    ).exists()
    assert document.events.filter(verb=EventVerb.STATUS, data__code="16").exists()


def test_the_signer_may_recall_too(
    province: Unit, other_province: Unit, people: dict[str, User], clerk: User, leader: User
) -> None:
    document = issued(
        draft(people["drafter"], province, recipients=[RecipientSpec(other_province.pk)]),
        clerk=clerk,
        **people,
    )
    document_recall(actor=leader, document=document, reason="Ban hành nhầm đối tượng.")
    document.refresh_from_db()
    assert document.status == Status.RECALLED


def test_a_recall_of_an_unissued_document_is_refused(
    province: Unit, people: dict[str, User], clerk: User
) -> None:
    document = draft(people["drafter"], province)
    with pytest.raises(Conflict):
        document_recall(actor=clerk, document=document, reason="Không còn phù hợp.")
    document.refresh_from_db()
    assert (document.status, document.frozen) == (Status.DRAFT, False)
