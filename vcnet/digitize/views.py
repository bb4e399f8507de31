"""Pages of the digitize app: scan one document, watch it being read, confirm its fields and
file it; import a batch and follow it file by file. Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from vcnet.accounts.models import Role, Unit, User
from vcnet.core.errors import DomainError, NotFound
from vcnet.digitize import fields as f
from vcnet.digitize import sample, selectors, services
from vcnet.digitize.forms import BatchForm, ReviewForm, ScanUploadForm
from vcnet.digitize.models import JobState, ScanJob
from vcnet.digitize.pipeline import ocr_status
from vcnet.documents.access import unit_role_holders
from vcnet.documents.forms import to_upload
from vcnet.documents.views._common import form_error, units_with_role

SAMPLE_NAME = "cong-van-45-btgtu.png"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _clerk_units(user: User) -> Any:
    units = units_with_role(user, Role.CLERK)
    if not units.exists():
        raise NotFound(_("Only a unit's registry (clerks) can scan documents."))
    return units


def _status_context() -> dict[str, Any]:
    status = ocr_status()
    return {"ocr": status, "ocr_missing": ", ".join(status.missing)}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Scan one document: upload it, then follow it on its own page."""
    user = _user(request)
    units = _clerk_units(user)
    form = ScanUploadForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.scan_upload(
                actor=user,
                unit=form.cleaned_data["unit"],
                upload=to_upload(form.cleaned_data["scan"]),
                request=request,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("digitize:job", pk=job.pk)
    context = {
        "form": form,
        "jobs": selectors.jobs_recent(user),
        "accuracy": selectors.accuracy(user),
        **_status_context(),
    }
    return render(request, "digitize/index.html", context, status=400 if form.errors else 200)


def _review_form(request: HttpRequest, job: ScanJob) -> ReviewForm:
    leaders = unit_role_holders(job.unit, Role.LEADER).filter(is_active=True).order_by("full_name")
    data = request.POST if request.method == "POST" else None
    return ReviewForm(data, initial=f.form_initial(job.extraction), leaders=leaders)


def _job_context(request: HttpRequest, job: ScanJob, form: ReviewForm | None) -> dict[str, Any]:
    context: dict[str, Any] = {"job": job, "form": form}
    if form is not None:
        confidence = f.form_confidence(job.extraction)
        context["rows"] = [
            {
                "field": form[name],
                "confidence": confidence.get(name),
                "low": confidence.get(name) is not None
                and (confidence.get(name) or 0) < f.LOW_CONFIDENCE,
                # No urgency or secrecy mark simply means a normal document.
                "missing": name in f.FORM_SOURCE
                and name not in ("priority", "confidentiality")
                and confidence.get(name) is None,
            }
            for name in form.fields
        ]
        context["duplicates"] = services.duplicates_find(
            unit_id=job.unit_id,
            sha256=job.original_sha256,
            organ_name=str(form.initial.get("organ_name", "")),
            code_number=str(form.initial.get("code_number", "")),
            code_notation=str(form.initial.get("code_notation", "")),
            exclude_job=job.pk,
        )
        context["recipients"] = job.field("recipients").get("value", "")
    return context


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A scan: its progress while it is read; then its fields to confirm, and "Register"."""
    user = _user(request)
    job = selectors.job_for_user(user, pk)
    form = None
    if job.state == JobState.DONE and job.document_id is None:
        form = _review_form(request, job)
        if request.method == "POST" and form.is_valid():
            try:
                document = services.scan_register(
                    actor=user,
                    job=job,
                    fields=form.fields_value(),
                    submit_to=form.cleaned_data.get("submit_to"),
                    request=request,
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Registered with arrival number %(number)s.")
                    % {"number": document.arrival_number},
                )
                return redirect("documents:detail", pk=document.pk)
    elif request.method == "POST":
        messages.warning(request, _("This scan cannot be registered now."))
        return redirect("digitize:job", pk=job.pk)
    status = 400 if form is not None and form.errors else 200
    return render(request, "digitize/job.html", _job_context(request, job, form), status=status)


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar (polled by htmx); when the job has finished, the page reloads."""
    job = selectors.job_for_user(_user(request), pk)
    response = render(request, "digitize/_job_progress.html", {"job": job})
    if job.finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    job = selectors.job_for_user(user, pk)
    try:
        services.job_retry(actor=user, job=job, request=request)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("digitize:job", pk=job.pk)


@login_required
@xframe_options_sameorigin  # shown beside the fields, in the page's own <object>
def job_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The searchable PDF made from a scan (to look at before registering)."""
    job = selectors.job_for_user(_user(request), pk)
    if not job.result:
        raise NotFound(_("There is no searchable PDF for this scan."))
    response = FileResponse(
        job.result.open("rb"),
        as_attachment=False,
        filename=job.result.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def sample_scan(request: HttpRequest) -> FileResponse:
    """A scanned official letter to try the reading with (no scanner needed for the demo)."""
    _clerk_units(_user(request))
    response = FileResponse(
        (sample.DATA / SAMPLE_NAME).open("rb"),
        as_attachment=True,
        filename=SAMPLE_NAME,
        content_type="image/png",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Batches ----------------------------------------------------------------------------------


@login_required
def batch(request: HttpRequest) -> HttpResponse:
    """Import a zip archive or several scans as draft incoming documents."""
    user = _user(request)
    units = _clerk_units(user)
    form = BatchForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit: Unit = form.cleaned_data["unit"]
        try:
            created = services.batch_create(
                actor=user,
                unit=unit,
                uploads=[to_upload(file) for file in form.cleaned_data["scans"]],
                name=form.cleaned_data.get("name", ""),
                request=request,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("digitize:batch_detail", pk=created.pk)
    context = {"form": form, "batches": selectors.batches_recent(user), **_status_context()}
    return render(request, "digitize/batch.html", context, status=400 if form.errors else 200)


def _batch_context(batch_obj: Any) -> dict[str, Any]:
    return {
        "batch": batch_obj,
        "progress": selectors.batch_progress(batch_obj),
        "items": selectors.batch_items(batch_obj),
    }


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch: its progress bar and one row per file (draft, duplicate, failed + retry)."""
    found = selectors.batch_for_user(_user(request), pk)
    return render(request, "digitize/batch_detail.html", _batch_context(found))


@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's bar and table (polled by htmx while files are waiting)."""
    found = selectors.batch_for_user(_user(request), pk)
    return render(request, "digitize/_batch_panel.html", _batch_context(found))


@login_required
@require_POST
def item_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = selectors.item_for_user(user, pk)
    try:
        services.item_retry(actor=user, item=item, request=request)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("digitize:batch_detail", pk=item.batch_id)
