"""History filters at 100k and 1M sessions: page and count per filter, new against old.

    python benchmarks/bench_history.py [--sizes 100000 1000000] [--cache /tmp/counter_app_bench]

Builds (once, then reuses from the cache folder) a demo database of each size with the
schema BEFORE the history indexes (migrations m001–m003), copies it and opens the copy
with the app (which migrates it: the time of that one-off upgrade is printed too). Then
for every filter the officer can set it times, five runs each, the median of

- the baseline: the query the history ran before (a correlated EXISTS per session for a
  procedure or outcome, ``LIKE '%…%'`` on the folded text, a full count) on the old file;
- the new query (``services.session_queries``) on the migrated file.

The goal is ≤ 150 ms per page for every filter at 1M. Counts run on the job runner, off
the window's thread; their figures are printed for the record.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402

from counter_app.domain.models import SessionFilter  # noqa: E402
from counter_app.domain.text import fold  # noqa: E402
from counter_app.services import demo, session_queries  # noqa: E402
from counter_app.storage.database import open_store  # noqa: E402

WEEKS = 520  # ten years of a busy office


def build_old(folder: Path, sessions: int) -> Path:
    """A database of ``sessions`` demo sessions with the schema before m004: generated
    with today's schema, then m004 taken off again (its indexes, triggers, full-text
    table and column), so old and new hold the same rows."""
    path = folder / f"old-{sessions}.db"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / f"gen-{sessions}"
    shutil.rmtree(work, ignore_errors=True)
    store = open_store(
        work / "counter_app.db", work / "backups", work / "damaged", check_location=False
    )
    per_day = max(1, round(sessions / (WEEKS * 95 / 18)))
    t0 = time.perf_counter()
    demo.generate(store, weeks=WEEKS, per_day=per_day, end=date(2026, 11, 22), seed=7)
    with store.transaction() as db:  # a few voided sessions, as in real use
        db.execute("UPDATE session SET voided = 1, void_reason = 'nhầm' WHERE id % 200 = 0")
    store.close(backup_on_exit=False)
    conn = sqlite3.connect(work / "counter_app.db")
    conn.executescript(
        """
        DROP TRIGGER IF EXISTS trg_session_fts_insert;
        DROP TRIGGER IF EXISTS trg_session_fts_delete;
        DROP TRIGGER IF EXISTS trg_session_fts_update;
        DROP TABLE IF EXISTS session_fts;
        DROP TRIGGER trg_sp_started;
        DROP TRIGGER trg_session_started;
        DROP INDEX idx_session_live;
        DROP INDEX idx_sp_procedure;
        DROP INDEX idx_sp_outcome;
        ALTER TABLE session_procedure DROP COLUMN started_at;
        CREATE INDEX idx_sp_procedure ON session_procedure (procedure_code, session_id);
        CREATE INDEX idx_sp_outcome ON session_procedure (outcome_id, session_id);
        DELETE FROM _sqlite_migrations WHERE name = 'm004_history_indexes';
        PRAGMA user_version = 3;
        PRAGMA journal_mode = DELETE;
        VACUUM;
        """
    )
    conn.close()
    (work / "counter_app.db").rename(path)
    shutil.rmtree(work, ignore_errors=True)
    print(f"built {path.name} in {time.perf_counter() - t0:.0f} s")
    return path


def migrated_copy(old: Path) -> tuple[Path, float]:
    folder = old.parent / f"new-{old.stem.split('-')[1]}"
    path = folder / "counter_app.db"
    if path.exists():
        return path, float("nan")
    folder.mkdir(exist_ok=True)
    shutil.copyfile(old, path)
    t0 = time.perf_counter()
    store = open_store(path, folder / "backups", folder / "damaged", check_location=False)
    store.close(backup_on_exit=False)
    shutil.rmtree(folder / "backups", ignore_errors=True)
    return path, time.perf_counter() - t0


# -- the history's queries before this change (the baseline) ---------------------------
def legacy_where(flt: SessionFilter) -> tuple[str, list[object]]:
    clauses, params = ["1 = 1"], []
    if not flt.include_voided:
        clauses.append("s.voided = 0")
    if flt.date_from:
        clauses.append("s.started_at >= ?")
        params.append(flt.date_from.isoformat(timespec="seconds"))
    if flt.date_to:
        clauses.append("s.started_at < ?")
        params.append(flt.date_to.isoformat(timespec="seconds"))
    if flt.officer_id:
        clauses.append("s.officer_id = ?")
        params.append(flt.officer_id)
    if flt.procedure_code:
        clauses.append(
            "EXISTS (SELECT 1 FROM session_procedure sp WHERE sp.session_id = s.id "
            "AND sp.procedure_code = ?)"
        )
        params.append(flt.procedure_code)
    if flt.outcome_id:
        clauses.append(
            "EXISTS (SELECT 1 FROM session_procedure sp WHERE sp.session_id = s.id "
            "AND sp.outcome_id = ?)"
        )
        params.append(flt.outcome_id)
    text = fold(flt.text)
    if text:
        clauses.append("s.search_text LIKE ?")
        params.append(f"%{text}%")
    return " AND ".join(clauses), params


def legacy_page(conn: sqlite3.Connection, flt: SessionFilter) -> list[int]:
    where, params = legacy_where(flt)
    sql = f"""SELECT s.id, (SELECT group_concat(sp.procedure_code, ', ') FROM session_procedure
              sp WHERE sp.session_id = s.id) FROM session s WHERE {where}
              ORDER BY s.started_at DESC, s.id DESC LIMIT 50"""
    return [r[0] for r in conn.execute(sql, params)]


def legacy_count(conn: sqlite3.Connection, flt: SessionFilter) -> int:
    where, params = legacy_where(flt)
    return int(conn.execute(f"SELECT count(*) FROM session s WHERE {where}", params).fetchone()[0])


def filters(conn: sqlite3.Connection) -> dict[str, SessionFilter]:
    rare = conn.execute(
        "SELECT procedure_code FROM session_procedure GROUP BY 1 ORDER BY count(*), 1 LIMIT 1"
    ).fetchone()[0]
    # the procedure whose last use is the oldest: a page of it means reading back for years
    stale = conn.execute(
        "SELECT sp.procedure_code FROM session_procedure sp JOIN session s "
        "ON s.id = sp.session_id GROUP BY 1 ORDER BY max(s.started_at), 1 LIMIT 1"
    ).fetchone()[0]
    referred = conn.execute(
        "SELECT id FROM lookup WHERE kind = 'outcome' AND code = 'referred_to_counter'"
    ).fetchone()[0]
    return {
        "no filter": SessionFilter(),
        "with voided": SessionFilter(include_voided=True),
        "one week": SessionFilter(date_from=datetime(2025, 3, 3), date_to=datetime(2025, 3, 10)),
        "one officer": SessionFilter(officer_id=3),
        f"rare procedure {rare}": SessionFilter(procedure_code=rare),
        f"procedure last used long ago {stale}": SessionFilter(procedure_code=stale),
        "common procedure 1.001193": SessionFilter(procedure_code="1.001193"),
        "outcome 'referred'": SessionFilter(outcome_id=referred),
        "text 'mang cham'": SessionFilter(text="mạng chậm"),
        "text '1.001193'": SessionFilter(text="1.001193"),
        f"text '{rare}' (rare)": SessionFilter(text=rare),
        f"text '{stale}' (only long ago)": SessionFilter(text=stale),
        "text 'zzz' (nothing)": SessionFilter(text="zzz"),
        "procedure + text": SessionFilter(procedure_code="1.001193", text="mang cham"),
    }


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(old: sqlite3.Connection, new: Database, flt: SessionFilter) -> tuple:
    """(page before, page now, count before, count now, matches); the answers agree."""
    base_page = median_ms(lambda: legacy_page(old, flt))
    base_count = median_ms(lambda: legacy_count(old, flt))
    page = median_ms(lambda: session_queries.list_page(new, flt))
    n = session_queries.count(new, flt)
    assert n == legacy_count(old, flt), (flt, n)  # the same answer, found faster
    ids = [r.id for r in session_queries.list_page(new, flt)]
    assert ids == legacy_page(old, flt), flt  # the same sessions in the same order
    cnt = median_ms(lambda: session_queries.count(new, flt))
    return base_page, page, base_count, cnt, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/counter_app_bench"))
    args = parser.parse_args()
    print(f"SQLite {sqlite3.sqlite_version}")
    rows = []
    for size in args.sizes:
        old = build_old(args.cache, size)
        new, upgrade_s = migrated_copy(old)
        if upgrade_s == upgrade_s:  # not NaN: migrated just now
            print(f"{size:,}: one-off upgrade (m004) took {upgrade_s:.1f} s")
        old_conn = sqlite3.connect(old)
        new_db = Database(sqlite3.connect(new))
        for name, flt in filters(old_conn).items():
            rows.append((size, name, *measure(old_conn, new_db, flt)))
        old_conn.close()
        new_db.close()
    print()
    print(
        "| sessions | filter | page before ms | page now ms | ratio | count before ms "
        "| count now ms | matches |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for size, name, bp, p, bc, c, n in rows:
        print(
            f"| {size:,} | {name} | {bp:.1f} | {p:.1f} | ×{bp / max(p, 0.01):.0f} | {bc:.1f} "
            f"| {c:.1f} | {n:,} |"
        )
    worst = max(p for size, *_rest in rows if size == max(args.sizes) for p in [_rest[2]])
    print(f"\nslowest page at {max(args.sizes):,}: {worst:.1f} ms (goal ≤ 150 ms)")


if __name__ == "__main__":
    main()
