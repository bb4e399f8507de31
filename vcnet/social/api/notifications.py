"""Notifications in Mastodon's shape (the social kinds only; other apps' stay on the web)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _

from vcnet.core.errors import NotFound
from vcnet.notifications.models import Notification
from vcnet.notifications.selectors import notifications_for
from vcnet.social import kinds
from vcnet.social.api import serializers as s
from vcnet.social.api.common import me
from vcnet.social.api.pagination import page_params, paged_response, queryset_page
from vcnet.social.api.router import router
from vcnet.social.models import Actor

POST_TYPE = "social.post"
TYPES_OUT = kinds.MASTODON_TYPES


def _wanted_kinds(request: HttpRequest) -> list[str]:
    wanted = set(request.GET.getlist("types[]") or request.GET.getlist("types"))
    excluded = set(request.GET.getlist("exclude_types[]") or request.GET.getlist("exclude_types"))
    return [
        kind
        for kind, mtype in TYPES_OUT.items()
        if (not wanted or mtype in wanted) and mtype not in excluded
    ]


def _serialize(request: HttpRequest, user: Any, rows: list[Notification]) -> list[dict[str, Any]]:
    from vcnet.social.selectors.posts import posts_hydrate

    people = {
        a.user_id: a
        for a in Actor.objects.filter(
            user_id__in={r.actor_id for r in rows if r.actor_id}
        ).select_related("unit")
    }
    post_ids = [
        int(r.object_id) for r in rows if r.object_type == POST_TYPE and r.object_id.isdigit()
    ]
    posts = {p.pk: p for p in posts_hydrate(user, post_ids)} if post_ids else {}
    ctx = s.StatusContext.load(request, user, list(posts.values()))
    mine = None
    out = []
    for row in rows:
        account = people.get(row.actor_id) if row.actor_id else None
        if account is None:
            from vcnet.social.services.actors import actor_for_user

            mine = mine or actor_for_user(user)
            account = mine
        post = (
            posts.get(int(row.object_id))
            if row.object_type == POST_TYPE and row.object_id.isdigit()
            else None
        )
        out.append(
            {
                "id": str(row.pk),
                "type": TYPES_OUT.get(row.kind, "mention"),
                "created_at": s.iso(row.created_at),
                "group_key": f"ungrouped-{row.pk}",
                "account": s.account(request, account),
                "status": s.status(ctx, post) if post is not None else None,
                "vcnet": {
                    "kind": row.kind,
                    "title": row.title,
                    "url": row.url,
                    "read": row.read_at is not None,
                },
            }
        )
    return out


@router.get("/notifications", summary="My notifications (Mastodon)")
def notifications_list(request: HttpRequest) -> JsonResponse:
    user = me(request)
    page = page_params(request, default=15, most=30)
    qs = notifications_for(user).filter(kind__in=_wanted_kinds(request))
    if account_id := request.GET.get("account_id"):
        qs = qs.filter(actor__actor__pk=account_id)
    rows = queryset_page(qs, page)
    return paged_response(
        request,
        _serialize(request, user, rows),
        next_max_id=rows[-1].pk if len(rows) >= page.limit else None,
        prev_min_id=rows[0].pk if rows else None,
    )


@router.get("/notifications/unread_count", summary="How many notifications are unread")
def notifications_unread(request: HttpRequest) -> dict[str, int]:
    user = me(request)
    return {
        "count": notifications_for(user)
        .filter(kind__in=list(TYPES_OUT), read_at__isnull=True)
        .count()
    }


@router.post("/notifications/clear", summary="Dismiss all my notifications (Mastodon)")
def notifications_clear_all(request: HttpRequest) -> dict[str, Any]:
    from vcnet.notifications.services import notifications_clear

    notifications_clear(user=me(request))
    return {}


@router.get("/notifications/{int:notification_id}", summary="One notification (Mastodon)")
def notification_detail(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    user = me(request)
    row = notifications_for(user).filter(pk=notification_id, kind__in=list(TYPES_OUT)).first()
    if row is None:
        raise NotFound(_("Record not found"))
    return _serialize(request, user, [row])[0]


@router.post(
    "/notifications/{int:notification_id}/dismiss", summary="Dismiss a notification (Mastodon)"
)
def notification_dismiss_one(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    from vcnet.notifications.services import notification_dismiss

    notification_dismiss(user=me(request), notification_id=notification_id)
    return {}
