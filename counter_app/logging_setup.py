"""A log file is always written: a windowed build has no console to print to."""

from __future__ import annotations

import logging
import logging.handlers
import sys

from counter_app import paths

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_counter_app", False) for h in root.handlers):
        return
    root.setLevel(level)
    try:
        paths.logs_dir().mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.logs_dir() / "counter_app.log",
            maxBytes=1_000_000,
            backupCount=5,
            encoding="utf-8",
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr) if sys.stderr else logging.NullHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._counter_app = True  # type: ignore[attr-defined]
    root.addHandler(handler)

    def log_uncaught(exc_type, exc, tb):
        logging.getLogger("counter_app").critical("uncaught", exc_info=(exc_type, exc, tb))
        if sys.stderr:
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = log_uncaught
