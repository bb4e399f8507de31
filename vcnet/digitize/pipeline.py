"""The OCR pipeline, parent side: is OCR available here, and run one scan through it.

The work itself happens in a child process (`vcnet.digitize.ocrchild`) with its own address
space limit (`DIGITIZE_JOB_MEMORY_MB`) and a wall-clock limit (`DIGITIZE_JOB_SECONDS`): a scan
that would eat the worker's memory or run for ever takes only its own process down. The child
reports its stage and progress line by line; `pipeline_run` passes them to a callback.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from vcnet.digitize.errors import ScanRefused
from vcnet.digitize.ocrchild import MEMORY_SIGNS

LANGUAGE = "vie"
# The Debian packages (and the Python package) OCR needs, as the page names them.
REQUIREMENTS = ("ocrmypdf", "tesseract-ocr", "tesseract-ocr-vie", "ghostscript")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class OcrStatus:
    """Whether OCR can run on this server, and what is missing when it cannot."""

    available: bool
    missing: tuple[str, ...] = ()


@functools.cache
def ocr_status() -> OcrStatus:
    """Looks once per process for OCRmyPDF, Tesseract with Vietnamese, and Ghostscript."""
    missing: list[str] = []
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        missing.append("ocrmypdf")
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        missing += ["tesseract-ocr", "tesseract-ocr-vie"]
    else:
        try:
            listed = subprocess.run(  # noqa: S603
                [tesseract, "--list-langs"], capture_output=True, timeout=30, check=False
            )
            languages = (listed.stdout + listed.stderr).decode("utf-8", "replace").split()
        except (OSError, subprocess.SubprocessError):
            languages = []
        if LANGUAGE not in languages:
            missing.append("tesseract-ocr-vie")
    if shutil.which("gs") is None:
        missing.append("ghostscript")
    return OcrStatus(available=not missing, missing=tuple(missing))


@dataclass(frozen=True)
class PipelineResult:
    """A searchable PDF and its text."""

    pdf: bytes
    text: str
    pages: int
    ocr_done: bool
    pdfa: bool
    notes: str = ""


Progress = Callable[[str, int], None]


def job_seconds() -> int:
    return int(getattr(settings, "DIGITIZE_JOB_SECONDS", 900))


def job_memory_mb() -> int:
    return int(getattr(settings, "DIGITIZE_JOB_MEMORY_MB", 2048))


def pipeline_run(
    data: bytes,
    *,
    content_type: str,
    has_text: bool = False,
    on_progress: Progress | None = None,
    seconds: int | None = None,
    memory_mb: int | None = None,
) -> PipelineResult:
    """Run one checked scan (see `inputs.scan_inspect`) through the OCR child.

    Raises `ScanRefused` with the reason ("timeout", "memory", "unavailable", "ocr_failed",
    "bad_image", ...). OCR tools are needed only when the scan has no text layer.
    """
    if not has_text and not ocr_status().available:
        raise ScanRefused("unavailable", detail=", ".join(ocr_status().missing))
    seconds = seconds or job_seconds()
    memory_mb = memory_mb or job_memory_mb()
    with tempfile.TemporaryDirectory(prefix="vcnet-ocr-") as folder:
        work = Path(folder)
        source = work / "input"
        source.write_bytes(data)
        config = work / "config.json"
        config.write_text(
            json.dumps(
                {
                    "input": str(source),
                    "workdir": str(work),
                    "content_type": content_type,
                    "has_text": has_text,
                    "language": LANGUAGE,
                    "jobs": max(1, min(2, os.cpu_count() or 1)),
                    "memory_mb": memory_mb,
                }
            ),
            encoding="utf-8",
        )
        result = _child_run(config, work, seconds=seconds, on_progress=on_progress)
        return PipelineResult(
            pdf=Path(result["pdf"]).read_bytes(),
            text=Path(result["text"]).read_text(encoding="utf-8"),
            pages=int(result["pages"]),
            ocr_done=bool(result["ocr_done"]),
            pdfa=bool(result["pdfa"]),
            notes=str(result.get("notes", "")),
        )


def _child_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if part
    )
    env["TMPDIR"] = str(work)  # whatever OCRmyPDF leaves goes with the work folder
    env["OMP_THREAD_LIMIT"] = "1"  # Tesseract's own threads fight OCRmyPDF's on two cores
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _child_run(
    config: Path, work: Path, *, seconds: int, on_progress: Progress | None
) -> dict[str, Any]:
    """Start the child, relay its progress, enforce the deadline; its result or a refusal."""
    deadline = time.monotonic() + seconds
    stderr_path = work / "stderr.log"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module, no shell)
            [sys.executable, "-m", "vcnet.digitize.ocrchild", str(config)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            cwd=work,
            env=_child_env(work),
            start_new_session=True,  # its own process group: a timeout kills Tesseract too
        )
    stdout = process.stdout
    if stdout is None:  # pragma: no cover - stdout=PIPE always gives one
        raise ScanRefused("ocr_failed", detail="no pipe to the OCR child")
    outcome: dict[str, Any] = {}
    timed_out = False
    buffer = b""
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    timed_out = True
                    break
                if not selector.select(timeout=min(left, 1.0)):
                    continue
                chunk = os.read(stdout.fileno(), 65536)
                if not chunk:
                    break
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    outcome.update(_relay(line, on_progress))
        if not timed_out:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 1))
            except subprocess.TimeoutExpired:
                timed_out = True
    finally:
        _kill_group(process)
        stdout.close()
    if timed_out:
        raise ScanRefused("timeout", detail=f"more than {seconds} s")
    if "result" in outcome:
        return dict(outcome["result"])
    log_tail = stderr_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    if "error" in outcome:
        raise ScanRefused(str(outcome["error"]), detail=f"{outcome.get('detail', '')}\n{log_tail}")
    memory_signs = ("MemoryError", *MEMORY_SIGNS)
    if any(sign in log_tail for sign in memory_signs):
        raise ScanRefused("memory", detail=log_tail)
    raise ScanRefused("ocr_failed", detail=f"exit {process.returncode}\n{log_tail}")


def _relay(line: bytes, on_progress: Progress | None) -> dict[str, Any]:
    """One protocol line: progress goes to the callback, a result or an error is returned."""
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(message, dict):
        return {}
    if "stage" in message and on_progress is not None:
        on_progress(str(message["stage"]), int(message.get("progress", 0)))
    return {key: message[key] for key in ("result", "error", "detail") if key in message}


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
