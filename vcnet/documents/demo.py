"""Demo data of the e-office, loaded once by `vcnet seed --demo` after the demo organisation.

Everything goes through the services, as people would do it: profiles and registers of the
Party boards (`123-CV/BTGDVTU` style), incoming documents in every state (some urgent, some
overdue, confidential ones), outgoing documents from draft to issued (delivered to another demo
unit and registered there), a document received from an outside organisation by inter-agency
exchange, case files and a TUQ. delegation. The demo clerk (lanvt) finds PDFs to register and the
demo head (tuanpm) documents to direct and a draft to sign.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.demo import Writer, demo_email
from vcnet.accounts.identifiers import normalize_email
from vcnet.accounts.models import Unit, User
from vcnet.core.audit import audit_write
from vcnet.core.errors import DomainError
from vcnet.core.models import AuditEntry
from vcnet.documents.demo_data import INCOMING, PROFILES, Incoming, document_pdf
from vcnet.documents.models import (
    Approval,
    ApprovalStep,
    Assignment,
    Delivery,
    Document,
    DocumentEvent,
    DocumentType,
    ExchangePartner,
    IssuerAbbreviation,
    NotationStyle,
    Status,
    UnitProfile,
    WorkItem,
)
from vcnet.documents.numbering import registers_ensure

LOADED_ACTION = "documents.demo_load"
PARTNER = ("000.00.00.H40", "Ủy ban nhân dân tỉnh Nghệ An")  # an organisation outside VCNET

# The people of the demo organisation this module uses (e-mail local parts, see accounts.demo).
CENTRAL, HANOI, NGHEAN = "btgdvtw", "btgdv-ha-noi", "btgdv-nghe-an"
CLERKS = {
    CENTRAL: "lanvt",
    HANOI: "xuanptt",
    NGHEAN: "anhttn",
    "btgdv-tp-hcm": "linhntm",
    "btgdv-lam-dong": "yenlth",
    "btgdv-da-nang": "thuongpth",
}
HEADS = {
    CENTRAL: "tuanpm",
    HANOI: "hungnv",
    NGHEAN: "thanhhs",
    "btgdv-tp-hcm": "phongvt",
    "btgdv-lam-dong": "thinhdv",
    "btgdv-da-nang": "kienlt",
}
OFFICIALS = {
    CENTRAL: ("thangbd", "maitn", "tungnt"),
    HANOI: ("cuongdm", "giangnth"),
    NGHEAN: ("quelv", "datth"),
    "btgdv-tp-hcm": ("baotq", "yendh"),
    "btgdv-lam-dong": ("lamcv", "trangptt"),
    "btgdv-da-nang": ("namhv", "nhutnq"),
}
DEPUTIES = {CENTRAL: "haltt", HANOI: "hangttm"}


def _person(local: str) -> User:
    return User.objects.get(email=normalize_email(demo_email(local)))


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def demo_documents_loaded() -> bool:
    return AuditEntry.objects.filter(action=LOADED_ACTION).exists()


# --- Configuration -------------------------------------------------------------------------


def _profiles_load(today: dt.date) -> None:
    for profile in PROFILES:
        unit = _unit(profile.unit)
        UnitProfile.objects.update_or_create(
            unit=unit,
            defaults={
                "organ_id": profile.organ_id,
                "style": NotationStyle.PARTY,
                "place": profile.place,
            },
        )
        IssuerAbbreviation.objects.get_or_create(
            unit=unit, abbreviation=profile.abbreviation, defaults={"valid_from": None}
        )
        registers_ensure(unit)
    ExchangePartner.objects.get_or_create(organ_id=PARTNER[0], defaults={"name": PARTNER[1]})


# --- Incoming ------------------------------------------------------------------------------


def _pdf_upload(item: Incoming, day: dt.date) -> Any:
    from vcnet.documents.services.incoming import Upload

    type_name = _type(item.type_code).name
    sep = "-" if "/" in item.notation else "/"
    data = document_pdf(
        issuer=item.issuer,
        issuer_parent=item.issuer_parent,
        code=f"{item.number}{sep}{item.notation}",
        place="Hà Nội" if "Trung ương" in item.issuer or "Chính phủ" in item.issuer else "",
        day=day,
        type_name=type_name,
        subject=item.subject,
        signer_position="Phó Trưởng ban" if item.priority == 0 else "Trưởng ban",
        signer_name="Nguyễn Văn Minh",
        party="/" in item.notation,
    )
    name = f"{item.number}-{item.notation.replace('/', '-')}.pdf"
    return Upload(stream=io.BytesIO(data), name=name)


def _incoming_load(item: Incoming, today: dt.date) -> Document:
    from vcnet.documents.services.incoming import (
        DirectionLine,
        IncomingFields,
        assignment_complete,
        document_direct,
        document_receive,
        document_register,
        document_return,
    )

    unit = _unit(item.unit)
    clerk, head = _person(CLERKS[item.unit]), _person(HEADS[item.unit])
    officials = [_person(local) for local in OFFICIALS[item.unit]]
    issued_on = today - dt.timedelta(days=item.days_ago + 1)
    overdue = item.due_in_days is not None and item.due_in_days < 0
    due = (
        None
        if item.due_in_days is None
        else today + dt.timedelta(days=max(item.due_in_days, 30 if overdue else 0))
    )
    document = document_receive(
        actor=clerk,
        unit=unit,
        fields=IncomingFields(
            subject=item.subject,
            doc_type_id=_type(item.type_code).pk,
            code_number=item.number,
            code_notation=item.notation,
            issued_date=issued_on,
            organ_name=item.issuer,
            priority=item.priority,
            confidentiality=item.confidentiality,
            due_date=due,
        ),
        main=_pdf_upload(item, issued_on),
        arrival_date=timezone.now() - dt.timedelta(days=item.days_ago),
    )
    if item.state == "returned":
        document_return(
            actor=clerk,
            document=document,
            reason="Văn bản gửi không đúng thẩm quyền giải quyết của Ban; đề nghị gửi Sở Văn hóa, Thể thao và Du lịch.",
        )
        return document
    if item.state == "received":
        return document
    document = document_register(
        actor=clerk, document=document, submit_to=None if item.state == "registered" else head
    )
    if item.state in ("registered", "directing"):
        return document
    lines = [
        DirectionLine(
            role="lead",
            user_id=officials[0].pk,
            deadline=due,
            comment="Chủ trì tham mưu triển khai, báo cáo kết quả.",
        ),
        DirectionLine(
            role="coordinate", user_id=officials[1].pk, deadline=due, comment="Phối hợp thực hiện."
        ),
    ]
    document_direct(
        actor=head,
        document=document,
        lines=lines,
        comment="Giao đồng chí chủ trì, phối hợp thực hiện đúng thời hạn.",
    )
    if item.state == "done":
        lead = Assignment.objects.get(document=document, role="lead", parent__isnull=True)
        assignment_complete(
            actor=officials[0], assignment=lead, result="Đã tham mưu triển khai và báo cáo kết quả."
        )
    if overdue:
        # The demo pretends this arrived weeks ago: its deadline has passed (the services
        # refuse a past due date when typed in, rightly, so it is backdated here).
        past = today + dt.timedelta(days=item.due_in_days or 0)
        Document.objects.filter(pk=document.pk).update(due_date=past)
        WorkItem.objects.filter(document=document).update(deadline=past)
        Assignment.objects.filter(document=document).update(deadline=past)
    return document


# --- Outgoing ------------------------------------------------------------------------------


def _draft(unit_code: str, drafter: str, subject: str, type_code: str, **extra: Any) -> Document:
    from vcnet.documents.services.incoming import Upload
    from vcnet.documents.services.outgoing import DraftFields, draft_create

    profile = next(p for p in PROFILES if p.unit == unit_code)
    data = document_pdf(
        issuer=_unit(unit_code)
        .name.replace(" Trung ương", "")
        .replace(" Thành ủy", "")
        .replace(" Tỉnh ủy", ""),
        issuer_parent=profile.parent_name,
        code=f"    -{_type(type_code).party_abbreviation or 'CV'}/{profile.abbreviation}",
        place=profile.place,
        day=timezone.localdate(),
        type_name=_type(type_code).name,
        subject=subject,
        signer_position="Trưởng ban",
        signer_name=_person(HEADS[unit_code]).full_name,
        signed_note="",  # the signature comes digitally, between the position and the name
    )
    return draft_create(
        actor=_person(drafter),
        unit=_unit(unit_code),
        fields=DraftFields(
            subject=subject,
            doc_type_id=_type(type_code).pk,
            recipients_text="Như trên; Lưu Văn phòng.",
            **extra,
        ),
        main=Upload(stream=io.BytesIO(data), name="du-thao.pdf"),
    )


def _advance(
    document: Document, target: str, *, unit_code: str, drafter: str, signer: str | None = None
) -> Document:
    """Take a draft as far as `target`: content_review, layout_review, to_sign or issued."""
    from vcnet.documents.services.outgoing import (
        approval_decide,
        document_issue,
        document_number,
        draft_submit,
    )
    from vcnet.documents.services.signing import document_sign
    from vcnet.signing.demo import DEMO_PIN, demo_certificate

    head = _person(HEADS[unit_code])
    signer_user = _person(signer) if signer else head
    draft_submit(
        actor=_person(drafter),
        document=document,
        content_approver=head,
        layout_checker=_person(CLERKS[unit_code]),
        signer=signer_user,
        signing_mode="KT." if signer else "",
    )
    order = (ApprovalStep.CONTENT, ApprovalStep.LAYOUT, ApprovalStep.SIGNER)
    stop = {"content_review": 0, "layout_review": 1}.get(target, 3)
    for step in order[:stop]:
        approval = Approval.objects.get(
            document=document, step=step, decision=Approval.Decision.PENDING
        )
        approval_decide(actor=approval.user, approval=approval, approve=True, comment="Đồng ý.")
    document.refresh_from_db()
    if target != "issued":
        return document
    # Signed digitally by the leader, then numbered and sealed by the registry.
    document_sign(
        actor=signer_user,
        document=document,
        certificate=demo_certificate(signer_user),
        pin=DEMO_PIN,
    )
    clerk = _person(CLERKS[unit_code])
    document_number(actor=clerk, document=document)
    document_issue(actor=clerk, document=document)
    document.refresh_from_db()
    return document


def _outgoing_load() -> list[Document]:
    from vcnet.documents.services.outgoing import RecipientSpec

    hanoi, nghean, central = _unit(HANOI), _unit(NGHEAN), _unit(CENTRAL)
    made = [
        _draft(
            CENTRAL,
            "maitn",
            "Hướng dẫn tuyên truyền kỷ niệm 80 năm Ngày Tổng tuyển cử đầu tiên bầu Quốc hội Việt Nam",
            "huong-dan",
        ),
        _draft(
            HANOI, "cuongdm", "Về việc tổ chức Hội nghị báo cáo viên tháng 3 năm 2026", "cong-van"
        ),
    ]
    review = _draft(
        CENTRAL,
        "thangbd",
        "Kế hoạch kiểm tra công tác tuyên truyền chuyển đổi số tại một số tỉnh, thành phố",
        "ke-hoach",
    )
    made.append(_advance(review, "content_review", unit_code=CENTRAL, drafter="thangbd"))
    layout = _draft(
        CENTRAL,
        "tungnt",
        "Về việc đề nghị báo cáo kết quả thực hiện Quy định về công tác dân vận",
        "cong-van",
    )
    made.append(_advance(layout, "layout_review", unit_code=CENTRAL, drafter="tungnt"))
    to_sign = _draft(
        CENTRAL,
        "maitn",
        "Về việc định hướng tuyên truyền phòng, chống thiên tai mùa mưa bão năm 2026",
        "cong-van",
        priority=1,
        # The demo scenario: tuanpm signs, lanvt numbers and seals, Hà Nội sees 2 signatures.
        recipients=[RecipientSpec(unit_id=hanoi.pk), RecipientSpec(unit_id=nghean.pk)],
    )
    made.append(_advance(to_sign, "to_sign", unit_code=CENTRAL, drafter="maitn"))
    hn_sign = _draft(
        HANOI,
        "giangnth",
        "Báo cáo sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm 2026",
        "bao-cao",
    )
    made.append(_advance(hn_sign, "to_sign", unit_code=HANOI, drafter="giangnth"))
    # Issued inside VCNET: the recipients' copies arrive at once.
    to_units = _draft(
        CENTRAL, "thangbd",
        "Về việc tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam",
        "cong-van",
        priority=1,
        recipients=[RecipientSpec(unit_id=hanoi.pk), RecipientSpec(unit_id=nghean.pk),
                    RecipientSpec(organ_id=PARTNER[0], organ_name=PARTNER[1], kind="copy")],
    )  # fmt: skip
    made.append(
        _advance(to_units, "issued", unit_code=CENTRAL, drafter="thangbd", signer=DEPUTIES[CENTRAL])
    )
    report = _draft(
        HANOI, "cuongdm",
        "Báo cáo kết quả công tác tuyên truyền kỷ niệm 72 năm Ngày Giải phóng Thủ đô",
        "bao-cao",
        recipients=[RecipientSpec(unit_id=central.pk)],
    )  # fmt: skip
    made.append(_advance(report, "issued", unit_code=HANOI, drafter="cuongdm"))
    plan = _draft(
        NGHEAN, "quelv",
        "Kế hoạch phối hợp tuyên truyền chuyển đổi số trong hệ thống chính trị tỉnh",
        "ke-hoach",
        recipients=[RecipientSpec(unit_id=hanoi.pk)],
    )  # fmt: skip
    made.append(_advance(plan, "issued", unit_code=NGHEAN, drafter="quelv"))
    storm = _draft(
        "btgdv-da-nang", "namhv",
        "Báo cáo nhanh công tác tuyên truyền ứng phó bão số 5 trên địa bàn thành phố",
        "bao-cao",
        priority=2,
        recipients=[RecipientSpec(unit_id=central.pk)],
    )  # fmt: skip
    made.append(_advance(storm, "issued", unit_code="btgdv-da-nang", drafter="namhv"))
    return made


def _copies_register(issued: list[Document]) -> int:
    """The recipients' registries register what arrived from other demo units."""
    from vcnet.documents.services.incoming import document_register

    count = 0
    for copy in Document.objects.filter(origin__in=issued, status=Status.RECEIVED).select_related(
        "unit"
    ):
        if copy.unit.code == NGHEAN:
            continue  # left for Nghệ An's clerk to register
        code = copy.unit.code
        submit = _person(HEADS[code]) if code == CENTRAL else None
        document_register(actor=_person(CLERKS[code]), document=copy, submit_to=submit)
        count += 1
    return count


