"""Input and output schemas of the e-office API (`vcnet.documents.api`).

Field names follow Decree 30 Appendix VI and edXML (QCVN 102:2016) in snake case: `code_number`
is edXML's CodeNumber, `organ_name` OrganName, `signer_info` SignerInfo, `to_places` ToPlaces,
and so on, so a client that knows the exchange format knows these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from vcnet.core.pagination import CursorPage
from vcnet.documents.models import (
    EDXML_STATUS,
    Approval,
    Assignment,
    CaseFile,
    Delivery,
    Document,
    DocumentEvent,
    DocumentFile,
    WorkItem,
)
from vcnet.documents.workflow import EDXML_CODE_OF_STATUS


# --- References ---------------------------------------------------------------------------
class PersonRef(Schema):
    """A person named inside a document."""

    id: int
    full_name: str


class UnitBrief(Schema):
    """A unit named inside a document."""

    id: int
    code: str
    short_name: str
    name: str


class TypeRef(Schema):
    """A document type (edXML DocumentType/TypeName)."""

    id: int
    code: str
    name: str
    abbreviation: str


def _label(obj: Any, name: str) -> str:
    return str(getattr(obj, f"get_{name}_display")())


# --- Documents ----------------------------------------------------------------------------
class DocumentOut(Schema):
    """A document as it appears in lists and as the answer of each transition."""

    id: int
    direction: str = Field(description="in (incoming) or out (outgoing).")
    status: str
    status_label: str
    edxml_status: str | None = Field(
        description="The edXML status code the sender sees (incoming copies only)."
    )
    code: str = Field(description="Number and notation as written, e.g. 15/QĐ-BTG.")
    code_number: str = Field(description="edXML Code/CodeNumber.")
    code_notation: str = Field(description="edXML Code/CodeNotation.")
    type: TypeRef | None = Field(description="edXML DocumentType.")
    subject: str = Field(description="edXML Subject (trích yếu).")
    organ_name: str = Field(description="edXML From/OrganName: the issuer.")
    issued_date: dt.date | None = Field(description="edXML PromulgationInfo/PromulgationDate.")
    priority: int = Field(description="edXML OtherInfo/Priority, 0 (normal) to 4.")
    priority_label: str
    confidentiality: int = Field(description="0 normal, 1 Mật, 2 Tối mật, 3 Tuyệt mật.")
    due_date: dt.date | None = Field(description="edXML DueDate.")
    arrival_number: int | None = Field(description="Số đến (incoming).")
    unit: UnitBrief = Field(description="The unit whose register holds this copy.")
    created_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: Document) -> str:
        return _label(obj, "status")

    @staticmethod
    def resolve_priority_label(obj: Document) -> str:
        return _label(obj, "priority")

    @staticmethod
    def resolve_edxml_status(obj: Document) -> str | None:
        return EDXML_CODE_OF_STATUS.get(obj.status) if obj.is_incoming else None

    @staticmethod
    def resolve_type(obj: Document) -> Any:
        return obj.doc_type


class DocumentListItem(DocumentOut):
    """A document in a list or a search result."""

    snippet: str = Field("", description="Where the search words were found (search only).")


class DocumentPage(CursorPage[DocumentListItem]):
    """A page of documents."""


class SignerInfo(Schema):
    """edXML SignerInfo."""

    competence: str = Field(description="Signing mode: KT., TM., TL., TUQ., Q. or empty.")
    on_behalf_of: str
    position: str
    full_name: str


class AssignmentOut(Schema):
    """A line of the routing (bút phê): lead, coordinating or for information."""

    id: int
    parent_id: int | None
    role: str
    role_label: str
    unit: UnitBrief | None
    user: PersonRef | None
    deadline: dt.date | None
    comment: str
    assigned_by: PersonRef | None
    state: str
    result: str
    created_at: dt.datetime
    done_at: dt.datetime | None

    @staticmethod
    def resolve_role_label(obj: Assignment) -> str:
        return _label(obj, "role")


class DeliveryOut(Schema):
    """A recipient of an outgoing document and how far its copy has got (edXML status codes)."""

    id: int
    kind: str
    organ_id: str
    organ_name: str
    unit: UnitBrief | None
    status_code: str = Field(description="01 arrived … 06 done, 13, 15, 16; empty: not sent.")
    status_label: str
    status_note: str
    sent_at: dt.datetime | None
    arrived_at: dt.datetime | None
    registered_at: dt.datetime | None
    status_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: Delivery) -> str:
        return str(EDXML_STATUS.get(obj.status_code, ""))


class EventOut(Schema):
    """One step of the timeline: who did what, when."""

    id: int
    verb: str
    verb_label: str
    actor_name: str
    unit_name: str
    note: str
    data: dict[str, Any]
    created_at: dt.datetime

    @staticmethod
    def resolve_verb_label(obj: DocumentEvent) -> str:
        return _label(obj, "verb")


class FileOut(Schema):
    """A file's metadata; download it from `url`."""

    id: int
    kind: str
    slot: int
    version: int
    current: bool
    name: str
    content_type: str
    size: int
    sha256: str
    page_amount: int | None
    note: str
    created_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj: DocumentFile) -> str:
        return f"/api/v1/documents/{obj.document_id}/files/{obj.pk}"


