"""Reads for moderators and authors: the queue, a case with its history, the actions on one's
content, the appeals waiting for a decision, the public page behind a label."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.moderation.access import (
    ACCOUNT_SANCTIONS,
    allowed_kinds,
    case_for_moderator,
    cases_q,
    full_scope_q,
    group_scope_q,
    is_site_moderator,
)
from vcnet.moderation.models import (
    Action,
    ActionKind,
    Appeal,
    AppealState,
    Case,
    CaseState,
    Report,
    TargetKind,
)
from vcnet.moderation.services.appeals import appeal_allowed
from vcnet.social.models import Actor, Group, Post

__all__ = [
    "PUBLIC_KINDS",
    "CaseDetail",
    "action_public",
    "actions_for_subject",
    "appeal_allowed",
    "appeals_pending",
    "case_detail",
    "queue",
]

QUEUE_MAX = 200
HISTORY_MAX = 20
# Actions whose page anyone may open: what they do is visible on the item itself.
PUBLIC_KINDS = (ActionKind.LABEL, ActionKind.WARNING_SCREEN)
_CASE_RELATED = (
    "post__author",
    "actor",
    "group",
    "subject_user",
    "subject_actor",
    "scope_group",
    "scope_unit",
)


def queue(
    user: User | None,
    *,
    state: str | None = CaseState.OPEN,
    target_kind: str | None = None,
    reason_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Case]:
    """The cases the person handles, most severe and most reported first, oldest first among
    equals; `state` "" or "all" for every state. A constant number of queries."""
    cases = Case.objects.filter(cases_q(user))
    if state and state != "all":
        if state not in CaseState.values:
            raise DomainError(_("Unknown case state."))
        cases = cases.filter(state=state)
    if target_kind:
        if target_kind not in TargetKind.values:
            raise DomainError(_("Unknown kind of item."))
        cases = cases.filter(target_kind=target_kind)
    if reason_code:
        cases = cases.filter(
            Exists(Report.objects.filter(case_id=OuterRef("pk"), reason__code=reason_code))
        )
    limit = max(1, min(int(limit), QUEUE_MAX))
    offset = max(0, int(offset))
    return list(
        cases.select_related(*_CASE_RELATED).order_by(
            "-severity", "-reports_count", "created_at", "id"
        )[offset : offset + limit]
    )


@dataclass
class CaseDetail:
    """A case as its moderator sees it: the reports, the live item (or only the snapshot when it
    is gone), what was done before about the same author, and the actions the moderator may take."""

    case: Case
    reports: list[Report]
    reason_counts: list[tuple[str, int]]
    item: Post | Actor | Group | None
    snapshot: dict[str, Any]
    author_history: list[Action]
    actions: list[Action]
    allowed: list[str] = field(default_factory=list)


def _report_label(report: Report) -> str:
    if report.reason is not None:
        return report.reason.name
    if report.rule is not None:
        return str(_("Automatic rule: %(name)s") % {"name": report.rule.name})
    return str(_("Other"))


def case_detail(user: User | None, case_id: int) -> CaseDetail:
    """One case in the person's scope (NotFound otherwise), with everything needed to decide."""
    case = case_for_moderator(user, case_id)
    reports = list(
        Report.objects.filter(case=case)
        .select_related("reason", "reporter", "rule")
        .order_by("created_at", "id")
    )
    counts = Counter(_report_label(report) for report in reports)
    reason_counts = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    item: Post | Actor | Group | None = {
        TargetKind.POST: case.post,
        TargetKind.PROFILE: case.actor,
        TargetKind.GROUP: case.group,
    }.get(TargetKind(case.target_kind))
    history: list[Action] = []
    if case.subject_user_id is not None:
        history = list(
            Action.objects.filter(subject_user_id=case.subject_user_id)
            .exclude(kind=ActionKind.DISMISS)
            .select_related("policy")
            .order_by("-created_at", "-id")[:HISTORY_MAX]
        )
    actions = list(
        Action.objects.filter(case=case)
        .select_related("moderator", "reversed_by", "policy", "appeal")
        .order_by("-created_at", "-id")
    )
    return CaseDetail(
        case=case,
        reports=reports,
        reason_counts=reason_counts,
        item=item,
        snapshot=dict(case.snapshot or {}),
        author_history=history,
        actions=actions,
        allowed=allowed_kinds(user, case),
    )


def actions_for_subject(user: User) -> list[Action]:
    """Every action on the person's content or account, newest first, with its appeal; a
    dismissal of reports against them is not shown (nothing was done to them)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Action.objects.filter(subject_user_id=user.pk)
        .exclude(kind=ActionKind.DISMISS)
        .select_related("policy", "appeal", "post", "group", "actor")
        .order_by("-created_at", "-id")
    )


def appeals_pending(user: User | None) -> list[Appeal]:
    """The pending appeals the person may decide: in their scope, on actions they did not take,
    and (for group-only moderators) not on account-wide sanctions."""
    if not getattr(user, "is_authenticated", False) or user is None:
        return []
    appeals = Appeal.objects.filter(state=AppealState.PENDING, action__case__isnull=False).exclude(
        action__moderator_id=user.pk
    )
    if not is_site_moderator(user):
        full = Case.objects.filter(full_scope_q(user)).values("pk")
        group = Case.objects.filter(group_scope_q(user)).values("pk")
        appeals = appeals.filter(
            Q(action__case_id__in=full)
            | (Q(action__case_id__in=group) & ~Q(action__kind__in=ACCOUNT_SANCTIONS))
        )
    return list(
        appeals.select_related(
            "author", "action__policy", "action__moderator", "action__case", "action__post"
        ).order_by("created_at", "id")
    )


def action_public(action_id: int) -> Action:
    """The public facts of a label or a warning screen (kind, label text, reason, date) for the
    page its chip links to; NotFound once reversed, and for actions nobody else sees."""
    action = (
        Action.objects.filter(pk=action_id, kind__in=PUBLIC_KINDS, reversed_at__isnull=True)
        .select_related("policy")
        .first()
    )
    if action is None:
        raise NotFound(_("This label no longer exists."))
    return action
