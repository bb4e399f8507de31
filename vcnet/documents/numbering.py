"""Registers, numbers and notations (Decree 30 Art. 15-16, 22; Party Guideline 36).

`number_take()` must run inside the transaction that stores the number on the document: the
counter row is locked (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions
already let one writer in at a time), so two clerks never get the same number, and a rollback
gives the number back, so the series has no gaps.
"""

from __future__ import annotations

import datetime as dt
import string

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from vcnet.accounts.models import Unit
from vcnet.core.errors import DomainError
from vcnet.documents.models import (
    Direction,
    DocumentType,
    IssuerAbbreviation,
    NotationStyle,
    Register,
    RegisterCounter,
    RegisterPeriod,
    UnitProfile,
)


def unit_profile(unit: Unit) -> UnitProfile:
    """The unit's e-office profile, created with defaults on first use."""
    profile, _created = UnitProfile.objects.get_or_create(unit=unit)
    return profile


def registers_ensure(unit: Unit) -> list[Register]:
    """The default registers of a unit (incoming, outgoing, and their confidential series)."""
    defaults = [
        (Direction.INCOMING, False, _("Incoming documents register")),
        (Direction.INCOMING, True, _("Confidential incoming documents register")),
        (Direction.OUTGOING, False, _("Outgoing documents register")),
        (Direction.OUTGOING, True, _("Confidential outgoing documents register")),
    ]
    registers = []
    for direction, confidential, name in defaults:
        register, _created = Register.objects.get_or_create(
            unit=unit,
            direction=direction,
            confidential=confidential,
            doc_type=None,
            defaults={"name": str(name)},
        )
        registers.append(register)
    return registers


def register_for(
    *, unit: Unit, direction: str, doc_type: DocumentType | None, confidential: bool
) -> Register:
    """The register a document goes in: a type's own series (normative), then the confidential
    series, then the general one; the defaults are created on first use."""
    active = Register.objects.filter(unit=unit, direction=direction, active=True)
    if doc_type is not None and doc_type.normative and direction == Direction.OUTGOING:
        own = active.filter(doc_type=doc_type, confidential=confidential).first()
        if own is not None:
            return own
    found = active.filter(doc_type=None, confidential=confidential).first()
    if found is None:
        registers_ensure(unit)
        found = Register.objects.filter(
            unit=unit, direction=direction, doc_type=None, confidential=confidential, active=True
        ).first()
    if found is None:  # the default was deactivated by an administrator
        raise DomainError(_("This unit has no active register for this document."))
    return found


def period_key(register: Register, day: dt.date) -> str:
    """The numbering period `day` falls in: the year, or the congress term's start."""
    if register.period == RegisterPeriod.TERM and register.term_start:
        return f"term-{register.term_start.isoformat()}"
    return str(day.year)


def number_take(register: Register, day: dt.date) -> tuple[int, str]:
    """The next number in `register` for the period of `day`, and that period's key.

    Call inside `transaction.atomic()`; the counter stays locked until the transaction ends.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take() must run inside the transaction that uses the number.")
    key = period_key(register, day)
    RegisterCounter.objects.get_or_create(register=register, period_key=key)
    counter = RegisterCounter.objects.select_for_update().get(register=register, period_key=key)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, key


def issuer_abbreviation(unit: Unit, day: dt.date) -> str:
    """The abbreviation the unit used on `day` (they change after mergers), else its short name."""
    row = (
        IssuerAbbreviation.objects.filter(unit=unit)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    return row.abbreviation if row else unit.short_name


class _Pattern(string.Formatter):
    FIELDS = frozenset({"number", "number02", "type", "issuer", "drafting"})

    def get_value(self, key, args, kwargs):  # type: ignore[no-untyped-def]
        if key not in self.FIELDS:
            raise DomainError(_("Unknown field in the notation pattern: %(key)s") % {"key": key})
        return kwargs[key]


def notation_format(
    *,
    style: str,
    number: int,
    type_abbr: str,
    issuer: str,
    drafting: str = "",
    pattern: str = "",
) -> tuple[str, str]:
    """(number as written, notation) for a document.

    State style: `15/QĐ-BTG`, numbers below 10 with a leading zero, official letters without a
    type (`05/BNV-VP`). Party style: `123-CV/BTGTW`. A register's own `pattern` wins.
    """
    number02 = f"{number:02d}"
    if pattern:
        values = {
            "number": str(number),
            "number02": number02,
            "type": type_abbr,
            "issuer": issuer,
            "drafting": drafting,
        }
        full = _Pattern().format(pattern, **values).strip("-/")
        written = number02 if "{number02}" in pattern else str(number)
        notation = full[len(written) :] if full.startswith(written) else full
        return written, notation.lstrip("/-")
    if style == NotationStyle.PARTY:
        return str(number), f"{type_abbr}/{issuer}" if type_abbr else issuer
    if type_abbr:
        return number02, f"{type_abbr}-{issuer}"
    return number02, f"{issuer}-{drafting}" if drafting else issuer
