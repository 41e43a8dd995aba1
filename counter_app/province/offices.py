"""The offices a province expects a weekly file from: its communes, wards, special zones
and departments (code, name, kind, parent), imported from the province's list (xlsx or
csv, read with the catalogue import's file handling) and editable one by one. An office
that sends files without being on the list is still counted (and shown as not listed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from counter_app.catalog.import_files import CatalogueImportError, open_sheets
from counter_app.catalog.import_rows import HEADER_SEARCH_ROWS, clean_text
from counter_app.domain.text import fold
from counter_app.i18n import tr
from counter_app.province.queries import KINDS
from counter_app.storage.database import Store

MAX_OFFICES = 20_000  # the whole country is 3,321 communes plus departments


@dataclass
class ExpectedOffice:
    code: str
    name: str
    kind: str = ""
    parent: str = ""


@dataclass
class OfficeList:
    offices: list[ExpectedOffice] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)


def normalise_kind(text: str) -> str:
    """ "Xã", "XA", "Phường", "Đặc khu", "Sở", "Ban ngành"… → one of KINDS ("" unknown)."""
    f = fold(text).strip()
    if not f:
        return ""
    if f.startswith(("dac khu",)):
        return "đặc khu"
    if f.startswith(("phuong",)):
        return "phường"
    if f.startswith(("xa", "thi tran")):
        return "xã"
    if f.startswith(("so", "ban", "nganh", "co quan")):
        return "sở ngành"
    return clean_text(text)


def _column(heading: object) -> str | None:
    h = " ".join(fold(clean_text(heading)).replace("_", " ").split())
    if not h:
        return None
    if h in ("code", "ma") or h.startswith(("ma don vi", "ma dvhc", "ma xa", "ma so")):
        return "code"
    if h in ("name", "ten") or h.startswith(("ten don vi", "ten dvhc", "ten xa", "don vi")):
        return "name"
    if h in ("kind", "loai", "cap") or h.startswith(("loai", "cap hanh chinh", "phan loai")):
        return "kind"
    if h in ("parent", "truc thuoc") or h.startswith(("truc thuoc", "don vi cap tren", "cap tren")):
        return "parent"
    return None


def read_office_list(path: Path | str) -> OfficeList:
    """The offices of a list file; CatalogueImportError (a Vietnamese message) when the
    file has no code and name columns."""
    path = Path(path)
    result = OfficeList()
    for _title, rows in open_sheets(path):
        header: dict[str, int] | None = None
        seen: set[str] = set()
        for count, (number, cells, _formulas) in enumerate(rows, start=1):
            if header is None:
                found: dict[str, int] = {}
                for i, cell in enumerate(cells):
                    col = _column(cell)
                    if col and col not in found:
                        found[col] = i
                if "code" in found and "name" in found:
                    header = found
                elif count >= HEADER_SEARCH_ROWS:
                    break
                continue

            def cell(
                name: str, cells: list[object] = cells, header: dict[str, int] = header
            ) -> str:
                i = header.get(name)
                return clean_text(cells[i]) if i is not None and i < len(cells) else ""

            code, name = cell("code"), cell("name")
            if not code and not name:
                continue
            if not code or not name:
                result.rejected.append((number, tr("a code and a name are both needed")))
                continue
            if code in seen:
                result.rejected.append(
                    (number, tr("the code {code} is listed twice").format(code=code))
                )
                continue
            seen.add(code)
            result.offices.append(
                ExpectedOffice(code, name, normalise_kind(cell("kind")), cell("parent"))
            )
            if len(result.offices) > MAX_OFFICES:
                raise CatalogueImportError(
                    tr("The file {name} lists more than {n} offices.").format(
                        name=path.name, n=MAX_OFFICES
                    )
                )
        if header is not None:
            return result
    raise CatalogueImportError(
        tr(
            "The file {name} has no columns of office codes and names (headings such as "
            "“Mã đơn vị” and “Tên đơn vị”)."
        ).format(name=path.name)
    )


def import_office_list(store: Store, listed: OfficeList, replace: bool = False) -> tuple[int, int]:
    """Mark the listed offices as expected (adding or renaming them), in one transaction;
    with ``replace``, offices not on the list are no longer expected (their data stays).
    Returns (added, updated)."""
    added = updated = 0
    with store.transaction() as db:
        if replace:
            db.execute("UPDATE office SET expected = 0")
        for order, o in enumerate(listed.offices):
            row = db.execute("SELECT id FROM office WHERE code = ?", [o.code]).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO office (code, name, kind, parent, expected, sort_order) "
                    "VALUES (?, ?, ?, ?, 1, ?)",
                    [o.code, o.name, o.kind, o.parent, order],
                )
                added += 1
            else:
                db.execute(
                    "UPDATE office SET name = ?, kind = ?, parent = ?, expected = 1, "
                    "sort_order = ? WHERE id = ?",
                    [o.name, o.kind, o.parent, order, row[0]],
                )
                updated += 1
    return added, updated


def set_office(
    store: Store, code: str, name: str, kind: str = "", parent: str = "", expected: bool = True
) -> None:
    """Add or edit one office of the list (the screen's form, ``store offices set``)."""
    code, name = clean_text(code), clean_text(name)
    if not code or not name:
        raise ValueError(tr("An office needs a code and a name."))
    with store.transaction() as db:
        db.execute(
            """
            INSERT INTO office (code, name, kind, parent, expected, sort_order)
            VALUES (?, ?, ?, ?, ?, (SELECT coalesce(max(sort_order), 0) + 1 FROM office))
            ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                parent = excluded.parent, expected = excluded.expected
            """,
            [code, name, normalise_kind(kind), clean_text(parent), int(expected)],
        )


def listed_offices(store: Store) -> list[tuple[str, str, str, str, bool]]:
    return [
        (c, n, k, p, bool(e))
        for c, n, k, p, e in store.db.execute(
            "SELECT code, name, kind, parent, expected FROM office ORDER BY sort_order, code"
        )
    ]


__all__ = ["KINDS", "ExpectedOffice", "OfficeList", "import_office_list", "read_office_list"]
