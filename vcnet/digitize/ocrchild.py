"""The OCR child process: `python -m vcnet.digitize.ocrchild CONFIG.json`.

Runs without Django, under the memory limit its parent asks for, and speaks to the parent in
JSON lines on its standard output (anything else the libraries print goes to standard error):
`{"stage": "ocr", "progress": 42}` while it works, then `{"result": {...}}` or
`{"error": "<code>", "detail": "..."}` (codes are keys of `vcnet.digitize.errors.ERRORS`).

Steps: images (JPEG, PNG, TIFF pages) become one PDF with img2pdf; a PDF whose every page
already has text is kept as it is; anything else goes through OCRmyPDF (Tesseract, Vietnamese,
deskewed and rotated) into PDF/A, or plain PDF when PDF/A cannot be made; the text is then read
back with pdftotext (pypdf when poppler is missing) and normalised to NFC.
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import IO, Any

PROGRESS_PLUGIN = "vcnet.digitize.ocrprogress"
DEFAULT_DPI = 300
MAX_PAGE_PIXELS = 80_000_000
# How running out of address space shows in messages (a library that cannot even be loaded).
MEMORY_SIGNS = ("bad_alloc", "Cannot allocate memory", "failed to map segment", "Out of memory")

# OCRmyPDF's steps → (our stage, first and last percent of the bar while it runs).
STEPS: dict[str, tuple[str, int, int]] = {
    "Scanning contents": ("checking", 10, 15),
    "OCR": ("ocr", 15, 85),
    "Grafting hOCR to PDF": ("ocr", 85, 86),
    "PDF/A conversion": ("pdfa", 86, 94),
}


class Failure(Exception):
    """The child gives up: `code` for the person, `detail` for the logs."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


class Reporter:
    """Writes the protocol lines, one stage/progress line only when something changed."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.last: tuple[str, int] = ("", -1)

    def send(self, **message: Any) -> None:
        self.stream.write(json.dumps(message, ensure_ascii=False) + "\n")
        self.stream.flush()

    def progress(self, stage: str, percent: float) -> None:
        current = (stage, int(percent))
        if current != self.last:
            self.last = current
            self.send(stage=stage, progress=int(percent))

    def step(self, desc: str, done: float, total: float | None) -> None:
        """A progress bar update from OCRmyPDF."""
        stage, low, high = STEPS.get(desc, (self.last[0] or "ocr", self.last[1], self.last[1]))
        share = min(max(done / total, 0.0), 1.0) if total else 0.0
        self.progress(stage, low + (high - low) * share)


def limit_memory(megabytes: int) -> None:
    """Cap this process's (and its children's) address space."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def images_to_pdf(source: Path, target: Path, content_type: str) -> int:
    """Turn a JPEG, PNG or (multi-page) TIFF into a PDF, one page per image; the pages."""
    import img2pdf
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_PAGE_PIXELS
    try:
        with Image.open(source) as image:
            dpi = _credible_dpi(image.info.get("dpi"))
            if content_type == "image/jpeg" and image.mode in ("L", "RGB", "CMYK"):
                pages: list[bytes] = [source.read_bytes()]  # kept as it is: no re-encoding
            else:
                pages = [_page_png(frame) for frame in ImageSequence.Iterator(image)]
        layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
        target.write_bytes(img2pdf.convert(pages, layout_fun=layout))
    except Failure:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # Pillow and img2pdf raise many kinds for a damaged image
        if any(sign in str(exc) for sign in MEMORY_SIGNS):
            raise Failure("memory", str(exc)[:1000]) from exc
        raise Failure("bad_image", f"{type(exc).__name__}: {exc}") from exc
    return len(pages)


def _credible_dpi(value: Any) -> int:
    """The image's resolution when it is a scanner's; 300 dpi otherwise (phone photos say 72)."""
    try:
        horizontal = float(value[0])
    except (TypeError, ValueError, IndexError):
        return DEFAULT_DPI
    return int(horizontal) if 100 <= horizontal <= 1200 else DEFAULT_DPI


