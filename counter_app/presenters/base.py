"""What a presenter or a screen may ask of the main window (the ``app``): data, the person
at the counter, every message box, the background-job runner and the notifications
screens send each other — one contract, so tests replace it with one fake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from counter_app.domain.models import Counter, Officer
from counter_app.storage.database import Store

Done = Callable[[Any, BaseException | None], None]
Progress = Callable[[float, str], None]


class AppLike(Protocol):
    store: Store
    current_officer: Officer | None
    current_counter: Counter | None
    theme_name: str
    clock: Callable[[], datetime]  # "now" for every presenter and service of the window

    # message boxes
    def show_error(self, message: str) -> None: ...
    def show_warning(self, message: str) -> None: ...
    def show_info(self, message: str) -> None: ...
    def confirm(self, message: str, default: bool = True) -> bool: ...
    def ask_string(self, prompt: str, initial: str = "") -> str | None: ...
    def toast(self, message: str) -> None: ...

    # notifications
    def sessions_changed(self) -> None: ...
    def catalogue_changed(self) -> None: ...
    def edit_session(self, session_uuid: str) -> None: ...
    def edit_done(self) -> None: ...
    def office_changed(self) -> None: ...
    def apply_theme(self, theme: str) -> None: ...
    def apply_language(self, language: str) -> None: ...
    def restore_from(self, file: Path) -> None: ...

    # long work: ``job`` on a worker thread, ``done(result, error)`` on the UI thread;
    # with ``progress``, the job is called as ``job(report)`` and ``report(fraction,
    # message)`` reaches ``progress`` on the UI thread. A new job of the same ``key``
    # supersedes a running one (its result is dropped).
    def run_in_background(
        self,
        job: Callable[..., Any],
        done: Done,
        progress: Progress | None = None,
        key: str | None = None,
    ) -> None: ...


APP_METHODS = (
    "show_error",
    "show_warning",
    "show_info",
    "confirm",
    "ask_string",
    "toast",
    "sessions_changed",
    "catalogue_changed",
    "edit_session",
    "edit_done",
    "office_changed",
    "apply_theme",
    "apply_language",
    "restore_from",
    "run_in_background",
)
APP_ATTRIBUTES = ("store", "current_officer", "current_counter", "theme_name", "clock")


def signed_in_id(app: AppLike) -> int:
    """The id of the officer at the counter; the work screens exist only after sign-in,
    so a missing one is a programming error, not a user's."""
    officer = app.current_officer
    if officer is None or officer.id is None:
        raise RuntimeError("nobody is signed in")
    return officer.id


def run_now(job: Callable[..., Any], done: Done, progress: Progress | None = None) -> None:
    """The job contract, synchronously: where no window runs the job (the CLI)."""
    try:
        value = job(progress) if progress is not None else job()
    except Exception as exc:
        done(None, exc)
        return
    done(value, None)
