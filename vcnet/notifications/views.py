"""Pages of in-app notifications: the list (unread first), marking read, and the header bell.

The bell is a small fragment that `base.html` loads with htmx (`hx-trigger="load, every 60s"`),
so the pages themselves carry no per-user count and stay cacheable.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vcnet.accounts.models import User
from vcnet.notifications import selectors
from vcnet.notifications.models import Notification
from vcnet.notifications.services import notifications_mark_read

PER_PAGE = 30


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """My notifications: unread ones first, urgent ones highlighted, newest first within each."""
    unread_first = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    rows = selectors.notifications_for(_me(request)).order_by(
        unread_first.desc(), "-created_at", "-id"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(_me(request))},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark one notification read and go to what it is about (a local link only)."""
    notification = get_object_or_404(Notification, pk=pk, user_id=request.user.pk)
    notifications_mark_read(user=_me(request), ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponseRedirect:
    """Mark all my notifications read."""
    notifications_mark_read(user=_me(request))
    return redirect("notifications:list")


@never_cache
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header bell with my unread count (an htmx fragment; empty for anonymous visitors)."""
    if not request.user.is_authenticated:
        return HttpResponse("")
    unread = selectors.unread_count(_me(request))
    urgent = (
        unread > 0
        and selectors.notifications_for(_me(request))
        .filter(read_at__isnull=True, urgent=True)
        .exists()
    )
    return render(request, "notifications/_bell.html", {"unread": unread, "urgent_unread": urgent})
