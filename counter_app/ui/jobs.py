"""The one background-job runner of the window (Anki's task manager, in small).

``JobRunner.submit(job, done, progress=None, key=None)`` runs ``job`` on a worker thread
and calls ``done(result, error)`` on the Tk thread; ``progress(fraction, message)``, when
given, is handed to the job as its only argument and relayed to the Tk thread as well.
Worker threads never touch a widget: everything they report goes through a queue that one
``after`` loop drains. A job submitted with the ``key`` of a job still running supersedes
it: the older job's result is dropped (the newest request wins, e.g. a history count
when the filter changed again).
"""

from __future__ import annotations

import gc
import itertools
import logging
import queue
import threading
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)
POLL_MS = 40

Done = Callable[[Any, BaseException | None], None]
Progress = Callable[[float, str], None]


@dataclass
class Job:
    """A submitted job; ``cancelled`` drops its result (the thread itself runs on)."""

    id: int
    key: str | None
    done: Done
    progress: Progress | None
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class JobRunner:
    def __init__(self, root: tk.Misc, poll_ms: int = POLL_MS):
        self.root = root
        self.poll_ms = poll_ms
        self._events: queue.Queue[tuple[Job, str, Any]] = queue.Queue()
        self._running: dict[int, Job] = {}
        self._by_key: dict[str, Job] = {}
        self._ids = itertools.count(1)
        self._after: str | None = None

    @property
    def busy(self) -> bool:
        """True while a job whose result someone still waits for is running."""
        return any(not job.cancelled for job in self._running.values())

    def submit(
        self,
        job: Callable[..., Any],
        done: Done,
        progress: Progress | None = None,
        key: str | None = None,
    ) -> Job:
        if key is not None and key in self._by_key:
            self._by_key[key].cancel()
        handle = Job(next(self._ids), key, done, progress)
        self._running[handle.id] = handle
        if key is not None:
            self._by_key[key] = handle

        def report(fraction: float, message: str = "") -> None:
            self._events.put((handle, "progress", (fraction, message)))

        def work() -> None:
            try:
                value = job(report) if progress is not None else job()
            except BaseException as exc:  # handed to done() on the Tk thread
                self._events.put((handle, "error", exc))
            else:
                self._events.put((handle, "done", value))

        # Collect garbage here, on the Tk thread: a collection that happens to run on a
        # worker would finalise stale Tk images/variables off the main loop.
        gc.collect()
        threading.Thread(target=work, name=f"job-{key or handle.id}", daemon=True).start()
        self._schedule()
        return handle

    def cancel_all(self) -> None:
        for job in self._running.values():
            job.cancel()

    def _schedule(self) -> None:
        if self._after is None:
            try:
                self._after = self.root.after(self.poll_ms, self._drain)
            except tk.TclError:  # the window is going away
                self._after = None

    def _drain(self) -> None:
        self._after = None
        while True:
            try:
                job, kind, value = self._events.get_nowait()
            except queue.Empty:
                break
            if kind == "progress":
                if not job.cancelled and job.progress is not None:
                    job.progress(*value)
                continue
            self._running.pop(job.id, None)
            if job.key is not None and self._by_key.get(job.key) is job:
                del self._by_key[job.key]
            if job.cancelled:
                continue
            if kind == "error" and not isinstance(value, Exception):
                log.error("background job ended by %r", value)
            job.done(None if kind == "error" else value, value if kind == "error" else None)
        if self._running:
            self._schedule()
