"""JSON API of the e-office at /api/v1/documents: inbox, lists, search, detail, files, the
incoming workflow and case files. The outgoing workflow lives in `api_outgoing` (same router).

Every handler parses, calls one selector or service, and returns a schema. Access goes through
`access.document_for_user`, so a document the user may not read answers 404 on every path; the
services then decide whether this user may take this step (403) in this state (409).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from vcnet.accounts.models import Membership, User
from vcnet.core.errors import DomainError, NotFound
from vcnet.core.pagination import CursorParams, paginate
from vcnet.documents import selectors
from vcnet.documents.access import document_for_user, readable_documents
from vcnet.documents.api_common import (
    person_get,
    request_document,
    request_user,
    unit_get,
    upload_of,
)
from vcnet.documents.models import (
    AccessLog,
    Approval,
    Assignment,
    CaseFile,
    Delivery,
    Document,
    DocumentComment,
    DocumentFile,
    ExtensionRequest,
)
from vcnet.documents.schemas import (
    CaseFileAddIn,
    CaseFileDetail,
    CaseFileIn,
    CaseFileOut,
    CaseFilePage,
    CommentIn,
    CommentOut,
    DecisionIn,
    DirectIn,
    DocumentDetail,
    DocumentFiltersIn,
    DocumentOut,
    DocumentPage,
    ExtensionIn,
    ExtensionOut,
    FileOut,
    InboxParams,
    IncomingFieldsIn,
    NoteIn,
    ReasonIn,
    ReceiveIn,
    RegisterIn,
    ResultIn,
    SeenOut,
    SubmitIn,
    WorkItemPage,
)
from vcnet.documents.services import incoming
from vcnet.documents.services.common import file_response
from vcnet.documents.services.incoming import DirectionLine, IncomingFields, Upload

router = Router(tags=["documents"])


# --- Helpers (parsing only) -----------------------------------------------------------------
def _uploads(files: list[UploadedFile] | None) -> list[Upload]:
    return [upload_of(f) for f in files or []]


def _assignment(document: Document, assignment_id: int) -> Assignment:
    assignment = Assignment.objects.filter(pk=assignment_id, document=document).first()
    if assignment is None:
        raise NotFound(_("That routing line does not exist."))
    return assignment


def _incoming_fields(data: IncomingFieldsIn) -> IncomingFields:
    return IncomingFields(**data.model_dump(exclude={"unit_id"}))


def _detail(user: User, document_id: int) -> Document:
    """The document with everything the detail schema shows, in a fixed number of queries."""
    document = document_for_user(user, document_id)
    return (
        Document.objects.select_related("unit", "doc_type", "drafting_unit")
        .prefetch_related(
            Prefetch(
                "assignments",
                Assignment.objects.select_related("unit", "user", "assigned_by"),
            ),
            Prefetch("deliveries", Delivery.objects.select_related("unit")),
            Prefetch("approvals", Approval.objects.select_related("user")),
            Prefetch("comments", DocumentComment.objects.select_related("author")),
            "files",
            "events",
        )
        .get(pk=document.pk)
    )


def _log(
    request: HttpRequest, document: Document, action: str, stored: DocumentFile | None = None
) -> None:
    """Appendix VI III.5: every view and download is logged (append-only), whichever way it
    came; only ever called after the access check passed."""
    AccessLog.objects.create(
        document=document,
        user=request_user(request),
        action=action,
        file=stored,
        via="api",
        ip=request.META.get("REMOTE_ADDR") or None,
    )


# --- Inbox, list, search, detail ---------------------------------------------------------------
@router.get("/inbox", response=WorkItemPage, summary="My inbox: one tab, most urgent first")
def inbox(
    request: HttpRequest, params: Query[InboxParams], page: Query[CursorParams]
) -> dict[str, Any]:
    """Open work items of one tab, urgent first; `tab` is one of the inbox tabs."""
    if params.tab not in selectors.TAB_NAMES:
        raise DomainError(_("There is no such inbox tab."), code="bad_tab")
    return paginate(
        selectors.inbox(request_user(request), params.tab), params=page, key="-priority"
    )


@router.get("/inbox/counts", response=dict[str, int], summary="How many open items each tab holds")
def inbox_counts(request: HttpRequest) -> dict[str, int]:
    """The number of open items in every inbox tab, in one query: `all`, `register`, `direct`,
    `handle`, `approve`, `sign`, `issue`, `info`, `overdue` (past the deadline) and `week` (due
    within seven days)."""
    return selectors.inbox_counts(request_user(request))


@router.get(
    "",
    response=DocumentPage,
    summary="Documents I may read, filtered or searched",
    description=(
        "Without `q`: every document the user may read, newest first, cursor-paginated. With "
        "`q`: full-text search (diacritics ignored), best match first, at most `limit` results "
        "with a `snippet` each and `next` null."
    ),
)
def document_list(
    request: HttpRequest, filters: Query[DocumentFiltersIn], page: Query[CursorParams]
) -> dict[str, Any]:
    """Documents the user may read, with filters; `q` searches their full text."""
    user = request_user(request)
    parsed = selectors.DocumentFilters(
        direction=filters.direction,
        doc_type_id=filters.doc_type,
        unit_id=filters.unit,
        status=filters.status,
        priority=filters.priority,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    if filters.q.strip():
        hits = selectors.document_search(user, filters.q, parsed, limit=page.limit)
        items = []
        for hit in hits:
            hit.document.snippet = hit.snippet  # type: ignore[attr-defined]
            items.append(hit.document)
        return {"items": items, "next": None}
    return paginate(selectors.document_list(user, parsed), params=page, key="-created_at")


@router.get("/{int:document_id}", response=DocumentDetail, summary="One document, in full")
def document_detail(request: HttpRequest, document_id: int) -> Document:
    """Every Appendix VI field, the routing, deliveries, files and timeline; logged as a view."""
    document = _detail(request_user(request), document_id)
    _log(request, document, AccessLog.Action.VIEW)
    return document


@router.get(
    "/{int:document_id}/duplicates",
    response=list[DocumentOut],
    summary="Documents of the unit that look like this one",
)
def document_duplicates(request: HttpRequest, document_id: int) -> list[Document]:
    """Documents of the same unit with the same issuer, number and notation, or the same file."""
    user = request_user(request)
    found = incoming.duplicates_of(document_for_user(user, document_id))
    readable = set(
        readable_documents(user).filter(pk__in=[d.pk for d in found]).values_list("pk", flat=True)
    )
    return [d for d in found if d.pk in readable]


@router.get("/{int:document_id}/files", response=list[FileOut], summary="A document's files")
def document_files(request: HttpRequest, document_id: int) -> QuerySet[DocumentFile]:
    """Metadata of every file and version of the document."""
    return DocumentFile.objects.filter(document=request_document(request, document_id))


@router.get(
    "/{int:document_id}/files/{int:file_id}",
    summary="Download a file (logged)",
    response={200: None},
    openapi_extra={
        "responses": {200: {"description": "The file.", "content": {"application/pdf": {}}}}
    },
)
def file_download(request: HttpRequest, document_id: int, file_id: int) -> FileResponse:
    """The file itself, as an attachment; every download is logged."""
    user = request_user(request)
    document = document_for_user(user, document_id)
    stored = get_object_or_404(DocumentFile, pk=file_id, document=document)
    _log(request, document, AccessLog.Action.DOWNLOAD, stored)
    return file_response(stored)


# --- Incoming workflow --------------------------------------------------------------------------
@router.post("/received", response={201: DocumentOut}, summary="Receive an incoming document")
def document_receive(
    request: HttpRequest,
    data: Form[ReceiveIn],
    main: File[UploadedFile],
    attachments: File[list[UploadedFile] | None] = None,
) -> tuple[int, Document]:
    """The registry receives a document: fields as form parts, `main` and `attachments` files."""
    document = incoming.document_receive(
        actor=request_user(request),
        unit=unit_get(data.unit_id),
        fields=_incoming_fields(data),
        main=upload_of(main),
        attachments=_uploads(attachments),
        request=request,
    )
    return 201, document


@router.post(
    "/{int:document_id}/fields",
    response=DocumentOut,
    summary="Correct an incoming document's fields",
)
def document_update_fields(
    request: HttpRequest, document_id: int, data: IncomingFieldsIn
) -> Document:
    """The registry corrects the fields of a received document."""
    return incoming.document_update_fields(
        actor=request_user(request),
        document=request_document(request, document_id),
        fields=_incoming_fields(data),
        request=request,
    )


@router.post("/{int:document_id}/register", response=DocumentOut, summary="Register (số đến)")
def document_register(request: HttpRequest, document_id: int, data: RegisterIn) -> Document:
    """Give the arrival number; with `submit_to`, submit to that leader at once."""
    return incoming.document_register(
        actor=request_user(request),
        document=request_document(request, document_id),
        submit_to=None if data.submit_to is None else person_get(data.submit_to),
        request=request,
    )


@router.post("/{int:document_id}/return", response=DocumentOut, summary="Return to the sender")
def document_return(request: HttpRequest, document_id: int, data: ReasonIn) -> Document:
    """Return an invalid or misaddressed document to its sender, with the reason."""
    return incoming.document_return(
        actor=request_user(request),
        document=request_document(request, document_id),
        reason=data.reason,
        request=request,
    )


@router.post("/{int:document_id}/submit", response=DocumentOut, summary="Submit for direction")
def document_submit(request: HttpRequest, document_id: int, data: SubmitIn) -> Document:
    """Submit a registered document to a leader for direction."""
    return incoming.document_submit(
        actor=request_user(request),
        document=request_document(request, document_id),
        leader=person_get(data.leader),
        request=request,
    )


def _lines(data: DirectIn) -> list[DirectionLine]:
    return [DirectionLine(**line.model_dump()) for line in data.lines]


@router.post(
    "/{int:document_id}/direct", response=DocumentDetail, summary="Direct (bút phê) a document"
)
def document_direct(request: HttpRequest, document_id: int, data: DirectIn) -> Document:
    """The head's direction: one lead line, any coordinating or for-information lines."""
    user = request_user(request)
    incoming.document_direct(
        actor=user,
        document=document_for_user(user, document_id),
        lines=_lines(data),
        comment=data.comment,
        request=request,
    )
    return _detail(user, document_id)


