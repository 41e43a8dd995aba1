"""SIGKILL at every step of recovery and of restore (issue 10, item 1).

Each trial copies a prepared data folder, runs the real opening path in a child process
(``tests/helpers/recovery_child.py``) that kills itself just before its n-th file
operation — or is killed at a random moment — then starts again normally. Afterwards the
data must be the old file or the restored backup, never a silent empty database, and the
user must have been told (by the killed run before it died, or by the next start); the
damaged original is always kept in ``damaged/``.

The table of trials per step is printed (``pytest -s``) for the issue's closing note.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import World
from tests.helpers.clock import TEST_NOW
from tests.helpers.datafiles import (
    DB,
    corrupt_header,
    corrupt_pages,
    foreign_database,
    lone_wal,
    open_in,
    sha,
)

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
RANDOM_TRIALS = 30
BACKUP_SESSIONS = 40  # in the newest backup
LIVE_SESSIONS = 45  # in the live file (5 more than the backup)


@dataclass
class Run:
    lines: list[str]
    killed: bool

    def told(self) -> bool:
        return any(x.startswith(("TOLD", "RESTORED")) for x in self.lines)

    def value(self, key: str) -> int | None:
        for line in self.lines:
            if line.startswith(key + " "):
                return int(line.split()[1])
        return None


def child(home: Path, *args: str, kill_at: int = 0, kill_after: float | None = None) -> Run:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        COUNTER_APP_HOME=str(home),
        COUNTER_APP_KILL_AT=str(kill_at),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.recovery_child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    lines = []
    if kill_after is not None:
        first = proc.stdout.readline().strip()
        lines.append(first)
        time.sleep(kill_after)
        proc.kill()
    out, err = proc.communicate(timeout=120)
    lines += [x for x in out.splitlines() if x]
    killed = proc.returncode != 0
    if killed and proc.returncode not in (-9, 137):
        raise AssertionError(f"child failed ({proc.returncode}):\n{err}")
    return Run(lines, killed)


def build_office(folder: Path, extra_notes: int = 0) -> None:
    """40 sessions in the newest backup (an older one, 30 sessions, packed), 5 more live."""
    store = open_in(folder)
    try:
        world = World(store)
        for i in range(30):
            world.save(note=f"lượt {i} " + "ghi chú " * extra_notes)
        store.backup("auto", now=TEST_NOW.replace(hour=9))
        for i in range(10):
            world.save(note=f"lượt {30 + i}")
        store.backup("auto", now=TEST_NOW)
        for i in range(5):
            world.save(note=f"chỉ trong tệp {i}")
    finally:
        store.close(backup_on_exit=False)


def make_big(folder: Path) -> None:
    """The same office with many more rows in its files (a recovery that takes a while):
    bulk copies of a session (not counted: they are notes in the setting table)."""
    import sqlite3

    for db in [folder / DB, *sorted((folder / "backups").glob("*.db"))]:
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE IF NOT EXISTS ballast (x BLOB)")
        conn.executemany("INSERT INTO ballast VALUES (randomblob(2000))", [()] * 6000)
        conn.commit()
        conn.close()


def _leave_a_journal(target: Path) -> None:
    """``target``'s data file as an app killed mid-day leaves it: a change in the -wal."""
    side = target.parent / (target.name + "-side")
    side.mkdir()
    store = open_in(target)
    try:
        store.db.execute("PRAGMA wal_autocheckpoint = 0")
        store.db.execute("INSERT INTO setting (key, value) VALUES ('journal.probe', '1')")
        for suffix in ("", "-wal"):
            shutil.copy(str(target / DB) + suffix, str(side / DB) + suffix)
    finally:
        store.close(backup_on_exit=False)
    for suffix in ("", "-wal", "-shm", ".clean-exit"):
        Path(str(target / DB) + suffix).unlink(missing_ok=True)
    for suffix in ("", "-wal"):
        shutil.copy(str(side / DB) + suffix, str(target / DB) + suffix)
    shutil.rmtree(side)


