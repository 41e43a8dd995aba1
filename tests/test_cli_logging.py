"""Logs an IT person can use: each process its own file (the window and the console twin
run at once), the first lines say which build, which Windows, which data."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from counter_app import __version__, logging_setup, paths

ROOT = Path(__file__).resolve().parent.parent


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def handler_factory(tmp_path):
    made = []

    def make(folder: Path = tmp_path / "logs", **kwargs):
        handler = logging_setup.open_log_handler(folder, **kwargs)
        made.append(handler)
        return handler

    yield make
    for h in made:
        h.close()


def test_the_first_lines_say_version_windows_data_folder_and_database_size(
    handler_factory, file_store
):
    handler = handler_factory()
    handler.flush()
    first = lines_of(Path(handler.baseFilename))[:4]
    assert f"counter_app {__version__} started" in first[0]
    assert "system: " in first[1] and "Python" in first[1]
    assert f"data folder: {paths.data_dir()}" in first[2]
    assert "database: counter_app.db, " in first[3] and "MiB" in first[3]


def test_a_fresh_pc_says_the_database_is_not_created_yet(handler_factory):
    handler = handler_factory()
    handler.flush()
    assert "not created yet" in lines_of(Path(handler.baseFilename))[3]


def test_every_rotated_file_starts_with_the_banner_again(handler_factory, tmp_path):
    handler = handler_factory(max_bytes=2_000, backup_count=3)
    logger = logging.getLogger("test.rotation")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for i in range(100):
            logger.warning("line %03d %s", i, "x" * 40)
    finally:
        logger.removeHandler(handler)
    handler.flush()
    current = Path(handler.baseFilename)
    rotated = current.with_name(current.name + ".1")
    assert rotated.is_file()
    for path in (current, rotated):
        assert "started" in lines_of(path)[0]


HOLDER = textwrap.dedent(
    """
    import sys, time
    from counter_app import logging_setup
    from pathlib import Path
    h = logging_setup.open_log_handler(Path(sys.argv[1]))
    print(h.baseFilename, flush=True)
    sys.stdin.readline()   # hold the file until told to go
    """
)


def hold_a_log(folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COUNTER_APP_HOME": str(folder.parent)}
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_second_process_at_the_same_time_writes_its_own_file(tmp_path, handler_factory):
    folder = tmp_path / "logs"
    window = hold_a_log(folder)  # e.g. the windowed app, open all day
    try:
        first = Path(window.stdout.readline().strip())
        assert first.name == "counter_app.log"
        console = handler_factory(folder)  # e.g. the console twin running `check`
        assert Path(console.baseFilename).name == "counter_app-2.log"
    finally:
        window.communicate("\n", timeout=30)
    # the window closed: its file is free for the next process
    again = handler_factory(folder)
    assert Path(again.baseFilename).name in ("counter_app.log", "counter_app-2.log")
    assert logging_setup.claim_log_file(folder)[0].name != Path(again.baseFilename).name


def test_log_files_lists_current_and_rotated_files_not_locks(tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir()
    for name in ("counter_app.log", "counter_app.log.1", "counter_app-2.log", "x.txt"):
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "counter_app.log.lock").write_bytes(b"")
    names = [p.name for p in logging_setup.log_files(folder)]
    assert names == ["counter_app-2.log", "counter_app.log", "counter_app.log.1"]


def test_two_processes_logging_and_rotating_at_once_lose_nothing(tmp_path):
    """The failure this design removes: two writers on one rotating file (on Windows the
    rename fails while the other holds it open, and lines are lost)."""
    script = textwrap.dedent(
        """
        import logging, sys
        from pathlib import Path
        from counter_app import logging_setup
        h = logging_setup.open_log_handler(Path(sys.argv[1]), max_bytes=4000, backup_count=50)
        log = logging.getLogger("w"); log.addHandler(h); log.setLevel(logging.INFO)
        for i in range(400):
            log.info("writer %s line %d", sys.argv[2], i)
        h.close()
        """
    )
    folder = tmp_path / "logs"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COUNTER_APP_HOME": str(tmp_path)}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(folder), w], env=env)
        for w in ("A", "B")
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    text = "".join(p.read_text(encoding="utf-8") for p in logging_setup.log_files(folder))
    for writer in ("A", "B"):
        got = {ln.rsplit(" ", 1)[1] for ln in text.splitlines() if f"writer {writer} line" in ln}
        assert len(got) == 400, writer
