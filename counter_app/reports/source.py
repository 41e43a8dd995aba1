"""Sessions of a date range as plain records: the only place in reports that speaks SQL.

Lookup labels are joined without filtering ``active``: a retired value stays readable in
old records. Voided sessions are excluded (``load_tombstones`` lists them for the data
sheet). Personal fields are never selected; personal data typed into notes and dossier
codes is masked here, so every export built on these records is free of it.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from counter_app.domain.masking import mask_personal
from counter_app.domain.models import (
    APPLICANT_INDIVIDUAL,
    APPLICANT_ORGANISATION,
    OUTCOME_SUBMITTED,
)
from counter_app.reports.records import (
    LookupOrder,
    LookupRec,
    OfficeInfo,
    ProcRec,
    SessionRec,
    Tombstone,
)
from counter_app.storage.database import Store

_SESSIONS = """
    SELECT s.id, s.uuid, coalesce(o.code, ''), coalesce(o.name, ''), s.started_at, s.minutes,
           coalesce(f.name, ''), coalesce(c.name, ''),
           coalesce(ch.label, ''), coalesce(po.label, ''),
           coalesce(ap.code, ''), coalesce(ap.label, ''),
           s.elderly, s.ethnic_minority, s.disability,
           coalesce(sr.label, ''), coalesce(sa.label, ''), s.note, s.updated_at
    FROM session s
    LEFT JOIN office o ON o.id = s.office_id
    LEFT JOIN officer f ON f.id = s.officer_id
    LEFT JOIN counter c ON c.id = s.counter_id
    LEFT JOIN lookup ch ON ch.id = s.channel_id
    LEFT JOIN lookup po ON po.id = s.portal_id
    LEFT JOIN lookup ap ON ap.id = s.applicant_type_id
    LEFT JOIN lookup sr ON sr.id = s.self_reliance_id
    LEFT JOIN lookup sa ON sa.id = s.satisfaction_id
    WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
    ORDER BY s.started_at, s.id
"""
_HELP = """
    SELECT h.session_id, l.label
    FROM session_help h
    JOIN session s ON s.id = h.session_id
    JOIN lookup l ON l.id = h.help_type_id
    WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
    ORDER BY h.session_id, l.sort_order, l.id
"""
_PROCEDURES = """
    SELECT sp.session_id, sp.id, sp.position, sp.procedure_code,
           coalesce(p.name, sp.procedure_code), coalesce(p.field, ''),
           coalesce(p.online_level, ''), coalesce(lo.code, ''), coalesce(lo.label, ''),
           sp.dossier_code
    FROM session_procedure sp
    JOIN session s ON s.id = sp.session_id
    LEFT JOIN procedure p ON p.code = sp.procedure_code
    LEFT JOIN lookup lo ON lo.id = sp.outcome_id
    WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
    ORDER BY sp.session_id, sp.position, sp.id
"""
_BARRIERS = """
    SELECT b.session_procedure_id, l.label
    FROM session_procedure_barrier b
    JOIN session_procedure sp ON sp.id = b.session_procedure_id
    JOIN session s ON s.id = sp.session_id
    JOIN lookup l ON l.id = b.barrier_id
    WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
    ORDER BY b.session_procedure_id, l.sort_order, l.id
