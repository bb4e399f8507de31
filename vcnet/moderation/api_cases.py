"""Moderation API: report something, work the queue of cases, take and reverse actions, see
the actions on my own content and appeal them, decide appeals.

Every handler parses, calls one service or selector of `vcnet.moderation`, and returns a
schema. Who may do what is decided there: a case outside the moderator's scope answers 404,
an action the moderator may not take 403, a second report or appeal 409. Reporters are never
named to moderators, and moderators' names are not shown to the people they acted on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from vcnet.accounts.models import User
from vcnet.core.api_auth import current_user
from vcnet.core.errors import PermissionDeniedError
from vcnet.moderation import access, selectors, services
from vcnet.moderation.models import (
    Action,
    ActionKind,
    Appeal,
    Case,
    CaseState,
    Report,
    ReportReason,
    TargetKind,
)
from vcnet.social.models import Actor, Group, Post

router = Router(tags=["moderation"])

MAX_LIMIT = 100


def _user(request: HttpRequest) -> User:
    user: User = current_user(request)
    return user


def _label(obj: Any, name: str) -> str:
    return str(getattr(obj, f"get_{name}_display")())


def _target_id(target_key: str) -> int | None:
    """The id part of "post:12"."""
    _kind, _sep, raw = target_key.partition(":")
    return int(raw) if raw.isdigit() else None


# --- Schemas ---------------------------------------------------------------------------------
class ModerationPersonOut(Schema):
    """A person named in a moderation record."""

    id: int
    full_name: str


class ReportReasonOut(Schema):
    """A reason people may pick when they report something."""

    code: str
    name: str
    description: str
    severity: int = Field(description="1 (low) to 5 (urgent); orders the moderators' queue.")
    needs_text: bool = Field(description="The report must then explain itself in `text`.")


class ReportIn(Schema):
    """A report on a post or comment, a profile or a group."""

    target_kind: TargetKind
    target_id: int = Field(description="The post's, profile's (actor's) or group's id.")
    reason: str = Field(description="A reason's `code` from GET /moderation/reasons.")
    text: str = Field("", max_length=1000, description="Details; required by some reasons.")


class ReportSentOut(Schema):
    """A report as its reporter sees it: moderators will review it."""

    id: int
    target_kind: str
    target_id: int
    reason: str | None
    text: str
    created_at: dt.datetime


class CaseParams(Schema):
    """Filters of the moderators' queue."""

    state: CaseState = Field(CaseState.OPEN, description="open, actioned or dismissed.")
    kind: TargetKind | None = Field(None, description="Only posts, profiles or groups.")
    reason: str | None = Field(None, description="Only cases with a report for this reason code.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class CaseOut(Schema):
    """A case: everything reported about one item while it is open."""

    id: int
    target_kind: str
    target_key: str = Field(description='"post:12", "profile:3" or "group:5".')
    target_id: int | None
    state: str
    state_label: str
    source: str = Field(description="report (people), rule (flagged) or held (held by a rule).")
    source_label: str
    severity: int
    reports_count: int
    snapshot: dict[str, Any] = Field(description="The item as it was first reported.")
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_target_id(obj: Case) -> int | None:
        return _target_id(obj.target_key)

    @staticmethod
    def resolve_state_label(obj: Case) -> str:
        return _label(obj, "state")

    @staticmethod
    def resolve_source_label(obj: Case) -> str:
        return _label(obj, "source")


class CasePage(Schema):
    """A page of the queue, most severe and most reported first."""

    items: list[CaseOut]
    next_offset: int | None = Field(description="`offset` of the next page; null on the last.")


class CaseReportOut(Schema):
    """One report in a case; the reporter is not named."""

    id: int
    reason: str | None = Field(description="The reason's code; null for a rule's hit.")
    reason_name: str | None
    rule: str | None = Field(description="The automatic rule's name, for a rule's hit.")
    text: str
    created_at: dt.datetime

    @staticmethod
    def resolve_reason(obj: Report) -> str | None:
        return obj.reason.code if obj.reason else None

    @staticmethod
    def resolve_reason_name(obj: Report) -> str | None:
        return obj.reason.name if obj.reason else None

    @staticmethod
    def resolve_rule(obj: Report) -> str | None:
        return obj.rule.name if obj.rule else None


class ReasonCountOut(Schema):
    """How many reports of a case gave one reason."""

    name: str
    count: int


class CaseItemOut(Schema):
    """The reported item as it is now."""

    kind: str
    id: int
    text: str = Field(description="A post's text, a profile's name and bio, a group's name.")
    state: str = Field(
        description="A post's state (published, held, removed); for a profile active, "
        "suspended or banned; for a group active or removed."
    )
    labels: list[dict[str, Any]]


class AuthorHistoryOut(Schema):
    """A past action on the same person's content: what, when and why, nothing more."""

    id: int
    kind: str
    kind_label: str
    created_at: dt.datetime
    reason: str
    reversed: bool

    @staticmethod
    def resolve_kind_label(obj: Action) -> str:
        return _label(obj, "kind")


class ActionOut(Schema):
    """A moderator's decision, as moderators see it."""

    id: int
    case_id: int | None
    target_kind: str
    target_key: str
    kind: str
    kind_label: str
    policy: str | None = Field(description="The code of the rule broken, if one was named.")
    policy_name: str | None
    reason: str = Field(description="The reason shown to the author.")
    label_text: str
    until: dt.datetime | None = Field(description="End of a suspension.")
    moderator: ModerationPersonOut | None
    created_at: dt.datetime
    reversed_at: dt.datetime | None
    reversal_reason: str

    @staticmethod
    def resolve_kind_label(obj: Action) -> str:
        return _label(obj, "kind")

    @staticmethod
    def resolve_policy(obj: Action) -> str | None:
        return obj.policy.code if obj.policy else None

    @staticmethod
    def resolve_policy_name(obj: Action) -> str | None:
        return obj.policy.name if obj.policy else None


class CaseDetailOut(Schema):
    """A case in full: its reports, the item now, the author's history, what was done."""

    case: CaseOut
    reports: list[CaseReportOut]
    reason_counts: list[ReasonCountOut]
    item: CaseItemOut | None = Field(description="Null when the item no longer exists.")
    author_history: list[AuthorHistoryOut] = Field(description="Newest first, at most 20.")
    actions: list[ActionOut]
    allowed: list[str] = Field(description="The action kinds this moderator may take here.")


class ActionIn(Schema):
    """A moderator's decision on a case."""

    kind: ActionKind
    reason: str = Field(max_length=2000, description="Shown to the author; required.")
    policy: str = Field("", description="The code of the rule broken (a reason's code).")
    label_text: str = Field("", max_length=200, description="Required for `label`.")
    until: dt.datetime | None = Field(None, description="Required for `suspend`: within a year.")


class ReversalIn(Schema):
    """Why, in words the author will read."""

    reason: str = Field(max_length=2000)


class AppealIn(Schema):
    """Why the action was wrong, in the author's words."""

    text: str = Field(max_length=2000)


class DecideIn(Schema):
    """A decision on an appeal: overturn reverses the action, otherwise it stands."""

    overturn: bool
    reason: str = Field(max_length=2000)


class AppealOut(Schema):
    """An appeal against an action and, once decided, its outcome."""

    id: int
    action_id: int
    state: str = Field(description="pending, upheld or overturned.")
    state_label: str
    text: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str

    @staticmethod
    def resolve_state_label(obj: Appeal) -> str:
        return _label(obj, "state")


class PendingAppealOut(AppealOut):
    """An appeal waiting for a moderator other than the one who acted."""

    author: ModerationPersonOut
    action: ActionOut


class MyActionOut(Schema):
    """An action on my content, with its reason and what I may still do about it."""

    id: int
    target_kind: str
    target_key: str
    kind: str
    kind_label: str
    policy_name: str | None
    reason: str
    label_text: str
    until: dt.datetime | None
    snapshot: dict[str, Any] = Field(description="My content as it was acted on.")
    created_at: dt.datetime
    reversed_at: dt.datetime | None
    reversal_reason: str
    appeal: AppealOut | None
    can_appeal: bool

    @staticmethod
    def resolve_kind_label(obj: Action) -> str:
        return _label(obj, "kind")

    @staticmethod
    def resolve_policy_name(obj: Action) -> str | None:
        return obj.policy.name if obj.policy else None

    @staticmethod
    def resolve_appeal(obj: Action) -> Appeal | None:
        return getattr(obj, "appeal", None)


# --- Helpers (parsing and shaping only) ------------------------------------------------------
def _item(item: Any) -> dict[str, Any] | None:
    """The live Post, Actor or Group of a case in CaseItemOut's shape; None once deleted."""
    if isinstance(item, Post):
        return {
            "kind": TargetKind.POST,
            "id": item.pk,
            "text": item.text,
            "state": item.state,
            "labels": item.labels,
        }
    if isinstance(item, Actor):
        if item.banned_at:
            state = "banned"
        elif item.suspended_until and item.suspended_until > timezone.now():
            state = "suspended"
        else:
            state = "active"
        text = "\n".join(part for part in (item.display_name, item.bio) if part)
        return {
            "kind": TargetKind.PROFILE,
            "id": item.pk,
            "text": text,
            "state": state,
            "labels": item.labels,
        }
    if isinstance(item, Group):
        return {
            "kind": TargetKind.GROUP,
            "id": item.pk,
            "text": item.name,
            "state": "removed" if item.removed_at else "active",
            "labels": item.labels,
        }
    return None


def _require_moderator(user: User) -> None:
    if not access.is_moderator(user):
        raise PermissionDeniedError(_("Only moderators can see this."))


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time the client sent without an offset is read in the site's time zone."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


# --- Reporting ----------------------------------------------------------------------------------
@router.get("/reasons", response=list[ReportReasonOut], summary="Reasons one may report for")
def reason_list(request: HttpRequest) -> list[ReportReason]:
    """The reasons offered, in the order the reporting form shows them."""
    return services.reason_choices()


@router.post("/reports", response={201: ReportSentOut}, summary="Report a post, profile or group")
def report_create(request: HttpRequest, data: ReportIn) -> Status:
    """Send a report; reports on the same item merge into one case for the moderators. 404 for
    an item the reporter cannot see, 409 for a second report on the same open case, 429 past
    20 reports an hour."""
    report = services.report_create(
        user=_user(request),
        target_kind=data.target_kind.value,
        target_id=data.target_id,
        reason_code=data.reason,
        text=data.text,
        request=request,
    )
    return Status(
        201,
        {
            "id": report.pk,
            "target_kind": data.target_kind.value,
            "target_id": data.target_id,
            "reason": report.reason.code if report.reason else None,
            "text": report.text,
            "created_at": report.created_at,
        },
    )


# --- The queue and one case ---------------------------------------------------------------------
@router.get("/cases", response=CasePage, summary="The moderators' queue")
def case_list(request: HttpRequest, params: Query[CaseParams]) -> dict[str, Any]:
    """Cases within the moderator's scope, most severe and most reported first; 403 for
    people who moderate nothing."""
    user = _user(request)
    _require_moderator(user)
    cases = selectors.queue(
        user,
        state=params.state.value,
        target_kind=params.kind.value if params.kind else None,
        reason_code=params.reason or None,
        limit=params.limit + 1,
        offset=params.offset,
    )
    more = len(cases) > params.limit
    return {
        "items": cases[: params.limit],
        "next_offset": params.offset + params.limit if more else None,
    }


@router.get("/cases/{int:case_id}", response=CaseDetailOut, summary="One case, in full")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """The case, its reports grouped by reason, the item as it is now, the author's earlier
    sanctions, the actions taken, and the kinds of action this moderator may take."""
    detail = selectors.case_detail(_user(request), case_id)
    return {
        "case": detail.case,
        "reports": list(detail.reports),
        "reason_counts": [{"name": str(name), "count": n} for name, n in detail.reason_counts],
        "item": _item(detail.item),
        "author_history": list(detail.author_history),
        "actions": list(detail.actions),
        "allowed": list(detail.allowed),
    }


# --- Actions ----------------------------------------------------------------------------------
@router.post("/cases/{int:case_id}/actions", response={201: ActionOut}, summary="Act on a case")
def action_take(request: HttpRequest, case_id: int, data: ActionIn) -> Status:
    """Take one of the allowed kinds of action, with a reason the author will read. 403 for a
    kind this moderator may not take here, 404 for a case outside their scope."""
    action = services.action_take(
        user=_user(request),
        case_id=case_id,
        kind=data.kind.value,
        reason=data.reason,
        policy_code=data.policy,
        label_text=data.label_text,
        until=_aware(data.until),
        request=request,
    )
    return Status(201, action)


@router.post("/actions/{int:action_id}/reverse", response=ActionOut, summary="Reverse an action")
def action_reverse(request: HttpRequest, action_id: int, data: ReversalIn) -> Action:
    """Undo an action's effect (the post comes back, the suspension ends...) with a reason."""
    return services.action_reverse(
        user=_user(request), action_id=action_id, reason=data.reason, request=request
    )


@router.get("/actions/mine", response=list[MyActionOut], summary="Actions on my content")
def actions_mine(request: HttpRequest) -> list[Action]:
    """Every action moderators took on my content, newest first, with the reason, whether it
    was reversed, my appeal, and whether I may still appeal."""
    now = timezone.now()
    actions = selectors.actions_for_subject(_user(request))
    for action in actions:
        action.can_appeal = selectors.appeal_allowed(action, now)  # type: ignore[attr-defined]
    return actions


# --- Appeals ----------------------------------------------------------------------------------
@router.post(
    "/actions/{int:action_id}/appeal", response={201: AppealOut}, summary="Appeal an action"
)
def appeal_create(request: HttpRequest, action_id: int, data: AppealIn) -> Status:
    """The person an action was taken against appeals it, once, within 20 days; another
    moderator decides."""
    appeal = services.appeal_create(
        user=_user(request), action_id=action_id, text=data.text, request=request
    )
    return Status(201, appeal)


@router.get("/appeals", response=list[PendingAppealOut], summary="Appeals I may decide")
def appeal_list(request: HttpRequest) -> list[Appeal]:
    """Pending appeals on actions within my scope that I did not take myself."""
    user = _user(request)
    _require_moderator(user)
    return selectors.appeals_pending(user)


@router.post("/appeals/{int:appeal_id}/decide", response=AppealOut, summary="Decide an appeal")
def appeal_decide(request: HttpRequest, appeal_id: int, data: DecideIn) -> Appeal:
    """Uphold the action or overturn it (which reverses it); the author is told the outcome
    and the reason. 403 for the moderator who took the action, 409 once decided."""
    return services.appeal_decide(
        user=_user(request),
        appeal_id=appeal_id,
        overturn=data.overturn,
        reason=data.reason,
        request=request,
    )
