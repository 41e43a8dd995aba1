"""The weekly report as a Word document in the Decree 30/2020 form (python-docx): what it
says (``content``, plain text) and how it is laid out (``writer``). The workbook is its
annex (phụ lục)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from counter_app.reports.aggregate import Report
from counter_app.reports.records import SessionRec
from counter_app.reports.xlsx.publish import publish, temp_files


def write_document(
    report: Report, sessions: list[SessionRec], out: Path, content: Any = None
) -> Path:
    """Write the Word report to ``out`` (or ``out (2)``… when that name was taken
    meanwhile) through a temporary file, and return where it went. ``content``: what
    it says, when it is more than the office report's (the province's sections)."""
    from counter_app.reports.docx.content import build_content
    from counter_app.reports.docx.writer import write

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        content = build_content(report, sessions)
    with temp_files(out.parent, ".~report_", suffix=".docx") as (tmp,):
        write(content, tmp)
        return publish(tmp, out)
