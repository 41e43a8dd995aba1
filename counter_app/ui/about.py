"""The About box: which build this is (the version the IT person compares across PCs),
where the data and the log are, and where the licences are."""

from __future__ import annotations

import sys
import tkinter as tk
from pathlib import Path

from counter_app import __version__, paths
from counter_app.i18n import tr
from counter_app.logging_setup import current_log_file
from counter_app.platform_check import describe


def about_text() -> str:
    licences = (
        Path(getattr(sys, "_MEIPASS", "")) / "licenses"
        if getattr(sys, "frozen", False)
        else Path(__file__).resolve().parents[2] / "LICENSE"
    )
    return "\n".join(
        [
            tr("Counter guidance log"),
            tr("Version {version}").format(version=__version__),
            "",
            tr("System: {system}").format(system=describe()),
            tr("Data folder: {path}").format(path=paths.data_dir()),
            tr("Log file: {path}").format(path=current_log_file() or paths.logs_dir()),
            "",
            tr(
                "Free software under the MIT licence; licences of the bundled software: {path}"
            ).format(path=licences),
        ]
    )


def show_about(parent: tk.Misc) -> None:
    from ttkbootstrap.dialogs import Messagebox

    Messagebox.show_info(about_text(), tr("About"), parent=parent)
