"""Every file operation storage performs on the data and its copies, in one place.

Two reasons: on Windows an antivirus or the search indexer holds a file that was just
written for a moment, so a rename or delete fails with ``PermissionError`` and succeeds a
little later — every swap here retries briefly before giving up; and the crash tests
count these operations to kill the process between any two of them
(``on_operation``, a fault-injection hook that is ``None`` in the app).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

RETRIES = 8  # 0.05 s doubling, capped at 0.5 s: about 2.5 s in all
FIRST_DELAY = 0.05

# Called with (operation, path) before each operation; the crash tests set it.
on_operation: Callable[[str, Path], None] | None = None


def note(name: str, path: Path) -> None:
    """Announce an operation done outside this module (for the crash tests' count)."""
    if on_operation is not None:
        on_operation(name, Path(path))


_op = note


def _retrying(action: Callable[[], None], what: str) -> None:
    """Run ``action``, retrying on PermissionError (a file held for a moment)."""
    delay = FIRST_DELAY
    for attempt in range(RETRIES):
        try:
            action()
            return
        except PermissionError:
            if attempt == RETRIES - 1:
                raise
            log.warning("%s: file held by another program, retrying", what)
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def replace(src: Path, dst: Path) -> None:
    """Atomic rename over ``dst`` (retried while the file is held), then the folder synced."""
    _op("replace", Path(dst))
    _retrying(lambda: os.replace(src, dst), f"rename {src} → {dst}")
    fsync_dir(Path(dst).parent)


def move(src: Path, dst: Path) -> None:
    """Move a file (same volume: a rename; another volume: copy, sync, delete)."""
    _op("move", Path(dst))
    try:
        _retrying(lambda: os.replace(src, dst), f"move {src} → {dst}")
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copyfile(src, dst)
        fsync_file(Path(dst))
        unlink(Path(src))
    fsync_dir(Path(dst).parent)
    fsync_dir(Path(src).parent)


def copy(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` and make it durable."""
    _op("copy", Path(dst))
    shutil.copyfile(src, dst)
    fsync_file(Path(dst))


def unlink(path: Path) -> None:
    """Delete if present (retried while held)."""
    _op("unlink", Path(path))

    def action() -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)

    _retrying(action, f"delete {path}")


def write_durably(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all or nothing: temp file, sync, rename, sync folder."""
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two processes never share it
    _op("write", tmp)
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    replace(tmp, path)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def older_than(path: Path, seconds: float, now: float | None = None) -> bool:
    """True when ``path`` was last changed more than ``seconds`` ago (by its mtime)."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return False
    return (now if now is not None else time.time()) - mtime > seconds