class ApprovalOut(Schema):
    """A sign-off of a draft (content, layout, signer)."""

    id: int
    step: str
    user: PersonRef
    decision: str
    comment: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


class CommentOut(Schema):
    """A comment on a document."""

    id: int
    author: PersonRef
    body: str
    created_at: dt.datetime


class DocumentDetail(DocumentOut):
    """Every Appendix VI field, the routing, deliveries, approvals, files and the timeline."""

    source: str
    organ_id: str = Field(description="edXML From/OrganId.")
    place: str = Field(description="edXML PromulgationInfo/Place.")
    language: str
    page_amount: int | None = Field(description="edXML OtherInfo/PageAmount.")
    description: str = Field(description="Appendix VI Description (notes).")
    signer_info: SignerInfo
    due_at: dt.datetime | None
    promulgation_amount: int | None = Field(description="edXML OtherInfo/PromulgationAmount.")
    to_places: str = Field(description="edXML ToPlaces (incoming: receiving units or people).")
    recipients_text: str = Field(description="Nơi nhận, as printed (outgoing).")
    arrival_date: dt.datetime | None = Field(description="Appendix VI ArrivalDate.")
    registered_year: str
    register_id: int | None
    drafting_unit: UnitBrief | None
    origin_id: int | None
    in_reply_to_id: int | None
    registered_at: dt.datetime | None
    directed_at: dt.datetime | None
    completed_at: dt.datetime | None
    issued_at: dt.datetime | None
    recalled_at: dt.datetime | None
    frozen: bool
    assignments: list[AssignmentOut]
    deliveries: list[DeliveryOut]
    approvals: list[ApprovalOut]
    comments: list[CommentOut]
    files: list[FileOut]
    timeline: list[EventOut]

    @staticmethod
    def resolve_signer_info(obj: Document) -> dict[str, str]:
        return {
            "competence": obj.signing_mode,
            "on_behalf_of": obj.on_behalf_of,
            "position": obj.signer_position,
            "full_name": obj.signer_name,
        }

    @staticmethod
    def resolve_promulgation_amount(obj: Document) -> int | None:
        return obj.issued_amount

    @staticmethod
    def resolve_assignments(obj: Document) -> list[Assignment]:
        return list(obj.assignments.all())

    @staticmethod
    def resolve_deliveries(obj: Document) -> list[Delivery]:
        return list(obj.deliveries.all())

    @staticmethod
    def resolve_approvals(obj: Document) -> list[Approval]:
        return list(obj.approvals.all())

    @staticmethod
    def resolve_comments(obj: Document) -> list[Any]:
        return list(obj.comments.all())

    @staticmethod
    def resolve_files(obj: Document) -> list[DocumentFile]:
        return list(obj.files.all())

    @staticmethod
    def resolve_timeline(obj: Document) -> list[DocumentEvent]:
        return list(obj.events.all())


# --- Inbox --------------------------------------------------------------------------------
class WorkItemOut(Schema):
    """Something the user must do about a document."""

    id: int
    kind: str
    kind_label: str
    priority: int
    deadline: dt.date | None
    created_at: dt.datetime
    seen_at: dt.datetime | None
    assignment_id: int | None
    approval_id: int | None
    extension_id: int | None
    document: DocumentOut

    @staticmethod
    def resolve_kind_label(obj: WorkItem) -> str:
        return _label(obj, "kind")


class WorkItemPage(CursorPage[WorkItemOut]):
    """A page of an inbox tab, most urgent first, then newest."""


class SeenOut(Schema):
    closed: int = Field(description="How many for-information items were closed.")


class ExtensionOut(Schema):
    """A request for more time on a routing line, and its decision."""

    id: int
    assignment_id: int
    new_deadline: dt.date
    reason: str
    state: str
    decision_note: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


# --- Case files ---------------------------------------------------------------------------
class CaseFileOut(Schema):
    """A case file (hồ sơ): Appendix VI part III."""

    id: int
    unit: UnitBrief
    year: int = Field(description="FileCode/FileCatalog.")
    notation: str = Field(description="FileCode/FileNotation.")
    title: str
    retention: str = Field(description="Maintenance (retention period).")
    rights: str
    description: str
    owner: PersonRef
    state: str
    created_at: dt.datetime
    closed_at: dt.datetime | None


class CaseFilePage(CursorPage[CaseFileOut]):
    """A page of case files."""


class CaseFileDetail(CaseFileOut):
    """A case file with the documents in it that the user may read."""

    documents: list[DocumentOut]

    @staticmethod
    def resolve_documents(obj: CaseFile) -> list[Document]:
        return list(getattr(obj, "readable_documents", []))


