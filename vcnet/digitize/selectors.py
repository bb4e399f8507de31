"""Reads of the digitize app: the one access function per object, lists, batch progress and
the extraction's measured accuracy."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Role, User
from vcnet.core.errors import NotFound
from vcnet.digitize.models import (
    FieldCorrection,
    ImportBatch,
    ImportItem,
    ItemState,
    JobState,
    ScanJob,
)


def clerk_unit_ids(user: User) -> QuerySet[Membership, int]:
    """The units whose registry `user` is in (whose scans the user may see)."""
    return Membership.objects.filter(user=user, role=Role.CLERK).values_list("unit_id", flat=True)


def job_for_user(user: User, job_id: int) -> ScanJob:
    """A scan of a unit whose registry `user` is in; not found otherwise."""
    job = (
        ScanJob.objects.select_related("unit", "owner", "document", "batch")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise NotFound(_("Scan not found."))
    if not user.is_authenticated or not user.is_active:
        raise NotFound(_("Scan not found."))
    if job.unit_id not in set(clerk_unit_ids(user)):
        raise NotFound(_("Scan not found."))
    return job


def batch_for_user(user: User, batch_id: int) -> ImportBatch:
    """An import batch of a unit whose registry `user` is in; not found otherwise."""
    batch = ImportBatch.objects.select_related("unit", "owner").filter(pk=batch_id).first()
    if batch is None or not user.is_authenticated or not user.is_active:
        raise NotFound(_("Import not found."))
    if batch.unit_id not in set(clerk_unit_ids(user)):
        raise NotFound(_("Import not found."))
    return batch


def item_for_user(user: User, item_id: int) -> ImportItem:
    item = ImportItem.objects.select_related("batch", "job").filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("Import not found."))
    batch_for_user(user, item.batch_id)
    return item


def jobs_recent(user: User, limit: int = 20) -> list[ScanJob]:
    """The latest single scans (not batch files) of the user's registries."""
    return list(
        ScanJob.objects.filter(unit_id__in=clerk_unit_ids(user), batch__isnull=True)
        .select_related("unit", "owner", "document")
        .order_by("-created_at", "-id")[:limit]
    )


def batches_recent(user: User, limit: int = 20) -> list[ImportBatch]:
    return list(
        ImportBatch.objects.filter(unit_id__in=clerk_unit_ids(user))
        .select_related("unit", "owner")
        .annotate(
            finished=Count("items", filter=~Q(items__state=ItemState.PENDING)),
            failed=Count("items", filter=Q(items__state=ItemState.FAILED)),
        )
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class BatchProgress:
    """How far a batch has got: files finished, by outcome, and a percentage for the bar."""

    total: int
    pending: int
    registered: int
    duplicate: int
    failed: int
    percent: int

    @property
    def finished(self) -> bool:
        return self.pending == 0


def batch_progress(batch: ImportBatch) -> BatchProgress:
    counts = {
        row["state"]: row["n"]
        for row in batch.items.order_by().values("state").annotate(n=Count("id"))
    }
    running = ScanJob.objects.filter(
        batch=batch, state=JobState.RUNNING, items__state=ItemState.PENDING
    ).values_list("progress", flat=True)
    total = batch.total or sum(counts.values())
    done = total - counts.get(ItemState.PENDING, 0)
    share = done + sum(running) / 100
    return BatchProgress(
        total=total,
        pending=counts.get(ItemState.PENDING, 0),
        registered=counts.get(ItemState.REGISTERED, 0),
        duplicate=counts.get(ItemState.DUPLICATE, 0),
        failed=counts.get(ItemState.FAILED, 0),
        percent=int(100 * share / total) if total else 100,
    )


def batch_items(batch: ImportBatch) -> QuerySet[ImportItem]:
    return batch.items.select_related("job", "job__document", "duplicate_of").order_by(
        "position", "id"
    )


@dataclass(frozen=True)
class FieldAccuracy:
    field: str
    total: int
    kept: int

    @property
    def percent(self) -> float:
        return round(100 * self.kept / self.total, 1) if self.total else 0.0


def accuracy(user: User) -> list[FieldAccuracy]:
    """Per field, how often the registry kept what was read (from `FieldCorrection`)."""
    rows = (
        FieldCorrection.objects.filter(job__unit_id__in=clerk_unit_ids(user))
        .values("field")
        .annotate(total=Count("id"), kept=Count("id", filter=Q(changed=False)))
        .order_by("field")
    )
    return [FieldAccuracy(row["field"], row["total"], row["kept"]) for row in rows]
