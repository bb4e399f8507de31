"""Official pages: the directory, opening a page for a unit, managing its editors, verifying it."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.errors import DomainError, NotFound
from vcnet.social.models import Actor, PageRole, PageRoleKind
from vcnet.social.selectors import actors as actor_selectors
from vcnet.social.services import actors as actor_services
from vcnet.social.views import web


def _admin_units(user: User) -> Any:
    if user.is_staff:
        return Unit.objects.all().order_by("name")
    return Unit.objects.filter(
        pk__in=Membership.objects.filter(user=user, role=Role.UNIT_ADMIN).values("unit_id")
    ).order_by("name")


class PageForm(forms.Form):
    """Open an official page for a unit."""

    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none())
    handle = forms.RegexField(
        label=gettext_lazy("Handle"),
        regex=r"^[a-z0-9_]{2,30}$",
        help_text=gettext_lazy("Letters a-z, digits and underscores; shown as @handle."),
        error_messages={
            "invalid": gettext_lazy(
                "A handle has 2 to 30 characters: letters a-z, digits and underscores."
            )
        },
    )
    display_name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    bio = forms.CharField(
        label=gettext_lazy("About"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any unit may be posted; the service decides (another unit's admin gets a 403).
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.all()
        self.admin_units = _admin_units(user)


def directory(request: HttpRequest) -> HttpResponse:
    """Official pages of the units, verified first; searchable without diacritics."""
    q = request.GET.get("q", "")[:100]
    pages = list(actor_selectors.pages_directory(q)[:100])
    user = web.viewer(request)
    can_create = user is not None and _admin_units(user).exists()
    return render(
        request,
        "social/pages/directory.html",
        {"tab": "pages", "q": q, "pages": pages, "can_create": can_create},
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Open an official page for a unit one administers."""
    user = cast(User, request.user)
    form = PageForm(request.POST or None, user=user)
    if not form.admin_units.exists():
        raise NotFound(_("This page does not exist."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            page = actor_services.page_create(
                user=user,
                unit=data["unit"],
                handle=data["handle"],
                display_name=data["display_name"],
                bio=data["bio"],
                request=request,
            )
        except DomainError as exc:
            if isinstance(exc, NotFound) or exc.status == 403:
                raise
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The official page was created."))
            return redirect("social:page_manage", handle=page.handle)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "social/pages/new.html", {"tab": "pages", "form": form}, status=status)


def _page(handle: str) -> Actor:
    actor = actor_services.actor_get(handle)
    if not actor.is_page:
        raise NotFound(_("This page does not exist."))
    return actor


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, handle: str) -> HttpResponse:
    """A page's editors and owners (owners, the unit's admins and staff); staff verify it."""
    user = cast(User, request.user)
    page = _page(handle)
    can_manage = actor_services.can_manage_page(user, page)
    if not can_manage:
        raise NotFound(_("This page does not exist."))
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        role = request.POST.get("role", "")
        target = User.objects.filter(email__iexact=email).first() if email else None
        if target is None:
            messages.error(request, _("No one with this e-mail address has an account."))
        elif role not in [*PageRoleKind.values, "remove"]:
            messages.error(request, _("Please choose a role."))
        else:
            try:
                actor_services.page_role_set(
                    user=user,
                    page=page,
                    target_user=target,
                    role=None if role == "remove" else role,
                    request=request,
                )
            except DomainError as exc:
                if isinstance(exc, NotFound):
                    raise
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("The roles were saved."))
        return redirect("social:page_manage", handle=page.handle)
    roles = (
        PageRole.objects.filter(page=page)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    return render(
        request,
        "social/pages/manage.html",
        {
            "tab": "pages",
            "page": page,
            "roles": roles,
            "choices": PageRoleKind.choices,
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest, handle: str) -> HttpResponse:
    """Give or take away the verified badge (administrators only: others get a 403)."""
    user = cast(User, request.user)
    page = _page(handle)
    verified = request.POST.get("verified", "1") == "1"
    actor_services.page_verify(user=user, page=page, verified=verified, request=request)
    messages.success(
        request, _("The page is verified.") if verified else _("The page is no longer verified.")
    )
    return redirect("social:page_manage", handle=page.handle)