# --- Exchange, case files, delegation --------------------------------------------------------


def _exchange_load(today: dt.date) -> Document | None:
    """An outside organisation sends Nghệ An's board a package through the (folder) hub."""
    from vcnet.documents.exchange import Attachment, Organ, Package, document_id_format
    from vcnet.documents.exchange.edxml import package_build
    from vcnet.documents.exchange.hub import hub_get
    from vcnet.documents.services.exchange import hub_poll

    nghean = next(p for p in PROFILES if p.unit == NGHEAN)
    day = today - dt.timedelta(days=1)
    subject = "Về việc phối hợp tuyên truyền phòng, chống thiên tai và tìm kiếm cứu nạn năm 2026"
    pdf = document_pdf(
        issuer="Ủy ban nhân dân tỉnh Nghệ An", issuer_parent="", code="2150/UBND-NN",
        place="Nghệ An", day=day, type_name="Công văn", subject=subject,
        signer_position="Phó Chủ tịch", signer_name="Hoàng Nghĩa Hiếu", party=False,
    )  # fmt: skip
    package = Package(
        sender=Organ(organ_id=PARTNER[0], name=PARTNER[1]),
        recipients=[Organ(organ_id=nghean.organ_id, name=_unit(NGHEAN).name)],
        document_id=document_id_format(PARTNER[0], day, "2150/UBND-NN"),
        code_number="2150",
        code_notation="UBND-NN",
        promulgation_date=day,
        subject=subject,
        place="Nghệ An",
        type_name="Công văn",
        priority=1,
        signer_position="Phó Chủ tịch",
        signer_name="Hoàng Nghĩa Hiếu",
        due_date=today + dt.timedelta(days=10),
        attachments=[Attachment(name="2150-UBND-NN.pdf", data=pdf)],
    )
    hub_get().send(sender=PARTNER[0], recipient=nghean.organ_id, data=package_build(package))
    result = hub_poll()
    return Document.objects.filter(pk__in=result.packages).first()


