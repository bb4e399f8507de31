"""Moderation API: the public monthly transparency report (no sign-in needed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from vcnet.moderation import transparency

router = Router(tags=["moderation"])


class TransparencyRow(Schema):
    """One bar of a breakdown: a reason, a kind of decision, a source."""

    key: str = Field(description="Stable code (a reason's code, an action kind, a case source).")
    label: str = Field(description="Its name in the reader's language.")
    count: int


class TransparencyReports(Schema):
    """Reports received in the month."""

    total: int
    by_people: int = Field(description="Reports sent by people.")
    by_rules: int = Field(description="Hits of automatic rules.")
    by_reason: list[TransparencyRow] = Field(
        description="People's reports by reason, largest first."
    )


class TransparencyCases(Schema):
    """Cases opened in the month (duplicate reports merge into one case)."""

    opened: int
    by_source: list[TransparencyRow]


class TransparencyActions(Schema):
    """Moderators' decisions taken in the month."""

    total: int
    by_kind: list[TransparencyRow]
    by_policy: list[TransparencyRow] = Field(
        description="Decisions that named a rule broken, by rule."
    )


class TransparencyAppeals(Schema):
    """Appeals received in the month, and appeals decided in it."""

    received: int
    pending: int = Field(description="Of those received, still waiting for a decision.")
    upheld: int = Field(description="Decided in the month: the action stands.")
    overturned: int = Field(description="Decided in the month: the action was reversed.")


class TransparencyNotes(Schema):
    """Context notes written in the month, by their status now, and ratings given."""

    written: int
    shown: int = Field(description="Rated helpful and shown under their post.")
    not_helpful: int
    ratings: int


class TransparencyClarifications(Schema):
    """Official clarifications published by verified pages in the month."""

    published: int


class TransparencyOut(Schema):
    """One calendar month of moderation, in totals only."""

    year: int
    month: int
    starts: dt.date = Field(description="First day of the month.")
    ends: dt.date = Field(description="Last day of the month.")
    complete: bool = Field(description="False for the current month: the numbers so far.")
    has_data: bool = Field(description="False when nothing at all happened in the month.")
    reports: TransparencyReports
    cases: TransparencyCases
    actions: TransparencyActions
    reversals: int = Field(description="Decisions reversed in the month.")
    appeals: TransparencyAppeals
    notes: TransparencyNotes
    clarifications: TransparencyClarifications


@router.get(
    "/{int:year}/{int:month}",
    response=TransparencyOut,
    auth=None,
    summary="One month's transparency report",
    description=(
        "Public. Counts of reports by reason, cases opened, decisions by kind and by rule "
        "broken, reversals, appeals and their outcomes, context notes and clarifications. "
        "400 for a month that does not exist, 404 for one that has not begun."
    ),
)
def transparency_month(request: HttpRequest, year: int, month: int) -> dict[str, Any]:
    """The monthly report of `transparency.monthly_report`."""
    return transparency.monthly_report(year, month)