@router.post(
    "/{int:document_id}/assignments/{int:assignment_id}/direct",
    response=DocumentDetail,
    summary="Direct further inside the unit of a routing line",
)
def document_direct_further(
    request: HttpRequest, document_id: int, assignment_id: int, data: DirectIn
) -> Document:
    """The head of a directed unit directs the unit's line further to its people."""
    user = request_user(request)
    document = document_for_user(user, document_id)
    incoming.document_direct(
        actor=user,
        document=document,
        lines=_lines(data),
        comment=data.comment,
        parent=_assignment(document, assignment_id),
        request=request,
    )
    return _detail(user, document_id)


@router.post(
    "/{int:document_id}/comments", response={201: CommentOut}, summary="Comment on a document"
)
def document_comment(
    request: HttpRequest, document_id: int, data: CommentIn
) -> tuple[int, DocumentComment]:
    """A comment by someone who may read the document."""
    comment = incoming.document_comment(
        actor=request_user(request),
        document=request_document(request, document_id),
        body=data.body,
        request=request,
    )
    return 201, comment


@router.post(
    "/{int:document_id}/results", response={201: FileOut}, summary="Attach a handling result file"
)
def result_file_add(
    request: HttpRequest,
    document_id: int,
    file: File[UploadedFile],
    data: Form[NoteIn],
) -> tuple[int, DocumentFile]:
    """A handler attaches a result file (multipart `file`, optional `note`)."""
    stored = incoming.result_file_add(
        actor=request_user(request),
        document=request_document(request, document_id),
        upload=upload_of(file),
        note=data.note,
    )
    return 201, stored


