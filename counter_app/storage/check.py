"""``counter-app check``: the state of the data file and of every backup, read only.

It never says "good" while a recovery is unfinished or not yet reported (its marker is
there), while an earlier check's damage note stands, or while the data file is empty
although a backup or a set-aside file holds sessions and no recovery explains it. It
looks in every backup folder: the default one, the Settings one, and every folder a
backup was ever written to.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.i18n import tr
from counter_app.storage import backup, fileops, health, packs, recovery
from counter_app.storage.backup import BackupInfo

GOOD, DAMAGED, MISSING = "good", "damaged", "missing"


@dataclass
class CheckReport:
    state: str = GOOD
    lines: list[str] = field(default_factory=list)

    def worse(self, state: str) -> None:
        order = [GOOD, DAMAGED, MISSING]
        if order.index(state) > order.index(self.state):
            self.state = state


def check_data(db_path: Path, backup_dirs: Iterable[Path], damaged_dir: Path) -> CheckReport:
    report = CheckReport()
    db_path = Path(db_path)
    dirs = [*backup_dirs, *backup.known_places(db_path.parent)]
    backups = backup.list_backups(dirs)
    report.lines.append(tr("Data file: {path}").format(path=db_path))
    marker = recovery.read_marker(db_path)
    if marker is not None:
        told = recovery._recovery_from(
            db_path, marker, interrupted=marker.get("phase") != "installed"
        )
        report.lines.append(
            tr("A recovery of the data file is unfinished or not yet reported:")
            + " "
            + told.message()
        )
        report.lines.append(tr("Open the app: it finishes the recovery and shows the message."))
        report.worse(MISSING)
    if not db_path.exists():
        if backups:
            report.lines.append(
                tr(
                    "There is no data file, but {n} backups exist: the data file is missing. "
                    "Open the app (it restores the newest backup) or restore one with "
                    "counter-app restore FILE."
                ).format(n=len(backups))
            )
            report.worse(MISSING)
        else:
            report.lines.append(tr("No data file yet (it is created when the app first starts)."))
    else:
        _check_file(report, db_path, backups, damaged_dir)
    _describe_backups(report, dirs, backups)
    return report


def _check_file(
    report: CheckReport, db_path: Path, backups: list[BackupInfo], damaged_dir: Path
) -> None:
    state = health.probe(db_path, full=True)
    if state.state == health.BUSY:
        report.lines.append(tr("The data file is held by another program; it was not checked."))
        report.worse(DAMAGED)
        return
    if state.state == health.UNREADABLE:
        report.lines.append(tr("The data file cannot be read (permission denied)."))
        report.worse(DAMAGED)
        return
    if state.state == health.EMPTY and db_path.stat().st_size == 0 and backups:
        report.lines.append(tr("Integrity: {result}").format(result=state.detail))
        report.worse(MISSING)
        return
    if not state.ok and state.state != health.EMPTY:
        report.lines.append(tr("Integrity: {result}").format(result=state.detail))
        report.worse(DAMAGED)
        return
    note = recovery.check_note_path(db_path)
    if note.exists():
        report.lines.append(
            tr("An earlier check found damage in this file; the app recovers it at its next start.")
        )
        report.worse(DAMAGED)
    sessions, explained, version = _contents(db_path)
    if sessions == 0:
        holder = next(((b, n) for b in backups if (n := _sessions_in(b)) > 0), None)
        aside = [p for p in _files(damaged_dir) if p.suffix == ".db"]
        if (holder or aside) and not explained:
            if holder:
                report.lines.append(
                    tr(
                        "The data file holds no sessions, but the backup {file} ({when}) holds "
                        "{n}: the data may have been lost. Restore it with counter-app restore "
                        "FILE (in the app: Settings › Backups › Restore)."
                    ).format(
                        file=holder[0].path,
                        when=holder[0].taken_at.strftime("%H:%M %d/%m/%Y"),
                        n=holder[1],
                    )
                )
            else:
                report.lines.append(
                    tr(
                        "The data file holds no sessions, and files set aside earlier are in "
                        "{folder}: give them to the IT person."
                    ).format(folder=damaged_dir)
                )
            report.worse(MISSING)
            return
    if report.state == GOOD:
        report.lines.append(tr("Integrity: {result}").format(result=tr("good")))
    if version is not None:
        report.lines.append(tr("Data version: {version}").format(version=version))
    if explained:
        report.lines.append(tr("Last recovery: {note}").format(note=explained))


def _contents(db_path: Path) -> tuple[int, str, int | None]:
    """(sessions, the note of the last acknowledged recovery, user_version)."""
    try:
        conn = health.connect_readonly(db_path)
    except sqlite3.Error:
        return 0, "", None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        try:
            sessions = conn.execute("SELECT count(*) FROM session").fetchone()[0]
        except sqlite3.Error:
            sessions = 0
        note = ""
        with contextlib.suppress(sqlite3.Error, ValueError, TypeError):
            row = conn.execute(
                "SELECT value FROM storage_meta WHERE key = 'last_recovery'"
            ).fetchone()
            if row:
                data = json.loads(row[0])
                note = f"{data.get('at', '')}: {data.get('problem', '')}".strip(": ")
        return sessions, note, version
    finally:
        conn.close()


def _sessions_in(b: BackupInfo) -> int:
    if b.kind == "pack":
        return 1 if b.content_at else 0  # a pack records the newest session, not a count
    try:
        conn = health.connect_readonly(b.path)
    except sqlite3.Error:
        return 0
    try:
        return int(conn.execute("SELECT count(*) FROM session").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def _files(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_file()]
    except OSError:
        return []


def _describe_backups(report: CheckReport, dirs: list[Path], backups: list[BackupInfo]) -> None:
    seen: set[str] = set()
    for folder in dirs:
        key = str(Path(folder).resolve()) if Path(folder).exists() else str(folder)
        if key in seen:
            continue
        seen.add(key)
        n = sum(1 for b in backups if b.path.parent.resolve() == Path(key))
        if n or folder == dirs[0]:
            report.lines.append(tr("Backups: {n} in {folder}").format(n=n, folder=folder))
    if not backups:
        return
    newest = backups[0]
    problem = verify_any(newest)
    report.lines.append(
        tr("Newest backup: {when} ({state})").format(
            when=newest.taken_at.strftime("%H:%M %d/%m/%Y"),
            state=tr("good") if problem == "ok" else tr("damaged"),
        )
        + f" — {newest.path}"
    )


def verify_any(b: BackupInfo) -> str:
    """'ok' or the problem of a backup of any kind (a pack is rebuilt to a temp file)."""
    if b.kind != "pack":
        return backup.check_integrity(b.path)
    tmp = b.path.with_name(b.path.name + ".check.tmp")
    try:
        packs.materialize(b.path, tmp)
        return recovery.verify_copy(tmp)
    except (OSError, packs.PackError) as exc:
        return str(exc)
    finally:
        fileops.unlink(tmp)
