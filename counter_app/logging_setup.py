"""A log file is always written: a windowed build has no console to print to.

One writer per log file: the windowed app and its console twin (or two commands) often
run at once, and on Windows a rotating file another process holds open cannot be renamed
(the rotation fails and lines are lost). So each process claims a numbered file with a
lock held for its life: ``counter_app.log`` for the first, ``counter_app-2.log`` for a
second process at the same time, and so on; a process that ends releases its file for
the next. Every file starts (and starts again after each rotation) with the lines an IT
person asks for first: version, Windows version, data folder, database size.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import IO, Any

from counter_app import __version__, paths

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
BASE_NAME = "counter_app"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
MAX_SLOTS = 9  # more processes than that at once: one more file per process id

_current: Path | None = None
_lock_handle: IO[bytes] | None = None


def log_file_name(slot: int) -> str:
    return f"{BASE_NAME}.log" if slot == 1 else f"{BASE_NAME}-{slot}.log"


def log_files(folder: Path | None = None) -> list[Path]:
    """Every log file in the folder, rotated ones included, newest name first."""
    folder = folder or paths.logs_dir()
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.glob(f"{BASE_NAME}*.log*") if not p.name.endswith(".lock")),
        key=lambda p: p.name,
    )


def current_log_file() -> Path | None:
    """The file this process writes to (None before ``setup_logging`` or without one)."""
    return _current


def _try_lock(handle: IO[bytes]) -> bool:
    """An exclusive, non-blocking lock on the first byte; released when the process ends."""
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def claim_log_file(folder: Path) -> tuple[Path, IO[bytes] | None]:
    """The first numbered log file no other running process holds, and its lock."""
    folder.mkdir(parents=True, exist_ok=True)
    for slot in range(1, MAX_SLOTS + 1):
        name = log_file_name(slot)
        handle = open(folder / f"{name}.lock", "a+b")  # noqa: SIM115 - held for the process
        if _try_lock(handle):
            return folder / name, handle
        handle.close()
    return folder / f"{BASE_NAME}-pid{os.getpid()}.log", None


def banner_lines() -> list[str]:
    """What an IT person asks first: which build, which Windows, which data."""
    from counter_app.platform_check import describe

    try:
        db = paths.database_path()
        size = f"{db.stat().st_size / 2**20:.1f} MiB" if db.exists() else "not created yet"
    except OSError as exc:
        size = f"unreadable ({exc})"
    return [
        f"counter_app {__version__} started (process {os.getpid()}, "
        f"{' '.join(sys.argv[1:]) or 'window'})",
        f"system: {describe()}",
        f"data folder: {paths.data_dir()}",
        f"database: {paths.database_path().name}, {size}",
    ]


class BannerFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose every generation starts with the banner lines."""

    def __init__(self, filename: Path, banner: list[str], **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self.banner = banner

    def write_banner(self) -> None:
        for line in self.banner:
            self.emit(logging.LogRecord("counter_app", logging.INFO, "", 0, line, None, None))

    def doRollover(self) -> None:
        super().doRollover()
        self.write_banner()


def open_log_handler(
    folder: Path, max_bytes: int = MAX_BYTES, backup_count: int = BACKUP_COUNT
) -> BannerFileHandler:
    """The handler of this process's own log file (claimed, with its banner written)."""
    global _current, _lock_handle
    path, lock = claim_log_file(folder)
    handler = BannerFileHandler(
        path, banner_lines(), maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.write_banner()
    _current, _lock_handle = path, lock
    return handler


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_counter_app", False) for h in root.handlers):
        return
    root.setLevel(level)
    handler: logging.Handler
    try:
        handler = open_log_handler(paths.logs_dir())
    except OSError:
        handler = logging.StreamHandler(sys.stderr) if sys.stderr else logging.NullHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
    setattr(handler, "_counter_app", True)  # noqa: B010 - marks our handler
    root.addHandler(handler)

    def log_uncaught(exc_type, exc, tb):
        logging.getLogger("counter_app").critical("uncaught", exc_info=(exc_type, exc, tb))
        if sys.stderr:
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = log_uncaught
