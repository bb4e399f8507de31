"""`vcnet seed --demo`: load the demo organisation once and print accounts to try."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vcnet.accounts.demo import (
    DEMO_PASSWORD,
    demo_extensions_load,
    demo_load,
    demo_totp_enrol,
    showcase_accounts,
)
from vcnet.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Load the demo organisation (units, people, memberships); running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo", action="store_true", help="Load the demo organisation (required)."
        )
        parser.add_argument(
            "--organisation-only",
            action="store_true",
            help="Load only the units, people and memberships, not the apps' demo content.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["demo"]:
            raise CommandError(_("Nothing to seed: pass --demo to load the demo organisation."))
        try:
            result = demo_load()
            totp = demo_totp_enrol()
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        if result.created:
            message = _(
                "Demo organisation loaded: %(units)d units, %(users)d accounts, "
                "%(memberships)d memberships."
            )
        else:
            message = _(
                "The demo organisation is already loaded (%(units)d units, %(users)d accounts, "
                "%(memberships)d memberships); nothing was changed."
            )
        self.stdout.write(
            self.style.SUCCESS(
                message
                % {"units": result.units, "users": result.users, "memberships": result.memberships}
            )
        )
        rows = [(_("Role"), _("Name"), _("E-mail")), *showcase_accounts()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        for n, row in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
            )
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write(
            _("Every demo account uses the password: %(password)s") % {"password": DEMO_PASSWORD}
        )
        if totp is not None:
            self.stdout.write(
                _(
                    "%(name)s (%(email)s) signs in with a TOTP code as well: add this secret "
                    "to an authenticator app: %(secret)s"
                )
                % {"name": totp.full_name, "email": totp.email, "secret": totp.secret}
            )
        self.stdout.write("")
        if options["organisation_only"]:
            return
        try:
            demo_extensions_load(self.stdout)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
