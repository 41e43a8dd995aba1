"""Reading a data sheet back (consolidation, the province store): the package checks, a
streaming reader of one sheet's XML with bounded memory, and a parser with one small
function per row tag (M, L, O, C, S, P, V, END; "#" rows name the columns of the rows
that follow). The layout: ``reports.datasheet``.

Bounded for any input: every part is read as a stream through a counter that stops at
``MAX_UNPACKED_BYTES`` in all, the shared strings at ``MAX_SHARED_BYTES``; a single row or
string may not hold more than ``MAX_PENDING_BYTES`` (a 6 MB file whose shared strings
unpack to 900 MB is refused after reading a few MB, in a few MB of memory). A DOCTYPE is
refused outright (no entity can expand).

Every row is checked against the rules of a saved session and the file's own period
(``_check_session``…): a hidden sheet edited by hand — minutes 0 or 1440, a day in 2099
or outside the period, a negative previous total, an empty office code, rows after END —
is refused with the row named.
"""

from __future__ import annotations

import html
import json
import re
import uuid as uuidlib
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from counter_app.domain.models import TriState
from counter_app.domain.validation import CLOCK_SKEW, MAX_MINUTES, MIN_MINUTES, NOTE_MAX
from counter_app.reports.aggregate import Totals
from counter_app.reports.datasheet import (
    CATALOGUE_COLUMNS,
    FORMAT_VERSION,
    MARKER,
    DataFile,
    DataSheetError,
)
from counter_app.reports.period import Period
from counter_app.reports.records import LookupRec, OfficeInfo, ProcRec, SessionRec, Tombstone

# What one package may unpack to, all parts read together. A year of one busy office's
# data sheet is some 60 MB of XML; a zip bomb declares gigabytes or packs them 1000:1.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_SHARED_BYTES = 64 * 1024 * 1024  # shared strings are kept in memory: bounded apart
MAX_PENDING_BYTES = 4 * 1024 * 1024  # one row (or one shared string) as XML, at most
MAX_PART_BYTES = 1024 * 1024 * 1024  # declared sizes refused before reading
MAX_RATIO = 200
RATIO_FROM_BYTES = 16 * 1024 * 1024
CHUNK = 256 * 1024
MAX_CELL_CHARS = 32_767
TRI = {t.value for t in TriState}


def _check_sizes(zf: zipfile.ZipFile) -> None:
    """Refuse a package whose parts declare absurd sizes, before reading any."""
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
    except MemoryError as exc:
        raise DataSheetError("too_large", "memory") from exc
    except Exception as exc:  # a damaged package fails in many ways (zip, XML, values)
        raise DataSheetError("corrupt", str(exc)) from exc


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class _Budget:
    """Bytes unpacked so far from one package, against its caps."""

    def __init__(self) -> None:
        self.total = 0

    def take(self, n: int, part: str) -> None:
        self.total += n
        if self.total > MAX_UNPACKED_BYTES:
            raise DataSheetError("too_large", part)


