"""Report benchmarks (figures printed, nothing asserted).

    python benchmarks/bench_report.py            # the issue's sizes
    python benchmarks/bench_report.py --quick    # small sizes, for a smoke run

Each measurement runs in a fresh subprocess, so its peak RSS (resource.getrusage) is the
report's own and not the data generator's. Targets (issue 5): weekly report with 5,000
sessions ≤ 2 s; full-year report (100,000 sessions, detail sheet included) ≤ 20 s with
peak RSS ≤ 300 MB; report time ≤ 2× a bare openpyxl write-only dump of the same number
of cells; consolidating 100 weekly files ≤ 30 s. Issue 11: the Word report and its Excel
annex for a 5,000-session week ≤ 3 s together. Issue 15: a report past Excel's rows is
refused from one COUNT (time to refuse against the time to load); the Reports preview
costs the Tk thread only the opening of a reader (the counting runs on the job runner).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

END = date(2026, 11, 22)  # a Sunday: week 47/2026 ends here
WEEKDAY_FACTOR = sum([20, 18, 18, 17, 16, 6, 0]) / 18  # demo sessions per week / per_day


def peak_rss_mb() -> float | None:
    """Peak resident memory of this process: VmHWM on Linux (exact for this process
    image), else getrusage (Linux keeps ru_maxrss across exec, so it can report the
    forking parent's size), None on Windows."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def make_db(path: Path, weeks: int, per_day: int) -> int:
    from counter_app.services.demo import generate
    from counter_app.storage.database import open_store

    store = open_store(
        path,
        path.parent / "backups",
        path.parent / "damaged",
        take_lock=False,
        check_location=False,
    )
    try:
        return generate(store, weeks=weeks, per_day=per_day, end=END, seed=1).sessions
    finally:
        store.close(backup_on_exit=False)


def count_cells(xlsx: Path) -> int:
    with zipfile.ZipFile(xlsx) as z:
        # cells with a value: "<c r=.. s=..>" (openpyxl, or styled) and "<c>" (streamed
        # 0/1 flags); empty "<c/>" placeholders are not counted (no space, no ">")
        total = 0
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet"):
                xml = z.read(n)
                total += xml.count(b"<c ") + xml.count(b"<c>")
        return total


# --- measured in a child process --------------------------------------------------------
def child_export(db: str, start: str, end: str, out: str) -> dict:
    from counter_app.reports import Period, export_report
    from counter_app.storage.database import open_store

    db_path = Path(db)
    store = open_store(
        db_path,
        db_path.parent / "backups",
        db_path.parent / "damaged",
        take_lock=False,
        check_location=False,
    )
    period = Period.custom(date.fromisoformat(start), date.fromisoformat(end))
    if period.days == 7 and period.start.weekday() == 0:
        period = Period.week_of(period.start)
    t = time.perf_counter()
    path = export_report(store, period, Path(out))
    seconds = time.perf_counter() - t
    store.close(backup_on_exit=False)
    return {"seconds": seconds, "rss_mb": peak_rss_mb(), "path": str(path)}


def _open(db: str):
    from counter_app.storage.database import open_store

    db_path = Path(db)
    return open_store(
        db_path,
        db_path.parent / "backups",
        db_path.parent / "damaged",
        take_lock=False,
        check_location=False,
    )


def child_documents(db: str, start: str, out: str) -> dict:
    """Both files of a week: the Word report and its Excel annex, timed apart."""
    from counter_app.reports import Period
    from counter_app.reports.docx import write_document
    from counter_app.reports.export import compute, write_workbook

    store = _open(db)
    period = Period.week_of(date.fromisoformat(start))
    t = time.perf_counter()
    report, sessions = compute(store, period, with_annex=True, check_size=True)
    read = time.perf_counter() - t
    t1 = time.perf_counter()
    write_workbook(report, sessions, Path(out).with_suffix(".xlsx"))
    xlsx = time.perf_counter() - t1
    t2 = time.perf_counter()
    write_document(report, sessions, Path(out).with_suffix(".docx"))
    docx = time.perf_counter() - t2
    store.close(backup_on_exit=False)
    return {
        "seconds": time.perf_counter() - t,
        "read": read,
        "xlsx": xlsx,
        "docx": docx,
        "sessions": len(sessions),
        "rss_mb": peak_rss_mb(),
    }


def child_refuse(db: str, start: str, end: str, limit: int) -> dict:
    """A report past the row limit (lowered to ``limit`` so that a year of 100k sessions
    passes it): refused from the COUNT, against loading the same period."""
    from counter_app.reports import Period
    from counter_app.reports.export import ReportTooLargeError, compute, export_documents
    from counter_app.reports.xlsx import workbook

    store = _open(db)
    period = Period.custom(date.fromisoformat(start), date.fromisoformat(end))
    workbook.EXCEL_MAX_ROWS = limit
    t = time.perf_counter()
    try:
        export_documents(store, period, Path(tempfile.mkdtemp()) / "x.xlsx")
        refused = False
    except ReportTooLargeError:
        refused = True
    refuse = time.perf_counter() - t
    t = time.perf_counter()
    compute(store, period)
    load = time.perf_counter() - t
    store.close(backup_on_exit=False)
    return {"seconds": refuse, "load": load, "refused": refused, "rss_mb": peak_rss_mb()}


def child_preview(db: str, start: str, end: str) -> dict:
    """What the Reports preview costs the Tk thread now (opening a reader) and what runs
    on the job runner (the two periods' totals from SQL)."""
    from counter_app.reports.aggregate import key_figures
    from counter_app.reports.source import load_totals

    store = _open(db)
    s, e = date.fromisoformat(start), date.fromisoformat(end)
    t = time.perf_counter()
    reader = store.reader()
    tk_thread = time.perf_counter() - t
    t = time.perf_counter()
    key_figures(load_totals(reader, s, e), load_totals(reader, s - (e - s), s))
    worker = time.perf_counter() - t
    reader.close()
    store.close(backup_on_exit=False)
    return {"seconds": tk_thread, "worker": worker, "rss_mb": peak_rss_mb()}


def child_dump(cells: int, width: int, out: str) -> dict:
    """A bare openpyxl write-only dump of ``cells`` cells (text and numbers mixed)."""
    from openpyxl import Workbook

    t = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("dump")
    row = [(i if i % 3 else f"text {i}") for i in range(width)]
    for _ in range(max(1, cells // width)):
        ws.append(row)
    wb.save(out)
    return {"seconds": time.perf_counter() - t, "rss_mb": peak_rss_mb()}


def child_consolidate(files: list[str], out: str) -> dict:
    from counter_app.reports.consolidate import consolidate

    t = time.perf_counter()
    result = consolidate([Path(f) for f in files], Path(out))
    return {
        "seconds": time.perf_counter() - t,
        "rss_mb": peak_rss_mb(),
        "sessions": result.sessions,
    }


def run_child(name: str, *args) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the benchmarks ---------------------------------------------------------------------
def fmt(r: dict) -> str:
    rss = f", peak RSS {r['rss_mb']:.0f} MB" if r.get("rss_mb") else ""
    return f"{r['seconds']:.2f} s{rss}"


def bench(work: Path, quick: bool, only: str | None = None) -> None:
    week_sessions = 500 if quick else 5000
    year_sessions = 5000 if quick else 100_000
    n_files = 10 if quick else 100

    if only in (None, "week"):
        bench_week(work, week_sessions)
    if only in (None, "week", "documents"):
        bench_documents(work, week_sessions)
    if only in (None, "year"):
        bench_year(work, year_sessions)
    if only in (None, "consolidate"):
        bench_consolidate(work, n_files)


def bench_week(work: Path, week_sessions: int) -> None:
    print(f"== weekly report, ~{week_sessions} sessions")
    db = work / "week" / "w.db"
    db.parent.mkdir()
    per_day = round(week_sessions / WEEKDAY_FACTOR)
    made = make_db(db, 2, per_day)
    monday = END - timedelta(days=6)
    r = run_child("export", str(db), monday.isoformat(), END.isoformat(), str(work / "week.xlsx"))
    print(f"   {made // 2} sessions/week: {fmt(r)}   (target ≤ 2 s)")


def bench_documents(work: Path, week_sessions: int) -> None:
    print(f"== Word report + Excel annex, ~{week_sessions} sessions in the week")
    db = work / "docs" / "d.db"
    db.parent.mkdir()
    per_day = round(week_sessions / WEEKDAY_FACTOR)
    make_db(db, 2, per_day)
    monday = END - timedelta(days=6)
    r = run_child("documents", str(db), monday.isoformat(), str(work / "both"))
    print(
        f"   {r['sessions']} sessions: both files {r['seconds']:.2f} s (read {r['read']:.2f} s, "
        f"xlsx {r['xlsx']:.2f} s, docx {r['docx']:.2f} s), peak RSS {r['rss_mb']:.0f} MB"
        "   (target ≤ 3 s together)"
    )


def bench_year(work: Path, year_sessions: int) -> None:

    print(f"== full-year report, ~{year_sessions} sessions, detail sheet included")
    db = work / "year" / "y.db"
    db.parent.mkdir()
    per_day = round(year_sessions / WEEKDAY_FACTOR / 52)
    t = time.perf_counter()
    made = make_db(db, 52, per_day)
    print(f"   (generated {made} sessions in {time.perf_counter() - t:.1f} s)")
    start = END - timedelta(days=7 * 52 - 1)
    r = run_child("export", str(db), start.isoformat(), END.isoformat(), str(work / "year.xlsx"))
    cells = count_cells(Path(r["path"]))
    size = Path(r["path"]).stat().st_size / 1e6
    print(f"   report: {fmt(r)}, {cells:,} cells, {size:.1f} MB   (target ≤ 20 s, ≤ 300 MB)")
    d = run_child("dump", cells, 46, str(work / "dump.xlsx"))
    print(f"   bare openpyxl write-only dump of {cells:,} cells: {fmt(d)}")
    print(f"   ratio report / dump: {r['seconds'] / d['seconds']:.2f}   (target ≤ 2)")
    limit = max(1000, year_sessions // 4)
    f = run_child("refuse", str(db), start.isoformat(), END.isoformat(), limit)
    print(
        f"   past the row limit ({limit:,} here): refused in {f['seconds'] * 1000:.0f} ms from "
        f"one COUNT (refused: {f['refused']}); loading the period takes {f['load']:.2f} s"
    )
    p = run_child("preview", str(db), start.isoformat(), END.isoformat())
    print(
        f"   Reports preview of the year: Tk thread {p['seconds'] * 1000:.1f} ms (a reader), "
        f"job runner {p['worker']:.2f} s (was all on the Tk thread)"
    )


def bench_consolidate(work: Path, n_files: int) -> None:

    print(f"== consolidating {n_files} weekly files")
    db = work / "many" / "m.db"
    db.parent.mkdir()
    made = make_db(db, n_files, 40)
    files = []
    t = time.perf_counter()
    from counter_app.reports import Period, export_report
    from counter_app.storage.database import open_store

    store = open_store(db, db.parent / "b", db.parent / "d", take_lock=False, check_location=False)
    p = Period.week_of(END)
    for i in range(n_files):
        files.append(str(export_report(store, p, work / "files" / f"w{i:03d}.xlsx")))
        p = p.previous()
    store.close(backup_on_exit=False)
    print(f"   (wrote {n_files} files, {made} sessions, in {time.perf_counter() - t:.1f} s)")
    r = run_child("consolidate", files, str(work / "all.xlsx"))
    print(f"   consolidation of {r['sessions']} sessions: {fmt(r)}   (target ≤ 30 s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--only", choices=("week", "documents", "year", "consolidate"))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, payload = args.child
        fn = {
            "export": child_export,
            "dump": child_dump,
            "consolidate": child_consolidate,
            "documents": child_documents,
            "refuse": child_refuse,
            "preview": child_preview,
        }[name]
        print(json.dumps(fn(*json.loads(payload))))
        return
    os.environ.setdefault("COUNTER_APP_HOME", tempfile.mkdtemp(prefix="bench_home_"))
    work = Path(tempfile.mkdtemp(prefix="bench_report_"))
    print(f"python {sys.version.split()[0]}, work folder {work}")
    try:
        bench(work, args.quick, args.only)
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
