"""Replacing the data file with a backup, safe against a power cut at any moment.

Used when the data file is damaged or missing (at start) and when a supervisor restores
a backup. The order never leaves the data folder without a usable file:

1. the chosen backup is copied (or rebuilt from a pack) to ``<db>.restore.tmp`` and
   that copy is verified — a backup that fails is skipped for the next one;
2. a recovery marker ``<db>.recovery.json`` is written (what replaces what, where the
   old file goes);
3. the old file and its ``-wal``/``-shm`` are moved into ``damaged/`` (never deleted);
4. the verified copy is renamed into place, and the marker says so.

A start that finds a marker finishes the interrupted steps (or, before step 2, finds the
old file untouched). The marker stays until the user has been told (``acknowledge``), so
a process killed before showing its message tells at the next start. Nothing here ever
opens a new empty database: the caller decides, and says so.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from counter_app.i18n import tr
from counter_app.storage import backup, fileops, health, packs
from counter_app.storage.backup import BackupInfo, check_note_path
from counter_app.storage.errors import DataFileBusyError, DataFileUnreadableError
from counter_app.storage.schema import OFFICE_SCHEMA, Schema

log = logging.getLogger(__name__)
__all__ = ["Recovery", "check_note_path", "finish_interrupted", "recover_if_needed"]

RECENT_DAMAGE = timedelta(hours=1)
SIDES = ("-wal", "-shm", "")  # the journal first: a stale -wal must never meet a new file


def marker_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".recovery.json")


def staged_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".restore.tmp")


@dataclass
class Recovery:
    """What happened to the data file at start, for the user (and the command line)."""

    kind: str  # "damaged", "missing" or "restore"
    problem: str
    damaged_copy: Path | None = None
    restored_from: Path | None = None
    data_as_of: datetime | None = None
    interrupted: bool = False  # an earlier run was cut off mid-way; this one finished
    floor: int | None = None  # the highest write counter among the backups seen
    marker: Path | None = field(default=None, repr=False)

    @property
    def data_missing(self) -> bool:
        """No backup replaced the lost data: the data file is new and empty."""
        return self.restored_from is None

    def message(self) -> str:
        text = self._body()
        if self.data_missing and self.kind != "restore":
            text += " " + tr("The app starts with an empty data file.")
        if self.interrupted:
            text = tr("An interrupted recovery was completed.") + " " + text
        return text

    def command_line_message(self) -> str:
        """For a command that must not run on an empty file in place of lost data."""
        return (
            self._body()
            + " "
            + tr(
                "Nothing was done. Open the app to start with an empty data file, or "
                "restore a backup file with: counter-app restore FILE"
            )
        )

    def _body(self) -> str:
        when = self.data_as_of.strftime("%H:%M %d/%m/%Y") if self.data_as_of else "?"
        if self.kind == "restore":
            kept = (
                " "
                + tr("The previous data file was kept at {path}.").format(path=self.damaged_copy)
                if self.damaged_copy
                else ""
            )
            return (
                tr("The data was restored from {file} (data dating from {when}).").format(
                    file=self.restored_from, when=when
                )
                + kept
            )
        if self.kind == "missing":
            if self.restored_from is not None:
                return tr(
                    "The data file was missing. The newest good backup {file} was restored: "
                    "data now dates from {when}. Sessions entered after that time must be "
                    "entered again."
                ).format(file=self.restored_from, when=when)
            return tr(
                "The data file was missing and no good backup was found. Files kept aside "
                "earlier are in {damaged}; give them to the IT person."
            ).format(damaged=self.damaged_copy)
        if self.restored_from is not None:
            return tr(
                "The data file was damaged ({problem}). It was kept aside at {damaged} and "
                "the newest good backup {file} was restored: data now dates from {when}. "
                "Sessions entered after that time must be entered again."
            ).format(
                problem=self.problem, damaged=self.damaged_copy, file=self.restored_from, when=when
            )
        return tr(
            "The data file was damaged ({problem}) and no good backup was found. It was kept "
            "aside at {damaged} for the IT person."
        ).format(problem=self.problem, damaged=self.damaged_copy)

    def acknowledge(self) -> None:
        """The user has been told: forget the marker."""
        if self.marker is not None:
            fileops.unlink(self.marker)
            self.marker = None

    def as_note(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "problem": self.problem,
            "damaged_copy": str(self.damaged_copy) if self.damaged_copy else None,
            "restored_from": str(self.restored_from) if self.restored_from else None,
            "data_as_of": self.data_as_of.isoformat() if self.data_as_of else None,
            "at": datetime.now().isoformat(timespec="seconds"),
        }


# -- the marker -------------------------------------------------------------------------


def read_marker(db_path: Path) -> dict[str, Any] | None:
    path = marker_path(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.error("unreadable recovery marker %s", path)
        return {"phase": "unknown", "kind": "damaged", "problem": tr("unreadable marker")}
    return data if isinstance(data, dict) else None


def _write_marker(db_path: Path, data: dict[str, Any]) -> None:
    fileops.write_durably(
        marker_path(db_path), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    )


def _recovery_from(db_path: Path, data: dict[str, Any], interrupted: bool) -> Recovery:
    def as_path(key: str) -> Path | None:
        return Path(data[key]) if data.get(key) else None

    when = None
    if data.get("data_as_of"):
        try:
            when = datetime.fromisoformat(data["data_as_of"])
        except ValueError:
            when = None
    return Recovery(
        kind=str(data.get("kind") or "damaged"),
        problem=str(data.get("problem") or ""),
        damaged_copy=as_path("aside"),
        restored_from=as_path("source"),
        data_as_of=when,
        interrupted=interrupted,
        floor=data.get("floor") if isinstance(data.get("floor"), int) else None,
        marker=marker_path(db_path),
    )


# -- replacing the data file ------------------------------------------------------------


def live_pieces(db_path: Path) -> list[Path]:
    return [Path(str(db_path) + s) for s in SIDES if Path(str(db_path) + s).exists()]


def aside_target(db_path: Path, damaged_dir: Path, label: str) -> Path:
    damaged_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = damaged_dir / f"{db_path.stem}-{label}-{stamp}{db_path.suffix}"
    n = 1
    while any(Path(str(target) + s).exists() for s in SIDES):
        target = damaged_dir / f"{db_path.stem}-{label}-{stamp}-{n}{db_path.suffix}"
        n += 1
    return target


def _set_aside(db_path: Path, target: Path) -> None:
    """Move what is left of the old file (journal first) to ``target``."""
    for suffix in SIDES:
        side = Path(str(db_path) + suffix)
        if side.exists():
            fileops.move(side, Path(str(target) + suffix))


def verify_copy(path: Path, schema: Schema = OFFICE_SCHEMA) -> str:
    """'ok' when ``path`` is a healthy data file of this app (of ``schema``) that this
    version can open; otherwise why not."""
    problem = backup.check_integrity(path)
    if problem != "ok":
        return problem
    try:
        conn = health.connect_readonly(path)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        names = health.applied_migrations(conn, schema)
    except sqlite3.Error:
        return tr("not a counter_app data file")
    finally:
        conn.close()
    if schema.first not in names:
        return tr("not a counter_app data file")
    if version > schema.version or names - schema.known:
        return tr("written by a newer version of the app")
    return "ok"


def stage(source: Path, db_path: Path, schema: Schema = OFFICE_SCHEMA) -> str:
    """Copy or rebuild ``source`` into the staging file and verify it: 'ok' or why not."""
    staged = staged_path(db_path)
    fileops.unlink(staged)
    try:
        if source.name.endswith(".dbpack"):
            fileops.note("materialize", staged)
            packs.materialize(source, staged)
        else:
            fileops.copy(source, staged)
    except (OSError, packs.PackError) as exc:
        fileops.unlink(staged)
        return str(exc)
    problem = verify_copy(staged, schema)
    if problem != "ok":
        fileops.unlink(staged)
    return problem


def replace_data(
    db_path: Path,
    damaged_dir: Path,
    candidates: Iterable[BackupInfo],
    *,
    kind: str,
    problem: str,
    label: str,
    floor: int | None = None,
    aside_without_copy: bool = True,
    schema: Schema = OFFICE_SCHEMA,
) -> Recovery:
    """Put the first candidate that verifies in place of the data file (see the module
    docstring). With none, the old (damaged) file is still set aside and the Recovery
    says so — unless ``aside_without_copy`` is False (a restore): then nothing moves."""
    chosen: BackupInfo | None = None
    for candidate in candidates:
        why = stage(candidate.path, db_path, schema)
        if why == "ok":
            chosen = candidate
            break
        log.error("backup %s cannot be used (%s); trying the next", candidate.path, why)
    if chosen is None and not aside_without_copy:
        return Recovery(kind=kind, problem=problem)
    aside = aside_target(db_path, damaged_dir, label) if live_pieces(db_path) else None
    data: dict[str, Any] = {
        "phase": "staged",
        "kind": kind,
        "problem": problem,
        "source": str(chosen.path) if chosen else None,
        "data_as_of": chosen.taken_at.isoformat() if chosen else None,
        "staged": chosen is not None,
        "aside": str(aside) if aside else None,
        "floor": floor,
        "at": datetime.now().isoformat(timespec="seconds"),
    }
    _write_marker(db_path, data)
    if aside is not None:
        _set_aside(db_path, aside)
    if chosen is not None:
        fileops.replace(staged_path(db_path), db_path)
    data["phase"] = "installed"
    _write_marker(db_path, data)
    if chosen is not None:
        log.warning("data file %s replaced by %s (old file kept at %s)", db_path, chosen, aside)
    else:
        log.error("no usable backup for %s; old file kept at %s", db_path, aside)
    return _recovery_from(db_path, data, interrupted=False)


def finish_interrupted(
    db_path: Path, damaged_dir: Path, schema: Schema = OFFICE_SCHEMA
) -> Recovery | None:
    """Complete what a killed run started (the marker says what); None without one."""
    data = read_marker(db_path)
    if data is None:
        return None
    interrupted = data.get("phase") != "installed"
    if data.get("phase") == "staged":
        staged = staged_path(db_path)
        aside = Path(data["aside"]) if data.get("aside") else None
        if data.get("staged") and staged.exists():
            if aside is not None:
                _set_aside(db_path, aside)
            fileops.replace(staged, db_path)
        elif data.get("staged") and not db_path.exists():
            # The verified copy is gone (it should not be): stage it again from its source.
            source = Path(data["source"]) if data.get("source") else None
            if source is None or stage(source, db_path, schema) != "ok":
                data["source"] = None
                data["data_as_of"] = None
            else:
                fileops.replace(staged, db_path)
        elif not data.get("staged") and aside is not None:
            _set_aside(db_path, aside)  # no copy to install: finish setting the old aside
        # else: the copy was renamed into place already; only the marker was behind.
        data["phase"] = "installed"
        _write_marker(db_path, data)
    elif data.get("phase") != "installed":  # unreadable marker: keep the user informed
        data["phase"] = "installed"
    log.warning("recovery marker found for %s: %s", db_path, data)
    return _recovery_from(db_path, data, interrupted=interrupted)


# -- deciding at start -----------------------------------------------------------------


def recent_damaged_files(damaged_dir: Path) -> list[Path]:
    try:
        files = [p for p in damaged_dir.iterdir() if p.is_file()]
    except OSError:
        return []
    cutoff = RECENT_DAMAGE.total_seconds()
    return sorted(
        (p for p in files if not fileops.older_than(p, cutoff)),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )


def recover_if_needed(
    db_path: Path,
    backup_dirs: Iterable[Path],
    damaged_dir: Path,
    *,
    known_damage: str | None = None,
    check: str = "quick",
    schema: Schema = OFFICE_SCHEMA,
) -> Recovery | None:
    """Look at the data file before anything opens it for writing; replace it with the
    newest good backup when it is damaged, empty with backups present, another
    program's, or missing while backups exist. Raises DataFileBusyError or
    DataFileUnreadableError for a file that is only held or unreadable (left untouched).
    """
    db_path = Path(db_path)
    dirs = list(backup_dirs)
    wal = Path(str(db_path) + "-wal")
    main_size = db_path.stat().st_size if db_path.exists() else None
    problem: str | None = None
    kind = "damaged"
    if known_damage:
        problem = known_damage
    elif main_size is None or main_size == 0:
        wal_size = wal.stat().st_size if wal.exists() else 0
        if wal_size > 0:
            problem = tr("the journal (-wal) of the data file is there without the data file")
        elif main_size == 0:
            if not backup.list_backups(dirs):
                return None  # a new file that was never written: nothing was lost
            problem = tr("the data file is empty (0 bytes)")
        else:
            if backup.list_backups(dirs):
                kind, problem = "missing", tr("the data file is missing")
            else:
                recent = recent_damaged_files(damaged_dir)
                if not recent:
                    return None  # the very first start
                data = {
                    "phase": "installed",
                    "kind": "missing",
                    "problem": tr("the data file is missing"),
                    "aside": str(damaged_dir),
                    "at": datetime.now().isoformat(timespec="seconds"),
                }
                _write_marker(db_path, data)
                return _recovery_from(db_path, data, interrupted=False)
    else:
        state = health.probe(db_path, full=(check == "full"), schema=schema)
        if state.state == health.BUSY:
            raise DataFileBusyError(str(db_path), state.detail)
        if state.state == health.UNREADABLE:
            raise DataFileUnreadableError(str(db_path), state.detail)
        if state.ok:
            return None
        if state.state == health.EMPTY and not backup.list_backups(dirs):
            return None  # never written, nothing to restore: used as a new file
        problem = state.detail
    log.error("data file %s needs recovery: %s", db_path, problem)
    candidates = backup.list_backups(dirs)
    floor = max((b.writes for b in candidates if b.writes is not None), default=None)
    return replace_data(
        db_path,
        damaged_dir,
        candidates,
        kind=kind,
        problem=problem,
        label="damaged" if kind == "damaged" else "missing",
        floor=floor,
        schema=schema,
    )
