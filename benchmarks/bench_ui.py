"""The officer's screens with a big database: start-up, save, history pages.

    python benchmarks/bench_ui.py [--ready-sessions 500000] [--history-sessions 1000000]
                                  [--cache /tmp/counter_app_bench_ui] [--runs 5]

Needs a display (run under ``xvfb-run -a`` on a server). Databases of demo sessions are
built once (``demo.generate``) and cached under ``--cache``; later runs reuse them.

Figures (targets from the screens issue):
- window ready: process start → first idle of the main window, in a fresh process,
  with the real file database (lock, quick_check, migrations, counts) — target ≤ 1.0 s;
- save: Ctrl+Enter on a filled form (validation, one durable transaction, today's
  strip, form reset) — target ≤ 50 ms;
- history page: open the history, next page, a filtered page — target ≤ 150 ms.
Prints figures only; nothing here is an assertion.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# What the child process runs: open the data as the app does, build the window, report
# the wall-clock time of the first idle moment after everything is drawn.
CHILD = r"""
import sys, time, json
sys.path.insert(0, {root!r})
from counter_app.bootstrap import open_default_store
from counter_app.ui.main_window import MainWindow
t_import = time.time()
store = open_default_store(trust_clean_exit=True)  # as run_gui opens it
if store.check_deferred:
    store.check_in_background()  # competes for the CPU while the window builds, as in the app
print("OPENED", t_import, time.time(), flush=True)
user = json.loads({user!r})
window = MainWindow(store, user=tuple(user) if user else None)
def ready():
    print("READY", time.time(), flush=True)
    window.after(50, lambda: (window.destroy(), store.close(backup_on_exit=False)))
window.after_idle(ready)
window.mainloop()
"""


def build(folder: Path, sessions: int) -> Path:
    """A cached data folder holding about ``sessions`` demo sessions."""
    from counter_app.services import demo
    from counter_app.storage.database import open_store

    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(folder / "counter_app.db", folder / "backups", folder / "damaged")
    try:
        have = store.db.execute("SELECT count(*) FROM session").fetchone()[0]
        if have >= sessions * 0.95:
            print(f"reusing {folder} ({have:,} sessions)")
            return folder
        weeks = 104
        per_day = int((sessions - have) / (weeks * 95 / 18)) + 1
        t0 = time.perf_counter()
        result = demo.generate(store, weeks=weeks, per_day=per_day, seed=7, force=True)
        print(f"built {folder}: +{result.sessions:,} sessions in {time.perf_counter() - t0:.0f} s")
    finally:
        store.close(backup_on_exit=False)
    return folder


def first_user(folder: Path) -> list[int]:
    import sqlite3

    conn = sqlite3.connect(folder / "counter_app.db")
    try:
        officer = conn.execute("SELECT id FROM officer ORDER BY id LIMIT 1").fetchone()[0]
        counter = conn.execute("SELECT id FROM counter ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    return [officer, counter]


def window_ready(
    folder: Path, runs: int, user: list[int] | None, phases: dict[str, list[float]] | None = None
) -> list[float]:
    """Wall-clock from launching the process to the window's first idle moment."""
    env = dict(os.environ, COUNTER_APP_HOME=str(folder))
    code = CHILD.format(root=str(ROOT), user=json.dumps(user))
    times = []
    for _ in range(runs):
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        line = next((x for x in out.stdout.splitlines() if x.startswith("READY")), None)
        if line is None:
            raise SystemExit(f"the window did not start:\n{out.stderr}")
        ready = float(line.split()[1])
        times.append(ready - start)
        opened = next((x for x in out.stdout.splitlines() if x.startswith("OPENED")), None)
        if opened is not None and phases is not None:
            imported, done = (float(v) for v in opened.split()[1:])
            phases.setdefault("  interpreter + imports", []).append(imported - start)
            phases.setdefault("  open_store (lock, quick_check, migrations)", []).append(
                done - imported
            )
            phases.setdefault("  window built, first idle", []).append(ready - done)
    return times


