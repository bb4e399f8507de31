"""Statistics per unit and period: the figures, who may see them, and the number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from vcnet.accounts.models import Unit, User
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.documents.models import (
    Delivery,
    Direction,
    Document,
    DocumentType,
    Priority,
    Source,
    Status,
)
from vcnet.documents.stats import can_view_stats, stats_compute, stats_units_for

TODAY = dt.date(2026, 3, 20)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def incoming(unit: Unit, subject: str, day: dt.date, **fields: Any) -> Document:
    return Document.objects.create(
        direction=Direction.INCOMING,
        unit=unit,
        status=fields.pop("status", Status.REGISTERED),
        source=Source.UPLOAD,
        subject=subject,
        created_at=at(day),
        registered_at=fields.pop("registered_at", at(day, 10)),
        **fields,
    )


def outgoing(unit: Unit, subject: str, day: dt.date, **fields: Any) -> Document:
    return Document.objects.create(
        direction=Direction.OUTGOING,
        unit=unit,
        status=Status.ISSUED,
        source=Source.DRAFTED,
        subject=subject,
        created_at=at(day, 8),
        issued_at=at(day, 9),
        **fields,
    )


@pytest.fixture
def figures(province: Unit, other_province: Unit, central: Unit) -> dict[str, Any]:
    """In March 2026 the province received four documents and issued two."""
    decision = DocumentType.objects.create(code="quyet-dinh-test", name="Quyết định thử")
    day = dt.date(2026, 3, 2)
    # On time: 2 days of handling, due on the 10th.
    incoming(
        province,
        "Công văn về việc tuyên truyền kỷ niệm ngày thành lập Đảng",
        day,
        status=Status.DONE,
        due_date=dt.date(2026, 3, 10),
        completed_at=at(day, 10) + dt.timedelta(days=2),
        doc_type=decision,
    )
    # Late: done on the 12th, due on the 5th; 10 days of handling.
    incoming(
        province,
        "Kế hoạch tổ chức cuộc thi chính luận bảo vệ nền tảng tư tưởng của Đảng",
        day,
        status=Status.DONE,
        due_date=dt.date(2026, 3, 5),
        completed_at=at(day, 10) + dt.timedelta(days=10),
        priority=Priority.URGENT,
    )
    # Open and overdue.
    incoming(
        province,
        "Hướng dẫn sơ kết công tác giáo dục lý luận chính trị",
        dt.date(2026, 3, 3),
        due_date=dt.date(2026, 3, 15),
    )
    # Open, not yet due.
    incoming(
        province,
        "Báo cáo kết quả chuyển đổi số",
        dt.date(2026, 3, 18),
        due_date=dt.date(2026, 3, 30),
    )
    # Outside the period: not counted.
    incoming(province, "Thông báo năm trước", dt.date(2025, 12, 30), status=Status.DONE)
    # Issued by the province, delivered to its sibling: arrives in 1 minute, registered in 2 h
    # and in 4 h.
    for n, hours in ((1, 2), (2, 4)):
        sent = outgoing(province, f"Công văn số {n} gửi Hà Tĩnh", dt.date(2026, 3, 4 + n))
        copy = incoming(
            other_province,
            sent.subject,
            dt.date(2026, 3, 4 + n),
            registered_at=sent.issued_at + dt.timedelta(hours=hours),  # type: ignore[operator]
        )
        Delivery.objects.create(
            document=sent,
            unit=other_province,
            organ_name=other_province.name,
            incoming=copy,
            status_code="03",
            sent_at=sent.issued_at,
            arrived_at=sent.issued_at + dt.timedelta(minutes=1),  # type: ignore[operator]
            registered_at=sent.issued_at + dt.timedelta(hours=hours),  # type: ignore[operator]
        )
    return {"decision": decision}


def compute(user: User, unit: Unit, **kwargs: Any) -> Any:
    return stats_compute(
        user,
        unit=unit,
        date_from=kwargs.pop("date_from", dt.date(2026, 3, 1)),
        date_to=kwargs.pop("date_to", dt.date(2026, 3, 31)),
        today=TODAY,
        **kwargs,
    )


def test_a_leader_sees_the_figures_of_the_period(
    leader: User, province: Unit, figures: dict[str, Any]
) -> None:
    stats = compute(leader, province)
    row = stats.units[0]
    assert row.unit_id == province.pk
    assert (row.received, row.registered, row.issued) == (4, 4, 2)
    assert (row.on_time, row.late, row.open_overdue) == (1, 1, 1)
    assert row.on_time_percent == 50.0
    assert row.handling_days == pytest.approx(6.0, abs=0.01)  # (2 + 10) / 2
    assert row.circulation_arrival == dt.timedelta(minutes=1)
    assert row.circulation_registration == dt.timedelta(hours=3)
    assert stats.circulation.deliveries == 2
    assert stats.circulation.registration_p95 == dt.timedelta(hours=4)
    assert dict(stats.by_type)["Quyết định thử"] == 1
    assert sum(n for _name, n in stats.by_type) == 6
    assert dict(stats.by_priority)[str(Priority.URGENT.label)] == 1
    assert len(stats.daily) == 31
    assert stats.daily[1] == (dt.date(2026, 3, 2), 2, 0)
    assert stats.daily[4] == (dt.date(2026, 3, 5), 0, 1)


def test_the_paper_baseline_gives_the_time_saved(
    settings: Any, clerk: User, province: Unit, figures: dict[str, Any]
) -> None:
    settings.EOFFICE_PAPER_HANDLING_DAYS = 12.0
    settings.EOFFICE_PAPER_CIRCULATION_HOURS = 48
    stats = compute(clerk, province)
    assert stats.paper.handling_saving_percent == 50.0  # 6 days instead of 12
    assert stats.paper.circulation_saving_percent == pytest.approx(93.8, abs=0.05)  # 3 h of 48


def test_a_leader_above_sees_the_units_below(
    central: Unit, province: Unit, other_province: Unit, figures: dict[str, Any]
) -> None:
    from vcnet.documents.tests.factories import member

    head = member(central, "leader", "Hoàng Văn Thái", "truongban@tw.vcnet.test")
    stats = compute(head, central)
    assert [r.unit_id for r in stats.units] == [central.pk, province.pk, other_province.pk]
    assert stats.total.received == 6  # four in the province, two copies in Hà Tĩnh
    assert stats.total.issued == 2
    alone = compute(head, central, include_children=False)
    assert [r.unit_id for r in alone.units] == [central.pk]
    assert alone.total.received == 0
    assert set(stats_units_for(head)) == {central, province, other_province}


@pytest.mark.parametrize("who", ["official", "outsider", "citizen"])
def test_others_may_not_see_the_statistics(
    request: pytest.FixtureRequest, who: str, province: Unit, figures: dict[str, Any]
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDeniedError):
        compute(user, province)
    assert not can_view_stats(user, province)


def test_a_province_leader_may_not_see_the_centre(leader: User, central: Unit) -> None:
    with pytest.raises(PermissionDeniedError):
        compute(leader, central)
    assert central not in stats_units_for(leader)


def test_an_administrator_sees_any_unit(admin: User, province: Unit, figures: Any) -> None:
    assert compute(admin, province).total.received == 4


def test_bad_input_gets_a_clear_error(leader: User, province: Unit) -> None:
    with pytest.raises(DomainError, match="after its end"):
        compute(leader, province, date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 3, 1))
    with pytest.raises(DomainError, match="three years"):
        compute(leader, province, date_from=dt.date(2020, 1, 1))
    with pytest.raises(NotFound):
        stats_compute(leader, unit=987654)


def test_no_documents_gives_zeros_not_errors(leader: User, province: Unit) -> None:
    stats = compute(leader, province)
    assert stats.total.received == 0
    assert stats.total.handling is None
    assert stats.paper.handling_saving_percent is None
    assert stats.circulation.registration_p95 is None


def test_queries_do_not_grow_with_units_or_documents(
    django_assert_max_num_queries: Any,
    central: Unit,
    province: Unit,
    other_province: Unit,
    admin: User,
    figures: dict[str, Any],
) -> None:
    with django_assert_max_num_queries(12):
        stats = compute(admin, central)
    assert len(stats.units) == 3
