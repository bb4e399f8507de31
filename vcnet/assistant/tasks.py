"""Background work of the assistant (ids and JSON only; each task wraps one service)."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task(queue_name="default")
def index_changed() -> int:
    """Index the sources changed since the last run and drop those gone (every minute, by the
    clock). Returns how many sources had their passages written or removed."""
    from vcnet.assistant import indexing

    counts = indexing.index_changed()
    if any(counts.values()):
        log.info("assistant: sources indexed: %s", counts)
    return sum(counts.values())
