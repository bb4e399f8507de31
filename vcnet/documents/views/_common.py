"""Helpers the e-office pages share: keyset cursors, the access log, the user's units."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from vcnet.accounts.models import Membership, Unit, User
from vcnet.core.errors import DomainError, NotFound
from vcnet.documents.models import AccessLog, Document, DocumentFile

PAGE_SIZE = 20


def user_of(request: HttpRequest) -> User:
    """The signed-in user (the views are behind `login_required`)."""
    return cast(User, request.user)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def access_log(
    request: HttpRequest, document: Document, action: str, file: DocumentFile | None = None
) -> None:
    """Write one row of the document's access log (Appendix VI III.5): views and downloads."""
    AccessLog.objects.create(
        document=document, user=user_of(request), action=action, file=file, ip=client_ip(request)
    )


def form_error(form: Any, exc: DomainError) -> None:
    """Show a service's refusal on the form; a NotFound stays a 404."""
    if isinstance(exc, NotFound):
        raise exc
    form.add_error(None, str(exc.message))


def units_with_role(user: User, *roles: str) -> QuerySet[Unit]:
    """Units in which `user` holds one of `roles`."""
    return Unit.objects.filter(
        pk__in=Membership.objects.filter(user=user, role__in=roles).values("unit_id")
    ).order_by("path")


def my_units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(
        pk__in=Membership.objects.filter(user=user).values("unit_id")
    ).order_by("path")


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any] | None:
    """The values of a cursor, or None for a missing or damaged one (start from the top)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(values, list):
        return None
    return values


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def after_q(fields: list[str], values: list[Any]) -> Q | None:
    """Rows strictly after `values` in a descending order over `fields` (a keyset filter).

    Fields whose name ends in `_at` hold times; the last one is the id.
    """
    if len(values) != len(fields):
        return None
    parsed: list[Any] = []
    for name, value in zip(fields, values, strict=True):
        if name.endswith("_at"):
            value = _parse_time(value)
            if value is None:
                return None
        elif not isinstance(value, int):
            return None
        parsed.append(value)
    q = Q()
    for i, name in enumerate(fields):
        step = Q(**{f"{name}__lt": parsed[i]})
        for j in range(i):
            step &= Q(**{fields[j]: parsed[j]})
        q |= step
    return q


def keyset_page(
    rows: QuerySet[Any], fields: list[str], cursor: str, size: int = PAGE_SIZE
) -> tuple[list[Any], str]:
    """One page of `rows` (ordered descending by `fields`) after `cursor`, and the next cursor."""
    values = decode_cursor(cursor)
    if values is not None:
        q = after_q(fields, values)
        if q is not None:
            rows = rows.filter(q)
    page = list(rows[: size + 1])
    more = len(page) > size
    page = page[:size]
    next_cursor = encode_cursor([getattr(page[-1], f) for f in fields]) if more else ""
    return page, next_cursor
