"""A document's page, its files, and the forms that create documents (receive, draft)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.errors import DomainError, NotFound
from vcnet.documents import forms as f
from vcnet.documents.access import document_for_user, unit_role_holders
from vcnet.documents.models import (
    AccessLog,
    Approval,
    Assignment,
    AssignmentRole,
    CaseFile,
    Direction,
    Document,
    DocumentFile,
    Status,
    WorkItem,
    WorkKind,
)
from vcnet.documents.selectors import open_work
from vcnet.documents.services import incoming, outgoing
from vcnet.documents.services.common import file_response
from vcnet.documents.views._common import access_log, form_error, my_units, units_with_role, user_of


def _roles_in(user: User, unit_id: int | None) -> set[str]:
    if unit_id is None:
        return set()
    return set(Membership.objects.filter(user=user, unit_id=unit_id).values_list("role", flat=True))


def _assignment_tree(assignments: list[Assignment]) -> list[dict[str, Any]]:
    """The routing as nested nodes: the head's lines, each with the lines directed below it."""
    children: dict[int | None, list[Assignment]] = {}
    for line in assignments:
        children.setdefault(line.parent_id, []).append(line)

    def build(parent: int | None) -> list[dict[str, Any]]:
        return [{"line": a, "children": build(a.pk)} for a in children.get(parent, [])]

    return build(None)


def _members(unit_id: int | None) -> list[User]:
    """The active people of a unit, by name (whom a unit's leader may direct further to)."""
    if unit_id is None:
        return []
    return list(
        User.objects.filter(is_active=True, memberships__unit_id=unit_id)
        .distinct()
        .order_by("full_name")
    )


def _leaders(unit_ids: list[int]) -> Any:
    return (
        User.objects.filter(
            is_active=True, memberships__unit_id__in=unit_ids, memberships__role=Role.LEADER
        )
        .distinct()
        .order_by("full_name")
    )


