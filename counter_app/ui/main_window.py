"""The main window: one ttkbootstrap root holding the start screens (first-run setup, who
is at the counter) and then the work screens in a notebook, with today's strip.

It is the ``app`` every screen and presenter receives (``presenters.base.AppLike``): the
data (``store``), the person at the counter, the message boxes (``ui/dialogs.py``), the
one background-job runner (``ui/jobs.py``) and the notifications screens send each other.
Keys are declared in ``ui/shortcuts.py``; the housekeeping it triggers (today's figures,
the personal-data purge, the end-of-day check) is ``services/housekeeping.py``.
"""

from __future__ import annotations

import logging
import sys
import tkinter as tk
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import ttkbootstrap as ttk

from counter_app import __version__, i18n
from counter_app.domain.models import Counter, Officer, Role
from counter_app.i18n import tr
from counter_app.presenters.login import LoginOutcome
from counter_app.services import settings
from counter_app.services.housekeeping import Housekeeping
from counter_app.services.offices import OfficeService
from counter_app.storage.database import Store
from counter_app.storage.errors import StorageError
from counter_app.ui import shortcuts
from counter_app.ui.dialogs import DialogsMixin
from counter_app.ui.jobs import JobRunner
from counter_app.ui.shell import (
    SCREENS,
    SUPERVISOR_SCREENS,
    Header,
    focus_screen,
    make_screen,
    screen_titles,
    window_commands,
)
from counter_app.ui.theme import (
    DEFAULT_THEME,
    install_readable_colours,
    register_ttk_locale,
    setup_fonts,
    ttk_theme,
)
from counter_app.ui.widgets import FitOrScroll, Toast

log = logging.getLogger(__name__)
COUNTS_REFRESH_MS = 5 * 60 * 1000
PURGE_DELAY_MS = 3000  # after the window is up: start-up stays fast
# The screens that show sessions, and what each does to show them again after a save.
FOLLOW_SAVES = {"history": "refresh", "reports": "on_sessions_changed"}
PURGE_PAUSE_MS = 15  # between two purge batches: keystrokes and saves go in between


def apply_saved_language(store: Store) -> None:
    language = settings.LANGUAGE.get(store)
    if language in i18n.LANGUAGES and language != i18n.language():
        i18n.set_language(language)


