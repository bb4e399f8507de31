"""The document lifecycle as one explicit state machine: declared states, allowed transitions.

Every service that changes a document's status calls `transition()`, which refuses a move the
table does not allow; the table is the single place to read the whole lifecycle.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from vcnet.core.errors import Conflict
from vcnet.documents.models import Direction, Document, Status

S = Status

INCOMING: dict[str, set[str]] = {
    S.RECEIVED: {S.REGISTERED, S.RETURNED, S.RECALLED},
    S.REGISTERED: {S.DIRECTING, S.IN_PROGRESS, S.RECALLED},
    S.DIRECTING: {S.IN_PROGRESS, S.RECALLED},
    S.IN_PROGRESS: {S.DONE, S.RECALLED},
    S.DONE: {S.IN_PROGRESS, S.RECALLED},  # reopened when a handler's work was not enough
    S.RETURNED: set(),
    S.RECALLED: set(),
}

OUTGOING: dict[str, set[str]] = {
    S.DRAFT: {S.CONTENT_REVIEW, S.LAYOUT_REVIEW, S.SIGNER_REVIEW},
    S.CONTENT_REVIEW: {S.LAYOUT_REVIEW, S.SIGNER_REVIEW, S.DRAFT},
    S.LAYOUT_REVIEW: {S.SIGNER_REVIEW, S.DRAFT},
    S.SIGNER_REVIEW: {S.TO_SIGN, S.DRAFT},
    S.TO_SIGN: {S.TO_ISSUE, S.DRAFT},
    S.TO_ISSUE: {S.ISSUED},
    S.ISSUED: {S.RECALLED},
    S.RECALLED: set(),
}

# Incoming statuses as the sender sees them (edXML status codes).
EDXML_CODE_OF_STATUS: dict[str, str] = {
    S.RECEIVED: "01",
    S.RETURNED: "02",
    S.REGISTERED: "03",
    S.DIRECTING: "04",
    S.IN_PROGRESS: "05",
    S.DONE: "06",
}

# Statuses in which the content and files may still change.
EDITABLE = {S.RECEIVED, S.DRAFT}
# Statuses after which nothing but reading is allowed.
FINAL = {S.RETURNED, S.RECALLED}


def allowed(document: Document, target: str) -> bool:
    table = INCOMING if document.direction == Direction.INCOMING else OUTGOING
    return target in table.get(document.status, set())


def transition(document: Document, target: str) -> None:
    """Move `document` to `target` (in memory; the calling service saves), or raise Conflict."""
    if document.frozen or not allowed(document, target):
        raise Conflict(
            _("This document is %(status)s; that step is not possible now.")
            % {"status": document.get_status_display().lower()}
        )
    document.status = target