SCENARIOS = ["damaged", "damaged_newest_backup_too", "missing", "foreign", "lone_wal"]


def prepare(template: Path, scenario: str) -> dict:
    """Apply a scenario to a copy of the office; returns what the checks need."""
    db = template / DB
    facts: dict = {"expected": BACKUP_SESSIONS}
    if scenario == "damaged":
        corrupt_pages(db)
    elif scenario == "damaged_newest_backup_too":
        corrupt_pages(db)
        newest = sorted((template / "backups").glob("*.db"))[-1]
        corrupt_header(newest)
        facts["expected"] = 30  # the older, packed backup
    elif scenario == "missing":
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    elif scenario == "foreign":
        foreign_database(db)
    elif scenario == "lone_wal":
        lone_wal(template)
    if db.exists():
        facts["original_sha"] = sha(db)
    return facts


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    base = tmp_path_factory.mktemp("kill_templates")
    made = {}
    office = base / "office"
    build_office(office)
    # The list of folders backups were written to names this template's own folder:
    # each trial's copy must search only its own copies.
    (office / "backup-places.json").unlink(missing_ok=True)
    for scenario in SCENARIOS:
        target = base / scenario
        shutil.copytree(office, target)
        made[scenario] = (target, prepare(target, scenario))
    restore = base / "restore"
    shutil.copytree(office, restore)
    (restore / "usb").mkdir()
    newest = sorted((restore / "backups").glob("*.db"))[-1]
    shutil.copy(newest, restore / "usb" / "saoluu.db")
    made["restore"] = (restore, {"expected": BACKUP_SESSIONS, "original_sha": sha(restore / DB)})
    with_wal = base / "restore_wal"
    shutil.copytree(restore, with_wal)
    _leave_a_journal(with_wal)
    made["restore_wal"] = (with_wal, {"original_sha": sha(with_wal / DB)})
    big = base / "big"
    shutil.copytree(office, big)
    make_big(big)
    shutil.copy(sorted((big / "backups").glob("*.db"))[-1], big / "saoluu.db")
    big_damaged = base / "big_damaged"
    shutil.copytree(big, big_damaged)
    made["big_damaged"] = (big_damaged, prepare(big_damaged, "damaged"))
    made["big_restore"] = (big, {"expected": BACKUP_SESSIONS, "original_sha": sha(big / DB)})
    return made


def trial_dir(tmp_path: Path, template: Path, n: int) -> Path:
    target = tmp_path / f"trial-{n}"
    shutil.copytree(template, target)
    return target


def damaged_kept(home: Path, original_sha: str | None) -> bool:
    if original_sha is None:
        return True
    return any(sha(p) == original_sha for p in (home / "damaged").glob("*.db"))


GOOD = {"restored, told", "old file"}


def check_recovery(home: Path, facts: dict, first: Run) -> str:
    """Start again after the killed run; the outcome in a few words (for the table)."""
    second = child(home, "open")
    assert not second.killed
    sessions = second.value("SESSIONS")
    told = first.told() or second.told()
    if sessions == 0:
        return "empty, told" if told else "SILENT EMPTY"
    if sessions != facts["expected"]:
        return f"wrong data ({sessions} sessions)"
    if not told:
        return "restored, never told"
    if not damaged_kept(home, facts.get("original_sha")):
        return "damaged original lost"
    return "restored, told"


def check_restore(home: Path, facts: dict, first: Run) -> str:
    second = child(home, "open")
    assert not second.killed
    sessions = second.value("SESSIONS")
    told = first.told() or second.told()
    if sessions == LIVE_SESSIONS:
        return "old file"
    if sessions == 0:
        return "empty, told" if told else "SILENT EMPTY"
    if sessions != facts["expected"]:
        return f"wrong data ({sessions} sessions)"
    if not told:
        return "restored, never told"
    if not damaged_kept(home, facts["original_sha"]):
        return "previous file lost"
    return "restored, told"


