"""`vcnet assistant reindex [--type T]` and `vcnet assistant evaluate [...]`.

`reindex` cuts every source into passages again (unchanged passages keep their vectors) and
shows a progress bar on stderr; `evaluate` runs the question set over the indexed corpus and
prints the scores (`vcnet.assistant.evaluation`).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from vcnet.assistant.models import SourceType

BAR_WIDTH = 30


def _plain(text: str) -> str:
    return text  # stderr is painted red on a terminal; a progress bar is not an error


class ProgressBar:
    """A plain-text progress bar redrawn in place ("\\r"), at most once per percent."""

    def __init__(self, stream: Any, label: str) -> None:
        self.stream = stream
        self.label = label
        self.shown: tuple[int, int] | None = None
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        percent = 100 if total <= 0 else min(100, done * 100 // total)
        if self.shown is not None and self.shown[0] == percent and done != total:
            return
        self.shown = (percent, done)
        filled = BAR_WIDTH * percent // 100
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        self.stream.write(
            f"\r{self.label} [{bar}] {percent:3d}% {done}/{total} ({rate:.1f}/s)",
            style_func=_plain,
            ending="",
        )
        self.stream.flush()

    def close(self) -> None:
        if self.shown is not None:
            self.stream.write("", style_func=_plain)


class Command(BaseCommand):
    help = "Assistant maintenance: `reindex` rebuilds its passages, `evaluate` scores its answers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=CommandParser)
        reindex = sub.add_parser("reindex", help="Cut every source into passages again.")
        reindex.add_argument(
            "--type",
            dest="source_type",
            choices=SourceType.values,
            help="Only this kind of source (default: all).",
        )
        evaluate = sub.add_parser("evaluate", help="Score the answers on the question set.")
        evaluate.add_argument("--asker", metavar="EMAIL", help="Ask as this person.")
        evaluate.add_argument(
            "--set",
            dest="set",
            choices=("qa", "permission", "all"),
            default="all",
            help="Which questions (default: all).",
        )
        evaluate.add_argument("--verbose", action="store_true", help="Show every question.")
        evaluate.add_argument("--json", action="store_true", help="Print the scores as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "evaluate":
            from vcnet.assistant import evaluation  # type: ignore[attr-defined,unused-ignore]

            evaluation.main(
                self.stdout,
                asker=options.get("asker"),
                set=options.get("set", "all"),
                verbose=bool(options.get("verbose")),
                json=bool(options.get("json")),
            )
            return
        from vcnet.assistant.indexing import reindex_all

        types = [options["source_type"]] if options.get("source_type") else None
        bar = ProgressBar(self.stderr, _("Indexing"))
        started = time.monotonic()
        counts = reindex_all(bar, source_types=types)
        bar.close()
        self.stdout.write(
            _("Sources indexed: %(counts)s in %(seconds).1f s.")
            % {
                "counts": ", ".join(f"{kind} {n}" for kind, n in counts.items()),
                "seconds": time.monotonic() - started,
            }
        )
