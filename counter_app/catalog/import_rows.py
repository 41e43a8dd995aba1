"""Read a procedure list's rows: find the header, clean the cells, keep or reject each row.

The portal's "Xuất Excel" puts a merged title block above the header row, uses headings
like "Mã số | Tên | Lĩnh vực", and leaves line breaks and trailing spaces in cells;
provincial lists use other headings and local code suffixes (1.012753.H19). A row that
cannot be used is reported with its row number; a file that cannot be used at all
raises ``CatalogueImportError`` whose text is the Vietnamese message for the user.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.catalog.import_files import CatalogueImportError, RawRow, Sheet, open_sheets
from counter_app.domain.text import fold, nfc
from counter_app.i18n import tr

MAX_ROWS = 60_000
MAX_CELL_CHARS = 2_000
MAX_TOTAL_CHARS = 8_000_000  # text kept from one file (the national list: ~150,000)
HEADER_SEARCH_ROWS = 30

_CODE = re.compile(r"^([0-9]{1,2})\.([0-9]{6,9})((?:\.[0-9A-Za-z]+)*)$", re.ASCII)
_SPACES = re.compile(r"\s+")
# Terminal escape sequences (a name must never colour or move the officer's console).
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|\x9b[0-?]*[ -/]*[@-~]"
)
# Invisible characters dropped from every cell: zero-width spaces and joiners, the BOM,
# the soft hyphen, the word joiner.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
# Direction controls make a name display reversed or reordered: such a row is refused.
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


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
class ParsedFile:
    rows: list[ImportRow]
    rejected: list[Rejected]
    repeated: int
    header_row: int
    sheet: str
    columns: dict[str, int]


# -- cells and headings --------------------------------------------------------------------
def clean_text(value: object) -> str:
    """One line of NFC text: line breaks, tabs, non-breaking and repeated spaces collapsed;
    escape sequences, control and zero-width characters removed."""
    if value is None:
        return ""
    text = str(value).translate(_TO_SPACE)
    if not text.isprintable():  # the rare cell with hidden characters: the slow way
        text = _ANSI.sub("", text).translate(_INVISIBLE)
        text = "".join(ch for ch in text if not _hidden(ch))
    return nfc(_SPACES.sub(" ", text))


_TO_SPACE = dict.fromkeys(map(ord, "\t\n\r\x0b\x0c\x85\xa0\u2028\u2029\u3000"), " ")


def _hidden(ch: str) -> bool:
    """Control, format (zero-width, direction) and surrogate characters."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs")


def has_direction_controls(value: object) -> bool:
    return isinstance(value, str) and any(ch in _BIDI for ch in value)


def ascii_digits(text: str) -> str:
    """Fullwidth forms (１．００１１９３) and every script's decimal digits (Arabic-Indic,
    Devanagari…) as ASCII. Other look-alikes (superscripts, circled digits, letters l and
    O) are left as they are, and the code is then refused."""
    out = []
    for ch in text:
        if "\uff01" <= ch <= "\uff5e":
            ch = chr(ord(ch) - 0xFEE0)
        elif not ch.isascii() and unicodedata.category(ch) == "Nd":
            ch = str(unicodedata.decimal(ch))
        out.append(ch)
    return "".join(out)


