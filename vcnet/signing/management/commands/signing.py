"""`vcnet signing <action>`: the signing app's commands, one module per action.

Each action is a module with `arguments(parser)` and `run(options, stdout, stderr)`, listed in
`ACTIONS`; add a line there to add one (e.g. `init-ca` from the CA's module).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vcnet.core.errors import DomainError

# action → (module, one-line help)
ACTIONS: dict[str, tuple[str, str]] = {
    "init-ca": (
        "vcnet.signing.cli.init_ca",
        "Create the platform CA (root, issuing CA, TSA, OCSP responder) once.",
    ),
    "issue-seal": ("vcnet.signing.cli.issue_seal", "Issue a unit its seal certificate."),
    "certificates": ("vcnet.signing.cli.certificates", "List the signing certificates."),
    "revoke": ("vcnet.signing.cli.revoke", "Revoke a certificate, with the reason."),
    "add-root": ("vcnet.signing.cli.add_root", "Trust a national root CA (PEM or DER file)."),
    "crl": ("vcnet.signing.cli.crl", "Write the issuing CA's current CRL (DER)."),
    "agent": (
        "vcnet.signing.agent",
        "Sign pending signature requests on a USB token (PKCS#11), on the official's computer.",
    ),
}


class Command(BaseCommand):
    help = "Digital signatures: the platform CA and the signing agent."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for action, (module, help_text) in ACTIONS.items():
            import_module(module).arguments(sub.add_parser(action, help=help_text))

    def handle(self, *args: Any, **options: Any) -> None:
        module = ACTIONS[options["action"]][0]
        try:
            import_module(module).run(options, self.stdout, self.stderr)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
