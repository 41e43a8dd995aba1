"""The weekly report (DESIGN.md §5): aggregation, the Excel writer, consolidation.

Layout: ``period`` (which days), ``source`` (the only SQL: sessions of a range as plain
records), ``aggregate`` (pure figures), ``sentences`` (Vietnamese prose), ``writer`` and
``datasheet`` (openpyxl + the machine-readable sheet), ``consolidate`` (many files → one).
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
    """Write the report of ``period`` as .xlsx and return its path.

    Default place: ``paths.exports_dir()/BaoCao_Tuan47-2026_<office-code>.xlsx``; an
    existing file is never overwritten: " (2)", " (3)"… are added. ``progress(fraction,
    message)`` is called from the calling thread.
    """
    from counter_app.reports.writer import export_report as _export

    return _export(store, period, out, progress=progress)
