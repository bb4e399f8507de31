"""`vcnet exchange poll` / `vcnet exchange import FILE --unit CODE`: inter-agency exchange."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vcnet.accounts.models import Unit
from vcnet.core.errors import DomainError
from vcnet.documents.services.exchange import (
    DEFAULT_ADAPTER,
    hub_poll,
    package_import,
)


class Command(BaseCommand):
    help = "Take in documents and status messages from the exchange hub (QCVN 102:2016 edXML)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("poll", help="Import everything waiting in the hub for each unit.")
        one = sub.add_parser("import", help="Import one package file into a unit.")
        one.add_argument("file", type=Path)
        one.add_argument("--unit", required=True, help="The unit's code.")
        one.add_argument("--adapter", default=DEFAULT_ADAPTER, help="The package format.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "poll":
                self._poll()
            else:
                self._import(options["file"], options["unit"], options["adapter"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _poll(self) -> None:
        result = hub_poll()
        self.stdout.write(
            _("Exchange hub: %(packages)d documents and %(statuses)d status messages taken in.")
            % {"packages": len(result.packages), "statuses": result.statuses}
        )
        for line in result.refused:
            self.stderr.write(_("Refused: %(line)s") % {"line": line})

    def _import(self, path: Path, code: str, adapter: str) -> None:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(_("No unit has the code %(code)s.") % {"code": code})
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        document = package_import(actor=None, unit=unit, data=data, adapter=adapter)
        self.stdout.write(
            _("Received %(code)s (%(subject)s) as document #%(id)d in %(unit)s.")
            % {
                "code": document.code,
                "subject": document.subject,
                "id": document.pk,
                "unit": unit.name,
            }
        )
