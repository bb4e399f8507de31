"""Permission and input checks shared by the incoming-document services.

Each check raises a `DomainError` with a message the user can act on; a document the actor may
not read is reported as not found (`NotFound`), so nobody learns that it exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Unit, User
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.documents.access import can_read, holds_role
from vcnet.documents.models import Document
from vcnet.documents.services.common import PDF_MAGIC


def readable_or_404(actor: User | None, document: Document) -> None:
    """Refuse (as not found) anyone who may not read `document`."""
    if actor is None or not can_read(actor, document):
        raise NotFound(_("Document not found."))


def require_role(actor: User, unit: Unit | int, *roles: str, message: str) -> None:
    """Refuse unless `actor` holds one of `roles` in `unit`."""
    if not holds_role(actor, unit, *roles):
        raise PermissionDeniedError(message)


def is_member(user: User, unit: Unit | int) -> bool:
    """Whether `user` holds any role in `unit`."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return Membership.objects.filter(user=user, unit_id=unit_id).exists()


@contextmanager
def locked(document: Document) -> Iterator[Document]:
    """One transaction holding the document's row lock (see `lock`). If the block fails, the
    caller's instance is reloaded, so it never shows a change that was rolled back."""
    try:
        with transaction.atomic():
            yield lock(document)
    except BaseException:
        with suppress(Exception):
            document.refresh_from_db()
        raise


def lock(document: Document) -> Document:
    """Lock the document's row for the rest of the transaction and reload it in place, so two
    people acting on it at once are served one after the other, each seeing the other's change."""
    document.refresh_from_db(from_queryset=Document.objects.select_for_update())
    return document


def too_long(field: str) -> str:
    """The "too long" message for one field, still waiting for its `%(limit)d`."""
    return _("%(field)s is longer than %(limit)d characters.").replace("%(field)s", field)


def text_required(value: str, *, limit: int, empty: str, too_long: str) -> str:
    """`value` stripped; refused when empty or longer than `limit` characters."""
    value = (value or "").strip()
    if not value:
        raise DomainError(empty)
    if len(value) > limit:
        raise DomainError(too_long % {"limit": limit})
    return value


def text_optional(value: str, *, limit: int, too_long: str) -> str:
    """`value` stripped; refused when longer than `limit` characters."""
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(too_long % {"limit": limit})
    return value


def date_not_past(value: dt.date | None, *, message: str) -> dt.date | None:
    """Refuse a date before today."""
    if value is not None and value < timezone.localdate():
        raise DomainError(message)
    return value


def pdf_name_matches(stream: IO[bytes], name: str) -> None:
    """A file named `.pdf` must be a PDF: catches a renamed Word file or image early, with a
    message that says so (the content decides what the file is, never the name)."""
    if not name.lower().endswith(".pdf"):
        return
    seekable = getattr(stream, "seekable", None)
    if not callable(seekable) or not seekable():
        return
    position = stream.tell()
    head = stream.read(len(PDF_MAGIC))
    stream.seek(position)
    if head and not head.startswith(PDF_MAGIC):
        raise DomainError(
            _("The file %(name)s is named .pdf but is not a PDF.") % {"name": name[-100:]}
        )


def choice(value: int, choices: Any, *, message: str) -> int:
    """Refuse a value outside an `IntegerChoices`."""
    if value not in choices.values:
        raise DomainError(message)
    return int(value)
