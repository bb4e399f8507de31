"""Reports and cases: people report posts, profiles and groups; rules flag them. Every report on
the same item merges into its one open case, which keeps a snapshot of what was reported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict, DomainError, NotFound
from vcnet.core.ratelimit import rate_limit_check
from vcnet.moderation import kinds
from vcnet.moderation.models import (
    Case,
    CaseSource,
    CaseState,
    Report,
    ReportReason,
    Rule,
    TargetKind,
)
from vcnet.moderation.services.roles import moderators_for_case
from vcnet.notifications.services import notify_on_commit
from vcnet.social.access import group_for_user, own_actor_ids, post_for_user
from vcnet.social.models import Actor, ActorKind, Group, GroupKind, PageRole, PageRoleKind, Post
from vcnet.social.services.actors import actor_get

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

__all__ = ["REPORTS_PER_HOUR", "URGENT_SEVERITY", "case_flag", "report_create", "target_describe"]

REPORTS_PER_HOUR = 20
URGENT_SEVERITY = 4  # a case this severe is announced to its moderators at once
URGENT_COUNT = 5  # ... and so is one that many people reported


@dataclass(frozen=True)
class Target:
    """What a case is about, and who answers for it and may handle it."""

    kind: str
    key: str
    post: Post | None
    actor: Actor | None
    group: Group | None
    subject_user_id: int | None
    subject_actor: Actor | None
    scope_group: Group | None
    scope_unit_id: int | None
    snapshot: dict[str, Any]


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # pragma: no cover - social urls are always mounted
        return ""


def _page_person(page: Actor) -> int | None:
    """Who answers for a page: its first owner, else its first editor."""
    roles = PageRole.objects.filter(page=page).order_by("id")
    owner = roles.filter(role=PageRoleKind.OWNER).values_list("user_id", flat=True).first()
    return owner or roles.values_list("user_id", flat=True).first()


def _person_actor(user_id: int | None) -> Actor | None:
    if user_id is None:
        return None
    return Actor.objects.filter(user_id=user_id).first()


def target_describe(target: models.Model) -> Target:
    """The case fields for a post, a profile or a group (no permission check)."""
    if isinstance(target, Post):
        author = target.author
        subject_user = target.created_by_id or author.user_id
        if subject_user is None and author.kind == ActorKind.PAGE:
            subject_user = _page_person(author)
        group = target.group
        unit_id: int | None = None
        if target.unit_id is not None:
            unit_id = target.unit_id
        elif author.kind == ActorKind.PAGE and author.unit_id is not None:
            unit_id = author.unit_id
        elif group is not None and group.kind == GroupKind.UNIT:
            unit_id = group.unit_id
        return Target(
            kind=TargetKind.POST,
            key=f"post:{target.pk}",
            post=target,
            actor=None,
            group=None,
            subject_user_id=subject_user,
            subject_actor=author,
            scope_group=group,
            scope_unit_id=unit_id,
            snapshot={
                "text": target.text,
                "content_warning": target.content_warning,
                "author": f"{author.display_name} (@{author.handle})",
                "url": _url("social:post", target.pk),
            },
        )
    if isinstance(target, Actor):
        person = target.user_id if target.kind != ActorKind.PAGE else _page_person(target)
        return Target(
            kind=TargetKind.PROFILE,
            key=f"profile:{target.pk}",
            post=None,
            actor=target,
            group=None,
            subject_user_id=person,
            subject_actor=target,
            scope_group=None,
            scope_unit_id=target.unit_id if target.kind == ActorKind.PAGE else None,
            snapshot={
                "name": target.display_name,
                "bio": target.bio,
                "author": f"@{target.handle}",
                "url": _url("social:profile", target.handle),
            },
        )
    if isinstance(target, Group):
        creator = target.created_by
        return Target(
            kind=TargetKind.GROUP,
            key=f"group:{target.pk}",
            post=None,
            actor=None,
            group=target,
            subject_user_id=target.created_by_id,
            subject_actor=_person_actor(target.created_by_id),
            scope_group=None,  # a group's own moderators do not judge their group
            scope_unit_id=target.unit_id if target.kind == GroupKind.UNIT else None,
            snapshot={
                "name": target.name,
                "description": target.description,
                "author": str(creator) if creator is not None else "",
                "url": _url("social:group", target.slug),
            },
        )
    raise TypeError(f"cannot report {type(target).__name__}")


def _open_case(target: Target, *, source: str) -> tuple[Case, bool]:
    """The target's open case, locked, or a new one (a race for the same target merges)."""
    for _attempt in range(3):
        case = Case.objects.select_for_update().filter(target_key=target.key, state=CaseState.OPEN)
        found = case.first()
        if found is not None:
            return found, False
        try:
            with transaction.atomic():
                now = timezone.now()
                created = Case.objects.create(
                    target_kind=target.kind,
                    target_key=target.key,
                    post=target.post,
                    actor=target.actor,
                    group=target.group,
                    subject_user_id=target.subject_user_id,
                    subject_actor=target.subject_actor,
                    scope_group=target.scope_group,
                    scope_unit_id=target.scope_unit_id,
                    snapshot=target.snapshot,
                    source=source,
                    severity=0,
                    created_at=now,
                    updated_at=now,
                )
            return created, True
        except IntegrityError:  # someone opened it a moment ago
            continue
    raise Conflict(_("This item is being reported by many people at once. Please try again."))


