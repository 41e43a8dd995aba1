"""Reading a data sheet back (consolidation): the package checks, a fast reader of one
sheet's XML, and a parser with one small function per row tag (M, L, O, C, S, P, END;
"#" rows name the columns of the rows that follow). The layout: ``reports.datasheet``.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.reports.aggregate import Totals
from counter_app.reports.datasheet import (
    CATALOGUE_COLUMNS,
    FORMAT_VERSION,
    MARKER,
    DataFile,
    DataSheetError,
)
from counter_app.reports.period import Period
from counter_app.reports.records import LookupRec, OfficeInfo, ProcRec, SessionRec

# What one part of the package may unpack to. A year of one office's data sheet is a few
# tens of MB; a zip bomb declares gigabytes, or packs megabytes a thousand to one.
MAX_PART_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200
RATIO_FROM_BYTES = 16 * 1024 * 1024


def _check_sizes(zf: zipfile.ZipFile) -> None:
    """Refuse a package whose parts would unpack to absurd sizes, before reading any."""
    for info in zf.infolist():
        size = info.file_size
        if size > MAX_PART_BYTES or (
            size > RATIO_FROM_BYTES and size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise DataSheetError("too_large", info.filename)


def read_data_file(path: Path, sheet_name: str) -> DataFile:
    """Parse the data sheet of ``path``; DataSheetError says why a file is unusable."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise DataSheetError("corrupt" if path.suffix.lower() in (".xlsx", ".xlsm") else "foreign")
    try:
        with zipfile.ZipFile(path) as zf:
            _check_sizes(zf)
            return parse(path, sheet_rows(zf, sheet_name))
    except DataSheetError:
        raise
    except Exception as exc:  # a damaged package fails in many ways (zip, XML, values)
        raise DataSheetError("corrupt", str(exc)) from exc


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _part(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _column(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        else:
            break
    return n - 1


def sheet_rows(zf: zipfile.ZipFile, sheet_name: str) -> Iterator[tuple]:
    """Rows of one sheet as value tuples, read straight from the XML.

    About ten times faster than openpyxl's reader, which matters when a supervisor
    consolidates a hundred files. Handles what Excel or LibreOffice write when a file is
    opened and saved again: shared strings, cell references, rich text."""
    import xml.etree.ElementTree as ET

    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise DataSheetError("foreign")
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rid = next(
        (sh.get(_REL) for sh in book.iter(f"{_NS}sheet") if sh.get("name") == sheet_name), None
    )
    if rid is None:
        raise DataSheetError("foreign")
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG}Relationship")}
    shared_part = next(
        (
            _part(r.get("Target") or "")
            for r in rels.iter(f"{_PKG}Relationship")
            if r.get("Type", "").endswith("/sharedStrings")
        ),
        None,
    )
    shared: list[str] = []
    if shared_part and shared_part in names:
        for si in ET.fromstring(zf.read(shared_part)).iter(f"{_NS}si"):
            shared.append(
                "".join(t.text or "" for t in si.iter(f"{_NS}t") if not _in_phonetic(si, t))
            )
    with zf.open(_part(targets[rid] or "")) as stream:
        for _event, row in ET.iterparse(stream):
            if row.tag != f"{_NS}row":
                continue
            values: list = []
            for cell in row:
                if cell.tag != f"{_NS}c":
                    continue
                ref = cell.get("r")
                col = _column(ref) if ref else len(values)
                while len(values) < col:
                    values.append(None)
                values.append(_cell_value(cell, shared))
            row.clear()
            yield tuple(values)


def _in_phonetic(si, t) -> bool:
    return any(t in list(ph.iter()) for ph in si.iter(f"{_NS}rPh"))


def _cell_value(cell, shared: list[str]):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
    v = cell.find(f"{_NS}v")
    if v is None or v.text is None:
        return None
    text = v.text
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text == "1"
    number = float(text)
    return int(number) if number.is_integer() else number


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _labels(text: str) -> list[str]:
    """A JSON list of labels; anything else (a number, an object, nulls) is damage that
    would otherwise surface later as a crash while sorting mixed types."""
    values = json.loads(text or "[]")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DataSheetError("corrupt", "a list of labels")
    return values


def _version(first: tuple | None) -> int:
    """The format version of the marker row; DataSheetError unless this app can read it."""
    if not first or first[0] != MARKER:
        raise DataSheetError("foreign")
    try:
        version = int(first[1])
    except (TypeError, ValueError) as exc:
        raise DataSheetError("foreign") from exc
    if version > FORMAT_VERSION:
        raise DataSheetError("newer", str(version))
    if version < 1:
        raise DataSheetError("foreign")
    return version


class _Sheet:
    """What has been read so far. Text repeated on many rows (officer, label…) is kept
    once (``share``): a year of sessions repeats a few hundred strings."""

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.lookups: list[LookupRec] = []
        self.sessions: dict[str, SessionRec] = {}
        self.order: list[SessionRec] = []
        self.columns: dict[str, dict[str, int]] = {}  # tag → header name → index
        self.offices: dict[str, str] = {}
        self.catalogue: dict[str, tuple[str, str, str]] = {}
        self.end: tuple[int, int] | None = None
        self.n_proc = 0
        self._pool: dict[str, str] = {}

    def share(self, value: str) -> str:
        return self._pool.setdefault(value, value)

    def field(self, tag: str, row: tuple) -> Callable[[str], str]:
        """``get(name)``: the text of column ``name`` of ``row`` ("" when missing)."""
        c = self.columns[tag]

        def get(name: str) -> str:
            return _text(row[c[name]]) if c.get(name, 10**6) < len(row) else ""

        return get


def _meta(sheet: _Sheet, row: tuple) -> None:
    sheet.meta[_text(row[1])] = _text(row[2]) if len(row) > 2 else ""


def _lookup(sheet: _Sheet, row: tuple) -> None:
    c = sheet.columns["L"]
    sheet.lookups.append(
        LookupRec(
            _text(row[c["kind"]]),
            _text(row[c["code"]]),
            _text(row[c["label"]]),
            int(float(row[c["sort_order"]])),
            bool(int(float(row[c["active"]]))),
        )
    )


def _office(sheet: _Sheet, row: tuple) -> None:
    sheet.offices[_text(row[1])] = _text(row[2]) if len(row) > 2 else ""


def _procedure_info(sheet: _Sheet, row: tuple) -> None:
    get = sheet.field("C", row)
    code, name, fld, online = (get(k) for k in CATALOGUE_COLUMNS)
    sheet.catalogue[code] = (sheet.share(name), sheet.share(fld), sheet.share(online))


def _session(sheet: _Sheet, row: tuple) -> None:
    get = sheet.field("S", row)

    def shared(name: str) -> str:
        return sheet.share(get(name))

    office_code = shared("office_code")
    s = SessionRec(
        uuid=get("uuid"),
        office_code=office_code,
        office_name=shared("office_name") or sheet.offices.get(office_code, ""),
        started_at=datetime.fromisoformat(get("started_at")),
        minutes=int(float(get("minutes"))),
        officer=shared("officer"),
        counter=shared("counter"),
        channel=shared("channel"),
        portal=shared("portal"),
        applicant_code=shared("applicant_code"),
        applicant_type=shared("applicant_type"),
        elderly=shared("elderly") or "unknown",
        ethnic_minority=shared("ethnic_minority") or "unknown",
        disability=shared("disability") or "unknown",
        self_reliance=shared("self_reliance"),
        satisfaction=shared("satisfaction"),
        help_types=tuple(sheet.share(h) for h in _labels(get("help_types"))),
        note=get("note"),
    )
    if not s.uuid:
        raise DataSheetError("corrupt", "session without uuid")
    if s.uuid in sheet.sessions:
        raise DataSheetError("corrupt", "the same session uuid twice")
    if s.started_at.tzinfo is not None or not 0 <= s.minutes <= 24 * 60:
        raise DataSheetError("corrupt", "session time or duration")
    sheet.sessions[s.uuid] = s
    sheet.order.append(s)


def _procedure(sheet: _Sheet, row: tuple) -> None:
    get = sheet.field("P", row)
    owner = sheet.sessions.get(get("session_uuid"))
    if owner is None:
        raise DataSheetError("corrupt", "procedure of an unknown session")
    code = get("code")
    name, fld, online = sheet.catalogue.get(code, ("", "", ""))
    owner.procedures.append(
        ProcRec(
            code=sheet.share(code),
            name=get("name") or name,
            field=get("field") or fld,
            online_level=get("online_level") or online,
            outcome_code=sheet.share(get("outcome_code")),
            outcome=sheet.share(get("outcome")),
            barriers=tuple(sheet.share(b) for b in _labels(get("barriers"))),
            dossier_code=get("dossier_code"),
            position=int(float(get("position") or 0)),
        )
    )
    sheet.n_proc += 1


def _end(sheet: _Sheet, row: tuple) -> None:
    sheet.end = (int(float(row[1])), int(float(row[2])))


_ROW_READERS: dict[str, Callable[[_Sheet, tuple], None]] = {
    "M": _meta,
    "L": _lookup,
    "O": _office,
    "C": _procedure_info,
    "S": _session,
    "P": _procedure,
    "END": _end,
}


def parse(path: Path, rows: Iterable[tuple]) -> DataFile:
    """The DataFile of a data sheet's rows; unknown row tags are skipped (a later version
    may add some), a sheet without its END row is truncated."""
    rows = iter(rows)
    version = _version(next(rows, None))
    sheet = _Sheet()
    for row in rows:
        if not row or row[0] is None:
            continue
        tag = row[0]
        if isinstance(tag, str) and tag.startswith("#"):
            sheet.columns[tag[1:]] = {_text(name): i for i, name in enumerate(row) if name}
            continue
        reader = _ROW_READERS.get(tag) if isinstance(tag, str) else None
        if reader is not None:
            reader(sheet, row)
    if sheet.end is None or sheet.end != (len(sheet.order), sheet.n_proc):
        raise DataSheetError("truncated")
    return _data_file(path, version, sheet)


def _data_file(path: Path, version: int, sheet: _Sheet) -> DataFile:
    meta = sheet.meta
    try:
        period = Period.from_text(meta["period"])
    except (KeyError, ValueError) as exc:
        raise DataSheetError("corrupt", "period") from exc
    prev = None
    if meta.get("prev_totals"):
        prev = Totals.from_dict(json.loads(meta["prev_totals"]))
    office = OfficeInfo(
        meta.get("office_code", ""),
        meta.get("office_name", ""),
        meta.get("province", ""),
        meta.get("parent_body", ""),
    )
    consolidated = meta.get("consolidated") == "1"
    return DataFile(
        path, version, period, office, prev, consolidated, sheet.lookups, sheet.order, meta
    )
