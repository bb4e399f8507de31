"""Background work of the e-office (ids and JSON only; each task wraps one service)."""

from __future__ import annotations

from django_tasks import task

from vcnet.documents.services.exchange import hub_poll


@task(queue_name="default")
def exchange_poll() -> dict[str, object]:
    """Take in what waits at the exchange hub for every unit with an organisation identifier."""
    result = hub_poll()
    return {
        "packages": result.packages,
        "statuses": result.statuses,
        "refused": result.refused,
    }
