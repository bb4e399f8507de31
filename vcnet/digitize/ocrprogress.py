"""An OCRmyPDF plugin that reports progress to the OCR child's parent (see `ocrchild`).

OCRmyPDF creates one progress bar per step ("Scanning contents", "OCR", "PDF/A conversion", ...)
in its main process and calls `update()` as pages finish. `SINK` is set by the child before
the run; each update becomes one line to the parent. Loaded by module name, so it is the same
module object as the one the child imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ocrmypdf import hookimpl

# (step description, units done, units in all) → None; set by ocrchild.main.
SINK: Callable[[str, float, float | None], None] | None = None


class Reporter:
    """Progress bar protocol of OCRmyPDF, reporting to `SINK` whatever `disable` says."""

    def __init__(
        self,
        *,
        total: float | None = None,
        desc: str | None = None,
        unit: str | None = None,
        disable: bool = False,
        **kwargs: Any,
    ) -> None:
        self.total = total
        self.desc = desc or ""
        self.done = 0.0

    def __enter__(self) -> Reporter:
        self._send()
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: float = 1, *, completed: float | None = None) -> None:
        self.done = completed if completed is not None else self.done + n
        self._send()

    def _send(self) -> None:
        if SINK is not None:
            SINK(self.desc, self.done, self.total)


@hookimpl
def get_progressbar_class() -> type[Reporter]:
    return Reporter
