"""The one stand-in for the main window in tests (idlelib's ``mock_tk`` habit).

``FakeApp`` implements ``presenters.base.AppLike``: the data, the person at the counter,
message boxes that record and answer instead of opening, notifications that are counted,
and the background-job runner — synchronous by default (a test sees the result at once),
on a real ``ui.jobs.JobRunner`` when a Tk ``root`` is given (screen tests), or held in
``pending_jobs`` when ``defer_jobs`` is set (a test that decides when a job finishes).

Every AppLike method is also a ``MagicMock`` wrapping the recorder, so a test may write
``app.show_error.assert_called_once()`` or ``app.confirm.return_value = False``.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

from counter_app.presenters.base import APP_METHODS, run_now
from tests.helpers.clock import FrozenClock


class FakeApp:
    def __init__(
        self,
        store: Any,
        officer: Any = None,
        counter: Any = None,
        root: Any = None,
        clock: Any = None,
    ):
        self.store = store
        self.current_officer = officer
        self.current_counter = counter
        self.theme_name = "light"
        self.clock = clock or FrozenClock()
        self.root = root
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.infos: list[str] = []
        self.toasts: list[str] = []
        self.confirmations: list[str] = []
        self.confirm_defaults: list[bool] = []
        self.questions: list[str] = []
        self.confirm_answer = True
        self.ask_answer: str | None = None
        self.events: list[tuple] = []
        self.defer_jobs = False
        self.pending_jobs: list[tuple[Any, Any, Any, str | None]] = []
        self._runner: Any = None
        for name in APP_METHODS:
            setattr(self, name, MagicMock(wraps=getattr(self, name), name=name))

    # -- message boxes --------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def show_warning(self, message: str) -> None:
        self.warnings.append(message)

    def show_info(self, message: str) -> None:
        self.infos.append(message)

    def confirm(self, message: str, default: bool = True) -> bool:
        self.confirmations.append(message)
        self.confirm_defaults.append(default)
        return self.confirm_answer

    def ask_string(self, prompt: str, initial: str = "") -> str | None:
        self.questions.append(prompt)
        return self.ask_answer

    def toast(self, message: str) -> None:
        self.toasts.append(message)

    # -- notifications --------------------------------------------------------------------
    def sessions_changed(self) -> None:
        self.events.append(("sessions_changed",))

    def catalogue_changed(self) -> None:
        self.events.append(("catalogue_changed",))

    def edit_session(self, session_uuid: str) -> None:
        self.events.append(("edit_session", session_uuid))

    def edit_done(self) -> None:
        self.events.append(("edit_done",))

    def office_changed(self) -> None:
        self.events.append(("office_changed",))

    def apply_theme(self, theme: str) -> None:
        self.theme_name = theme
        self.events.append(("apply_theme", theme))

    def apply_language(self, language: str) -> None:
        self.events.append(("apply_language", language))

    def restore_from(self, file: Any) -> None:
        self.events.append(("restore_from", file))

    @property
    def changes(self) -> int:
        """How often the catalogue told the app it changed."""
        return sum(1 for e in self.events if e[0] == "catalogue_changed")

    # -- background jobs ------------------------------------------------------------------
    def run_in_background(
        self, job: Any, done: Any, progress: Any = None, key: str | None = None
    ) -> None:
        if self.defer_jobs:
            self.pending_jobs.append((job, done, progress, key))
            return
        if self.root is not None:
            from counter_app.ui.jobs import JobRunner

            if self._runner is None:
                self._runner = JobRunner(self.root)
            self._runner.submit(job, done, progress=progress, key=key)
            return
        run_now(job, done, progress)

    def finish_jobs(self, key: str | None = None) -> None:
        """Run the deferred jobs now (those of ``key`` only, if given), oldest first,
        as the worker would."""
        chosen = [j for j in self.pending_jobs if key is None or j[3] == key]
        self.pending_jobs = [j for j in self.pending_jobs if j not in chosen]
        for job, done, progress, _key in chosen:
            run_now(job, done, progress)

    @property
    def jobs_running(self) -> bool:
        return bool(self._runner is not None and self._runner.busy)