def detail_context(request: HttpRequest, document: Document) -> dict[str, Any]:
    """Everything the detail page shows, and the actions THIS user may take in THIS state."""
    user = user_of(request)
    roles = _roles_in(user, document.unit_id)
    is_clerk = Role.CLERK in roles
    is_leader = Role.LEADER in roles
    work = list(
        open_work(user)
        .filter(document=document)
        .select_related("assignment", "approval", "extension")
    )
    kinds = {item.kind for item in work}
    assignments = list(
        Assignment.objects.filter(document=document)
        .select_related("unit", "user", "assigned_by")
        .order_by("created_at", "id")
    )
    leader_units = set(
        Membership.objects.filter(user=user, role=Role.LEADER).values_list("unit_id", flat=True)
    )
    mine = [
        a
        for a in assignments
        if a.state == Assignment.State.OPEN
        and a.role != AssignmentRole.INFO
        and (a.user_id == user.pk or (a.user_id is None and a.unit_id in leader_units))
    ]
    further = [
        a for a in mine if a.user_id is None and not any(c.parent_id == a.pk for c in assignments)
    ]
    files = list(
        DocumentFile.objects.filter(document=document)
        .select_related("uploaded_by", "validation")
        .order_by("kind", "slot", "-version")
    )
    incoming_doc = document.direction == Direction.INCOMING
    status = document.status
    frozen = document.frozen or status in (Status.RETURNED, Status.RECALLED)
    unit_people = _members(document.unit_id)
    sub_units = list(Unit.objects.valid_on().filter(parent_id=document.unit_id).order_by("path"))
    leaders = _leaders([u for u in (document.unit_id, document.drafting_unit_id) if u])
    ctx: dict[str, Any] = {
        "document": document,
        "files": files,
        "current_files": [x for x in files if x.current],
        "old_files": [x for x in files if not x.current],
        "tree": _assignment_tree(assignments),
        "events": list(document.events.select_related("actor").order_by("created_at", "id")),
        "comments": list(document.comments.select_related("author").order_by("created_at")),
        "work": work,
        "is_incoming": incoming_doc,
    }
    can: dict[str, Any] = {}
    if incoming_doc and not frozen:
        if status == Status.RECEIVED and (WorkKind.REGISTER in kinds or is_clerk):
            can["register"] = f.RegisterForm(leaders=leaders)
            can["return"] = f.ReasonForm()
            can["update_fields"] = f.IncomingFieldsForm(
                initial={
                    "doc_type": document.doc_type_id,
                    **{
                        name: getattr(document, name)
                        for name in f.IncomingFieldsForm.base_fields
                        if name != "doc_type"
                    },
                }
            )
            ctx["duplicates"] = incoming.duplicates_of(document)
        if status == Status.REGISTERED and is_clerk:
            can["submit"] = f.SubmitForm(leaders=leaders)
        top_direct = any(i.kind == WorkKind.DIRECT and not i.assignment_id for i in work)
        if (top_direct or is_leader) and status in (Status.REGISTERED, Status.DIRECTING):
            can["direct"] = f.DirectForm(units=sub_units, people=unit_people)
        if further:
            can["direct_further"] = [
                (
                    line,
                    f.DirectForm(
                        units=[],
                        people=_members(line.unit_id),
                        prefix=f"a{line.pk}",
                    ),
                )
                for line in further
            ]
        if mine and status == Status.IN_PROGRESS:
            can["complete_part"] = [(line, f.CompleteForm(prefix=f"c{line.pk}")) for line in mine]
            can["extension"] = [
                (line, f.ExtensionForm(prefix=f"e{line.pk}")) for line in mine if line.deadline
            ]
            can["result_file"] = f.ResultFileForm()
        lead = next((a for a in assignments if a.parent_id is None and a.role == "lead"), None)
        if (
            status == Status.IN_PROGRESS
            and lead is not None
            and (lead.user_id == user.pk or lead.assigned_by_id == user.pk)
        ):
            can["complete"] = f.NoteForm()
        ext_items = [i for i in work if i.kind == WorkKind.EXTENSION and i.extension_id]
        if ext_items:
            can["extension_decide"] = [(i.extension, f.DecideForm()) for i in ext_items]
    if not incoming_doc:
        can.update(_outgoing_actions(document, user, roles, work, frozen, leaders))
        ctx["deliveries"] = list(document.deliveries.select_related("unit").order_by("id"))
        ctx["approvals"] = list(
            Approval.objects.filter(document=document).select_related("user").order_by("id")
        )
    if not frozen:
        can["comment"] = f.CommentForm()
        case_files = CaseFile.objects.filter(
            state=CaseFile.State.OPEN,
            unit_id__in=Membership.objects.filter(user=user).values("unit_id"),
        ).exclude(items__document=document)
        if case_files.exists():
            can["file"] = f.CaseFileChoiceForm(case_files=case_files)
    if any(i.kind == WorkKind.RECALL for i in work):
        can["recall_answer"] = f.RecallAnswerForm()
    if is_clerk and not frozen and (status == Status.ISSUED or incoming_doc):
        from vcnet.documents.views.signing import CopyForm

        can["copy"] = CopyForm()  # an electronic copy (sao y) signed with the unit's seal
    ctx["can"] = can
    ctx["has_actions"] = any(key != "comment" for key in can)
    ctx["can_reply"] = incoming_doc and not frozen and bool(roles) and status != Status.RECEIVED
    return ctx


