"""Every file location the app uses, in one place.

Call these functions at the moment you need a path (``paths.data_dir()``), never copy
the value at import time: tests and portable installs redirect everything through the
``COUNTER_APP_HOME`` environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from counter_app import APP_AUTHOR, APP_NAME

HOME_ENV = "COUNTER_APP_HOME"
DB_FILENAME = "counter_app.db"


def data_dir() -> Path:
    """Root of the user's data: %LOCALAPPDATA%\\counter_app on Windows."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override)
    # roaming=False: the database must never follow a roaming profile onto a server.
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))


def database_path() -> Path:
    return data_dir() / DB_FILENAME


def backups_dir() -> Path:
    return data_dir() / "backups"


def logs_dir() -> Path:
    return data_dir() / "logs"


def exports_dir() -> Path:
    return data_dir() / "exports"


def damaged_dir() -> Path:
    """Where a corrupt or replaced database is kept aside, never deleted."""
    return data_dir() / "damaged"


def demo_dir() -> Path:
    """Throwaway training database, apart from the real one."""
    return data_dir() / "demo"


def ensure_dirs() -> None:
    for d in (data_dir(), backups_dir(), logs_dir(), exports_dir()):
        d.mkdir(parents=True, exist_ok=True)
