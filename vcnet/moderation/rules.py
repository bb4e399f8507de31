"""Automatic rules: the matcher and the reviewer the social services call on what people write.

A rule meets text with its diacritics folded away (`vcnet.core.text.fold`), so "xang mien phi"
catches "Xăng miễn phí". Keyword rules hold one phrase per line, matched on word boundaries;
pattern rules are one regular expression (the `regex` module), folded the same way, run with a
time limit so a catastrophic pattern cannot stall posting: a timeout counts as no match and is
logged.

`review(submission)` is registered with `vcnet.social.hooks` by the app config. Each rule that
hits opens (or joins) the item's case through `case_flag`; a hold rule on a post asks the social
service to hold the post until a moderator approves it (`action_take(kind="approve")`).

Compiled active rules are kept per process and rebuilt when the version key in the shared cache
changes; every save or delete of a rule changes it.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

import regex
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from vcnet.core.errors import DomainError
from vcnet.core.text import fold
from vcnet.moderation.models import Rule, RuleMatch, RuleOutcome
from vcnet.social.hooks import FIELDS, Submission

__all__ = [
    "DEFAULT_HOLD_REASON",
    "FIELD_LABELS",
    "MATCH_TIMEOUT",
    "RuleTry",
    "compile_rule",
    "find_matches",
    "review",
    "rule_try_text",
    "rules_changed",
]

logger = logging.getLogger(__name__)

MATCH_TIMEOUT = 0.05  # seconds per text and rule
MAX_MATCHES = 20  # what the "test this rule" box lists
VERSION_KEY = "moderation:rules:version"

DEFAULT_HOLD_REASON = _("Your post is waiting for a moderator's review.")

# Where a rule may look, by `vcnet.social.hooks.FIELDS` name, as moderators read it.
FIELD_LABELS: dict[str, Any] = {
    "post": _("Posts"),
    "comment": _("Comments"),
    "poll_option": _("Poll options"),
    "media_description": _("Image descriptions"),
    "name": _("Profile and page names"),
    "bio": _("Profile and page bios"),
    "group_name": _("Group names"),
    "group_description": _("Group descriptions"),
}
assert set(FIELD_LABELS) == set(FIELDS)  # noqa: S101  (a new hook field needs a label)


# --- Matching ----------------------------------------------------------------------------------
class RuleTimeout(Exception):
    """A pattern ran past `MATCH_TIMEOUT` on a text."""


def _fold_chars(text: str) -> str:
    """Fold a piece of a pattern like `fold` does, keeping its spaces as they are."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def fold_pattern(pattern: str) -> str:
    """Fold a regular expression's literal text, leaving escapes (`\\S`, `\\p{L}`) untouched.

    Lower-casing `\\S` would turn "not a space" into "a space", so every backslash escape (and
    the braces of `\\p{..}`, `\\N{..}`, `\\x{..}`) is copied as written.
    """
    out: list[str] = []
    plain: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch != "\\" or i + 1 >= len(pattern):
            plain.append(ch)
            i += 1
            continue
        out.append(_fold_chars("".join(plain)))
        plain = []
        end = i + 2
        if pattern[i + 1] in "pPNx" and end < len(pattern) and pattern[end] == "{":
            close = pattern.find("}", end)
            end = len(pattern) if close < 0 else close + 1
        out.append(pattern[i:end])
        i = end
    out.append(_fold_chars("".join(plain)))
    return "".join(out)


def _keyword_regex(words: str) -> str:
    """One alternation of the phrases (one a line), each on word boundaries in folded text."""
    phrases = {fold(line) for line in words.splitlines()}
    phrases = {p for p in phrases if any(ch.isalnum() for ch in p)}
    if not phrases:
        raise DomainError(_("Write at least one word or phrase, one a line."), code="rule_empty")
    parts = [
        r"\s+".join(regex.escape(word) for word in phrase.split())
        for phrase in sorted(phrases, key=lambda p: (-len(p), p))
    ]
    return r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)"


def compile_rule(match: str, pattern: str) -> regex.Pattern[str]:
    """The compiled matcher of a rule; a clear `DomainError` when the pattern is not valid."""
    if match == RuleMatch.KEYWORD:
        source = _keyword_regex(pattern)
    elif match == RuleMatch.PATTERN:
        source = fold_pattern(pattern.strip())
        if not source:
            raise DomainError(_("Write the pattern."), code="rule_empty")
    else:
        raise DomainError(_("Choose words or a pattern."), code="rule_match")
    try:
        compiled = regex.compile(source, regex.UNICODE)
    except (regex.error, OverflowError, RecursionError) as exc:
        raise DomainError(
            _("This pattern is not a valid regular expression: %(error)s") % {"error": exc},
            code="rule_pattern",
        ) from exc
    try:
        empty = compiled.search("", timeout=MATCH_TIMEOUT)
    except TimeoutError:
        empty = None
    if empty is not None:
        raise DomainError(
            _("This pattern matches empty text, so it would match everything."),
            code="rule_matches_everything",
        )
    return compiled


