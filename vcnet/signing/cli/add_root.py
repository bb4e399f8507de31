"""`vcnet signing add-root FILE --name NAME`: trust a national root CA (PEM or DER file)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError

from vcnet.signing import ca


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("file", help="The root certificate, PEM or DER.")
    parser.add_argument("--name", default="", help="A name shown to people.")
    parser.add_argument("--note", default="")


def run(options: dict[str, Any], stdout: IO[str], stderr: IO[str]) -> None:
    try:
        data = Path(options["file"]).read_bytes()
    except OSError as exc:
        raise CommandError(f"{options['file']}: {exc.strerror}") from None
    root = ca.trusted_root_add(
        actor=None, certificate_pem=data, name=options["name"], note=options["note"]
    )
    stdout.write(f"trusted: {root.name}  {root.subject}  sha256 {root.fingerprint}\n")
