"""Run the frozen app's self-test a few times and print its start-up figures.

    python packaging/measure_startup.py dist/counter_app/counter_app [--runs 3] [--evict]

"Cold start" is the time from launching the process to the main window drawn and idle,
taken from the self-test's ``window_ready_epoch`` (wall clock, same machine). With
``--evict`` the bundle's files are first pushed out of the OS page cache (Linux
``posix_fadvise(DONTNEED)``, this bundle's files only), so the first run reads the bundle
from disk as after a reboot. Every run must exit 0: this is also CI's frozen self-test.
Figures are printed, never asserted (a slow CI machine is not a bug).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

READY = re.compile(r"SELFTEST_TIMINGS .*window_ready_epoch=([0-9.]+)")


def evict(folder: Path) -> int:
    """Drop ``folder``'s files from the page cache; returns how many files were evicted."""
    if not hasattr(os, "posix_fadvise"):
        return 0
    count = 0
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fdatasync(fd)  # dirty pages (a fresh build) cannot be dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            count += 1
        finally:
            os.close(fd)
    return count


def run_once(exe: Path) -> tuple[float, float, str]:
    """(launch → window ready, launch → exit) in seconds, and the self-test's output."""
    launched = time.time()
    proc = subprocess.run(
        [str(exe), "--self-test"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
    )
    ended = time.time()
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        print(output)
        raise SystemExit(f"frozen self-test FAILED with exit code {proc.returncode}")
    match = READY.search(output)
    if not match:
        print(output)
        raise SystemExit("frozen self-test printed no SELFTEST_TIMINGS line")
    return float(match.group(1)) - launched, ended - launched, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exe", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--evict",
        action="store_true",
        help="evict the bundle from the page cache before the first run",
    )
    args = parser.parse_args(argv)
    exe = args.exe.resolve()
    evicted = evict(exe.parent) if args.evict else 0
    ready, total = [], []
    for i in range(args.runs):
        r, t, output = run_once(exe)
        if i == 0:
            print(output.rstrip())
        ready.append(r)
        total.append(t)
        kind = "cold" if i == 0 and evicted else "warm"
        print(
            f"run {i + 1} ({kind}): window ready {r:.2f} s after launch, "
            f"self-test exited after {t:.2f} s"
        )
    first = "cold (bundle evicted from page cache)" if evicted else "first"
    print(
        f"STARTUP {first} start to ready window: {ready[0]:.2f} s; "
        f"warm median: {statistics.median(ready[1:] or ready):.2f} s "
        f"(target <= 2 s); frozen self-test wall time: {total[0]:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