def _casefiles_load(today: dt.date) -> int:
    from vcnet.documents.services.incoming import casefile_add, casefile_create

    made = 0
    for unit_code, owner, title, notation, words in (
        (CENTRAL, "thangbd", "Hồ sơ tuyên truyền kỷ niệm 96 năm Ngày thành lập Đảng", "01.TT", "thành lập Đảng"),
        (CENTRAL, "maitn", "Hồ sơ chuyển đổi số trong công tác tuyên giáo năm 2026", "02.CĐS", "chuyển đổi số"),
        (HANOI, "cuongdm", "Hồ sơ công tác tuyên truyền phòng, chống thiên tai năm 2026", "05.PCTT", "thiên tai"),
    ):  # fmt: skip
        actor = _person(owner)
        case = casefile_create(
            actor=actor, unit=_unit(unit_code), title=title, notation=notation, year=today.year
        )
        made += 1
        clerk = _person(CLERKS[unit_code])
        for document in Document.objects.filter(unit__code=unit_code, subject__icontains=words):
            try:
                casefile_add(actor=clerk, case_file=case, document=document)
            except DomainError:  # a document the clerk may not read stays out
                continue
    return made


def _delegation_load(today: dt.date) -> None:
    from vcnet.documents.services.outgoing import delegation_create

    head = _person(HEADS[CENTRAL])
    delegation_create(
        actor=head,
        unit=_unit(CENTRAL),
        grantor=head,
        delegate=_person(DEPUTIES[CENTRAL]),
        scope="Ký thừa ủy quyền các công văn hướng dẫn nghiệp vụ công tác tuyên truyền",
        reference="15-QĐ/BTGDVTW",
        valid_from=today,
        valid_to=today + dt.timedelta(days=180),
    )