def _outgoing_actions(
    document: Document,
    user: User,
    roles: set[str],
    work: list[WorkItem],
    frozen: bool,
    leaders: Any,
) -> dict[str, Any]:
    can: dict[str, Any] = {}
    if frozen:
        return can
    status = document.status
    kinds = {item.kind for item in work}
    drafter = document.created_by_id == user.pk
    if status == Status.DRAFT and (drafter or WorkKind.REVISE in kinds):
        can["draft_update"] = f.DraftUpdateForm()
        can["draft_submit"] = f.DraftSubmitForm(
            leaders=leaders,
            clerks=unit_role_holders(document.unit_id, Role.CLERK).order_by("full_name"),
            initial={"signing_mode": document.signing_mode},
        )
    approvals = [i.approval for i in work if i.kind == WorkKind.APPROVE and i.approval_id]
    if approvals:
        can["approve"] = [(a, f.DecideForm(prefix=f"ap{a.pk}")) for a in approvals if a]
    if status == Status.TO_SIGN and (WorkKind.SIGN in kinds or document.signer_id == user.pk):
        can["sign_upload"] = f.SignedUploadForm()
        can["sign"] = document.signer_id == user.pk  # the signing page: certificate, token
    if status == Status.TO_ISSUE and (WorkKind.ISSUE in kinds or Role.CLERK in roles):
        if document.code_number:
            can["issue"] = True
        else:
            can["number"] = f.NumberForm()
    if status == Status.ISSUED and roles & {Role.CLERK, Role.LEADER}:
        can["recall"] = f.ReasonForm()
    return can


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A document's page: header, files, routing, deliveries, timeline and my actions."""
    user = user_of(request)
    document = document_for_user(user, pk)
    access_log(request, document, AccessLog.Action.VIEW)
    incoming.info_seen(actor=user, document=document)
    return render(request, "documents/detail.html", detail_context(request, document))


@login_required
def file_download(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """Download one file of a readable document (any version); every download is logged."""
    document = document_for_user(user_of(request), pk)
    stored = DocumentFile.objects.filter(document=document, pk=file_id).first()
    if stored is None:
        raise NotFound(_("File not found."))
    access_log(request, document, AccessLog.Action.DOWNLOAD, stored)
    return file_response(stored)


@login_required
def receive(request: HttpRequest) -> HttpResponse:
    """The registry receives a document: upload and Appendix VI fields."""
    user = user_of(request)
    units = units_with_role(user, Role.CLERK)
    if not units.exists():
        raise NotFound(_("Only a unit's registry (clerks) can receive documents."))
    form = f.ReceiveForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            document = incoming.document_receive(
                actor=user,
                unit=form.cleaned_data["unit"],
                fields=form.fields_value(),
                main=f.to_upload(form.cleaned_data["main"]),
                attachments=[f.to_upload(a) for a in form.cleaned_data["attachments"]],
                request=request,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Received. Check the fields and register the document."))
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/receive.html", {"form": form})


@login_required
def draft_new(request: HttpRequest) -> HttpResponse:
    """Start an outgoing document: fields, the draft file, attachments and recipients."""
    user = user_of(request)
    units = my_units(user)
    if not units.exists():
        raise NotFound(_("Only members of a unit can draft documents."))
    initial: dict[str, Any] = {}
    reply_to = request.GET.get("reply_to", "")
    if reply_to.isdigit():
        original = document_for_user(user, int(reply_to))
        initial = {
            "in_reply_to": original.pk,
            "subject": _("Reply to %(code)s: %(subject)s")
            % {"code": original.code or original.pk, "subject": original.subject},
        }
        origin_unit = _sender_unit(original)
        if origin_unit is not None:
            initial["recipient_units"] = [origin_unit]
    form = f.DraftForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = outgoing.draft_create(
                actor=user,
                unit=form.cleaned_data["unit"],
                fields=form.fields_value(),
                main=f.to_upload(form.cleaned_data["main"]),
                attachments=[f.to_upload(a) for a in form.cleaned_data["attachments"]],
                request=request,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Draft saved. Send it for approval when it is ready."))
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/draft_form.html", {"form": form})


def _sender_unit(document: Document) -> int | None:
    """The unit that sent an incoming copy inside VCNET (the default recipient of a reply)."""
    if document.origin_id is None:
        return None
    return Document.objects.filter(pk=document.origin_id).values_list("unit_id", flat=True).first()
