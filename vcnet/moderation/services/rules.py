"""Automatic rules kept by site moderators: create, change, switch off, and try on a sample text.

Only site moderators (and superusers) see or change rules: a rule reads everything people write
on the site. A rule is never deleted, only switched off, so the cases it opened keep their source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.core.text import nfc
from vcnet.moderation.access import is_site_moderator
from vcnet.moderation.models import ReportReason, Rule, RuleMatch, RuleOutcome
from vcnet.moderation.rules import RuleTry, compile_rule, rule_try_text
from vcnet.social.hooks import FIELDS

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "RuleData",
    "rule_create",
    "rule_deactivate",
    "rule_for_moderator",
    "rule_try",
    "rule_update",
    "rules_check",
    "rules_for_moderator",
]

SEVERITIES = range(1, 6)


def rules_check(user: User) -> None:
    """Refuse anyone but a site moderator (or a superuser): rules read everything written."""
    if not is_site_moderator(user):
        raise PermissionDeniedError(
            _("Only site moderators can see and change the automatic rules."),
            code="not_site_moderator",
        )


def rules_for_moderator(user: User) -> list[Rule]:
    """Every rule, active ones first, for a site moderator."""
    rules_check(user)
    return list(Rule.objects.select_related("reason").order_by("-active", "name", "id"))


def rule_for_moderator(user: User, rule_id: int) -> Rule:
    """One rule, for a site moderator (`NotFound` when there is no such rule)."""
    rules_check(user)
    rule = Rule.objects.select_related("reason").filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Rule not found."))
    return rule


@dataclass
class RuleData:
    """A rule's editable values, checked by `_clean`."""

    name: str
    match: str
    pattern: str
    fields: list[str]
    outcome: str
    reason_code: str
    severity: int
    public_reason: str
    active: bool

    @classmethod
    def of(cls, rule: Rule) -> RuleData:
        return cls(
            name=rule.name,
            match=rule.match,
            pattern=rule.pattern,
            fields=list(rule.fields or []),
            outcome=rule.outcome,
            reason_code=rule.reason.code if rule.reason else "",
            severity=rule.severity,
            public_reason=rule.public_reason,
            active=rule.active,
        )


def _clean(data: RuleData) -> tuple[RuleData, ReportReason | None]:
    name = " ".join(nfc(data.name).split())
    if not name:
        raise DomainError(_("Please give the rule a name."), code="rule_name")
    if len(name) > 120:
        raise DomainError(_("A rule's name has at most 120 characters."), code="rule_name")
    pattern = nfc(data.pattern).replace("\r\n", "\n").strip()
    if len(pattern) > 4000:
        raise DomainError(
            _("The words or the pattern have at most 4000 characters."), code="rule_pattern"
        )
    compile_rule(data.match, pattern)  # a clear error for a bad pattern or an unknown kind
    fields = [f for f in FIELDS if f in set(data.fields)]
    if not fields or len(fields) != len(set(data.fields)):
        raise DomainError(
            _("Choose where the rule looks: posts, comments, names and so on."),
            code="rule_fields",
        )
    if data.outcome not in RuleOutcome.values:
        raise DomainError(_("Choose what the rule does: flag or hold."), code="rule_outcome")
    if data.severity not in SEVERITIES:
        raise DomainError(_("The severity is a number from 1 to 5."), code="rule_severity")
    public_reason = " ".join(nfc(data.public_reason).split())
    if len(public_reason) > 300:
        raise DomainError(
            _("What the author is told has at most 300 characters."), code="rule_public_reason"
        )
    reason = None
    if data.reason_code:
        reason = ReportReason.objects.filter(code=data.reason_code, active=True).first()
        if reason is None:
            raise DomainError(_("Choose one of the listed report reasons."), code="rule_reason")
    clean = RuleData(
        name=name,
        match=data.match,
        pattern=pattern,
        fields=fields,
        outcome=data.outcome,
        reason_code=reason.code if reason else "",
        severity=data.severity,
        public_reason=public_reason,
        active=bool(data.active),
    )
    return clean, reason