def normalise_code(value: object) -> tuple[str, str] | None:
    """(base code, full code) or None when the cell does not hold a procedure code.

    The base code is the first two dot-groups ("1.000110.000.00.00.H01" → "1.000110").
    A number (Excel turned "1.000110" into 1.00011) gets its trailing zeros back.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, float):
        whole, _, frac = repr(value).partition(".")
        text = f"{whole}.{frac.ljust(6, '0')}"
    else:
        text = ascii_digits(re.sub(r"\s+", "", clean_text(value)))
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


def map_header(cells: Sequence[object]) -> dict[str, int]:
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


# -- the file ------------------------------------------------------------------------------
def read_catalogue_file(path: Path | str) -> ParsedFile:
    """Parse ``path`` into rows and rejected rows; raise CatalogueImportError if unusable."""
    path = Path(path)
    return _parse_rows(open_sheets(path), path)


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


def _read_body(
    rows: Iterator[RawRow],
    path: Path,
    sheet: str,
    header_row: int,
    columns: dict[str, int],
) -> ParsedFile:
    body = _Body(path, columns)
    for count, (number, values, formulas) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise CatalogueImportError(
                tr(
                    "The file {name} has more than {n} rows; a procedure list is never that long."
                ).format(name=path.name, n=MAX_ROWS)
            )
        body.note_formulas(number, formulas)
        body.add(number, values)
    body.check()
    return ParsedFile(body.rows, body.rejected, body.repeated, header_row, sheet, columns)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _read_line(
    number: int, values: list[object], columns: dict[str, int]
) -> ImportRow | Rejected | None:
    """One row below the header as a procedure, or why it is not one; None if blank."""

    def cell(column: str) -> object:
        index = columns.get(column)
        return values[index] if index is not None and index < len(values) else None

    raw_code, raw_name = cell("code"), clean_text(cell("name"))
    code_text = clean_text(raw_code)
    if not code_text and not raw_name:
        return None  # blank line
    if any(has_direction_controls(cell(c)) for c in ("code", "name", "field", "level")):
        return Rejected(
            number,
            tr(
                "the row holds hidden direction-control characters (its text would show "
                "reversed); retype it"
            ),
            raw_name[:80],
        )
    codes = normalise_code(raw_code)
    if codes is None:
        return Rejected(
            number,
            tr('"{code}" is not a procedure code (such as 1.001193)').format(code=code_text[:40])
            if code_text
            else tr("no procedure code"),
            raw_name[:80],
        )
    if not raw_name:
        return Rejected(number, tr("code {code} has no name").format(code=codes[0]), code_text)
    texts = [raw_name] + [clean_text(cell(c)) for c in ("field", "level", "online_level")]
    if any(len(t) > MAX_CELL_CHARS for t in texts):
        return Rejected(
            number, tr("a cell is longer than {n} characters").format(n=MAX_CELL_CHARS), codes[0]
        )
    return ImportRow(
        number, codes[0], codes[1], texts[0], texts[1], texts[2], normalise_online_level(texts[3])
    )


@dataclass
class _Body:
    """The rows below the header as they are read; whole-file problems wait for ``check``."""

    path: Path
    columns: dict[str, int]
    rows: list[ImportRow] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    repeated: int = 0
    seen: dict[str, ImportRow] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    formula_cells: list[str] = field(default_factory=list)
    chars: int = 0

    def note_formulas(self, number: int, formulas: list[bool]) -> None:
        """Remember (the first five) formula cells: the file is refused at the end."""
        for index in self.columns.values():
            if index < len(formulas) and formulas[index] and len(self.formula_cells) < 5:
                self.formula_cells.append(f"{_column_letter(index)}{number}")

    def add(self, number: int, values: list[object]) -> None:
        if self.formula_cells:
            return  # the file is refused in ``check``: only more formula cells matter now
        line = _read_line(number, values, self.columns)
        if line is None:
            return  # a blank line
        if isinstance(line, Rejected):
            self.rejected.append(line)
            return
        previous = self.seen.get(line.code)
        if previous is None:
            self.chars += len(line.name) + len(line.field) + len(line.level) + len(line.full_code)
            if self.chars > MAX_TOTAL_CHARS:
                raise CatalogueImportError(
                    tr(
                        "The file {name} holds far too much text for a procedure list; it is "
                        "not a list exported from the portal."
                    ).format(name=self.path.name)
                )
            self.seen[line.code] = line
            self.rows.append(line)
        elif fold(previous.name) == fold(line.name):
            self.repeated += 1
        elif len(self.conflicts) < 5:
            self.conflicts.append(
                tr('code {code} on row {first} ("{a}") and row {second} ("{b}")').format(
                    code=line.code,
                    first=previous.row,
                    a=previous.name[:60],
                    second=number,
                    b=line.name[:60],
                )
            )

    def check(self) -> None:
        """Raise for what makes the whole file unusable: formulas, conflicts, no rows."""
        name = self.path.name
        if self.formula_cells:
            raise CatalogueImportError(
                tr(
                    "The file {name} has formulas in cells ({cells}). Copy the list and paste it "
                    "as values (Paste Special → Values), save, and import it again."
                ).format(name=name, cells=", ".join(self.formula_cells))
            )
        if self.conflicts:
            raise CatalogueImportError(
                tr(
                    "The file {name} gives the same code two different names; fix the file and "
                    "import it again: {conflicts}"
                ).format(name=name, conflicts="; ".join(self.conflicts))
            )
        if self.rows:
            return
        if self.rejected:
            first = self.rejected[0]
            raise CatalogueImportError(
                tr(
                    "No row of {name} could be read as a procedure (first problem: row {row}, "
                    "{reason})."
                ).format(name=name, row=first.row, reason=first.reason)
            )
        raise CatalogueImportError(
            tr("The file {name} has a header but no procedures below it.").format(name=name)
        )
