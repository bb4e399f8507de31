"""Reads of the e-office: inboxes, lists, search. Every one of them is limited by `access`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.core.search import SearchHit, search_query
from vcnet.documents.access import holder_q, readable_documents, readable_ids
from vcnet.documents.models import Document, WorkItem, WorkKind
from vcnet.documents.services.common import SEARCH_TYPE, search_scope

# Inbox tabs and the kinds of work item each shows; "overdue" and "week" cut across kinds.
TABS: dict[str, tuple[str, ...]] = {
    "register": (WorkKind.REGISTER,),
    "direct": (WorkKind.DIRECT,),
    "handle": (
        WorkKind.HANDLE,
        WorkKind.COORDINATE,
        WorkKind.REVISE,
        WorkKind.EXTENSION,
        WorkKind.RECALL,
    ),
    "approve": (WorkKind.APPROVE,),
    "sign": (WorkKind.SIGN,),
    "issue": (WorkKind.ISSUE,),
    "info": (WorkKind.INFO,),
}
TAB_NAMES = ("all", *TABS, "overdue", "week")


def open_work(user: User) -> QuerySet[WorkItem]:
    """Open work items addressed to `user` or to a role `user` holds."""
    if not user.is_authenticated:
        return WorkItem.objects.none()
    return WorkItem.objects.filter(holder_q(user), done_at__isnull=True)


def inbox(user: User, tab: str = "all", *, today: dt.date | None = None) -> QuerySet[WorkItem]:
    """One inbox tab, most urgent first, then newest; the document comes in the same query."""
    today = today or timezone.localdate()
    items = open_work(user)
    if tab in TABS:
        items = items.filter(kind__in=TABS[tab])
    elif tab == "overdue":
        items = items.filter(deadline__lt=today)
    elif tab == "week":
        items = items.filter(deadline__gte=today, deadline__lte=today + dt.timedelta(days=7))
    return items.select_related("document", "document__doc_type", "document__unit").order_by(
        "-priority", "-created_at", "-id"
    )


def inbox_counts(user: User, *, today: dt.date | None = None) -> dict[str, int]:
    """How many open items each tab holds, in one query."""
    today = today or timezone.localdate()
    aggregates = {tab: Count("id", filter=Q(kind__in=kinds)) for tab, kinds in TABS.items()}
    aggregates["overdue"] = Count("id", filter=Q(deadline__lt=today))
    aggregates["week"] = Count(
        "id", filter=Q(deadline__gte=today, deadline__lte=today + dt.timedelta(days=7))
    )
    aggregates["all"] = Count("id")
    counts = open_work(user).aggregate(**aggregates)
    return {tab: counts.get(tab) or 0 for tab in TAB_NAMES}


@dataclass
class DocumentFilters:
    """The filters of the document list and search; every field optional."""

    direction: str = ""
    doc_type_id: int | None = None
    unit_id: int | None = None
    status: str = ""
    priority: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def active(self) -> bool:
        """Whether any filter is set."""
        return any(
            value not in ("", None)
            for value in (
                self.direction,
                self.doc_type_id,
                self.unit_id,
                self.status,
                self.priority,
                self.date_from,
                self.date_to,
            )
        )

    def apply(self, documents: QuerySet[Document]) -> QuerySet[Document]:
        if self.direction:
            documents = documents.filter(direction=self.direction)
        if self.doc_type_id:
            documents = documents.filter(doc_type_id=self.doc_type_id)
        if self.unit_id:
            documents = documents.filter(unit_id=self.unit_id)
        if self.status:
            documents = documents.filter(status=self.status)
        if self.priority is not None:
            documents = documents.filter(priority=self.priority)
        if self.date_from:
            documents = documents.filter(created_at__date__gte=self.date_from)
        if self.date_to:
            documents = documents.filter(created_at__date__lte=self.date_to)
        return documents


def document_list(user: User, filters: DocumentFilters | None = None) -> QuerySet[Document]:
    """Documents `user` may read, newest first, filtered."""
    documents = readable_documents(user)
    if filters is not None:
        documents = filters.apply(documents)
    return documents.select_related("doc_type", "unit").order_by("-created_at", "-id")


@dataclass
class DocumentHit:
    document: Document
    snippet: str
    score: float


def document_search(
    user: User, q: str, filters: DocumentFilters | None = None, *, limit: int = 50
) -> list[DocumentHit]:
    """Full-text search over subject, number and notation, issuer, signer and the PDF's text,
    ignoring diacritics (đ→d); permission and filters apply inside the ranked query."""
    if not user.is_authenticated:
        return []
    # The ids `user` may read (narrowed by the filters), as text like the index's object ids,
    # without ordering: the ranked query runs once over exactly these.
    within: QuerySet[Any, Any]
    if filters is not None and filters.active():
        ids = filters.apply(Document.objects.filter(pk__in=readable_ids(user))).values("pk")
        within = ids.annotate(oid=Cast("pk", CharField())).values("oid").order_by()
    else:
        within = (
            readable_ids(user)
            .annotate(oid=Cast("document_id", CharField()))
            .values("oid")
            .order_by()
        )
    unit_ids = (
        Document.objects.filter(pk__in=readable_ids(user))
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    scopes = [search_scope(unit_id) for unit_id in unit_ids]
    hits: list[SearchHit] = search_query(
        q, scopes=scopes, types=[SEARCH_TYPE], limit=limit, within=within
    )
    documents = Document.objects.select_related("doc_type", "unit").in_bulk(
        [int(hit.object_id) for hit in hits]
    )
    return [
        DocumentHit(documents[int(hit.object_id)], hit.snippet, hit.score)
        for hit in hits
        if int(hit.object_id) in documents
    ]


def documents_changed_since(since: dt.datetime | None) -> QuerySet[Document]:
    """Every document changed after `since` (all when None), oldest change first.

    For indexing only (the assistant's passages): nothing here is limited by `access`, so what
    it returns must never be shown; permission is checked when passages are retrieved.
    """
    documents = Document.objects.select_related("doc_type").prefetch_related("files")
    if since is not None:
        documents = documents.filter(updated_at__gt=since)
    return documents.order_by("updated_at", "id")
