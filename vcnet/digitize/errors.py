"""Why a scan is refused or fails, and what a job is doing: the messages people see."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vcnet.core.errors import DomainError

# What a job is doing, shown next to its progress bar.
STAGES: dict[str, Promise] = {
    "queued": _("Waiting for a free reader"),
    "checking": _("Checking the file"),
    "converting": _("Converting the images to PDF"),
    "ocr": _("Recognising the text"),
    "pdfa": _("Making the archival PDF (PDF/A)"),
    "text": _("Reading the text layer"),
    "fields": _("Reading the register fields"),
    "filing": _("Filing the document"),
    "done": _("Done"),
    "failed": _("Failed"),
}

# Why a job failed, by code; the detail of the failure stays in `ScanJob.error_detail`.
ERRORS: dict[str, Promise] = {
    "empty": _("The file is empty."),
    "too_large": _("The file is larger than the upload limit."),
    "not_scan": _("This file is neither a PDF nor an image (JPEG, PNG or TIFF)."),
    "zip_here": _("This is a zip archive: import it with the batch import."),
    "encrypted": _("The PDF is protected by a password; scan or export a copy without protection."),
    "bad_pdf": _("The PDF is damaged and cannot be read."),
    "bad_image": _("The image is damaged and cannot be read."),
    "no_pages": _("The file has no pages."),
    "too_many_pages": _("The file has more pages than the limit for one document."),
    "too_big_image": _("The image is too large (too many pixels) to be a scanned page."),
    "timeout": _("Reading took longer than the time allowed; split the scan into smaller files."),
    "memory": _("Reading needed more memory than allowed; split the scan into smaller files."),
    "unavailable": _("Text recognition (OCR) is not available on this server."),
    "ocr_failed": _("Text recognition failed on this file."),
    "nested_zip": _("A zip inside the zip is not accepted; unpack it first."),
    "bad_zip": _("The file is not a readable zip archive."),
    "zip_unsafe": _(
        "The zip archive holds a file whose name leaves its folder, an absolute path or a "
        "link; it was refused."
    ),
    "zip_encrypted": _("The zip archive is protected by a password; make one without."),
    "zip_bomb": _("The zip archive unpacks to more data than allowed; it was refused."),
    "zip_too_many": _("The zip archive holds more files than one import allows."),
    "zip_empty": _("The zip archive holds no files."),
    "not_allowed": _("You may no longer file documents for this unit."),
    "filing_failed": _("The document could not be filed."),
    "duplicate": _("The same document is already in the register."),
}


class ScanRefused(DomainError):
    """A file that cannot become a document: `code` is a key of `ERRORS`."""

    def __init__(self, code: str, *, detail: str = "") -> None:
        super().__init__(ERRORS.get(code, ERRORS["ocr_failed"]), code=code)
        self.detail = detail
