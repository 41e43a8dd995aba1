"""Key figures as display text for the Reports screen preview."""

from __future__ import annotations

from counter_app.reports.aggregate import key_figures
from counter_app.reports.period import Period
from counter_app.reports.sentences import vn_dec, vn_int, vn_pct
from counter_app.reports.source import load_totals


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return vn_pct(value)
    if kind == "dec":
        return vn_dec(value)
    return vn_int(value)


def _delta(kf) -> str:
    d = kf.delta
    if d is None:
        return "—"
    if kf.kind == "pct":
        return ("+" if d > 0 else "−" if d < 0 else "") + vn_dec(abs(d) * 100) + " điểm %"
    sign = "+" if d > 0 else "−" if d < 0 else ""
    text = sign + (vn_dec(abs(d)) if kf.kind == "dec" else vn_int(abs(d)))
    if kf.relative is not None:
        text += f" ({sign}{vn_pct(abs(kf.relative))})"
    return text


def key_figure_rows(store, period: Period) -> list[tuple[str, str, str, str]]:
    """[(label, this period, previous period, change)] for the preview."""
    prev = period.previous()
    figures = key_figures(
        load_totals(store, period.start, period.end), load_totals(store, prev.start, prev.end)
    )
    rows = []
    for kf in figures:
        indent = "    " if kf.label.startswith(" ") else ""
        rows.append(
            (
                indent + kf.label.strip(),
                _fmt(kf.current, kf.kind),
                _fmt(kf.previous, kf.kind),
                _delta(kf),
            )
        )
    return rows
