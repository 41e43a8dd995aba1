"""Import a published procedure list: compare it with the catalogue, then apply it.

Reading the file is ``import_files`` (formats, size caps) and ``import_rows`` (header,
cells, rejected rows). Nothing is written until ``apply_import``, which is one
transaction, re-compares inside it and never deletes a procedure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from counter_app.catalog.import_files import CatalogueImportError
from counter_app.catalog.import_rows import ImportRow, ParsedFile, Rejected, read_catalogue_file
from counter_app.domain.text import fold
from counter_app.i18n import tr
from counter_app.services.audit import write_audit
from counter_app.storage.database import Store

# Also imported from here by the catalogue presenter and the command line.
__all__ = [
    "CatalogueImportError",
    "Change",
    "ImportPreview",
    "ImportResult",
    "ParsedFile",
    "apply_import",
    "build_preview",
    "preview_import",
    "read_catalogue_file",
]


@dataclass
class Change:
    row: ImportRow
    before: dict[str, str]  # only the columns that change, old values
    restored: bool = False


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
        return self._count_lines() + self._detail_lines(max_rejected)

    def _count_lines(self) -> list[str]:
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
        return lines

    def _detail_lines(self, max_rejected: int) -> list[str]:
        """Renamed procedures and rejected rows, the first ``max_rejected`` of each."""
        lines: list[str] = []
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


_COMPARED = ("name", "field", "level", "online_level", "full_code")


def _current(store: Store) -> dict[str, dict[str, Any]]:
    rows = store.db.execute(
        "SELECT code, full_code, name, field, level, online_level, active FROM procedure"
    ).fetchall()
    keys = ("code", "full_code", "name", "field", "level", "online_level", "active")
    return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}


def _diff(row: ImportRow, existing: dict[str, Any]) -> dict[str, str]:
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
        _insert_new(db, fresh.new)
        _update_changed(db, fresh.changed)
        _retire(db, fresh.to_retire)
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


def _insert_new(db: Database, rows: list[ImportRow]) -> None:
    db.conn.executemany(
        "INSERT INTO procedure (code, full_code, name, name_folded, field, level,"
        " online_level, active, favourite, source) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 0,"
        " 'import')",
        [
            (r.code, r.full_code, r.name, fold(r.name), r.field, r.level, r.online_level)
            for r in rows
        ],
    )


def _update_changed(db: Database, changes: list[Change]) -> None:
    """Only the columns that change are written (an empty cell never erases data)."""
    for change in changes:
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


def _retire(db: Database, codes: list[str]) -> None:
    db.conn.executemany(
        "UPDATE procedure SET active = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%S', "
        "'now', 'localtime') WHERE code = ?",
        [(c,) for c in codes],
    )
