"""What each kind of action does to the content and the account, and how it is undone.

One function per kind, each calling `vcnet.social.services.moderation`; the services in
`actions.py` and `appeals.py` check permissions and record the action first. Undoing looks at
the other actions still in force, so reversing one suspension never lifts a ban, and reversing
one of two "limit reach" actions keeps the post limited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from vcnet.moderation.models import Action, ActionKind, TargetKind
from vcnet.social.models import Post, PostState
from vcnet.social.services import moderation as social

__all__ = ["apply", "label_key", "public_url", "state_before", "undo"]


def label_key(action: Action) -> str:
    """The key of the label an action puts on its item."""
    return f"action:{action.pk}"


def public_url(action: Action) -> str:
    """The public page that explains a label."""
    return f"/moderation/actions/{action.pk}/"


def state_before(action: Action) -> dict[str, Any]:
    """What the item looked like before the action, for the record and for undoing it."""
    if action.post_id is not None:
        post = Post.objects.filter(pk=action.post_id).values("state", "reach_limited", "warning")
        return dict(post.first() or {})
    return {}


def _in_force(action: Action, kind: str) -> QuerySet[Action]:
    """Other actions of a kind, not reversed, on the same item as `action`."""
    qs = Action.objects.filter(kind=kind, reversed_at__isnull=True).exclude(pk=action.pk)
    if kind in (ActionKind.SUSPEND, ActionKind.BAN):
        return qs.filter(actor_id=action.actor_id or 0)
    return qs.filter(target_key=action.target_key)


# --- labels -------------------------------------------------------------------------------


def _label_apply(action: Action) -> None:
    label = {"kind": "label", "text": action.label_text, "url": public_url(action)}
    key = label_key(action)
    if action.target_kind == TargetKind.POST and action.post_id is not None:
        social.post_label_put(post_id=action.post_id, key=key, label=label)
    elif action.target_kind == TargetKind.PROFILE and action.actor_id is not None:
        social.actor_label_put(actor_id=action.actor_id, key=key, label=label)
    elif action.target_kind == TargetKind.GROUP and action.group_id is not None:
        social.group_label_put(group_id=action.group_id, key=key, label=label)


def _label_undo(action: Action) -> None:
    key = label_key(action)
    if action.target_kind == TargetKind.POST and action.post_id is not None:
        social.post_label_drop(post_id=action.post_id, key=key)
    elif action.target_kind == TargetKind.PROFILE and action.actor_id is not None:
        social.actor_label_drop(actor_id=action.actor_id, key=key)
    elif action.target_kind == TargetKind.GROUP and action.group_id is not None:
        social.group_label_drop(group_id=action.group_id, key=key)


# --- posts --------------------------------------------------------------------------------


def _limit_apply(action: Action) -> None:
    if action.post_id is not None:
        social.post_reach_set(post_id=action.post_id, limited=True)


def _limit_undo(action: Action) -> None:
    if action.post_id is not None:
        still = _in_force(action, ActionKind.LIMIT).exists()
        social.post_reach_set(post_id=action.post_id, limited=still)


def _warning_apply(action: Action) -> None:
    if action.post_id is not None:
        social.post_warning_set(post_id=action.post_id, warning=action.reason)


def _warning_undo(action: Action) -> None:
    if action.post_id is not None:
        other = _in_force(action, ActionKind.WARNING_SCREEN).order_by("-created_at", "-id").first()
        social.post_warning_set(post_id=action.post_id, warning=other.reason if other else "")


def _remove_apply(action: Action) -> None:
    if action.target_kind == TargetKind.GROUP and action.group_id is not None:
        social.group_removed_set(group_id=action.group_id, removed=True, reason=action.reason)
    elif action.post_id is not None:
        social.post_state_set(post_id=action.post_id, state=PostState.REMOVED, reason=action.reason)


def _remove_undo(action: Action) -> None:
    if _in_force(action, ActionKind.REMOVE).exists():
        return
    if action.target_kind == TargetKind.GROUP and action.group_id is not None:
        social.group_removed_set(group_id=action.group_id, removed=False)
    elif action.post_id is not None:
        before = (action.snapshot or {}).get("before", {}).get("state")
        state = before if before in (PostState.PUBLISHED, PostState.HELD) else PostState.PUBLISHED
        social.post_state_set(post_id=action.post_id, state=state)


def _approve_apply(action: Action) -> None:
    if action.post_id is not None:
        social.post_state_set(post_id=action.post_id, state=PostState.PUBLISHED)


def _approve_undo(action: Action) -> None:
    if action.post_id is None:
        return
    state = Post.objects.filter(pk=action.post_id).values_list("state", flat=True).first()
    if state == PostState.PUBLISHED:  # held again; a removal since stays a removal
        social.post_state_set(
            post_id=action.post_id, state=PostState.HELD, reason=action.reversal_reason
        )


# --- accounts -----------------------------------------------------------------------------


def _sanctions_recompute(action: Action, *, without_self: bool) -> None:
    """Set the account's suspension and ban from every such action still in force."""
    if action.actor_id is None:
        return
    now = timezone.now()
    bans = Action.objects.filter(
        actor_id=action.actor_id, kind=ActionKind.BAN, reversed_at__isnull=True
    )
    suspensions = Action.objects.filter(
        actor_id=action.actor_id,
        kind=ActionKind.SUSPEND,
        reversed_at__isnull=True,
        until__gt=now,
    )
    if without_self:
        bans = bans.exclude(pk=action.pk)
        suspensions = suspensions.exclude(pk=action.pk)
    ban = bans.order_by("-created_at", "-id").first()
    suspension = suspensions.order_by("-until").first()
    reason = ban.reason if ban else (suspension.reason if suspension else "")
    social.actor_sanction_set(
        actor_id=action.actor_id,
        suspended_until=suspension.until if suspension else None,
        banned=ban is not None,
        reason=reason,
    )


def _sanction_apply(action: Action) -> None:
    _sanctions_recompute(action, without_self=False)


def _sanction_undo(action: Action) -> None:
    _sanctions_recompute(action, without_self=True)


def _nothing(action: Action) -> None:
    """Dismissals and warnings change nothing on the item: the record and the notice are all."""


_APPLY: dict[str, Callable[[Action], None]] = {
    ActionKind.DISMISS: _nothing,
    ActionKind.APPROVE: _approve_apply,
    ActionKind.LABEL: _label_apply,
    ActionKind.LIMIT: _limit_apply,
    ActionKind.WARNING_SCREEN: _warning_apply,
    ActionKind.REMOVE: _remove_apply,
    ActionKind.WARN: _nothing,
    ActionKind.SUSPEND: _sanction_apply,
    ActionKind.BAN: _sanction_apply,
}

_UNDO: dict[str, Callable[[Action], None]] = {
    ActionKind.DISMISS: _nothing,
    ActionKind.APPROVE: _approve_undo,
    ActionKind.LABEL: _label_undo,
    ActionKind.LIMIT: _limit_undo,
    ActionKind.WARNING_SCREEN: _warning_undo,
    ActionKind.REMOVE: _remove_undo,
    ActionKind.WARN: _nothing,
    ActionKind.SUSPEND: _sanction_undo,
    ActionKind.BAN: _sanction_undo,
}


def apply(action: Action) -> None:
    """Do what the (saved) action says to its item or account; call inside the transaction."""
    _APPLY[action.kind](action)


def undo(action: Action) -> None:
    """Undo what the action did, keeping the effect of other actions still in force."""
    _UNDO[action.kind](action)
