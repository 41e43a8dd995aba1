"""The week at a glance on the Reports screen: four small bar charts drawn on Tk canvases
(no chart library): sessions per day this week beside last week, the success rate of
the last eight weeks, the five procedures and the five barriers met most this week. The
number is written on (or at the end of) every bar. Colours come from the theme, so the
charts read in light and dark alike; they are redrawn when the theme or the size
changes."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from typing import Any

import ttkbootstrap as ttk

from counter_app.i18n import tr
from counter_app.reports.glance import Glance
from counter_app.reports.vn import vn_int, vn_pct
from counter_app.ui.widgets import fit_text

CHART_HEIGHT = 128
PAD = 8


class Chart(tk.Canvas):
    """One titled chart; ``draw`` is given the data, ``redraw`` repeats it."""

    def __init__(self, master: tk.Misc, title: str, empty: str | None = None) -> None:
        super().__init__(master, height=CHART_HEIGHT, highlightthickness=1, borderwidth=0)
        self.title = title
        self.empty = empty or tr("Nothing recorded this week yet.")
        self.data: Any = None
        self.kind = ""
        self.bind("<Configure>", lambda _e: self.redraw())
        self.bind("<<ThemeChanged>>", lambda _e: self.after_idle(self.redraw))

    # -- colours and fonts -------------------------------------------------------------
    def _colors(self) -> dict[str, str]:
        try:
            c = ttk.Style().colors
            return {
                "bg": c.bg,
                "fg": c.fg,
                "bar": c.primary,
                "bar2": c.secondary,
                "line": c.border,
                "on_bar": c.selectfg,
            }
        except Exception:  # noqa: BLE001 - no ttkbootstrap style yet: plain colours
            return {
                "bg": "white",
                "fg": "black",
                "bar": "#0a58ca",
                "bar2": "#6c757d",
                "line": "#ced4da",
                "on_bar": "white",
            }

    def show(self, kind: str, data: Any) -> None:
        self.kind, self.data = kind, data
        self.redraw()

    def texts(self) -> list[str]:
        """Every text drawn (tests and the screenshot check read them)."""
        return [self.itemcget(i, "text") for i in self.find_all() if self.type(i) == "text"]

    def redraw(self) -> None:
        self.delete("all")
        colors = self._colors()
        self.configure(background=colors["bg"], highlightbackground=colors["line"])
        width, height = max(self.winfo_width(), 200), max(self.winfo_height(), CHART_HEIGHT)
        title_font = tkfont.Font(self, size=10, weight="bold")
        self.create_text(PAD, PAD, text=self.title, anchor="nw", fill=colors["fg"], font=title_font)
        top = PAD + title_font.metrics("linespace") + 4
        if self.data is None:
            return
        font = tkfont.Font(self, size=9)
        draw = {"days": self._days, "rates": self._rates, "bars": self._hbars}[self.kind]
        draw(colors, font, PAD, top, width - PAD, height - PAD)

    # -- the three kinds ---------------------------------------------------------------
    def _days(self, colors, font, x0, y0, x1, y1) -> None:
        """Pairs of columns per weekday: this week (bold colour), last week (grey)."""
        days: list[tuple[str, int | None, int]] = self.data
        legend_y = y0
        self.create_rectangle(x0, legend_y + 2, x0 + 10, legend_y + 10, fill=colors["bar"], width=0)
        self.create_text(
            x0 + 14, legend_y + 6, text=tr("this week"), anchor="w", fill=colors["fg"], font=font
        )
        x_last = x0 + 24 + font.measure(tr("this week"))
        self.create_rectangle(
            x_last, legend_y + 2, x_last + 10, legend_y + 10, fill=colors["bar2"], width=0
        )
        self.create_text(
            x_last + 14,
            legend_y + 6,
            text=tr("last week"),
            anchor="w",
            fill=colors["fg"],
            font=font,
        )
        top = y0 + 18
        label_h = font.metrics("linespace") + 2
        base = y1 - label_h
        biggest = max([max(a or 0, b) for _, a, b in days] + [1])
        slot = (x1 - x0) / max(len(days), 1)
        bar = max(min(slot / 2 - 3, 22), 4)
        if font.measure("000") > bar + 2:  # narrow: smaller numbers, never overlapping
            font = tkfont.Font(self, size=7)
        room = base - top - label_h
        for i, (label, this, last) in enumerate(days):
            cx = x0 + slot * i + slot / 2
            for value, left, fill in (
                (this, cx - bar - 1, colors["bar"]),
                (last, cx + 1, colors["bar2"]),
            ):
                if value is None:  # a day of this week still to come
                    continue
                h = room * value / biggest
                self.create_rectangle(left, base - h, left + bar, base, fill=fill, width=0)
                self.create_text(
                    left + bar / 2,
                    base - h - 1,
                    text=vn_int(value),
                    anchor="s",
                    fill=colors["fg"],
                    font=font,
                )
            self.create_text(cx, base + 1, text=label, anchor="n", fill=colors["fg"], font=font)
        self.create_line(x0, base, x1, base, fill=colors["line"])

    def _rates(self, colors, font, x0, y0, x1, y1) -> None:
        """One column per week: the success rate, written on top; "—" without data."""
        rates: list[tuple[str, float | None]] = self.data
        label_h = font.metrics("linespace") + 2
        base = y1 - label_h
        top = y0 + label_h
        slot = (x1 - x0) / max(len(rates), 1)
        bar = max(min(slot - 8, 34), 4)
        for i, (label, rate) in enumerate(rates):
            cx = x0 + slot * i + slot / 2
            h = (base - top) * (rate or 0)
            if rate is not None:
                self.create_rectangle(
                    cx - bar / 2, base - h, cx + bar / 2, base, fill=colors["bar"], width=0
                )
            text = vn_pct(rate, 0) if rate is not None else "—"
            self.create_text(cx, base - h - 1, text=text, anchor="s", fill=colors["fg"], font=font)
            self.create_text(cx, base + 1, text=label, anchor="n", fill=colors["fg"], font=font)
        self.create_line(x0, base, x1, base, fill=colors["line"])

    def _hbars(self, colors, font, x0, y0, x1, y1) -> None:
        """Horizontal bars, the label above each bar and its count at the line's end (a
        count beside a thin bar would run into the next label)."""
        items: list[tuple[str, int]] = self.data
        if not items:
            self.create_text(
                x0,
                y0 + 4,
                text=self.empty,
                anchor="nw",
                fill=colors["fg"],
                font=font,
            )
            return
        line = font.metrics("linespace")
        row = (y1 - y0) / max(len(items), 5)
        bar_h = max(min(row - line - 2, 10), 4)
        biggest = max(v for _, v in items) or 1
        for i, (label, value) in enumerate(items):
            y = y0 + row * i
            number = vn_int(value)
            number_w = font.measure(number) + 8
            self.create_text(x1, y, text=number, anchor="ne", fill=colors["fg"], font=font)
            self.create_text(
                x0,
                y,
                text=fit_text(label, font, x1 - x0 - number_w),
                anchor="nw",
                fill=colors["fg"],
                font=font,
            )
            w = (x1 - x0) * value / biggest
            by = y + line + 1
            self.create_rectangle(x0, by, x0 + max(w, 2), by + bar_h, fill=colors["bar"], width=0)


class GlanceView(ttk.Labelframe):
    """The four charts in a 2×2 grid."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, text=tr("The week at a glance"), padding=6)
        self.days = Chart(self, tr("Sessions per day"))
        self.rates = Chart(self, tr("Success rate, 8 weeks"))
        self.procedures = Chart(self, tr("Top 5 procedures"))
        self.barriers = Chart(self, tr("Top 5 barriers"), tr("No barrier recorded this week."))
        for i, chart in enumerate((self.days, self.rates, self.procedures, self.barriers)):
            chart.grid(row=i // 2, column=i % 2, sticky="nsew", padx=3, pady=3)
        self.columnconfigure((0, 1), weight=1, uniform="glance")
        self.rowconfigure((0, 1), weight=1)

    @property
    def charts(self) -> tuple[Chart, ...]:
        return (self.days, self.rates, self.procedures, self.barriers)

    def show(self, glance: Glance | None) -> None:
        if glance is None:
            return
        week = glance.week
        self.configure(
            text=tr("The week at a glance: week {week} ({start}–{end})").format(
                week=f"{week.week}/{week.year}",
                start=f"{week.start:%d/%m}",
                end=f"{week.end:%d/%m}",
            )
        )
        self.days.show("days", glance.days)
        self.rates.show("rates", glance.rates)
        self.procedures.show("bars", glance.procedures)
        self.barriers.show("bars", glance.barriers)
