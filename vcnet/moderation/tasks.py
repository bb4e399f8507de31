"""Background work of moderation (ids and JSON only; each task wraps one service)."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task(queue_name="default")
def notes_score() -> int:
    """Score the context notes and update what posts show (run hourly by the clock).

    Returns how many notes the fit scored (0 when no note has enough ratings).
    """
    from vcnet.moderation.scoring import score_notes

    run = score_notes()
    log.info("Context notes scored: %s", run.as_dict())
    return run.notes_scored
