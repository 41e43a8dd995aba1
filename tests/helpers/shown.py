"""A workbook figure as a reader sees it. Counts are number cells; rates, averages and
changes are Vietnamese text ("64,1%", "13,3", "+1,5 điểm %") because no number format
can force a decimal comma. ``shown(x, kind)`` writes the expected text independently of
the app's formatter (plain ``format`` and a character swap), so a test compares the cell
with what an independent SQL figure must look like."""

from __future__ import annotations

import re
from pathlib import Path


def _decimal(x: float) -> str:
    text = f"{abs(x):,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("−" if x < 0 and text != "0,0" else "") + text


def shown(x: float | None, kind: str) -> object:
    """The cell value a figure of ``kind`` ("int", "pct", "dec") must have."""
    if x is None:
        return None
    if kind == "pct":
        return _decimal(100 * x) + "%"
    if kind == "dec":
        return _decimal(x)
    return x


def kind_of(cell: object) -> str:
    """The kind a read-back cell was written as: a number is a count, text ending in "%"
    a rate, other text a decimal figure."""
    if isinstance(cell, (int, float)):
        return "int"
    return "pct" if str(cell).endswith("%") else "dec"


def same_figure(cell: object, x: float) -> bool:
    """Whether ``cell`` shows the figure ``x`` (exactly, to the digit shown)."""
    kind = kind_of(cell)
    if kind == "int":
        return abs(float(cell) - x) < 1e-9  # type: ignore[arg-type]
    return cell == shown(x, kind)


def shown_change(d: float, kind: str) -> str:
    """A change on the cover: "+12", "−1.116", "+0,5", "+1,5 điểm %"; unsigned when what
    is shown is zero."""
    if kind == "pct":
        text = _decimal(abs(d) * 100)
        return ("" if text == "0,0" else "+" if d > 0 else "−") + text + " điểm %"
    if kind == "dec":
        text = _decimal(abs(d))
        return ("" if text == "0,0" else "+" if d > 0 else "−") + text
    n = round(abs(d))
    text = f"{n:,}".replace(",", ".")
    return ("" if n == 0 else "+" if d > 0 else "−") + text


def shown_relative(r: float) -> str:
    return shown_change(100 * r, "dec") + "%"


def pc_dependent_cells(path: Path, skip: tuple[str, ...] = ()) -> tuple[list[str], int]:
    """The number cells of a workbook whose format takes a decimal mark, a thousands mark
    or a percent sign from the PC's regional settings (quoted literals aside), and how
    many number cells were looked at; the hidden data sheet and ``skip`` are not shown
    to people and are left out."""
    from openpyxl import load_workbook

    from counter_app.reports import labels as L

    found, checked = [], 0
    for ws in load_workbook(path).worksheets:
        if ws.title == L.SHEET_DATA or ws.title in skip:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    codes = re.sub(r'"[^"]*"|\\.', "", cell.number_format)
                    if set(codes) & set(".,%"):
                        found.append(f"{ws.title}!{cell.coordinate} {cell.number_format}")
                    checked += 1
    return found, checked
