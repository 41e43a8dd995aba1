"""``counter-app --self-test``: prove the app works on this machine, then exit.

Run by CI on the FROZEN bundle and by the office IT person after installing. It goes
through what an officer's week needs, on a throwaway database in a temporary folder
(``COUNTER_APP_HOME`` points there for the duration, so the user's data is never opened):
bundled resources and translations, the database, the embedded office profile, the real
main window, one saved session, the weekly report and its workbook, a verified backup.

Exit code 0 when every step passed; 1 with the failing step named on stdout (when there
is one — a windowed Windows build has none) and in the log file, with the traceback.
The temporary folder is kept after a failure so the IT person can look at it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app import __version__, paths
from counter_app.i18n import tr

log = logging.getLogger(__name__)
SELFTEST_OFFICE_CODE = "SELFTEST"
SELFTEST_PROCEDURE = "1.001193"  # Đăng ký khai sinh, in the built-in catalogue


class SelfTestError(Exception):
    """A check that did not hold; the message says what was expected."""


@dataclass
class Context:
    home: Path
    store: Any = None
    window: Any = None
    profile: Any = None
    officer_id: int = 0
    counter_id: int = 0
    session: Any = None
    report: Path | None = None
    probe_image: Any = None
    timings: dict[str, float] = field(default_factory=dict)


def _say(message: str) -> None:
    """Print when there is a console (a windowed Windows build has none) and log it."""
    log.info("self-test: %s", message)
    if sys.stdout is not None:
        try:
            print(message, flush=True)
        except (OSError, ValueError):
            pass


def run_self_test() -> int:
    """Run every step in order; stop at the first failure. Returns the process exit code."""
    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="counter_app_selftest_"))
    previous_home = os.environ.get(paths.HOME_ENV)
    os.environ[paths.HOME_ENV] = str(home)
    ctx = Context(home=home)
    _say(
        tr("Self-test of counter_app {version} in {folder}").format(
            version=__version__, folder=home
        )
    )
    steps: list[tuple[str, Callable[[Context], str]]] = [
        (tr("check the bundled files and translations"), _check_resources),
        (tr("open a test database"), _open_database),
        (tr("apply the office profile"), _apply_profile),
        (tr("open the main window"), _open_window),
        (tr("save a test session"), _save_session),
        (tr("write the weekly report"), _export_report),
        (tr("take a verified backup"), _take_backup),
        (tr("close the window and the database"), _close),
    ]
    try:
        failed = not all(_run_step(ctx, name, step) for name, step in steps)
    finally:
        _teardown(ctx)
        if previous_home is None:
            os.environ.pop(paths.HOME_ENV, None)
        else:
            os.environ[paths.HOME_ENV] = previous_home
    total = time.perf_counter() - started
    if failed:
        _say(
            tr(
                "Self-test FAILED. Details are in the log file; the test folder was kept: {folder}"
            ).format(folder=home)
        )
        return 1
    shutil.rmtree(home, ignore_errors=True)
    # One machine-readable line for CI and packaging/measure_startup.py.
    _say(
        "SELFTEST_TIMINGS window_ready_s={:.3f} total_s={:.3f} window_ready_epoch={:.3f}".format(
            ctx.timings.get("window_ready", 0.0), total, ctx.timings.get("window_ready_epoch", 0.0)
        )
    )
    _say(tr("Self-test passed in {seconds:.1f} s.").format(seconds=total))
    return 0


def _run_step(ctx: Context, name: str, step: Callable[[Context], str]) -> bool:
    """One step, timed and reported; False stops the run (``all`` stops at the first)."""
    t0 = time.perf_counter()
    try:
        detail = step(ctx)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none escapes
        log.exception("self-test step failed: %s", name)
        _say(tr("FAILED: {step}: {problem}").format(step=name, problem=_describe(exc)))
        return False
    ctx.timings[name] = time.perf_counter() - t0
    _say(
        tr("OK: {step} ({seconds:.2f} s) {detail}")
        .format(step=name, seconds=ctx.timings[name], detail=detail)
        .rstrip()
    )
    return True


def _describe(exc: BaseException) -> str:
    """Our own errors already speak Vietnamese; others are named by their type."""
    from counter_app.services.profile import ProfileError
    from counter_app.storage.errors import StorageError

    text = str(exc) or type(exc).__name__
    if isinstance(exc, SelfTestError | ProfileError | StorageError):
        return text
    return f"{type(exc).__name__}: {text}"


def _import_part(module: str, names: tuple[str, ...]) -> tuple[Any, ...]:
    """Import a part of the app lazily; a part missing from the build is a clear failure."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise SelfTestError(
            tr("the part {module} is missing from this build ({problem})").format(
                module=module, problem=exc
            )
        ) from exc
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        raise SelfTestError(
            tr("the part {module} lacks {names}").format(module=module, names=", ".join(missing))
        )
    return tuple(getattr(mod, n) for n in names)


