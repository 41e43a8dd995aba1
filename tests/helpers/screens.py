"""What GUI tests of a single screen share: a display check and a harness that builds
the screen with the one ``FakeApp`` and tears it down."""

from __future__ import annotations

import gc
import os
import tkinter as tk

import pytest

from tests.helpers.fake_app import FakeApp


def display_or_skip() -> None:
    """Skip without a display, except in CI (COUNTER_APP_REQUIRE_DISPLAY=1) where it fails."""
    try:
        tk.Tk().destroy()
    except tk.TclError as exc:
        if os.environ.get("COUNTER_APP_REQUIRE_DISPLAY") == "1":
            pytest.fail(f"no display: {exc}")
        pytest.skip(f"no display: {exc}")


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
