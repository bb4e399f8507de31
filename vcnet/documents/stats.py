"""Statistics of the e-office: per unit and period, computed in SQL (a handful of queries).

Figures per unit: received, registered, issued, completed on time and late, open and overdue,
average handling time (registered → completed) and circulation time of the unit's outgoing
documents (sent → the recipient's arrival and registration). For the whole selection: counts by
type and urgency, a daily series for charts, the 95th percentile of circulation, and a
comparison with the paper baseline (settings `EOFFICE_PAPER_HANDLING_DAYS`,
`EOFFICE_PAPER_CIRCULATION_HOURS`).

Who may see them: leaders and clerks of the unit or of a unit above it, and site administrators.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.documents.models import Delivery, Direction, Document, Priority, Status

__all__ = [
    "STATS_ROLES",
    "Circulation",
    "PaperComparison",
    "Stats",
    "UnitStats",
    "can_view_stats",
    "period_bounds",
    "stats_compute",
    "stats_units_for",
]

# Roles that see a unit's statistics (and those of the units below it).
STATS_ROLES = (Role.LEADER, Role.CLERK)
# Incoming documents in these states are no longer waiting for anyone.
CLOSED_STATES = (Status.DONE, Status.RETURNED, Status.RECALLED)
MAX_PERIOD_DAYS = 3 * 366


@dataclass
class UnitStats:
    """The figures of one unit (or the total of the selection)."""

    unit_id: int | None
    name: str
    received: int = 0
    registered: int = 0
    issued: int = 0
    on_time: int = 0
    late: int = 0
    open_overdue: int = 0
    handling: dt.timedelta | None = None
    circulation_arrival: dt.timedelta | None = None
    circulation_registration: dt.timedelta | None = None

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.completed, 1) if self.completed else None

    @property
    def handling_days(self) -> float | None:
        return _days(self.handling)


@dataclass
class Circulation:
    """How long outgoing documents took to reach their internal recipients."""

    deliveries: int = 0
    arrival_avg: dt.timedelta | None = None
    registration_avg: dt.timedelta | None = None
    registration_p95: dt.timedelta | None = None

    @property
    def registration_hours(self) -> float | None:
        return _hours(self.registration_avg)


@dataclass
class PaperComparison:
    """Measured times against the paper office: `x% less time`."""

    paper_handling_days: float
    paper_circulation_hours: float
    handling_days: float | None
    circulation_hours: float | None

    @property
    def handling_saving_percent(self) -> float | None:
        return _saving(self.handling_days, self.paper_handling_days)

    @property
    def circulation_saving_percent(self) -> float | None:
        return _saving(self.circulation_hours, self.paper_circulation_hours)


@dataclass
class Stats:
    """Everything the statistics page, the exports and the charts show."""

    unit: Unit
    include_children: bool
    date_from: dt.date
    date_to: dt.date
    units: list[UnitStats]
    total: UnitStats
    by_type: list[tuple[str, int]]
    by_priority: list[tuple[str, int]]
    daily: list[tuple[dt.date, int, int]]
    circulation: Circulation
    paper: PaperComparison = field(init=False)

    def __post_init__(self) -> None:
        self.paper = PaperComparison(
            paper_handling_days=float(getattr(settings, "EOFFICE_PAPER_HANDLING_DAYS", 6.0)),
            paper_circulation_hours=float(
                getattr(settings, "EOFFICE_PAPER_CIRCULATION_HOURS", 48.0)
            ),
            handling_days=self.total.handling_days,
            circulation_hours=self.circulation.registration_hours,
        )


def _days(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 86400, 2) if value is not None else None


def _hours(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


def _saving(actual: float | None, paper: float) -> float | None:
    if actual is None or paper <= 0:
        return None
    return round(100 * (1 - actual / paper), 1)


def _as_duration(value: object) -> dt.timedelta | None:
    """Averages of durations come back as timedelta (PostgreSQL) or microseconds (SQLite)."""
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, int | float):
        return dt.timedelta(microseconds=float(value))
    return None


# --- Who may see what --------------------------------------------------------------------------


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.pk]


def can_view_stats(user: User, unit: Unit) -> bool:
    """Leaders and clerks of `unit` or of a unit above it, and site administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, unit_id__in=_ancestor_ids(unit), role__in=STATS_ROLES
    ).exists()


