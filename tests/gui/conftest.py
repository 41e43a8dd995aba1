"""Real-window tests under Xvfb (pytest-xvfb starts it and sets DISPLAY).

- A test fails when any Tk callback raised (``report_callback_exception`` records,
  teardown asserts), the trick Porcupine uses.
- Without a display the tests are skipped with the reason — unless the environment says
  COUNTER_APP_REQUIRE_DISPLAY=1 (CI), where a missing display is a failure.
- Message boxes never open: the window's show_*/confirm/ask_string are replaced by
  recorders with scripted answers (a test must never wait on a modal dialog).
- Screenshots go to ``<pytest basetemp>/screenshots`` (or $COUNTER_APP_SCREENSHOTS).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tkinter as tk
from pathlib import Path

import pytest

from counter_app.ui.main_window import MainWindow
from tests.helpers.wait import wait_until

REQUIRE_ENV = "COUNTER_APP_REQUIRE_DISPLAY"
_display_problem: str | None = None
_display_checked = False


def display_problem() -> str | None:
    """None when a Tk window can be opened, else why not (checked once per run)."""
    global _display_problem, _display_checked
    if not _display_checked:
        _display_checked = True
        try:
            root = tk.Tk()
            root.destroy()
        except tk.TclError as exc:
            _display_problem = f"no display for Tk ({exc}); install Xvfb (pytest-xvfb)"
    return _display_problem


@pytest.fixture(autouse=True)
def _need_display():
    problem = display_problem()
    if problem:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {problem}")
        pytest.skip(problem)


class RecordingWindow(MainWindow):
    """The real main window with every message box replaced by a recorder."""

    def __init__(self, *args, **kwargs):
        self.errors: list[str] = []
        self.infos: list[str] = []
        self.confirmations: list[str] = []
        self.confirm_defaults: list[bool] = []
        self.questions: list[str] = []
        self.confirm_answer = True
        self.ask_answer: str | None = None
        self.tk_errors: list[BaseException] = []
        self.toasts: list[str] = []
        super().__init__(*args, **kwargs)

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def show_warning(self, message: str) -> None:
        self.errors.append(message)

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
        super().toast(message)

    def report_callback_exception(self, exc, val, tb):
        import traceback

        traceback.print_exception(exc, val, tb)
        self.tk_errors.append(val)


@pytest.fixture
def make_window(clock):
    """Build windows on the suite's clock; at teardown fail on Tk callback errors and
    destroy what is left."""
    windows: list[RecordingWindow] = []

    def make(store, **kwargs) -> RecordingWindow:
        kwargs.setdefault("clock", clock)
        window = RecordingWindow(store, **kwargs)
        window.geometry("1366x768+0+0")
        windows.append(window)
        pump(window)
        return window

    yield make
    errors = []
    for window in windows:
        errors.extend(window.tk_errors)
        try:
            if window.winfo_exists():
                window.destroy()
        except tk.TclError:
            pass
        errors.extend(window.tk_errors)
    assert not errors, f"Tk callbacks raised: {errors!r}"


@pytest.fixture
def window(world, make_window):
    """The work screens, signed in as the supervisor at counter 1."""
    world.store.db.execute(
        "UPDATE procedure SET favourite = 1 WHERE code IN ('1.001193', '1.004222')"
    )
    return make_window(world.store, user=(world.supervisor.id, world.counter1.id))


def pump(window: tk.Misc, rounds: int = 3) -> None:
    """Let Tk process pending events and idle callbacks, as the main loop would."""
    for _ in range(rounds):
        window.update_idletasks()
        window.update()


def settle(window: tk.Misc, condition, timeout: float = 10.0) -> None:
    """Run the event loop until ``condition()`` holds: results of worker jobs arrive."""
    wait_until(condition, timeout, step=lambda: pump(window, 1))


_KEYSYMS = {" ": "space", ".": "period", "-": "minus", "/": "slash", ":": "colon", ",": "comma"}


def press(widget: tk.Misc, sequence: str) -> None:
    """One key action on the focused widget, e.g. '<Return>' or '<Control-Return>', then
    whatever background work it started (a history page, a count) is let finish."""
    root = widget.winfo_toplevel()  # the key may replace the widget
    widget.focus_force()
    widget.update()
    widget.event_generate(sequence)
    root.update()
    settle_jobs(root)


def settle_jobs(root: tk.Misc) -> None:
    """Until the window's job runner has nothing running (results shown)."""
    jobs = getattr(root, "jobs", None)
    if jobs is not None:
        wait_until(lambda: not jobs.busy, step=root.update)


def type_text(widget: tk.Misc, text: str) -> None:
    """Type like a user: ASCII as key events; other characters (Vietnamese, which Unikey
    commits as text) inserted at the cursor, the same path a committed IME string takes."""
    widget.focus_force()
    widget.update()
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch in _KEYSYMS):
            widget.event_generate("<KeyPress>", keysym=_KEYSYMS.get(ch, ch))
        else:
            widget.insert("insert", ch)
    widget.update()


def screenshot_dir(request) -> Path:
    folder = os.environ.get("COUNTER_APP_SCREENSHOTS")
    path = (
        Path(folder) if folder else (request.config._tmp_path_factory.getbasetemp() / "screenshots")
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def screenshot(request):
    """screenshot(window, name) -> Path | None: the window as a PNG (ImageMagick)."""

    def take(window: tk.Misc, name: str) -> Path | None:
        pump(window)
        out = screenshot_dir(request) / f"{name}.png"
        tool = shutil.which("import")
        if tool is not None:
            frame = window.wm_frame()
            subprocess.run(
                [tool, "-window", frame, str(out)], check=True, timeout=30, capture_output=True
            )
            return out
        try:  # no ImageMagick: Pillow reads the X display directly
            from PIL import ImageGrab
        except ImportError:
            return None
        x, y = window.winfo_rootx(), window.winfo_rooty()
        box = (x, y, x + window.winfo_width(), y + window.winfo_height())
        try:
            ImageGrab.grab(bbox=box, xdisplay=None).save(out)
        except OSError:
            return None
        return out

    return take
