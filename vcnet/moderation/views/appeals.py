"""Moderators' side of appeals and roles: the pending appeals one may decide (never one's own
action), the decision; site moderators grant and revoke moderator roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vcnet.accounts.models import Unit, User
from vcnet.core.errors import DomainError
from vcnet.moderation import selectors, services
from vcnet.moderation.forms import DecideForm, RoleForm
from vcnet.moderation.models import AppealState, ModeratorRole, ModeratorScope
from vcnet.moderation.views.common import (
    flash_error,
    form_error,
    nav,
    refused,
    require_moderator,
    require_site_moderator,
    signed_in,
)
from vcnet.social.models import Group


def _appeals_page(
    request: HttpRequest,
    user: User,
    *,
    bound: tuple[int, DecideForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = [
        {
            "appeal": appeal,
            "action": appeal.action,
            "form": bound[1]
            if bound and bound[0] == appeal.pk
            else DecideForm(prefix=f"d{appeal.pk}"),
        }
        for appeal in selectors.appeals_pending(user)
    ]
    return render(
        request, "moderation/appeals.html", {"rows": rows, **nav(user, "appeals")}, status=status
    )


@login_required
@require_GET
def appeals(request: HttpRequest) -> HttpResponse:
    """The pending appeals this moderator may decide, oldest first."""
    user = signed_in(request)
    require_moderator(user)
    return _appeals_page(request, user)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Uphold or overturn an appeal (another moderator than the one who acted)."""
    user = signed_in(request)
    prefixed = f"d{pk}-decision" in request.POST or f"d{pk}-reason" in request.POST
    form = DecideForm(request.POST, prefix=f"d{pk}" if prefixed else None)
    if form.is_valid():
        try:
            appeal = services.appeal_decide(
                user=user,
                appeal_id=pk,
                overturn=form.overturn,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as exc:
            if refused(exc):
                raise
            flash_error(request, exc)
            return redirect("moderation:appeals")
        if appeal.state == AppealState.OVERTURNED:
            messages.success(request, _("Appeal accepted: the action was reversed."))
        else:
            messages.success(request, _("Appeal declined: the action stands."))
        return redirect("moderation:appeals")
    require_moderator(user)
    return _appeals_page(request, user, bound=(pk, form), status=400)


def _roles_page(
    request: HttpRequest, user: User, form: RoleForm, *, status: int = 200
) -> HttpResponse:
    roles = ModeratorRole.objects.select_related("user", "unit", "group", "granted_by").order_by(
        "scope", "unit__path", "group__name", "user__full_name", "id"
    )
    return render(
        request,
        "moderation/roles.html",
        {"roles": list(roles), "form": form, **nav(user, "roles")},
        status=status,
    )


def _grant(request: HttpRequest, user: User, form: RoleForm) -> bool:
    """Look up the person, unit and group the form names, then grant; errors go on the form."""
    data = form.cleaned_data
    target = User.objects.filter(email__iexact=data["email"], is_active=True).first()
    if target is None:
        form.add_error("email", _("No active account has this e-mail address."))
        return False
    unit_id = group_id = None
    if data["scope"] == ModeratorScope.UNIT:
        unit = Unit.objects.filter(code=data["unit"].strip()).first()
        if unit is None:
            form.add_error("unit", _("No unit has this code."))
            return False
        unit_id = unit.pk
    elif data["scope"] == ModeratorScope.GROUP:
        group = Group.objects.filter(slug=data["group"].strip().strip("/")).first()
        if group is None:
            form.add_error("group", _("No group has this address."))
            return False
        group_id = group.pk
    try:
        services.moderator_role_grant(
            user=user,
            target_user_id=target.pk,
            scope=data["scope"],
            unit_id=unit_id,
            group_id=group_id,
            request=request,
        )
    except DomainError as exc:
        if refused(exc) and exc.status == 403:
            raise
        form_error(form, exc)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def roles(request: HttpRequest) -> HttpResponse:
    """Who moderates what; site moderators grant roles by e-mail address."""
    user = signed_in(request)
    require_site_moderator(user)
    form = RoleForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and _grant(request, user, form):
            messages.success(
                request,
                _("%(email)s is now a moderator.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("moderation:roles")
        return _roles_page(request, user, form, status=400)
    return _roles_page(request, user, form)


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a moderator role away."""
    user = signed_in(request)
    try:
        services.moderator_role_revoke(user=user, role_id=pk, request=request)
    except DomainError as exc:
        if refused(exc):
            raise
        flash_error(request, exc)
    else:
        messages.success(request, _("The moderator role was removed."))
    return redirect("moderation:roles")
