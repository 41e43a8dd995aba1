"""Save latency with a large database (issue 2's measurement).

    python benchmarks/bench_storage.py [--sessions 1000000] [--saves 300] [--db DIR]

Builds (or reuses) a database of demo sessions, then times SessionService.create — the
officer's "save" — through the real durable path (WAL, synchronous=FULL, one transaction
per save) and prints p50/p95/max. The baseline is the same saves into an empty database,
so the ratio shows what the data size costs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from counter_app.domain.models import Session, SessionFilter, SessionProcedure  # noqa: E402
from counter_app.services import demo  # noqa: E402
from counter_app.services.sessions import SessionService  # noqa: E402
from counter_app.storage.database import open_store  # noqa: E402


def open_in(folder: Path):
    return open_store(folder / "counter_app.db", folder / "backups", folder / "damaged")


def build(folder: Path, sessions: int) -> None:
    store = open_in(folder)
    try:
        have = store.db.execute("SELECT count(*) FROM session").fetchone()[0]
        if have >= sessions:
            print(f"reusing {folder} with {have:,} sessions")
            return
        per_day = 400
        weeks = max(1, -(-sessions // (per_day * 5)))  # ~5 busy days a week
        t0 = time.perf_counter()
        result = demo.generate(
            store,
            weeks=weeks,
            per_day=per_day,
            force=True,
            progress=lambda n: print(f"  {n:,} sessions", end="\r"),
        )
        print(f"generated {result.sessions:,} demo sessions in {time.perf_counter() - t0:.1f} s")
    finally:
        store.close(backup_on_exit=False)


def time_saves(folder: Path, saves: int) -> list[float]:
    store = open_in(folder)
    try:
        service = SessionService(store)
        outcome = store.db.execute(
            "SELECT id FROM lookup WHERE kind='outcome' AND code='submitted'"
        ).fetchone()[0]
        help_id = store.db.execute("SELECT id FROM lookup WHERE kind='help_type'").fetchone()[0]
        officer = store.db.execute("SELECT min(id) FROM officer").fetchone()[0]
        counter = store.db.execute("SELECT min(id) FROM counter").fetchone()[0]
        times = []
        for i in range(saves):
            s = Session(
                officer_id=officer,
                counter_id=counter,
                started_at=datetime.now().replace(microsecond=0) - timedelta(minutes=9),
                minutes=8,
                note=f"đo {i}",
                help_type_ids=[help_id],
                procedures=[SessionProcedure("1.001193", outcome)],
            )
            t0 = time.perf_counter()
            service.create(s)
            times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        service.list(SessionFilter(), limit=50)
        page_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        service.counts()
        counts_ms = (time.perf_counter() - t0) * 1000
        print(f"  history first page {page_ms:.1f} ms, today/week counts {counts_ms:.1f} ms")
        return times
    finally:
        store.close(backup_on_exit=False)


def summary(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return statistics.median(ordered), p95, ordered[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "bench_1m")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as empty:
        base = Path(empty)
        store = open_in(base)
        demo.ensure_demo_office(store)
        store.close(backup_on_exit=False)
        print("baseline: empty database")
        b50, b95, bmax = summary(time_saves(base, args.saves))

    args.db.mkdir(parents=True, exist_ok=True)
    build(args.db, args.sessions)
    print(f"large: {args.db}")
    l50, l95, lmax = summary(time_saves(args.db, args.saves))

    print()
    print(f"save latency over {args.saves} saves (WAL, synchronous=FULL, one transaction each)")
    print(f"  empty database : p50 {b50:6.2f} ms  p95 {b95:6.2f} ms  max {bmax:6.2f} ms")
    print(f"  {args.sessions:>9,} sess.: p50 {l50:6.2f} ms  p95 {l95:6.2f} ms  max {lmax:6.2f} ms")
    print(f"  ratio large/empty: p50 x{l50 / b50:.2f}, p95 x{l95 / b95:.2f}")


if __name__ == "__main__":
    main()