# --- History -------------------------------------------------------------------------------


def _timeline_spread(document_id: int, start: dt.datetime, end: dt.datetime) -> None:
    """Space a document's timeline events evenly between `start` and `end`, in their order."""
    events = list(DocumentEvent.objects.filter(document_id=document_id).order_by("id"))
    step = (end - start) / max(len(events) - 1, 1)
    for position, event in enumerate(events):
        event.created_at = start + step * position
    DocumentEvent.objects.bulk_update(events, ["created_at"])


def _history_spread(incoming: list[Document], outgoing: list[Document]) -> None:
    """Give the demo a past: the services stamp everything "now", so without this the statistics
    would show documents handled and delivered in zero time. Spreads arrivals over the last six
    weeks, with realistic handling (1.5 to 3.75 days) and circulation (tens of minutes) times.
    Deterministic, so every demo looks the same."""
    now = timezone.now()
    for i, document in enumerate(Document.objects.filter(pk__in=[d.pk for d in incoming])):
        base = now - dt.timedelta(days=3 + (i * 5) % 40, hours=(i * 7) % 9)
        changes: dict[str, Any] = {"created_at": base, "arrival_date": base, "updated_at": base}
        end = base + dt.timedelta(hours=1)
        if document.registered_at:
            changes["registered_at"] = end = base + dt.timedelta(hours=2)
        if document.directed_at:
            changes["directed_at"] = end = base + dt.timedelta(hours=5)
        if document.completed_at:
            handled = base + dt.timedelta(days=1.5 + (i % 4) * 0.75)
            changes["completed_at"] = end = min(handled, now - dt.timedelta(hours=1))
        Document.objects.filter(pk=document.pk).update(**changes)
        _timeline_spread(document.pk, base, min(end, now))
    issued = Document.objects.filter(pk__in=[d.pk for d in outgoing], issued_at__isnull=False)
    for i, document in enumerate(issued):
        sent = now - dt.timedelta(days=2 + i * 6, hours=3)
        Document.objects.filter(pk=document.pk).update(
            created_at=sent - dt.timedelta(days=3), issued_at=sent, updated_at=sent
        )
        _timeline_spread(document.pk, sent - dt.timedelta(days=3), sent)
        for j, delivery in enumerate(document.deliveries.exclude(sent_at=None)):
            registered = sent + dt.timedelta(minutes=25 + 15 * (i + j))
            Delivery.objects.filter(pk=delivery.pk).update(
                sent_at=sent,
                arrived_at=sent + dt.timedelta(seconds=1),
                registered_at=registered if delivery.registered_at else None,
                status_at=registered,
            )
            if delivery.incoming_id:
                Document.objects.filter(pk=delivery.incoming_id).update(
                    created_at=sent,
                    arrival_date=sent,
                    registered_at=registered if delivery.registered_at else None,
                )
                _timeline_spread(delivery.incoming_id, sent, registered)


