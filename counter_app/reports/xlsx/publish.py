"""Where a finished workbook goes: its default name, a name that is free, and the move
from the temporary file that never replaces a file someone else made meanwhile."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from counter_app.reports.period import Period
from counter_app.storage import fileops


def default_name(period: Period, office_code: str, suffix: str = ".xlsx") -> str:
    """``BaoCao_Tuan47-2026_XA01.xlsx``: ASCII only, safe on every file system."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in office_code) or "DonVi"
    return f"BaoCao_{period.file_tag}_{safe}{suffix}"


def consolidated_name(period: Period, suffix: str = ".xlsx") -> str:
    return f"BaoCao_TongHop_{period.file_tag}{suffix}"


def unique_path(path: Path) -> Path:
    """``path``, or ``name (2).xlsx``, ``name (3).xlsx``… if it exists: never overwrite."""
    path = Path(path)
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


@contextlib.contextmanager
def temp_files(folder: Path, *prefixes: str, suffix: str = ".xlsx") -> Iterator[list[Path]]:
    """Empty temporary files beside the destination (same volume, so the final move is a
    rename), removed afterwards whatever happened."""
    made = []
    try:
        for prefix in prefixes:
            fd, name = tempfile.mkstemp(suffix=suffix, dir=folder, prefix=prefix)
            os.close(fd)
            made.append(Path(name))
        yield made
    finally:
        for leftover in made:
            try:
                os.unlink(leftover)
            except OSError:  # gone already, or held by a scanner on Windows: harmless
                pass


def publish(tmp: Path, out: Path) -> Path:
    """Move the finished ``tmp`` to ``out`` without ever replacing an existing file.

    The name was chosen free when the export started, but a long export gives another
    program (or another PC on a shared folder) time to create it: a hard link fails
    atomically when the name is taken. Where links are unsupported (FAT32, some shares)
    a last existence check narrows the window before ``os.replace``."""
    while True:
        try:
            os.link(tmp, out)
        except FileExistsError:
            out = unique_path(out)
            continue
        except OSError:
            if out.exists():
                out = unique_path(out)
            fileops.replace(tmp, out)  # retried while an antivirus holds the new file
            return out
        try:
            os.unlink(tmp)
        except OSError:
            pass  # Windows: a virus scanner may hold it a moment; the report is in place
        return out
