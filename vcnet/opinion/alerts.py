"""Spikes and watchlist hits, checked every minute on the current and the previous hour.

For each topic and each keyword mentioned in hour H, against the same hour on each of the 7 days
before (x₁…x₇, zero when there was nothing):

* volume: z = (x - mean) / max(sd, √mean, 1), the Poisson floor keeping a quiet baseline from
  turning 3 mentions into an alarm; raised when x ≥ `MIN_MENTIONS` and z ≥ `Z_ALERT`.
* negative share: p = negative / x against p₀ = the baseline hours' pooled negative share
  (falling back to the last 7 days of the topic, then of everything, then 1/3 when the
  baseline holds fewer than `MIN_BASELINE` items); z = (p - p₀) / √(p₀(1 - p₀) / x), a
  one-proportion test; raised when x ≥ `MIN_MENTIONS`, p - p₀ ≥ `MIN_SHARE_JUMP` and z ≥ `Z_ALERT`.
* watchlists: a term (diacritics ignored, whole words) mentioned at least the list's threshold
  times in the hour.

The current hour is still filling, so it is compared early against full baseline hours: that
only makes a burst harder to call, never easier. Each alert is raised once per subject and hour
(a unique constraint) and notifies the analysts with a link to the evidence.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from vcnet.core.text import fold
from vcnet.opinion.aggregates import HOUR, hour_of
from vcnet.opinion.models import (
    Alert,
    AlertKind,
    AlertSubject,
    Dimension,
    Item,
    ItemState,
    Marginal,
    Period,
    TermAggregate,
    TermType,
    Topic,
    Watchlist,
)

log = logging.getLogger(__name__)

BASELINE_DAYS = 7
MIN_MENTIONS = 10
MIN_BASELINE = 20
Z_ALERT = 3.0
MIN_SHARE_JUMP = 0.2
PRIOR_NEGATIVE_SHARE = 1 / 3


@dataclass(frozen=True)
class Counts:
    mentions: int
    negative: int


def volume_z(observed: float, baseline: list[float]) -> tuple[float, float]:
    """(z, mean) of `observed` against the baseline hours (see the module's docstring)."""
    mean = sum(baseline) / len(baseline) if baseline else 0.0
    variance = sum((x - mean) ** 2 for x in baseline) / len(baseline) if baseline else 0.0
    spread = max(math.sqrt(variance), math.sqrt(mean), 1.0)
    return (observed - mean) / spread, mean


def share_z(negative: int, mentions: int, p0: float) -> float:
    """The one-proportion z of a negative share against `p0`."""
    if mentions <= 0:
        return 0.0
    p0 = min(max(p0, 0.01), 0.99)
    return (negative / mentions - p0) / math.sqrt(p0 * (1 - p0) / mentions)


def _baseline_hours(hour: dt.datetime) -> list[dt.datetime]:
    return [hour - dt.timedelta(days=d) for d in range(1, BASELINE_DAYS + 1)]


def _topic_counts(hours: list[dt.datetime]) -> dict[tuple[int, dt.datetime], Counts]:
    rows = (
        Marginal.objects.filter(
            period=Period.HOUR, bucket__in=hours, kind="", filter_dim="", dim=Dimension.TOPIC
        )
        .exclude(value="0")
        .values_list("value", "bucket", "mentions", "negative")
    )
    return {(int(key), bucket): Counts(m, n) for key, bucket, m, n in rows}


def _keyword_counts(
    hours: list[dt.datetime], only: Iterable[str] | None = None
) -> dict[tuple[str, dt.datetime], Counts]:
    rows = TermAggregate.objects.filter(
        period=Period.HOUR, bucket__in=hours, term_type=TermType.KEYWORD, topic_id=0
    )
    if only is not None:
        rows = rows.filter(folded__in=list(only))
    grouped = (
        rows.order_by().values("folded", "bucket").annotate(m=Sum("mentions"), n=Sum("negative"))
    )
    return {(r["folded"], r["bucket"]): Counts(r["m"], r["n"]) for r in grouped}


def _week_share(hour: dt.datetime, topic_id: int | None) -> float | None:
    rows = Marginal.objects.filter(
        period=Period.HOUR,
        bucket__gte=hour - dt.timedelta(days=BASELINE_DAYS),
        bucket__lt=hour,
        kind="",
        filter_dim="",
    )
    if topic_id is None:
        rows = rows.filter(dim=Dimension.NONE)
    else:
        rows = rows.filter(dim=Dimension.TOPIC, value=str(topic_id))
    total = rows.aggregate(m=Sum("mentions"), n=Sum("negative"))
    if (total["m"] or 0) < MIN_BASELINE:
        return None
    return total["n"] / total["m"]


def detect(now: dt.datetime | None = None) -> list[Alert]:
    """Check the current and the previous hour; returns the alerts raised now."""
    now = now or timezone.now()
    current = hour_of(now)
    raised: list[Alert] = []
    for hour in (current - HOUR, current):
        raised += _detect_hour(hour)
    return raised


def _detect_hour(hour: dt.datetime) -> list[Alert]:
    baseline_hours = _baseline_hours(hour)
    raised: list[Alert] = []

    topic_counts = _topic_counts([hour, *baseline_hours])
    labels = dict(Topic.objects.values_list("id", "label"))
    for (topic_id, bucket), now_counts in topic_counts.items():
        if bucket != hour or now_counts.mentions < MIN_MENTIONS:
            continue
        base = [topic_counts.get((topic_id, h), Counts(0, 0)) for h in baseline_hours]
        label = labels.get(topic_id, str(topic_id))
        raised += _check(AlertSubject.TOPIC, str(topic_id), label, hour, now_counts, base, topic_id)

    keyword_now = _keyword_counts([hour])
    busy = [k for (k, _), c in keyword_now.items() if c.mentions >= MIN_MENTIONS]
    if busy:
        keyword_counts = _keyword_counts(baseline_hours, busy)
        spelling = dict(
            TermAggregate.objects.filter(
                period=Period.HOUR, bucket=hour, folded__in=busy
            ).values_list("folded", "term")
        )
        for folded in busy:
            base = [keyword_counts.get((folded, h), Counts(0, 0)) for h in baseline_hours]
            raised += _check(
                AlertSubject.KEYWORD,
                folded,
                spelling.get(folded, folded),
                hour,
                keyword_now[(folded, hour)],
                base,
                None,
            )
    raised += _watchlists(hour)
    return raised


def _check(
    subject: str,
    key: str,
    label: str,
    hour: dt.datetime,
    now_counts: Counts,
    base: list[Counts],
    topic_id: int | None,
) -> list[Alert]:
    raised: list[Alert] = []
    z, mean = volume_z(now_counts.mentions, [c.mentions for c in base])
    share = now_counts.negative / now_counts.mentions if now_counts.mentions else 0.0
    if z >= Z_ALERT:
        alert = _raise(
            AlertKind.VOLUME, subject, key, label, hour, now_counts.mentions, mean, z, now_counts
        )
        raised += [alert] if alert else []
    base_m = sum(c.mentions for c in base)
    p0: float | None = sum(c.negative for c in base) / base_m if base_m >= MIN_BASELINE else None
    if p0 is None:
        p0 = _week_share(hour, topic_id)
    if p0 is None:
        p0 = _week_share(hour, None)
    if p0 is None:
        p0 = PRIOR_NEGATIVE_SHARE
    zs = share_z(now_counts.negative, now_counts.mentions, p0)
    if share - p0 >= MIN_SHARE_JUMP and zs >= Z_ALERT:
        alert = _raise(AlertKind.NEGATIVE, subject, key, label, hour, share, p0, zs, now_counts)
        raised += [alert] if alert else []
    return raised


WORD_BOUNDARY = r"(?<![0-9a-z]){}(?![0-9a-z])"


def _watchlists(hour: dt.datetime) -> list[Alert]:
    raised: list[Alert] = []
    lists = list(Watchlist.objects.filter(active=True))
    if not lists:
        return raised
    terms: dict[str, list[Watchlist]] = defaultdict(list)
    for watchlist in lists:
        for term in watchlist.terms:
            folded = " ".join(fold(term).split())
            if folded:
                terms[folded].append(watchlist)
    items = Item.objects.filter(
        state=ItemState.DONE, published_at__gte=hour, published_at__lt=hour + HOUR
    )
    for folded, watchers in terms.items():
        pattern = re.compile(WORD_BOUNDARY.format(re.escape(folded)))
        texts = items.filter(folded__contains=folded).values_list("folded", "sentiment")
        hits = [s for text, s in texts.iterator(chunk_size=2000) if pattern.search(text)]
        for watchlist in watchers:
            if len(hits) < watchlist.threshold:
                continue
            counts = Counts(len(hits), sum(1 for s in hits if s == "negative"))
            alert = _raise(
                AlertKind.WATCHLIST,
                AlertSubject.WATCHLIST,
                f"{watchlist.pk}:{folded}"[:200],
                folded,
                hour,
                len(hits),
                float(watchlist.threshold),
                len(hits) / max(watchlist.threshold, 1),
                counts,
                watchlist=watchlist,
            )
            raised += [alert] if alert else []
    return raised


def _raise(
    kind: str,
    subject: str,
    key: str,
    label: str,
    hour: dt.datetime,
    observed: float,
    baseline: float,
    score: float,
    counts: Counts,
    *,
    watchlist: Watchlist | None = None,
) -> Alert | None:
    if Alert.objects.filter(kind=kind, subject=subject, key=key, hour=hour).exists():
        return None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind,
                subject=subject,
                key=key,
                label=label[:300],
                hour=hour,
                observed=round(float(observed), 4),
                baseline=round(float(baseline), 4),
                score=round(float(score), 3),
                mentions=counts.mentions,
                negative_share=round(counts.negative / counts.mentions, 4)
                if counts.mentions
                else 0.0,
                watchlist=watchlist,
            )
    except IntegrityError:  # another worker raised it a moment ago
        return None
    _notify(alert)
    return alert