"""


@contextlib.contextmanager
def snapshot(store: Store) -> Iterator[None]:
    """One read transaction around several queries: in WAL mode they all see the database
    as it was at the first, so a session saved meanwhile (the report runs on a worker while
    the officer keeps working) is either wholly in the report or not at all."""
    conn = store.db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def bounds(start: date, end: date) -> list[str]:
    """[start 00:00, end+1 00:00) as the ISO text ``started_at`` is stored in."""
    return [
        datetime.combine(start, datetime.min.time()).isoformat(timespec="seconds"),
        datetime.combine(end + timedelta(days=1), datetime.min.time()).isoformat(
            timespec="seconds"
        ),
    ]


Share = Callable[[Any, Any], Any]


def _labels_by_owner(conn: sqlite3.Connection, sql: str, args: list[str], share: Share) -> dict:
    """owner id → tuple of labels (help types of a session, barriers of a procedure)."""
    labels: dict[int, tuple[str, ...]] = {}
    for owner, label in conn.execute(sql, args):
        key = (*labels.get(owner, ()), label)
        labels[owner] = share(key, key)
    return labels


def _procedures_by_session(
    conn: sqlite3.Connection, args: list[str], share: Share
) -> dict[int, list[ProcRec]]:
    barriers = _labels_by_owner(conn, _BARRIERS, args, share)
    procs: dict[int, list[ProcRec]] = {}
    for sid, spid, pos, code, name, fld, online, ocode, olabel, dossier in conn.execute(
        _PROCEDURES, args
    ):
        procs.setdefault(sid, []).append(
            ProcRec(
                share(code, code),
                share(name, name),
                share(fld, fld),
                share(online, online),
                share(ocode, ocode),
                share(olabel, olabel),
                barriers.get(spid, ()),
                mask_personal(dossier) if dossier else "",
                pos,
            )
        )
    return procs


def load_sessions(store: Store, start: date, end: date, *, notes: bool = True) -> list[SessionRec]:
    """Every non-voided session that started on a day in [start, end], oldest first.

    Notes are masked (phone, ID, e-mail), or left out entirely when ``notes`` is False
    (the office's choice)."""
    conn = store.db.conn
    args = bounds(start, end)
    # One shared object per distinct text (officer, label, procedure name…): a year of
    # sessions repeats the same few hundred strings hundreds of thousands of times.
    pool: dict = {}
    share = pool.setdefault
    helps = _labels_by_owner(conn, _HELP, args, share)
    procs = _procedures_by_session(conn, args, share)
    fromiso = datetime.fromisoformat
    out = []
    for row in conn.execute(_SESSIONS, args):
        sid = row[0]
        (
            office_code,
            office_name,
            officer,
            counter,
            channel,
            portal,
            applicant_code,
            applicant,
            elderly,
            ethnic,
            disability,
            self_rel,
            satisfaction,
        ) = (share(v, v) for v in row[2:4] + row[6:17])
        out.append(
            SessionRec(
                row[1],
                office_code,
                office_name,
                fromiso(row[4]),
                row[5],
                officer,
                counter,
                channel,
                portal,
                applicant_code,
                applicant,
                elderly,
                ethnic,
                disability,
                self_rel,
                satisfaction,
                helps.get(sid, ()),
                mask_personal(row[17]) if notes and row[17] else "",
                procs.get(sid, []),
                row[18],
            )
        )
    return out


def load_tombstones(store: Store, start: date, end: date) -> list[Tombstone]:
    """The voided sessions of [start, end]: the data sheet carries them so that a copy
    received before the void is dropped where the files are consolidated."""
    rows = store.db.conn.execute(
        """
        SELECT s.uuid, coalesce(o.code, ''), s.started_at, s.updated_at
        FROM session s LEFT JOIN office o ON o.id = s.office_id
        WHERE s.voided = 1 AND s.started_at >= ? AND s.started_at < ?
        ORDER BY s.started_at, s.id
        """,
        bounds(start, end),
    )
    return [Tombstone(u, code, datetime.fromisoformat(t), upd) for u, code, t, upd in rows]


def count_rows(store: Store, start: date, end: date) -> tuple[int, int, int]:
    """(sessions, procedures, detail rows) of [start, end] in one COUNT: the report is
    refused from these before anything is loaded when a sheet would pass Excel's limit.
    A LEFT JOIN row per procedure, one for a session without any: the detail sheet."""
    row = store.db.conn.execute(
        """
        SELECT count(DISTINCT s.id), count(sp.id), count(*)
        FROM session s LEFT JOIN session_procedure sp ON sp.session_id = s.id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
        """,
        bounds(start, end),
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def load_lookups(store: Store) -> LookupOrder:
    rows = store.db.conn.execute(
        "SELECT kind, code, label, sort_order, active FROM lookup ORDER BY kind, sort_order, id"
    )
    return LookupOrder.from_records([LookupRec(k, c, lb, o, bool(a)) for k, c, lb, o, a in rows])


def load_office(store: Store) -> OfficeInfo:
    from counter_app.services.offices import OfficeService

    office = OfficeService(store).office()
    if office is None:
        return OfficeInfo(code="", name="")
    return OfficeInfo(office.code, office.name, office.province, office.parent_body)


def load_totals(store: Store, start: date, end: date):
    """The key-figure counts of a range straight from SQL (the previous period needs
    nothing else, so its sessions are not loaded)."""
    from counter_app.reports.aggregate import LEVEL_FULL, LEVEL_PARTIAL, Totals, level_kind

    args = bounds(start, end)
    conn = store.db.conn
    n, individuals, organisations, minutes, elderly, ethnic, disability = conn.execute(
        """
        SELECT count(*), coalesce(sum(ap.code = ?), 0),
               coalesce(sum(ap.code = ?), 0), coalesce(sum(s.minutes), 0),
               coalesce(sum(s.elderly = 'yes'), 0), coalesce(sum(s.ethnic_minority = 'yes'), 0),
               coalesce(sum(s.disability = 'yes'), 0)
        FROM session s LEFT JOIN lookup ap ON ap.id = s.applicant_type_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
        """,
        [APPLICANT_INDIVIDUAL, APPLICANT_ORGANISATION, *args],
    ).fetchone()
    procedures = submitted = full = partial = 0
    for level, count, ok in conn.execute(
        """
        SELECT coalesce(p.online_level, ''), count(*), coalesce(sum(lo.code = ?), 0)
        FROM session_procedure sp JOIN session s ON s.id = sp.session_id
        LEFT JOIN procedure p ON p.code = sp.procedure_code
        LEFT JOIN lookup lo ON lo.id = sp.outcome_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
        GROUP BY 1
        """,
        [OUTCOME_SUBMITTED, *args],
    ):
        procedures += count
        submitted += ok
        kind = level_kind(level)
        full += ok if kind == LEVEL_FULL else 0
        partial += ok if kind == LEVEL_PARTIAL else 0
    return Totals(
        sessions=n,
        individuals=individuals,
        organisations=organisations,
        procedures=procedures,
        submitted=submitted,
        submitted_full=full,
        submitted_partial=partial,
        minutes=minutes,
        elderly=elderly,
        ethnic_minority=ethnic,
        disability=disability,
    )


def day_counts(store: Store, start: date, end: date) -> dict[date, tuple[int, int, int]]:
    """day → (sessions, procedures, submitted) of [start, end], from SQL (the week at a
    glance: two weeks of days, eight weeks of rates)."""
    args = bounds(start, end)
    conn = store.db.conn
    out: dict[date, list[int]] = {}
    for day, n in conn.execute(
        """
        SELECT substr(started_at, 1, 10), count(*) FROM session
        WHERE voided = 0 AND started_at >= ? AND started_at < ? GROUP BY 1
        """,
        args,
    ):
        out.setdefault(date.fromisoformat(day), [0, 0, 0])[0] = n
    for day, procs, ok in conn.execute(
        """
        SELECT substr(s.started_at, 1, 10), count(*), coalesce(sum(lo.code = ?), 0)
        FROM session_procedure sp JOIN session s ON s.id = sp.session_id
        LEFT JOIN lookup lo ON lo.id = sp.outcome_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ? GROUP BY 1
        """,
        [OUTCOME_SUBMITTED, *args],
    ):
        entry = out.setdefault(date.fromisoformat(day), [0, 0, 0])
        entry[1], entry[2] = procs, ok
    return {d: (v[0], v[1], v[2]) for d, v in out.items()}


def procedure_counts(store: Store, start: date, end: date) -> list[tuple[str, str, int]]:
    """(code, name, procedures guided) of [start, end], every procedure used."""
    return [
        (code, name, n)
        for code, name, n in store.db.conn.execute(
            """
            SELECT sp.procedure_code, coalesce(p.name, sp.procedure_code), count(*)
            FROM session_procedure sp JOIN session s ON s.id = sp.session_id
            LEFT JOIN procedure p ON p.code = sp.procedure_code
            WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ? GROUP BY 1
            """,
            bounds(start, end),
        )
    ]


def barrier_label_counts(store: Store, start: date, end: date) -> list[tuple[str, int]]:
    """(barrier label, procedures that met it) of [start, end]."""
    return [
        (label, n)
        for label, n in store.db.conn.execute(
            """
            SELECT l.label, count(*) FROM session_procedure_barrier b
            JOIN lookup l ON l.id = b.barrier_id
            JOIN session_procedure sp ON sp.id = b.session_procedure_id
            JOIN session s ON s.id = sp.session_id
            WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ? GROUP BY 1
            """,
            bounds(start, end),
        )
    ]


@contextlib.contextmanager
def read_only_store(path: Path) -> Iterator[Store | None]:
    """The office database at ``path`` opened read-only without the instance lock (the
    window may be running): for a command that only needs the office's name and its
    document settings. None when there is no usable file."""
    from sqlite_utils import Database

    from counter_app.storage.backup import connect_readonly

    if not Path(path).is_file():
        yield None
        return
    try:
        conn = connect_readonly(path)
        conn.execute("PRAGMA query_only = 1")
    except sqlite3.Error:
        yield None
        return
    try:
        yield Store(
            db=Database(conn), path=Path(path), backups_dir=Path(path).parent, is_reader=True
        )
    finally:
        conn.close()


def office_of_file(path: Path) -> OfficeInfo | None:
    with read_only_store(path) as store:
        if store is None:
            return None
        try:
            info = load_office(store)
        except sqlite3.Error:
            return None
    return info if info.code or info.name else None


def document_of_file(path: Path):
    """The document settings (symbol, signer…) of the office database at ``path``, or
    the defaults when there is none."""
    from counter_app.services.report_document import DocumentSettings, load_document_settings

    with read_only_store(path) as store:
        if store is None:
            return DocumentSettings()
        try:
            return load_document_settings(store)
        except sqlite3.Error:
            return DocumentSettings()