def find_matches(
    compiled: regex.Pattern[str], folded: str, *, limit: int = MAX_MATCHES
) -> list[str]:
    """What the matcher finds in already folded text (at most `limit`); `RuleTimeout` if slow."""
    found: list[str] = []
    try:
        for m in compiled.finditer(folded, timeout=MATCH_TIMEOUT):
            if m.group(0):
                found.append(m.group(0))
            if len(found) >= limit:
                break
    except TimeoutError as exc:
        raise RuleTimeout from exc
    return found


def _hits(compiled: regex.Pattern[str], folded: str) -> bool:
    try:
        return compiled.search(folded, timeout=MATCH_TIMEOUT) is not None
    except TimeoutError as exc:
        raise RuleTimeout from exc


@dataclass(frozen=True)
class RuleTry:
    """What a rule would match in a sample text: the folded text it reads and the matches."""

    folded: str
    matches: list[str]
    timed_out: bool


def rule_try_text(*, match: str, pattern: str, text: str) -> RuleTry:
    """Run a rule (not saved) over a sample text, as the "test this rule" box shows it."""
    compiled = compile_rule(match, pattern)
    folded = fold(text)
    try:
        return RuleTry(folded=folded, matches=find_matches(compiled, folded), timed_out=False)
    except RuleTimeout:
        return RuleTry(folded=folded, matches=[], timed_out=True)


# --- The compiled active rules, per process ----------------------------------------------------
@dataclass(frozen=True)
class _Compiled:
    id: int
    name: str
    fields: frozenset[str]
    matcher: regex.Pattern[str]


_lock = threading.Lock()
_loaded: dict[str, Any] = {"version": None, "rules": []}


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def rules_changed(**_kwargs: Any) -> None:
    """Make every process rebuild its rules: now, and again once the change is committed."""
    _bump()
    transaction.on_commit(_bump)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or ""
    return str(version)


def _compile_active() -> list[_Compiled]:
    compiled = []
    for rule in Rule.objects.filter(active=True).order_by("name", "id"):
        try:
            matcher = compile_rule(rule.match, rule.pattern)
        except DomainError:
            logger.warning("Automatic rule %s does not compile; skipped.", rule.pk)
            continue
        fields = frozenset(f for f in (rule.fields or []) if f in FIELDS)
        compiled.append(_Compiled(rule.pk, rule.name, fields, matcher))
    return compiled


def active_rules() -> list[_Compiled]:
    """The compiled active rules, rebuilt when the shared version key has moved."""
    version = _version()
    with _lock:
        if _loaded["version"] != version:
            _loaded["rules"] = _compile_active()
            _loaded["version"] = version
        rules: list[_Compiled] = _loaded["rules"]
    return rules


post_save.connect(rules_changed, sender=Rule, dispatch_uid="moderation_rules_changed_save")
post_delete.connect(rules_changed, sender=Rule, dispatch_uid="moderation_rules_changed_delete")


# --- The reviewer ------------------------------------------------------------------------------
def _matching(rules: list[_Compiled], texts: dict[str, list[str]]) -> list[int]:
    folded = {field: [fold(t) for t in values] for field, values in texts.items()}
    hit: list[int] = []
    for rule in rules:
        for field in rule.fields.intersection(folded):
            try:
                if any(_hits(rule.matcher, text) for text in folded[field]):
                    hit.append(rule.id)
                    break
            except RuleTimeout:
                logger.warning(
                    "Automatic rule %s (%s) timed out on a %s; counted as no match.",
                    rule.id,
                    rule.name,
                    field,
                )
    return hit


def review(submission: Submission) -> str | None:
    """Flag what the active rules catch; for a post caught by a hold rule, the reason to hold it.

    Profiles and groups are never held: a hold rule flags them for moderators like any other.
    """
    from vcnet.moderation.services.reports import case_flag
    from vcnet.social.models import Post

    hit_ids = _matching(active_rules(), submission.texts)
    if not hit_ids:
        return None
    # The rules as they are now (a cached rule may have been switched off since).
    live = Rule.objects.filter(pk__in=hit_ids, active=True).select_related("reason")
    is_post = isinstance(submission.target, Post)
    hold: str | None = None
    flagged: list[int] = []
    for rule in sorted(live, key=lambda r: (r.name, r.pk)):
        held = is_post and rule.outcome == RuleOutcome.HOLD
        case_flag(target=submission.target, rule=rule, held=held)
        flagged.append(rule.pk)
        if held and hold is None:
            hold = str(rule.public_reason.strip() or DEFAULT_HOLD_REASON)
    if flagged:
        Rule.objects.filter(pk__in=flagged).update(hits_count=F("hits_count") + 1)
    return hold
