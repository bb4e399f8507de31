"""Signing pages: sign one document in the browser, sign many with one PIN, electronic copies.

Each view parses a form and calls one service of `services.signing`. Batch signing runs in
the request that carries the PIN (never through a task queue); with htmx the page first creates
the job, then posts the PIN while it polls the job's progress, so the bar moves as documents
are signed. Without JavaScript the same form signs everything and shows the results.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.documents import forms as f
from vcnet.documents.access import document_for_user
from vcnet.documents.models import Direction, Document, Status
from vcnet.documents.services import signing
from vcnet.documents.views._common import user_of
from vcnet.signing.models import Certificate, SigningJob


def _certificates(user: User, sources: tuple[str, ...]) -> QuerySet[Certificate]:
    from vcnet.signing import ca

    return ca.certificates_for_signing(user).filter(source__in=sources).order_by("-created_at")


class CertificateField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        until = obj.not_after.strftime("%d/%m/%Y")
        return f"{obj.label or obj.common_name} · {obj.get_source_display()} · {until}"


class PinSignForm(forms.Form):
    """Sign with a certificate whose key the server unlocks with the PIN."""

    certificate = CertificateField(
        label=gettext_lazy("Certificate"), queryset=Certificate.objects.none(), empty_label=None
    )
    pin = forms.CharField(
        label=gettext_lazy("Signing PIN"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = _certificates(user, signing.PIN_SOURCES)  # type: ignore[attr-defined]


class TokenSignForm(forms.Form):
    """Sign with a USB token (through the VCNET signing agent) or a remote signing service."""

    certificate = CertificateField(
        label=gettext_lazy("Token or signing service"),
        queryset=Certificate.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = _certificates(user, signing.DEFERRED_SOURCES)  # type: ignore[attr-defined]


def _to_sign(user: User, pk: int) -> Document:
    """The document, if it waits for THIS user's signature (404 for anyone who may not read
    it; the services check the rest again)."""
    document = document_for_user(user, pk)
    if document.direction != Direction.OUTGOING or document.signer_id != user.pk:
        raise NotFound(_("This document is not waiting for your signature."))
    return document


def _sign_context(
    request: HttpRequest,
    document: Document,
    pin_form: PinSignForm | None = None,
    token_form: TokenSignForm | None = None,
) -> dict[str, Any]:
    user = user_of(request)
    pin_form = pin_form or PinSignForm(user=user)
    token_form = token_form or TokenSignForm(user=user)
    return {
        "document": document,
        "waiting": document.status == Status.TO_SIGN,
        "pin_form": pin_form,
        "token_form": token_form,
        "has_pin_certificates": pin_form.fields["certificate"].queryset.exists(),  # type: ignore[attr-defined]
        "has_token_certificates": token_form.fields["certificate"].queryset.exists(),  # type: ignore[attr-defined]
        "upload_form": f.SignedUploadForm(),
        "hint": signing.signature_hint(user),
    }


@login_required
def document_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The signer signs one document: certificate and PIN, a token, or a signed PDF upload."""
    user = user_of(request)
    document = _to_sign(user, pk)
    form = PinSignForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            signing.document_sign(
                actor=user,
                document=document,
                certificate=form.cleaned_data["certificate"],
                pin=form.cleaned_data["pin"],
                request=request,
            )
        except NotFound:
            raise
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Signed; the registry will number and issue it."))
            return redirect("documents:detail", pk=document.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "documents/sign.html",
        _sign_context(request, document, pin_form=form),
        status=status,
    )


