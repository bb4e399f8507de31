"""The assistant's answers from the e-office: what is due soon, what is overdue, how much work
waits, and finding documents by topic, type and period.

Everything is read through `vcnet.documents.selectors` (the inbox, its counts, the document list
and search), so the asker sees exactly what the e-office would show them: a document they may
not read is never listed, counted or named. Answers link to the documents and, when there are
more than `MAX_LINKS`, to the full list in the e-office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vcnet.accounts.models import Membership, User
from vcnet.assistant.intents import DUE_SOON, FIND_DOCUMENTS, OVERDUE, PENDING_COUNT, Intent
from vcnet.assistant.models import AnswerMode
from vcnet.assistant.types import Answer
from vcnet.documents.models import AssignmentRole, Document, DocumentType, WorkItem, WorkKind
from vcnet.documents.selectors import (
    DocumentFilters,
    document_list,
    document_search,
    inbox,
    inbox_counts,
)

__all__ = ["MAX_LINKS", "SEARCH_LIMIT", "run"]

MAX_LINKS = 10
# Hits of a topic search to consider before the period is applied (the e-office's own limit).
SEARCH_LIMIT = 200
DATE = "d/m/Y"

# The inbox tabs named in the summary of waiting work, in the order they are told.
TAB_PARTS = {
    "register": gettext_lazy("%(count)d to register"),
    "direct": gettext_lazy("%(count)d to direct"),
    "handle": gettext_lazy("%(count)d to handle"),
    "approve": gettext_lazy("%(count)d to approve"),
    "sign": gettext_lazy("%(count)d to sign"),
    "issue": gettext_lazy("%(count)d to number and issue"),
    "info": gettext_lazy("%(count)d for information"),
}


def run(user: Any, intent: Intent) -> Answer:
    """The answer to a recognised e-office request, from what `user` may see there."""
    if not _is_official(user):
        answer = _answer(
            _(
                "The e-office (documents, deadlines and work to handle) is for officials of the "
                "organisation's units, and your account belongs to none. I can still answer "
                "questions about published policies and the FAQ."
            )
        )
    else:
        handlers: dict[str, Callable[[User, dict[str, Any]], Answer]] = {
            DUE_SOON: _due_soon,
            OVERDUE: _overdue,
            PENDING_COUNT: _pending,
            FIND_DOCUMENTS: _find,
        }
        handler = handlers.get(intent.name)
        if handler is None:
            raise ValueError(f"Unknown intent: {intent.name}")
        answer = handler(user, intent.params)
    answer.intent = intent.name
    return answer


def _is_official(user: Any) -> bool:
    """Whether `user` belongs to a unit (the e-office is theirs); citizens do not."""
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user_id=user.pk).exists()


def _answer(text: str, links: list[dict[str, str]] | None = None) -> Answer:
    return Answer(text=text, mode=AnswerMode.ACTION, answered=True, links=links or [])


# --- The inbox: due soon, overdue, waiting ---------------------------------------------------


def _due_soon(user: User, params: dict[str, Any]) -> Answer:
    today = timezone.localdate()
    counts = inbox_counts(user, today=today)
    count = counts["week"]
    if count:
        text = ngettext(
            "You have %(count)d document due in the next 7 days.",
            "You have %(count)d documents due in the next 7 days.",
            count,
        ) % {"count": count}
    else:
        text = _("Nothing of yours falls due in the next 7 days.")
    if counts["overdue"]:
        text += " " + _overdue_sentence(counts["overdue"])
    items = inbox(user, "week", today=today).order_by("deadline", "-priority", "id")
    return _answer(text, _item_links(items, count, "week", today))


def _overdue(user: User, params: dict[str, Any]) -> Answer:
    today = timezone.localdate()
    count = inbox_counts(user, today=today)["overdue"]
    text = _overdue_sentence(count) if count else _("Nothing of yours is overdue.")
    items = inbox(user, "overdue", today=today).order_by("deadline", "-priority", "id")
    return _answer(text, _item_links(items, count, "overdue", today))


def _overdue_sentence(count: int) -> str:
    return ngettext(
        "%(count)d document of yours is overdue.",
        "%(count)d documents of yours are overdue.",
        count,
    ) % {"count": count}


def _pending(user: User, params: dict[str, Any]) -> Answer:
    today = timezone.localdate()
    counts = inbox_counts(user, today=today)
    total = counts["all"]
    if not total:
        return _answer(_("Nothing is waiting for you in the e-office."))
    text = ngettext(
        "You have %(count)d document waiting in the e-office",
        "You have %(count)d documents waiting in the e-office",
        total,
    ) % {"count": total}
    parts = [str(part) % {"count": counts[tab]} for tab, part in TAB_PARTS.items() if counts[tab]]
    text += ": " + ", ".join(parts) + "."
    if counts["overdue"]:
        text += " " + _overdue_sentence(counts["overdue"])
    if counts["week"]:
        text += " " + ngettext(
            "%(count)d falls due in the next 7 days.",
            "%(count)d fall due in the next 7 days.",
            counts["week"],
        ) % {"count": counts["week"]}
    return _answer(text, _item_links(inbox(user, "all", today=today), total, "all", today))


def _item_links(
    items: QuerySet[WorkItem], count: int, tab: str, today: dt.date
) -> list[dict[str, str]]:
    """Links to the documents of the first `MAX_LINKS` items, then to the inbox tab if more."""
    links = [
        {
            "title": _title(item.document),
            "url": reverse("documents:detail", args=[item.document_id]),
            "meta": _item_meta(item, today),
        }
        for item in items.select_related("assignment")[:MAX_LINKS]
    ]
    if count > len(links):
        links.append(
            {
                "title": _("See all %(count)d in the e-office inbox") % {"count": count},
                "url": f"{reverse('documents:inbox')}?{urlencode({'tab': tab})}",
                "meta": "",
            }
        )
    return links


def _item_meta(item: WorkItem, today: dt.date) -> str:
    """e.g. "Due 30/11/2026 (in 3 days) · Lead handler"."""
    parts = []
    if item.deadline:
        parts.append(_deadline_text(item.deadline, today))
    parts.append(_what(item))
    return " · ".join(parts)


def _deadline_text(deadline: dt.date, today: dt.date) -> str:
    days = (deadline - today).days
    when = date_format(deadline, DATE)
    if days < 0:
        late = -days
        return ngettext(
            "Due %(date)s (%(days)d day overdue)",
            "Due %(date)s (%(days)d days overdue)",
            late,
        ) % {"date": when, "days": late}
    if days == 0:
        return _("Due %(date)s (today)") % {"date": when}
    return ngettext("Due %(date)s (in %(days)d day)", "Due %(date)s (in %(days)d days)", days) % {
        "date": when,
        "days": days,
    }


def _what(item: WorkItem) -> str:
    """What the item asks of its holder, as the routing slip says it."""
    if item.kind == WorkKind.HANDLE and (
        item.assignment is None or item.assignment.role == AssignmentRole.LEAD
    ):
        return _("Lead handler")
    if item.kind == WorkKind.COORDINATE or (
        item.assignment is not None and item.assignment.role == AssignmentRole.COORDINATE
    ):
        return _("Coordinating")
    return str(item.get_kind_display())


def _title(document: Document) -> str:
    """The subject with the document's number and notation in front, when it has them."""
    code = document.code
    return f"{code}: {document.subject}" if code else document.subject


