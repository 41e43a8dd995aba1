"""The weekly report engine (docs/PRODUCT.md §5): which days, the figures, the
workbook, consolidation. No screen and no command line here (``presenters.reports``, the CLI).

Layout: ``period`` (which days), ``source`` (the only SQL: sessions of a range as plain
records), ``aggregate`` (totals, key figures, the Report) with ``breakdowns`` and
``shares`` (one function per breakdown table), ``sentences`` (Vietnamese prose),
``vn`` (numbers and dates in Vietnamese), ``xlsx/`` (the workbook: cells, cover,
tables, charts, detail, publish, workbook), ``docx/`` (the Word report in the Decree 30
form), ``datasheet`` (the machine-readable sheet, format 2), ``export`` (store → files,
the one export path), ``consolidate`` (many files → one) and ``glance`` (the week at a
glance of the Reports screen).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from counter_app.reports.period import Period, last_full_week

if TYPE_CHECKING:
    from counter_app.storage.database import Store

__all__ = ["Period", "export_report", "last_full_week"]


def export_report(
    store: Store,
    period: Period,
    out: Path | None = None,
    *,
    progress: Callable[[float, str], None] | None = None,
) -> Path:
    """``reports.export.export_report``, imported only when a report is written (the
    workbook modules pull in openpyxl)."""
    from counter_app.reports.export import export_report as _export

    return _export(store, period, out, progress=progress)
