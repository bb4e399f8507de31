"""Helpers of the signing services: the files of a document as bytes, names, form fields."""

from __future__ import annotations

import io
import logging
from typing import Any

from vcnet.documents.models import Document, DocumentFile
from vcnet.documents.services.incoming import Upload

log = logging.getLogger(__name__)

# Written into the signature dictionaries: what each signature is for (document content, so
# in Vietnamese whatever the user's language).
SIGN_REASON = "Ký ban hành"
SEAL_REASON = "Đóng dấu ban hành"
# The form fields prepared before the leader signs (the number, the date, the seal).
NUMBER_FIELD = "vcnet_number"
SEAL_FIELD = "vcnet_seal"


def current_file(document: Document, kind: str, slot: int = 0) -> DocumentFile | None:
    return DocumentFile.objects.filter(
        document=document, kind=kind, slot=slot, current=True
    ).first()


def file_bytes(stored: DocumentFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


def is_pdf(stored: DocumentFile) -> bool:
    return stored.content_type == "application/pdf"


def file_name(document: Document, suffix: str) -> str:
    """A file name from the number and notation once given, else from the document id."""
    base = document.code.replace("/", "-").replace(" ", "") if document.code else ""
    return f"{base or f'van-ban-{document.pk}'}{suffix}.pdf"


def as_upload(data: bytes, name: str) -> Upload:
    return Upload(stream=io.BytesIO(data), name=name)


def field_names(data: bytes) -> set[str]:
    """The names of the form fields of a PDF (empty for a PDF without a form)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        form = reader.root.get("/AcroForm")
        if form is None:
            return set()
        names: set[str] = set()
        pending = list(form.get_object().get("/Fields", []))
        while pending:
            field = pending.pop().get_object()
            if "/T" in field:
                names.add(str(field["/T"]))
            pending.extend(field.get("/Kids", []))
        return names
    except Exception:
        log.info("could not read the form fields", exc_info=True)
        return set()


def image_bytes(image: Any) -> bytes:
    with image.image.open("rb") as handle:
        return bytes(handle.read())
