"""Reports screen: the widgets for choosing a period, the key-figure preview beside the
week at a glance (``ui.reports_glance``), which files to write (Word, Excel), export with
progress, open folder, and the list of files to consolidate. What they do is decided in
``presenters.reports``; all reading runs on the app's job runner, never here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tkinter as tk
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from counter_app.i18n import tr
from counter_app.presenters.reports import FigureRow, ReportsPresenter, period_kinds
from counter_app.reports.glance import Glance
from counter_app.reports.period import Period
from counter_app.ui.reports_glance import GlanceView
from counter_app.ui.widgets import themed_listbox

DATE_FORMAT = "%d/%m/%Y"


def open_folder(folder: Path) -> None:
    """Show ``folder`` in the file manager (Explorer on Windows)."""
    if sys.platform.startswith("win"):
        os.startfile(str(folder))  # type: ignore[attr-defined]
    elif sys.platform == "darwin":
        subprocess.Popen(["open", str(folder)])
    else:
        subprocess.Popen(
            ["xdg-open", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )


class ReportsScreen(ttk.Frame):
    def __init__(
        self, master: tk.Misc, app: Any, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(master, padding=(12, 8))
        self.app = app
        self.figure_labels: list[tuple[ttk.Label, ...]] = []
        self._build()
        self.presenter = ReportsPresenter(self, app, clock=clock)
        self.presenter.start()

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self._build_period()
        middle = ttk.Frame(self)
        middle.pack(fill="x", pady=8)
        self.preview = ttk.Labelframe(middle, text=tr("Key figures"), padding=8)
        self.preview.pack(side="left", fill="y", anchor="n")
        self.preview_title = ttk.Label(self.preview, text="", font="-weight bold")
        self.preview_title.grid(row=0, column=0, columnspan=4, sticky="w", pady=(0, 4))
        self.glance = GlanceView(middle)
        self.glance.pack(side="left", fill="both", expand=True, padx=(8, 0))
        self._build_actions()
        self._build_consolidation()

    def _build_period(self) -> None:
        top = ttk.Labelframe(self, text=tr("Report period"), padding=8)
        top.pack(fill="x")
        self._kinds = period_kinds()
        self.kind_var = tk.StringVar(self, tr("Week"))
        self.kind_box = ttk.Combobox(
            top,
            textvariable=self.kind_var,
            state="readonly",
            width=14,
            values=[label for _, label in self._kinds],
        )
        self.kind_box.grid(row=0, column=0, padx=(0, 8))
        self.kind_box.bind("<<ComboboxSelected>>", lambda _e: self._kind_chosen())
        self.period_var = tk.StringVar(self)
        self.period_box = ttk.Combobox(
            top, textvariable=self.period_var, state="readonly", width=46
        )
        self.period_box.grid(row=0, column=1, padx=(0, 8))
        self.period_box.bind("<<ComboboxSelected>>", lambda _e: self.refresh_preview())
        self.custom = ttk.Frame(top)
        ttk.Label(self.custom, text=tr("From")).pack(side="left")
        self.from_date = ttk.DateEntry(
            self.custom, date_format=DATE_FORMAT, first_weekday=0, width=11
        )
        self.from_date.pack(side="left", padx=4)
        ttk.Label(self.custom, text=tr("To")).pack(side="left")
        self.to_date = ttk.DateEntry(
            self.custom, date_format=DATE_FORMAT, first_weekday=0, width=11
        )
        self.to_date.pack(side="left", padx=4)
        ttk.Button(
            self.custom, text=tr("Show"), bootstyle="secondary", command=self.refresh_preview
        ).pack(side="left", padx=4)
        self.custom.grid(row=0, column=2, sticky="w")

    def _build_actions(self) -> None:
        actions = ttk.Frame(self)
        actions.pack(fill="x")
        self.export_button = ttk.Button(
            actions, text=tr("Write the report"), bootstyle="primary", command=self.export
        )
        self.export_button.pack(side="left")
        self.format_vars = {
            "docx": tk.BooleanVar(self, True),
            "xlsx": tk.BooleanVar(self, True),
        }
        for key, text in (("docx", tr("Word report")), ("xlsx", tr("Excel annex"))):
            ttk.Checkbutton(
                actions, text=text, variable=self.format_vars[key], command=self._formats_chosen
            ).pack(side="left", padx=(8, 0))
        self.folder_button = ttk.Button(
            actions, text=tr("Open folder"), bootstyle="secondary", command=self.open_exports
        )
        self.folder_button.pack(side="left", padx=8)
        self.progress = ttk.Progressbar(actions, length=260, maximum=1.0)
        self.progress.pack(side="left", padx=8)
        self.status_var = tk.StringVar(self, "")
        ttk.Label(actions, textvariable=self.status_var).pack(side="left", padx=4)

    def _build_consolidation(self) -> None:
        cons = ttk.Labelframe(self, text=tr("Consolidate files from several offices"), padding=8)
        cons.pack(fill="both", expand=True, pady=(12, 0))
        buttons = ttk.Frame(cons)
        buttons.pack(fill="x")
        ttk.Button(
            buttons, text=tr("Add files…"), bootstyle="secondary", command=self.add_files
        ).pack(side="left")
        ttk.Button(
            buttons, text=tr("Clear list"), bootstyle="secondary-outline", command=self.clear_files
        ).pack(side="left", padx=8)
        self.consolidate_button = ttk.Button(
            buttons, text=tr("Consolidate"), bootstyle="primary", command=self.consolidate
        )
        self.consolidate_button.pack(side="left")
        # two lines, then it scrolls: the screen fits 1366×768 with the week at a glance
        self.file_list = themed_listbox(tk.Listbox(cons, height=2))
        self.file_list.pack(fill="both", expand=True, pady=(6, 0))

    # -- user → presenter ---------------------------------------------------------------
    def _kind_chosen(self) -> None:
        kinds = {label: key for key, label in self._kinds}
        self.presenter.choose_kind(kinds.get(self.kind_var.get(), "week"))

    def refresh_preview(self) -> None:
        self.presenter.refresh_preview()

    def _formats_chosen(self) -> None:
        self.presenter.set_formats([k for k, v in self.format_vars.items() if v.get()])

    def on_sessions_changed(self) -> None:
        """The window says a session was saved or changed: the glance follows."""
        self.presenter.sessions_changed()

    def selected_period(self) -> Period | None:
        return self.presenter.selected_period()

    def set_period(self, period: Period) -> None:
        self.presenter.set_period(period)

    def export(self) -> None:
        self.presenter.export()

    def open_exports(self) -> None:
        self.presenter.open_exports()

    def add_files(self) -> None:
        self.presenter.add_files()

    def clear_files(self) -> None:
        self.presenter.clear_files()

    def consolidate(self) -> None:
        self.presenter.consolidate()

    @property
    def working(self) -> bool:
        """True while an export or a consolidation runs (the window waits for it before
        rebuilding the screens)."""
        return self.presenter.working

    @property
    def last_export(self) -> Path | None:
        return self.presenter.last_export

    @property
    def files(self) -> list[Path]:
        return self.presenter.files

    # -- presenter → view ---------------------------------------------------------------
    def show_period_kind(self, kind: str) -> None:
        self.kind_var.set(dict(self._kinds)[kind])
        if kind == "custom":
            self.period_box.grid_remove()
            self.custom.grid()
        else:
            self.custom.grid_remove()
            self.period_box.grid()

    def show_period_choices(self, labels: list[str], index: int) -> None:
        self.period_box.configure(values=labels)
        self.period_box.current(index)

    def show_custom_range(self, start: date, end: date) -> None:
        self.from_date.set_date(start)
        self.to_date.set_date(end)

    def get_period_index(self) -> int:
        return int(self.period_box.current())

    def get_custom_range(self) -> tuple[date | None, date | None]:
        try:
            start = self.from_date.get_date()
            end = self.to_date.get_date()
        except (ValueError, AttributeError):
            return None, None
        return _day(start), _day(end)

    def show_figures(self, title: str, rows: list[FigureRow]) -> None:
        self.preview_title.configure(text=title)
        for labels in self.figure_labels:
            for widget in labels:
                widget.destroy()
        self.figure_labels = []
        lines: list[tuple[str, ...]] = list(rows)
        if rows:
            head = (tr("Indicator"), tr("This period"), tr("Previous period"), tr("Change"))
            lines = [head, *rows]
        for r, values in enumerate(lines, start=1):
            widgets = []
            for c, text in enumerate(values):
                options: dict[str, Any] = {"anchor": "w" if c == 0 else "e"}
                if r == 1:
                    options["font"] = "-weight bold"
                if c > 0:
                    options["width"] = 10 if c < 3 else 15
                w = ttk.Label(self.preview, text=text, **options)
                w.grid(row=r, column=c, sticky="we", padx=(0, 8))
                widgets.append(w)
            self.figure_labels.append(tuple(widgets))

    def preview_texts(self) -> list[tuple[str, ...]]:
        return [tuple(w.cget("text") for w in row) for row in self.figure_labels]

    def show_working(self, message: str) -> None:
        self.export_button.configure(state="disabled")
        self.consolidate_button.configure(state="disabled")
        self.status_var.set(message)
        self.progress.configure(value=0)

    def show_progress(self, fraction: float) -> None:
        self.progress.configure(value=fraction)

    def show_idle(self, status: str, progress: float) -> None:
        self.export_button.configure(state="normal")
        self.consolidate_button.configure(state="normal")
        self.progress.configure(value=progress)
        self.status_var.set(status)

    def show_formats(self, formats: list[str]) -> None:
        for key, var in self.format_vars.items():
            var.set(key in formats)

    def show_glance(self, glance: Glance | None) -> None:
        self.glance.show(glance)

    def show_files(self, files: list[Path]) -> None:
        self.file_list.delete(0, "end")
        for path in files:
            self.file_list.insert("end", str(path))

    def ask_files(self) -> list[str]:
        return list(
            filedialog.askopenfilenames(  # the consolidation takes the workbooks
                parent=self,
                title=tr("Choose report files to consolidate"),
                filetypes=[(tr("Excel reports"), "*.xlsx"), (tr("All files"), "*.*")],
            )
        )

    def open_folder(self, folder: Path) -> None:
        open_folder(folder)


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