class MainWindow(DialogsMixin, ttk.App):
    def __init__(
        self,
        store: Store,
        theme: str | None = None,
        user: tuple[int, int] | None = None,
        scaling: float | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ):
        apply_saved_language(store)
        self.theme_name = theme or settings.THEME.get(store) or DEFAULT_THEME
        kwargs: dict[str, Any] = {"scaling": scaling} if scaling else {}
        super().__init__(
            title=self.window_title(store),
            theme=ttk_theme(self.theme_name),
            minsize=(960, 620),
            size=(1280, 820),
            **kwargs,
        )
        self.store = store
        self.clock = clock
        self.current_officer: Officer | None = None
        self.current_counter: Counter | None = None
        self.housekeeping = Housekeeping(store, clock)
        self.jobs = JobRunner(self)
        self.restart_requested = False
        self.recover_problem: str | None = None  # damage found: reopen through recovery
        self.carried_draft: tuple[int, dict] | None = None  # the typed session, kept
        self._store_closed = False
        self._resume_silently = False
        self._carried_edit: Any = None  # a correction carried over a language switch
        self.screens: dict[str, Any] = {}  # name → the screen's view
        self._tab_frames: dict[str, FitOrScroll] = {}
        self.notebook: ttk.Notebook | None = None
        self._last_tab: str | None = None
        self._stale: set[str] = set()  # screens showing data from before the last save
        self._choices_dirty = False
        self._counts_after: str | None = None
        register_ttk_locale(i18n.language())
        setup_fonts(self)
        install_readable_colours(self)
        self._fit_to_screen()
        if sys.platform == "win32":
            try:
                self.state("zoomed")
            except tk.TclError:
                pass
        self.protocol("WM_DELETE_WINDOW", self.close)
        self._build_shell()
        shortcuts.bind_window(self, window_commands(self))
        if user is not None:
            self._start_as(*user)
        elif OfficeService(store).office() is None:
            self._show_start_screen("setup")
        else:
            self._show_start_screen("login")

    @staticmethod
    def window_title(store: Store) -> str:
        office = OfficeService(store).office()
        title = tr("Counter guidance log")
        if office:
            title += f" — {office.name}"
        if store.is_demo:
            title = tr("[TRAINING MODE – demo data, not saved to the real data] ") + title
        return f"{title} ({__version__})"

    # -- shell ----------------------------------------------------------------------------

    def _build_shell(self) -> None:
        self.header = Header(self, self.switch_user, self.toggle_theme)
        self.header.pack(fill="x")
        # The strip is packed before the body so that a short screen squeezes the body,
        # never today's figures.
        self.strip = ttk.Frame(self, padding=(12, 4), bootstyle="secondary")
        self.strip.pack(fill="x", side="bottom")
        self.body = ttk.Frame(self)
        self.body.pack(fill="both", expand=True)
        self.counts_var = tk.StringVar(self)
        ttk.Label(
            self.strip, textvariable=self.counts_var, font="-size 11", bootstyle="@secondary"
        ).pack(side="left")
        self.check_banner = ttk.Frame(self, padding=(12, 6), bootstyle="warning")
        ttk.Label(
            self.check_banner,
            text=tr(
                "Checking the data after the unexpected shutdown… You can type; sessions "
                "are saved once the check is done (a few seconds)."
            ),
            bootstyle="@warning",
            font="-size 11 -weight bold",
        ).pack(side="left")
        self.toaster = Toast(self)
        self._update_header()

    def _update_header(self) -> None:
        office = OfficeService(self.store).office()
        self.header.show(
            office.name if office else None,
            self.store.is_demo,
            self.theme_name,
            self.current_officer,
            self.current_counter,
        )

    def _clear_body(self) -> None:
        for child in self.body.winfo_children():
            child.destroy()
        self.screens = {}
        self._tab_frames = {}
        self.notebook = None

    def _show_start_screen(self, which: str) -> None:
        from counter_app.ui.start_screens import LoginScreen, SetupScreen

        self._clear_body()
        cls = SetupScreen if which == "setup" else LoginScreen
        screen = cls(self.body, self.store, on_done=self._logged_in, clock=self.clock)
        screen.pack(fill="both", expand=True)
        self.screens[which] = screen
        self.after_idle(screen.focus_first)
        self.refresh_counts()

    def _logged_in(self, outcome: LoginOutcome) -> None:
        self.current_officer, self.current_counter = outcome.officer, outcome.counter
        self.title(self.window_title(self.store))
        self._build_work()

    def _start_as(self, officer_id: int, counter_id: int) -> None:
        offices = OfficeService(self.store)
        officer = offices.officer(officer_id)
        counter = next((c for c in offices.counters(True) if c.id == counter_id), None)
        if officer is None or counter is None:
            raise ValueError(f"unknown officer {officer_id} or counter {counter_id}")
        self._logged_in(LoginOutcome(officer, counter))

    def _build_work(self) -> None:
        self._clear_body()
        self._update_header()
        self.notebook = ttk.Notebook(self.body)
        self.notebook.pack(fill="both", expand=True, padx=8, pady=(0, 4))
        titles = screen_titles()
        for name, key in zip(SCREENS, shortcuts.SCREEN_KEYS, strict=True):
            # A screen taller than a small window (125–150 %) scrolls instead of losing
            # its bottom buttons below the edge.
            frame = FitOrScroll(self.notebook)
            self._tab_frames[name] = frame
            self.notebook.add(frame, text=f"{titles[name]} ({key})")
            if name in SUPERVISOR_SCREENS and not self.is_supervisor():
                self.notebook.hide(frame)
        self.notebook.bind("<<NotebookTabChanged>>", self._tab_changed)
        self._ensure_screen("session")
        self.refresh_counts()
        self.after_idle(self._after_start)

    def _after_start(self) -> None:
        session = self.screens.get("session")
        if session is None:
            return
        if self._resume_silently:  # a language switch rebuilt the form: no question
            self._resume_silently = False
            session.presenter.resume_draft()
            if self._carried_edit is not None:
                session.presenter.restore_edit(self._carried_edit)
                self._carried_edit = None
        else:
            session.presenter.offer_draft()
        session.focus_procedure_box()
        self.after(PURGE_DELAY_MS, self._purge_personal_data)
        if self.is_supervisor() and self.current_officer and not self.current_officer.pin_hash:
            self.toast(tr("Set your PIN in Settings › Counters and officers."))

    def is_supervisor(self) -> bool:
        return bool(self.current_officer and self.current_officer.role == Role.SUPERVISOR)

    def _ensure_screen(self, name: str) -> Any:
        if name in self.screens:
            return self.screens[name]
        frame = self._tab_frames.get(name)
        if frame is None:
            return None
        screen = make_screen(name, frame.inner, self)
        screen.pack(fill="both", expand=True)
        self.screens[name] = screen
        return screen

    def show_screen(self, name: str) -> None:
        frame = self._tab_frames.get(name)
        if frame is None or self.notebook is None:
            return
        if str(frame) in self.notebook.tabs() and self.notebook.tab(frame, "state") == "normal":
            self.notebook.select(frame)
            self._tab_changed()

    def current_screen(self) -> str | None:
        if self.notebook is None:
            return None
        try:
            selected = self.notebook.select()
        except tk.TclError:
            return None
        for name, frame in self._tab_frames.items():
            if str(frame) == selected:
                return name
        return None

    def _tab_changed(self, _event: object = None) -> None:
        name = self.current_screen()
        if name is None:
            return
        previous, self._last_tab = self._last_tab, name
        if (
            name == "session"
            and "session" in self.screens
            and (self._choices_dirty or previous in SUPERVISOR_SCREENS)
        ):
            self._choices_dirty = False
            self.screens["session"].presenter.refresh_choices()
        screen = self._ensure_screen(name)
        if name in self._stale and screen is not None:
            self._stale.discard(name)
            getattr(screen, FOLLOW_SAVES[name])()
        if name == "session" and screen is not None:
            self.after_idle(screen.focus_procedure_box)
        elif screen is not None:
            # Keys must reach the screen on view, never the hidden form's search box
            # (Enter there would add a procedure the officer cannot see).
            self.after_idle(focus_screen, screen)

    # -- keys -----------------------------------------------------------------------------

    # -- the app interface used by screens and presenters --------------------------------

    def toast(self, message: str) -> None:
        self.toaster.show(message)

    def run_in_background(
        self, job: Any, done: Any, progress: Any = None, key: str | None = None
    ) -> None:
        """Run ``job`` on a worker thread; ``done(result, error)`` runs on the Tk thread
        (see ``ui/jobs.py``: the worker never touches a widget)."""
        self.jobs.submit(job, done, progress=progress, key=key)

    def show_waiting(self, on: bool) -> None:
        self.configure(cursor="watch" if on else "")
        self.update_idletasks()

    def refresh_counts(self) -> None:
        if self._counts_after:
            self.after_cancel(self._counts_after)
        try:
            c = self.housekeeping.counts()
        except StorageError as exc:
            log.error("counts failed: %s", exc)
            return
        self.counts_var.set(
            tr(
                "Today: {today} sessions · {submitted} dossiers submitted online · "
                "this week: {week} sessions"
            ).format(today=c.today, submitted=c.submitted_today, week=c.week)
        )
        self._counts_after = self.after(COUNTS_REFRESH_MS, self.refresh_counts)

    def sessions_changed(self) -> None:
        """A session was saved, corrected or voided: the strip and the screen on view
        follow at once; a hidden screen that shows sessions (History, the Reports
        screen's figures and week at a glance) follows when it is shown."""
        self.refresh_counts()
        current = self.current_screen()
        for name, follow in FOLLOW_SAVES.items():
            screen = self.screens.get(name)
            if screen is None:
                continue  # not built yet: it reads the data when first shown
            if name == current:
                getattr(screen, follow)()
            else:
                self._stale.add(name)

    def catalogue_changed(self) -> None:
        """Favourites, bundles or abbreviations changed: the form re-reads them on view."""
        self._choices_dirty = True

    def edit_session(self, session_uuid: str) -> None:
        self._ensure_screen("session")
        if self.screens["session"].presenter.load_session(session_uuid):
            self.show_screen("session")

    def edit_done(self) -> None:
        """After a correction is saved: back to where the officer came from."""
        if "history" in self.screens:
            self.show_screen("history")

    def office_changed(self) -> None:
        self.title(self.window_title(self.store))
        self._update_header()

    def toggle_theme(self) -> None:
        theme = "dark" if self.theme_name == "light" else "light"
        settings.THEME.set(self.store, theme)
        self.apply_theme(theme)

    def apply_theme(self, theme: str) -> None:
        self.theme_name = theme
        self.style.theme_use(ttk_theme(theme))
        self._update_header()

    def apply_language(self, language: str) -> None:
        """Switch language: rebuild the screens (the form's draft is kept)."""
        if self._work_running():
            return
        self._flush_draft()
        session = self.screens.get("session")
        self._carried_edit = session.presenter.edit_snapshot() if session else None
        i18n.set_language(language)
        register_ttk_locale(i18n.language())
        self.title(self.window_title(self.store))
        current = self.current_screen()
        self._resume_silently = True
        self._build_work()
        if current:
            self.show_screen(current)

    def _work_running(self) -> bool:
        """A report or catalogue file is being written or read: rebuilding the screens
        now would drop its result (and its worker would report to a dead screen)."""
        if any(getattr(screen, "working", False) for screen in self.screens.values()):
            self.show_info(tr("Wait until the report or file being processed is finished."))
            return True
        return False

    def switch_user(self) -> None:
        if self._work_running() or self._correction_pending():
            return
        self._flush_draft()
        self.current_officer = self.current_counter = None
        self._update_header()
        self._show_start_screen("login")

    def restore_from(self, file: Path) -> None:
        """Close our data (releasing the lock), restore, and restart the window."""
        from counter_app.storage.restore import RestoreError, restore_file

        if self.store.is_demo:
            self.show_error(tr("Restoring is not possible in training mode."))
            return
        self._flush_draft()
        self.show_waiting(True)
        self._store_closed = True
        self.store.close(backup_on_exit=True)
        from counter_app.bootstrap import audit_restore

        officer = self.current_officer
        try:
            result = restore_file(
                file,
                backup_dirs=self.store.search_dirs(),
                on_restored=lambda store: audit_restore(store, file, officer),
            )
        except RestoreError as exc:
            self.show_error(str(exc) + "\n" + tr("Nothing was changed; the app restarts."))
        else:
            self.show_info(result.message() + "\n" + tr("The app restarts now."))
            result.acknowledge()
        self.restart_requested = True
        self.destroy()

    # -- the data behind the window -------------------------------------------------------

    def show_checking(self, on: bool) -> None:
        """The visible "checking data…" state after an unclean exit (saves wait)."""
        if on:
            self.check_banner.pack(fill="x", before=self.body)
        else:
            self.check_banner.pack_forget()

    def show_backup_failure(self, message: str) -> None:
        """A backup behind the window failed: the user must know (not only the log)."""
        log.error("backup failed: %s", message)
        self.show_warning(
            message
            + "\n"
            + tr(
                "Your data file itself is fine; the app tries again in 30 minutes and on "
                "exit. If this repeats, check the backup folder in Settings › Backups."
            )
        )

    def recover_now(self, message: str, problem: str) -> None:
        """Damage found behind the window: tell, keep the typed session, close the data
        (no backup of a damaged file, no clean-exit marker) and reopen through recovery."""
        if self._store_closed:
            return
        self.carried_draft = self._draft_snapshot()
        self.show_warning(message)
        self.recover_problem = problem
        self._store_closed = True
        try:
            self.store.check_failed = True
            self.store.close(backup_on_exit=False)
        except Exception:
            log.exception("closing the damaged data failed")
        self.destroy()

    def _draft_snapshot(self) -> tuple[int, dict] | None:
        from dataclasses import asdict

        session = self.screens.get("session")
        officer = self.current_officer
        if session is None or officer is None or officer.id is None:
            return None
        presenter = session.presenter
        if presenter.state.editing_uuid or not presenter.has_input():
            return None
        return officer.id, asdict(presenter.state)

    # -- housekeeping --------------------------------------------------------------------

    def _purge_personal_data(self) -> None:
        """The retention purge after sign-in, off the officer's way: the sessions due are
        found by a job with its own read-only connection, then blanked here in small
        batches between the officer's keystrokes (see ``services/housekeeping.py``)."""
        actor = self.current_officer.id if self.current_officer else None
        housekeeping = self.housekeeping
        try:
            run = housekeeping.purge_due()
            reader = self.store.reader()
        except StorageError:
            log.exception("personal data purge failed")
            return

        def job() -> list[int]:
            try:
                return housekeeping.find_personal(reader, run)
            finally:
                reader.close()

        def found(ids: list[int] | None, error: BaseException | None) -> None:
            if error is not None or ids is None:
                log.error("personal data purge: looking up the sessions failed: %s", error)
                return
            run.ids = ids
            self._purge_step(run, actor)

        self.run_in_background(job, found, key="purge-personal-data")

    def _purge_step(self, run: Any, actor: int | None) -> None:
        if self._store_closed:
            return  # the rest is purged at the next start (the cutoff was not moved)
        try:
            more = self.housekeeping.purge_step(run, actor)
        except StorageError:
            log.exception("personal data purge failed")
            return
        if more:
            self.after(PURGE_PAUSE_MS, lambda: self._purge_step(run, actor))

    def _end_of_day_pending(self) -> bool:
        """On closing: today's sessions of this officer that still need a look are offered
        (the end-of-day check); True keeps the window open on that list."""
        if self.current_officer is None or self.current_officer.id is None or self._store_closed:
            return False
        try:
            flagged = self.housekeeping.unfinished_today(self.current_officer.id)
        except StorageError:
            log.exception("end-of-day check failed")
            return False
        if not flagged or self.confirm(
            tr(
                "{n} of your sessions today lack an outcome or last over 60 minutes. Close anyway?"
            ).format(n=len(flagged))
        ):
            return False
        self.show_screen("history")
        history = self.screens.get("history")
        if history is not None:
            history.end_of_day(self.current_officer.id)
        return True

    def _correction_pending(self) -> bool:
        """A correction of a stored session was changed but not saved (it is not a draft):
        True keeps the window on it, unless the officer agrees to lose it."""
        session = self.screens.get("session")
        if session is None or self._store_closed or not session.presenter.has_unsaved_edit():
            return False
        if self.confirm(
            tr(
                "The correction of a stored session is not saved. Leave anyway and lose the change?"
            ),
            default=False,
        ):
            return False
        self.show_screen("session")
        return True

    def _flush_draft(self) -> None:
        session = self.screens.get("session")
        if session is not None:
            try:
                session.flush()
            except (tk.TclError, StorageError):
                log.exception("draft could not be saved")

    def report_callback_exception(self, exc: Any, val: Any, tb: Any) -> None:
        log.error("Tk callback failed", exc_info=(exc, val, tb))
        try:
            self.show_error(tr("Something went wrong; the details were written to the log file."))
        except Exception:  # the window may be going away
            log.exception("could not show the error")

    def _fit_to_screen(self) -> None:
        """Never larger than the screen: 1366×768 is common on counter PCs, and the
        buttons and today's strip at the bottom must stay visible."""
        width = min(1280, self.winfo_screenwidth() - 16)
        height = min(820, self.winfo_screenheight() - 72)  # taskbar and title bar
        self.minsize(min(960, width), min(620, height))
        self.geometry(f"{width}x{height}+0+0")

    def close(self) -> None:
        if self._correction_pending() or self._end_of_day_pending():
            return
        self._flush_draft()
        try:
            if not self._store_closed:
                self._store_closed = True
                # The exit backup of a large file takes seconds: hide the window first so
                # it does not look frozen.
                self.withdraw()
                self.store.close()
        finally:
            self.destroy()

    def destroy(self) -> None:
        """Write the form's draft, then cancel every pending ``after`` so nothing fires on
        a dead window."""
        if not self._store_closed:
            self._flush_draft()
        self.jobs.cancel_all()
        try:
            for after_id in self.tk.splitlist(self.tk.call("after", "info")):
                # Tcl-level cancel: the Python callbacks are freed with their widgets.
                self.tk.call("after", "cancel", after_id)
        except tk.TclError:
            pass
        super().destroy()
