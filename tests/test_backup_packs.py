"""Backups proportional to what changed (issue 15, item 3): older copies packed as the
pages that changed since a base, rebuilt exactly; a year of rotation stays under 5× the
data file (the old rotation kept up to 34 full copies)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from counter_app.services.sessions import SessionService
from counter_app.storage import backup
from tests.conftest import World
from tests.helpers.clock import FrozenClock
from tests.helpers.datafiles import DB, corrupt_pages, open_in, sha

START = datetime(2026, 1, 5, 8, 0)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def simulate(folder: Path, days: int, per_day: int = 6, keep_plain: dict | None = None) -> Path:
    """``days`` days of an office: sessions during the day, a backup at noon and one at
    closing time (named by the simulated clock). ``keep_plain`` collects a copy of each
    backup as written, by file stem, to compare packs with."""
    clock = FrozenClock(START)
    store = open_in(folder)
    world = World(store, clock)
    try:
        for i in range(200):
            world.save(
                note=f"lượt cũ {i}", started_at=START - timedelta(days=1), backdated_reason="x"
            )
        service = SessionService(store, clock=clock)
        for day in range(days):
            today = START + timedelta(days=day)
            clock.now = today.replace(hour=17)
            for n in range(per_day):
                service.create(
                    world.make(
                        started_at=today.replace(hour=8 + n % 8, minute=5),
                        note=f"ngày {day} lượt {n} " + "ghi chú " * (n % 4),
                    )
                )
            for hour in (12, 17):
                path = store.backup("auto", now=today.replace(hour=hour))
                if keep_plain is not None:
                    keep_plain[path.name[: -len(".db")]] = folder.parent / "plain" / path.name
                    keep_plain[path.name[: -len(".db")]].parent.mkdir(exist_ok=True)
                    shutil.copy(path, keep_plain[path.name[: -len(".db")]])
    finally:
        store.close(backup_on_exit=False)
    return folder / DB


def test_six_weeks_of_backups_stay_under_five_times_the_data_file(tmp_path):
    folder = tmp_path / "data"
    live = simulate(folder, days=42)
    ratio = folder_bytes(folder / "backups") / live.stat().st_size
    assert ratio <= 5, f"backups are {ratio:.1f}× the data file"
    kinds = [b.kind for b in backup.list_backups(folder / "backups")]
    assert kinds[0] == "plain" and kinds.count("plain") == 1  # the newest, quick to restore
    assert kinds.count("pack") >= 15  # every kept day is still there


@pytest.mark.slow
def test_a_year_of_rotation_stays_under_five_times_the_data_file(tmp_path):
    folder = tmp_path / "data"
    live = simulate(folder, days=365)
    kept = backup.list_backups(folder / "backups")
    ratio = folder_bytes(folder / "backups") / live.stat().st_size
    assert ratio <= 5, f"backups are {ratio:.1f}× the data file"
    months = {(b.taken_at.year, b.taken_at.month) for b in kept}
    assert len(months) >= backup.KEEP_MONTHLY  # the schedule is still kept in full


def test_every_pack_rebuilds_the_backup_it_replaced_exactly(tmp_path):
    from counter_app.storage import packs

    folder = tmp_path / "data"
    plain: dict[str, Path] = {}
    simulate(folder, days=20, keep_plain=plain)
    kept = [b for b in backup.list_backups(folder / "backups") if b.kind == "pack"]
    assert {packs.read_header(b.path).kind for b in kept} == {"full", "delta"}
    for b in kept:
        rebuilt = tmp_path / "rebuilt.db"
        packs.materialize(b.path, rebuilt)
        assert sha(rebuilt) == sha(plain[b.stem]), b.path.name
        assert backup.check_integrity(rebuilt) == "ok"


def test_recovery_skips_a_damaged_pack_for_the_next_good_backup(tmp_path):
    folder = tmp_path / "data"
    simulate(folder, days=4)
    backups = backup.list_backups(folder / "backups")
    newest, second = backups[0], backups[1]
    corrupt_pages(newest.path)  # the plain newest
    data = bytearray(second.path.read_bytes())
    data[-200:-100] = b"\0" * 100  # a damaged chunk in the newest pack
    second.path.write_bytes(bytes(data))
    corrupt_pages(folder / DB)
    store = open_in(folder)
    try:
        assert store.recovery is not None
        assert store.recovery.restored_from == backups[2].path
    finally:
        store.close(backup_on_exit=False)


def test_a_delta_without_its_base_is_not_used(tmp_path):
    from counter_app.storage import packs

    folder = tmp_path / "data"
    simulate(folder, days=4)
    packed = [b for b in backup.list_backups(folder / "backups") if b.kind == "pack"]
    base = next(b for b in packed if packs.read_header(b.path).kind == "full")
    delta = next(b for b in packed if b.base == base.path.name)
    base.path.unlink()
    with pytest.raises(packs.PackError):
        packs.materialize(delta.path, tmp_path / "x.db")


def test_thinning_keeps_the_base_of_every_kept_delta(tmp_path):
    folder = tmp_path / "data"
    simulate(folder, days=30)
    backups = backup.list_backups(folder / "backups")
    names = {b.path.name for b in backups}
    for b in backups:
        if b.base:
            assert b.base in names, f"{b.path.name} lost its base {b.base}"
