"""`vcnet signing certificates`: list the signing certificates and their state."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any

from vcnet.signing.models import Certificate


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true", help="Also revoked and expired ones.")


def run(options: dict[str, Any], stdout: IO[str], stderr: IO[str]) -> None:
    rows = Certificate.objects.select_related("owner", "unit").order_by("pk")
    for certificate in rows:
        state = certificate.state
        if state != "active" and not options["all"]:
            continue
        holder = certificate.owner or certificate.unit
        stdout.write(
            f"{certificate.pk:5}  {state:13} {certificate.purpose:8} {certificate.source:8} "
            f"{certificate.not_after:%Y-%m-%d}  {holder}  ({certificate.common_name})\n"
        )
