"""The province's consolidated store at national scale (figures printed, nothing asserted).

    python benchmarks/bench_province.py             # the issue's sizes (files cached)
    python benchmarks/bench_province.py --quick     # small sizes, for a smoke run

Targets (issue 12): ingest one week of 3,321 offices ≤ 120 s with peak RSS ≤ 300 MB on a
2-core machine; a store of 52 weeks × 170 offices answers a week's comparison and an
8-week trend ≤ 2 s each; re-ingesting the same files ≤ 10 s (hash skip); how ingest time
and store size grow with offices × weeks.

Realistic weekly files, made fast without the GUI: one real report file is exported by
the app for a template office; every office-week file is that package with its data
sheet replaced by the office's own week, written by the app's own data-sheet code
(``reports.datasheet.data_rows`` and the streaming row writer). Sessions per office-week
are log-normal (median 110, 10–600), on working days and hours, procedures drawn from
the built-in catalogue by a Zipf law, officers and counters per office, outcomes, help
types and barriers in the proportions of the demo data. Files are cached under
``/tmp/bench_province/files``; each measurement runs in a subprocess (its own RSS).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("BENCH_PROVINCE_CACHE", "/tmp/bench_province"))
LAST_WEEK = (2026, 47)
FORMAT = 2


def peak_rss_mb() -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# -- the template and the office-weeks -----------------------------------------------------
def template() -> Path:
    """A real report file exported by the app (cached)."""
    path = CACHE / "template.xlsx"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("COUNTER_APP_HOME", tempfile.mkdtemp(prefix="bench_home_"))
    from counter_app.reports import Period
    from counter_app.reports.export import export_documents
    from counter_app.services.demo import generate
    from counter_app.storage.database import open_memory_store
    from tests.conftest import World

    store = open_memory_store()
    World(store)
    generate(store, weeks=1, per_day=25, end=date(2026, 11, 22), seed=1)
    export_documents(store, Period.iso_week(*LAST_WEEK), path, formats=("xlsx",))
    store.close(backup_on_exit=False)
    return path


class World:
    """What every office shares: the lookups and the catalogue (weights by rank)."""

    def __init__(self) -> None:
        from counter_app.reports.records import LookupOrder, LookupRec
        from counter_app.storage import seed

        self.lookups = LookupOrder.from_records(
            [
                LookupRec(kind, code, label, i, True)
                for kind, values in seed.LOOKUPS.items()
                for i, (code, label) in enumerate(values)
            ]
        )
        self.by_kind = {k: [(c, lbl) for c, lbl in v] for k, v in seed.LOOKUPS.items()}
        rows = seed.builtin_catalogue_rows()
        self.catalogue = [(r["code"], r["name"], r["field"], r["online_level"]) for r in rows]
        weights = [1 / (i + 1) ** 1.1 for i in range(len(self.catalogue))]
        total = sum(weights)
        self.cum = []
        acc = 0.0
        for w in weights:
            acc += w / total
            self.cum.append(acc)


def _pick(rnd: random.Random, cum: list[float]) -> int:
    import bisect

    return min(bisect.bisect_left(cum, rnd.random()), len(cum) - 1)


def office_week(world: World, office: int, year: int, week: int):
    """The sessions of one office-week, and the file's meta (deterministic)."""
    from counter_app.domain.models import OUTCOME_SUBMITTED
    from counter_app.reports.period import Period
    from counter_app.reports.records import OfficeInfo, ProcRec, SessionRec

    rnd = random.Random(office * 1000 + week * 7 + year)
    period = Period.iso_week(year, week)
    base = random.Random(office)
    size = base.lognormvariate(math.log(110), 0.6)
    n = max(10, min(600, int(rnd.gauss(size, size * 0.15))))
    code = f"X{office:05d}"
    info = OfficeInfo(code, f"UBND xã Thử nghiệm {office}", "Tỉnh Mẫu", "UBND tỉnh Mẫu")
    officers = [f"Cán bộ {office}-{i}" for i in range(base.randint(2, 6))]
    counters = [f"Quầy {i + 1}" for i in range(base.randint(1, 3))]
    k = world.by_kind
    sessions = []
    for _ in range(n):
        day = period.start + timedelta(days=rnd.choice((0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5)))
        started = datetime.combine(day, datetime.min.time()) + timedelta(
            minutes=rnd.randint(7 * 60, 17 * 60 - 1), seconds=rnd.randint(0, 59)
        )
        procs = []
        for pos in range(1 if rnd.random() < 0.82 else rnd.randint(2, 3)):
            c_code, c_name, c_field, c_level = world.catalogue[_pick(rnd, world.cum)]
            if any(p.code == c_code for p in procs):
                continue
            outcome = rnd.choices(k["outcome"], weights=(72, 20, 8))[0]
            barriers = ()
            if outcome[0] != OUTCOME_SUBMITTED:
                barriers = tuple(lbl for _, lbl in rnd.sample(k["barrier"], rnd.randint(1, 2)))
            procs.append(
                ProcRec(c_code, c_name, c_field, c_level, outcome[0], outcome[1], barriers, "", pos)
            )
        applicant = rnd.choices(k["applicant_type"], weights=(85, 10, 5))[0]
        sessions.append(
            SessionRec(
                str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                code,
                info.name,
                started,
                rnd.randint(3, 40),
                rnd.choice(officers),
                rnd.choice(counters),
                rnd.choice(k["channel"])[1],
                rnd.choice(k["portal"])[1],
                applicant[0],
                applicant[1],
                rnd.choices(("yes", "no", "unknown"), weights=(15, 70, 15))[0],
                rnd.choices(("yes", "no", "unknown"), weights=(8, 77, 15))[0],
                rnd.choices(("yes", "no", "unknown"), weights=(3, 82, 15))[0],
                rnd.choice(k["self_reliance"])[1],
                rnd.choice(k["satisfaction"])[1],
                tuple(lbl for _, lbl in rnd.sample(k["help_type"], rnd.randint(1, 2))),
                "",
                procs,
                started.isoformat(timespec="seconds"),
            )
        )
    sessions.sort(key=lambda s: s.started_at)
    exported = datetime.combine(period.end + timedelta(days=1), datetime.min.time()) + timedelta(
        hours=rnd.choice((8, 9, 10, 14, 16, 20, 33))
    )
    return period, info, sessions, exported


