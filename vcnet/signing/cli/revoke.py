"""`vcnet signing revoke CERTIFICATE_ID --reason TEXT`: revoke a certificate."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any

from django.core.management.base import CommandError

from vcnet.signing import ca
from vcnet.signing.models import Certificate


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("certificate", type=int, help="The certificate's id.")
    parser.add_argument(
        "--reason",
        required=True,
        help="key_compromise, affiliation_changed, superseded, cessation_of_operation, or text.",
    )


def run(options: dict[str, Any], stdout: IO[str], stderr: IO[str]) -> None:
    certificate = Certificate.objects.filter(pk=options["certificate"]).first()
    if certificate is None:
        raise CommandError(f"No certificate {options['certificate']}.")
    certificate = ca.certificate_revoke(
        actor=None, certificate=certificate, reason=options["reason"]
    )
    stdout.write(f"revoked: {certificate} at {certificate.revoked_at:%Y-%m-%d %H:%M} UTC\n")
