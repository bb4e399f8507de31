"""`vcnet audit verify` checks the hash chain; `vcnet audit tail [-n 20]` shows the latest entries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vcnet.core.audit import audit_verify
from vcnet.core.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or show its latest entries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=CommandParser)
        sub.add_parser("verify", help="Walk the whole chain; exit 1 at the first broken entry.")
        tail = sub.add_parser("tail", help="Show the latest entries, oldest first.")
        tail.add_argument("-n", "--lines", type=int, default=20, help="How many (default 20).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify()
        else:
            self._tail(options["lines"])

    def _verify(self) -> None:
        count, broken = audit_verify()
        if broken is not None:
            where = (
                _("entry %(id)s") % {"id": broken.entry_id}
                if broken.entry_id is not None
                else _("the chain head")
            )
            raise CommandError(
                _("BROKEN at %(where)s: %(reason)s (%(count)d entries verified before it).")
                % {"where": where, "reason": broken.reason, "count": count},
                returncode=1,
            )
        self.stdout.write(
            ngettext("OK: %(count)d entry verified.", "OK: %(count)d entries verified.", count)
            % {"count": count}
        )

    def _tail(self, lines: int) -> None:
        if lines < 1:
            raise CommandError(_("The number of entries must be at least 1."))
        rows = list(
            AuditEntry.objects.order_by("-id").values_list(
                "id", "created_at", "actor_repr", "action", "object_type", "object_repr"
            )[:lines]
        )
        system = _("(system)")
        for pk, created_at, actor, action, obj_type, obj in reversed(rows):
            when = timezone.localtime(created_at).strftime("%Y-%m-%d %H:%M:%S")
            target = f"{obj_type} «{obj}»" if obj_type else ""
            self.stdout.write(f"{pk:>8}  {when}  {actor or system:<28}  {action:<24}  {target}")