@router.post(
    "/{int:document_id}/assignments/{int:assignment_id}/extensions",
    response={201: ExtensionOut},
    summary="Ask for more time on a routing line",
)
def extension_request(
    request: HttpRequest, document_id: int, assignment_id: int, data: ExtensionIn
) -> tuple[int, ExtensionRequest]:
    """A handler asks for a later deadline on their routing line."""
    extension = incoming.extension_request(
        actor=request_user(request),
        assignment=_assignment(request_document(request, document_id), assignment_id),
        new_deadline=data.new_deadline,
        reason=data.reason,
    )
    return 201, extension


@router.post(
    "/{int:document_id}/extensions/{int:extension_id}/decide",
    response=ExtensionOut,
    summary="Approve or refuse more time",
)
def extension_decide(
    request: HttpRequest, document_id: int, extension_id: int, data: DecisionIn
) -> ExtensionRequest:
    """The person who set the deadline approves or refuses more time."""
    document = request_document(request, document_id)
    extension = ExtensionRequest.objects.filter(
        pk=extension_id, assignment__document=document
    ).first()
    if extension is None:
        raise NotFound(_("That extension request does not exist."))
    decided = incoming.extension_decide(
        actor=request_user(request), extension=extension, approve=data.approve, note=data.note
    )
    return decided


