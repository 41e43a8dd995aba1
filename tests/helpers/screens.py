"""What GUI tests of a single screen share: a display check, a stand-in for the main
window (the ``app`` every screen receives) and a harness that builds and tears down."""

from __future__ import annotations

import gc
import os
import tkinter as tk

import pytest


def display_or_skip() -> None:
    """Skip without a display, except in CI (COUNTER_APP_REQUIRE_DISPLAY=1) where it fails."""
    try:
        tk.Tk().destroy()
    except tk.TclError as exc:
        if os.environ.get("COUNTER_APP_REQUIRE_DISPLAY") == "1":
            pytest.fail(f"no display: {exc}")
        pytest.skip(f"no display: {exc}")


class FakeApp:
    """What the main window gives a screen: data, the person, and message boxes."""

    def __init__(self, store, officer=None, root=None):
        self.store = store
        self.root = root
        self.current_officer = officer
        self.current_counter = None
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.toasts: list[str] = []
        self.confirmations: list[str] = []
        self.confirm_answer = True
        self.changes = 0

    def show_error(self, msg: str) -> None:
        self.errors.append(msg)

    def show_info(self, msg: str) -> None:
        self.infos.append(msg)

    def confirm(self, msg: str, default: bool = True) -> bool:
        self.confirmations.append(msg)
        return self.confirm_answer

    def toast(self, msg: str) -> None:
        self.toasts.append(msg)

    def catalogue_changed(self) -> None:
        self.changes += 1

    def run_in_background(self, job, done, progress=None, key=None) -> None:
        """On a real worker thread when the screen has a root window (as the app does),
        else synchronously."""
        if self.root is None:
            try:
                value = job(progress) if progress is not None else job()
            except Exception as exc:
                done(None, exc)
            else:
                done(value, None)
            return
        from counter_app.ui.jobs import JobRunner

        runner = self.__dict__.setdefault("_runner", JobRunner(self.root))
        runner.submit(job, done, progress=progress, key=key)

    @property
    def jobs_running(self) -> bool:
        runner = self.__dict__.get("_runner")
        return bool(runner and runner.busy)


class ScreenHarness:
    """Builds screens in their own root windows; ``close`` fails the test when a Tk
    callback raised meanwhile."""

    def __init__(self) -> None:
        display_or_skip()
        self.roots: list[tk.Misc] = []
        self.errors: list[BaseException] = []

    def make(self, screen_class, store, officer=None, size=None):
        import ttkbootstrap as ttk

        root = ttk.Window(size=size) if size else ttk.Window()
        root.report_callback_exception = lambda exc, val, tb: self.errors.append(val)
        app = FakeApp(store, officer, root=root)
        screen = screen_class(root, app)
        screen.pack(fill="both", expand=True)
        root.update()
        self.roots.append(root)
        return screen, app

    def close(self) -> None:
        for root in self.roots:
            root.destroy()
        gc.collect()  # finalise Tk objects here, on the main thread
        assert not self.errors, self.errors
