"""Import a published procedure list (.xlsx or .csv): read, preview, apply.

The portal's "Xuất Excel" puts a merged title block above the header row, uses headings
like "Mã số | Tên | Lĩnh vực", and leaves line breaks and trailing spaces in cells;
provincial lists use other headings and local code suffixes (1.012753.H19). Reading is
streamed (openpyxl read_only / csv) with hard caps, so a huge or hostile file costs
bounded memory. A bad file raises ``CatalogueImportError`` whose text is the Vietnamese
message for the user; nothing is written until ``apply_import``, which is one
transaction and never deletes a procedure.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.domain.text import fold, nfc
from counter_app.i18n import tr
from counter_app.services.audit import write_audit
from counter_app.storage.database import Store

MAX_FILE_BYTES = 20 * 1024 * 1024  # the whole national list is under 1 MB
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a zip bomb is refused before parsing
MAX_ROWS = 60_000
MAX_CELL_CHARS = 2_000
HEADER_SEARCH_ROWS = 30
PORTAL_SHEET = "Danh sách TTHC"

_CODE = re.compile(r"^(\d{1,2})\.(\d{6,9})((?:\.[0-9A-Za-z]+)*)$")
_SPACES = re.compile(r"\s+")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


class CatalogueImportError(Exception):
    """A file that cannot be imported; ``str(e)`` is the message for the user."""


@dataclass
class ImportRow:
    row: int  # 1-based row number in the file, as Excel shows it
    code: str
    full_code: str
    name: str
    field: str = ""
    level: str = ""
    online_level: str = ""


@dataclass
class Rejected:
    row: int
    reason: str
    text: str = ""


@dataclass
class Change:
    row: ImportRow
    before: dict[str, str]  # only the columns that change, old values
    restored: bool = False


@dataclass
class ParsedFile:
    rows: list[ImportRow]
    rejected: list[Rejected]
    repeated: int
    header_row: int
    sheet: str
    columns: dict[str, int]


@dataclass
class ImportPreview:
    """What applying the file would do: shown to the user before anything changes."""

    path: Path
    parsed: ParsedFile
    new: list[ImportRow] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    retired_here: int = 0  # in the file but retired locally (stay retired)
    to_retire: list[str] = field(default_factory=list)
    retire_missing: bool = False

    @property
    def rejected(self) -> list[Rejected]:
        return self.parsed.rejected

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or self.to_retire)

    def summary_lines(self, max_rejected: int = 20) -> list[str]:
        """The preview as Vietnamese lines (CLI output and the GUI preview text)."""
        lines = [
            tr('File: {name} (sheet "{sheet}", header on row {row})').format(
                name=self.path.name, sheet=self.parsed.sheet, row=self.parsed.header_row
            ),
            tr("{n} new procedures").format(n=len(self.new)),
            tr("{n} renamed or changed").format(n=len(self.changed)),
            tr("{n} unchanged").format(n=self.unchanged),
            tr("{n} rows rejected").format(n=len(self.rejected)),
        ]
        if self.parsed.repeated:
            lines.append(
                tr("{n} repeated rows ignored (same code, same name)").format(
                    n=self.parsed.repeated
                )
            )
        if self.retired_here:
            lines.append(
                tr("{n} procedures in the file are retired here and stay retired").format(
                    n=self.retired_here
                )
            )
        if self.retire_missing:
            lines.append(
                tr(
                    "{n} procedures missing from the file will be retired "
                    "(hidden from the picker, kept for history)"
                ).format(n=len(self.to_retire))
            )
        for change in self.changed[:max_rejected]:
            if "name" in change.before:
                lines.append(
                    tr('  changed {code}: "{old}" → "{new}"').format(
                        code=change.row.code, old=change.before["name"], new=change.row.name
                    )
                )
        for bad in self.rejected[:max_rejected]:
            lines.append(tr("  row {row}: {reason}").format(row=bad.row, reason=bad.reason))
        if len(self.rejected) > max_rejected:
            lines.append(
                tr("  … and {n} more rejected rows").format(n=len(self.rejected) - max_rejected)
            )
        return lines


@dataclass
class ImportResult:
    added: int
    changed: int
    retired: int

    def message(self) -> str:
        return tr("Catalogue updated: {added} added, {changed} changed, {retired} retired.").format(
            added=self.added, changed=self.changed, retired=self.retired
        )


# -- reading -------------------------------------------------------------------------------
def clean_text(value: object) -> str:
    """One line of NFC text: line breaks, tabs, non-breaking and repeated spaces collapsed."""
    if value is None:
        return ""
    return nfc(_SPACES.sub(" ", str(value).replace("\xa0", " ")))


def normalise_code(value: object) -> tuple[str, str] | None:
    """(base code, full code) or None when the cell does not hold a procedure code.

    The base code is the first two dot-groups ("1.000110.000.00.00.H01" → "1.000110").
    A number (Excel turned "1.000110" into 1.00011) gets its trailing zeros back.
    """
    if isinstance(value, float):
        whole, _, frac = repr(value).partition(".")
        text = f"{whole}.{frac.ljust(6, '0')}"
    else:
        text = re.sub(r"\s+", "", clean_text(value))
    m = _CODE.match(text)
    if not m:
        return None
    return f"{m.group(1)}.{m.group(2)}", text


def _heading(value: object) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(clean_text(value))))


def column_for_heading(value: object) -> str | None:
    """Which catalogue column a header cell means, tolerant of wording, case, marks."""
    h = _heading(value)
    if not h:
        return None
    words = h.split()
    if h in ("code", "ma", "so hieu") or (
        words[0] == "ma"
        and not any(x in h for x in ("linh vuc", "co quan", "ho so", "don vi", "cap", "nganh"))
    ):
        return "code"
    if h in ("name", "thu tuc", "thu tuc hanh chinh", "tthc", "ten") or (
        words[0] == "ten" and not any(x in h for x in ("linh vuc", "co quan", "don vi"))
    ):
        return "name"
    if ("linh vuc" in h and words[0] != "ma") or h == "field":
        return "field"
    if words[0] == "cap" or h in ("level", "tham quyen giai quyet"):
        return "level"
    if "muc do" in h or "truc tuyen" in h or h in ("online level", "online_level", "dvc"):
        return "online_level"
    return None


def map_header(cells: tuple | list) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = column_for_heading(cell)
        if column and column not in found:
            found[column] = index
    return found


def normalise_online_level(value: str) -> str:
    f = fold(value)
    if "toan trinh" in f or re.search(r"\b4\b", f):
        return "toàn trình"
    if "mot phan" in f or re.search(r"\b3\b", f):
        return "một phần"
    return value


def read_catalogue_file(path: Path | str) -> ParsedFile:
    """Parse ``path`` into rows and rejected rows; raise CatalogueImportError if unusable."""
    path = Path(path)
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
        return _parse_rows(_xls_sheets(path), path)
    if head.startswith(b"PK\x03\x04"):
        return _parse_rows(_xlsx_sheets(path), path)
    encoding = _text_encoding(path)
    if encoding is None:
        raise _not_a_spreadsheet(path)
    return _parse_rows(_csv_sheets(path, encoding), path)


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


Sheet = tuple[str, Iterator[tuple[int, list[object], list[bool]]]]


def _csv_sheets(path: Path, encoding: str) -> Iterator[Sheet]:
    with open(path, encoding=encoding, newline="") as f:
        sample = f.read(16_384)
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)  # type: ignore[arg-type]

    def rows() -> Iterator[tuple[int, list[object], list[bool]]]:
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


def _xlsx_sheets(path: Path) -> Iterator[Sheet]:
    import openpyxl

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

            def rows(ws=ws) -> Iterator[tuple[int, list[object], list[bool]]]:
                # Read without cached results: a formula arrives as its text "=...".
                for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                    yield (
                        number,
                        list(values),
                        [isinstance(v, str) and v.startswith("=") for v in values],
                    )

            yield title, rows()
    finally:
        wb.close()


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

        def rows(title=title) -> Iterator[tuple[int, list[object], list[bool]]]:
            data = wb.get_sheet_by_name(title).to_python(skip_empty_area=False)
            for number, values in enumerate(data, start=1):
                yield number, list(values), [False] * len(values)

        yield title, rows()


def _parse_rows(sheets: Iterator[Sheet], path: Path) -> ParsedFile:
    any_content = False
    for title, rows in sheets:
        header_row = 0
        columns: dict[str, int] = {}
        for number, values, _formulas in rows:
            if any(clean_text(v) for v in values):
                any_content = True
            columns = map_header(values)
            if "code" in columns and "name" in columns:
                header_row = number
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if header_row:
            return _read_body(rows, path, title, header_row, columns)
    if not any_content:
        raise CatalogueImportError(tr("The file {name} is empty.").format(name=path.name))
    raise CatalogueImportError(
        tr(
            "No header row was found in {name}. The list needs a column of procedure codes "
            '("Mã số" or "Mã TTHC") and a column of names ("Tên" or "Tên thủ tục") '
            "within its first {n} rows."
        ).format(name=path.name, n=HEADER_SEARCH_ROWS)
    )


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _read_body(
    rows: Iterator[tuple[int, list[object], list[bool]]],
    path: Path,
    sheet: str,
    header_row: int,
    columns: dict[str, int],
) -> ParsedFile:
    out: list[ImportRow] = []
    rejected: list[Rejected] = []
    seen: dict[str, ImportRow] = {}
    conflicts: list[str] = []
    formula_cells: list[str] = []
    repeated = 0
    count = 0
    for number, values, formulas in rows:
        count += 1
        if count > MAX_ROWS:
            raise CatalogueImportError(
                tr(
                    "The file {name} has more than {n} rows; a procedure list is never that long."
                ).format(name=path.name, n=MAX_ROWS)
            )

        def cell(column: str, values: list[object] = values) -> object:
            index = columns.get(column)
            return values[index] if index is not None and index < len(values) else None

        for index in columns.values():
            if index < len(formulas) and formulas[index] and len(formula_cells) < 5:
                formula_cells.append(f"{_column_letter(index)}{number}")
        raw_code, raw_name = cell("code"), clean_text(cell("name"))
        code_text = clean_text(raw_code)
        if not code_text and not raw_name:
            continue  # blank line
        if formula_cells:
            continue
        codes = normalise_code(raw_code)
        if codes is None:
            rejected.append(
                Rejected(
                    number,
                    tr('"{code}" is not a procedure code (such as 1.001193)').format(
                        code=code_text[:40]
                    )
                    if code_text
                    else tr("no procedure code"),
                    raw_name[:80],
                )
            )
            continue
        if not raw_name:
            rejected.append(
                Rejected(number, tr("code {code} has no name").format(code=codes[0]), code_text)
            )
            continue
        texts = [raw_name] + [clean_text(cell(c)) for c in ("field", "level", "online_level")]
        if any(len(t) > MAX_CELL_CHARS for t in texts):
            rejected.append(
                Rejected(
                    number,
                    tr("a cell is longer than {n} characters").format(n=MAX_CELL_CHARS),
                    codes[0],
                )
            )
            continue
        row = ImportRow(
            number,
            codes[0],
            codes[1],
            texts[0],
            texts[1],
            texts[2],
            normalise_online_level(texts[3]),
        )
        previous = seen.get(row.code)
        if previous is not None:
            if fold(previous.name) == fold(row.name):
                repeated += 1
            elif len(conflicts) < 5:
                conflicts.append(
                    tr('code {code} on row {first} ("{a}") and row {second} ("{b}")').format(
                        code=row.code,
                        first=previous.row,
                        a=previous.name[:60],
                        second=number,
                        b=row.name[:60],
                    )
                )
            continue
        seen[row.code] = row
        out.append(row)
    if formula_cells:
        raise CatalogueImportError(
            tr(
                "The file {name} has formulas in cells ({cells}). Copy the list and paste it as "
                "values (Paste Special → Values), save, and import it again."
            ).format(name=path.name, cells=", ".join(formula_cells))
        )
    if conflicts:
        raise CatalogueImportError(
            tr(
                "The file {name} gives the same code two different names; fix the file and "
                "import it again: {conflicts}"
            ).format(name=path.name, conflicts="; ".join(conflicts))
        )
    if not out:
        if rejected:
            raise CatalogueImportError(
                tr(
                    "No row of {name} could be read as a procedure (first problem: row {row}, "
                    "{reason})."
                ).format(name=path.name, row=rejected[0].row, reason=rejected[0].reason)
            )
        raise CatalogueImportError(
            tr("The file {name} has a header but no procedures below it.").format(name=path.name)
        )
    return ParsedFile(out, rejected, repeated, header_row, sheet, columns)


# -- preview and apply ---------------------------------------------------------------------
_COMPARED = ("name", "field", "level", "online_level", "full_code")


def _current(store: Store) -> dict[str, dict]:
    rows = store.db.execute(
        "SELECT code, full_code, name, field, level, online_level, active FROM procedure"
    ).fetchall()
    keys = ("code", "full_code", "name", "field", "level", "online_level", "active")
    return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}


def _diff(row: ImportRow, existing: dict) -> dict[str, str]:
    """Old values of the columns this row changes; empty cells never erase data."""
    before: dict[str, str] = {}
    for column in _COMPARED:
        new = getattr(row, column)
        if column == "full_code" and new == row.code:
            continue  # a plain code keeps a known local suffix
        if new and new != existing[column]:
            before[column] = existing[column]
    return before


def build_preview(
    store: Store, parsed: ParsedFile, path: Path, retire_missing: bool = False
) -> ImportPreview:
    current = _current(store)
    preview = ImportPreview(path=path, parsed=parsed, retire_missing=retire_missing)
    for row in parsed.rows:
        existing = current.get(row.code)
        if existing is None:
            preview.new.append(row)
            continue
        if not existing["active"]:
            preview.retired_here += 1
        before = _diff(row, existing)
        if before:
            preview.changed.append(Change(row, before))
        else:
            preview.unchanged += 1
    if retire_missing:
        in_file = {r.code for r in parsed.rows}
        preview.to_retire = sorted(
            c for c, e in current.items() if e["active"] and c not in in_file
        )
    return preview


def preview_import(store: Store, path: Path | str, retire_missing: bool = False) -> ImportPreview:
    """Read ``path`` and compare it with the catalogue; writes nothing."""
    path = Path(path)
    return build_preview(store, read_catalogue_file(path), path, retire_missing)


def apply_import(
    store: Store, preview: ImportPreview, officer_id: int | None = None
) -> ImportResult:
    """Apply a preview in one transaction (re-compared inside it); never deletes."""
    with store.transaction() as db:
        fresh = build_preview(store, preview.parsed, preview.path, preview.retire_missing)
        db.conn.executemany(
            "INSERT INTO procedure (code, full_code, name, name_folded, field, level,"
            " online_level, active, favourite, source) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 0,"
            " 'import')",
            [
                (r.code, r.full_code, r.name, fold(r.name), r.field, r.level, r.online_level)
                for r in fresh.new
            ],
        )
        for change in fresh.changed:
            r = change.row
            values = {c: getattr(r, c) for c in change.before}
            if "name" in values:
                values["name_folded"] = fold(r.name)
            assignments = ", ".join(f"{c} = ?" for c in values)
            db.execute(
                f"UPDATE procedure SET {assignments}, source = 'import', updated_at = "
                "strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE code = ?",
                [*values.values(), r.code],
            )
        db.conn.executemany(
            "UPDATE procedure SET active = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%S', "
            "'now', 'localtime') WHERE code = ?",
            [(c,) for c in fresh.to_retire],
        )
        result = ImportResult(len(fresh.new), len(fresh.changed), len(fresh.to_retire))
        write_audit(
            db,
            officer_id=officer_id,
            entity="catalogue",
            entity_key=preview.path.name,
            action="import",
            before=None,
            after={
                "added": result.added,
                "changed": result.changed,
                "retired": result.retired,
                "rejected": len(fresh.rejected),
            },
        )
    return result
