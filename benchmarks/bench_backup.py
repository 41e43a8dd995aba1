"""Start, exit and backups with years of sessions (issue 15, items 1 and 3), beside the
old code.

    python benchmarks/bench_backup.py --fixture 100k=/tmp/db100k --fixture 1m=/tmp/db1m \
        [--baseline /path/to/a/checkout/of/main] [--runs 3] [--year] [--drop-caches]

Each fixture is a data folder (``COUNTER_APP_HOME``) of demo sessions, built once with
``python -m counter_app demo-data --weeks 500 --per-day 400`` (about a minute per
million). Every measurement runs in a fresh process on a copy of it, with this tree's
code and — with ``--baseline`` — with the old code, so the two columns come from the
same files on the same machine in the same run. Figures (goals from the issue):

- window ready after an unclean exit, cold: the process starts the real ``run_gui`` on
  a data file left by a SIGKILL, its pages dropped from the page cache
  (``posix_fadvise(DONTNEED)``; ``--drop-caches`` drops every cache, as root) — ≤ 1.5 s;
- exit: from ``Store.close()`` after a save (the exit backup) to the end of the
  process — ≤ 3 s;
- save latency while a timer backup runs (p50/p99/max, and with no backup) — p99 ≤ 20 ms;
- ``--year``: a year of daily backups with the sessions of a busy counter added every
  week, on ``/dev/shm``: backups on disk / data file — ≤ 5×. The old code is not run
  for a year (730 full copies); its figure applies its own rotation to the same
  sequence of backups, each as large as the data file was that day.

Prints figures only; nothing here is an assertion.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KILL = r"""
import os, signal
from datetime import datetime, timedelta
from counter_app.bootstrap import open_default_store
from counter_app.domain.models import Session, SessionProcedure
from counter_app.services.sessions import SessionService
store = open_default_store()
outcome = store.db.execute(
    "SELECT id FROM lookup WHERE kind='outcome' AND code='submitted'").fetchone()[0]
officer = store.db.execute("SELECT min(id) FROM officer").fetchone()[0]
counter = store.db.execute("SELECT min(id) FROM counter").fetchone()[0]
now = datetime.now().replace(microsecond=0)
SessionService(store).create(Session(officer_id=officer, counter_id=counter,
    started_at=now - timedelta(seconds=30), minutes=1,
    procedures=[SessionProcedure("1.001193", outcome)]))
os.kill(os.getpid(), signal.SIGKILL)  # a power cut: the session in the -wal, no marker
"""

GUI = r"""
import time
from counter_app.ui.main_window import MainWindow
original = MainWindow.__init__
def init(self, *args, **kwargs):
    original(self, *args, **kwargs)
    def ready():
        print("READY", time.time(), flush=True)
        self.after(50, self.destroy)
    self.after_idle(ready)
MainWindow.__init__ = init
from counter_app.ui.app import run_gui
run_gui()
"""

EXIT = r"""
import time
from datetime import datetime, timedelta
from counter_app.bootstrap import open_default_store
from counter_app.domain.models import Session, SessionProcedure
from counter_app.services.sessions import SessionService
store = open_default_store(trust_clean_exit=True)
outcome = store.db.execute(
    "SELECT id FROM lookup WHERE kind='outcome' AND code='submitted'").fetchone()[0]
officer = store.db.execute("SELECT min(id) FROM officer").fetchone()[0]
counter = store.db.execute("SELECT min(id) FROM counter").fetchone()[0]
now = datetime.now().replace(microsecond=0)
SessionService(store).create(Session(officer_id=officer, counter_id=counter,
    started_at=now - timedelta(seconds=30), minutes=1,
    procedures=[SessionProcedure("1.001193", outcome)]))
print("CLOSE", time.time(), flush=True)
store.close()
"""

SAVES = r"""
import json, statistics, time
from datetime import datetime, timedelta
from counter_app.bootstrap import open_default_store
from counter_app.domain.models import Session, SessionProcedure
from counter_app.services.sessions import SessionService
store = open_default_store()
service = SessionService(store)
outcome = store.db.execute(
    "SELECT id FROM lookup WHERE kind='outcome' AND code='submitted'").fetchone()[0]
officer = store.db.execute("SELECT min(id) FROM officer").fetchone()[0]
counter = store.db.execute("SELECT min(id) FROM counter").fetchone()[0]
def save(i):
    now = datetime.now().replace(microsecond=0)
    s = Session(officer_id=officer, counter_id=counter, started_at=now - timedelta(seconds=30),
                minutes=1, note=f"đo {{i}}", procedures=[SessionProcedure("1.001193", outcome)])
    t = time.perf_counter(); service.create(s); return (time.perf_counter() - t) * 1000
idle = []
for i in range(int({n})):
    idle.append(save(i)); time.sleep(0.02)
during, backups = [], []
for _ in range({rounds}):
    save(0)
    t = time.perf_counter()
    thread = store.backup_in_background("auto")
    while thread.is_alive():
        during.append(save(len(during))); time.sleep(0.02)
    backups.append(time.perf_counter() - t)
