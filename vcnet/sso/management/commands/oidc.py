"""`vcnet oidc rotate-key` makes a new signing key; `vcnet oidc prune-keys` drops expired old ones;
`vcnet oidc keys` lists them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vcnet.core.errors import DomainError
from vcnet.sso import keys
from vcnet.sso.services import signing_key_rotate, signing_keys_prune


class Command(BaseCommand):
    help = "Manage the OpenID Connect provider's signing keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=CommandParser)
        sub.add_parser("rotate-key", help="Make a new active key; the old one stays in the JWKS.")
        sub.add_parser("prune-keys", help="Delete retired keys whose tokens have all expired.")
        sub.add_parser("keys", help="List the published keys, active first.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "rotate-key":
                kid = signing_key_rotate()
                self.stdout.write(f"active key: {kid}")
            elif options["subcommand"] == "prune-keys":
                removed = signing_keys_prune()
                self.stdout.write(f"pruned {len(removed)} key(s)")
                for kid in removed:
                    self.stdout.write(f"  {kid}")
            else:
                for index, key in enumerate(keys.published_keys()):
                    state = "active" if index == 0 else f"retired {key.retired:%Y-%m-%d %H:%M} UTC"
                    self.stdout.write(f"{key.kid}  {state}")
        except DomainError as exc:
            raise CommandError(str(exc)) from None
