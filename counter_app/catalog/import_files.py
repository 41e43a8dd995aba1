"""Open a procedure-list file as sheets of raw rows, whatever its format.

An .xlsx is read by a small streaming reader of its XML parts (the cells' values, nothing
else), an old .xls with python-calamine when it is installed, anything else must decode
as text (utf-8, utf-16 with a BOM or the old Windows Vietnamese cp1258) and is read as
CSV. Every limit comes before the work it bounds: the file's size, the number of zip
parts and their unpacked bytes (a zip's declared sizes are enforced while unpacking, so a
lying header fails as damage), the shared strings' count and text, no DTD in any part.
What the rows mean is ``import_rows``' business.

Every refusal is a ``CatalogueImportError`` whose text names the file, the part or the
row and cell, and the reason in Vietnamese; what a library said goes to the log only.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from counter_app.domain.text import fold
from counter_app.i18n import tr

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024  # the whole national list is under 1 MB
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024  # all parts together, as unpacked
MAX_PARTS = 1000  # a workbook of a list has a dozen
MAX_SHARED_STRINGS = 500_000
MAX_SHARED_CHARS = 16_000_000
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)
PORTAL_SHEET = "Danh sách TTHC"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
# A formula an import must never carry into a later export: "=" after any spaces, or the
# CSV-injection forms "+cmd|…", "-2+cmd|…", "@SUM(…)".
_FORMULA_SIGIL = re.compile(r"^[\s\u00a0\u3000]*=|^[\s\u00a0\u3000]*[+\-@].*[(|!]")

# (1-based row number, cell values, which cells hold a formula)
RawRow = tuple[int, list[object], list[bool]]
Sheet = tuple[str, Iterator[RawRow]]


class CatalogueImportError(Exception):
    """A file that cannot be imported; ``str(e)`` is the message for the user."""


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and bool(_FORMULA_SIGIL.match(value))


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


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return tr("the file was not found")
    if isinstance(exc, PermissionError):
        return tr("permission denied, or the file is open in another program")
    return tr("the disk could not read it")


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        log.warning("cannot open %s: %s", path, exc)
        raise CatalogueImportError(
            tr("The file {name} cannot be opened: {error}").format(
                name=path.name, error=_os_reason(exc)
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


def _damaged(path: Path, where: str) -> CatalogueImportError:
    return CatalogueImportError(
        tr(
            "The file {name} is damaged ({where}) and cannot be read. Open it in Excel, save "
            "it again as .xlsx, or ask for a new copy."
        ).format(name=path.name, where=where)
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


# -- CSV ----------------------------------------------------------------------------------


def _csv_sheets(path: Path, encoding: str) -> Iterator[Sheet]:
    with open(path, encoding=encoding, newline="") as f:
        sample = f.read(16_384)
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)  # type: ignore[arg-type]

    def rows() -> Iterator[RawRow]:
        with open(path, encoding=encoding, newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            number = 0
            try:
                for number, values in enumerate(reader, start=1):
                    yield number, list(values), [looks_like_formula(v) for v in values]
            except csv.Error as exc:
                log.warning("csv error in %s at row %s: %s", path, number + 1, exc)
                raise CatalogueImportError(
                    tr(
                        "The file {name} is not a readable CSV list: row {row} is malformed "
                        "(a cell far too long, or quotes that do not close)."
                    ).format(name=path.name, row=number + 1)
                ) from exc

    yield path.stem, rows()


# -- xlsx ---------------------------------------------------------------------------------


class _Part:
    """One zip part, opened for streaming; a damaged stream becomes a message."""

    def __init__(self, path: Path, archive: zipfile.ZipFile, name: str):
        self.path, self.archive, self.name = path, archive, name

    def open(self) -> IO[bytes]:
        try:
            stream = self.archive.open(self.name)
        except KeyError as exc:
            raise _damaged(self.path, tr("part {part} is missing").format(part=self.name)) from exc
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            log.warning("cannot open part %s of %s: %s", self.name, self.path, exc)
            raise _damaged(self.path, tr("part {part}").format(part=self.name)) from exc
        return stream

    def events(self, wanted: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Any]]:
        """ElementTree events over the part; XML or zip errors become "damaged", and so
        does any DTD (entity definitions have no place in a spreadsheet)."""
        stream = self.open()
        try:
            head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise _damaged(self.path, tr("part {part}").format(part=self.name))
            yield from ElementTree.iterparse(stream, events=wanted)  # type: ignore[arg-type]
        except (ElementTree.ParseError, zipfile.BadZipFile, EOFError, OSError) as exc:
            log.warning("part %s of %s unreadable: %s", self.name, self.path, exc)
            raise _damaged(self.path, tr("part {part}").format(part=self.name)) from exc
        finally:
            stream.close()


def _check_package(path: Path) -> zipfile.ZipFile:
    """An .xlsx is a zip: refuse a broken one, too many parts or a zip bomb (by the
    declared sizes, which unpacking enforces) before anything is parsed."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        log.warning("not a zip: %s (%s)", path, exc)
        raise _not_a_spreadsheet(path) from exc
    infos = archive.infolist()
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        archive.close()
        raise _not_a_spreadsheet(path)
    if len(infos) > MAX_PARTS:
        archive.close()
        raise CatalogueImportError(
            tr(
                "The file {name} has too many parts ({n}) for a procedure list; it is not a "
                "list exported from the portal."
            ).format(name=path.name, n=len(infos))
        )
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
        archive.close()
        raise CatalogueImportError(
            tr(
                "The file {name} unpacks to more than {mb} MB, too large for a procedure list."
            ).format(name=path.name, mb=MAX_UNCOMPRESSED_BYTES // 1024 // 1024)
        )
    return archive


def _xlsx_sheets(path: Path) -> Iterator[Sheet]:
    archive = _check_package(path)
    try:
        sheets, shared_part = _workbook(path, archive)
        shared = _shared_strings(path, archive, shared_part) if shared_part else None
        portal = [s for s in sheets if fold(s[0]) == fold(PORTAL_SHEET)]
        for title, part in portal + [s for s in sheets if s not in portal]:
            yield title, _xlsx_rows(path, _Part(path, archive, part), shared)
    finally:
        archive.close()


def _resolve(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in ("xl/" + target).split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _workbook(path: Path, archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], str | None]:
    """[(sheet title, part name)] in workbook order, and the shared-strings part."""
    targets: dict[str, str] = {}
    shared = None
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        for _, elem in _Part(path, archive, "xl/_rels/workbook.xml.rels").events():
            if elem.tag == f"{_PKG}Relationship":
                target = _resolve(elem.get("Target", ""))
                targets[elem.get("Id", "")] = target
                if elem.get("Type", "").endswith("/sharedStrings"):
                    shared = target
    if shared is None and "xl/sharedStrings.xml" in archive.namelist():
        shared = "xl/sharedStrings.xml"
    sheets: list[tuple[str, str]] = []
    for _, elem in _Part(path, archive, "xl/workbook.xml").events():
        if elem.tag == f"{_MAIN}sheet":
            rid = elem.get(f"{_REL}id", "")
            part = targets.get(rid) or f"xl/worksheets/sheet{len(sheets) + 1}.xml"
            sheets.append((elem.get("name", ""), part))
    return sheets, shared


def _text_of(elem: Any) -> str:
    """The text of a string item: its <t> runs, without phonetic guides (<rPh>)."""
    pieces = []
    for child in elem:
        if child.tag == f"{_MAIN}t":
            pieces.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            pieces.extend(t.text or "" for t in child if t.tag == f"{_MAIN}t")
    return "".join(pieces)


def _shared_strings(path: Path, archive: zipfile.ZipFile, part: str) -> list[str]:
    if part not in archive.namelist():
        return []
    strings: list[str] = []
    chars = 0
    for _, elem in _Part(path, archive, part).events():
        if elem.tag != f"{_MAIN}si":
            continue
        text = _text_of(elem)
        elem.clear()
        strings.append(text)
        chars += len(text)
        if len(strings) > MAX_SHARED_STRINGS or chars > MAX_SHARED_CHARS:
            raise CatalogueImportError(
                tr(
                    "The file {name} holds far too many texts for a procedure list (part "
                    "{part}); it is not a list exported from the portal."
                ).format(name=path.name, part=part)
            )
    return strings


def _column(ref: str | None, fallback: int, path: Path, row: int) -> int:
    if ref is None:
        return fallback
    m = _REF.match(ref)
    index = 0
    if m:
        for ch in m.group(1):
            index = index * 26 + ord(ch) - 64
    if not m or not 1 <= index <= MAX_COLUMNS:
        raise _damaged(path, tr("row {row}, cell reference {ref}").format(row=row, ref=ref[:20]))
    return index - 1


def _xlsx_rows(path: Path, part: _Part, shared: list[str] | None) -> Iterator[RawRow]:
    """Rows as (number, values, formulas), streamed; each element freed once read."""
    number = 0
    sheet_data = None
    for event, elem in part.events(("start", "end")):
        if event == "start":
            if elem.tag == f"{_MAIN}sheetData":
                sheet_data = elem
            continue
        if elem.tag != f"{_MAIN}row":
            continue
        try:
            number = int(elem.get("r") or number + 1)
        except ValueError:
            raise _damaged(path, tr("row after {row}").format(row=number)) from None
        values: list[object] = []
        formulas: list[bool] = []
        for c in elem:
            if c.tag != f"{_MAIN}c":
                continue
            index = _column(c.get("r"), len(values), path, number)
            value, formula = _cell_value(c, shared, path, number)
            if index >= len(values):
                values.extend([None] * (index - len(values) + 1))
                formulas.extend([False] * (index - len(formulas) + 1))
            values[index] = value
            formulas[index] = formula or looks_like_formula(value)
        if sheet_data is not None:
            sheet_data.clear()
        else:
            elem.clear()
        yield number, values, formulas


def _cell_value(c: Any, shared: list[str] | None, path: Path, row: int) -> tuple[object, bool]:
    kind = c.get("t", "n")
    ref = c.get("r") or "?"
    v = c.find(f"{_MAIN}v")
    formula = c.find(f"{_MAIN}f") is not None
    raw = v.text if v is not None and v.text is not None else None
    if formula:  # refused anyway: its cached result, as text, is enough
        return raw or "", True
    if kind == "inlineStr":
        box = c.find(f"{_MAIN}is")
        return (_text_of(box) if box is not None else ""), formula
    if raw is None:
        return None, formula
    if kind == "s":
        try:
            if shared is None:
                raise IndexError
            return shared[int(raw)], formula
        except (IndexError, ValueError):
            raise _damaged(
                path,
                tr("row {row}, cell {cell}: a text the file does not contain").format(
                    row=row, cell=ref
                ),
            ) from None
    if kind in ("str", "e"):
        return raw, formula
    if kind == "b":
        return raw.strip() in ("1", "true"), formula
    if kind == "d":
        try:
            return datetime.fromisoformat(raw.strip()), formula
        except ValueError:
            raise CatalogueImportError(
                tr(
                    "The file {name} cannot be read: row {row}, cell {cell} is marked as a "
                    "date but holds no date that can be read. Fix the cell in Excel and "
                    "import again."
                ).format(name=path.name, row=row, cell=ref)
            ) from None
    text = raw.strip()
    try:
        return (int(text) if _INTEGER.match(text) else float(text)), formula
    except ValueError:
        raise CatalogueImportError(
            tr(
                "The file {name} cannot be read: row {row}, cell {cell} is marked as a number "
                "but holds text. Fix the cell in Excel (format it as text) and import again."
            ).format(name=path.name, row=row, cell=ref)
        ) from None


# -- old Excel ----------------------------------------------------------------------------


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
        log.warning("calamine cannot read %s: %s", path, exc)
        raise _not_a_spreadsheet(path) from exc
    for title in wb.sheet_names:

        def rows(title: str = title) -> Iterator[RawRow]:
            try:
                data = wb.get_sheet_by_name(title).to_python(skip_empty_area=False)
            except Exception as exc:
                log.warning("calamine cannot read sheet %s of %s: %s", title, path, exc)
                raise _damaged(path, tr("sheet {sheet}").format(sheet=title)) from exc
            for number, values in enumerate(data, start=1):
                yield number, list(values), [looks_like_formula(v) for v in values]

        yield title, rows()
