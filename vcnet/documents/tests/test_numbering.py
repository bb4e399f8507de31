"""Arrival numbers (Decree 30 Art. 22): from 01 on 1 January, gapless and unique per register and
period, safe when several clerks register at the same moment."""

from __future__ import annotations

import datetime as dt
import threading
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from freezegun import freeze_time

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.errors import Conflict
from vcnet.documents.access import grant_holding_unit
from vcnet.documents.models import (
    Confidentiality,
    Direction,
    Document,
    Register,
    RegisterCounter,
    RegisterPeriod,
    Source,
    Status,
)
from vcnet.documents.numbering import number_take, registers_ensure
from vcnet.documents.services.incoming import document_register
from vcnet.documents.tests.factories import member, receive

ON_POSTGRES = connection.vendor == "postgresql"


def _received(unit: Unit, count: int, **fields: object) -> list[Document]:
    """Documents waiting to be registered, made directly (the files do not matter here)."""
    documents = []
    with transaction.atomic():
        for n in range(1, count + 1):
            document = Document.objects.create(
                direction=Direction.INCOMING,
                unit=unit,
                status=Status.RECEIVED,
                source=Source.UPLOAD,
                subject=f"Công văn số {n} về việc tổng kết công tác tuyên truyền năm 2026",
                organ_name="Huyện ủy Nam Đàn",
                **fields,
            )
            grant_holding_unit(document)
            documents.append(document)
    return documents


def test_numbers_run_one_two_three_per_register(clerk: User, province: Unit) -> None:
    documents = [receive(clerk, province, code_number=str(n)) for n in (10, 11, 12)]
    numbers = [document_register(actor=clerk, document=d).arrival_number for d in documents]
    assert numbers == [1, 2, 3]
    assert {d.register_id for d in documents} == {documents[0].register_id}
    # Confidential documents have their own series (Decree 30 Art. 15.2).
    (secret,) = _received(province, 1, confidentiality=Confidentiality.SECRET)
    document_register(actor=clerk, document=secret)
    assert secret.arrival_number == 1
    assert secret.register is not None and secret.register.confidential
    assert secret.register_id != documents[0].register_id


def test_numbers_start_again_on_1_january(clerk: User, province: Unit) -> None:
    documents = _received(province, 4)
    with freeze_time("2026-12-31 09:00:00"):
        for document in documents[:3]:
            document_register(actor=clerk, document=document)
    with freeze_time("2027-01-01 02:00:00"):  # 09:00 in Hà Nội
        document_register(actor=clerk, document=documents[3])
    assert [(d.arrival_number, d.registered_year) for d in documents] == [
        (1, "2026"),
        (2, "2026"),
        (3, "2026"),
        (1, "2027"),
    ]
    # The database holds both series apart.
    register = documents[0].register
    assert register is not None
    assert dict(register.counters.values_list("period_key", "last_number")) == {
        "2026": 3,
        "2027": 1,
    }


def test_number_take_by_date(province: Unit) -> None:
    register = registers_ensure(province)[0]
    with transaction.atomic():
        assert number_take(register, dt.date(2026, 3, 1)) == (1, "2026")
        assert number_take(register, dt.date(2026, 12, 31)) == (2, "2026")
        assert number_take(register, dt.date(2027, 1, 1)) == (1, "2027")


def test_term_registers_continue_across_years(clerk: User, province: Unit) -> None:
    term = Register.objects.create(
        unit=province,
        direction=Direction.INCOMING,
        name="Sổ văn bản đến nhiệm kỳ 2025-2030",
        period=RegisterPeriod.TERM,
        term_start=dt.date(2025, 10, 15),
    )
    documents = _received(province, 3)
    for day, document in zip(
        ("2025-12-30 03:00:00", "2026-01-02 03:00:00", "2027-06-01 03:00:00"),
        documents,
        strict=True,
    ):
        with freeze_time(day):
            document_register(actor=clerk, document=document)
    assert [(d.register_id, d.arrival_number) for d in documents] == [
        (term.pk, 1),
        (term.pk, 2),
        (term.pk, 3),
    ]
    assert {d.registered_year for d in documents} == {"term-2025-10-15"}


def test_a_failed_registration_gives_its_number_back(clerk: User, province: Unit) -> None:
    first, second = _received(province, 2)
    with (
        mock.patch(
            "vcnet.documents.services.incoming.delivery_sync", side_effect=RuntimeError("mạng")
        ),
        pytest.raises(RuntimeError),
    ):
        document_register(actor=clerk, document=first)
    # Nothing of the failed attempt stays, not even in the caller's copy.
    assert (first.status, first.arrival_number) == (Status.RECEIVED, None)
    first.refresh_from_db()
    assert (first.status, first.arrival_number, first.register_id) == (Status.RECEIVED, None, None)
    assert not RegisterCounter.objects.filter(last_number__gt=0).exists()
    document_register(actor=clerk, document=second)
    document_register(actor=clerk, document=first)
    assert (second.arrival_number, first.arrival_number) == (1, 2)


def test_the_database_refuses_a_number_twice(clerk: User, province: Unit) -> None:
    first, second = _received(province, 2)
    document_register(actor=clerk, document=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=second.pk).update(
            register=first.register,
            arrival_number=first.arrival_number,
            registered_year=first.registered_year,
        )


# --- Concurrency (PostgreSQL: real row locks between connections) ----------------------------

needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="SQLite lets one writer in at a time, so it cannot show a race; run with "
    "DATABASE_URL=postgres://… to test numbering under concurrency.",
)


def _in_threads(count: int, work: object) -> list[BaseException]:
    """Run `work(i)` in `count` threads started together; each closes its connection."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)  # type: ignore[operator]
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_eight_clerks_numbering_at_once_get_1_to_80(province: Unit) -> None:
    clerks = [
        member(province, Role.CLERK, f"Văn thư số {n}", f"vanthu{n}@nghean.vcnet.test")
        for n in range(8)
    ]
    documents = _received(province, 80)

    def work(i: int) -> None:
        for document in documents[i * 10 : (i + 1) * 10]:
            document_register(actor=clerks[i], document=document)

    errors = _in_threads(8, work)
    assert errors == []
    rows = Document.objects.filter(unit=province).values_list("arrival_number", "register_id")
    numbers = sorted(number for number, _register in rows)
    assert numbers == list(range(1, 81))
    assert len({register for _number, register in rows}) == 1
    assert RegisterCounter.objects.get().last_number == 80


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_registering_the_same_document_at_once(province: Unit) -> None:
    clerks = [
        member(province, Role.CLERK, f"Văn thư số {n}", f"vanthu{n}@nghean.vcnet.test")
        for n in range(4)
    ]
    (document,) = _received(province, 1)
    copies = [Document.objects.get(pk=document.pk) for _ in clerks]
    errors = _in_threads(4, lambda i: document_register(actor=clerks[i], document=copies[i]))
    assert len(errors) == 3
    assert all(isinstance(error, Conflict) for error in errors)
    document.refresh_from_db()
    assert (document.status, document.arrival_number) == (Status.REGISTERED, 1)
    assert RegisterCounter.objects.get().last_number == 1