# --- Finding documents -----------------------------------------------------------------------


def _find(user: User, params: dict[str, Any]) -> Answer:
    query = str(params.get("query") or "").strip()
    doc_type = _doc_type(params)
    filters = DocumentFilters(doc_type_id=doc_type.pk if doc_type else None)
    first = _date(params.get("date_from"))
    last = _date(params.get("date_to"))
    documents: list[Document]
    if query:
        hits = document_search(
            user, query, filters if filters.active() else None, limit=SEARCH_LIMIT
        )
        documents = [hit.document for hit in hits if _in_period(hit.document, first, last)]
        count = len(documents)
        documents = documents[:MAX_LINKS]
    else:
        listed = document_list(user, filters)
        if first or last:
            listed = listed.filter(_period_q(first, last))
        count = listed.count()
        documents = list(listed[:MAX_LINKS])
    criteria = _criteria(query, doc_type, first, last)
    if not count:
        return _answer(_("I found no document you may read%(criteria)s.") % {"criteria": criteria})
    text = ngettext(
        "I found %(count)d document you may read%(criteria)s.",
        "I found %(count)d documents you may read%(criteria)s.",
        count,
    ) % {"count": count, "criteria": criteria}
    if count > len(documents):
        text += " " + _("The newest or best matching %(shown)d are listed.") % {
            "shown": len(documents)
        }
    links = [_document_link(document) for document in documents]
    if count > len(documents):
        links.append(
            {
                "title": _("See all %(count)d in the e-office search") % {"count": count},
                "url": _search_url(query, doc_type, first, last),
                "meta": "",
            }
        )
    return _answer(text, links)


