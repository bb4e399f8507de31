"""The `vcnet` console command: Django's manage.py with VCNET's settings.

A bad setting in the environment stops the command with one line, not a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcnet.settings")
    from django.core.management import execute_from_command_line

    from vcnet.core.env import EnvError

    try:
        execute_from_command_line(argv if argv is not None else sys.argv)
    except EnvError as exc:
        sys.stderr.write(f"vcnet: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
