"""Child of the catalogue-corpus test: import every corpus file through the real command
line (``counter-app catalogue import FILE``, no --yes, end of input: nothing applied),
under a memory cap, and report what each printed, as JSON.

    python -m tests.helpers.corpus_child CORPUS_DIR MEMORY_CAP_MB
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import resource
import sqlite3
import sys
import traceback
from pathlib import Path


def catalogue_digest() -> str:
    from counter_app import paths

    conn = sqlite3.connect(paths.database_path())
    try:
        rows = conn.execute("SELECT * FROM procedure ORDER BY code").fetchall()
    finally:
        conn.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def peak_rss_kb() -> int:
    """This process's peak resident memory. Linux: VmHWM of its own address space —
    ``ru_maxrss`` also counts the parent's peak, carried over the fork and exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(argv: list[str]) -> tuple[int | str, str, str]:
    from counter_app.cli import run as cli_run

    out, err = io.StringIO(), io.StringIO()
    sys.stdin = io.StringIO("")  # "Apply these changes?" → end of input: no
    code: int | str
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_run(argv)
        except BaseException:  # a traceback is exactly what must never happen
            code = "TRACEBACK"
            err.write(traceback.format_exc())
    return code, out.getvalue(), err.getvalue()


def main() -> None:
    folder, cap_mb = Path(sys.argv[1]), int(sys.argv[2])
    cap = cap_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    run(["catalogue", "search", "khai", "sinh"])  # the data file and built-in catalogue
    before = catalogue_digest()
    baseline_kb = peak_rss_kb()
    cases = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))
    results = []
    for case in cases:
        start = peak_rss_kb()
        code, out, err = run(["catalogue", "import", str(folder / case["name"])])
        peak = peak_rss_kb()
        results.append(
            {
                "name": case["name"],
                "code": code,
                "out": out,
                "err": err,
                "peak_kb": peak,
                "grew_kb": peak - start,
            }
        )
    print(
        json.dumps(
            {"results": results, "unchanged": catalogue_digest() == before, "base_kb": baseline_kb}
        )
    )


if __name__ == "__main__":
    main()
