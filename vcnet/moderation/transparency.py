"""The monthly transparency report: what people reported, what moderators did about it, how
many decisions were reversed or appealed, and what context notes and clarifications added.

Only counts, never who reported or who was acted on. Months are calendar months in the site's
time zone; the current month is reported so far (`complete` is false).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.core.errors import DomainError, NotFound
from vcnet.moderation.models import (
    Action,
    ActionKind,
    Appeal,
    AppealState,
    Case,
    CaseSource,
    Clarification,
    ContextNote,
    NoteRating,
    NoteStatus,
    Report,
    ReportReason,
)

FIRST_YEAR = 2000


class BadMonth(DomainError):
    """The month asked for is not a calendar month (e.g. month 13)."""

    status = 400
    code = "bad_month"


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month and of the next one, in the site's time zone."""
    start = timezone.make_aware(dt.datetime(year, month, 1))  # noqa: DTZ001 - made aware here
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    end = timezone.make_aware(dt.datetime(*following, 1))  # noqa: DTZ001
    return start, end


def current_month(now: dt.datetime | None = None) -> tuple[int, int]:
    """(year, month) of today in the site's time zone."""
    local = timezone.localtime(now or timezone.now())
    return local.year, local.month


def month_check(year: int, month: int, now: dt.datetime | None = None) -> None:
    """BadMonth for a month that does not exist, NotFound for one that has not begun."""
    if not 1 <= month <= 12 or year < FIRST_YEAR:
        raise BadMonth(_("There is no such month: give a year from 2000 and a month from 1 to 12."))
    if (year, month) > current_month(now):
        raise NotFound(_("There is no report for a month that has not begun yet."))


def recent_months(count: int = 12, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """The last `count` months, the current one first."""
    year, month = current_month(now)
    months = []
    for _index in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def _rows(
    counts: Counter[Any], labels: dict[Any, str], keys: dict[Any, str]
) -> list[dict[str, Any]]:
    """[{key, label, count}] for the non-zero counts, largest first (ties in label order)."""
    rows: list[dict[str, Any]] = [
        {"key": keys.get(key, str(key)), "label": labels.get(key, str(key)), "count": n}
        for key, n in counts.items()
        if n
    ]
    rows.sort(key=lambda row: (-row["count"], row["label"]))
    return rows


def monthly_report(year: int, month: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the transparency page and API show for one month, in a fixed number of
    queries. Labels are in the active language."""
    month_check(year, month, now)
    start, end = month_bounds(year, month)
    in_month = {"created_at__gte": start, "created_at__lt": end}

    reasons = {r.pk: r for r in ReportReason.objects.all()}
    reason_names = {pk: r.name for pk, r in reasons.items()}
    reason_codes = {pk: r.code for pk, r in reasons.items()}

    # Reports: people's reports by reason; a rule's hits are counted apart.
    by_reason: Counter[Any] = Counter()
    by_rules = 0
    for row in (
        Report.objects.filter(**in_month)
        .values("reason_id", "rule_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if row["rule_id"] is not None:
            by_rules += row["n"]
        else:
            by_reason[row["reason_id"]] += row["n"]
    by_people = sum(by_reason.values())

    sources: Counter[Any] = Counter(
        {
            row["source"]: row["n"]
            for row in Case.objects.filter(**in_month)
            .values("source")
            .annotate(n=Count("id"))
            .order_by()
        }
    )

    by_kind: Counter[Any] = Counter()
    by_policy: Counter[Any] = Counter()
    for row in (
        Action.objects.filter(**in_month)
        .values("kind", "policy_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_kind[row["kind"]] += row["n"]
        if row["policy_id"] is not None:
            by_policy[row["policy_id"]] += row["n"]
    reversals = Action.objects.filter(reversed_at__gte=start, reversed_at__lt=end).count()

    decided = Q(decided_at__gte=start, decided_at__lt=end)
    appeals = Appeal.objects.aggregate(
        received=Count("id", filter=Q(**in_month)),
        pending=Count("id", filter=Q(**in_month, state=AppealState.PENDING)),
        upheld=Count("id", filter=decided & Q(state=AppealState.UPHELD)),
        overturned=Count("id", filter=decided & Q(state=AppealState.OVERTURNED)),
    )

    notes = ContextNote.objects.aggregate(
        written=Count("id", filter=Q(**in_month)),
        shown=Count("id", filter=Q(**in_month, status=NoteStatus.HELPFUL)),
        not_helpful=Count("id", filter=Q(**in_month, status=NoteStatus.NOT_HELPFUL)),
    )
    notes["ratings"] = NoteRating.objects.filter(**in_month).count()

    published = Clarification.objects.filter(published_at__gte=start, published_at__lt=end).count()

    kind_labels = {k.value: str(k.label) for k in ActionKind}
    source_labels = {s.value: str(s.label) for s in CaseSource}
    cases_opened = sum(sources.values())
    actions_total = sum(by_kind.values())
    has_data = any(
        (
            by_people,
            by_rules,
            cases_opened,
            actions_total,
            reversals,
            *appeals.values(),
            *notes.values(),
            published,
        )
    )
    no_reason_label = str(_("No reason given"))
    return {
        "year": year,
        "month": month,
        "starts": start.date(),
        "ends": (end - dt.timedelta(days=1)).date(),
        "complete": (year, month) < current_month(now),
        "has_data": has_data,
        "reports": {
            "total": by_people + by_rules,
            "by_people": by_people,
            "by_rules": by_rules,
            "by_reason": _rows(
                by_reason, {**reason_names, None: no_reason_label}, {**reason_codes, None: ""}
            ),
        },
        "cases": {"opened": cases_opened, "by_source": _rows(sources, source_labels, {})},
        "actions": {
            "total": actions_total,
            "by_kind": _rows(by_kind, kind_labels, {}),
            "by_policy": _rows(by_policy, reason_names, reason_codes),
        },
        "reversals": reversals,
        "appeals": appeals,
        "notes": notes,
        "clarifications": {"published": published},
    }
