"""Schemas of the statistics and exchange endpoints of the e-office API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from vcnet.documents.schemas import UnitBrief


# --- Statistics ---------------------------------------------------------------------------
def _hours(value: dt.timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


class UnitStatsOut(Schema):
    """The figures of one unit (or, with `unit_id` null, of the whole selection)."""

    unit_id: int | None
    name: str
    received: int
    registered: int
    issued: int
    completed: int
    on_time: int
    late: int
    open_overdue: int
    on_time_percent: float | None
    handling_days: float | None = Field(description="Average registration → completion.")
    circulation_arrival_hours: float | None
    circulation_registration_hours: float | None

    @staticmethod
    def resolve_circulation_arrival_hours(obj: Any) -> float | None:
        return _hours(obj.circulation_arrival)

    @staticmethod
    def resolve_circulation_registration_hours(obj: Any) -> float | None:
        return _hours(obj.circulation_registration)


class CountOut(Schema):
    label: str
    count: int


class DayOut(Schema):
    day: dt.date
    received: int
    issued: int


class CirculationOut(Schema):
    """Issue → the recipient's arrival and registration, for internal deliveries."""

    deliveries: int
    arrival_avg_hours: float | None
    registration_avg_hours: float | None
    registration_p95_hours: float | None

    @staticmethod
    def resolve_arrival_avg_hours(obj: Any) -> float | None:
        return _hours(obj.arrival_avg)

    @staticmethod
    def resolve_registration_avg_hours(obj: Any) -> float | None:
        return _hours(obj.registration_avg)

    @staticmethod
    def resolve_registration_p95_hours(obj: Any) -> float | None:
        return _hours(obj.registration_p95)


class PaperOut(Schema):
    """Measured times against the paper office."""

    paper_handling_days: float
    paper_circulation_hours: float
    handling_days: float | None
    circulation_hours: float | None
    handling_saving_percent: float | None
    circulation_saving_percent: float | None


class StatsOut(Schema):
    """Statistics of a unit (and the units below it) for a period."""

    unit: UnitBrief
    include_children: bool
    date_from: dt.date
    date_to: dt.date
    units: list[UnitStatsOut]
    total: UnitStatsOut
    by_type: list[CountOut]
    by_priority: list[CountOut]
    daily: list[DayOut]
    circulation: CirculationOut
    paper: PaperOut

    @staticmethod
    def resolve_by_type(obj: Any) -> list[dict[str, Any]]:
        return [{"label": str(label), "count": count} for label, count in obj.by_type]

    @staticmethod
    def resolve_by_priority(obj: Any) -> list[dict[str, Any]]:
        return [{"label": str(label), "count": count} for label, count in obj.by_priority]

    @staticmethod
    def resolve_daily(obj: Any) -> list[dict[str, Any]]:
        return [{"day": d, "received": r, "issued": i} for d, r, i in obj.daily]


class StatsParams(Schema):
    unit: int = Field(description="The unit (a leader or clerk of it, or of a unit above it).")
    date_from: dt.date | None = Field(None, description="Default: 1 January of this year.")
    date_to: dt.date | None = Field(None, description="Default: today.")
    include_children: bool = True


class ExchangeImportIn(Schema):
    unit_id: int = Field(description="The unit whose registry receives the package.")
    adapter: str = Field("edxml", max_length=30, description="The package's format.")
