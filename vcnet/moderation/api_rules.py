"""Moderation API: the automatic rules, for site moderators (everyone else gets 403).

`DELETE /rules/{id}` switches a rule off rather than erasing it: the cases it opened keep their
source. `POST /rules/test` tries a rule, saved or not, on a sample text.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from vcnet.accounts.models import User
from vcnet.core.api_auth import current_user
from vcnet.moderation.models import Rule, RuleMatch, RuleOutcome
from vcnet.moderation.rules import RuleTry
from vcnet.moderation.services import rules as services
from vcnet.social.hooks import FIELDS

router = Router(tags=["moderation"])


class MatchKind(StrEnum):
    """How a rule reads text: words (one phrase a line) or a regular expression."""

    KEYWORD = RuleMatch.KEYWORD.value
    PATTERN = RuleMatch.PATTERN.value


class OutcomeKind(StrEnum):
    """What a rule does when it matches."""

    FLAG = RuleOutcome.FLAG.value
    HOLD = RuleOutcome.HOLD.value


FIELDS_HELP = "Where the rule looks, any of: " + ", ".join(FIELDS) + "."


def _user(request: HttpRequest) -> User:
    user: User = current_user(request)
    return user


class RuleOut(Schema):
    """An automatic rule."""

    id: int
    name: str
    match: str = Field(description="keyword: one phrase a line; pattern: a regular expression.")
    pattern: str
    fields: list[str] = Field(description=FIELDS_HELP)
    outcome: str = Field(description="flag: open a case; hold: also hold a post for approval.")
    reason: str | None = Field(description="The report reason's code the rule stands for.")
    severity: int
    public_reason: str = Field(description="What the author of a held post is told.")
    active: bool
    hits_count: int
    created_at: dt.datetime

    @staticmethod
    def resolve_reason(obj: Rule) -> str | None:
        return obj.reason.code if obj.reason else None


class RuleIn(Schema):
    """A new automatic rule."""

    name: str = Field(max_length=120)
    match: MatchKind = MatchKind.KEYWORD
    pattern: str = Field(max_length=4000)
    fields: list[str] = Field(min_length=1, description=FIELDS_HELP)
    outcome: OutcomeKind = OutcomeKind.FLAG
    reason: str = Field("", description="A report reason's code, or empty.")
    severity: int = Field(2, ge=1, le=5)
    public_reason: str = Field("", max_length=300)
    active: bool = True


class RulePatch(Schema):
    """The values to change; those left out stay as they are."""

    name: str | None = Field(None, max_length=120)
    match: MatchKind | None = None
    pattern: str | None = Field(None, max_length=4000)
    fields: list[str] | None = Field(None, description=FIELDS_HELP)
    outcome: OutcomeKind | None = None
    reason: str | None = Field(None, description="A report reason's code; empty for none.")
    severity: int | None = Field(None, ge=1, le=5)
    public_reason: str | None = Field(None, max_length=300)
    active: bool | None = None


class RuleTestIn(Schema):
    """A rule (saved or not) and a sample text."""

    match: MatchKind = MatchKind.KEYWORD
    pattern: str = Field(max_length=4000)
    text: str = Field(max_length=10000)


class RuleTestOut(Schema):
    """What the rule matches in the sample text, read without diacritics."""

    matches: list[str]
    folded: str = Field(description="The text as the rule reads it.")
    timed_out: bool = Field(description="The pattern took too long: it counts as no match.")


@router.get("", response=list[RuleOut], summary="Every automatic rule")
def rule_list(request: HttpRequest) -> list[Rule]:
    """Every rule with its hits, active ones first."""
    return services.rules_for_moderator(_user(request))


@router.post("", response={201: RuleOut}, summary="Create an automatic rule")
def rule_create(request: HttpRequest, data: RuleIn) -> Status:
    """Add a rule; 400 with the reason for a bad pattern or field."""
    rule = services.rule_create(
        user=_user(request),
        name=data.name,
        match=data.match.value,
        pattern=data.pattern,
        fields=data.fields,
        outcome=data.outcome.value,
        reason_code=data.reason,
        severity=data.severity,
        public_reason=data.public_reason,
        active=data.active,
        request=request,
    )
    return Status(201, rule)


@router.post("/test", response=RuleTestOut, summary="Try a rule on a sample text")
def rule_test(request: HttpRequest, data: RuleTestIn) -> RuleTry:
    """What the rule would match; nothing is saved."""
    return services.rule_try(
        user=_user(request), match=data.match.value, pattern=data.pattern, text=data.text
    )


@router.get("/{int:rule_id}", response=RuleOut, summary="One automatic rule")
def rule_detail(request: HttpRequest, rule_id: int) -> Rule:
    """One rule."""
    return services.rule_for_moderator(_user(request), rule_id)


@router.patch("/{int:rule_id}", response=RuleOut, summary="Change an automatic rule")
def rule_update(request: HttpRequest, rule_id: int, data: RulePatch) -> Rule:
    """Change the given values of a rule."""
    return services.rule_update(
        user=_user(request),
        rule_id=rule_id,
        name=data.name,
        match=data.match.value if data.match else None,
        pattern=data.pattern,
        fields=data.fields,
        outcome=data.outcome.value if data.outcome else None,
        reason_code=data.reason,
        severity=data.severity,
        public_reason=data.public_reason,
        active=data.active,
        request=request,
    )


@router.delete("/{int:rule_id}", response={204: None}, summary="Switch an automatic rule off")
def rule_delete(request: HttpRequest, rule_id: int) -> Status:
    """Switch the rule off; it is kept for the cases it opened."""
    services.rule_deactivate(user=_user(request), rule_id=rule_id, request=request)
    return Status(204, None)