_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_ROW_END = re.compile(rb"</(?:\w+:)?row>|<(?:\w+:)?row\b[^>]*/>")
_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
_SI_END = re.compile(rb"</(?:\w+:)?si>|<(?:\w+:)?si\b[^>]*/>")
_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(r'\br="([A-Z]{1,3})\d*"')
_TYPE = re.compile(r'\bt="(\w+)"')
_V = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_T = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>", re.S)
_PHONETIC = re.compile(r"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)


def _scan(
    stream: IO[bytes],
    budget: _Budget,
    part: str,
    item: re.Pattern[bytes],
    item_end: re.Pattern[bytes],
    part_cap: int | None = None,
    close: bytes = b"</row>",
) -> Iterator[bytes]:
    """The contents of every ``item`` element (a row, a shared string) of an XML part,
    read in chunks: memory stays that of one element however large the part, and one
    element may not pass ``MAX_PENDING_BYTES``. A regular-expression scanner, not a
    tree: ten times faster than ElementTree's events, and SpreadsheetML's rows and cells
    are regular (prefixed names, self-closed elements and rich text handled)."""
    buffer = b""
    read = 0
    first = True
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        if first:
            head = chunk[:4096].lower()
            if b"<!doctype" in head or b"<!entity" in head or b"<![cdata[" in chunk.lower():
                raise DataSheetError("corrupt", f"{part}: DOCTYPE/CDATA")
            first = False
        budget.take(len(chunk), part)
        read += len(chunk)
        if part_cap is not None and read > part_cap:
            raise DataSheetError("too_large", part)
        buffer += chunk
        cut = buffer.rfind(close)
        if cut >= 0:
            cut += len(close)
        else:  # a prefixed name ("</x:row>") or only self-closed elements so far
            for end in item_end.finditer(buffer):
                cut = end.end()
        if cut < 0:
            if len(buffer) > MAX_PENDING_BYTES:
                raise DataSheetError("too_large", f"{part}: one element over {MAX_PENDING_BYTES}")
            continue
        for m in item.finditer(buffer, 0, cut):
            yield m.group(1) or b""
        buffer = buffer[cut:]
        if len(buffer) > MAX_PENDING_BYTES:
            raise DataSheetError("too_large", f"{part}: one element over {MAX_PENDING_BYTES}")
    for m in item.finditer(buffer):
        yield m.group(1) or b""


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _texts(xml: str) -> str:
    """The text of rich text (``<t>`` runs), phonetic guides left out."""
    if "rPh" in xml:
        xml = _PHONETIC.sub("", xml)
    return _unescape("".join(_T.findall(xml)))


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


def _small_part(zf: zipfile.ZipFile, name: str, budget: _Budget) -> Any:
    """A small part (workbook, relationships) parsed whole, within the budget."""
    import xml.etree.ElementTree as ET

    info = zf.getinfo(name)
    if info.file_size > 8 * 1024 * 1024:
        raise DataSheetError("too_large", name)
    data = zf.read(name)
    budget.take(len(data), name)
    if b"<!DOCTYPE" in data[:4096].upper():
        raise DataSheetError("corrupt", f"{name}: DOCTYPE")
    return ET.fromstring(data)


def _shared_strings(zf: zipfile.ZipFile, part: str, budget: _Budget) -> list[str]:
    shared: list[str] = []
    with zf.open(part) as stream:
        for si in _scan(stream, budget, part, _SI, _SI_END, MAX_SHARED_BYTES, b"</si>"):
            shared.append(_texts(si.decode("utf-8")))
    return shared


def sheet_rows(zf: zipfile.ZipFile, sheet_name: str) -> Iterator[tuple]:
    """Rows of one sheet as value tuples, read straight from the XML as a stream.

    About ten times faster than openpyxl's reader, which matters when a province ingests
    thousands of files. Handles what Excel or LibreOffice write when a file is opened and
    saved again: shared strings, cell references, rich text."""
    budget = _Budget()
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise DataSheetError("foreign")
    book = _small_part(zf, "xl/workbook.xml", budget)
    rid = next(
        (sh.get(_REL) for sh in book.iter(f"{_NS}sheet") if sh.get("name") == sheet_name), None
    )
    if rid is None:
        raise DataSheetError("foreign")
    rels = _small_part(zf, "xl/_rels/workbook.xml.rels", budget)
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
        shared = _shared_strings(zf, shared_part, budget)
    sheet_part = _part(targets.get(rid) or "")
    if sheet_part not in names:
        raise DataSheetError("corrupt", "sheet part missing")
    with zf.open(sheet_part) as stream:
        for row in _scan(stream, budget, sheet_part, _ROW, _ROW_END):
            yield _row_values(row.decode("utf-8"), shared)


# The cells as this app, openpyxl and Excel write them (r, s, t in that order; a value or
# one plain inline string): one pass of one expression per row. Anything else (rich
# text, other attribute orders, prefixes) takes the general path below.
_FAST_CELL = re.compile(
    r'<c(?: r="([A-Z]{1,3})\d+")?(?: s="\d+")?(?: t="(\w+)")?'
    r'(?:/>|></c>|><v>([^<]*)</v></c>|><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>)'
)


def _row_values(xml: str, shared: list[str]) -> tuple:
    cells = _FAST_CELL.findall(xml)
    if len(cells) == xml.count("<c"):
        return _fast_values(cells, shared)
    return _general_values(xml, shared)


def _fast_values(cells: list[tuple[str, str, str, str]], shared: list[str]) -> tuple:
    values: list = []
    for ref, kind, v, text in cells:
        if ref:
            col = _column(ref)
            if col > 1000:
                raise DataSheetError("corrupt", "a cell beyond the sheet's columns")
            while len(values) < col:
                values.append(None)
        if kind == "inlineStr":
            values.append(_unescape(text))
        elif not v:
            values.append(None if not kind or kind == "n" or not text else _unescape(text))
        elif not kind or kind == "n":
            number = float(v)
            values.append(int(number) if number.is_integer() else number)
        elif kind == "s":
            index = int(v)
            if not 0 <= index < len(shared):
                raise DataSheetError("corrupt", "shared string index")
            values.append(shared[index])
        elif kind == "b":
            values.append(v.strip() == "1")
        else:
            values.append(_unescape(v))
    return tuple(values)


def _general_values(xml: str, shared: list[str]) -> tuple:
    values: list = []
    for attrs, body in _CELL.findall(xml):
        ref = _REF.search(attrs)
        if ref:
            col = _column(ref.group(1))
            if col > 1000:
                raise DataSheetError("corrupt", "a cell beyond the sheet's columns")
            while len(values) < col:
                values.append(None)
        kind = _TYPE.search(attrs)
        values.append(_cell_value(kind.group(1) if kind else "n", body, shared))
    return tuple(values)


def _cell_value(kind: str, body: str, shared: list[str]) -> Any:
    if kind == "inlineStr":
        return _texts(body)
    v = _V.search(body)
    if v is None:
        return None
    text = v.group(1)
    if kind == "s":
        index = int(text)
        if not 0 <= index < len(shared):
            raise DataSheetError("corrupt", "shared string index")
        return shared[index]
    if kind in ("str", "e", "d"):
        return _unescape(text)
    if kind == "b":
        return text.strip() == "1"
    number = float(text)
    return int(number) if number.is_integer() else number


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class RowError(ValueError):
    """A row that breaks a rule; the message is Vietnamese and says which value."""


def _labels(text: str) -> list[str]:
    """A JSON list of labels; anything else (a number, an object, nulls) is damage that
    would otherwise surface later as a crash while sorting mixed types."""
    if not text:
        return []
    try:
        values = json.loads(text)
    except ValueError as exc:
        raise RowError("danh sách nhãn không đọc được") from exc
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RowError("danh sách nhãn không hợp lệ")
    return values


def _int(text: str, what: str) -> int:
    try:
        number = float(text)
    except ValueError as exc:
        raise RowError(f"{what} không phải là số: {text[:30]!r}") from exc
    if not number.is_integer():
        raise RowError(f"{what} phải là số nguyên: {text[:30]}")
    return int(number)


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

    def __init__(self, version: int) -> None:
        self.version = version
        self.meta: dict[str, str] = {}
        self.lookups: list[LookupRec] = []
        self.sessions: dict[str, SessionRec] = {}
        self.session_rows: dict[str, int] = {}
        self.order: list[SessionRec] = []
        self.tombstones: list[Tombstone] = []
        self.columns: dict[str, dict[str, int]] = {}  # tag → header name → index
        self.offices: dict[str, str] = {}
        self.catalogue: dict[str, tuple[str, str, str]] = {}
        self.end: tuple[int, ...] | None = None
        self.n_proc = 0
        self.period: Period | None = None
        self.generated_at: datetime | None = None
        self._pool: dict[str, str] = {}
        self._picks: dict[tuple[str, tuple[str, ...]], tuple[int, ...]] = {}

    def share(self, value: str) -> str:
        return self._pool.setdefault(value, value)

    def header(self, tag: str, row: tuple) -> None:
        self.columns[tag] = {_text(name): i for i, name in enumerate(row) if name}
        self._picks.clear()

    def pick(self, tag: str, row: tuple, names: tuple[str, ...]) -> list[str]:
        """The texts of columns ``names`` of ``row`` ("" when missing): the column
        positions are looked up once per header, not per row (a year is 100k rows)."""
        key = (tag, names)
        index = self._picks.get(key)
        if index is None:
            c = self.columns.get(tag)
            if c is None:
                raise RowError(f"dòng {tag} đứng trước dòng tiêu đề #{tag}")
            index = self._picks[key] = tuple(c.get(n, -1) for n in names)
        n = len(row)
        out = []
        for i in index:
            if 0 <= i < n:
                v = row[i]
                out.append(v if type(v) is str else _text(v))
            else:
                out.append("")
        return out

    def field(self, tag: str, row: tuple) -> Callable[[str], str]:
        """``get(name)``: the text of column ``name`` of ``row`` ("" when missing)."""
        c = self.columns.get(tag)
        if c is None:
            raise RowError(f"dòng {tag} đứng trước dòng tiêu đề #{tag}")

        def get(name: str) -> str:
            return _text(row[c[name]]) if c.get(name, 10**6) < len(row) else ""

        return get

    # the file's own frame, from the meta rows (they come first)
    def frame(self) -> tuple[Period, datetime | None]:
        if self.period is None:
            try:
                self.period = Period.from_text(self.meta["period"])
            except (KeyError, ValueError) as exc:
                raise RowError("thiếu kỳ báo cáo của tệp (dòng M period)") from exc
            generated = self.meta.get("generated_at", "")
            try:
                self.generated_at = datetime.fromisoformat(generated) if generated else None
            except ValueError as exc:
                raise RowError("thời điểm xuất tệp không đọc được") from exc
        return self.period, self.generated_at

    @property
    def consolidated(self) -> bool:
        return self.meta.get("consolidated") == "1"


def _meta(sheet: _Sheet, row: tuple) -> None:
    key = _text(row[1]) if len(row) > 1 else ""
    if not key:
        raise RowError("dòng M không có tên")
    sheet.meta[key] = _text(row[2]) if len(row) > 2 else ""


def _lookup(sheet: _Sheet, row: tuple) -> None:
    get = sheet.field("L", row)
    kind, code, label = get("kind"), get("code"), get("label")
    if not kind or not label:
        raise RowError("giá trị danh mục thiếu loại hoặc nhãn")
    active = _int(get("active") or "1", "cột active")
    if active not in (0, 1):
        raise RowError("cột active phải là 0 hoặc 1")
    sheet.lookups.append(
        LookupRec(kind, code, label, _int(get("sort_order") or "0", "thứ tự"), bool(active))
    )


def _office(sheet: _Sheet, row: tuple) -> None:
    code = _text(row[1]) if len(row) > 1 else ""
    if not code.strip():
        raise RowError("mã đơn vị để trống")
    sheet.offices[code] = _text(row[2]) if len(row) > 2 else ""


def _procedure_info(sheet: _Sheet, row: tuple) -> None:
    get = sheet.field("C", row)
    code, name, fld, online = (get(k) for k in CATALOGUE_COLUMNS)
    if not code:
        raise RowError("mã thủ tục để trống")
    sheet.catalogue[code] = (sheet.share(name), sheet.share(fld), sheet.share(online))


def _uuid(text: str) -> str:
    try:
        uuidlib.UUID(text)
    except ValueError as exc:
        raise RowError(f"mã lượt không hợp lệ: {text[:40]!r}") from exc
    return text


def _time_in_period(sheet: _Sheet, text: str) -> datetime:
    """A session's start: ISO local time, on a day of the file's period, not after the
    file was made (the same "not in the future" rule as a saved session)."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise RowError(f"thời điểm bắt đầu không đọc được: {text[:30]!r}") from exc
    if when.tzinfo is not None:
        raise RowError("thời điểm bắt đầu có múi giờ (tệp không do ứng dụng tạo ra)")
    period, generated = sheet.frame()
    if not period.contains(when.date()):
        raise RowError(
            f"ngày {when:%d/%m/%Y} nằm ngoài kỳ của tệp ({period.start:%d/%m/%Y} – "
            f"{period.end:%d/%m/%Y})"
        )
    if generated is not None and when > generated + CLOCK_SKEW:
        raise RowError(f"lượt bắt đầu lúc {when:%H:%M %d/%m/%Y}, sau khi tệp được xuất")
    return when


def _updated(text: str) -> str:
    if not text:
        return ""
    try:
        datetime.fromisoformat(text)
    except ValueError as exc:
        raise RowError(f"thời điểm cập nhật không đọc được: {text[:30]!r}") from exc
    return text


def _office_code(sheet: _Sheet, code: str) -> str:
    if not code.strip():
        raise RowError("mã đơn vị của lượt để trống")
    own = sheet.meta.get("office_code", "")
    if not sheet.consolidated and own and code != own:
        raise RowError(f"lượt của đơn vị {code[:20]} trong tệp của đơn vị {own[:20]}")
    return code


_S_NAMES = (
    "uuid",
    "office_code",
    "office_name",
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
    "updated_at",
)
_P_NAMES = (
    "session_uuid",
    "code",
    "dossier_code",
    "position",
    "name",
    "field",
    "online_level",
    "outcome_code",
    "outcome",
    "barriers",
)
_UNKNOWN = TriState.UNKNOWN.value


def _session(sheet: _Sheet, row: tuple) -> None:
    (
        uuid,
        office_code,
        office_name,
        started_at,
        minutes_text,
        officer,
        counter,
        channel,
        portal,
        applicant_code,
        applicant_type,
        elderly,
        ethnic,
        disability,
        self_reliance,
        satisfaction,
        help_types,
        note,
        updated_at,
    ) = sheet.pick("S", row, _S_NAMES)
    uuid = _uuid(uuid)
    if uuid in sheet.sessions:
        raise RowError("cùng một mã lượt xuất hiện hai lần")
    share = sheet.share
    office_code = share(_office_code(sheet, office_code))
    minutes = _int(minutes_text, "số phút")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise RowError(f"số phút {minutes} ngoài khoảng {MIN_MINUTES}–{MAX_MINUTES}")
    tri = []
    for name, value in (
        ("elderly", elderly),
        ("ethnic_minority", ethnic),
        ("disability", disability),
    ):
        value = value or _UNKNOWN
        if value not in TRI:
            raise RowError(f"cột {name} phải là yes/no/unknown, không phải {value[:20]!r}")
        tri.append(share(value))
    if len(note) > NOTE_MAX:
        raise RowError(f"ghi chú dài hơn {NOTE_MAX} ký tự")
    s = SessionRec(
        uuid,
        office_code,
        share(office_name) or sheet.offices.get(office_code, ""),
        _time_in_period(sheet, started_at),
        minutes,
        share(officer),
        share(counter),
        share(channel),
        share(portal),
        share(applicant_code),
        share(applicant_type),
        tri[0],
        tri[1],
        tri[2],
        share(self_reliance),
        share(satisfaction),
        tuple(share(h) for h in _labels(help_types)),
        note,
        [],
        _updated(updated_at),
    )
    sheet.sessions[uuid] = s
    sheet.order.append(s)


def _procedure(sheet: _Sheet, row: tuple) -> None:
    (
        session_uuid,
        code,
        dossier,
        position_text,
        name,
        fld,
        online,
        outcome_code,
        outcome,
        barriers,
    ) = sheet.pick("P", row, _P_NAMES)
    owner = sheet.sessions.get(session_uuid)
    if owner is None:
        raise RowError("thủ tục của một lượt không có trong tệp")
    if not code:
        raise RowError("mã thủ tục để trống")
    if any(p.code == code for p in owner.procedures):
        raise RowError(f"thủ tục {code[:20]} ghi hai lần trong cùng một lượt")
    if len(dossier) > 64:
        raise RowError("mã hồ sơ dài hơn 64 ký tự")
    position = _int(position_text or "0", "thứ tự thủ tục")
    if position < 0:
        raise RowError("thứ tự thủ tục âm")
    c_name, c_field, c_online = sheet.catalogue.get(code, ("", "", ""))
    share = sheet.share
    owner.procedures.append(
        ProcRec(
            share(code),
            name or c_name,
            fld or c_field,
            online or c_online,
            share(outcome_code),
            share(outcome),
            tuple(share(b) for b in _labels(barriers)),
            dossier,
            position,
        )
    )
    sheet.n_proc += 1


def _tombstone(sheet: _Sheet, row: tuple) -> None:
    get = sheet.field("V", row)
    uuid = _uuid(get("uuid"))
    if uuid in sheet.sessions:
        raise RowError("một lượt vừa được tính vừa được ghi là đã hủy")
    sheet.tombstones.append(
        Tombstone(
            uuid,
            _office_code(sheet, get("office_code")),
            _time_in_period(sheet, get("started_at")),
            _updated(get("updated_at")),
        )
    )


def _end(sheet: _Sheet, row: tuple) -> None:
    counts = tuple(_int(_text(v), "dòng END") for v in row[1:4] if v is not None)
    if len(counts) < 2:
        raise RowError("dòng END thiếu số đếm")
    sheet.end = counts


_ROW_READERS: dict[str, Callable[[_Sheet, tuple], None]] = {
    "M": _meta,
    "L": _lookup,
    "O": _office,
    "C": _procedure_info,
    "S": _session,
    "P": _procedure,
    "V": _tombstone,
    "END": _end,
}


def _check_totals(meta: dict[str, str]) -> Totals | None:
    """The previous period's totals: whole, non-negative numbers."""
    if not meta.get("prev_totals"):
        return None
    try:
        values = json.loads(meta["prev_totals"])
    except ValueError as exc:
        raise RowError("số liệu kỳ trước không đọc được") from exc
    if not isinstance(values, dict):
        raise RowError("số liệu kỳ trước không hợp lệ")
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RowError(f"số liệu kỳ trước: {str(key)[:30]} = {str(value)[:20]} không hợp lệ")
    return Totals.from_dict(values)


def parse(path: Path, rows: Iterable[tuple]) -> DataFile:
    """The DataFile of a data sheet's rows; unknown row tags are skipped (a later version
    may add some), a sheet without its END row is truncated, a row after END or a row
    breaking the rules of a saved session is refused with its number."""
    rows = iter(rows)
    version = _version(next(rows, None))
    sheet = _Sheet(version)
    number = 1
    for row in rows:
        number += 1
        if not row or all(v is None or v == "" for v in row):
            continue
        tag = row[0]
        if sheet.end is not None:
            raise DataSheetError("invalid", "có dữ liệu sau dòng END", number)
        if isinstance(tag, str) and tag.startswith("#"):
            sheet.header(tag[1:], row)
            continue
        reader = _ROW_READERS.get(tag) if isinstance(tag, str) else None
        if reader is None:
            continue
        try:
            reader(sheet, row)
        except RowError as exc:
            raise DataSheetError("invalid", str(exc), number) from exc
        if tag == "S":
            sheet.session_rows[sheet.order[-1].uuid] = number
    if sheet.end is None:
        raise DataSheetError("truncated")
    expected = (len(sheet.order), sheet.n_proc, len(sheet.tombstones))
    if sheet.end != expected[: len(sheet.end)]:
        raise DataSheetError("truncated")
    for s in sheet.order:
        if not s.procedures:
            raise DataSheetError(
                "invalid", "lượt không có thủ tục nào", sheet.session_rows.get(s.uuid)
            )
    return _data_file(path, version, sheet)


def _data_file(path: Path, version: int, sheet: _Sheet) -> DataFile:
    meta = sheet.meta
    try:
        period, generated = sheet.frame()
        prev = _check_totals(meta)
    except RowError as exc:
        raise DataSheetError("invalid", str(exc)) from exc
    office = OfficeInfo(
        meta.get("office_code", ""),
        meta.get("office_name", ""),
        meta.get("province", ""),
        meta.get("parent_body", ""),
    )
    if not office.code.strip() and not sheet.consolidated:
        raise DataSheetError("invalid", "mã đơn vị của tệp để trống")
    consolidated = sheet.consolidated
    return DataFile(
        path,
        version,
        period,
        office,
        prev,
        consolidated,
        sheet.lookups,
        sheet.order,
        meta,
        sheet.tombstones,
        generated,
    )