def stats_units_for(user: User) -> QuerySet[Unit]:
    """The units whose statistics `user` may see (their own and those below), in tree order."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.order_by("path")
    paths = list(
        Membership.objects.filter(user=user, role__in=STATS_ROLES).values_list(
            "unit__path", flat=True
        )
    )
    if not paths:
        return Unit.objects.none()
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return Unit.objects.filter(q).order_by("path")


def period_bounds(
    date_from: dt.date | None, date_to: dt.date | None, *, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The period asked for, defaulting to the current year so far; refuses reversed or overlong
    periods with a clear message."""
    today = today or timezone.localdate()
    date_to = date_to or today
    date_from = date_from or date_to.replace(month=1, day=1)
    if date_from > date_to:
        raise DomainError(_("The start of the period is after its end."))
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise DomainError(_("A period may be at most three years long."))
    return date_from, date_to


def _aware_range(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    return start, end


# --- The computation ---------------------------------------------------------------------------


def stats_compute(
    user: User,
    *,
    unit: Unit | int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    include_children: bool = True,
    today: dt.date | None = None,
) -> Stats:
    """The statistics of `unit` (and the units below it) for the period, if `user` may see them.

    Raises `NotFound` for an unknown unit and `PermissionDeniedError` for anyone who is neither
    a leader or clerk of the unit (or above it) nor an administrator. About ten queries,
    whatever the number of documents or units.
    """
    if isinstance(unit, int):
        found = Unit.objects.filter(pk=unit).first()
        if found is None:
            raise NotFound(_("Unit not found."))
        unit = found
    if not can_view_stats(user, unit):
        raise PermissionDeniedError(_("You may not see the statistics of this unit."))
    today = today or timezone.localdate()
    date_from, date_to = period_bounds(date_from, date_to, today=today)
    start, end = _aware_range(date_from, date_to)

    units_qs = (
        Unit.objects.filter(path__startswith=unit.path)
        if include_children
        else Unit.objects.filter(pk=unit.pk)
    )
    units = list(units_qs.order_by("path").values_list("pk", "name"))
    unit_ids = [pk for pk, _name in units]
    documents = Document.objects.filter(unit_id__in=unit_ids)

    incoming = Q(direction=Direction.INCOMING)
    received = incoming & Q(created_at__gte=start, created_at__lt=end)
    registered = incoming & Q(registered_at__gte=start, registered_at__lt=end)
    issued = Q(direction=Direction.OUTGOING, issued_at__gte=start, issued_at__lt=end)
    completed = incoming & Q(completed_at__gte=start, completed_at__lt=end)
    in_time = (
        Q(due_at__isnull=False, completed_at__lte=F("due_at"))
        | Q(due_at__isnull=True, due_date__isnull=True)
        | Q(due_at__isnull=True, completed_at__date__lte=F("due_date"))
    )
    overdue = (
        incoming
        & Q(completed_at__isnull=True, due_date__lt=today, created_at__lt=end)
        & ~Q(status__in=CLOSED_STATES)
    )
    handling = ExpressionWrapper(F("completed_at") - F("registered_at"), DurationField())
    relevant = received | registered | issued | completed | overdue
    per_unit = {
        row["unit_id"]: row
        for row in documents.filter(relevant)
        .values("unit_id")
        .annotate(
            received=Count("id", filter=received),
            registered=Count("id", filter=registered),
            issued=Count("id", filter=issued),
            on_time=Count("id", filter=completed & in_time),
            late=Count("id", filter=completed & ~in_time),
            open_overdue=Count("id", filter=overdue),
            handling=Avg(handling, filter=completed & Q(registered_at__isnull=False)),
        )
        .order_by()
    }

    deliveries = Delivery.objects.filter(
        document__unit_id__in=unit_ids, sent_at__gte=start, sent_at__lt=end, unit__isnull=False
    )
    to_arrival = ExpressionWrapper(F("arrived_at") - F("sent_at"), DurationField())
    to_registration = ExpressionWrapper(F("registered_at") - F("sent_at"), DurationField())
    circulation_per_unit = {
        row["document__unit_id"]: row
        for row in deliveries.values("document__unit_id")
        .annotate(
            arrival=Avg(to_arrival, filter=Q(arrived_at__isnull=False)),
            registration=Avg(to_registration, filter=Q(registered_at__isnull=False)),
        )
        .order_by()
    }

    rows: list[UnitStats] = []
    for pk, name in units:
        figures = per_unit.get(pk, {})
        moving = circulation_per_unit.get(pk, {})
        rows.append(
            UnitStats(
                unit_id=pk,
                name=name,
                received=figures.get("received", 0),
                registered=figures.get("registered", 0),
                issued=figures.get("issued", 0),
                on_time=figures.get("on_time", 0),
                late=figures.get("late", 0),
                open_overdue=figures.get("open_overdue", 0),
                handling=_as_duration(figures.get("handling")),
                circulation_arrival=_as_duration(moving.get("arrival")),
                circulation_registration=_as_duration(moving.get("registration")),
            )
        )

    totals = documents.filter(relevant).aggregate(
        handling=Avg(handling, filter=completed & Q(registered_at__isnull=False))
    )
    moving_total = deliveries.aggregate(
        n=Count("id"),
        registered=Count("id", filter=Q(registered_at__isnull=False)),
        arrival=Avg(to_arrival, filter=Q(arrived_at__isnull=False)),
        registration=Avg(to_registration, filter=Q(registered_at__isnull=False)),
    )
    p95 = None
    if moving_total["registered"]:
        # The 95th percentile by rank: one ordered, offset query (both databases).
        offset = max(0, math.ceil(0.95 * moving_total["registered"]) - 1)
        p95 = (
            deliveries.filter(registered_at__isnull=False)
            .annotate(d=to_registration)
            .order_by("d")
            .values_list("d", flat=True)[offset : offset + 1]
            .first()
        )
    total = UnitStats(
        unit_id=None,
        name=_("Total"),
        received=sum(r.received for r in rows),
        registered=sum(r.registered for r in rows),
        issued=sum(r.issued for r in rows),
        on_time=sum(r.on_time for r in rows),
        late=sum(r.late for r in rows),
        open_overdue=sum(r.open_overdue for r in rows),
        handling=_as_duration(totals["handling"]),
        circulation_arrival=_as_duration(moving_total["arrival"]),
        circulation_registration=_as_duration(moving_total["registration"]),
    )

    period_docs = documents.filter(received | issued)
    by_type = [
        (name or _("Unspecified"), n)
        for name, n in period_docs.values_list("doc_type__name")
        .annotate(n=Count("id"))
        .order_by("-n", "doc_type__name")
        .values_list("doc_type__name", "n")
    ]
    priority_labels = dict(Priority.choices)
    by_priority = [
        (str(priority_labels.get(p, p)), n)
        for p, n in period_docs.values_list("priority")
        .annotate(n=Count("id"))
        .order_by("priority")
        .values_list("priority", "n")
    ]
    daily = _daily(documents, received, issued, date_from, date_to)
    return Stats(
        unit=unit,
        include_children=include_children,
        date_from=date_from,
        date_to=date_to,
        units=rows,
        total=total,
        by_type=by_type,
        by_priority=by_priority,
        daily=daily,
        circulation=Circulation(
            deliveries=moving_total["n"],
            arrival_avg=_as_duration(moving_total["arrival"]),
            registration_avg=_as_duration(moving_total["registration"]),
            registration_p95=_as_duration(p95),
        ),
    )


def _daily(
    documents: QuerySet[Document],
    received: Q,
    issued: Q,
    date_from: dt.date,
    date_to: dt.date,
) -> list[tuple[dt.date, int, int]]:
    """Received and issued per day, every day of the period (zeros included), two queries."""
    arrivals = dict(
        documents.filter(received)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("day", "n")
    )
    issues = dict(
        documents.filter(issued)
        .annotate(day=TruncDate("issued_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("day", "n")
    )
    days = (date_to - date_from).days + 1
    series = []
    for offset in range(days):
        day = date_from + dt.timedelta(days=offset)
        series.append((day, arrivals.get(day, 0), issues.get(day, 0)))
    return series
