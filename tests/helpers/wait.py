"""``wait_until``: poll a condition instead of sleeping a fixed time (Porcupine's habit)."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], object],
    timeout: float = 10.0,
    step: Callable[[], object] | None = None,
    interval: float = 0.01,
) -> None:
    """Return as soon as ``condition()`` is true; ``step()`` runs before each look (e.g.
    one round of the Tk event loop, so results of worker threads arrive). Fails the test
    with the condition's source line after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        if step is not None:
            step()
        if condition():
            return
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout} s waiting for {condition!r}")
        time.sleep(interval)
