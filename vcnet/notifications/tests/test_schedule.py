"""The periodic scheduler: due tasks are enqueued once, however many clocks tick; no sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from vcnet.core import schedule
from vcnet.core.schedule import clock_tick, periodic_register
from vcnet.notifications.models import PeriodicRun

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội


class FakeTask:
    """Counts its enqueues, like a django_tasks Task would run them."""

    def __init__(self) -> None:
        self.calls = 0

    def enqueue(self) -> None:
        self.calls += 1


@pytest.fixture
def registry() -> Iterator[None]:
    saved = schedule.periodic_tasks()
    schedule._REGISTRY.clear()
    yield
    schedule._REGISTRY.clear()
    schedule._REGISTRY.update(saved)


def test_interval_task_runs_once_per_interval(registry: None) -> None:
    task = FakeTask()
    periodic_register(task, 60, name="thu.nghiem")
    assert clock_tick(now=T0) == ["thu.nghiem"]
    assert clock_tick(now=T0) == []  # a second clock at the same moment enqueues nothing
    assert clock_tick(now=T0 + timedelta(seconds=59)) == []
    assert clock_tick(now=T0 + timedelta(seconds=60)) == ["thu.nghiem"]
    assert task.calls == 2
    assert PeriodicRun.objects.get(name="thu.nghiem").last_run_at == T0 + timedelta(seconds=60)


def test_a_run_taken_by_another_clock_is_not_enqueued_again(registry: None) -> None:
    task = FakeTask()
    periodic_register(task, 60, name="thu.nghiem")
    clock_tick(now=T0)
    # Another clock read the row, then this one moved it on first: the stale one loses the swap.
    row = PeriodicRun.objects.get(name="thu.nghiem")
    assert clock_tick(now=T0 + timedelta(seconds=61)) == ["thu.nghiem"]
    lost = PeriodicRun.objects.filter(name=row.name, next_run_at=row.next_run_at).update(
        next_run_at=T0 + timedelta(hours=1)
    )
    assert lost == 0 and task.calls == 2


def test_daily_task_runs_at_seven_in_hanoi(registry: None) -> None:
    task = FakeTask()
    periodic_register(task, 86400, name="ban.tin", at=time(7, 0))
    assert clock_tick(now=T0) == []  # 08:00 local: the first run is tomorrow 07:00
    due = PeriodicRun.objects.get(name="ban.tin").next_run_at
    assert due == datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
    assert clock_tick(now=due - timedelta(seconds=1)) == []
    assert clock_tick(now=due) == ["ban.tin"]
    assert PeriodicRun.objects.get(name="ban.tin").next_run_at == due + timedelta(days=1)


def test_a_failing_enqueue_does_not_stop_the_others(registry: None) -> None:
    class Broken:
        def enqueue(self) -> None:
            raise RuntimeError("hàng đợi hỏng")

    good = FakeTask()
    periodic_register(Broken(), 60, name="hong")
    periodic_register(good, 60, name="tot")
    assert clock_tick(now=T0) == ["tot"]
    assert good.calls == 1


def test_register_refuses_a_zero_interval(registry: None) -> None:
    with pytest.raises(ValueError):
        periodic_register(FakeTask(), 0, name="sai")


def test_clock_command_registers_the_digest(registry: None) -> None:
    out = StringIO()
    call_command("clock", "--once", stdout=out)
    assert "notifications.digest" in out.getvalue()
    assert PeriodicRun.objects.filter(name="notifications.digest").exists()


@pytest.mark.django_db
def test_the_projects_periodic_tasks_are_registered_and_run(registry: None) -> None:
    names = schedule.periodic_register_defaults()
    assert set(names) == {
        "social.publish_scheduled_posts",
        "notifications.digest",
        "signing.requests_expire",
        "social.purge_media",
        "moderation.notes_score",
        "assistant.index_changed",
        "opinion.collect",
        "opinion.recluster",
        "opinion.prune",
    }
    for entry in schedule.periodic_tasks().values():
        assert entry.task.enqueue().return_value == 0  # nothing is due in an empty database