# -- steps ---------------------------------------------------------------------------


def _check_resources(ctx: Context) -> str:
    from counter_app.i18n import po_files
    from counter_app.resources import resource_path

    catalogue = resource_path("procedures.csv")
    if not catalogue.is_file():
        raise SelfTestError(tr("the procedure catalogue {file} is missing").format(file=catalogue))
    if not po_files("vi"):
        raise SelfTestError(tr("the Vietnamese translations are missing"))
    if tr("Counter guidance log") == "Counter guidance log":
        raise SelfTestError(tr("the Vietnamese translations did not load"))
    return ""


def _open_database(ctx: Context) -> str:
    from counter_app.storage.database import open_store

    paths.ensure_dirs()
    ctx.store = open_store(paths.database_path(), paths.backups_dir(), paths.damaged_dir())
    n = ctx.store.db.execute("SELECT count(*) FROM procedure").fetchone()[0]
    if n == 0:
        raise SelfTestError(tr("the built-in procedure catalogue was not loaded"))
    return tr("{n} procedures in the catalogue").format(n=n)


def _apply_profile(ctx: Context) -> str:
    from counter_app.domain.models import Office, Role
    from counter_app.services.offices import NewOfficer, OfficeService
    from counter_app.services.profile import apply_profile_if_new, load_profile

    ctx.profile = load_profile()
    offices = OfficeService(ctx.store)
    if ctx.profile is not None:
        if not apply_profile_if_new(ctx.store, ctx.profile):
            raise SelfTestError(tr("the office profile was not applied to a new database"))
        office = offices.office()
        if office is None or office.code != ctx.profile.code:
            raise SelfTestError(tr("the office in the database is not the profile's office"))
        if apply_profile_if_new(ctx.store, ctx.profile):
            raise SelfTestError(tr("the office profile was applied twice"))
        detail = f"{office.code} — {office.name}"
    else:  # a generic build without a profile: a stand-in office
        office = offices.create_office(
            Office(code=SELFTEST_OFFICE_CODE, name="Self-test"),
            ["Quầy 1"],
            [NewOfficer("Self-test", Role.SUPERVISOR)],
        ).office
        detail = tr("no office profile in this build")
    counter_id, officer_id = offices.counters()[0].id, offices.officers()[0].id
    if counter_id is None or officer_id is None:
        raise SelfTestError(tr("the office has no counter or no officer"))
    ctx.counter_id, ctx.officer_id = counter_id, officer_id
    return detail


def _open_window(ctx: Context) -> str:
    (main_window,) = _import_part("counter_app.ui.main_window", ("MainWindow",))
    t0 = time.perf_counter()
    ctx.window = main_window(ctx.store, user=(ctx.officer_id, ctx.counter_id))
    ctx.window.update_idletasks()
    ctx.window.update()
    ctx.timings["window_ready"] = time.perf_counter() - t0
    ctx.timings["window_ready_epoch"] = time.time()
    # Pillow's Tk bridge (PIL._tkinter_finder, imported from C so PyInstaller cannot see
    # it) is what ttkbootstrap's images need: draw one explicitly to prove it is bundled.
    from PIL import Image, ImageTk

    ctx.probe_image = ImageTk.PhotoImage(
        Image.new("RGBA", (8, 8), (0, 128, 0, 255)), master=ctx.window
    )
    return tr("ready in {seconds:.2f} s").format(seconds=ctx.timings["window_ready"])


