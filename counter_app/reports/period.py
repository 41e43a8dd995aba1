"""Report periods: ISO week (the default), month, quarter or a custom range of days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_WEEK_RE = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
_MONTH_RES = (
    re.compile(r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})\s*$"),
    re.compile(r"^\s*(?P<m>\d{1,2})[/-](?P<y>\d{4})\s*$"),
)
_QUARTER_RES = (
    re.compile(r"^\s*(?P<y>\d{4})-?Q(?P<q>[1-4])\s*$", re.IGNORECASE),
    re.compile(r"^\s*Q(?P<q>[1-4])[/-](?P<y>\d{4})\s*$", re.IGNORECASE),
)


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A closed range of days [start, end] and how it was chosen (for titles and names)."""

    kind: str  # "week" | "month" | "quarter" | "custom"
    start: date
    end: date

    # --- constructors -------------------------------------------------------------------
    @classmethod
    def iso_week(cls, year: int, week: int) -> Period:
        start = date.fromisocalendar(year, week, 1)
        return cls("week", start, start + timedelta(days=6))

    @classmethod
    def week_of(cls, day: date) -> Period:
        year, week, _ = day.isocalendar()
        return cls.iso_week(year, week)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls("month", date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in _ROMAN:
            raise ValueError(f"quarter must be 1..4, not {quarter}")
        first = 3 * (quarter - 1) + 1
        return cls("quarter", date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        if end < start:
            raise ValueError("end before start")
        return cls("custom", start, end)

    @classmethod
    def parse_week(cls, text: str) -> Period:
        """``2026-W47`` (also ``2026W47``); ValueError when malformed or out of range."""
        m = _WEEK_RE.match(text)
        if not m:
            raise ValueError(text)
        return cls.iso_week(int(m.group(1)), int(m.group(2)))

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """``2026-11`` (also ``11/2026``); ValueError when malformed or out of range."""
        for pattern in _MONTH_RES:
            m = pattern.match(text)
            if m:
                month = int(m.group("m"))
                if not 1 <= month <= 12:
                    break
                return cls.month(int(m.group("y")), month)
        raise ValueError(text)

    @classmethod
    def parse_quarter(cls, text: str) -> Period:
        """``2026-Q4`` (also ``2026Q4``, ``Q4/2026``); ValueError when malformed."""
        for pattern in _QUARTER_RES:
            m = pattern.match(text)
            if m:
                return cls.quarter(int(m.group("y")), int(m.group("q")))
        raise ValueError(text)

    # --- derived ------------------------------------------------------------------------
    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def year(self) -> int:
        return self.start.isocalendar()[0] if self.kind == "week" else self.start.year

    @property
    def week(self) -> int:
        return self.start.isocalendar()[1]

    def previous(self) -> Period:
        """The period of the same kind just before (same length for custom ranges)."""
        if self.kind == "week":
            return Period.week_of(self.start - timedelta(days=7))
        if self.kind == "month":
            prev = self.start - timedelta(days=1)
            return Period.month(prev.year, prev.month)
        if self.kind == "quarter":
            prev = self.start - timedelta(days=1)
            return Period.quarter(prev.year, (prev.month - 1) // 3 + 1)
        return Period(
            "custom", self.start - timedelta(days=self.days), self.start - timedelta(days=1)
        )

    @property
    def range_text(self) -> str:
        return f"từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def name(self) -> str:
        """Short Vietnamese name: "Tuần 47/2026", "Tháng 11/2026", "Quý IV/2026"."""
        if self.kind == "week":
            return f"Tuần {self.week}/{self.year}"
        if self.kind == "month":
            return f"Tháng {self.start.month:02d}/{self.start.year}"
        if self.kind == "quarter":
            return f"Quý {_ROMAN[self.quarter_number]}/{self.start.year}"
        return f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def label(self) -> str:
        """Title line: "Tuần 47/2026 (từ 16/11/2026 đến 22/11/2026)"."""
        if self.kind == "custom":
            return self.name
        return f"{self.name} ({self.range_text})"

    @property
    def in_text(self) -> str:
        """How a sentence names the period after "Trong": "tuần 47/2026 (từ … đến …)",
        "tháng 11/2026", "quý IV/2026", "thời gian từ 01/11/2026 đến 15/11/2026"."""
        if self.kind == "week":
            return self.label[0].lower() + self.label[1:]
        if self.kind in ("month", "quarter"):
            return self.name[0].lower() + self.name[1:]
        return "thời gian " + self.range_text

    @property
    def quarter_number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    def weeks(self) -> list[Period]:
        """The ISO weeks that touch the period, each cut to the period's days (a month
        starts and ends mid-week): the breakdown by week of a month or quarter."""
        out = []
        day = self.start
        while day <= self.end:
            week = Period.week_of(day)
            out.append(Period("week", max(week.start, self.start), min(week.end, self.end)))
            day = week.end + timedelta(days=1)
        return out

    @property
    def noun(self) -> str:
        """What "the previous one" is called in sentences: "tuần", "tháng", "quý", "kỳ"."""
        return {"week": "tuần", "month": "tháng", "quarter": "quý"}.get(self.kind, "kỳ")

    @property
    def file_tag(self) -> str:
        """ASCII tag for file names: Tuan47-2026, Thang11-2026, Quy4-2026, 20261101-20261115."""
        if self.kind == "week":
            return f"Tuan{self.week:02d}-{self.year}"
        if self.kind == "month":
            return f"Thang{self.start.month:02d}-{self.start.year}"
        if self.kind == "quarter":
            return f"Quy{self.quarter_number}-{self.start.year}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def to_text(self) -> str:
        """Round-trippable form stored in the data sheet."""
        return f"{self.kind}:{self.start.isoformat()}:{self.end.isoformat()}"

    @classmethod
    def from_text(cls, text: str) -> Period:
        kind, start, end = text.split(":")
        if kind not in ("week", "month", "quarter", "custom"):
            raise ValueError(text)
        return cls(kind, date.fromisoformat(start), date.fromisoformat(end))


def last_full_week(today: date | None = None) -> Period:
    """The most recent Monday–Sunday week that has ended (what Friday reports cover is
    the week before; on a Sunday the week is not over yet)."""
    today = today or date.today()
    return Period.week_of(today - timedelta(days=today.isoweekday()))
