"""The hash-chained audit log: every service appends here; `vcnet audit verify` checks the chain.

Each entry stores the SHA-256 of its own canonical content plus the previous entry's hash, and
the `AuditHead` row holds the latest hash. Changing or deleting any row, including the last one,
breaks a link that `audit_verify` finds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from vcnet.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    body = {
        "time": entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor": entry.actor_repr,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object": entry.object_repr,
        "ip": entry.ip,
        "data": entry.data,
        "prev": entry.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the server saw it (a proxy must set REMOTE_ADDR correctly)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_write(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append one entry to the chain; call it inside the service's transaction."""
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS}
        )
        entry = AuditEntry(
            created_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_repr=str(actor)[:255] if actor is not None and getattr(actor, "pk", None) else "",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:255] if obj is not None else "",
            ip=client_ip(request),
            data=json.loads(json.dumps(data or {}, default=str)),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save()
        AuditHead.objects.filter(id=1).update(last_entry_id=entry.pk, last_hash=entry.hash)
    return entry


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain first fails to verify, and why."""

    entry_id: int | None
    reason: str


def _entries() -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:2000])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def audit_verify() -> tuple[int, ChainBreak | None]:
    """Walk the chain from the start; return how many entries verified and the first break."""
    expected_prev = GENESIS
    count = 0
    last: AuditEntry | None = None
    for entry in _entries():
        if entry.prev_hash != expected_prev:
            return count, ChainBreak(
                entry.id,
                "link to the previous entry is broken (an entry before it was changed or deleted)",
            )
        if entry_hash(entry) != entry.hash:
            return count, ChainBreak(
                entry.id, "content does not match its hash (the entry was changed)"
            )
        expected_prev = entry.hash
        last = entry
        count += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        if last is not None:
            return count, ChainBreak(None, "the chain head is missing")
        return count, None
    if head.last_hash != expected_prev or head.last_entry_id != (last.id if last else None):
        return count, ChainBreak(
            head.last_entry_id, "the last entries were deleted or the head was changed"
        )
    return count, None
