"""Numbers, changes and dates written the Vietnamese way (1.116; 64,1%; 05/02/2026) by
the code itself, never through the PC's regional settings: the Word report, the
sentences and the screens read the same on an English Windows."""

from __future__ import annotations

from datetime import date

from counter_app.domain.text import place_only
from counter_app.reports.aggregate import KeyFigure


def vn_int(n: float) -> str:
    """1234567 → "1.234.567" (Vietnamese thousands separator)."""
    text = f"{abs(int(round(n))):,}".replace(",", ".")
    return ("−" if n < 0 and int(round(n)) else "") + text


def vn_dec(x: float, places: int = 1) -> str:
    """12.5 → "12,5"; 1234.5 → "1.234,5"; −0.5 → "−0,5" (the minus sign, as ``vn_int``)."""
    text = f"{abs(x):,.{places}f}"
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return ("−" if x < 0 and text.strip("0,.") else "") + text


def vn_pct(x: float | None, places: int = 1) -> str:
    return "—" if x is None else vn_dec(100 * x, places) + "%"


def short_name(text: str, limit: int = 90) -> str:
    """A procedure name cut at a word before ``limit`` characters, with "…": some names
    run to 250 characters and would fill a paragraph of the report."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"


def figure_text(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return vn_pct(value)
    if kind == "dec":
        return vn_dec(value)
    if kind == "change":
        return signed_pct(value)
    return vn_int(value)


def signed_text(d: float, kind: str) -> str:
    """A change as shown: "+12", "−1.116", "+0,5", "+1,5 điểm %" (``kind`` "pct": a change
    of a rate, in percentage points); no sign when what is shown is zero, so a change of
    −0,04 minutes reads "0,0", never "−0,0"."""
    size = abs(d) * 100 if kind == "pct" else abs(d)
    shown = round(size, 0 if kind == "int" else 1)
    sign = "" if shown == 0 else "+" if d > 0 else "−"
    if kind == "pct":
        return sign + vn_dec(size) + " điểm %"
    return sign + (vn_dec(size) if kind == "dec" else vn_int(size))


def signed_pct(r: float) -> str:
    """A relative change: "+8,5%", "−12,0%", "0,0%" (no sign when it shows as zero)."""
    return signed_text(100 * r, "dec") + "%"


def change_text(kf: KeyFigure) -> str:
    """+12 (+8,5%) for counts, +1,5 điểm % for rates, "—" without a previous value."""
    if kf.delta is None:
        return "—"
    text = signed_text(kf.delta, kf.kind)
    if kf.kind != "pct" and kf.relative is not None:
        text += f" ({signed_pct(kf.relative)})"
    return text


def date_words(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2026": Decree 30 zero-pads days below 10 and the months 1
    and 2 only."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, day: date) -> str:
    """ "Đồng Tháp, ngày 05 tháng 02 năm 2026"; a province's "Tỉnh" is dropped."""
    where = place_only(place)
    when = date_words(day)
    return f"{where}, {when}" if where else when.capitalize()