def in_window(folder: Path, saves: int) -> dict[str, list[float]]:
    """Save and history timings inside one real window on ``folder``'s database."""
    os.environ["COUNTER_APP_HOME"] = str(folder)
    from counter_app.bootstrap import open_default_store
    from counter_app.presenters.history import HistoryFilter
    from counter_app.ui.main_window import MainWindow

    store = open_default_store()
    officer_id, counter_id = first_user(folder)
    window = MainWindow(store, user=(officer_id, counter_id))
    window.update()
    figures: dict[str, list[float]] = {"save": []}
    form = window.screens["session"]
    codes = [
        r[0]
        for r in store.db.execute(
            "SELECT code FROM procedure WHERE active = 1 ORDER BY code LIMIT 50"
        )
    ]
    try:
        for i in range(saves):
            form.presenter.add_procedure(codes[i % len(codes)])
            window.update()
            t0 = time.perf_counter()
            form.save(True)
            window.update_idletasks()
            figures["save"].append(time.perf_counter() - t0)
        window.show_screen("history")  # builds the screen: first page and the count
        history = window.screens["history"]
        window.update()

        def timed(name: str, action) -> None:
            t0 = time.perf_counter()
            action()
            window.update_idletasks()
            figures.setdefault(name, []).append(time.perf_counter() - t0)

        def filtered(label: str, flt: HistoryFilter) -> None:
            """Page shown (what the officer waits for), then the background total."""
            t0 = time.perf_counter()
            history.presenter.apply_filter(flt)
            window.update_idletasks()
            figures.setdefault(f"history: {label}, page shown", []).append(time.perf_counter() - t0)
            while history.presenter.total is None:
                window.update()
                time.sleep(0.002)
            figures.setdefault(f"history: {label}, total counted (background)", []).append(
                time.perf_counter() - t0
            )

        for _ in range(5):
            filtered("all", HistoryFilter())
            timed("history: next page", history.presenter.next_page)
            timed(
                "history: page 100",
                lambda: (setattr(history.presenter, "page", 99), history.presenter.load_page()),
            )
            timed("history: last page of all (OFFSET ~1,000,000)", history.presenter.last_page)
            filtered("officer", HistoryFilter(officer_id=officer_id))
            filtered("procedure 1.001193", HistoryFilter(procedure_code="1.001193"))
            filtered("text 'giay to'", HistoryFilter(text="giay to"))
            filtered(
                "date range (one week)",
                HistoryFilter(
                    date_from=date.today() - timedelta(days=14),
                    date_to=date.today() - timedelta(days=8),
                ),
            )

    finally:
        # The benchmark's saves stay in the cached copy; they are a few rows among 10^6.
        window.destroy()
        store.close(backup_on_exit=False)
    return figures


def show(name: str, values: list[float], target_ms: float | None = None) -> None:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    target = f"  (target ≤ {target_ms:.0f} ms)" if target_ms else ""
    print(
        f"{name:58s} median {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
        f"max {ms[-1]:7.1f} ms  n={len(ms)}{target}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ready-sessions", type=int, default=500_000)
    parser.add_argument("--history-sessions", type=int, default=1_000_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/counter_app_bench_ui"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--saves", type=int, default=30)
    args = parser.parse_args()
    small = build(args.cache / f"{args.ready_sessions}", args.ready_sessions)
    big = build(args.cache / f"{args.history_sessions}", args.history_sessions)
    print()
    phases: dict[str, list[float]] = {}
    show(
        f"window ready, {args.ready_sessions:,} sessions (signed in)",
        window_ready(small, args.runs, first_user(small), phases),
        1000,
    )
    for name, values in phases.items():
        show(name, values)
    show(
        f"window ready, {args.ready_sessions:,} sessions (sign-in screen)",
        window_ready(small, args.runs, None),
        1000,
    )
    figures = in_window(big, args.saves)
    print(f"\nwith {args.history_sessions:,} sessions:")
    for name, values in figures.items():
        target = 50 if name == "save" else (None if "background" in name else 150)
        show(name, values, target)


if __name__ == "__main__":
    main()