def evidence_url(alert: Alert) -> str:
    """The drill-down of the items behind an alert: its hour, its topic or its term."""
    params: dict[str, str] = {"hour": alert.hour.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:00Z")}
    if alert.subject == AlertSubject.TOPIC:
        params["topic"] = alert.key
    else:
        params["term"] = alert.label
    if alert.kind == AlertKind.NEGATIVE:
        params["sentiment"] = "negative"
    return f"{reverse('opinion:items')}?{urlencode(params)}"


def alert_title(alert: Alert) -> str:
    if alert.kind == AlertKind.VOLUME:
        return _("Unusual volume: “%(label)s”, %(count)d mentions in an hour") % {
            "label": alert.label,
            "count": alert.mentions,
        }
    if alert.kind == AlertKind.NEGATIVE:
        return _("Negative comments jump: “%(label)s”, %(share)d%% negative") % {
            "label": alert.label,
            "share": round(alert.negative_share * 100),
        }
    return _("Watchlist “%(name)s”: “%(term)s” mentioned %(count)d times in an hour") % {
        "name": alert.watchlist.name if alert.watchlist else "",
        "term": alert.label,
        "count": alert.mentions,
    }


def analysts() -> list[int]:
    from vcnet.accounts.models import Membership, Role, User

    members = set(
        Membership.objects.filter(role=Role.ANALYST, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    members |= set(
        User.objects.filter(is_superuser=True, is_active=True).values_list("id", flat=True)
    )
    return sorted(members)


def _notify(alert: Alert) -> None:
    from vcnet.notifications.services import notify

    # A watchlist's hits go to whoever keeps the list; spikes go to every analyst.
    recipients = [alert.watchlist.owner_id] if alert.watchlist is not None else analysts()
    notify(
        recipients=recipients,
        kind="opinion.alert",
        title=alert_title(alert),
        url=evidence_url(alert),
        urgent=alert.kind != AlertKind.WATCHLIST,
        obj=alert,
    )
