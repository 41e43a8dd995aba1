"""A province's list of online public services (code + level) sets the online level of
the procedures in the catalogue, and nothing else.

The built-in catalogue knows the level of 10 procedures out of 551, so a report cannot
split "toàn trình" from "một phần". Provinces publish the list of their online services
(the portal's "Xuất Excel", or their own sheet: "Mã TTHC | Mức độ"). Reading reuses the
catalogue import's file handling (formats, size caps, header search); a row is kept when
its code is in the catalogue and its level reads as toàn trình (mức độ 4) or một phần
(mức độ 3). ``preview_levels`` says what would change; ``apply_levels`` writes it in one
transaction with one audit row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from counter_app.catalog.import_files import CatalogueImportError, RawRow, open_sheets
from counter_app.catalog.import_rows import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    clean_text,
    map_header,
    normalise_code,
    normalise_online_level,
)
from counter_app.i18n import tr
from counter_app.services.audit import write_audit
from counter_app.storage.database import Store

LEVELS = ("toàn trình", "một phần")


@dataclass
class LevelChange:
    code: str
    name: str
    before: str
    after: str


@dataclass
class LevelPreview:
    path: Path
    changes: list[LevelChange] = field(default_factory=list)
    unchanged: int = 0
    unknown_codes: list[tuple[int, str]] = field(default_factory=list)  # (row, code)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    conflicting: list[str] = field(default_factory=list)  # codes given two levels

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def summary_lines(self, max_listed: int = 15) -> list[str]:
        full = sum(1 for c in self.changes if c.after == LEVELS[0])
        lines = [
            tr(
                "{n} procedures get their online level ({full} toàn trình, {partial} một "
                "phần); {same} already had it."
            ).format(
                n=len(self.changes),
                full=full,
                partial=len(self.changes) - full,
                same=self.unchanged,
            )
        ]
        if self.unknown_codes:
            lines.append(
                tr("{n} codes are not in the catalogue and were skipped: {codes}").format(
                    n=len(self.unknown_codes),
                    codes=", ".join(c for _, c in self.unknown_codes[:max_listed])
                    + ("…" if len(self.unknown_codes) > max_listed else ""),
                )
            )
        if self.conflicting:
            lines.append(
                tr("{n} codes are given two different levels and were skipped: {codes}").format(
                    n=len(self.conflicting), codes=", ".join(self.conflicting[:max_listed])
                )
            )
        for row, reason in self.rejected[:max_listed]:
            lines.append(tr("Row {row}: {reason}").format(row=row, reason=reason))
        if len(self.rejected) > max_listed:
            lines.append(tr("… and {n} more rows").format(n=len(self.rejected) - max_listed))
        return lines


def _rows(path: Path) -> Iterator[tuple[int, object, object]]:
    """(row number, code cell, level cell) of the first sheet with both columns."""
    for title, rows in open_sheets(path):
        header: dict[str, int] | None = None
        for count, raw in enumerate(rows, start=1):
            number, cells, _formulas = raw
            if header is None:
                found = map_header(cells)
                if "code" in found and "online_level" in found:
                    header = found
                elif count >= HEADER_SEARCH_ROWS:
                    break
                continue
            if count > MAX_ROWS:
                raise CatalogueImportError(
                    tr("The file {name} has more than {n} rows.").format(name=path.name, n=MAX_ROWS)
                )
            code_at, level_at = header["code"], header["online_level"]
            yield (
                number,
                cells[code_at] if code_at < len(cells) else None,
                cells[level_at] if level_at < len(cells) else None,
            )
        if header is not None:
            return
        del title
    raise CatalogueImportError(
        tr(
            "The file {name} has no column of procedure codes next to a column of online "
            "levels (headings such as “Mã TTHC” and “Mức độ”)."
        ).format(name=path.name)
    )


LevelsRead = tuple[dict[str, tuple[int, str]], list[tuple[int, str]], list[str]]


def read_levels(path: Path | str) -> LevelsRead:
    """code → (row, level) of the file, rejected rows, codes given two levels."""
    path = Path(path)
    levels: dict[str, tuple[int, str]] = {}
    rejected: list[tuple[int, str]] = []
    conflicting: set[str] = set()
    for number, code_cell, level_cell in _rows(path):
        if code_cell in (None, "") and level_cell in (None, ""):
            continue
        code = normalise_code(code_cell)
        if code is None:
            rejected.append(
                (number, tr("not a procedure code: {text}").format(text=clean_text(code_cell)[:40]))
            )
            continue
        text = clean_text(level_cell)
        level = normalise_online_level(text) if text else ""
        if level not in LEVELS:
            rejected.append(
                (
                    number,
                    tr("the level “{text}” is neither toàn trình nor một phần").format(
                        text=text[:40]
                    ),
                )
            )
            continue
        base = code[0]
        if base in levels and levels[base][1] != level:
            conflicting.add(base)
        levels.setdefault(base, (number, level))
    for base in conflicting:
        levels.pop(base, None)
    return levels, rejected, sorted(conflicting)


def preview_levels(store: Store, path: Path | str, read: LevelsRead | None = None) -> LevelPreview:
    """What the file would change; ``read``: what ``read_levels(path)`` returned
    already (the screen reads the file on a worker), else it is read here."""
    levels, rejected, conflicting = read if read is not None else read_levels(path)
    current = {
        code: (name, level)
        for code, name, level in store.db.execute("SELECT code, name, online_level FROM procedure")
    }
    preview = LevelPreview(Path(path), rejected=rejected, conflicting=conflicting)
    for code, (row, level) in sorted(levels.items()):
        if code not in current:
            preview.unknown_codes.append((row, code))
            continue
        name, before = current[code]
        if normalise_online_level(before) == level:
            preview.unchanged += 1
        else:
            preview.changes.append(LevelChange(code, name, before, level))
    return preview


def apply_levels(
    store: Store, preview: LevelPreview, officer_id: int | None, now: datetime | None = None
) -> int:
    """Write the levels of ``preview`` (one transaction, one audit row); the count."""
    when = (now or datetime.now()).replace(microsecond=0)
    with store.transaction() as db:
        db.conn.executemany(
            "UPDATE procedure SET online_level = ?, updated_at = ? WHERE code = ?",
            [(c.after, when.isoformat(timespec="seconds"), c.code) for c in preview.changes],
        )
        write_audit(
            db,
            officer_id=officer_id,
            entity="catalogue",
            entity_key="online_level",
            action="import_online_levels",
            before={c.code: c.before for c in preview.changes},
            after={c.code: c.after for c in preview.changes},
            reason=preview.path.name,
            at=when,
        )
    return len(preview.changes)


def missing_level_count(store: Store, include_retired: bool = False) -> int:
    """Procedures without an online level (the catalogue's "Chưa có mức độ" filter)."""
    active = "" if include_retired else "active = 1 AND "
    return store.db.execute(
        f"SELECT count(*) FROM procedure WHERE {active}online_level = ''"
    ).fetchone()[0]


__all__ = [
    "LevelChange",
    "LevelPreview",
    "RawRow",
    "apply_levels",
    "missing_level_count",
    "preview_levels",
    "read_levels",
]
