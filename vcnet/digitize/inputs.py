"""What comes in: a scan checked by its content, and a zip archive read safely.

Nothing here trusts a file name. A scan is a PDF, JPEG, PNG or TIFF by its first bytes; a PDF
must open without a password and have at most `DIGITIZE_MAX_PAGES` pages; an image must decode.
A zip is refused as a whole when it shows signs of an attack (a name that climbs out of the
folder or is absolute, a symbolic link, more files or more bytes than allowed, a compression
ratio no scan has); a zip inside it is refused for that file only.
"""

from __future__ import annotations

import io
import logging
import stat
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings

from vcnet.digitize.errors import ScanRefused

log = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
ZIP = "application/zip"
SIGNATURES: dict[bytes, str] = {
    b"%PDF-": PDF,
    b"\xff\xd8\xff": JPEG,
    b"\x89PNG\r\n\x1a\n": PNG,
    b"II*\x00": TIFF,
    b"MM\x00*": TIFF,
    b"PK\x03\x04": ZIP,
    b"PK\x05\x06": ZIP,  # an empty archive
}
# A page with fewer characters than this in its text layer is taken for an image-only page.
TEXT_LAYER_MIN_CHARS = 20
# Pixels in one page image: A3 at 600 dpi is about 70 million; anything larger is no scan.
MAX_PAGE_PIXELS = 80_000_000


def max_pages() -> int:
    return int(getattr(settings, "DIGITIZE_MAX_PAGES", 500))


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def zip_max_files() -> int:
    return int(getattr(settings, "DIGITIZE_ZIP_MAX_FILES", 200))


def zip_max_bytes() -> int:
    return int(getattr(settings, "DIGITIZE_ZIP_MAX_BYTES", 1024 * 1024 * 1024))


# A scan compresses little (it is already JPEG, CCITT or Flate inside); 100:1 is a bomb.
ZIP_MAX_RATIO = 100


def sniff(data: bytes) -> str | None:
    """The content type of `data` by its first bytes, or None."""
    for magic, content_type in SIGNATURES.items():
        if data.startswith(magic):
            return content_type
    return None


@dataclass(frozen=True)
class ScanInfo:
    """What a scan is: its content type, its pages, and whether every page has text already."""

    content_type: str
    pages: int
    has_text: bool = False


def scan_inspect(data: bytes, *, name: str = "") -> ScanInfo:
    """Check a scan by its content; raises `ScanRefused` with the reason. The name only picks
    the hint for a zip archive (a .docx is a zip too, but no scan)."""
    if not data:
        raise ScanRefused("empty")
    if len(data) > max_bytes():
        raise ScanRefused("too_large")
    content_type = sniff(data[:16])
    if content_type == ZIP:
        raise ScanRefused("zip_here" if name.lower().endswith(".zip") else "not_scan")
    if content_type is None:
        raise ScanRefused("not_scan")
    if content_type == PDF:
        return _pdf_inspect(data)
    return _image_inspect(data, content_type)


def _pdf_inspect(data: bytes) -> ScanInfo:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ScanRefused("encrypted")
        pages = len(reader.pages)
        if pages == 0:
            raise ScanRefused("no_pages")
        if pages > max_pages():
            raise ScanRefused("too_many_pages", detail=f"{pages} pages")
        with_text = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            if len("".join(text.split())) < TEXT_LAYER_MIN_CHARS:
                break  # one page without text is enough: the file goes through OCR
            with_text += 1
        return ScanInfo(PDF, pages, has_text=with_text == pages)
    except ScanRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise ScanRefused("bad_pdf", detail=str(exc)[:500]) from exc


def _image_inspect(data: bytes, content_type: str) -> ScanInfo:
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                frames = int(getattr(image, "n_frames", 1))
                if frames > max_pages():
                    raise ScanRefused("too_many_pages", detail=f"{frames} frames")
                if image.width * image.height > MAX_PAGE_PIXELS:
                    raise ScanRefused("too_big_image")
                image.load()  # a truncated or damaged first page fails here
        except ScanRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ScanRefused("too_big_image", detail=str(exc)[:500]) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ScanRefused("bad_image", detail=str(exc)[:500]) from exc
    return ScanInfo(content_type, frames)


# --- Zip archives ---------------------------------------------------------------------------


class ZipRefused(ScanRefused):
    """The archive as a whole is refused."""


@dataclass(frozen=True)
class Member:
    """One file taken out of an archive: its name (without folders) and content."""

    name: str
    data: bytes


def _unsafe_name(name: str) -> bool:
    if not name or "\x00" in name:
        return True
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return True
    return any(part == ".." for part in PurePosixPath(normal).parts)


def _skipped(name: str) -> bool:
    """Folders and the litter of file managers (macOS resource forks, hidden files)."""
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        name.endswith(("/", "\\"))
        or any(part == "__MACOSX" for part in path.parts)
        or path.name.startswith(".")
        or path.name.lower() == "thumbs.db"
    )


def zip_read(data: bytes) -> list[Member]:
    """The files of a zip archive, checked before anything is decompressed.

    Raises `ZipRefused` ("zip_unsafe", "zip_bomb", "zip_too_many", "bad_zip") for the whole
    archive. A zip inside is returned as it is; the caller refuses that file.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ZipRefused("bad_zip", detail=str(exc)[:500]) from exc
    files = []
    total = 0
    for info in infos:
        if _unsafe_name(info.filename):
            raise ZipRefused("zip_unsafe", detail=info.filename[:200])
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):  # made on Unix: the mode is real
            raise ZipRefused("zip_unsafe", detail=f"symlink {info.filename[:200]}")
        if info.is_dir() or _skipped(info.filename):
            continue
        if info.flag_bits & 0x1:
            raise ZipRefused("zip_encrypted", detail=info.filename[:200])
        total += info.file_size
        if info.file_size > max_bytes() or total > zip_max_bytes():
            raise ZipRefused("zip_bomb", detail=f"{info.filename[:200]}: {info.file_size} bytes")
        if info.file_size > 1024 * 1024 and info.file_size > ZIP_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise ZipRefused("zip_bomb", detail=f"{info.filename[:200]}: ratio")
        files.append(info)
        if len(files) > zip_max_files():
            raise ZipRefused("zip_too_many", detail=f"more than {zip_max_files()} files")
    if not files:
        raise ZipRefused("zip_empty")
    members = []
    for info in files:
        try:
            with archive.open(info) as stream:
                # The header's size bounds what zipfile returns; read one byte more to be sure.
                content = stream.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise ZipRefused("bad_zip", detail=f"{info.filename[:200]}: {exc}"[:500]) from exc
        if len(content) > info.file_size:
            raise ZipRefused("zip_bomb", detail=info.filename[:200])
        members.append(Member(PurePosixPath(info.filename.replace("\\", "/")).name, content))
    return members