@router.post(
    "/{int:document_id}/assignments/{int:assignment_id}/complete",
    response=DocumentDetail,
    summary="Finish one's part (a routing line)",
)
def assignment_complete(
    request: HttpRequest, document_id: int, assignment_id: int, data: ResultIn
) -> Document:
    """The handler finishes their part; the lead line done completes the document."""
    user = request_user(request)
    incoming.assignment_complete(
        actor=user,
        assignment=_assignment(document_for_user(user, document_id), assignment_id),
        result=data.result,
        request=request,
    )
    return _detail(user, document_id)


@router.post("/{int:document_id}/complete", response=DocumentOut, summary="Complete a document")
def document_complete(request: HttpRequest, document_id: int, data: NoteIn) -> Document:
    """The lead handler or the directing leader closes the document."""
    return incoming.document_complete(
        actor=request_user(request),
        document=request_document(request, document_id),
        note=data.note,
        request=request,
    )


@router.post("/{int:document_id}/seen", response=SeenOut, summary="Close my for-information items")
def info_seen(request: HttpRequest, document_id: int) -> dict[str, int]:
    """Close the user's for-information items on the document."""
    closed = incoming.info_seen(
        actor=request_user(request), document=request_document(request, document_id)
    )
    return {"closed": closed}


# --- Case files ----------------------------------------------------------------------------------
def _my_case_files(user: User) -> QuerySet[CaseFile]:
    units = Membership.objects.filter(user=user).values("unit_id")
    return CaseFile.objects.filter(unit_id__in=units).select_related("unit", "owner")


def _case_file(user: User, case_file_id: int) -> CaseFile:
    case_file = _my_case_files(user).filter(pk=case_file_id).first()
    if case_file is None:
        raise NotFound(_("Case file not found."))
    return case_file


@router.get("/case-files", response=CaseFilePage, summary="Case files of my units")
def casefile_list(request: HttpRequest, page: Query[CursorParams]) -> dict[str, Any]:
    """Case files of the units the user belongs to, newest first."""
    return paginate(_my_case_files(request_user(request)), params=page, key="-created_at")


@router.post("/case-files", response={201: CaseFileOut}, summary="Open a case file")
def casefile_create(request: HttpRequest, data: CaseFileIn) -> tuple[int, CaseFile]:
    """Open a case file in a unit the user belongs to."""
    extra = data.model_dump(exclude={"unit_id", "title", "notation", "year"})
    case_file = incoming.casefile_create(
        actor=request_user(request),
        unit=unit_get(data.unit_id),
        title=data.title,
        notation=data.notation,
        year=data.year,
        **extra,
    )
    return 201, case_file


@router.get(
    "/case-files/{int:case_file_id}",
    response=CaseFileDetail,
    summary="A case file with the documents I may read in it",
)
def casefile_detail(request: HttpRequest, case_file_id: int) -> CaseFile:
    """A case file and the documents in it that the user may read."""
    user = request_user(request)
    case_file = _case_file(user, case_file_id)
    case_file.readable_documents = list(  # type: ignore[attr-defined]
        readable_documents(user)
        .filter(case_files=case_file)
        .select_related("unit", "doc_type")
        .order_by("created_at", "id")
    )
    return case_file


@router.post(
    "/case-files/{int:case_file_id}/documents",
    response=CaseFileDetail,
    summary="File a document into a case file",
)
def casefile_add(request: HttpRequest, case_file_id: int, data: CaseFileAddIn) -> CaseFile:
    """File a readable document into an open case file (no copy; idempotent)."""
    user = request_user(request)
    incoming.casefile_add(
        actor=user,
        case_file=_case_file(user, case_file_id),
        document=document_for_user(user, data.document_id),
    )
    return casefile_detail(request, case_file_id)


@router.post(
    "/case-files/{int:case_file_id}/close", response=CaseFileOut, summary="Close a case file"
)
def casefile_close(request: HttpRequest, case_file_id: int) -> CaseFile:
    """Close a case file when its work is finished."""
    user = request_user(request)
    return incoming.casefile_close(actor=user, case_file=_case_file(user, case_file_id))


# The outgoing workflow, saved searches, statistics and exchange add their routes here.
from vcnet.documents import api_outgoing  # noqa: E402

router.add_router("", api_outgoing.router)

__all__ = ["router"]
