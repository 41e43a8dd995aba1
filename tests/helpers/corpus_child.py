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
    cases = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))
    results = []
    for case in cases:
        start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        code, out, err = run(["catalogue", "import", str(folder / case["name"])])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
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
    print(json.dumps({"results": results, "unchanged": catalogue_digest() == before}))


if __name__ == "__main__":
    main()
