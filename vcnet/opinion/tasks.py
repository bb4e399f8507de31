"""Background work of opinion monitoring (ids and JSON only; each task wraps a module call).

The clock runs `collect` every 20 seconds (VCNET's public posts, then the feeds whose time has
come, then the analysis of what arrived, then the spike check), `recluster` every hour and
`prune` (old hour rows) every night;
`process` also runs as soon as new items are committed. They run on the "opinion" queue, which
`vcnet serve` gives `OPINION_WORKERS` workers of its own: mail and notifications never wait
behind an analysis, and several workers analyse different batches (`pipeline.claim`).
"""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task(queue_name="opinion")
def process() -> int:
    """Analyse waiting items for up to ~50 s, then check for spikes; returns items analysed."""
    from vcnet.opinion import alerts, pipeline

    result = pipeline.process_pending(max_seconds=50.0)
    if result.items:
        alerts.detect()
        log.info("opinion: %d items analysed in %.1f s", result.items, result.seconds)
    return result.items


@task(queue_name="opinion")
def collect() -> int:
    """Read new public posts and due feeds, analyse what came, check for spikes; returns the
    number of items analysed."""
    from vcnet.opinion import alerts, pipeline, services, topics
    from vcnet.opinion.models import Topic

    counts = {"platform": services.ingest_platform()}
    counts.update(services.fetch_due_feeds())
    counts["analysed"] = pipeline.process_pending(max_seconds=40.0).items
    if counts["analysed"] and not Topic.objects.filter(active=True).exists():
        counts.update(topics.recluster())  # the first topics, without waiting for the hour
    counts["alerts"] = len(alerts.detect())
    if any(counts.values()):
        log.info("opinion: %s", counts)
    return counts["analysed"]


@task(queue_name="opinion")
def prune() -> int:
    """Drop old hour rows of the aggregates (days and weeks stay); returns the rows deleted."""
    from vcnet.opinion import aggregates

    deleted = aggregates.prune()
    if deleted:
        log.info("opinion: %d old hour rows dropped", deleted)
    return deleted


@task(queue_name="opinion")
def recluster() -> int:
    """Form new topics from the last week's items without one; refresh the others. Returns
    the number of topics created."""
    from vcnet.opinion import topics

    counts = topics.recluster()
    if counts["created"] or counts["retired"]:
        log.info("opinion: topics %s", counts)
    return counts["created"]