def _save_session(ctx: Context) -> str:
    from counter_app.domain.models import Session, SessionProcedure
    from counter_app.services.lookups import LookupService
    from counter_app.services.sessions import SessionService

    lookups = LookupService(ctx.store)
    started = datetime.now().replace(second=0, microsecond=0)  # today, never in the future
    session = Session(
        officer_id=ctx.officer_id,
        counter_id=ctx.counter_id,
        started_at=started,
        minutes=5,
        procedures=[SessionProcedure(SELFTEST_PROCEDURE, lookups.id_for("outcome", "submitted"))],
        help_type_ids=[lookups.id_for("help_type", "vneid_level2")],
        channel_id=lookups.id_for("channel", "counter"),
        portal_id=lookups.id_for("portal", "national"),
        note="self-test",
    )
    service = SessionService(ctx.store)
    ctx.session = service.create(session)
    again = service.get(ctx.session.uuid)
    if [p.procedure_code for p in again.procedures] != [SELFTEST_PROCEDURE]:
        raise SelfTestError(tr("the saved session did not read back"))
    return ""


def _export_report(ctx: Context) -> str:
    export_report, period_cls = _import_part("counter_app.reports", ("export_report", "Period"))
    year, week, _ = ctx.session.started_at.isocalendar()
    out = ctx.home / "exports" / f"selftest-week-{year}-{week:02d}.xlsx"
    ctx.report = Path(export_report(ctx.store, period_cls.iso_week(year, week), out=out))
    if not ctx.report.is_file():
        raise SelfTestError(tr("the report file was not written: {file}").format(file=ctx.report))
    check_workbook(ctx.report, year, week, SELFTEST_PROCEDURE)
    return ctx.report.name


def check_workbook(path: Path, year: int, week: int, procedure_code: str) -> None:
    """Reopen the workbook with openpyxl: the week's title (docs/PRODUCT.md §5) and the
    procedure."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        title = re.compile(rf"Tuần\s+0?{week}\s*/\s*{year}")
        found_title = found_code = False
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, str):
                        found_title = found_title or bool(title.search(value))
                        found_code = found_code or value.strip() == procedure_code
            if found_title and found_code:
                return
    finally:
        workbook.close()
    if not found_title:
        raise SelfTestError(
            tr("the report has no cell with the title Tuần {week}/{year}").format(
                week=week, year=year
            )
        )
    raise SelfTestError(
        tr("the report does not list the procedure {code}").format(code=procedure_code)
    )


def _take_backup(ctx: Context) -> str:
    from counter_app.storage.backup import check_integrity

    path = ctx.store.backup("manual")
    if check_integrity(path) != "ok":
        raise SelfTestError(
            tr("the backup {file} does not pass the integrity check").format(file=path)
        )
    return ""


def _close(ctx: Context) -> str:
    window, ctx.window = ctx.window, None
    ctx.probe_image = None  # a Tk image must not outlive its interpreter
    window.destroy()
    store, ctx.store = ctx.store, None
    store.close(backup_on_exit=False)
    return ""


def _teardown(ctx: Context) -> None:
    """After a failure: release the window and the database so the process can exit."""
    if ctx.window is not None:
        try:
            ctx.window.destroy()
        except Exception:  # noqa: BLE001 - best effort after a failure already reported
            log.exception("self-test: destroying the window failed")
    if ctx.store is not None:
        try:
            ctx.store.close(backup_on_exit=False)
        except Exception:  # noqa: BLE001
            log.exception("self-test: closing the database failed")
