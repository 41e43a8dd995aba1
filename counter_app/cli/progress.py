"""Progress of a long command on stderr, only when stderr is a terminal.

A person at a console sees one line that rewrites itself; a script, a pipe, a log
redirect or the windowed exe (no stderr at all) sees nothing, so the output of a
command stays what it was. Use it from any command::

    from counter_app.cli.progress import Progress

    with Progress(tr("Writing the report"), total=n_rows) as progress:
        for i, row in enumerate(rows, 1):
            ...
            progress.update(i)           # cheap: redraws at most every 0.2 s
    # leaving the block clears the line (and leaves no half line after an error)

``total`` may be ``None`` (a count without a percentage), or an estimate
(``estimate=True``: shown as "about", never past 99 % before the end). A ``Progress``
is also a callback: ``job(progress=Progress(...))`` calls ``progress(done)`` or
``progress(done, total)``. Text after the count: ``progress.update(i, note="sheet 3/12")``.

A job that reports a fraction of its work instead of counts (the report writers call
``progress(0.42, stage)``) takes ``progress.fraction``: the line shows "label 42%"::

    with Progress(tr("Writing the report…")) as progress:
        write(store, progress.fraction)

A step that cannot report counts (one library call that reads a whole file) still
shows that it is alive: ``Progress(label, tick=True)`` redraws the elapsed time every
second from a helper thread, and ``progress.step(tr("Applying"))`` names the phase::

    with Progress(tr("Catalogue import"), tick=True) as progress:
        progress.step(tr("reading the file"))
        preview = preview_import(...)
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from types import TracebackType
from typing import TextIO

from counter_app.i18n import tr

# COUNTER_APP_PROGRESS=0 hides it on a terminal, =1 forces it (e.g. a CI log that wants it)
ENV = "COUNTER_APP_PROGRESS"


def _is_terminal(stream: TextIO | None) -> bool:
    if stream is None:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _number(n: int) -> str:
    """1 000 000: the Vietnamese habit is a dot, but a dot reads as a decimal in
    English tools; a thin space is unambiguous in both."""
    return f"{n:,}".replace(",", "\u202f")


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return tr("{s} s").format(s=seconds)
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return tr("{m} min {s} s").format(m=minutes, s=seconds)
    hours, minutes = divmod(minutes, 60)
    return tr("{h} h {m} min").format(h=hours, m=minutes)


class Progress:
    """One self-rewriting status line on ``stream`` (default ``sys.stderr``)."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        estimate: bool = False,
        stream: TextIO | None = None,
        min_interval: float = 0.2,
        enabled: bool | None = None,
        tick: bool = False,
        clock=time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.estimate = estimate
        self.stream = sys.stderr if stream is None else stream
        self.min_interval = min_interval
        self.clock = clock
        if enabled is None:
            forced = os.environ.get(ENV, "")
            enabled = forced == "1" or (forced != "0" and _is_terminal(self.stream))
        self.enabled = enabled
        self.done = 0
        self.counting = total is not None
        self.started = clock()
        self.note = ""
        self.share: float | None = None  # set by ``fraction``
        self._last_draw: float | None = None
        self._width = 0
        self._lock = threading.Lock()
        self._tick = tick
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # -- the API ----------------------------------------------------------------------

    def update(self, done: int, total: int | None = None, note: str | None = None) -> None:
        """``done`` items so far (and the total, if it became known)."""
        self.done = done
        self.counting = True
        if total is not None:
            self.total = total
        if note is not None:
            self.note = note
        self._redraw(force=False)

    def step(self, note: str) -> None:
        """Name the phase now running (drawn at once)."""
        self.note = note
        self._redraw(force=True)

    def fraction(self, share: float, _stage: str = "") -> None:
        """The share of the work done (0 to 1): for jobs that know no counts. The stage
        name is the job's own key, not text for people, so it is not shown."""
        self.share = min(max(share, 0.0), 1.0)
        self._redraw(force=self.share >= 1.0)

    def __call__(self, done: int, total: int | None = None) -> None:
        self.update(done, total)

    def finish(self) -> None:
        """Clear the line: what the command prints next starts on a clean line."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
            self._ticker = None
        with self._lock:
            if self.enabled and self._width:
                self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def __enter__(self) -> Progress:
        if self.enabled and self._tick:
            self._ticker = threading.Thread(target=self._tick_loop, daemon=True)
            self._ticker.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.finish()

    # -- drawing ----------------------------------------------------------------------

    def _redraw(self, force: bool) -> None:
        if not self.enabled:
            return
        with self._lock:
            now = self.clock()
            if (
                not force
                and self._last_draw is not None
                and now - self._last_draw < self.min_interval
            ):
                return
            self._last_draw = now
            self._draw(self.line(now))

    def _tick_loop(self) -> None:
        while not self._stop.wait(1.0):
            self._redraw(force=True)

    def line(self, now: float | None = None) -> str:
        """The text of the status line (without the carriage return)."""
        now = self.clock() if now is None else now
        elapsed = now - self.started
        parts = [f"{self.label}: {_number(self.done)}" if self.counting else self.label]
        fraction = None
        total = self.total
        if self.share is not None:
            fraction = self.share
            parts[0] = f"{self.label} {fraction:.0%}"
        elif total:
            fraction = min(self.done / total, 0.99 if self.estimate else 1.0)
            about = tr("about ") if self.estimate else ""
            parts[0] += f" / {about}{_number(total)} ({fraction:.0%})"
        if fraction is not None and 0 < fraction < 1 and elapsed >= 2:
            left = elapsed * (1 - fraction) / fraction
            parts.append(tr("about {time} left").format(time=_duration(left)))
        if self.note:
            parts.append(self.note)
        parts.append(_duration(elapsed))
        return " · ".join(parts)

    def _draw(self, text: str) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns - 1
        text = text[:columns]
        pad = max(0, self._width - len(text))
        self._write("\r" + text + " " * pad)
        self._width = len(text)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: stop drawing, go on working
            self.enabled = False