# --- Entry point ---------------------------------------------------------------------------


def load_demo(stdout: Writer) -> None:
    """Load the e-office demo once; later runs only say that it is there."""
    if demo_documents_loaded():
        stdout.write(_("The e-office demo is already loaded; nothing was changed.") + "\n")
        return
    if not Unit.objects.filter(code=CENTRAL).exists():
        stdout.write(_("E-office demo skipped: the demo organisation is not loaded.") + "\n")
        return
    today = timezone.localdate()
    from vcnet.signing.demo import signing_demo_prepare

    with transaction.atomic():
        signing_demo_prepare()  # the CA, the leaders' certificates and the units' seals
        _profiles_load(today)
        incoming = [_incoming_load(item, today) for item in INCOMING]
        outgoing = _outgoing_load()
        _delegation_load(today)
    # Deliveries, notifications and exchange packages go out once the transaction commits.
    with transaction.atomic():
        registered = _copies_register([d for d in outgoing if d.status == Status.ISSUED])
    exchanged = _exchange_load(today)
    with transaction.atomic():
        _history_spread(incoming, outgoing)
        cases = _casefiles_load(today)
        audit_write(
            actor=None,
            action=LOADED_ACTION,
            data={"incoming": len(incoming), "outgoing": len(outgoing)},
        )
    states = Counter(
        Document.objects.filter(pk__in=[d.pk for d in incoming]).values_list("status", flat=True)
    )
    drafts = Counter(
        Document.objects.filter(pk__in=[d.pk for d in outgoing]).values_list("status", flat=True)
    )

    def summary(counts: Counter[str]) -> str:
        return ", ".join(f"{n} {Status(s).label.lower()}" for s, n in sorted(counts.items()))

    lines = [
        _("E-office demo loaded:"),
        _("%(n)d unit profiles with organisation identifiers (Party notation, e.g. 123-CV/BTGDVTU)")
        % {"n": len(PROFILES)},
        _("%(n)d incoming documents: %(states)s") % {"n": len(incoming), "states": summary(states)},
        _("%(n)d outgoing documents: %(states)s") % {"n": len(outgoing), "states": summary(drafts)},
        _("%(n)d copies delivered to other demo units and registered there") % {"n": registered},
        _("%(n)d document received by inter-agency exchange from %(partner)s")
        % {"n": 1 if exchanged else 0, "partner": PARTNER[1]},
        _("%(n)d case files, 1 delegation (TUQ.)") % {"n": cases},
        _(
            "Try %(clerk)s (documents to register) and %(head)s (documents to direct, a draft to sign)."
        )
        % {"clerk": demo_email(CLERKS[CENTRAL]), "head": demo_email(HEADS[CENTRAL])},
    ]
    stdout.write("\n".join([lines[0], *(f"  {line}" for line in lines[1:])]) + "\n")
