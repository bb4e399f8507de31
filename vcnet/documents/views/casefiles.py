"""Case files (hồ sơ công việc): the list of my units' files, one file, opening a new one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vcnet.core.errors import DomainError, NotFound
from vcnet.documents.access import readable_documents
from vcnet.documents.forms import CaseFileForm
from vcnet.documents.models import CaseFile, CaseFileItem
from vcnet.documents.services import incoming
from vcnet.documents.views._common import form_error, my_units, user_of


@login_required
def casefile_list(request: HttpRequest) -> HttpResponse:
    """The case files of my units, newest year first, and a form to open one."""
    user = user_of(request)
    units = my_units(user)
    case_files = CaseFile.objects.filter(unit__in=units).select_related("unit", "owner")
    form = CaseFileForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_file = incoming.casefile_create(
                actor=user,
                unit=data["unit"],
                title=data["title"],
                notation=data["notation"],
                year=data.get("year"),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Case file opened."))
            return redirect("documents:casefile", pk=case_file.pk)
    return render(
        request,
        "documents/casefiles.html",
        {"case_files": list(case_files[:200]), "form": form},
    )


@login_required
def casefile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case file: the documents in it that I may read, in filing order."""
    user = user_of(request)
    case_file = (
        CaseFile.objects.filter(pk=pk, unit__in=my_units(user)).select_related("unit").first()
    )
    if case_file is None:
        raise NotFound(_("Case file not found."))
    readable = readable_documents(user).values("pk")
    items = (
        CaseFileItem.objects.filter(case_file=case_file, document_id__in=readable)
        .select_related("document", "document__doc_type", "added_by")
        .order_by("ordinal")
    )
    if request.method == "POST" and request.POST.get("close"):
        try:
            incoming.casefile_close(actor=user, case_file=case_file)
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Case file closed."))
        return redirect("documents:casefile", pk=case_file.pk)
    return render(
        request, "documents/casefile.html", {"case_file": case_file, "items": list(items)}
    )
