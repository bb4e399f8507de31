"""The moderators' queue, one case with everything needed to decide, taking and reversing an
action, and the public page behind a label."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError
from vcnet.moderation import access, selectors, services
from vcnet.moderation.forms import ActionForm, ReverseForm
from vcnet.moderation.models import ActionKind, CaseState, ReportReason, TargetKind
from vcnet.moderation.views.common import (
    flash_error,
    form_error,
    nav,
    refused,
    require_moderator,
    signed_in,
)
from vcnet.social.views.web import next_url

PAGE_SIZE = 50
STATES = CaseState.choices


def _choice(value: str, allowed: list[str]) -> str:
    """A filter value from the query string, or "" when it is not one of the offered ones."""
    return value if value in allowed else ""


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Open cases in the moderator's scope, most severe and most reported first."""
    user = signed_in(request)
    require_moderator(user)
    reasons = services.reason_choices()
    state = request.GET.get("state", CaseState.OPEN)
    state = "all" if state == "all" else _choice(state, CaseState.values) or CaseState.OPEN
    kind = _choice(request.GET.get("kind", ""), TargetKind.values)
    reason = _choice(request.GET.get("reason", ""), [r.code for r in reasons])
    raw_offset = request.GET.get("offset", "")
    offset = int(raw_offset) if raw_offset.isdigit() else 0
    cases = selectors.queue(
        user,
        state=state,
        target_kind=kind or None,
        reason_code=reason or None,
        limit=PAGE_SIZE + 1,
        offset=offset,
    )
    more = len(cases) > PAGE_SIZE
    filters = {"state": state, "kind": kind, "reason": reason}
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(
        request,
        "moderation/queue.html",
        {
            "cases": cases[:PAGE_SIZE],
            "filters": filters,
            "query": query,
            "states": [*STATES, ("all", _("All"))],
            "kinds": TargetKind.choices,
            "reasons": reasons,
            "next_offset": offset + PAGE_SIZE if more else None,
            "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
            **nav(user, "queue"),
        },
    )


def _case_page(
    request: HttpRequest,
    user: User,
    pk: int,
    *,
    form: ActionForm | None = None,
    reverse_forms: dict[int, ReverseForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = selectors.case_detail(user, pk)
    reasons: list[ReportReason] = services.reason_choices()
    if form is None:
        form = ActionForm(kinds=detail.allowed, reasons=reasons)
    else:  # a refused submission keeps what was typed and its errors; today's allowed actions
        form.offer(detail.allowed)
    reverse_forms = reverse_forms or {}
    actions = [
        (action, reverse_forms.get(action.pk) or ReverseForm(prefix=f"r{action.pk}"))
        for action in detail.actions
    ]
    context: dict[str, Any] = {
        "detail": detail,
        "case": detail.case,
        "item": detail.item,
        "snapshot": detail.snapshot,
        "form": form,
        "actions": actions,
        "reversible": access.kinds_for_scope(
            access.case_scope(user, detail.case), detail.case.target_kind
        ),
        "now": timezone.now(),
        **nav(user, "queue"),
    }
    return render(request, "moderation/case.html", context, status=status)


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """One case in the moderator's scope (404 for anyone else)."""
    user = signed_in(request)
    return _case_page(request, user, pk)


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an action on a case; the service checks the moderator may take it (403 otherwise)."""
    user = signed_in(request)
    selectors.case_detail(user, pk)  # 404 before anything is parsed for someone else's case
    form = ActionForm(
        request.POST, kinds=list(ActionKind.values), reasons=services.reason_choices()
    )
    if form.is_valid():
        try:
            action = services.action_take(
                user=user,
                case_id=pk,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                policy_code=form.cleaned_data["policy"],
                label_text=form.cleaned_data["label_text"],
                until=form.until_datetime(),
                request=request,
            )
        except DomainError as exc:
            if refused(exc):
                raise
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Done: %(action)s. The author will see your reason.")
                % {"action": action.get_kind_display()},
            )
            return redirect("moderation:case", pk=pk)
    return _case_page(request, user, pk, form=form, status=400)


@login_required
@require_POST
def reverse_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo an action (a moderator with its case in scope); the record stays with the reason."""
    user = signed_in(request)
    form = ReverseForm(request.POST, prefix=f"r{pk}")
    if not form.is_valid():
        form = ReverseForm(request.POST)  # the field without the case page's prefix
    case_id: int | None = None
    if form.is_valid():
        try:
            action = services.action_reverse(
                user=user, action_id=pk, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as exc:
            if refused(exc):
                raise
            flash_error(request, exc)
        else:
            case_id = action.case_id
            messages.success(
                request,
                _("The action was reversed: %(action)s.") % {"action": action.get_kind_display()},
            )
    else:
        messages.error(request, _("Please say why the action is reversed."))
    default = reverse("moderation:case", args=[case_id]) if case_id else reverse("moderation:queue")
    return redirect(next_url(request, default))


@require_GET
def action_public(request: HttpRequest, pk: int) -> HttpResponse:
    """What a label (or a warning screen) means and why it was added: anyone may read it."""
    action = selectors.action_public(pk)
    user = signed_in(request) if request.user.is_authenticated else None
    return render(
        request,
        "moderation/action_public.html",
        {"action": action, **nav(user, "")},
    )