store.close(backup_on_exit=False)
print("JSON", json.dumps({{"idle": idle, "during": during, "backups": backups}}))
"""


# -- fixtures ---------------------------------------------------------------------------


class Code:
    def __init__(self, label: str, root: Path):
        self.label, self.root = label, root

    def env(self, home: Path) -> dict:
        return dict(os.environ, COUNTER_APP_HOME=str(home), PYTHONPATH=str(self.root))

    def run(self, script: str, home: Path, timeout: float = 600) -> tuple[float, list[str]]:
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-c", script],
            env=self.env(home),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
        )
        ended = time.time()
        if out.returncode not in (0, -9, 137):
            raise SystemExit(f"{self.label}: child failed\n{out.stderr[-3000:]}")
        return started, out.stdout.splitlines() + [f"END {ended}"]


def master(code: Code, fixture: Path, work: Path, name: str) -> Path:
    """The fixture opened once by ``code`` (so migrations and the first backups are not
    part of any figure), then closed cleanly; copies of it are measured."""
    target = work / code.label / name
    if (target / "counter_app.db").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(fixture, target)
    for leftover in ("backups", "damaged", "exports", "logs"):
        shutil.rmtree(target / leftover, ignore_errors=True)
    code.run(
        "from counter_app.bootstrap import open_default_store\n"
        "s = open_default_store(); s.close(backup_on_exit=False)\n",
        target,
        timeout=1800,
    )
    for leftover in ("backups", "damaged"):
        shutil.rmtree(target / leftover, ignore_errors=True)
    return target


def fresh(source: Path, work: Path) -> Path:
    target = work / "run"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


def drop_cache(home: Path, everything: bool) -> None:
    if everything:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return
    for p in home.rglob("*"):
        if p.is_file():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


# -- measurements -------------------------------------------------------------------------


def window_ready_unclean(code: Code, home: Path, work: Path, runs: int, everything: bool):
    times = []
    for _ in range(runs):
        run = fresh(home, work)
        code.run(KILL, run)
        os.sync()
        drop_cache(run, everything)
        started, lines = code.run(GUI, run)
        ready = next(float(x.split()[1]) for x in lines if x.startswith("READY"))
        times.append(ready - started)
    return times


def exit_time(code: Code, home: Path, work: Path, runs: int):
    times = []
    for _ in range(runs):
        run = fresh(home, work)
        _, lines = code.run(EXIT, run)
        close = next(float(x.split()[1]) for x in lines if x.startswith("CLOSE"))
        end = next(float(x.split()[1]) for x in lines if x.startswith("END"))
        times.append(end - close)
    return times


def saves_during_backup(code: Code, home: Path, work: Path, rounds: int):
    run = fresh(home, work)
    _, lines = code.run(SAVES.format(n=150, rounds=rounds), run, timeout=3600)
    return json.loads(next(x[5:] for x in lines if x.startswith("JSON")))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


# -- a simulated year ---------------------------------------------------------------------

YEAR = r"""
import json, sys, time
from datetime import date, datetime, timedelta
from pathlib import Path
from counter_app.services import demo
from counter_app.storage import backup
from counter_app.storage.database import open_store
home = Path(sys.argv[1])
per_day = int(sys.argv[2])
real_check = backup.check_integrity
backup.check_integrity = lambda path, quick=False, **kw: "ok"  # sizes do not depend on it
store = open_store(home / "counter_app.db", home / "backups", home / "damaged")
first = date(2027, 1, 4)
sizes = []
t0 = time.time()
for day in range(365):
    today = first + timedelta(days=day)
    if day % 7 == 0:
        demo.generate(store, weeks=1, per_day=per_day, end=today + timedelta(days=6), force=True)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for hour in ((12, 17) if day >= 363 else (17,)):
        store.backup("exit", now=datetime.combine(today, datetime.min.time()).replace(hour=hour))
    sizes.append([today.isoformat(), (home / "counter_app.db").stat().st_size])
    if day % 30 == 0:
        print("day", day, round(time.time() - t0), "s", file=sys.stderr, flush=True)
store.close(backup_on_exit=False)
backup.check_integrity = real_check
live = (home / "counter_app.db").stat().st_size
total = sum(p.stat().st_size for p in (home / "backups").iterdir())
kinds = {}
for b in backup.list_backups(home / "backups"):
    kinds[b.kind] = kinds.get(b.kind, 0) + 1
print("JSON", json.dumps({"live": live, "backups": total, "kinds": kinds, "sizes": sizes}))
"""

OLD_ROTATION = r"""
import json, sys
from datetime import datetime
from pathlib import Path
from counter_app.storage import backup
folder = Path(sys.argv[1]); sizes = dict(json.loads(Path(sys.argv[2]).read_text()))
for day in sorted(sizes):
    for hour in ((12, 17) if day >= sorted(sizes)[-2] else (17,)):
        when = datetime.fromisoformat(day).replace(hour=hour)
        (folder / f"counter_app-{when:%Y%m%d-%H%M%S}-exit.db").write_bytes(b"")
        backup.thin_backups(folder)