@login_required
@require_POST
def document_sign_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a signature by a USB token or a remote service; its page follows the signing."""
    user = user_of(request)
    document = _to_sign(user, pk)
    form = TokenSignForm(request.POST, user=user)
    if form.is_valid():
        try:
            started = signing.document_sign_start(
                actor=user,
                document=document,
                certificate=form.cleaned_data["certificate"],
                request=request,
            )
        except NotFound:
            raise
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("signing:request", pk=started.pk)
    return render(
        request,
        "documents/sign.html",
        _sign_context(request, document, token_form=form),
        status=400,
    )


# --- Batch -----------------------------------------------------------------------------------


def _waiting(user: User) -> QuerySet[Document]:
    return (
        Document.objects.filter(
            direction=Direction.OUTGOING, signer=user, status=Status.TO_SIGN, frozen=False
        )
        .select_related("unit", "doc_type")
        .order_by("-priority", "created_at", "id")
    )


class BatchForm(forms.Form):
    """Which documents, with which certificate (the PIN comes with the run)."""

    documents = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Documents"),
        queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    certificate = CertificateField(
        label=gettext_lazy("Certificate"), queryset=Certificate.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = _waiting(user)  # type: ignore[attr-defined]
        self.fields["certificate"].queryset = _certificates(user, signing.PIN_SOURCES)  # type: ignore[attr-defined]


class PinForm(forms.Form):
    certificate = CertificateField(
        label=gettext_lazy("Certificate"), queryset=Certificate.objects.none(), empty_label=None
    )
    pin = PinSignForm.base_fields["pin"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["certificate"].queryset = _certificates(user, signing.PIN_SOURCES)  # type: ignore[attr-defined]


def _job_for(user: User, pk: int) -> SigningJob:
    job = SigningJob.objects.filter(pk=pk, user=user).first()
    if job is None:
        raise NotFound(_("Signing job not found."))
    return job


def _job_context(job: SigningJob) -> dict[str, Any]:
    finished = job.done + job.failed
    return {
        "job": job,
        "percent": int(100 * finished / job.total) if job.total else 100,
        "running": job.state == SigningJob.State.RUNNING,
    }


def _run(request: HttpRequest, user: User, job: SigningJob, form: PinForm) -> str | None:
    """Sign the job's documents; the error that stopped it (a wrong PIN), or None."""
    ids = [item["id"] for item in job.items]
    documents = list(Document.objects.filter(pk__in=ids).select_related("unit"))
    documents.sort(key=lambda d: ids.index(d.pk))
    try:
        signing.document_sign_batch(
            actor=user,
            documents=documents,
            certificate=form.cleaned_data["certificate"],
            pin=form.cleaned_data["pin"],
            job=job,
            request=request,
        )
    except NotFound:
        raise
    except DomainError as exc:
        return str(exc.message)
    return None


@login_required
def sign_batch(request: HttpRequest) -> HttpResponse:
    """The signer's documents waiting for a signature, to sign several with one PIN."""
    user = user_of(request)
    form = BatchForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            job = signing.signing_job_create(
                actor=user, documents=list(form.cleaned_data["documents"])
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            if request.htmx:  # type: ignore[attr-defined]
                # The page posts the PIN next, and polls the job meanwhile.
                return render(
                    request, "documents/_sign_job.html", {**_job_context(job), "start": True}
                )
            pin_form = PinForm(request.POST, user=user)
            error = _run(request, user, job, pin_form) if pin_form.is_valid() else None
            if not pin_form.is_valid():
                error = " ".join(str(e) for errs in pin_form.errors.values() for e in errs)
                signing.signing_job_abandon(job=job, error=error)
            if error:
                messages.error(request, error)
            return redirect("documents:sign_job", pk=job.pk)
    if request.htmx and request.method == "POST":  # type: ignore[attr-defined]
        # htmx swaps only successful answers: the errors come with 200.
        return render(request, "documents/_sign_batch_errors.html", {"form": form})
    return render(
        request,
        "documents/sign_batch.html",
        {
            "form": form,
            "waiting": form.fields["documents"].queryset,  # type: ignore[attr-defined]
            "hint": signing.signature_hint(user),
            "has_certificates": form.fields["certificate"].queryset.exists(),  # type: ignore[attr-defined]
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def sign_job_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign a created job's documents with the PIN posted here (the htmx page's second step)."""
    user = user_of(request)
    job = _job_for(user, pk)
    form = PinForm(request.POST, user=user)
    if form.is_valid():
        error = _run(request, user, job, form)
    else:
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
        signing.signing_job_abandon(job=job, error=error)
    job.refresh_from_db()
    ctx = {**_job_context(job), "error": error}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "documents/_sign_job.html", {**ctx, "clear_pin": True})
    if error:
        messages.error(request, error)
    return redirect("documents:sign_job", pk=job.pk)


@login_required
def sign_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch's progress (polled by the page while it runs) and its per-document results."""
    job = _job_for(user_of(request), pk)
    ctx = _job_context(job)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "documents/_sign_job.html", ctx)
    return render(request, "documents/sign_job.html", ctx)


# --- Electronic copies -----------------------------------------------------------------------


class CopyForm(forms.Form):
    copy_type = forms.ChoiceField(
        label=gettext_lazy("Kind of copy"),
        choices=[
            ("sao_y", gettext_lazy("Certified copy (sao y)")),
            ("sao_luc", gettext_lazy("Transcribed copy (sao lục)")),
        ],
    )


@login_required
@require_POST
def document_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """The registry makes an electronic copy of a document, signed with the unit's seal."""
    user = user_of(request)
    document = document_for_user(user, pk)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of copy."))
    else:
        try:
            stored = signing.document_copy_make(
                actor=user,
                document=document,
                copy_type=form.cleaned_data["copy_type"],
                request=request,
            )
        except NotFound:
            raise
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Electronic copy made: %(name)s.") % {"name": stored.name})
    return redirect("documents:detail", pk=document.pk)