def _doc_type(params: dict[str, Any]) -> DocumentType | None:
    code = params.get("doc_type_code")
    if not code:
        return None
    return DocumentType.objects.filter(code=code).first()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _document_date(document: Document) -> dt.date:
    """The date a period is about: the issue date, or when it entered the e-office."""
    return document.issued_date or timezone.localdate(document.created_at)


def _in_period(document: Document, first: dt.date | None, last: dt.date | None) -> bool:
    day = _document_date(document)
    return (first is None or day >= first) and (last is None or day <= last)


def _period_q(first: dt.date | None, last: dt.date | None) -> Q:
    """`_in_period` as a query condition."""
    issued = Q(issued_date__isnull=False)
    created = Q(issued_date__isnull=True)
    if first:
        issued &= Q(issued_date__gte=first)
        created &= Q(created_at__date__gte=first)
    if last:
        issued &= Q(issued_date__lte=last)
        created &= Q(created_at__date__lte=last)
    return issued | created


def _criteria(
    query: str, doc_type: DocumentType | None, first: dt.date | None, last: dt.date | None
) -> str:
    """e.g. ` of type "Công văn" about "lũ lụt" dated 01/01/2026 to 31/12/2026` (with its leading
    space, to follow "I found 3 documents you may read"), or "" when nothing narrows the search."""
    parts: list[str] = []
    if doc_type is not None:
        parts.append(_("of type “%(type)s”") % {"type": doc_type.name})
    if query:
        parts.append(_("about “%(query)s”") % {"query": query})
    if first and last:
        parts.append(
            _("dated %(start)s to %(end)s")
            % {"start": date_format(first, DATE), "end": date_format(last, DATE)}
        )
    elif first:
        parts.append(_("dated from %(start)s") % {"start": date_format(first, DATE)})
    elif last:
        parts.append(_("dated until %(end)s") % {"end": date_format(last, DATE)})
    return "".join(f" {part}" for part in parts)


def _document_link(document: Document) -> dict[str, str]:
    """e.g. meta "Công văn · 15/01/2026 · Ban Tuyên giáo Trung ương"."""
    meta: Iterable[str] = (
        document.doc_type.name if document.doc_type else "",
        date_format(document.issued_date, DATE) if document.issued_date else "",
        document.organ_name or (document.unit.name if document.unit_id else ""),
    )
    return {
        "title": _title(document),
        "url": reverse("documents:detail", args=[document.pk]),
        "meta": " · ".join(part for part in meta if part),
    }


def _search_url(
    query: str, doc_type: DocumentType | None, first: dt.date | None, last: dt.date | None
) -> str:
    """The e-office's search page with the same question (its dates are entry dates)."""
    params: dict[str, str] = {}
    if query:
        params["q"] = query
    if doc_type is not None:
        params["doc_type"] = str(doc_type.pk)
    if first:
        params["date_from"] = first.isoformat()
    if last:
        params["date_to"] = last.isoformat()
    url = reverse("documents:search")
    return f"{url}?{urlencode(params)}" if params else url
