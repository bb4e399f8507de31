"""The hash-chained audit log: every service appends here; `vcnet audit verify` checks the chain.

Each entry stores the SHA-256 of its own canonical content plus the previous entry's hash, and
the `AuditHead` row holds the latest hash. Changing or deleting any row, including the last one,
breaks a link that `audit_verify` finds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

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
    return _normalize_ip(request.META.get("REMOTE_ADDR"))


def _normalize_ip(value: str | None) -> str | None:
    # Stored exactly as the database will give it back, so the hash survives the round trip
    # (PostgreSQL's inet and Django's field both rewrite "2001:DB8::0001" as "2001:db8::1");
    # something that is not an address is dropped rather than failing the whole write.
    if not value:
        return None
    try:
        ipaddress.ip_address(value.strip())
        prepared: str = AuditEntry._meta.get_field("ip").get_prep_value(value.strip())
    except (ValueError, ValidationError):
        return None
    return prepared


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


def _entries(after_id: int, up_to_id: int | None) -> Iterator[AuditEntry]:
    last_id = after_id
    while True:
        rows = AuditEntry.objects.filter(id__gt=last_id).order_by("id")
        if up_to_id is not None:
            rows = rows.filter(id__lte=up_to_id)
        batch = list(rows[:2000])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def audit_verify() -> tuple[int, ChainBreak | None]:
    """Walk the chain from the start; return how many entries verified and the first break.

    Safe while others append: it verifies up to the head it read first, then catches up with
    the head as long as it moves; rows beyond a head that stands still were not appended by
    `audit_write` and count as a break.
    """
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        stray = AuditEntry.objects.order_by("id").values_list("id", flat=True).first()
        if stray is None:
            return 0, None
        head = AuditHead.objects.filter(id=1).first()  # the first append may just have committed
        if head is None:
            return 0, ChainBreak(stray, _("the chain head is missing"))
    expected_prev = GENESIS
    count = 0
    last: AuditEntry | None = None
    while True:
        target_id = head.last_entry_id
        if target_id is not None:
            for entry in _entries(last.id if last else 0, target_id):
                if entry.prev_hash != expected_prev:
                    return count, ChainBreak(
                        entry.id,
                        _(
                            "link to the previous entry is broken "
                            "(an entry before it was changed or deleted)"
                        ),
                    )
                if entry_hash(entry) != entry.hash:
                    return count, ChainBreak(
                        entry.id, _("content does not match its hash (the entry was changed)")
                    )
                expected_prev = entry.hash
                last = entry
                count += 1
        if head.last_hash != expected_prev or target_id != (last.id if last else None):
            return count, ChainBreak(
                target_id, _("the last entries were deleted or the head was changed")
            )
        beyond = AuditEntry.objects.filter(id__gt=last.id if last else 0)
        first_beyond = beyond.order_by("id").values_list("id", flat=True).first()
        if first_beyond is None:
            return count, None
        moved = AuditHead.objects.filter(id=1).first()
        if moved is None or (moved.last_entry_id, moved.last_hash) == (
            head.last_entry_id,
            head.last_hash,
        ):
            return count, ChainBreak(
                first_beyond, _("an entry was added after the chain head by hand")
            )
        head = moved
