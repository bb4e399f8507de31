"""Reading a file of press clippings (CSV or Excel .xlsx) into drafts, row by row.

Analysts keep clippings in spreadsheets with Vietnamese or English headers, so columns are
found by name, ignoring case and diacritics ("Tiêu đề", "TIEU DE" and "title" are the same
column). A row that cannot be read becomes a `RowError` numbered as the spreadsheet shows it
(the header is row 1); the other rows are still imported. The file itself is judged by its
content, never its name: a renamed image, an old .xls or an archive that would unpack to far
more than it weighs is refused as a whole with one `RowError(row=0, ...)`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.core.text import fold, nfc
from vcnet.opinion.models import ItemKind
from vcnet.opinion.types import ImportResult, ItemDraft, RowError

MAX_ROWS = 20_000
TITLE_MAX = 500  # Item.title
URL_MAX = 1000  # Item.url
EXTERNAL_ID_MAX = 300  # Item.external_id
TEXT_MAX = 100_000
# An .xlsx unpacks to this much at most; its parts compress by this ratio at most.
XLSX_MAX_UNPACKED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_MAX_PARTS = 10_000
# A date without a time is taken at noon, Vietnam time, so it falls on the same day in UTC too.
DATE_ONLY_HOUR = 12
EARLIEST_YEAR = 1945

COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("tieu de", "title", "headline"),
    "text": ("noi dung", "text", "tom tat", "content", "summary", "trich dan"),
    "url": ("duong dan", "url", "link", "lien ket"),
    "date": ("ngay", "date", "ngay dang", "ngay dang tai", "thoi gian", "published"),
    "outlet": ("bao", "nguon", "outlet", "source", "co quan bao chi", "ten bao"),
    "province": ("tinh", "tinh thanh", "tinh thanh pho", "province", "dia phuong"),
}
_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
_NON_WORD = re.compile(r"[\W_]+")
_DATE = re.compile(
    r"^(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"|(?P<Y>\d{4})-(?P<M>\d{1,2})-(?P<D>\d{1,2}))"
    r"(?:[ T]+(?P<h>\d{1,2})[:h](?P<i>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?)?$"
)


def max_bytes() -> int:
    return int(getattr(settings, "OPINION_IMPORT_MAX_BYTES", 10 * 1024 * 1024))


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is shown to the user."""


def read_clippings(
    upload: UploadedFile | BinaryIO, filename: str, *, province: str = ""
) -> ImportResult:
    """Drafts from a CSV or .xlsx file of clippings, and the rows that could not be read."""
    try:
        rows = _rows(_read_limited(upload), filename)
        return _drafts(rows, province=province)
    except FileRefused as exc:
        return ImportResult(errors=[RowError(row=0, message=str(exc))])


def _read_limited(upload: UploadedFile | BinaryIO) -> bytes:
    limit = max_bytes()
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(
            _("The file is larger than %(size)s MB.") % {"size": f"{limit / (1024 * 1024):g}"}
        )
    if not data:
        raise FileRefused(_("The file is empty."))
    return data


