"""JSON API of outgoing documents: drafts and versions, approvals, signing, numbering, issue,
recall; saved searches, statistics and exchange import. Mounted under /api/v1/documents by
`vcnet.documents.api` (one router for the app).

Handlers parse, call one service from `services.outgoing`, and answer a schema; access to a
document goes through `access.document_for_user` first (404 for anyone who may not read it).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from pydantic import ValidationError as PydanticValidationError

from vcnet.core.errors import DomainError, NotFound
from vcnet.documents.access import document_for_user
from vcnet.documents.api_common import (
    person_get,
    request_document,
    request_user,
    unit_get,
    upload_of,
)
from vcnet.documents.models import Approval, Delegation, Document, DocumentFile, SavedSearch
from vcnet.documents.schemas import (
    ApprovalDecisionIn,
    ApprovalRouteIn,
    DocumentDetail,
    DocumentOut,
    DraftCreateIn,
    DraftFieldsIn,
    FileOut,
    NoteIn,
    NumberIn,
    ReasonIn,
    RecallAnswerIn,
    SavedSearchIn,
    SavedSearchOut,
    SignIn,
)
from vcnet.documents.schemas_reports import ExchangeImportIn, StatsOut, StatsParams
from vcnet.documents.services import exchange, outgoing, searches
from vcnet.documents.services.outgoing import DraftFields, RecipientSpec
from vcnet.documents.stats import Stats, stats_compute

router = Router(tags=["documents"])


def _draft_fields(data: DraftFieldsIn) -> DraftFields:
    values = data.model_dump(exclude={"recipients"})
    return DraftFields(
        **values, recipients=[RecipientSpec(**r.model_dump()) for r in data.recipients]
    )


def _parse(schema: type[DraftCreateIn] | type[DraftFieldsIn], raw: str) -> DraftCreateIn:
    """A JSON form part validated by `schema`; invalid input is the usual 422."""
    from ninja.errors import ValidationError

    try:
        return schema.model_validate_json(raw)  # type: ignore[return-value]
    except PydanticValidationError as exc:
        raise ValidationError(
            [{**e, "loc": ("form", "data", *e.get("loc", ()))} for e in exc.errors()]
        ) from None


# --- Drafts -------------------------------------------------------------------------------------
@router.post(
    "/drafts",
    response={201: DocumentOut},
    summary="Start an outgoing draft",
    description=(
        "Multipart: `data` is a JSON object `{unit_id, drafting_unit_id, fields: {subject, …, "
        "recipients: [{unit_id} | {organ_id, organ_name}]}}`; `main` is the draft file; "
        "`attachments` are optional."
    ),
)
def draft_create(
    request: HttpRequest,
    data: Form[str],
    main: File[UploadedFile],
    attachments: File[list[UploadedFile] | None] = None,
) -> tuple[int, Document]:
    """Start a draft: `data` (JSON) with the unit and fields, `main` and `attachments` files."""
    parsed = _parse(DraftCreateIn, data)
    document = outgoing.draft_create(
        actor=request_user(request),
        unit=unit_get(parsed.unit_id),
        fields=_draft_fields(parsed.fields),
        main=upload_of(main),
        attachments=[upload_of(f) for f in attachments or []],
        drafting_unit=None
        if parsed.drafting_unit_id is None
        else unit_get(parsed.drafting_unit_id),
        request=request,
    )
    return 201, document


@router.post("/{int:document_id}/draft", response=DocumentOut, summary="Change a draft's fields")
def draft_update(request: HttpRequest, document_id: int, data: DraftFieldsIn) -> Document:
    """The drafter changes the fields of the draft."""
    return outgoing.draft_update(
        actor=request_user(request),
        document=request_document(request, document_id),
        fields=_draft_fields(data),
        request=request,
    )


@router.post(
    "/{int:document_id}/versions",
    response={201: DocumentOut},
    summary="Upload a new version of a draft's main file",
)
def draft_new_version(
    request: HttpRequest, document_id: int, main: File[UploadedFile], data: Form[NoteIn]
) -> tuple[int, Document]:
    """A new version of the draft's main file; the old one is kept."""
    document = outgoing.draft_update(
        actor=request_user(request),
        document=request_document(request, document_id),
        main=upload_of(main),
        note=data.note,
        request=request,
    )
    return 201, document


@router.post(
    "/{int:document_id}/submit-for-approval",
    response=DocumentDetail,
    summary="Send a draft through content, layout and the signer's approval",
)
def draft_submit(request: HttpRequest, document_id: int, data: ApprovalRouteIn) -> Document:
    """Send the draft to content approval, the layout check and the signer, in turn."""
    from vcnet.documents.api import _detail

    user = request_user(request)
    document = document_for_user(user, document_id)
    delegation = None
    if data.delegation_id is not None:
        delegation = Delegation.objects.filter(pk=data.delegation_id).first()
        if delegation is None:
            raise DomainError(_("There is no such delegation."), code="bad_delegation")
    outgoing.draft_submit(
        actor=user,
        document=document,
        content_approver=person_get(data.content_approver),
        layout_checker=person_get(data.layout_checker),
        signer=person_get(data.signer),
        signing_mode=data.signing_mode,
        delegation=delegation,
        request=request,
    )
    return _detail(user, document_id)