def _page_png(frame: Any) -> bytes:
    """One image frame as a PNG that img2pdf embeds as it is (no alpha, no 16-bit)."""
    from PIL import Image

    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        frame = flat
    elif frame.mode not in ("1", "L", "RGB"):
        frame = frame.convert("L" if frame.mode.startswith(("I", "F")) else "RGB")
    out = io.BytesIO()
    frame.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def ocr(source: Path, target: Path, *, language: str, jobs: int) -> tuple[bool, str]:
    """OCRmyPDF into PDF/A when it can be made, plain PDF otherwise: (pdfa, notes)."""
    import ocrmypdf
    from ocrmypdf import exceptions as ocr_errors

    base: dict[str, Any] = {
        "language": [language],
        "deskew": True,
        "rotate_pages": True,
        "progress_bar": False,
        "jobs": jobs,
        "plugins": [PROGRESS_PLUGIN],
        "max_image_mpixels": MAX_PAGE_PIXELS / 1_000_000,
    }
    # 1. PDF/A, skipping pages that have text. 2. Ghostscript 10.0-10.02 may not combine the
    # two: PDF/A with every page recognised (the scan had no text anyway). 3. Plain PDF.
    attempts: list[dict[str, Any]] = [
        {"output_type": "pdfa", "skip_text": True},
        {"output_type": "pdfa"},
        {"output_type": "pdf", "skip_text": True},
    ]
    notes: list[str] = []
    for attempt in attempts:
        try:
            code = ocrmypdf.ocr(source, target, **base, **attempt)
        except (ocr_errors.MissingDependencyError, ocr_errors.PriorOcrFoundError) as exc:
            if "hostscript" in str(exc) or isinstance(exc, ocr_errors.PriorOcrFoundError):
                notes.append(f"{attempt}: {exc}"[:300])
                continue
            raise Failure("unavailable", str(exc)[:1000]) from exc
        except ocr_errors.PdfaConversionFailedError as exc:
            notes.append(f"{attempt}: {exc}"[:300])
            continue
        except ocr_errors.EncryptedPdfError as exc:
            raise Failure("encrypted", str(exc)[:1000]) from exc
        except (ocr_errors.InputFileError, ocr_errors.UnsupportedImageFormatError) as exc:
            raise Failure("bad_pdf", f"{type(exc).__name__}: {exc}"[:1000]) from exc
        except ocr_errors.ExitCodeException as exc:
            if attempt["output_type"] == "pdfa" and "PDF/A" in str(exc):
                notes.append(f"{attempt}: {exc}"[:300])
                continue
            raise Failure("ocr_failed", f"{type(exc).__name__}: {exc}"[:1000]) from exc
        if code == ocrmypdf.ExitCode.pdfa_conversion_failed:
            return False, "; ".join([*notes, "PDF/A validation failed"])
        if code != ocrmypdf.ExitCode.ok:
            raise Failure("ocr_failed", f"OCRmyPDF exit code {int(code)}")
        return attempt["output_type"] == "pdfa", "; ".join(notes)
    raise Failure("ocr_failed", "; ".join(notes)[:1000])


def pdf_text(path: Path) -> str:
    """The text layer of a PDF in reading order, NFC, pages separated by form feeds."""
    pdftotext = shutil.which("pdftotext")
    text = ""
    if pdftotext:
        done = subprocess.run(  # noqa: S603 (our own file, no shell)
            [pdftotext, "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            timeout=300,
            check=False,
        )
        if done.returncode == 0:
            text = done.stdout.decode("utf-8", "replace")
    if not text:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        text = "\f".join((page.extract_text() or "") for page in reader.pages)
    return unicodedata.normalize("NFC", text.replace("\x00", ""))


def page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def process(config: dict[str, Any], report: Reporter) -> dict[str, Any]:
    """The whole job; the result names the files written in the work folder."""
    source = Path(config["input"])
    workdir = Path(config["workdir"])
    content_type = config["content_type"]
    report.progress("checking", 2)
    if content_type == "application/pdf":
        pdf = source
    else:
        report.progress("converting", 5)
        pdf = workdir / "images.pdf"
        images_to_pdf(source, pdf, content_type)
        report.progress("converting", 10)
    output = workdir / "searchable.pdf"
    ocr_done, pdfa, notes = False, False, ""
    if config.get("has_text"):
        shutil.copyfile(pdf, output)  # born digital: its own text layer is better than OCR
    else:
        from vcnet.digitize import ocrprogress

        ocrprogress.SINK = report.step
        pdfa, notes = ocr(pdf, output, language=config["language"], jobs=int(config["jobs"]))
        ocr_done = True
    report.progress("text", 95)
    text_path = workdir / "text.txt"
    text_path.write_text(pdf_text(output), encoding="utf-8")
    return {
        "pdf": str(output),
        "text": str(text_path),
        "pages": page_count(output),
        "ocr_done": ocr_done,
        "pdfa": pdfa,
        "notes": notes,
    }


def main(argv: list[str]) -> int:
    # The protocol keeps the real standard output; whatever else prints goes to stderr.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    report = Reporter(protocol)
    try:
        config = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        limit_memory(int(config.get("memory_mb", 0)))
        report.send(result=process(config, report))
        return 0
    except Failure as exc:
        report.send(error=exc.code, detail=exc.detail)
        return 3
    except MemoryError:
        report.send(error="memory", detail="MemoryError")
        return 4
    except Exception as exc:  # the parent gets one line, whatever went wrong
        if any(sign in str(exc) for sign in MEMORY_SIGNS):
            report.send(error="memory", detail=str(exc)[:1000])
            return 4
        report.send(error="ocr_failed", detail=f"{type(exc).__name__}: {exc}"[:1000])
        return 5


if __name__ == "__main__":
    sys.exit(main(sys.argv))
