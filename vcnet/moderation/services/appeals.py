"""Appeals: the author asks, once and within 20 days, for another look at an action on their
content; another moderator upholds it or overturns (reverses) it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.moderation import kinds
from vcnet.moderation.access import case_scope, kinds_for_scope
from vcnet.moderation.models import Action, ActionKind, Appeal, AppealState
from vcnet.moderation.services.actions import clean_reason, mine_url, reverse_effect
from vcnet.moderation.services.roles import moderators_for_case
from vcnet.notifications.services import notify_on_commit

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["APPEAL_WINDOW", "NOT_APPEALABLE", "appeal_allowed", "appeal_create", "appeal_decide"]

APPEAL_WINDOW = dt.timedelta(days=20)
NOT_APPEALABLE = (ActionKind.DISMISS, ActionKind.APPROVE)  # nothing was done against the author


def _has_appeal(action: Action) -> bool:
    try:
        return action.appeal is not None
    except ObjectDoesNotExist:
        return False


def appeal_allowed(action: Action, now: dt.datetime | None = None) -> bool:
    """Whether the author may still appeal the action (for the buttons; the service decides)."""
    now = now or timezone.now()
    return (
        action.kind not in NOT_APPEALABLE
        and action.reversed_at is None
        and not _has_appeal(action)
        and now - action.created_at <= APPEAL_WINDOW
    )


def appeal_create(
    *, user: User, action_id: int, text: str, request: HttpRequest | None = None
) -> Appeal:
    """The author appeals an action on their content; the moderators of its case are told."""
    action = (
        Action.objects.select_related("case__scope_unit", "case__scope_group")
        .filter(pk=action_id, subject_user_id=user.pk)
        .first()
    )
    if action is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_("Action not found."))
    if action.kind in NOT_APPEALABLE:
        raise DomainError(_("This decision cannot be appealed."))
    if action.reversed_at is not None:
        raise DomainError(_("This action has already been reversed."))
    if _has_appeal(action):
        raise Conflict(_("You have already appealed this action."))
    if timezone.now() - action.created_at > APPEAL_WINDOW:
        raise DomainError(_("The 20 days to appeal have passed."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Please explain why the action was wrong."))
    if len(text) > 2000:
        raise DomainError(_("Please keep your appeal under 2,000 characters."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(action=action, author=user, text=text)
        except IntegrityError as exc:
            raise Conflict(_("You have already appealed this action.")) from exc
        audit_write(
            actor=user,
            action="moderation.appeal",
            obj=appeal,
            data={"action": action.pk, "kind": action.kind, "target": action.target_key},
            request=request,
        )
        if action.case is not None:
            recipients = moderators_for_case(action.case) - {action.moderator_id}
            notify_on_commit(
                recipients=recipients,
                kind=kinds.CASE,
                title=str(_("An author appealed a moderation action.")),
                body=text[:300],
                url="/moderation/appeals/",
                actor=user,
                obj=appeal,
            )
    return appeal


def appeal_decide(
    *,
    user: User,
    appeal_id: int,
    overturn: bool,
    reason: str,
    request: HttpRequest | None = None,
) -> Appeal:
    """Another moderator with the case in scope upholds the action or overturns it (undoing it);
    the author is told the outcome and the reason."""
    appeal = (
        Appeal.objects.select_related("action__case__scope_unit", "action__case__scope_group")
        .filter(pk=appeal_id)
        .first()
    )
    case = appeal.action.case if appeal is not None else None
    if appeal is None or case is None:
        raise NotFound(_("Appeal not found."))
    action = appeal.action
    if action.kind not in kinds_for_scope(case_scope(user, case), action.target_kind):
        raise NotFound(_("Appeal not found."))
    if action.moderator_id == user.pk:
        raise PermissionDeniedError(_("Another moderator must decide this appeal."))
    reason = clean_reason(reason, missing=_("Please give the reason the author will be shown."))
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.state != AppealState.PENDING:
            raise Conflict(_("This appeal has already been decided."))
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if overturn and locked.reversed_at is None:
            reverse_effect(locked, user=user, reason=reason)
        appeal.state = AppealState.OVERTURNED if overturn else AppealState.UPHELD
        appeal.decided_by = user
        appeal.decided_at = timezone.now()
        appeal.decision_reason = reason
        appeal.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        audit_write(
            actor=user,
            action="moderation.appeal_decide",
            obj=appeal,
            data={"action": locked.pk, "overturn": bool(overturn), "kind": locked.kind},
            request=request,
        )
        title = (
            _("Your appeal was accepted: the action was reversed.")
            if overturn
            else _("Your appeal was declined: the action stands.")
        )
        notify_on_commit(
            recipients=[appeal.author_id],
            kind=kinds.APPEAL_DECIDED,
            title=str(title),
            body=reason,
            url=mine_url(locked),
            actor=user,
            obj=appeal,
        )
    return appeal
