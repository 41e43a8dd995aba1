"""History: filters, a paged table (50 rows at a time, paged in SQL), edit, void, audit
trail and the end-of-day check."""

from __future__ import annotations

import logging
import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable
from datetime import date, datetime

import ttkbootstrap as ttk

from counter_app.domain.models import SessionRow
from counter_app.i18n import tr
from counter_app.presenters.base import AppLike
from counter_app.presenters.history import HistoryChoices, HistoryFilter, HistoryPresenter, PageInfo
from counter_app.services.endofday import Flagged
from counter_app.ui import shortcuts
from counter_app.ui.widgets import ChoiceCombo, Flow

DATE_FORMAT = "%d/%m/%Y"
log = logging.getLogger(__name__)


def _number(n: int) -> str:
    """1.000.000: the Vietnamese thousands separator."""
    return f"{n:,}".replace(",", ".")


class HistoryScreen(ttk.Frame):
    def __init__(
        self,
        master: tk.Misc,
        app: AppLike,
        presenter_factory: Callable[..., HistoryPresenter] = HistoryPresenter,
    ) -> None:
        super().__init__(master, padding=(12, 8))
        self.app = app
        self.mode = "history"
        self._pending_select: int | None = None  # Home/End: the row to select on arrival
        self._build()
        self.presenter = presenter_factory(self, app)
        self.presenter.start()

    # -- building -----------------------------------------------------------------------

    def _build(self) -> None:
        self._build_filters()
        self.mode_label = ttk.Label(self, bootstyle="warning")
        # The pager is packed before the table, at the bottom: a short window shrinks the
        # table, never the page buttons.
        self._build_pager()
        table = self._build_table()
        self._build_actions(before=table)

    def _build_filters(self) -> None:
        bar = ttk.Labelframe(self, text=tr("Filter"), padding=8)
        bar.pack(fill="x")
        # The filter cells wrap onto a second line on a narrow window (125–150 %).
        cells_flow = Flow(bar, gap=10)
        cells_flow.pack(fill="x")
        self.from_date = ttk.DateEntry(
            cells_flow, date_format=DATE_FORMAT, first_weekday=0, value=None, width=11
        )
        self.to_date = ttk.DateEntry(
            cells_flow, date_format=DATE_FORMAT, first_weekday=0, value=None, width=11
        )
        self.officer = ChoiceCombo(cells_flow, blank=tr("All officers"), width=20)
        self.procedure_var = tk.StringVar(self)
        self.outcome = ChoiceCombo(cells_flow, blank=tr("All outcomes"), width=24)
        self.text_var = tk.StringVar(self)
        self.voided_var = tk.BooleanVar(self, False)
        self.procedure_entry = ttk.Entry(cells_flow, textvariable=self.procedure_var, width=12)
        self.text_entry = ttk.Entry(cells_flow, textvariable=self.text_var, width=18)
        cells = [
            (tr("From"), self.from_date),
            (tr("To"), self.to_date),
            (tr("Officer"), self.officer),
            (tr("Procedure code"), self.procedure_entry),
            (tr("Outcome"), self.outcome),
            (tr("Text"), self.text_entry),
        ]
        for label, widget in cells:
            cell = ttk.Frame(cells_flow)
            ttk.Label(cell, text=label).pack(anchor="w", in_=cell)
            widget.pack(in_=cell, anchor="w")
            widget.lift(cell)
            cells_flow.add(cell)
            entry = widget.entry if isinstance(widget, ttk.DateEntry) else widget
            if isinstance(entry, ttk.Entry):  # the date boxes too: "Apply (Enter)"
                shortcuts.bind(entry, "history.apply", self.apply)
        row = Flow(bar, gap=10)
        row.pack(fill="x", pady=(6, 0))
        row.add(ttk.Checkbutton(row, text=tr("Show voided"), variable=self.voided_var))
        self.apply_button = ttk.Button(
            row, text=tr("Apply (Enter)"), bootstyle="primary", command=self.apply
        )
        row.add(self.apply_button)
        row.add(
            ttk.Button(
                row, text=tr("Clear filters"), bootstyle="secondary-outline", command=self.reset
            )
        )

    def _build_table(self) -> ttk.Frame:
        table = ttk.Frame(self)
        table.pack(fill="both", expand=True, pady=(8, 4))
        columns = ("when", "minutes", "officer", "counter", "procedures", "outcomes", "note")
        self.tree = ttk.Treeview(
            table, columns=columns, show="headings", height=8, selectmode="browse"
        )
        self._size_columns(columns)
        scroll = ttk.Scrollbar(table, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")
        self.tree.tag_configure("voided", foreground="#999999")
        shortcuts.bind(self.tree, "history.open", self.open_selected)
        shortcuts.bind(self.tree, "history.void", self.void_selected)
        shortcuts.bind(self.tree, "history.next_page", lambda: self._page(self.presenter.next_page))
        shortcuts.bind(self.tree, "history.prev_page", lambda: self._page(self.presenter.prev_page))
        shortcuts.bind(self.tree, "history.first", self.go_first)
        shortcuts.bind(self.tree, "history.last", self.go_last)
        return table

    def _size_columns(self, columns: tuple[str, ...]) -> None:
        """Headings, and widths measured for a typical value in the current font."""
        headings = (
            tr("Time"),
            tr("Min."),
            tr("Officer"),
            tr("Counter"),
            tr("Procedures"),
            tr("Outcome"),
            tr("Note / problems"),
        )
        font = tkfont.nametofont("TkDefaultFont", root=self)
        samples = (
            "00/00/0000 00:00",
            "000",
            "Nguyễn Thị Thu Hà",
            "Quầy 10",
            "1.001193 Đăng ký khai sinh",
            "Nộp trực tuyến thành công",
            "",
        )
        for col, text, sample in zip(columns, headings, samples, strict=True):
            width = max(font.measure(sample or "x" * 24), font.measure(text)) + 24
            self.tree.heading(col, text=text, anchor="w")
            self.tree.column(
                col,
                width=width,
                minwidth=font.measure("000") + 16,
                anchor="w",
                stretch=col in ("note", "outcomes", "procedures"),
            )

    def _build_pager(self) -> None:
        nav = ttk.Frame(self)
        nav.pack(side="bottom", fill="x")
        ttk.Button(
            nav, text="«", width=3, command=lambda: self._page(self.presenter.first_page)
        ).pack(side="left")
        ttk.Button(
            nav, text=tr("◀ Previous (PgUp)"), command=lambda: self._page(self.presenter.prev_page)
        ).pack(side="left", padx=4)
        self.page_label = ttk.Label(nav)
        self.page_label.pack(side="left", padx=8)
        ttk.Button(
            nav, text=tr("Next (PgDn) ▶"), command=lambda: self._page(self.presenter.next_page)
        ).pack(side="left", padx=4)
        ttk.Button(
            nav, text="»", width=3, command=lambda: self._page(self.presenter.last_page)
        ).pack(side="left")

    def _build_actions(self, before: tk.Misc) -> None:
        """The buttons on the selected session, packed above the table."""
        actions = Flow(self, gap=6)
        actions.pack(fill="x", pady=(8, 0), before=before)
        for text, style, command in (
            (tr("Open to correct (Enter)"), "primary-outline", self.open_selected),
            (tr("Void (Del)"), "danger-outline", self.void_selected),
            (tr("Change history"), "secondary-outline", self.audit_selected),
            (tr("Entered together"), "secondary-outline", self.batch_selected),
            (tr("Void the batch"), "danger-outline", self.void_batch_selected),
            (tr("End-of-day check"), "info", self.end_of_day),
        ):
            actions.add(ttk.Button(actions, text=text, bootstyle=style, command=command))

    # -- presenter → view ---------------------------------------------------------------

    def set_choices(self, choices: HistoryChoices) -> None:
        self.officer.set_items([(o.id, o.name) for o in choices.officers])
        self.officer.set_value(None)
        self.outcome.set_items([(v.id, v.label) for v in choices.outcomes])
        self.outcome.set_value(None)

    def show_rows(self, rows: list[SessionRow]) -> None:
        self.mode = "history"
        self.mode_label.pack_forget()
        self.tree.delete(*self.tree.get_children())
        for r in rows:
            note = (tr("[voided] ") if r.voided else "") + r.note
            self.tree.insert(
                "",
                "end",
                iid=r.uuid,
                tags=("voided",) if r.voided else (),
                values=(
                    r.started_at.strftime("%d/%m/%Y %H:%M"),
                    r.minutes,
                    r.officer_name,
                    r.counter_name,
                    r.procedures,
                    r.outcomes,
                    note,
                ),
            )
        # Home/End asked for another page: its first/last row, now that it is here
        pending, self._pending_select = self._pending_select, None
        if pending is None:
            self._select_first()
        else:
            self._select_at(pending)

    def show_page(self, info: PageInfo) -> None:
        if self.mode != "history":
            return  # a count finishing late must not label the end-of-day or batch list
        if info.total is None:
            self.page_label.configure(
                text=tr("Page {page} · counting…").format(page=_number(info.page))
            )
            return
        self.page_label.configure(
            text=tr("Page {page}/{pages} · {total} sessions").format(
                page=_number(info.page), pages=_number(info.pages), total=_number(info.total)
            )
        )

    def show_flagged(self, flagged: list[Flagged]) -> None:
        self.mode = "endofday"
        self.tree.delete(*self.tree.get_children())
        for f in flagged:
            self.tree.insert(
                "",
                "end",
                iid=f.uuid,
                values=(
                    f.started_at.strftime("%d/%m/%Y %H:%M"),
                    f.minutes,
                    f.officer_name,
                    f.counter_name,
                    f.procedures,
                    f.outcomes or "—",
                    "; ".join(f.problems),
                ),
            )
        self.mode_label.configure(
            text=tr(
                "End-of-day check: {n} sessions to look at. Enter opens one to fix; "
                "Apply returns to the history."
            ).format(n=len(flagged))
        )
        self.mode_label.pack(fill="x", before=self.tree.master, pady=(6, 0))
        self.page_label.configure(text="")  # the history's page and total do not apply
        self._select_first()

    def show_batch(self, title: str, rows: list[SessionRow]) -> None:
        """The sessions of one batch ("Ghi nhiều lượt"), like the end-of-day list."""
        self.show_rows(rows)
        self.mode = "batch"
        self.mode_label.configure(text=title)
        self.mode_label.pack(fill="x", before=self.tree.master, pady=(6, 0))
        self.page_label.configure(text="")

    def show_audit(self, title: str, lines: list[str]) -> None:
        top = ttk.Toplevel(title=title, transient=self.winfo_toplevel(), size=(760, 420))
        text = tk.Text(top, wrap="word", font="TkFixedFont", padx=8, pady=8)
        text.insert("1.0", "\n".join(lines))
        text.configure(state="disabled")
        text.pack(fill="both", expand=True)
        ttk.Button(top, text=tr("Close"), command=top.destroy).pack(pady=6)
        shortcuts.bind(top, "dialog.close", top.destroy)
        self.audit_window = top

    # -- view → presenter ---------------------------------------------------------------

    def _date(self, entry: ttk.DateEntry) -> date | None:
        text = entry.entry.get().strip() if hasattr(entry, "entry") else ""
        if not text:
            return None
        try:
            return datetime.strptime(text, DATE_FORMAT).date()
        except ValueError:
            self.app.show_error(tr("Write dates as dd/mm/yyyy, e.g. 05/11/2026."))
            raise

    def current_filter(self) -> HistoryFilter:
        return HistoryFilter(
            date_from=self._date(self.from_date),
            date_to=self._date(self.to_date),
            officer_id=self.officer.value(),
            procedure_code=self.procedure_var.get(),
            outcome_id=self.outcome.value(),
            text=self.text_var.get(),
            include_voided=self.voided_var.get(),
        )

    def apply(self) -> None:
        try:
            flt = self.current_filter()
        except ValueError:
            return
        self.presenter.apply_filter(flt)
        self.tree.focus_set()

    def reset(self) -> None:
        for entry in (self.from_date, self.to_date):
            entry.entry.delete(0, "end")
        self.officer.set_value(None)
        self.outcome.set_value(None)
        self.procedure_var.set("")
        self.text_var.set("")
        self.voided_var.set(False)
        self.apply()

    def refresh(self) -> None:
        if self.mode == "endofday":
            self.presenter.refresh_end_of_day()
        elif self.mode == "batch" and self.selected_uuid():
            self.presenter.show_batch(self.selected_uuid() or "")
        else:
            self.presenter.refresh()

    def selected_uuid(self) -> str | None:
        selection = self.tree.selection()
        return selection[0] if selection else None

    def open_selected(self) -> None:
        uuid = self.selected_uuid()
        if uuid:
            self.presenter.open(uuid)

    def void_selected(self) -> None:
        uuid = self.selected_uuid()
        if uuid:
            self.presenter.void(uuid)

    def audit_selected(self) -> None:
        uuid = self.selected_uuid()
        if uuid:
            self.presenter.show_audit(uuid)

    def batch_selected(self) -> None:
        uuid = self.selected_uuid()
        if uuid:
            self.presenter.show_batch(uuid)

    def void_batch_selected(self) -> None:
        uuid = self.selected_uuid()
        if uuid:
            self.presenter.void_batch(uuid)

    def go_first(self) -> None:
        """Home: the first session (in the history: of the first page)."""
        if self.mode == "history" and self.presenter.page != 0:
            self._pending_select = 0  # the page is read on the job runner
            self.presenter.first_page()
            return
        self._select_at(0)

    def go_last(self) -> None:
        """End: the last session (in the history: of the last page, once counted)."""
        pages = self.presenter.pages()
        if self.mode == "history" and pages is not None and self.presenter.page != pages - 1:
            self._pending_select = -1  # the page is read on the job runner
            self.presenter.last_page()
            return
        self._select_at(-1)

    def _select_at(self, index: int) -> None:
        children = self.tree.get_children()
        if children:
            item = children[index]
            self.tree.selection_set(item)
            self.tree.focus(item)
            self.tree.see(item)

    def end_of_day(self, officer_id: int | None = None) -> None:
        self.presenter.end_of_day(officer_id=officer_id)
        self.tree.focus_set()

    def _page(self, action) -> None:
        if self.mode == "history":
            action()

    def focus_default(self) -> None:
        """On F3: the table, so Enter opens the selected session and Del voids it."""
        self.tree.focus_set()

    def _select_first(self) -> None:
        children = self.tree.get_children()
        if children:
            self.tree.selection_set(children[0])
            self.tree.focus(children[0])
