"""Pages of in-app notifications: the list (unread first, grouped), marking read, the header bell,
the live stream, the settings page and the Web Push subscription endpoints.

The bell is a small fragment that `base.html` loads with htmx (`hx-trigger="load, every 60s"`),
so the pages themselves carry no per-user count and stay cacheable; `notifications/live.js`
updates it at once from the event stream.
"""

from __future__ import annotations

import json
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError
from vcnet.notifications import selectors, services
from vcnet.notifications.live import stream_response
from vcnet.notifications.models import Notification
from vcnet.notifications.push import vapid_public_key

PER_PAGE = 30


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """My notifications: unread ones first, urgent ones highlighted, grouped by what they are about."""
    unread_first = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    rows = selectors.notifications_for(_me(request)).order_by(
        unread_first.desc(), "-created_at", "-id"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "groups": selectors.notifications_group(page.object_list),
            "unread": selectors.unread_count(_me(request)),
        },
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """Mark one notification (and the others of its group) read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, user_id=request.user.pk)
    ids = {notification.pk}
    ids.update(int(value) for value in request.POST.getlist("ids") if value.isdigit())
    services.notifications_mark_read(user=_me(request), ids=ids)
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
    services.notifications_mark_read(user=_me(request))
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


@never_cache
@require_GET
def stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Server-sent events: my unread count and newest notification, live (see live.py)."""
    return stream_response(request)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Per kind of notification: in the list, in the daily e-mail, pushed to my devices."""
    rows = selectors.notification_preferences(_me(request))
    if request.method == "POST":
        values = {
            row.kind: (
                f"in_app:{row.kind}" in request.POST,
                f"email:{row.kind}" in request.POST,
                f"push:{row.kind}" in request.POST,
            )
            for row in rows
        }
        services.notification_preferences_set(user=_me(request), values=values)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "rows": rows,
            "vapid_public_key": vapid_public_key(),
            "devices": _me(request).push_subscriptions.count(),
        },
    )


def _json_body(request: HttpRequest) -> dict[str, object]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Store this browser's PushSubscription (the JSON of `subscription.toJSON()`)."""
    data = _json_body(request)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    assert isinstance(keys, dict)  # noqa: S101 (narrowing for mypy)
    try:
        subscription = services.push_subscribe(
            user=_me(request),
            endpoint=str(data.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except DomainError as exc:
        return JsonResponse({"error": str(exc.message)}, status=400)
    return JsonResponse({"id": subscription.pk}, status=201)


@login_required
@require_POST
def push_unsubscribe(request: HttpRequest) -> JsonResponse:
    """Forget one of my browsers' subscriptions."""
    endpoint = str(_json_body(request).get("endpoint") or "")
    deleted = services.push_unsubscribe(user=_me(request), endpoint=endpoint)
    return JsonResponse({"deleted": deleted})
