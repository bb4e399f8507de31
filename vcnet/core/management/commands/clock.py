"""`vcnet clock`: enqueue the periodic tasks when they are due (see vcnet.core.schedule)."""

from __future__ import annotations

import signal
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from vcnet.core.schedule import clock_next_due, clock_tick, periodic_register_defaults

MAX_SLEEP = 30.0


class Command(BaseCommand):
    help = "Enqueue the periodic tasks when they are due; several clocks never enqueue twice."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        names = periodic_register_defaults()
        self.stdout.write(f"vcnet clock: {', '.join(names) or 'no periodic tasks'}.")
        self.stdout.flush()
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            try:
                for name in clock_tick():
                    self.stdout.write(f"vcnet clock: enqueued {name}.")
                due = clock_next_due()
            except DatabaseError as exc:
                if options["once"]:
                    raise
                # The database is away (or not migrated yet): try again later, do not die.
                self.stderr.write(f"vcnet clock: the database failed ({exc}); trying again.")
                due = None
            if options["once"]:
                return
            wait = MAX_SLEEP
            if due is not None:
                wait = min(MAX_SLEEP, max(0.5, (due - timezone.now()).total_seconds()))
            deadline = time.monotonic() + wait
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.5, deadline - time.monotonic()))
            close_old_connections()  # a database restart does not stop the clock