def _announce(case: Case, *, before_severity: int, before_count: int, held: bool = False) -> None:
    """Tell the case's moderators when it becomes urgent, when many reported it, or when a rule
    holds a post back."""
    urgent = case.severity >= URGENT_SEVERITY > before_severity
    many = case.reports_count >= URGENT_COUNT > before_count
    if not (urgent or many or held):
        return
    if held:
        title = _("A post waits for a moderator's approval.")
    elif urgent:
        title = _("An urgent report waits for a moderator.")
    else:
        title = _("Many people reported the same item.")
    notify_on_commit(
        recipients=moderators_for_case(case),
        kind=kinds.CASE,
        title=str(title),
        body=str(case.snapshot.get("text") or case.snapshot.get("name") or "")[:300],
        url=f"/moderation/cases/{case.pk}/",
        obj=case,
    )


def _target_for_reporter(user: User, target_kind: str, target_id: int) -> models.Model:
    """The item if the reporter may see it; NotFound otherwise; a share means what it shares."""
    if target_kind == TargetKind.POST:
        post = post_for_user(user, target_id)
        if post.reblog_of_id is not None:
            post = post_for_user(user, post.reblog_of_id)
        return post
    if target_kind == TargetKind.PROFILE:
        return actor_get(target_id)
    if target_kind == TargetKind.GROUP:
        return group_for_user(user, target_id)
    raise DomainError(_("Only posts, profiles and groups can be reported."))


def _own(user: User, target: models.Model) -> bool:
    if isinstance(target, Post):
        return target.author_id in own_actor_ids(user)
    if isinstance(target, Actor):
        return target.pk in own_actor_ids(user)
    if isinstance(target, Group):
        return target.created_by_id == user.pk
    return False


def report_create(
    *,
    user: User,
    target_kind: str,
    target_id: int,
    reason_code: str,
    text: str = "",
    request: HttpRequest | None = None,
) -> Report:
    """Report a post, a profile or a group the person can see, for one of the offered reasons.

    The report joins the item's open case (one per item) or opens one; each person reports an
    item once per case. Moderators hear at once of urgent or much-reported cases.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound(_("Sign in to report content."))
    try:
        target_pk = int(target_id)
    except (TypeError, ValueError):
        raise NotFound(_("This item does not exist.")) from None
    item = _target_for_reporter(user, str(target_kind), target_pk)
    if _own(user, item):
        raise DomainError(_("You cannot report your own content."))
    reason = ReportReason.objects.filter(code=str(reason_code or ""), active=True).first()
    if reason is None:
        raise DomainError(_("Choose a reason for your report."))
    text = (text or "").strip()
    if reason.needs_text and not text:
        raise DomainError(_("Please tell the moderators what is wrong."))
    if len(text) > 1000:
        raise DomainError(_("Please keep the details under 1,000 characters."))
    rate_limit_check(f"moderation.report:{user.pk}", limit=REPORTS_PER_HOUR, window=3600)
    target = target_describe(item)
    with transaction.atomic():
        case, _created = _open_case(target, source=CaseSource.REPORT)
        if Report.objects.filter(case=case, reporter=user).exists():
            raise Conflict(_("You have already reported this."))
        before_severity, before_count = case.severity, case.reports_count
        try:
            with transaction.atomic():
                report = Report.objects.create(case=case, reporter=user, reason=reason, text=text)
        except IntegrityError as exc:
            raise Conflict(_("You have already reported this.")) from exc
        case.severity = max(case.severity, reason.severity)
        case.reports_count = F("reports_count") + 1
        case.updated_at = timezone.now()
        case.save(update_fields=["severity", "reports_count", "updated_at"])
        case.refresh_from_db(fields=["reports_count"])
        audit_write(
            actor=user,
            action="moderation.report",
            obj=report,
            data={"case": case.pk, "target": case.target_key, "reason": reason.code},
            request=request,
        )
        _announce(case, before_severity=before_severity, before_count=before_count)
    return report


def case_flag(*, target: models.Model, rule: Rule, held: bool) -> Case:
    """A rule's hit on a post, a profile or a group: open or join the item's case.

    A rule counts once per case however often it hits; a hold makes the case a held one and
    tells its moderators a post waits for approval.
    """
    described = target_describe(target)
    source = CaseSource.HELD if held else CaseSource.RULE
    with transaction.atomic():
        case, created = _open_case(described, source=source)
        before_severity, before_count = case.severity, case.reports_count
        was_held = not created and case.source == CaseSource.HELD
        fields = ["severity", "updated_at"]
        if held and case.source != CaseSource.HELD:
            case.source = CaseSource.HELD
            fields.append("source")
        counted = Report.objects.filter(case=case, rule=rule).exists()
        if not counted:
            Report.objects.create(case=case, reporter=None, rule=rule, reason=rule.reason)
            case.reports_count = F("reports_count") + 1
            fields.append("reports_count")
        case.severity = max(
            case.severity, rule.severity, rule.reason.severity if rule.reason else 0
        )
        case.updated_at = timezone.now()
        case.save(update_fields=fields)
        case.refresh_from_db(fields=["reports_count"])
        if not counted:
            audit_write(
                actor=None,
                action="moderation.flag",
                obj=case,
                data={"rule": rule.pk, "target": case.target_key, "held": held},
            )
        _announce(
            case,
            before_severity=before_severity,
            before_count=before_count,
            held=held and not was_held,
        )
    return case