def sweep(tmp_path, template: Path, facts: dict, args: tuple[str, ...], check) -> Counter:
    """Kill before each file operation in turn, then once more with no kill."""
    dry = child(trial_dir(tmp_path, template, 0), *args)
    steps = dry.value("OPS")
    assert steps and steps >= 4, dry.lines
    outcomes: Counter = Counter()
    for k in range(1, steps + 1):
        home = trial_dir(tmp_path, template, k)
        first = child(home, *args, kill_at=k)
        outcomes[check(home, facts, first)] += 1
        shutil.rmtree(home)
    return outcomes


REPORT: dict[str, Counter] = {}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_kill_at_every_step_of_recovery(tmp_path, templates, scenario):
    template, facts = templates[scenario]
    outcomes = sweep(tmp_path, template, facts, ("open",), check_recovery)
    REPORT[f"recovery ({scenario}), kill before each file operation"] = outcomes
    assert set(outcomes) <= GOOD, outcomes
    assert outcomes["restored, told"] >= 4


RESTORES = {
    "a plain copy on a USB stick": ("restore", "usb/saoluu.db", BACKUP_SESSIONS),
    "a packed backup": ("restore", "PACK", 30),
    "over a file with an open journal": ("restore_wal", "usb/saoluu.db", BACKUP_SESSIONS),
}


@pytest.mark.parametrize("variant", list(RESTORES))
def test_kill_at_every_step_of_restore(tmp_path, templates, variant):
    kind, source, expected = RESTORES[variant]
    template, facts = templates[kind]
    facts = dict(facts, expected=expected)

    def file_in(home: Path) -> str:
        if source == "PACK":
            return str(next((home / "backups").glob("*.dbpack")))
        return str(home / source)

    dry_home = trial_dir(tmp_path, template, 0)
    steps = child(dry_home, "restore", file_in(dry_home)).value("OPS")
    assert steps and steps >= 6
    outcomes: Counter = Counter()
    for k in range(1, steps + 1):
        home = trial_dir(tmp_path, template, k)
        first = child(home, "restore", file_in(home), kill_at=k)
        outcomes[check_restore(home, facts, first)] += 1
        shutil.rmtree(home)
    REPORT[f"restore ({variant}), kill before each file operation"] = outcomes
    assert set(outcomes) <= GOOD, outcomes
    assert outcomes["restored, told"] >= 1 and outcomes["old file"] >= 1


def _duration(home: Path, *args: str) -> float:
    """Seconds from READY (imports done) to the end of an uninterrupted run."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), COUNTER_APP_HOME=str(home))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.recovery_child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout.readline().strip() == "READY"
    started = time.monotonic()
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    return time.monotonic() - started


@pytest.mark.parametrize("kind", ["recovery", "restore"])
def test_random_kills(tmp_path, templates, kind):
    rng = random.Random(20261126 + len(kind))
    template, facts = templates["big_damaged" if kind == "recovery" else "big_restore"]

    def args_for(home: Path) -> tuple[str, ...]:
        return ("open",) if kind == "recovery" else ("restore", str(home / "saoluu.db"))

    home = trial_dir(tmp_path, template, 0)
    total = _duration(home, *args_for(home))
    check = check_recovery if kind == "recovery" else check_restore
    outcomes: Counter = Counter()
    for n in range(1, RANDOM_TRIALS + 1):
        home = trial_dir(tmp_path, template, n)
        first = child(home, *args_for(home), kill_after=rng.uniform(0.0, total))
        outcomes[check(home, facts, first) + (" (killed)" if first.killed else "")] += 1
        shutil.rmtree(home)
    REPORT[f"{kind}, {RANDOM_TRIALS} random kills"] = outcomes
    assert {k.replace(" (killed)", "") for k in outcomes} <= GOOD, outcomes
    assert sum(v for k, v in outcomes.items() if "killed" in k) >= RANDOM_TRIALS // 2


def teardown_module(module):
    if REPORT:
        print("\nkill trials (outcome: count)")
        for name, outcomes in REPORT.items():
            total = sum(outcomes.values())
            detail = ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items()))
            print(f"  {name}: {total} trials — {detail}")