@router.post(
    "/{int:document_id}/approvals/{int:approval_id}/decide",
    response=DocumentOut,
    summary="Approve a draft, or return it to its drafter",
)
def approval_decide(
    request: HttpRequest, document_id: int, approval_id: int, data: ApprovalDecisionIn
) -> Document:
    """Approve the draft (the next step starts) or return it with a comment."""
    approval = Approval.objects.filter(
        pk=approval_id, document=request_document(request, document_id)
    ).first()
    if approval is None:
        raise NotFound(_("That approval does not exist."))
    return outgoing.approval_decide(
        actor=request_user(request),
        approval=approval,
        approve=data.approve,
        comment=data.comment,
        request=request,
    )


@router.post("/{int:document_id}/signed", response={201: FileOut}, summary="Hand in the signed PDF")
def document_sign_upload(
    request: HttpRequest, document_id: int, file: File[UploadedFile]
) -> tuple[int, DocumentFile]:
    """The signer hands in the signed PDF (multipart `file`)."""
    stored = outgoing.document_sign_upload(
        actor=request_user(request),
        document=request_document(request, document_id),
        signed=upload_of(file),
        request=request,
    )
    return 201, stored


@router.post(
    "/{int:document_id}/sign", response={201: FileOut}, summary="Sign with my certificate and PIN"
)
def document_sign(request: HttpRequest, document_id: int, data: SignIn) -> tuple[int, DocumentFile]:
    """The signer signs digitally (PAdES, the signature image between the position and the
    name); TO_SIGN → TO_ISSUE. A wrong PIN or an unusable certificate changes nothing."""
    from vcnet.documents.services import signing
    from vcnet.signing.models import Certificate

    user = request_user(request)
    certificate = Certificate.objects.filter(pk=data.certificate, owner=user).first()
    if certificate is None:
        raise NotFound(_("Certificate not found."))
    stored = signing.document_sign(
        actor=user,
        document=request_document(request, document_id),
        certificate=certificate,
        pin=data.pin,
        request=request,
    )
    return 201, stored


@router.post("/{int:document_id}/number", response=DocumentOut, summary="Give the number and date")
def document_number(request: HttpRequest, document_id: int, data: NumberIn) -> Document:
    """The registry gives the next outgoing number and the issue date."""
    return outgoing.document_number(
        actor=request_user(request),
        document=request_document(request, document_id),
        issued_date=data.issued_date,
        request=request,
    )


@router.post("/{int:document_id}/issue", response=DocumentDetail, summary="Issue a document")
def document_issue(request: HttpRequest, document_id: int) -> Document:
    """Issue: internal recipients receive it at once, outside ones by exchange."""
    from vcnet.documents.api import _detail

    user = request_user(request)
    outgoing.document_issue(
        actor=user, document=document_for_user(user, document_id), request=request
    )
    return _detail(user, document_id)


@router.post("/{int:document_id}/recall", response=DocumentOut, summary="Recall an issued document")
def document_recall(request: HttpRequest, document_id: int, data: ReasonIn) -> Document:
    """Recall an issued document: it is frozen and recipients asked to delete it."""
    return outgoing.document_recall(
        actor=request_user(request),
        document=request_document(request, document_id),
        reason=data.reason,
        request=request,
    )


@router.post(
    "/{int:document_id}/recall-answer",
    response=DocumentOut,
    summary="Answer a recall of a received copy",
)
def recall_answer(request: HttpRequest, document_id: int, data: RecallAnswerIn) -> Document:
    """The recipient's registry accepts (15) or refuses (16) a recall."""
    return outgoing.recall_answer(
        actor=request_user(request),
        document=request_document(request, document_id),
        accept=data.accept,
        note=data.note,
        request=request,
    )


# --- Saved searches -----------------------------------------------------------------------------
@router.get("/saved-searches", response=list[SavedSearchOut], summary="My saved searches")
def saved_search_list(request: HttpRequest) -> list[SavedSearch]:
    """The user's saved searches, by name."""
    return searches.saved_searches(request_user(request))


@router.post("/saved-searches", response={201: SavedSearchOut}, summary="Save a search")
def saved_search_create(request: HttpRequest, data: SavedSearchIn) -> tuple[int, SavedSearch]:
    """Keep the list filters under a name, to run them again."""
    saved = searches.savedsearch_create(
        actor=request_user(request), name=data.name, params=data.params.model_dump()
    )
    return 201, saved


@router.delete(
    "/saved-searches/{int:search_id}", response={204: None}, summary="Delete a saved search"
)
def saved_search_delete(request: HttpRequest, search_id: int) -> tuple[int, None]:
    """Delete one of the user's saved searches."""
    searches.savedsearch_delete(actor=request_user(request), search_id=search_id)
    return 204, None


# --- Statistics and exchange ------------------------------------------------------------------
@router.get("/statistics", response=StatsOut, summary="Statistics of a unit for a period")
def statistics(request: HttpRequest, params: Query[StatsParams]) -> Stats:
    """Received, issued, on time, overdue, handling and circulation times of a unit."""
    return stats_compute(
        request_user(request),
        unit=params.unit,
        date_from=params.date_from,
        date_to=params.date_to,
        include_children=params.include_children,
    )


@router.post(
    "/exchange/import",
    response={201: DocumentOut},
    summary="Receive an inter-agency exchange package (edXML) by hand",
)
def exchange_import(
    request: HttpRequest, data: Form[ExchangeImportIn], package: File[UploadedFile]
) -> tuple[int, Document]:
    """The registry imports an exchange package file as an incoming document."""
    document = exchange.package_import(
        actor=request_user(request),
        unit=unit_get(data.unit_id),
        data=package.read(),
        adapter=data.adapter,
    )
    return 201, document
