"""`vcnet signing issue-seal UNIT_CODE [--years N]`: issue a unit its seal certificate."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any

from django.core.management.base import CommandError

from vcnet.accounts.models import Unit
from vcnet.signing import ca


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("unit", help="The unit's code.")
    parser.add_argument("--years", type=int, default=3)


def run(options: dict[str, Any], stdout: IO[str], stderr: IO[str]) -> None:
    unit = Unit.objects.filter(code=options["unit"]).first()
    if unit is None:
        raise CommandError(f"No unit with the code {options['unit']!r}.")
    certificate = ca.certificate_issue_seal(actor=None, unit=unit, years=options["years"])
    stdout.write(
        f"seal certificate {certificate.pk}: {certificate.subject}  serial {certificate.serial}  "
        f"until {certificate.not_after:%Y-%m-%d}\n"
    )
