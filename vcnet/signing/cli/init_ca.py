"""`vcnet signing init-ca`: create the platform CA (root, issuing CA, TSA, OCSP) once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any

from vcnet.signing import ca
from vcnet.signing.models import Authority


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--name", default="VCNET Root CA", help="The root's common name.")
    parser.add_argument("--organisation", default="VCNET", help="The organisation (O=).")


def run(options: dict[str, Any], stdout: IO[str], stderr: IO[str]) -> None:
    existed = Authority.objects.filter(role=Authority.Role.ISSUING, active=True).exists()
    issuing = ca.authority_init(name=options["name"], organisation=options["organisation"])
    stdout.write(("already set up: " if existed else "created: ") + str(issuing) + "\n")
    for authority in Authority.objects.filter(active=True).order_by("pk"):
        stdout.write(
            f"  {authority.role:8} {authority.name}  serial {authority.serial}  "
            f"until {authority.not_after:%Y-%m-%d}\n"
        )
    stdout.write(f"root certificate: {ca.ca_url('root')}\n")