def _summary(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "match": rule.match,
        "pattern": rule.pattern,
        "fields": rule.fields,
        "outcome": rule.outcome,
        "reason": rule.reason.code if rule.reason else None,
        "severity": rule.severity,
        "active": rule.active,
    }


def rule_create(
    *,
    user: User,
    name: str,
    pattern: str,
    fields: list[str],
    match: str = RuleMatch.KEYWORD,
    outcome: str = RuleOutcome.FLAG,
    reason_code: str = "",
    severity: int = 2,
    public_reason: str = "",
    active: bool = True,
    request: HttpRequest | None = None,
) -> Rule:
    """Add an automatic rule (site moderators); it applies to what is written from now on."""
    rules_check(user)
    data, reason = _clean(
        RuleData(
            name=name,
            match=match,
            pattern=pattern,
            fields=list(fields),
            outcome=outcome,
            reason_code=reason_code,
            severity=severity,
            public_reason=public_reason,
            active=active,
        )
    )
    with transaction.atomic():
        rule = Rule.objects.create(
            name=data.name,
            match=data.match,
            pattern=data.pattern,
            fields=data.fields,
            outcome=data.outcome,
            reason=reason,
            severity=data.severity,
            public_reason=data.public_reason,
            active=data.active,
            created_by=user,
        )
        audit_write(
            actor=user,
            action="moderation.rule_create",
            obj=rule,
            data=_summary(rule),
            request=request,
        )
    return rule


def rule_update(
    *,
    user: User,
    rule_id: int,
    name: str | None = None,
    match: str | None = None,
    pattern: str | None = None,
    fields: list[str] | None = None,
    outcome: str | None = None,
    reason_code: str | None = None,
    severity: int | None = None,
    public_reason: str | None = None,
    active: bool | None = None,
    request: HttpRequest | None = None,
) -> Rule:
    """Change a rule (site moderators); values left at None stay as they are."""
    rule = rule_for_moderator(user, rule_id)
    current = RuleData.of(rule)
    changes = {
        "name": name,
        "match": match,
        "pattern": pattern,
        "fields": list(fields) if fields is not None else None,
        "outcome": outcome,
        "reason_code": reason_code,
        "severity": severity,
        "public_reason": public_reason,
        "active": active,
    }
    for key, value in changes.items():
        if value is not None:
            setattr(current, key, value)
    data, reason = _clean(current)
    before = _summary(rule)
    with transaction.atomic():
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        rule.name, rule.match, rule.pattern = data.name, data.match, data.pattern
        rule.fields, rule.outcome, rule.reason = data.fields, data.outcome, reason
        rule.severity, rule.public_reason, rule.active = (
            data.severity,
            data.public_reason,
            data.active,
        )
        rule.save()
        after = _summary(rule)
        audit_write(
            actor=user,
            action="moderation.rule_update",
            obj=rule,
            data={k: v for k, v in after.items() if before.get(k) != v},
            request=request,
        )
    return rule


def rule_deactivate(*, user: User, rule_id: int, request: HttpRequest | None = None) -> Rule:
    """Switch a rule off (site moderators); it is kept for the cases it opened."""
    rule = rule_for_moderator(user, rule_id)
    with transaction.atomic():
        if rule.active:
            rule.active = False
            rule.save(update_fields=["active"])
            audit_write(
                actor=user,
                action="moderation.rule_deactivate",
                obj=rule,
                data={"name": rule.name},
                request=request,
            )
    return rule


def rule_try(*, user: User, match: str, pattern: str, text: str) -> RuleTry:
    """What a rule (saved or not) would match in a sample text; for site moderators."""
    rules_check(user)
    if len(text) > 10000:
        raise DomainError(_("The sample text has at most 10000 characters."), code="rule_text")
    return rule_try_text(match=match, pattern=nfc(pattern), text=nfc(text))
