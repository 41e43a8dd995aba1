"""Open a procedure-list file as sheets of raw rows, whatever its format.

An .xlsx is streamed (openpyxl read_only), an old .xls is read with python-calamine when
it is installed, anything else must decode as text (utf-8, utf-16 with a BOM or the old
Windows Vietnamese cp1258) and is read as CSV. Size caps and the zip-bomb and password
checks come first, so a huge or hostile file costs bounded memory. What the rows mean is
``import_rows``' business.
"""

from __future__ import annotations

import codecs
import csv
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from counter_app.domain.text import fold
from counter_app.i18n import tr

MAX_FILE_BYTES = 20 * 1024 * 1024  # the whole national list is under 1 MB
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a zip bomb is refused before parsing
PORTAL_SHEET = "Danh sách TTHC"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")

# (1-based row number, cell values, which cells hold a formula)
RawRow = tuple[int, list[object], list[bool]]
Sheet = tuple[str, Iterator[RawRow]]


class CatalogueImportError(Exception):
    """A file that cannot be imported; ``str(e)`` is the message for the user."""


def open_sheets(path: Path) -> Iterator[Sheet]:
    """The sheets of ``path`` (the portal's sheet first); raise if it is no usable list."""
    _check_size(path)
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(_OLE_MAGIC):
        if _contains(path, _ENCRYPTED_MARK):
            raise CatalogueImportError(
                tr(
                    "The file {name} is password-protected. Open it in Excel, remove the "
                    "password (File → Info → Protect Workbook), save it and import it again."
                ).format(name=path.name)
            )
        return _xls_sheets(path)
    if head.startswith(b"PK\x03\x04"):
        return _xlsx_sheets(path)
    encoding = _text_encoding(path)
    if encoding is None:
        raise _not_a_spreadsheet(path)
    return _csv_sheets(path, encoding)


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CatalogueImportError(
            tr("The file {name} cannot be opened: {error}").format(
                name=path.name, error=exc.strerror or exc
            )
        ) from exc
    if size == 0:
        raise CatalogueImportError(tr("The file {name} is empty.").format(name=path.name))
    if size > MAX_FILE_BYTES:
        raise CatalogueImportError(
            tr(
                "The file {name} is {mb} MB, too large for a procedure list (the whole national "
                "list is under 1 MB). Check that it is the right file."
            ).format(name=path.name, mb=round(size / 1024 / 1024))
        )


def _not_a_spreadsheet(path: Path) -> CatalogueImportError:
    return CatalogueImportError(
        tr(
            "The file {name} is not a spreadsheet. Choose an Excel file (.xlsx) or a CSV file "
            "exported from the portal."
        ).format(name=path.name)
    )


def _contains(path: Path, needle: bytes) -> bool:
    tail = b""
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


def _text_encoding(path: Path) -> str | None:
    """utf-8(-sig), utf-16 with BOM, or cp1258 (old Windows Vietnamese); None if binary."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    candidates = ["utf-8-sig", "cp1258"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as f:
                while chunk := f.read(1 << 16):
                    text = decoder.decode(chunk)
                    if "\x00" in text or _binary(text):
                        return None
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def _binary(text: str) -> bool:
    controls = sum(
        1 for ch in text[:4096] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t"
    )
    return controls > 8


def _csv_sheets(path: Path, encoding: str) -> Iterator[Sheet]:
    with open(path, encoding=encoding, newline="") as f:
        sample = f.read(16_384)
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)  # type: ignore[arg-type]

    def rows() -> Iterator[RawRow]:
        with open(path, encoding=encoding, newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            try:
                for number, values in enumerate(reader, start=1):
                    yield number, list(values), [str(v).startswith("=") for v in values]
            except csv.Error as exc:
                raise CatalogueImportError(
                    tr("The file {name} is not a readable CSV list (row {row}): {error}").format(
                        name=path.name, row=reader.line_num, error=exc
                    )
                ) from exc

    yield path.stem, rows()


def _check_package(path: Path) -> None:
    """An .xlsx is a zip: refuse a broken one or a zip bomb before openpyxl unpacks it."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            total = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile as exc:
        raise _not_a_spreadsheet(path) from exc
    if "xl/workbook.xml" not in names:
        raise _not_a_spreadsheet(path)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise CatalogueImportError(
            tr(
                "The file {name} unpacks to more than {mb} MB, too large for a procedure list."
            ).format(name=path.name, mb=MAX_UNCOMPRESSED_BYTES // 1024 // 1024)
        )


def _xlsx_sheets(path: Path) -> Iterator[Sheet]:
    import openpyxl

    _check_package(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken package
        raise CatalogueImportError(
            tr("The file {name} looks like an Excel file but cannot be read: {error}").format(
                name=path.name, error=exc
            )
        ) from exc
    try:
        titles = wb.sheetnames
        portal = [t for t in titles if fold(t) == fold(PORTAL_SHEET)]
        for title in portal + [t for t in titles if t not in portal]:
            ws = wb[title]
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            yield title, _xlsx_rows(ws)
    finally:
        wb.close()


def _xlsx_rows(ws: Any) -> Iterator[RawRow]:
    # Read without cached results: a formula arrives as its text "=...".
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        yield (
            number,
            list(values),
            [isinstance(v, str) and v.startswith("=") for v in values],
        )


def _xls_sheets(path: Path) -> Iterator[Sheet]:
    """Old Excel 97-2003 files, read with python-calamine when it is installed."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:
        raise CatalogueImportError(
            tr(
                "The file {name} is an old Excel 97-2003 file. Open it in Excel and save it as "
                ".xlsx, then import it again."
            ).format(name=path.name)
        ) from exc
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise _not_a_spreadsheet(path) from exc
    for title in wb.sheet_names:

        def rows(title: str = title) -> Iterator[RawRow]:
            data = wb.get_sheet_by_name(title).to_python(skip_empty_area=False)
            for number, values in enumerate(data, start=1):
                yield number, list(values), [False] * len(values)

        yield title, rows()
