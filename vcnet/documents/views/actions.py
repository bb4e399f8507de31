"""The POST actions of a document's page: each parses a form and calls one service.

Every action first loads the document through `document_for_user` (404 for people who may not
read it); the services then check whether THIS person may take THIS step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vcnet.accounts.models import Role, User
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.documents import forms as f
from vcnet.documents.access import unit_role_holders
from vcnet.documents.models import Approval, Assignment, CaseFile, Document, ExtensionRequest
from vcnet.documents.services import incoming, outgoing
from vcnet.documents.views._common import user_of

Handler = Callable[[HttpRequest, User, Document], str]
ACTIONS: dict[str, Handler] = {}


class InvalidForm(Exception):
    """The form did not validate; its errors are shown as a message."""

    def __init__(self, form: forms.Form) -> None:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        super().__init__(" ".join(errors) or _("Please check what you entered."))


def action(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ACTIONS[name] = handler
        return handler

    return register


def _valid(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        raise InvalidForm(form)
    return form.cleaned_data


def _leaders(document: Document) -> Any:
    ids = [u for u in (document.unit_id, document.drafting_unit_id) if u]
    return User.objects.filter(
        memberships__unit_id__in=ids, memberships__role=Role.LEADER
    ).distinct()


def _assignment(request: HttpRequest, document: Document, key: str = "assignment") -> Assignment:
    value = request.POST.get(key, "")
    line = Assignment.objects.filter(document=document, pk=int(value) if value.isdigit() else 0)
    found = line.select_related("unit", "user").first()
    if found is None:
        raise NotFound(_("That line of the direction was not found."))
    return found


# --- Incoming -------------------------------------------------------------------------------


@action("register")
def _register(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.RegisterForm(request.POST, leaders=_leaders(document)))
    document = incoming.document_register(
        actor=user, document=document, submit_to=data.get("submit_to"), request=request
    )
    return _("Registered as incoming document number %(n)s.") % {"n": document.arrival_number}


@action("update_fields")
def _update_fields(request: HttpRequest, user: User, document: Document) -> str:
    data = f.IncomingFieldsForm(request.POST)
    _valid(data)
    incoming.document_update_fields(
        actor=user, document=document, fields=data.fields_value(), request=request
    )
    return _("The document's details were saved.")


@action("return")
def _return(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.ReasonForm(request.POST))
    incoming.document_return(actor=user, document=document, reason=data["reason"], request=request)
    return _("The document was returned to its sender.")


@action("submit")
def _submit(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.SubmitForm(request.POST, leaders=_leaders(document)))
    incoming.document_submit(actor=user, document=document, leader=data["leader"], request=request)
    return _("Submitted to %(name)s for direction.") % {"name": data["leader"].full_name}


def _direct_form(request: HttpRequest, document: Document, parent: Assignment | None) -> Any:
    if parent is None:
        from vcnet.accounts.models import Unit

        units = list(Unit.objects.filter(parent_id=document.unit_id))
        people = list(User.objects.filter(memberships__unit_id=document.unit_id).distinct())
        return f.DirectForm(request.POST, units=units, people=people)
    people = (
        list(User.objects.filter(memberships__unit_id=parent.unit_id).distinct())
        if parent.unit_id is not None
        else []
    )
    return f.DirectForm(request.POST, units=[], people=people, prefix=f"a{parent.pk}")


@action("direct")
def _direct(request: HttpRequest, user: User, document: Document) -> str:
    parent = _assignment(request, document) if request.POST.get("assignment") else None
    form = _direct_form(request, document, parent)
    _valid(form)
    incoming.document_direct(
        actor=user,
        document=document,
        lines=form.lines(),
        comment=form.cleaned_data.get("comment", ""),
        parent=parent,
        request=request,
    )
    return _("Direction sent.")


@action("comment")
def _comment(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.CommentForm(request.POST))
    incoming.document_comment(actor=user, document=document, body=data["body"], request=request)
    return _("Comment added.")


@action("result_file")
def _result_file(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.ResultFileForm(request.POST, request.FILES))
    incoming.result_file_add(
        actor=user, document=document, upload=f.to_upload(data["file"]), note=data.get("note", "")
    )
    return _("File added.")


@action("extension")
def _extension(request: HttpRequest, user: User, document: Document) -> str:
    line = _assignment(request, document)
    data = _valid(f.ExtensionForm(request.POST, prefix=f"e{line.pk}"))
    incoming.extension_request(
        actor=user, assignment=line, new_deadline=data["new_deadline"], reason=data["reason"]
    )
    return _("Your request for more time was sent.")


@action("extension_decide")
def _extension_decide(request: HttpRequest, user: User, document: Document) -> str:
    value = request.POST.get("extension", "")
    extension = ExtensionRequest.objects.filter(
        assignment__document=document, pk=int(value) if value.isdigit() else 0
    ).first()
    if extension is None:
        raise NotFound(_("Extension request not found."))
    data = _valid(f.DecideForm(request.POST))
    incoming.extension_decide(
        actor=user, extension=extension, approve=data["approve"], note=data.get("comment", "")
    )
    return _("Decision recorded.")


@action("complete_part")
def _complete_part(request: HttpRequest, user: User, document: Document) -> str:
    line = _assignment(request, document)
    data = _valid(f.CompleteForm(request.POST, prefix=f"c{line.pk}"))
    incoming.assignment_complete(
        actor=user, assignment=line, result=data["result"], request=request
    )
    return _("Your part is done.")


@action("complete")
def _complete(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.NoteForm(request.POST))
    incoming.document_complete(
        actor=user, document=document, note=data.get("note", ""), request=request
    )
    return _("The document is completed.")


@action("file")
def _file(request: HttpRequest, user: User, document: Document) -> str:
    value = request.POST.get("case_file", "")
    case_file = CaseFile.objects.filter(pk=int(value) if value.isdigit() else 0).first()
    if case_file is None:
        raise NotFound(_("Case file not found."))
    incoming.casefile_add(actor=user, case_file=case_file, document=document)
    return _("Filed into %(file)s.") % {"file": str(case_file)}


# --- Outgoing -------------------------------------------------------------------------------


@action("draft_update")
def _draft_update(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.DraftUpdateForm(request.POST, request.FILES))
    outgoing.draft_update(
        actor=user,
        document=document,
        main=f.to_upload(data["main"]),
        note=data.get("note", ""),
        request=request,
    )
    return _("New version saved.")


@action("draft_submit")
def _draft_submit(request: HttpRequest, user: User, document: Document) -> str:
    form = f.DraftSubmitForm(
        request.POST,
        leaders=_leaders(document),
        clerks=unit_role_holders(document.unit_id, Role.CLERK),
    )
    data = _valid(form)
    outgoing.draft_submit(
        actor=user,
        document=document,
        content_approver=data["content_approver"],
        layout_checker=data["layout_checker"],
        signer=data["signer"],
        signing_mode=data.get("signing_mode", ""),
        request=request,
    )
    return _("Sent for approval.")


@action("approve")
def _approve(request: HttpRequest, user: User, document: Document) -> str:
    value = request.POST.get("approval", "")
    approval = Approval.objects.filter(
        document=document, pk=int(value) if value.isdigit() else 0
    ).first()
    if approval is None:
        raise NotFound(_("Approval not found."))
    data = _valid(f.DecideForm(request.POST, prefix=f"ap{approval.pk}"))
    outgoing.approval_decide(
        actor=user,
        approval=approval,
        approve=data["approve"],
        comment=data.get("comment", ""),
        request=request,
    )
    return _("Approved.") if data["approve"] else _("Returned to the drafter.")


@action("sign_upload")
def _sign_upload(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.SignedUploadForm(request.POST, request.FILES))
    outgoing.document_sign_upload(
        actor=user, document=document, signed=f.to_upload(data["signed"]), request=request
    )
    return _("Signed version received; the registry will number and issue it.")


@action("number")
def _number(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.NumberForm(request.POST))
    document = outgoing.document_number(
        actor=user, document=document, issued_date=data.get("issued_date"), request=request
    )
    return _("Numbered %(code)s.") % {"code": document.code}


@action("issue")
def _issue(request: HttpRequest, user: User, document: Document) -> str:
    outgoing.document_issue(actor=user, document=document, request=request)
    return _("Issued to its recipients.")


@action("recall")
def _recall(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.ReasonForm(request.POST))
    outgoing.document_recall(actor=user, document=document, reason=data["reason"], request=request)
    return _("Recalled; the recipients are asked to remove their copies.")


@action("recall_answer")
def _recall_answer(request: HttpRequest, user: User, document: Document) -> str:
    data = _valid(f.RecallAnswerForm(request.POST))
    outgoing.recall_answer(
        actor=user,
        document=document,
        accept=data["accept"],
        note=data.get("note", ""),
        request=request,
    )
    return _("Answer sent.")


@login_required
@require_POST
def document_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Run one action of a document's page, then show the page again with the result."""
    from vcnet.documents.access import document_for_user

    user = user_of(request)
    document = document_for_user(user, pk)
    handler = ACTIONS.get(name)
    if handler is None:
        raise NotFound(_("Unknown action."))
    try:
        messages.success(request, handler(request, user, document))
    except (NotFound, PermissionDeniedError):
        raise
    except InvalidForm as exc:
        messages.error(request, str(exc))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("documents:detail", pk=document.pk)
