"""The e-office demo: loads through the services, once, and gives the demo people work to do."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from vcnet.accounts.demo import demo_email, demo_load
from vcnet.accounts.models import User
from vcnet.documents.demo import CLERKS, HEADS, load_demo
from vcnet.documents.models import (
    Delivery,
    Direction,
    Document,
    ExchangeMessage,
    Source,
    Status,
    UnitProfile,
    WorkItem,
)


@pytest.mark.django_db
def test_demo_loads_once_with_work_for_the_demo_people(
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.EXCHANGE_HUB_DIR = tmp_path / "hub"
    # Shorter letters: text extraction of forty full pages is what makes the demo slow.
    monkeypatch.setattr("vcnet.documents.demo_data.BODY", ("Đề nghị các đồng chí thực hiện./.",))
    demo_load()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo(out)
    assert "E-office demo loaded" in out.getvalue() or "Đã nạp" in out.getvalue()
    assert UnitProfile.objects.exclude(organ_id="").count() == 6
    incoming = Document.objects.filter(direction=Direction.INCOMING)
    assert incoming.count() >= 25
    assert {
        Status.RECEIVED,
        Status.REGISTERED,
        Status.DIRECTING,
        Status.IN_PROGRESS,
        Status.DONE,
        Status.RETURNED,
    } <= set(incoming.values_list("status", flat=True))
    assert incoming.filter(priority__gte=1).exists()
    assert incoming.filter(confidentiality__gte=1).exists()
    outgoing = Document.objects.filter(direction=Direction.OUTGOING)
    assert outgoing.count() >= 10
    assert {Status.DRAFT, Status.CONTENT_REVIEW, Status.TO_SIGN, Status.ISSUED} <= set(
        outgoing.values_list("status", flat=True)
    )
    assert Document.objects.filter(origin__isnull=False, status=Status.REGISTERED).exists()
    assert Document.objects.filter(source=Source.EXCHANGE).count() == 1
    assert ExchangeMessage.objects.filter(way=ExchangeMessage.Way.SENT, kind="package").exists()
    clerk = User.objects.get(email=demo_email(CLERKS["btgdvtw"]))
    head = User.objects.get(email=demo_email(HEADS["btgdvtw"]))
    from vcnet.documents.access import holder_q

    open_items = WorkItem.objects.filter(done_at__isnull=True)
    assert open_items.filter(holder_q(clerk), kind="register").exists()
    assert open_items.filter(holder_q(head), kind="direct").exists()
    assert open_items.filter(holder_q(head), kind="sign").exists()
    assert Delivery.objects.filter(unit__isnull=True, sent_at__isnull=False).exists()

    # The demo has a past, so the head's dashboard compares real durations with paper.
    import datetime as dt

    from django.utils import timezone

    from vcnet.documents.stats import stats_compute

    since = timezone.localdate() - dt.timedelta(days=60)  # the demo's past is six weeks long
    figures = stats_compute(head, unit=clerk.memberships.first().unit, date_from=since)
    assert figures.total.handling is not None
    assert 1 <= figures.paper.handling_days <= 4  # type: ignore[operator]
    hours = figures.paper.circulation_hours
    assert hours is not None and 0 < hours < 3

    before = Document.objects.count()
    again = io.StringIO()
    load_demo(again)
    assert Document.objects.count() == before  # nothing new
    assert again.getvalue().strip()
    assert Document.objects.count() == before

    # Digital signatures: the issued documents carry the leader's signature and the unit's
    # seal; the head's document to sign has the Decree 30 layout, and the demo scenario works:
    # the head signs with the demo PIN, the clerk numbers and issues, Hà Nội's copy arrives
    # with 2 valid signatures.
    _demo_signing_scenario(head, clerk, django_capture_on_commit_callbacks)


def _demo_signing_scenario(head: User, clerk: User, capture: Any) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from vcnet.documents.models import DocumentFile, FileKind
    from vcnet.documents.services.outgoing import document_issue, document_number
    from vcnet.documents.services.signing import document_sign
    from vcnet.signing.demo import DEMO_PIN, demo_certificate
    from vcnet.signing.demo import load_demo as signing_demo
    from vcnet.signing.models import Certificate
    from vcnet.signing.validation import report_for_file

    out = io.StringIO()
    signing_demo(out)  # run by the seed after the e-office demo: prints the PIN
    assert DEMO_PIN in out.getvalue()
    assert Certificate.objects.filter(owner=head, purpose="personal").count() == 1
    assert Certificate.objects.filter(purpose="seal").count() >= 6
    issued = Document.objects.filter(direction=Direction.OUTGOING, status=Status.ISSUED).first()
    assert issued is not None
    sealed = DocumentFile.objects.get(document=issued, kind=FileKind.SIGNED, current=True)
    with sealed.file.open("rb") as handle:
        assert len(PdfFileReader(io.BytesIO(handle.read())).embedded_signatures) == 2
    document = Document.objects.filter(
        signer=head, status=Status.TO_SIGN, deliveries__unit__code="btgdv-ha-noi"
    ).get()
    main = DocumentFile.objects.get(document=document, kind=FileKind.MAIN, current=True)
    assert "Số" in document.text and head.full_name in document.text
    assert main.content_type == "application/pdf"
    document_sign(actor=head, document=document, certificate=demo_certificate(head), pin=DEMO_PIN)
    document_number(actor=clerk, document=document)
    with capture(execute=True):
        document_issue(actor=clerk, document=document)
    copy = Document.objects.get(origin=document, unit__code="btgdv-ha-noi")
    received = DocumentFile.objects.get(document=copy, kind=FileKind.MAIN, current=True)
    report = report_for_file(received)
    assert (report.signature_count, report.valid_count) == (2, 2)
