"""The "Tổng hợp" screen (supervisors): receive the offices' weekly files (chosen files or
a whole folder, with progress), see the week's board (received / missing / late /
re-sent), keep the list of offices, and write the province's report or the CSV dataset.
What the buttons do is decided in ``presenters.province``."""

from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from counter_app.i18n import tr
from counter_app.presenters.province import BoardLine, ProvincePresenter
from counter_app.presenters.reports import period_kinds
from counter_app.province.queries import KINDS
from counter_app.ui.reports_screen import open_folder
from counter_app.ui.widgets import Flow

BOARD_COLUMNS = ("code", "name", "kind", "status", "exported", "files", "sessions")


class ProvinceScreen(ttk.Frame):
    def __init__(self, master: tk.Misc, app: Any) -> None:
        super().__init__(master, padding=(12, 8))
        self.app = app
        self._build()
        self.presenter = ProvincePresenter(self, app)
        self.presenter.start()

    def destroy(self) -> None:
        """The store's lock and connection go with the screen."""
        self.presenter.close()
        super().destroy()

    @property
    def working(self) -> bool:
        return self.presenter.working

    def focus_default(self) -> None:
        self.files_button.focus_set()

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self._build_ingest()
        middle = ttk.Frame(self)
        middle.pack(fill="both", expand=True, pady=6)
        self._build_board(middle)
        self._build_offices(middle)
        self._build_report()

    def _build_ingest(self) -> None:
        box = ttk.Labelframe(self, text=tr("Receive the offices' report files"), padding=8)
        box.pack(fill="x")
        row = ttk.Frame(box)
        row.pack(fill="x")
        self.files_button = ttk.Button(
            row, text=tr("Receive files…"), bootstyle="primary", command=self._ingest_files
        )
        self.files_button.pack(side="left")
        self.folder_button = ttk.Button(
            row,
            text=tr("Receive a whole folder…"),
            bootstyle="primary-outline",
            command=self._ingest_folder,
        )
        self.folder_button.pack(side="left", padx=6)
        self.progress = ttk.Progressbar(row, length=220, maximum=1.0)
        self.progress.pack(side="left", padx=8)
        self.status_var = tk.StringVar(self, "")
        ttk.Label(row, textvariable=self.status_var).pack(side="left")
        self.store_var = tk.StringVar(self, "")
        ttk.Label(box, textvariable=self.store_var, bootstyle="secondary").pack(
            anchor="w", pady=(4, 0)
        )
        self.result = tk.Text(box, height=3, wrap="none", relief="flat", font="TkDefaultFont")
        self.result.pack(fill="x", pady=(4, 0))
        self.result.configure(state="disabled")
        self._theme_text()
        self.result.bind("<<ThemeChanged>>", lambda _e: self.after_idle(self._theme_text))

    def _theme_text(self) -> None:
        """A plain Tk text box takes the theme's input colours (readable in dark)."""
        try:
            colors = ttk.Style().colors
            self.result.configure(
                background=colors.inputbg,
                foreground=colors.inputfg,
                insertbackground=colors.inputfg,
            )
        except Exception:  # noqa: BLE001 - before the style exists: Tk's own colours
            pass

    def _build_board(self, master: ttk.Frame) -> None:
        box = ttk.Labelframe(master, text=tr("Who sent the week's file"), padding=8)
        box.pack(side="left", fill="both", expand=True)
        top = ttk.Frame(box)
        top.pack(fill="x")
        self.week_var = tk.StringVar(self)
        self.week_box = ttk.Combobox(top, textvariable=self.week_var, state="readonly", width=44)
        self.week_box.pack(side="left")
        self.week_box.bind("<<ComboboxSelected>>", lambda _e: self.presenter.refresh_board())
        self.board_var = tk.StringVar(self, "")
        ttk.Label(box, textvariable=self.board_var, wraplength=760, justify="left").pack(
            anchor="w", pady=4
        )
        frame = ttk.Frame(box)
        frame.pack(fill="both", expand=True)
        heads = (
            tr("Code"),
            tr("Office"),
            tr("Kind"),
            tr("Status"),
            tr("Exported at"),
            tr("Files"),
            tr("Sessions"),
        )
        self.board = ttk.Treeview(frame, columns=BOARD_COLUMNS, show="headings", height=9)
        for col, head, width in zip(
            BOARD_COLUMNS, heads, (70, 220, 75, 110, 160, 65, 70), strict=True
        ):
            self.board.heading(col, text=head)
            self.board.column(col, width=width, stretch=col == "name")
        bar = ttk.Scrollbar(frame, orient="vertical", command=self.board.yview)
        self.board.configure(yscrollcommand=bar.set)
        self.board.pack(side="left", fill="both", expand=True)
        bar.pack(side="right", fill="y")
        self.board.tag_configure("missing", foreground="#b02a37")
        self.board.tag_configure("late", foreground="#997404")
        self.board.bind("<<TreeviewSelect>>", lambda _e: self._board_selected())

    def _build_offices(self, master: ttk.Frame) -> None:
        box = ttk.Labelframe(master, text=tr("List of offices"), padding=8)
        box.pack(side="left", fill="y", padx=(8, 0))
        ttk.Button(
            box,
            text=tr("Import the province's list…"),
            bootstyle="secondary",
            command=lambda: self.presenter.import_offices(),
        ).pack(fill="x")
        self.office_vars = {k: tk.StringVar(self) for k in ("code", "name", "kind", "parent")}
        labels = {
            "code": tr("Code"),
            "name": tr("Office"),
            "kind": tr("Kind"),
            "parent": tr("Parent body"),
        }
        form = ttk.Frame(box)
        form.pack(fill="x", pady=(8, 0))
        form.columnconfigure(1, weight=1)
        # Narrow fields that widen with the panel: at 125–150 % the board beside them
        # keeps its room and the panel stays inside the window.
        for r, (key, var) in enumerate(self.office_vars.items()):
            ttk.Label(form, text=labels[key]).grid(row=r, column=0, sticky="w", pady=2)
            if key == "kind":
                widget: tk.Widget = ttk.Combobox(form, textvariable=var, values=KINDS, width=14)
            else:
                widget = ttk.Entry(form, textvariable=var, width=16)
            widget.grid(row=r, column=1, sticky="ew", padx=(6, 0), pady=2)
        self.expected_var = tk.BooleanVar(self, True)
        ttk.Checkbutton(
            box, text=tr("Expected to send a weekly file"), variable=self.expected_var
        ).pack(anchor="w", pady=4)
        ttk.Button(box, text=tr("Save"), bootstyle="primary", command=self._save_office).pack(
            anchor="w"
        )

    def _build_report(self) -> None:
        frame = ttk.Labelframe(self, text=tr("The province's report"), padding=8)
        frame.pack(fill="x")
        box = Flow(frame)  # the buttons wrap onto a second line at 125–150 %
        box.pack(fill="x")
        self._kinds = [(k, label) for k, label in period_kinds() if k != "custom"]
        self.kind_var = tk.StringVar(self, self._kinds[0][1])
        kind_box = ttk.Combobox(
            box,
            textvariable=self.kind_var,
            state="readonly",
            width=10,
            values=[label for _, label in self._kinds],
        )
        box.add(kind_box)
        kind_box.bind("<<ComboboxSelected>>", lambda _e: self._kind_chosen())
        self.period_var = tk.StringVar(self)
        self.period_box = ttk.Combobox(
            box, textvariable=self.period_var, state="readonly", width=44
        )
        box.add(self.period_box)
        self.report_button = ttk.Button(
            box,
            text=tr("Write the province's report"),
            bootstyle="primary",
            command=lambda: self.presenter.write_report(),
        )
        box.add(self.report_button)
        export_button = ttk.Button(
            box,
            text=tr("Export the dataset (CSV)…"),
            bootstyle="secondary-outline",
            command=lambda: self.presenter.export_csv(),
        )
        box.add(export_button)
        open_button = ttk.Button(
            box,
            text=tr("Open folder"),
            bootstyle="secondary",
            command=lambda: self.presenter.open_exports(),
        )
        box.add(open_button)

    # -- user → presenter ---------------------------------------------------------------
    def _ingest_files(self) -> None:
        self.presenter.ingest_files()

    def _ingest_folder(self) -> None:
        self.presenter.ingest_folder()

    def _kind_chosen(self) -> None:
        kinds = {label: key for key, label in self._kinds}
        self.presenter.choose_kind(kinds.get(self.kind_var.get(), "week"))

    def _save_office(self) -> None:
        v = {k: var.get() for k, var in self.office_vars.items()}
        self.presenter.save_office(
            v["code"], v["name"], v["kind"], v["parent"], self.expected_var.get()
        )

    def _board_selected(self) -> None:
        selected = self.board.selection()
        if not selected:
            return
        values = self.board.item(selected[0], "values")
        for key, value in zip(("code", "name", "kind"), values, strict=False):
            self.office_vars[key].set(value)

    # -- presenter → view ---------------------------------------------------------------
    def ask_files(self) -> list[str]:
        return list(
            filedialog.askopenfilenames(
                parent=self,
                title=tr("Choose the offices' report files"),
                filetypes=[(tr("Excel reports"), "*.xlsx"), (tr("All files"), "*.*")],
            )
        )

    def ask_folder(self) -> str:
        return filedialog.askdirectory(parent=self, title=tr("Choose the folder of report files"))

    def ask_office_list(self) -> str:
        return filedialog.askopenfilename(
            parent=self,
            title=tr("Choose the province's list of offices"),
            filetypes=[(tr("Spreadsheets"), "*.xlsx *.xls *.csv"), (tr("All files"), "*.*")],
        )

    def ask_csv_folder(self) -> str:
        return filedialog.askdirectory(parent=self, title=tr("Choose a folder for the dataset"))

    def show_working(self, message: str) -> None:
        for button in (self.files_button, self.folder_button, self.report_button):
            button.configure(state="disabled")
        self.status_var.set(message)
        self.progress.configure(value=0)

    def show_progress(self, fraction: float, _message: str = "") -> None:
        self.progress.configure(value=fraction)

    def show_idle(self, status: str) -> None:
        for button in (self.files_button, self.folder_button, self.report_button):
            button.configure(state="normal")
        self.progress.configure(value=1.0 if status else 0)
        self.status_var.set(status)

    def show_ingest_result(self, lines: list[str]) -> None:
        self.result.configure(state="normal")
        self.result.delete("1.0", "end")
        self.result.insert("1.0", "\n".join(lines))
        self.result.configure(state="disabled", height=min(max(len(lines), 2), 6))

    def show_store(self, summary: str) -> None:
        self.store_var.set(summary)

    def show_weeks(self, labels: list[str], index: int) -> None:
        self.week_box.configure(values=labels)
        if labels:
            self.week_box.current(index)

    def get_week_index(self) -> int:
        return int(self.week_box.current())

    def show_board(self, summary: str, rows: list[BoardLine]) -> None:
        self.board_var.set(summary)
        self.board.delete(*self.board.get_children())
        for values in rows:
            status = values[3]
            tag = (
                "missing"
                if status == tr("missing")
                else "late"
                if status.startswith(tr("late"))
                else ""
            )
            self.board.insert("", "end", values=values, tags=(tag,) if tag else ())

    def board_rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.board.item(i, "values")) for i in self.board.get_children()]

    def show_period_choices(self, labels: list[str], index: int) -> None:
        self.period_box.configure(values=labels)
        if labels:
            self.period_box.current(index)

    def get_period_index(self) -> int:
        return int(self.period_box.current())

    def open_folder(self, folder: Path) -> None:
        open_folder(folder)
