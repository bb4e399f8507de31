"""Cursor (keyset) pagination for the API: stable under inserts, cheap at any depth.

A page is `{"items": [...], "next": "<cursor or null>"}`. The cursor is opaque to clients:
base64url of a small JSON object holding the ordering key's name and the last row's
(key value, id). The next page is the rows strictly after that pair in (key, id) order,
so no row is repeated or skipped while rows are added elsewhere. Use it in a handler:

    class UnitPage(CursorPage[UnitOut]): ...

    @router.get("/units", response=UnitPage)
    def units(request, page: Query[CursorParams]):
        return paginate(unit_list(...), params=page, key="path")

The key must be a non-null field (or a `__` path to one); prefix it with "-" to walk
newest/largest first.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import json
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from vcnet.core.errors import DomainError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

T = TypeVar("T")
M = TypeVar("M", bound=Model)


class InvalidCursor(DomainError):
    """The cursor was not made by this endpoint (tampered, truncated, or for another list)."""

    status = 400
    code = "invalid_cursor"


class CursorParams(Schema):
    """Query parameters of every cursor-paginated list."""

    cursor: str | None = Field(
        None, description="Opaque cursor from the previous page's `next`; omit for the first page."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


class CursorPage(Schema, Generic[T]):
    """One page of a list; subclass it per item type so the OpenAPI name stays readable."""

    items: list[T]
    next: str | None = Field(description="Cursor of the next page; null on the last page.")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def encode_cursor(key: str, value: Any, pk: Any) -> str:
    """The opaque cursor pointing just after the row with (`value`, `pk`) under `key`."""
    raw = json.dumps({"k": key, "v": _jsonable(value), "i": pk}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, key: str) -> tuple[Any, Any]:
    """The (key value, id) a cursor points after; InvalidCursor if it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidCursor(_("The pagination cursor is invalid.")) from None
    if (
        not isinstance(data, dict)
        or data.get("k") != key
        or not _scalar(data.get("v"))
        or not _scalar(data.get("i"))
    ):
        raise InvalidCursor(_("The pagination cursor is invalid."))
    return data["v"], data["i"]


def _scalar(value: Any) -> bool:
    # Only what encode_cursor writes: strings, and integers a 64-bit column can hold.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, str) and len(value) <= 1000


def _attr(obj: Any, path: str) -> Any:
    if isinstance(obj, dict):  # a row of .values(): the key is named as given, "id" for pk
        return obj["id" if path == "pk" else path]
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def paginate(queryset: QuerySet[M], *, params: CursorParams, key: str = "id") -> dict[str, Any]:
    """One page of `queryset` ordered by (`key`, id), as `{"items": [...], "next": ...}`.

    Runs exactly one query (plus whatever `prefetch_related` the queryset asks for).
    """
    descending = key.startswith("-")
    field = key.lstrip("-")
    limit = max(1, min(params.limit, MAX_LIMIT))
    order = [f"-{field}", "-pk"] if descending else [field, "pk"]
    queryset = queryset.order_by(*order)
    if params.cursor:
        value, pk = decode_cursor(params.cursor, key)
        after = "lt" if descending else "gt"
        try:
            queryset = queryset.filter(
                Q(**{f"{field}__{after}": value}) | Q(**{field: value, f"pk__{after}": pk})
            )
        except (ValueError, TypeError, ValidationError):
            # A well-formed cursor whose values do not fit the column (e.g. a text id).
            raise InvalidCursor(_("The pagination cursor is invalid.")) from None
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(key, _attr(last, field), _attr(last, "pk"))
    return {"items": rows, "next": next_cursor}
