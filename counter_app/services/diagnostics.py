"""“Gửi nhật ký cho IT”: one zip an officer can send to the IT person when something
goes wrong, from Settings or ``counter-app diagnostics``.

Inside: the log files (rotated ones too), the data check (the ``check`` command's
report: data file, integrity, data version, backups) and the system lines (version,
Windows, data folder, database size). Never the database, a backup, a report or the
office profile. Personal data is kept out twice over: the citizens' names, phone and ID
numbers still stored in the data file are replaced wherever a log line holds them, and
anything shaped like a phone number, an ID number or an e-mail address is masked.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter_app import __version__, paths
from counter_app.i18n import tr
from counter_app.logging_setup import banner_lines, log_files
from counter_app.storage import fileops

MASK = "[đã ẩn]"
# Vietnamese mobile/landline numbers (0xx… or +84…, with spaces or dots), 9- and 12-digit
# ID card numbers, e-mail addresses.
PERSONAL_PATTERNS = [
    re.compile(r"(?<![\w.])(?:\+?84|0)(?:[ .-]?\d){8,10}(?!\w)"),
    re.compile(r"(?<!\w)\d{9}(?:\d{3})?(?!\w)"),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
]
PERSONAL_COLUMNS = ("citizen_name", "citizen_phone", "citizen_id_number")
MAX_LOG_BYTES = 20 * 2**20  # far more than the rotation keeps; a runaway file is cut


@dataclass(frozen=True)
class BundleResult:
    path: Path
    log_files: int
    masked: int  # how many personal values were masked in the logs


def personal_values(db_path: Path) -> set[str]:
    """The personal values still stored (read-only; an unreadable file gives none)."""
    if not db_path.exists():
        return set()
    values: set[str] = set()
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return values
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(session)")}
        for column in PERSONAL_COLUMNS:
            if column in columns:
                for (value,) in conn.execute(
                    f"SELECT DISTINCT {column} FROM session WHERE {column} <> ''"  # noqa: S608
                ):
                    if isinstance(value, str) and len(value.strip()) >= 3:
                        values.add(value.strip())
    except sqlite3.Error:
        pass
    finally:
        conn.close()
    return values


def scrub(text: str, values: Iterable[str] = ()) -> tuple[str, int]:
    """``text`` with the known personal values and anything shaped like one masked."""
    count = 0
    for value in sorted(values, key=len, reverse=True):
        n = text.count(value)
        if n:
            text = text.replace(value, MASK)
            count += n
    for pattern in PERSONAL_PATTERNS:
        text, n = pattern.subn(MASK, text)
        count += n
    return text, count


def data_check_lines(db_path: Path, backups_dir: Path) -> list[str]:
    """The ``check`` command's report (every backup folder searched, an unfinished
    recovery said), for the bundle made from the window."""
    from counter_app.storage.check import check_data

    folders = list(dict.fromkeys([Path(backups_dir), paths.backups_dir()]))
    return check_data(db_path, folders, paths.damaged_dir()).lines


def folder_lines(data_dir: Path) -> list[str]:
    """What the data folder holds, by sub-folder: counts and sizes, no file contents
    (report and backup names are dates and office codes, never people)."""
    if not data_dir.is_dir():
        return [f"{data_dir}: missing"]
    lines = []
    for item in sorted(data_dir.iterdir()):
        if item.is_dir():
            files = [p for p in item.rglob("*") if p.is_file()]
            size = sum(p.stat().st_size for p in files)
            lines.append(f"{item.name}/: {len(files)} files, {size / 2**20:.1f} MiB")
        elif item.is_file():
            lines.append(f"{item.name}: {item.stat().st_size / 2**20:.1f} MiB")
    return lines


def bundle_name(now: datetime) -> str:
    return f"nhat-ky-counter_app-{now:%Y%m%d-%H%M%S}.zip"


def write_log_bundle(
    out_dir: Path,
    *,
    clock: Callable[[], datetime],
    db_path: Path | None = None,
    backups_dir: Path | None = None,
    logs_dir: Path | None = None,
    check_text: str | None = None,
) -> BundleResult:
    """Write the zip into ``out_dir`` (via a temporary name, so a half-written zip is
    never left under the real name) and return where it is."""
    db_path = db_path or paths.database_path()
    backups_dir = backups_dir or paths.backups_dir()
    logs = log_files(logs_dir or paths.logs_dir())
    values = personal_values(db_path)
    now = clock()
    if check_text is None:
        check_text = "\n".join(data_check_lines(db_path, backups_dir)) + "\n"
    system = "\n".join(
        [
            f"counter_app {__version__}",
            *banner_lines()[1:],
            f"bundle made: {now:%Y-%m-%d %H:%M:%S}",
            "",
            "data folder:",
            *folder_lines(db_path.parent),
        ]
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / bundle_name(now)
    partial = target.with_name(target.name + ".partial")
    masked = 0
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("DOC-TRUOC.txt", _readme())
            for name, text in (("system.txt", system), ("check.txt", check_text)):
                clean, n = scrub(text, values)
                masked += n
                zf.writestr(name, clean)
            for log in logs:
                raw = _read_tail(log)
                clean, n = scrub(raw, values)
                masked += n
                zf.writestr(f"logs/{log.name}", clean)
        fileops.replace(partial, target)  # retried while a file is held for a moment
    finally:
        partial.unlink(missing_ok=True)
    return BundleResult(path=target, log_files=len(logs), masked=masked)


def _read_tail(path: Path) -> str:
    """The file's text (its last MAX_LOG_BYTES if it grew out of hand); a log that is
    being written meanwhile is read as far as it goes."""
    try:
        with open(path, "rb") as f:
            size = f.seek(0, 2)
            f.seek(max(0, size - MAX_LOG_BYTES))
            data = f.read()
    except OSError as exc:
        return f"(could not read {path.name}: {exc})\n"
    return data.decode("utf-8", errors="replace")


def _readme() -> str:
    return tr(
        "Log bundle of counter_app {version} for the IT person.\n"
        "\n"
        "system.txt: version, Windows, data folder and what it holds (sizes only).\n"
        "check.txt: the check of the data file and the backups.\n"
        "logs/: the app's log files.\n"
        "\n"
        "It holds no data file, no backup, no report and no personal data: citizens' "
        "names, phone and ID numbers are masked as {mask}.\n"
    ).format(version=__version__, mask=MASK)