def write_file(
    world: World,
    tpl: dict[str, bytes],
    data_part: str,
    office: int,
    year: int,
    week: int,
    out: Path,
) -> int:
    from counter_app.reports.datasheet import data_rows
    from counter_app.reports.xlsxstream import _RowWriter

    period, info, sessions, exported = office_week(world, office, year, week)
    rows = data_rows(
        period,
        info,
        sessions,
        world.lookups,
        None,
        consolidated=False,
        app_version="bench",
        generated_at=exported,
    )
    writer = _RowWriter({})
    body = "".join(writer.row(values, r) for r, values in enumerate(rows, start=1))
    head, rest = tpl[data_part].split(b"<sheetData>", 1)
    tail = rest[rest.index(b"</sheetData>") :]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in tpl.items():
            if name == data_part:
                data = head + b"<sheetData>" + body.encode("utf-8") + tail
            z.writestr(name, data)
    tmp.replace(out)
    return len(sessions)


_WORLD: World | None = None
_TPL: dict[str, bytes] = {}
_PART = ""


def _init(tpl_path: str) -> None:
    global _WORLD, _TPL, _PART
    _WORLD = World()
    with zipfile.ZipFile(tpl_path) as z:
        _TPL = {i.filename: z.read(i.filename) for i in z.infolist()}
    _PART = next(
        n
        for n, d in _TPL.items()
        if n.startswith("xl/worksheets/") and b"COUNTER_APP_REPORT_DATA" in d
    )


def _job(args: tuple[int, int, int, str]) -> int:
    office, year, week, out = args
    assert _WORLD is not None
    return write_file(_WORLD, _TPL, _PART, office, year, week, Path(out))


def week_list(weeks: int) -> list[tuple[int, int]]:
    d = date.fromisocalendar(*LAST_WEEK, 1)
    out = []
    for i in range(weeks):
        y, w, _ = (d - timedelta(days=7 * i)).isocalendar()
        out.append((y, w))
    return out[::-1]


