"""Export the catalogue to .xlsx in the portal's layout, so the file re-imports as is."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from counter_app.catalog.import_files import PORTAL_SHEET
from counter_app.i18n import tr
from counter_app.storage import fileops
from counter_app.storage.database import Store

HEADERS = (
    "Mã số",
    "Tên",
    "Cơ quan ban hành",
    "Cơ quan thực hiện",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Mức độ DVC trực tuyến",
    "Trạng thái",
)
WIDTHS = (16, 80, 22, 22, 28, 14, 16, 16)
HEADER_ROW = 6


def export_catalogue(store: Store, path: Path | str, include_retired: bool = True) -> int:
    """Write the catalogue to ``path``; returns the number of procedures written.

    Rows 1–4 are a merged title block, row 6 the header, like the portal's own
    "Xuất Excel". Text is always written as text (never as a formula).
    """
    from openpyxl import Workbook

    rows = _catalogue_rows(store, include_retired)
    wb = Workbook()
    ws = wb.active
    ws.title = PORTAL_SHEET
    _write_title(ws, len(rows))
    _write_header(ws)
    _write_rows(ws, rows)
    _lay_out(ws, len(rows))
    _save_replacing(wb, Path(path))
    return len(rows)


def _catalogue_rows(store: Store, include_retired: bool) -> list[tuple[Any, ...]]:
    """Procedures in code order (1.000110 before 1.001193 before 2.000986)."""
    where = "" if include_retired else "WHERE active = 1"
    rows = store.db.execute(
        f"SELECT full_code, code, name, field, level, online_level, active FROM procedure {where}"
    ).fetchall()
    rows.sort(key=lambda r: tuple(int(p) if p.isdigit() else 0 for p in r[1].split(".")))
    return rows


def _write_title(ws: Any, n: int) -> None:
    from openpyxl.styles import Alignment, Font

    title = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, 12),
        ("Độc lập - Tự do - Hạnh phúc", True, 12),
        ("DANH SÁCH THỦ TỤC HÀNH CHÍNH", True, 14),
        (
            tr("Exported on {day}: {n} procedures").format(
                day=date.today().strftime("%d/%m/%Y"), n=n
            ),
            False,
            11,
        ),
    ]
    for r, (text, bold, size) in enumerate(title, start=1):
        ws.cell(row=r, column=1, value=text).font = Font(
            name="Times New Roman", bold=bold, size=size
        )
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(HEADERS))


def _write_header(ws: Any) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(name="Times New Roman", bold=True)
    for c, heading in enumerate(HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=heading)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _write_rows(ws: Any, rows: list[tuple[Any, ...]]) -> None:
    from openpyxl.styles import Alignment

    active_label, retired_label = tr("In use"), tr("Retired")
    wrap = Alignment(vertical="top", wrap_text=True)
    for i, (full_code, code, name, field, level, online, active) in enumerate(rows):
        values = (
            full_code or code,
            name,
            "",
            "",
            field,
            level,
            online,
            active_label if active else retired_label,
        )
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=HEADER_ROW + 1 + i, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # user text, never a formula
            if c == 2:
                cell.alignment = wrap


def _lay_out(ws: Any, n: int) -> None:
    """Column widths, a frozen header with filters, and A4 landscape one page wide."""
    for c, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=HEADER_ROW, column=c).column_letter].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    ws.auto_filter.ref = (
        f"A{HEADER_ROW}:{ws.cell(row=HEADER_ROW, column=len(HEADERS)).column_letter}"
        f"{HEADER_ROW + n}"
    )
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _save_replacing(wb: Any, path: Path) -> None:
    # A fresh hidden temp name beside the target: a failed save (disk full, folder gone)
    # leaves neither a half-written file at ``path`` nor a stray "<name>.tmp".
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent, prefix=".~catalogue_")
    os.close(fd)
    try:
        wb.save(tmp)
        try:
            fileops.replace(Path(tmp), path)  # retried while a file is held for a moment
        except PermissionError as exc:
            # Windows refuses to replace a file Excel has open; say so in words
            raise PermissionError(
                exc.errno,
                tr(
                    "the file is open in another program (such as Excel) or is read-only; "
                    "close it and try again"
                ),
                str(path),
            ) from exc
    finally:
        try:
            os.unlink(tmp)
        except OSError:  # already moved into place (or held by a scanner on Windows)
            pass