kept = backup.list_backups(folder)
print("JSON", json.dumps({"kept": len(kept),
      "bytes": sum(sizes[b.taken_at.date().isoformat()] for b in kept)}))
"""


def simulated_year(new: Code, old: Code | None, home: Path, work: Path, per_day: int) -> dict:
    shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else work
    run = Path(tempfile.mkdtemp(prefix="bench_year_", dir=shm))
    try:
        target = run / "home"
        shutil.copytree(home, target)
        out = subprocess.run(
            [sys.executable, "-c", YEAR, str(target), str(per_day)],
            env=new.env(target),
            capture_output=True,
            text=True,
            cwd=new.root,
            timeout=6 * 3600,
        )
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        result = json.loads(next(x[5:] for x in out.stdout.splitlines() if x.startswith("JSON")))
        if old is not None:
            sizes = run / "sizes.json"
            sizes.write_text(json.dumps(result["sizes"]))
            folder = run / "old_rotation"
            folder.mkdir()
            out = subprocess.run(
                [sys.executable, "-c", OLD_ROTATION, str(folder), str(sizes)],
                env=old.env(run),
                capture_output=True,
                text=True,
                cwd=old.root,
            )
            old_result = json.loads(
                next(x[5:] for x in out.stdout.splitlines() if x.startswith("JSON"))
            )
            result["old_kept"] = old_result["kept"]
            result["old_bytes"] = old_result["bytes"]
        return result
    finally:
        shutil.rmtree(run, ignore_errors=True)


# -- the table ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", action="append", required=True, help="NAME=FOLDER")
    parser.add_argument("--baseline", type=Path, help="a checkout of the old code")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench_backup")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="backups during the save test")
    parser.add_argument("--year", action="store_true", help="also simulate a year of backups")
    parser.add_argument(
        "--per-day",
        type=int,
        default=160,
        help="demo.generate's per_day for the simulated year (160: about 900 sessions a week)",
    )
    parser.add_argument("--drop-caches", action="store_true")
    parser.add_argument("--only", default="ready,exit,saves", help="which measures")
    args = parser.parse_args()
    codes = [Code("new", ROOT)] + ([Code("baseline", args.baseline)] if args.baseline else [])
    only = set(args.only.split(","))
    rows: list[tuple[str, str, str, str]] = []
    for spec in args.fixture:
        name, folder = spec.split("=", 1)
        print(f"== {name}: {folder}", flush=True)
        figures: dict[str, dict[str, str]] = {}
        for code in codes:
            home = master(code, Path(folder), args.work, name)
            f = figures.setdefault(code.label, {})
            if "ready" in only:
                t = window_ready_unclean(code, home, args.work, args.runs, args.drop_caches)
                f["window ready after an unclean exit, cold (s)"] = (
                    f"{statistics.median(t):.2f} (max {max(t):.2f})"
                )
                print(f"  {code.label}: ready {t}", flush=True)
            if "exit" in only:
                t = exit_time(code, home, args.work, args.runs)
                f["exit after a change (s)"] = f"{statistics.median(t):.2f} (max {max(t):.2f})"
                print(f"  {code.label}: exit {t}", flush=True)
            if "saves" in only:
                s = saves_during_backup(code, home, args.work, args.rounds)
                d, i = s["during"], s["idle"]
                f["save during a timer backup p50/p99/max (ms)"] = (
                    f"{statistics.median(d):.1f} / {percentile(d, 0.99):.1f} / {max(d):.0f}"
                    f"  (n={len(d)}, backup {statistics.median(s['backups']):.1f} s)"
                )
                f["save with no backup p50/p99/max (ms)"] = (
                    f"{statistics.median(i):.1f} / {percentile(i, 0.99):.1f} / {max(i):.0f}"
                )
                print(f"  {code.label}: saves done", flush=True)
        if args.year:
            y = simulated_year(
                codes[0],
                codes[1] if len(codes) > 1 else None,
                master(codes[0], Path(folder), args.work, name),
                args.work,
                args.per_day,
            )
            figures["new"]["backups on disk after a year / data file"] = (
                f"{y['backups'] / y['live']:.2f}× ({y['backups'] / 1e6:.0f} MB, {y['kinds']})"
            )
            if "old_bytes" in y:
                figures.setdefault("baseline", {})["backups on disk after a year / data file"] = (
                    f"{y['old_bytes'] / y['live']:.2f}× ({y['old_kept']} full copies)"
                )
        for measure in figures["new"]:
            rows.append(
                (
                    measure,
                    name,
                    figures["new"][measure],
                    figures.get("baseline", {}).get(measure, "-"),
                )
            )
    print()
    print(f"{'measure':48s} | {'data':5s} | {'this tree':38s} | baseline")
    for measure, name, new, old in rows:
        print(f"{measure:48s} | {name:5s} | {new:38s} | {old}")


if __name__ == "__main__":
    main()
