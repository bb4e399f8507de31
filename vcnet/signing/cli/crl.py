"""`vcnet signing crl [--out FILE]`: write the issuing CA's current CRL (DER)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any

from vcnet.signing import ca


def arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--out", default="-", help="A file, or - for standard output.")


def run(options: dict[str, Any], stdout: IO[str], stderr: IO[str]) -> None:
    ca.authority_current("issuing")
    der = ca.crl_der()
    if options["out"] == "-":
        sys.stdout.buffer.write(der)
    else:
        Path(options["out"]).write_bytes(der)
        stdout.write(f"{options['out']}: {len(der)} bytes\n")
