"""The author's side: every action moderators took on my content, with the reason, whether it
was reversed, and my appeal (or the form to appeal while it is allowed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.moderation import selectors, services
from vcnet.moderation.forms import AppealForm
from vcnet.moderation.models import Action, Appeal
from vcnet.moderation.views.common import form_error, nav, refused, signed_in


def _mine_page(
    request: HttpRequest,
    user: User,
    *,
    bound: tuple[int, AppealForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    rows = []
    for action in selectors.actions_for_subject(user):
        form = None
        if selectors.appeal_allowed(action, now):
            form = (
                bound[1] if bound and bound[0] == action.pk else AppealForm(prefix=f"a{action.pk}")
            )
        rows.append({"action": action, "appeal": _appeal_of(action), "form": form})
    return render(
        request, "moderation/mine.html", {"rows": rows, **nav(user, "mine")}, status=status
    )


def _appeal_of(action: Action) -> Appeal | None:
    """The action's appeal (preloaded by the selector), or None."""
    try:
        return action.appeal
    except ObjectDoesNotExist:
        return None


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """Every action on my content, newest first."""
    return _mine_page(request, signed_in(request))


@login_required
@require_POST
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """Appeal an action on my content, once, within 20 days (404 for anyone else's)."""
    user = signed_in(request)
    prefixed = f"a{pk}-text" in request.POST
    form = AppealForm(request.POST, prefix=f"a{pk}" if prefixed else None)
    if form.is_valid():
        try:
            services.appeal_create(
                user=user, action_id=pk, text=form.cleaned_data["text"], request=request
            )
        except DomainError as exc:
            if refused(exc):
                raise
            form_error(form, exc)
        else:
            messages.success(
                request, _("Your appeal was sent. Another moderator will decide and tell you.")
            )
            return redirect(reverse("moderation:mine") + f"#action-{pk}")
    if not any(a.pk == pk for a in selectors.actions_for_subject(user)):
        raise NotFound(_("Action not found."))
    for message in form.non_field_errors():
        messages.error(request, str(message))
    return _mine_page(request, user, bound=(pk, form), status=400)
