"""Reports: choose a period (the last full week by default), preview the key figures,
export the Excel report with progress, open its folder; consolidate other offices' files.

Long work runs on a worker thread that never touches widgets: it posts to a queue that
the Tk thread polls with ``after``. The worker reads through its own read-only database
connection (the app's connection belongs to the Tk thread).
"""

from __future__ import annotations

import gc
import os
import queue
import subprocess
import sys
import threading
import tkinter as tk
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from tkinter import filedialog

import ttkbootstrap as ttk

from counter_app import paths
from counter_app.i18n import tr
from counter_app.reports.period import Period, last_full_week

POLL_MS = 80
DATE_FORMAT = "%d/%m/%Y"


def period_choices(kind: str, today: date | None = None) -> list[Period]:
    """Recent periods of ``kind``, newest complete one first."""
    today = today or date.today()
    if kind == "week":
        p = last_full_week(today)
        out = [Period.week_of(today)]  # the current week so far, second in the list
        items = [p]
        for _ in range(51):
            p = p.previous()
            items.append(p)
        return items[:1] + out + items[1:]
    if kind == "month":
        p = Period.month(today.year, today.month)
        items = [p]
        for _ in range(23):
            p = p.previous()
            items.append(p)
        return items
    if kind == "quarter":
        p = Period.quarter(today.year, (today.month - 1) // 3 + 1)
        items = [p]
        for _ in range(11):
            p = p.previous()
            items.append(p)
        return items
    return []


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


def period_kinds() -> list[tuple[str, str]]:
    return [
        ("week", tr("Week")),
        ("month", tr("Month")),
        ("quarter", tr("Quarter")),
        ("custom", tr("Custom range")),
    ]


class ReportsScreen(ttk.Frame):
    def __init__(self, master: tk.Misc, app):
        super().__init__(master, padding=(12, 8))
        self.app = app
        self._queue: queue.Queue = queue.Queue()
        self._busy = False
        self._periods: list[Period] = []
        self.last_export: Path | None = None
        self.files: list[Path] = []
        self._build()
        self._on_kind()

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        top = ttk.Labelframe(self, text=tr("Report period"), padding=8)
        top.pack(fill="x")
        self.kind_var = tk.StringVar(self, tr("Week"))
        self._kind_by_label = {label: key for key, label in period_kinds()}
        self.kind_box = ttk.Combobox(
            top,
            textvariable=self.kind_var,
            state="readonly",
            width=14,
            values=[label for _, label in period_kinds()],
        )
        self.kind_box.grid(row=0, column=0, padx=(0, 8))
        self.kind_box.bind("<<ComboboxSelected>>", lambda _e: self._on_kind())
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

        self.preview = ttk.Labelframe(self, text=tr("Key figures"), padding=8)
        self.preview.pack(fill="x", pady=8)
        self.preview_title = ttk.Label(self.preview, text="", font="-weight bold")
        self.preview_title.grid(row=0, column=0, columnspan=4, sticky="w", pady=(0, 4))
        self.figure_labels: list[tuple[ttk.Label, ttk.Label, ttk.Label, ttk.Label]] = []

        actions = ttk.Frame(self)
        actions.pack(fill="x")
        self.export_button = ttk.Button(
            actions, text=tr("Export to Excel"), bootstyle="primary", command=self.export
        )
        self.export_button.pack(side="left")
        self.folder_button = ttk.Button(
            actions, text=tr("Open folder"), bootstyle="secondary", command=self.open_exports
        )
        self.folder_button.pack(side="left", padx=8)
        self.progress = ttk.Progressbar(actions, length=260, maximum=1.0)
        self.progress.pack(side="left", padx=8)
        self.status_var = tk.StringVar(self, "")
        ttk.Label(actions, textvariable=self.status_var).pack(side="left", padx=4)

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
        self.file_list = tk.Listbox(cons, height=6)
        self.file_list.pack(fill="both", expand=True, pady=(6, 0))

    # -- period -------------------------------------------------------------------------
    def kind(self) -> str:
        return self._kind_by_label.get(self.kind_var.get(), "week")

    def _on_kind(self) -> None:
        kind = self.kind()
        if kind == "custom":
            self.period_box.grid_remove()
            self.custom.grid()
        else:
            self.custom.grid_remove()
            self.period_box.grid()
            self._periods = period_choices(kind)
            self.period_box.configure(values=[p.label for p in self._periods])
            self.period_box.current(0)
        self.refresh_preview()

    def selected_period(self) -> Period | None:
        if self.kind() == "custom":
            try:
                start = self.from_date.get_date()
                end = self.to_date.get_date()
            except (ValueError, AttributeError):
                return None
            if start is None or end is None:
                return None
            start = start.date() if isinstance(start, datetime) else start
            end = end.date() if isinstance(end, datetime) else end
            return Period.custom(start, end) if start <= end else None
        index = self.period_box.current()
        return self._periods[index] if 0 <= index < len(self._periods) else None

    def set_period(self, period: Period) -> None:
        """Select ``period`` (tests and callers that know what they want)."""
        for key, label in period_kinds():
            if key == period.kind:
                self.kind_var.set(label)
        self._on_kind()
        if period.kind == "custom":
            self.from_date.set_date(period.start)
            self.to_date.set_date(period.end)
        else:
            if period not in self._periods:
                self._periods.insert(0, period)
                self.period_box.configure(values=[p.label for p in self._periods])
            self.period_box.current(self._periods.index(period))
        self.refresh_preview()

    # -- preview ------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        period = self.selected_period()
        if period is None:
            self.show_figures(tr("Choose a period."), [])
            return
        from counter_app.reports.preview import key_figure_rows

        try:
            rows = key_figure_rows(self.app.store, period)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged by the app
            self.app.show_error(str(exc))
            return
        self.show_figures(period.label, rows)

    def show_figures(self, title: str, rows: list[tuple[str, str, str, str]]) -> None:
        self.preview_title.configure(text=title)
        for labels in self.figure_labels:
            for widget in labels:
                widget.destroy()
        self.figure_labels = []
        if rows:
            head = (tr("Indicator"), tr("This period"), tr("Previous period"), tr("Change"))
            rows = [head, *rows]
        for r, values in enumerate(rows, start=1):
            widgets = []
            for c, text in enumerate(values):
                w = ttk.Label(
                    self.preview,
                    text=text,
                    font="-weight bold" if r == 1 else None,
                    anchor="w" if c == 0 else "e",
                    width=None if c == 0 else 14,
                )
                w.grid(row=r, column=c, sticky="we", padx=(0, 12))
                widgets.append(w)
            self.figure_labels.append(tuple(widgets))

    def preview_texts(self) -> list[tuple[str, ...]]:
        return [tuple(w.cget("text") for w in row) for row in self.figure_labels]

    # -- export -------------------------------------------------------------------------
    def export(self) -> None:
        period = self.selected_period()
        if period is None:
            self.app.show_error(tr("Choose a period first."))
            return
        from counter_app.reports import export_report
        from counter_app.reports.source import worker_reader

        reader = worker_reader(self.app.store)
        if reader is None:  # in-memory data: read here, write on the worker
            from counter_app.reports.writer import (
                compute,
                default_name,
                unique_path,
                write_workbook,
            )

            report, sessions = compute(self.app.store, period)
            target = unique_path(paths.exports_dir() / default_name(period, report.office.code))

            def job(progress):
                return write_workbook(report, sessions, target, progress)
        else:

            def job(progress):
                try:
                    return export_report(reader, period, progress=progress)
                finally:
                    reader.db.close()

        self._run(job, self._exported, tr("Writing the report…"))

    def _exported(self, path: Path) -> None:
        self.last_export = path
        self.status_var.set(tr("Saved: {name}").format(name=path.name))
        self.app.toast(tr("Report saved: {name}").format(name=path.name))

    def open_exports(self) -> None:
        folder = self.last_export.parent if self.last_export else paths.exports_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.open_folder(folder)
        except (OSError, AttributeError) as exc:
            self.app.show_error(
                tr("The folder could not be opened: {folder} ({error})").format(
                    folder=folder, error=exc
                )
            )

    def open_folder(self, folder: Path) -> None:
        open_folder(folder)

    # -- consolidation ------------------------------------------------------------------
    def ask_files(self) -> list[str]:
        return list(
            filedialog.askopenfilenames(
                parent=self,
                title=tr("Choose report files to consolidate"),
                filetypes=[(tr("Excel reports"), "*.xlsx"), (tr("All files"), "*.*")],
            )
        )

    def add_files(self) -> None:
        for name in self.ask_files():
            path = Path(name)
            if path not in self.files:
                self.files.append(path)
                self.file_list.insert("end", str(path))

    def clear_files(self) -> None:
        self.files.clear()
        self.file_list.delete(0, "end")

    def consolidate(self) -> None:
        if len(self.files) < 1:
            self.app.show_error(tr("Add the report files to consolidate first."))
            return
        from counter_app.reports.consolidate import consolidate
        from counter_app.reports.source import load_office

        office = load_office(self.app.store)
        files = list(self.files)

        def job(progress):
            return consolidate(files, office=office, progress=progress)

        self._run(job, self._consolidated, tr("Consolidating…"))

    def _consolidated(self, result) -> None:
        self.last_export = result.path
        self.status_var.set(tr("Saved: {name}").format(name=result.path.name))
        self.app.show_info(
            tr(
                "Consolidated {files} files: {sessions} sessions ({duplicates} "
                "duplicates counted once).\n{path}"
            ).format(
                files=result.files,
                sessions=result.sessions,
                duplicates=result.duplicates,
                path=result.path,
            )
        )

    # -- worker plumbing ----------------------------------------------------------------
    def _run(self, job: Callable, done: Callable, message: str) -> None:
        if self._busy:
            return
        self._busy = True
        self.export_button.configure(state="disabled")
        self.consolidate_button.configure(state="disabled")
        self.status_var.set(message)
        self.progress.configure(value=0)

        def progress(fraction: float, _stage: str = "") -> None:
            self._queue.put(("progress", fraction))

        def work() -> None:
            try:
                self._queue.put(("done", job(progress)))
            except Exception as exc:  # noqa: BLE001 - handed to the Tk thread
                self._queue.put(("error", exc))

        self._done = done
        # Collect garbage here, on the Tk thread: a collection that happens to run on the
        # worker would finalise stale Tk images/variables off the main loop.
        gc.collect()
        threading.Thread(target=work, name="report-export", daemon=True).start()
        self.after(POLL_MS, self._poll)

    def _poll(self) -> None:
        finished = None
        try:
            while True:
                kind, value = self._queue.get_nowait()
                if kind == "progress":
                    self.progress.configure(value=value)
                else:
                    finished = (kind, value)
        except queue.Empty:
            pass
        if finished is None:
            self.after(POLL_MS, self._poll)
            return
        self._busy = False
        self.export_button.configure(state="normal")
        self.consolidate_button.configure(state="normal")
        kind, value = finished
        if kind == "done":
            self.progress.configure(value=1.0)
            self._done(value)
        else:
            self.progress.configure(value=0)
            self.status_var.set("")
            self.app.show_error(str(value) if str(value) else repr(value))

    @property
    def busy(self) -> bool:
        return self._busy