def files_for(offices: int, weeks: int, workers: int = 2) -> dict[tuple[int, int], list[Path]]:
    """The cached files of ``offices`` × the last ``weeks`` weeks, made when missing."""
    tpl = template()
    todo = []
    by_week: dict[tuple[int, int], list[Path]] = {}
    for y, w in week_list(weeks):
        folder = CACHE / "files" / f"{y}-W{w:02d}"
        paths = [folder / f"X{o:05d}.xlsx" for o in range(offices)]
        by_week[(y, w)] = paths
        todo += [(o, y, w, str(p)) for o, p in enumerate(paths) if not p.exists()]
    if todo:
        t = time.perf_counter()
        with ProcessPoolExecutor(workers, initializer=_init, initargs=(str(tpl),)) as pool:
            n = sum(pool.map(_job, todo, chunksize=64))
        print(f"   (made {len(todo):,} files, {n:,} sessions, in {time.perf_counter() - t:.0f} s)")
    return by_week


# -- measured in child processes -----------------------------------------------------------
def child_ingest(store_dir: str, lists: list[list[str]], workers: int = 0) -> dict:
    """Ingest the lists one after another (weeks arriving); time, size after each."""
    from counter_app.province.ingest import ingest
    from counter_app.province.store import open_province_store

    store = open_province_store(Path(store_dir), take_lock=False)
    steps = []
    for paths in lists:
        t = time.perf_counter()
        report = ingest(store, [Path(p) for p in paths], by="bench", workers=workers)
        seconds = time.perf_counter() - t
        size = sum(f.stat().st_size for f in Path(store_dir).glob("kho_tong_hop.db*"))
        steps.append(
            {
                "seconds": seconds,
                "files": len(report.ingested),
                "known": len(report.known),
                "bad": len(report.bad),
                "sessions": sum(o.sessions for o in report.ingested),
                "size_mb": size / 1e6,
            }
        )
    store.close(backup_on_exit=False)
    return {"steps": steps, "rss_mb": peak_rss_mb(), "children_rss_mb": children_rss_mb()}


def children_rss_mb() -> float | None:
    """Peak RSS of the largest reader process (the parsing workers, when any)."""
    try:
        import resource
    except ImportError:
        return None
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def child_queries(store_dir: str, year: int, week: int) -> dict:
    from counter_app.province import queries as Q
    from counter_app.province.report import export_province
    from counter_app.province.store import open_province_store
    from counter_app.reports.period import Period
    from counter_app.reports.records import OfficeInfo

    store = open_province_store(Path(store_dir), take_lock=False)
    period = Period.iso_week(year, week)
    out = {}
    for name, fn in (
        ("comparison", lambda: Q.comparison(store, period)),
        ("trend", lambda: Q.trend(store, period, 8)),
        ("trend12", lambda: Q.trend(store, period, 12)),
        ("ytd", lambda: Q.year_to_date(store, period)),
    ):
        times = []
        for _ in range(3):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        out[name] = min(times)
    t = time.perf_counter()
    result = export_province(
        store, period, OfficeInfo("T", "Sở Nội vụ"), Path(tempfile.mkdtemp()) / "tinh.xlsx"
    )
    out["report"] = time.perf_counter() - t
    out["report_sessions"] = result.sessions
    out["figures"] = Q.store_figures(store)
    store.close(backup_on_exit=False)
    out["rss_mb"] = peak_rss_mb()
    return out


