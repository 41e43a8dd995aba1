"""One running app per database: an OS lock on a side file, released even on a crash."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from counter_app.storage.errors import DataFolderError, InstanceLockedError


class InstanceLock:
    """Exclusive, non-blocking lock on ``<db>.lock``. The OS drops it if the process dies."""

    def __init__(self, db_path: Path):
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DataFolderError(str(self.path.parent), exc.strerror or "") from exc
        try:
            _lock(fd)
        except OSError as exc:
            os.close(fd)
            raise InstanceLockedError(str(self.path)) from exc
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            pass  # the pid is informative only
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = None


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
