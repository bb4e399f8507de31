"""`vcnet openapi` writes the API's OpenAPI document to docs/openapi.json; `--check` compares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def openapi_text() -> str:
    """The OpenAPI document as stable text: sorted keys, two-space indent, trailing newline."""
    from vcnet.api import api

    with translation.override("en"):
        schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to docs/openapi.json, or check that it is current."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit 1 if the file differs from the generated document.",
        )
        parser.add_argument(
            "--output", type=Path, default=DEFAULT_PATH, help="Where to write (or check)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"]
        text = openapi_text()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                self.stderr.write(f"{path} is out of date: run `vcnet openapi` and commit it.")
                raise SystemExit(1)
            self.stdout.write(f"{path} is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
