"""Moderators' actions on a case (dismiss, approve, label, limit, warning screen, remove, warn,
suspend, ban) and their reversal. Each action carries the reason its author is shown."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, NotFound, PermissionDeniedError
from vcnet.moderation import kinds
from vcnet.moderation.access import allowed_kinds, case_for_moderator, case_scope, kinds_for_scope
from vcnet.moderation.models import (
    Action,
    ActionKind,
    Appeal,
    AppealState,
    Case,
    CaseState,
    Report,
    ReportReason,
)
from vcnet.moderation.services import effects
from vcnet.notifications.services import notify_on_commit

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "MAX_SUSPENSION",
    "action_for_moderator",
    "action_reverse",
    "action_take",
    "clean_reason",
    "mine_url",
]

MAX_SUSPENSION = dt.timedelta(days=366)  # "at most a year", leap years included
REASON_MAX = 2000
LABEL_MAX = 200


def mine_url(action: Action) -> str:
    """Where the author reads about an action on their content."""
    return f"/moderation/mine/#action-{action.pk}"


def clean_reason(reason: str | None, *, missing: str | Promise | None = None) -> str:
    """A reason, trimmed: required and at most 2,000 characters."""
    text = (reason or "").strip()
    if not text:
        raise DomainError(missing or _("Please give a reason."))
    if len(text) > REASON_MAX:
        raise DomainError(_("Please keep the reason under 2,000 characters."))
    return text


def action_for_moderator(user: User | None, action_id: int) -> Action:
    """An action the person may reverse or judge: its case is in their scope and its kind is one
    their scope allows; NotFound otherwise."""
    action = (
        Action.objects.select_related("case__scope_unit", "case__scope_group", "case__post")
        .filter(pk=action_id)
        .first()
    )
    if action is None or action.case is None:
        raise NotFound(_("Action not found."))
    if action.kind not in kinds_for_scope(case_scope(user, action.case), action.target_kind):
        raise NotFound(_("Action not found."))
    return action


def _check_until(until: dt.datetime | None) -> dt.datetime:
    if until is None:
        raise DomainError(_("Say until when the account is suspended."))
    if timezone.is_naive(until):
        until = timezone.make_aware(until)
    now = timezone.now()
    if until <= now:
        raise DomainError(_("A suspension must end in the future."))
    if until > now + MAX_SUSPENSION:
        raise DomainError(_("A suspension may last one year at most."))
    return until


def _notify_subject(action: Action, *, actor: User) -> None:
    if action.subject_user_id is None or action.kind == ActionKind.DISMISS:
        return
    notify_on_commit(
        recipients=[action.subject_user_id],
        kind=kinds.ACTION,
        title=str(
            _("Moderators acted on your content: %(action)s")
            % {"action": action.get_kind_display()}
        ),
        body=action.reason,
        url=mine_url(action),
        actor=actor,
        obj=action,
    )


def _notify_reporters(case: Case, *, acted: bool, actor: User) -> None:
    reporters = set(
        Report.objects.filter(case=case, reporter__isnull=False).values_list(
            "reporter_id", flat=True
        )
    )
    if not reporters:
        return
    body = (
        _("Moderators took action on what you reported. Thank you for helping.")
        if acted
        else _("Moderators reviewed what you reported and took no action.")
    )
    notify_on_commit(
        recipients=reporters,
        kind=kinds.REPORT_DECIDED,
        title=str(_("Your report was reviewed.")),
        body=str(body),
        url="",
        actor=actor,
        obj=case,
    )


def action_take(
    *,
    user: User,
    case_id: int,
    kind: str,
    reason: str,
    policy_code: str = "",
    label_text: str = "",
    until: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Action:
    """Act on a case: record the action with its reason, apply it, close the case and tell the
    author (the reason) and the reporters (only that it was reviewed)."""
    case = case_for_moderator(user, case_id)
    if kind not in ActionKind.values:
        raise DomainError(_("Choose an action."))
    if kind not in allowed_kinds(user, case):
        raise PermissionDeniedError(_("You may not take this action on this case."))
    reason = clean_reason(reason, missing=_("Please give the reason the author will be shown."))
    policy: ReportReason | None = None
    if policy_code:
        policy = ReportReason.objects.filter(code=policy_code).first()
        if policy is None:
            raise DomainError(_("Choose one of the listed rules."))
    label_text = (label_text or "").strip()
    if kind == ActionKind.LABEL:
        if not label_text:
            raise DomainError(_("Write the label's text."))
        if len(label_text) > LABEL_MAX:
            raise DomainError(_("Please keep the label under 200 characters."))
    else:
        label_text = ""
    until = _check_until(until) if kind == ActionKind.SUSPEND else None
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        # Checked again under the lock: two moderators acting at once, a post approved meanwhile.
        case = case_for_moderator(user, case.pk)
        if kind not in allowed_kinds(user, case):
            raise Conflict(_("This case has changed. Please look at it again."))
        was_open = case.state == CaseState.OPEN
        action = Action(
            case=case,
            target_kind=case.target_kind,
            target_key=case.target_key,
            post_id=case.post_id,
            actor_id=case.actor_id or case.subject_actor_id,
            group_id=case.group_id,
            subject_user_id=case.subject_user_id,
            kind=kind,
            policy=policy,
            reason=reason,
            label_text=label_text,
            until=until,
            moderator=user,
        )
        action.snapshot = {**(case.snapshot or {}), "before": effects.state_before(action)}
        action.save()
        effects.apply(action)
        now = timezone.now()
        if kind == ActionKind.DISMISS:
            case.state = CaseState.DISMISSED
        else:
            case.state = CaseState.ACTIONED
        if was_open:
            case.closed_at, case.closed_by = now, user
        case.save(update_fields=["state", "closed_at", "closed_by"])
        audit_write(
            actor=user,
            action="moderation.action",
            obj=action,
            data={
                "case": case.pk,
                "kind": kind,
                "target": case.target_key,
                "policy": policy.code if policy else "",
                "until": until.isoformat() if until else None,
            },
            request=request,
        )
        _notify_subject(action, actor=user)
        if was_open:
            _notify_reporters(case, acted=kind != ActionKind.DISMISS, actor=user)
    return action


def reverse_effect(action: Action, *, user: User, reason: str) -> None:
    """Mark the (locked) action reversed and undo its effect; for the services only."""
    action.reversed_at = timezone.now()
    action.reversed_by = user
    action.reversal_reason = reason
    action.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    effects.undo(action)


def action_reverse(
    *, user: User, action_id: int, reason: str, request: HttpRequest | None = None
) -> Action:
    """Undo an action (a moderator with its case in scope): the effect goes, the record stays
    with who reversed it and why, and the author is told. The case stays closed."""
    action = action_for_moderator(user, action_id)
    if action.kind == ActionKind.DISMISS:
        raise DomainError(_("A dismissal has nothing to reverse."))
    reason = clean_reason(reason, missing=_("Please say why the action is reversed."))
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if action.reversed_at is not None:
            raise Conflict(_("This action has already been reversed."))
        reverse_effect(action, user=user, reason=reason)
        # A pending appeal has its answer: the action no longer stands.
        Appeal.objects.filter(action=action, state=AppealState.PENDING).update(
            state=AppealState.OVERTURNED,
            decided_by=user,
            decided_at=action.reversed_at,
            decision_reason=reason,
        )
        audit_write(
            actor=user,
            action="moderation.action_reverse",
            obj=action,
            data={"case": action.case_id, "kind": action.kind, "target": action.target_key},
            request=request,
        )
        if action.subject_user_id is not None:
            notify_on_commit(
                recipients=[action.subject_user_id],
                kind=kinds.ACTION,
                title=str(
                    _("A moderation action on your content was reversed: %(action)s")
                    % {"action": action.get_kind_display()}
                ),
                body=reason,
                url=mine_url(action),
                actor=user,
                obj=action,
            )
    return action