# --- Inputs -------------------------------------------------------------------------------
class IncomingFieldsIn(Schema):
    """The fields the registry types in for an incoming document (Appendix VI, incoming)."""

    subject: str = Field(min_length=1, max_length=500)
    doc_type_id: int | None = None
    code_number: str = Field("", max_length=11)
    code_notation: str = Field("", max_length=30)
    issued_date: dt.date | None = None
    organ_name: str = Field("", max_length=200)
    organ_id: str = Field("", max_length=13)
    place: str = Field("", max_length=50)
    signer_position: str = Field("", max_length=100)
    signer_name: str = Field("", max_length=50)
    priority: int = Field(0, ge=0, le=4)
    confidentiality: int = Field(0, ge=0, le=3)
    due_date: dt.date | None = None
    due_at: dt.datetime | None = None
    page_amount: int | None = Field(None, ge=0, le=9999)
    language: str = Field("vi", max_length=30)
    description: str = Field("", max_length=500)


class ReceiveIn(IncomingFieldsIn):
    """A received document: its unit and fields (the files come as multipart parts)."""

    unit_id: int = Field(description="The unit whose registry receives it.")


class RegisterIn(Schema):
    submit_to: int | None = Field(None, description="A leader to submit to at once (user id).")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class SubmitIn(Schema):
    leader: int = Field(description="The leader (user id) who directs.")


class DirectionLineIn(Schema):
    role: str = Field(description="lead, coordinate or info.")
    unit_id: int | None = None
    user_id: int | None = None
    deadline: dt.date | None = None
    comment: str = Field("", max_length=2000)


class DirectIn(Schema):
    lines: list[DirectionLineIn] = Field(min_length=1)
    comment: str = Field("", max_length=2000)


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=5000)


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class ExtensionIn(Schema):
    new_deadline: dt.date
    reason: str = Field(min_length=1, max_length=500)


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class ResultIn(Schema):
    result: str = Field("", max_length=5000)


class RecipientIn(Schema):
    """A recipient inside VCNET (`unit_id`) or outside it (`organ_id` + `organ_name`)."""

    unit_id: int | None = None
    organ_id: str = Field("", max_length=13)
    organ_name: str = Field("", max_length=200)
    kind: str = Field("main", description="main (for action) or copy (for information).")


class DraftFieldsIn(Schema):
    """The fields of an outgoing draft."""

    subject: str = Field(min_length=1, max_length=500)
    doc_type_id: int | None = None
    priority: int = Field(0, ge=0, le=4)
    confidentiality: int = Field(0, ge=0, le=3)
    due_date: dt.date | None = None
    signer_position: str = Field("", max_length=100)
    signer_name: str = Field("", max_length=50)
    signing_mode: str = Field("", max_length=5)
    on_behalf_of: str = Field("", max_length=150)
    recipients_text: str = Field("", max_length=1000)
    description: str = Field("", max_length=500)
    in_reply_to_id: int | None = None
    recipients: list[RecipientIn] = Field(default_factory=list)


class DraftCreateIn(Schema):
    """A new draft (multipart): `data` is this object as JSON; `main` and `attachments` files."""

    unit_id: int
    drafting_unit_id: int | None = None
    fields: DraftFieldsIn


class ApprovalRouteIn(Schema):
    content_approver: int
    layout_checker: int
    signer: int
    signing_mode: str = Field("", max_length=5)
    delegation_id: int | None = None


class ApprovalDecisionIn(Schema):
    approve: bool
    comment: str = Field("", max_length=2000)


class NumberIn(Schema):
    issued_date: dt.date | None = None


class SignIn(Schema):
    """Sign with one of my certificates whose key the server unlocks with my PIN."""

    certificate: int = Field(description="The id of my signing certificate.")
    pin: str = Field(min_length=1, max_length=128, description="My signing PIN.")


class RecallAnswerIn(Schema):
    accept: bool
    note: str = Field("", max_length=500)


class CaseFileIn(Schema):
    unit_id: int
    title: str = Field(min_length=1, max_length=500)
    notation: str = Field(min_length=1, max_length=20)
    year: int | None = Field(None, ge=1900, le=3000)
    retention: str = Field("", max_length=30)
    rights: str = Field("", max_length=30)
    description: str = Field("", max_length=500)


class CaseFileAddIn(Schema):
    document_id: int


class DocumentFiltersIn(Schema):
    """Filters of the document list; with `q`, a full-text search (diacritics ignored)."""

    q: str = Field("", max_length=200)
    direction: str = Field("", description="in or out.")
    doc_type: int | None = None
    unit: int | None = None
    status: str = ""
    priority: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class InboxParams(Schema):
    tab: str = Field(
        "all",
        description="all, register, direct, handle, approve, sign, issue, info, overdue, week.",
    )


class SavedSearchOut(Schema):
    """A search kept to run again: pass `params` to the document list."""

    id: int
    name: str
    params: dict[str, Any]
    created_at: dt.datetime


class SavedSearchIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    params: DocumentFiltersIn
