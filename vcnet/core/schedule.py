"""Periodic tasks: a registry and one tick of the clock (`vcnet clock` runs it in a loop).

Each registered task has a row with its next due time; a tick enqueues a due task only after it
moved that time forward with a compare-and-swap UPDATE, so however many clocks run, each due
run is enqueued once. Tests pass `now` instead of sleeping.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    """A task to enqueue every `every_seconds`, or daily at the local time `at`."""

    name: str
    task: Any  # a django_tasks Task (anything with .enqueue())
    every_seconds: int
    at: time | None = None

    def first_due(self, now: datetime) -> datetime:
        return now if self.at is None else self.next_due(now)

    def next_due(self, now: datetime) -> datetime:
        if self.at is None:
            return now + timedelta(seconds=self.every_seconds)
        local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
        candidate = local.replace(
            hour=self.at.hour, minute=self.at.minute, second=self.at.second, microsecond=0
        )
        while candidate <= local:
            candidate += timedelta(seconds=self.every_seconds)
        return candidate


_REGISTRY: dict[str, Periodic] = {}

# The periodic tasks of the project: (name, dotted path of the task, every seconds, local time).
# A task whose module does not exist (yet) is left out.
DEFAULTS: tuple[tuple[str, str, int, time | None], ...] = (
    (
        "social.publish_scheduled_posts",
        "vcnet.social.tasks_posts.publish_scheduled_posts",
        60,
        None,
    ),
    ("notifications.digest", "vcnet.notifications.tasks.send_digests", 86400, time(7, 0)),
    ("signing.requests_expire", "vcnet.signing.tasks.signature_requests_expire", 3600, None),
    ("social.purge_media", "vcnet.social.tasks_posts.purge_unattached_media", 86400, time(3, 0)),
    ("moderation.notes_score", "vcnet.moderation.tasks.notes_score", 3600, None),
    ("assistant.index_changed", "vcnet.assistant.tasks.index_changed", 60, None),
    ("opinion.collect", "vcnet.opinion.tasks.collect", 20, None),
    ("opinion.recluster", "vcnet.opinion.tasks.recluster", 3600, None),
    ("opinion.prune", "vcnet.opinion.tasks.prune", 86400, time(3, 30)),
)


def periodic_register(
    task: Any, every_seconds: int, *, name: str, at: time | None = None
) -> Periodic:
    """Run `task` (no arguments) every `every_seconds`, or daily at `at` (local time)."""
    if every_seconds < 1:
        raise ValueError("every_seconds must be at least 1")
    entry = Periodic(name=name, task=task, every_seconds=every_seconds, at=at)
    _REGISTRY[name] = entry
    return entry


def periodic_unregister(name: str) -> None:
    """Forget one periodic task (tests)."""
    _REGISTRY.pop(name, None)


def periodic_tasks() -> dict[str, Periodic]:
    """The registered periodic tasks by name."""
    return dict(_REGISTRY)


def periodic_register_defaults() -> list[str]:
    """Register the project's periodic tasks that exist; returns their names."""
    names = []
    for name, path, every, at in DEFAULTS:
        module_name, _, attribute = path.rpartition(".")
        try:
            task = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError):
            continue
        periodic_register(task, every, name=name, at=at)
        names.append(name)
    return names


def clock_tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every registered task that is due at `now`; returns the names enqueued."""
    from vcnet.notifications.models import PeriodicRun

    now = now or timezone.now()
    enqueued = []
    for entry in list(_REGISTRY.values()):
        row = PeriodicRun.objects.filter(name=entry.name).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = PeriodicRun.objects.create(
                        name=entry.name, next_run_at=entry.first_due(now)
                    )
            except IntegrityError:  # another clock made it at the same moment
                row = PeriodicRun.objects.get(name=entry.name)
        if row.next_run_at > now:
            continue
        claimed = PeriodicRun.objects.filter(name=entry.name, next_run_at=row.next_run_at).update(
            next_run_at=entry.next_due(now), last_run_at=now
        )
        if not claimed:  # another clock took this run
            continue
        try:
            entry.task.enqueue()
        except Exception:
            log.exception("Could not enqueue the periodic task %s", entry.name)
            continue
        enqueued.append(entry.name)
    return enqueued


def clock_next_due() -> datetime | None:
    """The earliest next due time among the registered tasks (None before the first tick)."""
    from vcnet.notifications.models import PeriodicRun

    times = list(
        PeriodicRun.objects.filter(name__in=list(_REGISTRY)).values_list("next_run_at", flat=True)
    )
    if len(times) < len(_REGISTRY):
        return None
    return min(times, default=None)
