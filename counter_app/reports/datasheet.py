"""The machine-readable data sheet: what consolidation reads back from any office's file.

Layout (one record per row, the first cell says what the row is):

    COUNTER_APP_REPORT_DATA | <format version> | warning text
    M  | key | value                         meta: period, office, previous-period totals
    #L | kind | code | label | sort_order | active           header of lookup rows
    L  | ...
    #O | code | name                                         offices of the sessions
    O  | ...
    #C | code | name | field | online_level                  procedures of the sessions
    C  | ...
    #S | uuid | office_code | ... (SESSION_COLUMNS)          header of session rows
    S  | ...
    #P | session_uuid | ... (PROCEDURE_COLUMNS)              header of procedure rows
    P  | ...
    END | <sessions> | <procedures>                          proof the sheet is complete

Labels, never ids, so files of different offices merge; lists are JSON arrays; times are
ISO text. Columns are found by their header name, so a later version may add columns
without breaking older readers; a change that would mislead them raises FORMAT_VERSION.
No personal data (citizen name, phone, ID number) is ever written.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from counter_app.reports.aggregate import Totals
from counter_app.reports.period import Period
from counter_app.reports.records import LookupOrder, LookupRec, OfficeInfo, ProcRec, SessionRec

MARKER = "COUNTER_APP_REPORT_DATA"
FORMAT_VERSION = 1
WARNING = "Dữ liệu để tổng hợp báo cáo nhiều đơn vị (counter_app). Không sửa trang này."
LOOKUP_COLUMNS = ("kind", "code", "label", "sort_order", "active")
OFFICE_COLUMNS = ("code", "name")
CATALOGUE_COLUMNS = ("code", "name", "field", "online_level")
SESSION_COLUMNS = (
    "uuid",
    "office_code",
    "started_at",
    "minutes",
    "officer",
    "counter",
    "channel",
    "portal",
    "applicant_code",
    "applicant_type",
    "elderly",
    "ethnic_minority",
    "disability",
    "self_reliance",
    "satisfaction",
    "help_types",
    "note",
)
PROCEDURE_COLUMNS = (
    "session_uuid",
    "position",
    "code",
    "outcome_code",
    "outcome",
    "barriers",
    "dossier_code",
)


class DataSheetError(ValueError):
    """Why a file cannot be consolidated; ``kind`` is foreign/newer/corrupt/truncated."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass
class DataFile:
    path: Path
    version: int
    period: Period
    office: OfficeInfo
    prev_totals: Totals | None
    consolidated: bool
    lookups: list[LookupRec] = field(default_factory=list)
    sessions: list[SessionRec] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def data_rows(
    period: Period,
    office: OfficeInfo,
    sessions: list[SessionRec],
    lookups: LookupOrder,
    prev_totals: Totals | None,
    *,
    consolidated: bool,
    app_version: str,
    generated_at: datetime,
) -> Iterator[list]:
    """Every row of the data sheet, in order."""
    yield [MARKER, FORMAT_VERSION, WARNING]
    meta = {
        "app_version": app_version,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "period": period.to_text(),
        "office_code": office.code,
        "office_name": office.name,
        "province": office.province,
        "parent_body": office.parent_body,
        "consolidated": "1" if consolidated else "0",
    }
    if prev_totals is not None:
        meta["prev_totals"] = json.dumps(prev_totals.as_dict())
    for key, value in meta.items():
        yield ["M", key, value]
    yield ["#L", *LOOKUP_COLUMNS]
    for r in lookups.records():
        yield ["L", r.kind, r.code, r.label, r.sort_order, int(r.active)]
    offices: dict[str, str] = {}
    catalogue: dict[str, tuple[str, str, str]] = {}
    for s in sessions:
        if s.office_code not in offices:
            offices[s.office_code] = s.office_name
        for p in s.procedures:
            if p.code not in catalogue:
                catalogue[p.code] = (p.name, p.field, p.online_level)
    yield ["#O", *OFFICE_COLUMNS]
    for code, name in offices.items():
        yield ["O", code, name]
    yield ["#C", *CATALOGUE_COLUMNS]
    for code, (name, fld, online) in catalogue.items():
        yield ["C", code, name, fld, online]
    yield ["#S", *SESSION_COLUMNS]
    n_proc = 0
    for s in sessions:
        yield [
            "S",
            s.uuid,
            s.office_code,
            s.started_at.isoformat(timespec="seconds"),
            s.minutes,
            s.officer,
            s.counter,
            s.channel,
            s.portal,
            s.applicant_code,
            s.applicant_type,
            s.elderly,
            s.ethnic_minority,
            s.disability,
            s.self_reliance,
            s.satisfaction,
            json.dumps(list(s.help_types), ensure_ascii=False) if s.help_types else "",
            s.note,
        ]
        n_proc += len(s.procedures)
    yield ["#P", *PROCEDURE_COLUMNS]
    for s in sessions:
        for p in s.procedures:
            yield [
                "P",
                s.uuid,
                p.position,
                p.code,
                p.outcome_code,
                p.outcome,
                json.dumps(list(p.barriers), ensure_ascii=False) if p.barriers else "",
                p.dossier_code,
            ]
    yield ["END", len(sessions), n_proc]


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


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
            return _parse(path, sheet_rows(zf, sheet_name))
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
            _part(r.get("Target"))
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
    with zf.open(_part(targets[rid])) as stream:
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