def _rows(data: bytes, filename: str) -> Iterator[list[Any]]:
    """The rows of the file, the header first, whatever its format."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _("Old Excel files (.xls) cannot be read: save the file as .xlsx or CSV UTF-8.")
        )
    text = _decode(data)
    if _looks_binary(text):
        raise FileRefused(_not_a_table(filename))
    return _csv_rows(text)


def _not_a_table(filename: str) -> str:
    return _("“%(name)s” is not a CSV or Excel (.xlsx) file.") % {"name": filename}


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel's plain "CSV" on a Vietnamese Windows is in the Windows-1258 code page.
        return data.decode("cp1258", errors="replace")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > len(sample) // 100 + 1 or sample.count("\ufffd") > len(sample) // 20 + 1


def _csv_rows(text: str) -> Iterator[list[Any]]:
    text = nfc(text)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused(_("The Excel file is damaged and cannot be opened.")) from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise FileRefused(_("This archive is not an Excel (.xlsx) workbook."))
    unpacked = sum(info.file_size for info in infos)
    if (
        len(infos) > XLSX_MAX_PARTS
        or unpacked > XLSX_MAX_UNPACKED
        or any(
            info.file_size > 1024 * 1024
            and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1)
            for info in infos
        )
    ):
        raise FileRefused(_("The Excel file unpacks to far more data than a table of clippings."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise FileRefused(_("The Excel file is damaged and cannot be opened.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _header_columns(header: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _NON_WORD.sub(" ", fold(str(cell or ""))).strip()
        column = _ALIASES.get(key)
        if column and column not in found:
            found[column] = index
    return found


def _drafts(rows: Iterator[list[Any]], *, province: str) -> ImportResult:
    result = ImportResult()
    header = next(rows, None)
    columns = _header_columns(header or [])
    missing = []
    if "text" not in columns and "title" not in columns:
        missing.append(_("title or text (nội dung)"))
    if "date" not in columns:
        missing.append(_("date (ngày)"))
    if missing:
        message = _("The first row must name the columns; not found: %(columns)s.") % {
            "columns": ", ".join(missing)
        }
        return ImportResult(errors=[RowError(row=1 if header else 0, message=message)])
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            return ImportResult(
                errors=[
                    RowError(
                        row=0,
                        message=_("The file has more than %(rows)s rows; split it into parts.")
                        % {"rows": MAX_ROWS},
                    )
                ]
            )
        if not any(v not in (None, "") for v in row):
            continue
        values = {name: _cell(row, index) for name, index in columns.items()}
        try:
            draft = _draft(values, province=province)
        except ValueError as exc:
            result.errors.append(RowError(row=number, message=str(exc)))
            continue
        if draft.external_id not in seen:
            seen.add(draft.external_id)
            result.drafts.append(draft)
    return result


def _cell(row: list[Any], index: int) -> Any:
    value = row[index] if index < len(row) else None
    return nfc(value.strip()) if isinstance(value, str) else value


def _draft(values: dict[str, Any], *, province: str) -> ItemDraft:
    title = str(values.get("title") or "")
    text = str(values.get("text") or "") or title
    if not text:
        raise ValueError(_("The row has neither a title nor a text."))
    published_at = _date(values.get("date"))
    url = str(values.get("url") or "")
    if url and not re.match(r"^https?://\S+$", url, re.IGNORECASE):
        raise ValueError(
            _("The link “%(url)s” is not a web address (it should start with https://).")
            % {"url": url[:100]}
        )
    outlet = str(values.get("outlet") or "")
    if outlet:
        title = (
            _("%(title)s (%(outlet)s)") % {"title": title, "outlet": outlet} if title else outlet
        )
    if url and len(url) <= EXTERNAL_ID_MAX:
        external_id = url
    else:
        digest = hashlib.sha1(  # noqa: S324 - an id, not a secret
            "\n".join([title, text, published_at.isoformat()]).encode()
        ).hexdigest()
        external_id = "sha1:" + digest
    return ItemDraft(
        external_id=external_id,
        kind=ItemKind.CLIPPING,
        text=text[:TEXT_MAX],
        published_at=published_at,
        title=title[:TITLE_MAX],
        url=url if len(url) <= URL_MAX else "",
        province=str(values.get("province") or "") or province,
    )


def _date(value: Any) -> datetime:
    """An aware datetime from a cell: an Excel date, dd/mm/yyyy, yyyy-mm-dd, with HH:MM or not."""
    tz = timezone.get_default_timezone()
    if value in (None, ""):
        raise ValueError(_("The date is missing."))
    when: datetime
    if isinstance(value, datetime):
        when = value if timezone.is_aware(value) else value.replace(tzinfo=tz)
        if when.time() == time(0) and when.tzinfo is tz:  # a date cell: Excel stores midnight
            when = when.replace(hour=DATE_ONLY_HOUR)
    elif isinstance(value, date):
        when = datetime.combine(value, time(DATE_ONLY_HOUR), tzinfo=tz)
    elif isinstance(value, int | float) and 20_000 < value < 80_000:
        # An Excel date serial in a cell not formatted as a date (days since 1899-12-30).
        serial = datetime(1899, 12, 30, tzinfo=tz) + timedelta(days=float(value))
        when = serial if serial.time() != time(0) else serial.replace(hour=DATE_ONLY_HOUR)
    else:
        when = _parse_date(str(value).strip(), tz)
    now = timezone.now()
    if when > now + timedelta(days=1) or when.year < EARLIEST_YEAR:
        raise ValueError(
            _("The date “%(value)s” is not plausible (in the future or too long ago).")
            % {"value": str(value)[:40]}
        )
    return when


def _parse_date(value: str, tz: Any) -> datetime:
    match = _DATE.match(value)
    invalid = ValueError(
        _("“%(value)s” is not a date: write it as dd/mm/yyyy (or dd/mm/yyyy HH:MM).")
        % {"value": value[:40]}
    )
    if not match:
        raise invalid
    parts = match.groupdict()
    year = int(parts["y"] or parts["Y"])
    month = int(parts["m"] or parts["M"])
    day = int(parts["d"] or parts["D"])
    has_time = parts["h"] is not None
    try:
        return datetime(
            year,
            month,
            day,
            int(parts["h"]) if has_time else DATE_ONLY_HOUR,
            int(parts["i"]) if has_time else 0,
            int(parts["s"] or 0),
            tzinfo=tz,
        )
    except ValueError as exc:
        raise invalid from exc
