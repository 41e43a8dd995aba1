"""Child process of the kill trials (tests/test_recovery_kills.py).

    python -m tests.helpers.recovery_child open|restore [FILE]

Runs the real path — ``bootstrap.open_default_store`` (COUNTER_APP_HOME chooses the
folder) or ``storage.restore.restore_file`` — and prints what a user would be told.
With ``COUNTER_APP_KILL_AT=n`` it SIGKILLs itself just before its n-th file operation
(counted by ``storage.fileops.on_operation``); it prints ``OPS n`` at the end so the test
knows how many steps there are. Lines, in order:

    READY                   imported; the work starts now (random kills time from here)
    TOLD <message>          the recovery message was shown (then acknowledged)
    RESTORED <n>            restore_file returned
    SESSIONS <n>            sessions in the opened data
    OPS <n>                 file operations done
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

try:
    from counter_app.storage import fileops
except ImportError:  # a version without the hook (run against the old code): random only
    fileops = None  # type: ignore[assignment]

ops = 0
kill_at = int(os.environ.get("COUNTER_APP_KILL_AT", "0") or 0)


def count(name: str, path: Path) -> None:
    global ops
    ops += 1
    if ops == kill_at:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    from counter_app.bootstrap import open_default_store
    from counter_app.storage.restore import restore_file

    if fileops is not None:
        fileops.on_operation = count
    mode = sys.argv[1]
    print("READY", flush=True)
    if mode == "restore":
        result = restore_file(Path(sys.argv[2]))
        print("RESTORED", result.sessions, flush=True)
        if hasattr(result, "acknowledge"):
            result.acknowledge()
    store = open_default_store()
    try:
        if store.recovery is not None:
            print("TOLD", store.recovery.message().replace("\n", " "), flush=True)
            if hasattr(store, "acknowledge_recovery"):
                store.acknowledge_recovery()
        n = store.db.execute("SELECT count(*) FROM session").fetchone()[0]
        print("SESSIONS", n, flush=True)
    finally:
        store.close(backup_on_exit=False)
    print("OPS", ops, flush=True)


if __name__ == "__main__":
    main()