def _labels(text: str) -> list[str]:
    """A JSON list of labels; anything else (a number, an object, nulls) is damage that
    would otherwise surface later as a crash while sorting mixed types."""
    values = json.loads(text or "[]")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DataSheetError("corrupt", "a list of labels")
    return values


def _parse(path: Path, rows) -> DataFile:
    first = next(rows, None)
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
    meta: dict[str, str] = {}
    lookups: list[LookupRec] = []
    sessions: dict[str, SessionRec] = {}
    order: list[SessionRec] = []
    idx: dict[str, dict[str, int]] = {}
    offices: dict[str, str] = {}
    catalogue: dict[str, tuple[str, str, str]] = {}
    pool: dict = {}
    share = pool.setdefault
    end = None
    n_proc = 0
    fromiso = datetime.fromisoformat
    for row in rows:
        if not row or row[0] is None:
            continue
        tag = row[0]
        if tag == "S":
            c = idx["S"]

            def val(name: str, c=c, row=row) -> str:
                return _text(row[c[name]]) if c.get(name, 10**6) < len(row) else ""

            def sv(name: str, val=val) -> str:
                v = val(name)
                return share(v, v)

            office_code = sv("office_code")
            s = SessionRec(
                uuid=val("uuid"),
                office_code=office_code,
                office_name=sv("office_name") or offices.get(office_code, ""),
                started_at=fromiso(val("started_at")),
                minutes=int(float(val("minutes"))),
                officer=sv("officer"),
                counter=sv("counter"),
                channel=sv("channel"),
                portal=sv("portal"),
                applicant_code=sv("applicant_code"),
                applicant_type=sv("applicant_type"),
                elderly=sv("elderly") or "unknown",
                ethnic_minority=sv("ethnic_minority") or "unknown",
                disability=sv("disability") or "unknown",
                self_reliance=sv("self_reliance"),
                satisfaction=sv("satisfaction"),
                help_types=tuple(share(h, h) for h in _labels(val("help_types"))),
                note=val("note"),
            )
            if not s.uuid:
                raise DataSheetError("corrupt", "session without uuid")
            if s.uuid in sessions:
                raise DataSheetError("corrupt", "the same session uuid twice")
            if s.started_at.tzinfo is not None or not 0 <= s.minutes <= 24 * 60:
                raise DataSheetError("corrupt", "session time or duration")
            sessions[s.uuid] = s
            order.append(s)
        elif tag == "P":
            c = idx["P"]

            def val(name: str, c=c, row=row) -> str:
                return _text(row[c[name]]) if c.get(name, 10**6) < len(row) else ""

            owner = sessions.get(val("session_uuid"))
            if owner is None:
                raise DataSheetError("corrupt", "procedure of an unknown session")
            code = val("code")
            name, fld, online = catalogue.get(code, ("", "", ""))
            outcome_code, outcome = val("outcome_code"), val("outcome")
            owner.procedures.append(
                ProcRec(
                    code=share(code, code),
                    name=val("name") or name,
                    field=val("field") or fld,
                    online_level=val("online_level") or online,
                    outcome_code=share(outcome_code, outcome_code),
                    outcome=share(outcome, outcome),
                    barriers=tuple(share(b, b) for b in _labels(val("barriers"))),
                    dossier_code=val("dossier_code"),
                    position=int(float(val("position") or 0)),
                )
            )
            n_proc += 1
        elif tag == "L":
            c = idx["L"]
            lookups.append(
                LookupRec(
                    _text(row[c["kind"]]),
                    _text(row[c["code"]]),
                    _text(row[c["label"]]),
                    int(float(row[c["sort_order"]])),
                    bool(int(float(row[c["active"]]))),
                )
            )
        elif tag == "O":
            offices[_text(row[1])] = _text(row[2]) if len(row) > 2 else ""
        elif tag == "C":
            c = idx["C"]
            cells = [
                _text(row[c[k]]) if c.get(k, 10**6) < len(row) else "" for k in CATALOGUE_COLUMNS
            ]
            catalogue[cells[0]] = (
                share(cells[1], cells[1]),
                share(cells[2], cells[2]),
                share(cells[3], cells[3]),
            )
        elif tag == "M":
            meta[_text(row[1])] = _text(row[2]) if len(row) > 2 else ""
        elif isinstance(tag, str) and tag.startswith("#"):
            idx[tag[1:]] = {_text(name): i for i, name in enumerate(row) if name}
        elif tag == "END":
            end = (int(float(row[1])), int(float(row[2])))
    if end is None or end != (len(order), n_proc):
        raise DataSheetError("truncated")
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
    return DataFile(
        path, version, period, office, prev, meta.get("consolidated") == "1", lookups, order, meta
    )