def run_child(name: str, *args) -> dict:
    """Run a measurement in a fresh process; its arguments go through a file (thousands
    of paths do not fit on a command line)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    fd, arg_file = tempfile.mkstemp(suffix=".json", prefix="bench_args_")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(args, f)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, arg_file],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    os.unlink(arg_file)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the benchmarks ------------------------------------------------------------------------
def bench_national_week(work: Path, offices: int) -> None:
    print(f"== one week of {offices:,} offices into a new store")
    week = files_for(offices, 1)
    paths = [str(p) for p in next(iter(week.values()))]
    for workers in (0, 1):
        r = run_child("ingest", str(work / f"national{workers}"), [paths, paths], workers)
        first, again = r["steps"]
        readers = (
            f", reader's peak RSS {r['children_rss_mb']:.0f} MB"
            if workers and r.get("children_rss_mb")
            else ""
        )
        how = "read by a second process" if workers else "read and written in one process"
        print(
            f"   ingest, {how}: "
            f"{first['files']:,} files, {first['sessions']:,} sessions in "
            f"{first['seconds']:.1f} s ({first['sessions'] / first['seconds']:,.0f} sessions/s), "
            f"store {first['size_mb']:.0f} MB, peak RSS {r['rss_mb']:.0f} MB{readers}"
            "   (target ≤ 120 s, ≤ 300 MB)"
        )
    print(
        f"   re-ingest of the same files: {again['known']:,} recognised in "
        f"{again['seconds']:.1f} s   (target ≤ 10 s)"
    )


def bench_province_year(work: Path, offices: int, weeks: int) -> list[dict]:
    print(f"== {weeks} weeks × {offices} offices, ingested week by week")
    by_week = files_for(offices, weeks)
    lists = [[str(p) for p in paths] for paths in by_week.values()]
    r = run_child("ingest", str(work / "province"), lists)
    steps = r["steps"]
    total = sum(s["seconds"] for s in steps)
    sessions = sum(s["sessions"] for s in steps)
    print(
        f"   {sessions:,} sessions in {total:.0f} s, store {steps[-1]['size_mb']:.0f} MB, "
        f"peak RSS {r['rss_mb']:.0f} MB; last week's ingest {steps[-1]['seconds']:.1f} s "
        f"(first week's {steps[0]['seconds']:.1f} s)"
    )
    y, w = list(by_week)[-1]
    q = run_child("queries", str(work / "province"), y, w)
    print(
        f"   week {w}/{y}: comparison {q['comparison']:.2f} s, 8-week trend {q['trend']:.2f} s, "
        f"12-week trend {q['trend12']:.2f} s, year to date {q['ytd']:.2f} s   (target ≤ 2 s each)"
    )
    print(
        f"   the province's report of that week (Word + Excel, {q['report_sessions']:,} "
        f"sessions): {q['report']:.1f} s, peak RSS {q['rss_mb']:.0f} MB"
    )
    return steps


def growth_table(rows: list[tuple[str, int, int, float, float]]) -> None:
    print("== growth: offices × weeks → ingest time and store size")
    print(
        "   | offices × weeks | sessions | ingest (s) | store (MB) | bytes/session "
        "| s per 1k sessions |"
    )
    print("   |---|---|---|---|---|---|")
    for label, _files, sessions, seconds, size in rows:
        print(
            f"   | {label} | {sessions:,} | {seconds:.1f} | {size:.0f} | "
            f"{size * 1e6 / max(sessions, 1):.0f} | {seconds * 1000 / max(sessions, 1):.3f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=("national", "province"))
    args = parser.parse_args()
    if args.child:
        name, arg_file = args.child
        fn = {"ingest": child_ingest, "queries": child_queries}[name]
        print(json.dumps(fn(*json.loads(Path(arg_file).read_text(encoding="utf-8")))))
        return
    os.environ.setdefault("COUNTER_APP_HOME", tempfile.mkdtemp(prefix="bench_home_"))
    national, offices, weeks = (200, 20, 6) if args.quick else (3321, 170, 52)
    work = Path(tempfile.mkdtemp(prefix="bench_province_"))
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, files cached in {CACHE}"
    )
    rows: list[tuple[str, int, int, float, float]] = []
    try:
        if args.only in (None, "province"):
            steps = bench_province_year(work, offices, weeks)
            for upto in sorted({1, min(13, weeks), weeks}):
                part = steps[:upto]
                rows.append(
                    (
                        f"{offices} × {upto}",
                        sum(s["files"] for s in part),
                        sum(s["sessions"] for s in part),
                        sum(s["seconds"] for s in part),
                        part[-1]["size_mb"],
                    )
                )
        if args.only in (None, "national"):
            for n in sorted({min(1000, national), national}):
                week = files_for(n, 1)
                paths = [str(p) for p in next(iter(week.values()))]
                r = run_child("ingest", str(work / f"n{n}"), [paths])
                s = r["steps"][0]
                rows.append((f"{n} × 1", s["files"], s["sessions"], s["seconds"], s["size_mb"]))
            bench_national_week(work, national)
        growth_table(rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
