"""Received weekly files → the consolidated store, once each.

A file already ingested is recognised by its content hash (SHA-256) and skipped with a
word. A new file is read with the consolidation's own reader (``read_data_file``: bounded
memory, every row checked) and written in ONE transaction: the file's row, its offices,
procedures and labels, and its sessions — de-duplicated by UUID, the newest copy winning
(by the session's update time, then the file's export time: a later export of a session
edited meanwhile replaces the earlier copy; an older or identical copy changes nothing).
A void travels: a tombstone (format 2) marks the session voided, whichever of the two
files arrives first. A folder is walked for .xlsx files; bad files are listed with the
reason and the others still ingested.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.i18n import tr
from counter_app.reports import labels as L
from counter_app.reports.consolidate import reason_text
from counter_app.reports.datasheet import DataFile, DataSheetError
from counter_app.reports.datasheet_reader import read_data_file
from counter_app.reports.records import SessionRec
from counter_app.storage.database import Store

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
TRI = {"no": 0, "yes": 1, "unknown": 2}
CHUNK = 500  # parameters per IN (…) query


@dataclass
class FileOutcome:
    """What happened to one file: ingested, already known, or refused (with why)."""

    path: Path
    status: str  # "ingested" | "known" | "bad"
    reason: str = ""
    office: str = ""
    period: str = ""
    sessions: int = 0
    new: int = 0
    replaced: int = 0
    kept: int = 0
    voided: int = 0

    def line(self) -> str:
        name = self.path.name
        if self.status == "bad":
            return tr("{name}: not ingested — {reason}").format(name=name, reason=self.reason)
        if self.status == "known":
            return tr("{name}: already in the store ({reason}), skipped").format(
                name=name, reason=self.reason
            )
        return tr(
            "{name}: {office}, {period}: {new} new, {replaced} newer copies, {voided} voided"
        ).format(
            name=name,
            office=self.office,
            period=self.period,
            new=self.new,
            replaced=self.replaced,
            voided=self.voided,
        )


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def of(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ingested(self) -> list[FileOutcome]:
        return self.of("ingested")

    @property
    def known(self) -> list[FileOutcome]:
        return self.of("known")

    @property
    def bad(self) -> list[FileOutcome]:
        return self.of("bad")

    def summary(self) -> str:
        return tr(
            "{ingested} files ingested ({sessions} sessions), {known} already in the store, "
            "{bad} refused."
        ).format(
            ingested=len(self.ingested),
            sessions=sum(o.sessions for o in self.ingested),
            known=len(self.known),
            bad=len(self.bad),
        )

    def lines(self) -> list[str]:
        """The summary, then the refused files with their reasons, then the rest."""
        return [self.summary()] + [o.line() for o in self.bad + self.ingested + self.known]


def collect(items: Iterable[Path | str]) -> list[Path]:
    """The files named, and the .xlsx files found in folders named (recursively); the
    temporary files Excel and this app leave ("~$…", ".~…") are not reports."""
    found: list[Path] = []
    seen: set[Path] = set()
    for item in items:
        path = Path(item)
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm")
            )
        else:
            candidates = [path]
        for p in candidates:
            if p.name.startswith(("~$", ".~")):
                continue
            key = p.resolve() if p.exists() else p
            if key not in seen:
                seen.add(key)
                found.append(p)
    return found


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _chunks(items: Sequence[Any], n: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


class Ingester:
    """Ingests files into one open store; caches ids of offices, labels and procedures
    (dropped when a file's transaction fails, so no cached id outlives a rollback)."""

    def __init__(
        self,
        store: Store,
        by: str = "",
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.store = store
        self.by = by or _user()
        self.clock = clock
        self._reset()

    def _reset(self) -> None:
        self.labels: dict[tuple[str, str, str], int] | None = None
        self.offices: dict[str, int] | None = None
        self.procedures: dict[str, tuple[int, str, str, str]] | None = None

    # -- the whole job ------------------------------------------------------------------
    def ingest(
        self,
        items: Iterable[Path | str],
        progress: Progress | None = None,
        workers: int = 0,
    ) -> IngestReport:
        """Every file in turn. With ``workers`` ≥ 1 the files are read (parsed and
        checked) in that many processes while this one writes, a few files ahead at
        most (memory stays that of a handful of files); the writing is the same."""
        files = collect(items)
        report = IngestReport()
        if not files:
            report.outcomes.append(FileOutcome(Path("-"), "bad", tr("no report file was found")))
            return report
        done = 0
        for path, outcome in self._outcomes(files, workers):
            report.outcomes.append(outcome)
            done += 1
            if progress:
                progress(done / len(files), path.name)
        return report

    def _outcomes(self, files: list[Path], workers: int) -> Iterator[tuple[Path, FileOutcome]]:
        pending: list[tuple[Path, str]] = []
        for path in files:
            first = self._check(path)
            if isinstance(first, FileOutcome):
                yield path, first
            else:
                pending.append((path, first))
        if workers < 1 or len(pending) < 4:
            for path, digest in pending:
                yield path, self._ingest_read(path, digest, _read(path))
            return
        import multiprocessing
        from collections import deque
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        context = multiprocessing.get_context("spawn")  # no Tk, no locks of this process
        window: deque = deque()
        queue = iter(pending)
        try:
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                for path, digest in queue:
                    window.append((path, digest, pool.submit(_read, path)))
                    if len(window) >= 3 * workers:
                        break
                while window:
                    path, digest, future = window[0]
                    read = future.result()
                    window.popleft()
                    nxt = next(queue, None)
                    if nxt is not None:
                        window.append((nxt[0], nxt[1], pool.submit(_read, nxt[0])))
                    yield path, self._ingest_read(path, digest, read)
        except (BrokenProcessPool, OSError):
            # the reading processes could not start or died (a host that forbids them):
            # the files not yet ingested are read here, one by one
            log.warning("reading processes unavailable; reading in this process")
            rest = [(p, d) for p, d, _f in window] + list(queue)
            for path, digest in rest:
                yield path, self._ingest_read(path, digest, _read(path))

    def _check(self, path: Path) -> FileOutcome | str:
        """A known or unreadable file's outcome, else the file's digest."""
        path = Path(path)
        try:
            if not path.is_file():
                return FileOutcome(path, "bad", tr("file not found"))
            digest = file_digest(path)
        except OSError as exc:
            return FileOutcome(
                path, "bad", tr("cannot be opened ({error})").format(error=exc.strerror or exc)
            )
        known = self.store.db.execute(
            "SELECT name, ingested_at FROM received_file WHERE sha256 = ?", [digest]
        ).fetchone()
        if known:
            when = datetime.fromisoformat(known[1]).strftime("%H:%M %d/%m/%Y")
            reason = tr("received as {name} at {when}").format(name=known[0], when=when)
            return FileOutcome(path, "known", reason)
        return digest

    def _ingest_read(self, path: Path, digest: str, read: DataFile | str) -> FileOutcome:
        if isinstance(read, str):  # why it could not be read
            return FileOutcome(path, "bad", read)
        again = self.store.db.execute(  # the same content twice in one batch
            "SELECT 1 FROM received_file WHERE sha256 = ?", [digest]
        ).fetchone()
        if again:
            return FileOutcome(path, "known", tr("the same file was given twice"))
        try:
            return self._write(path, digest, read)
        except BaseException:
            self._reset()
            raise

    # -- one file, one transaction -----------------------------------------------------
    def _write(self, path: Path, digest: str, data: DataFile) -> FileOutcome:
        outcome = FileOutcome(
            path,
            "ingested",
            office=data.office.name or data.office.code or tr("(office not named)"),
            period=data.period.label,
            sessions=len(data.sessions),
        )
        exported = data.generated_at.isoformat(timespec="seconds") if data.generated_at else ""
        with self.store.transaction() as db:
            conn = db.conn
            file_office = (
                self._office(data.office.code, data.office.name) if data.office.code else None
            )
            if file_office is not None and data.office.name:
                conn.execute(
                    "UPDATE office SET name = ? WHERE id = ? AND name = ''",
                    [data.office.name, file_office],
                )
            cursor = conn.execute(
                """
                INSERT INTO received_file (sha256, name, size, office_id, period_kind,
                    period_start, period_end, generated_at, app_version, format_version,
                    consolidated, sessions, procedures, tombstones, prev_totals, ingested_at,
                    ingested_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    digest,
                    path.name,
                    path.stat().st_size,
                    file_office,
                    data.period.kind,
                    data.period.start.isoformat(),
                    data.period.end.isoformat(),
                    exported,
                    data.app_version,
                    data.version,
                    int(data.consolidated),
                    len(data.sessions),
                    sum(len(s.procedures) for s in data.sessions),
                    len(data.tombstones),
                    json.dumps(data.prev_totals.as_dict()) if data.prev_totals else "",
                    self.clock().replace(microsecond=0).isoformat(timespec="seconds"),
                    self.by,
                ],
            )
            file_id = int(cursor.lastrowid or 0)
            self._lookups(conn, data)
            self._tombstones(conn, data, file_id, outcome)
            self._sessions(conn, data.sessions, file_id, exported, outcome)
            conn.execute(
                "UPDATE received_file SET new_sessions = ?, replaced_sessions = ?, "
                "kept_sessions = ?, voided_sessions = ? WHERE id = ?",
                [outcome.new, outcome.replaced, outcome.kept, outcome.voided, file_id],
            )
        return outcome

    # -- ids of repeated things ---------------------------------------------------------
    def _office(self, code: str, name: str) -> int:
        if self.offices is None:
            self.offices = {c: i for i, c in self.store.db.execute("SELECT id, code FROM office")}
        found = self.offices.get(code)
        if found is None:
            cur = self.store.db.conn.execute(
                "INSERT INTO office (code, name) VALUES (?, ?)", [code, name or ""]
            )
            found = self.offices[code] = int(cur.lastrowid or 0)
        return found

    def _label(self, kind: str, text: str, code: str = "") -> int | None:
        if not text and not code:
            return None
        if self.labels is None:
            self.labels = {
                (k, c, t): i
                for i, k, c, t in self.store.db.execute("SELECT id, kind, code, text FROM label")
            }
        key = (kind, code, text)
        found = self.labels.get(key)
        if found is None:
            cur = self.store.db.conn.execute(
                "INSERT INTO label (kind, code, text) VALUES (?, ?, ?)", [kind, code, text]
            )
            found = self.labels[key] = int(cur.lastrowid or 0)
        return found

    def _procedure(self, code: str, name: str, fld: str, level: str) -> int:
        if self.procedures is None:
            self.procedures = {
                c: (i, n, f, o)
                for i, c, n, f, o in self.store.db.execute(
                    "SELECT id, code, name, field, online_level FROM procedure"
                )
            }
        found = self.procedures.get(code)
        conn = self.store.db.conn
        if found is None:
            cur = conn.execute(
                "INSERT INTO procedure (code, name, field, online_level) VALUES (?, ?, ?, ?)",
                [code, name, fld, level],
            )
            pid = int(cur.lastrowid or 0)
            self.procedures[code] = (pid, name, fld, level)
            return pid
        pid, old_name, old_field, old_level = found
        new = (name or old_name, fld or old_field, level or old_level)
        if new != (old_name, old_field, old_level):  # a newer catalogue fills in the gaps
            conn.execute(
                "UPDATE procedure SET name = ?, field = ?, online_level = ? WHERE id = ?",
                [*new, pid],
            )
            self.procedures[code] = (pid, *new)
        return pid

    def _lookups(self, conn: Any, data: DataFile) -> None:
        conn.executemany(
            """
            INSERT INTO lookup (kind, code, label, sort_order, active) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(kind, label) DO UPDATE SET code = excluded.code,
                sort_order = excluded.sort_order, active = excluded.active
            """,
            [(r.kind, r.code, r.label, r.sort_order, int(r.active)) for r in data.lookups],
        )

    # -- voids and sessions -------------------------------------------------------------
    def _tombstones(self, conn: Any, data: DataFile, file_id: int, outcome: FileOutcome) -> None:
        for t in data.tombstones:
            key = uuidlib.UUID(t.uuid).bytes
            office = self._office(t.office_code, "")
            conn.execute(
                """
                INSERT INTO tombstone (uuid, office_id, started_at, updated_at, file_id)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(uuid) DO UPDATE SET updated_at = excluded.updated_at,
                    file_id = excluded.file_id
                WHERE excluded.updated_at > tombstone.updated_at
                """,
                [key, office, t.started_at.isoformat(timespec="seconds"), t.updated_at, file_id],
            )
            changed = conn.execute(
                "UPDATE session SET voided = 1 WHERE uuid = ? AND voided = 0 AND updated_at <= ?",
                [key, t.updated_at],
            ).rowcount
            outcome.voided += changed

    def _existing(self, conn: Any, keys: list[bytes]) -> tuple[dict, dict]:
        sessions: dict[bytes, tuple[int, str, str]] = {}
        tombs: dict[bytes, str] = {}
        for part in _chunks(keys):
            marks = ",".join("?" * len(part))
            for key, sid, upd, exp in conn.execute(
                f"SELECT uuid, id, updated_at, exported_at FROM session WHERE uuid IN ({marks})",
                list(part),
            ):
                sessions[key] = (sid, upd, exp)
            for key, upd in conn.execute(
                f"SELECT uuid, updated_at FROM tombstone WHERE uuid IN ({marks})", list(part)
            ):
                tombs[key] = upd
        return sessions, tombs

    def _sessions(
        self,
        conn: Any,
        sessions: list[SessionRec],
        file_id: int,
        exported: str,
        outcome: FileOutcome,
    ) -> None:
        keys = [uuidlib.UUID(s.uuid).bytes for s in sessions]
        existing, tombs = self._existing(conn, keys)
        next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM session").fetchone()[0]
        next_sp = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM session_procedure").fetchone()[
            0
        ]
        rows, helps, procs, barriers, replaced_ids = [], [], [], [], []
        for s, key in zip(sessions, keys, strict=True):
            before = existing.get(key)
            if before is not None and (s.updated_at, exported) <= (before[1], before[2]):
                outcome.kept += 1
                continue
            tomb = tombs.get(key)
            voided = int(tomb is not None and tomb >= s.updated_at)
            if before is None:
                sid = next_id
                next_id += 1
                outcome.new += 1
            else:
                sid = before[0]
                replaced_ids.append(sid)
                outcome.replaced += 1
            outcome.voided += voided and before is None
            rows.append(self._row(sid, key, s, file_id, exported, voided))
            helps += [(sid, self._label("help_type", h)) for h in s.help_types]
            for p in s.procedures:
                pid = self._procedure(p.code, p.name, p.field, p.online_level)
                outcome_id = self._label("outcome", p.outcome, p.outcome_code)
                procs.append((next_sp, sid, p.position, pid, outcome_id, p.dossier_code))
                barriers += [(next_sp, self._label("barrier", b)) for b in p.barriers]
                next_sp += 1
        for part in _chunks(replaced_ids):
            marks = ",".join("?" * len(part))
            conn.execute(
                "DELETE FROM procedure_barrier WHERE session_procedure_id IN "
                f"(SELECT id FROM session_procedure WHERE session_id IN ({marks}))",
                list(part),
            )
            conn.execute(f"DELETE FROM session_procedure WHERE session_id IN ({marks})", list(part))
            conn.execute(f"DELETE FROM session_help WHERE session_id IN ({marks})", list(part))
            conn.execute(f"DELETE FROM session WHERE id IN ({marks})", list(part))
        conn.executemany(
            """
            INSERT INTO session (id, uuid, office_id, started_at, minutes, officer_id,
                counter_id, channel_id, portal_id, applicant_id, elderly, ethnic_minority,
                disability, self_reliance_id, satisfaction_id, note, updated_at, exported_at,
                file_id, voided)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            rows,
        )
        conn.executemany("INSERT OR IGNORE INTO session_help VALUES (?, ?)", helps)
        conn.executemany(
            "INSERT INTO session_procedure (id, session_id, position, procedure_id, outcome_id, "
            "dossier_code) VALUES (?, ?, ?, ?, ?, ?)",
            procs,
        )
        conn.executemany("INSERT OR IGNORE INTO procedure_barrier VALUES (?, ?)", barriers)

    def _row(
        self, sid: int, key: bytes, s: SessionRec, file_id: int, exported: str, voided: int
    ) -> tuple:
        from counter_app.domain.masking import mask_personal

        return (
            sid,
            key,
            self._office(s.office_code, s.office_name),
            s.started_at.isoformat(timespec="seconds"),
            s.minutes,
            self._label("officer", s.officer),
            self._label("counter", s.counter),
            self._label("channel", s.channel),
            self._label("portal", s.portal),
            self._label("applicant_type", s.applicant_type, s.applicant_code),
            TRI.get(s.elderly, 2),
            TRI.get(s.ethnic_minority, 2),
            TRI.get(s.disability, 2),
            self._label("self_reliance", s.self_reliance),
            self._label("satisfaction", s.satisfaction),
            mask_personal(s.note) if s.note else "",  # files of older versions: unmasked
            s.updated_at,
            exported,
            file_id,
            voided,
        )


def _read(path: Path) -> DataFile | str:
    """The file's data, or why it cannot be used (a Vietnamese reason): in a worker
    process too, so nothing it returns is an exception to pickle."""
    try:
        return read_data_file(path, L.SHEET_DATA)
    except DataSheetError as exc:
        return reason_text(exc)
    except OSError as exc:
        return tr("cannot be opened ({error})").format(error=exc.strerror or exc)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system: not a reason to fail
        return ""


def ingest(
    store: Store,
    items: Iterable[Path | str],
    *,
    by: str = "",
    clock: Callable[[], datetime] = datetime.now,
    progress: Progress | None = None,
    workers: int = 0,
) -> IngestReport:
    """Ingest files and folders into ``store``; see the module docstring."""
    return Ingester(store, by, clock).ingest(items, progress, workers)
