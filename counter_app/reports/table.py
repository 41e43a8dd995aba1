"""A breakdown table as the aggregation hands it to the writer: titled columns that know
their role (a count, the success rate…), and rows of plain values (None: not defined)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from counter_app.reports import labels as L

ColumnRole = Literal[
    "label",
    "sessions",
    "procedures",
    "submitted",
    "not_submitted",
    "referred",
    "rate",
    "share",
    "avg_minutes",
]


@dataclass
class Column:
    """One column of a breakdown table. Its ``role`` says what it holds, so the writer
    totals a table from roles alone, never by recognising header text."""

    header: str
    kind: str = "text"  # text | int | pct | dec | date
    width: float = 12
    role: ColumnRole = "label"
    summed: bool = False  # added up in the table's total row
    rate_of: tuple[ColumnRole, ColumnRole] | None = None  # (numerator, denominator) roles


@dataclass
class Table:
    """A titled breakdown, ready to render: rows of plain values, None for "not defined"."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""

    @property
    def has_total(self) -> bool:
        """A total row is written when some column adds up (counts do; shares do not)."""
        return any(c.summed for c in self.columns)

    def column_of(self, role: ColumnRole) -> int:
        """Index of the first column holding ``role``."""
        return next(i for i, c in enumerate(self.columns) if c.role == role)

    def column_sum(self, index: int) -> int:
        return sum(r[index] or 0 for r in self.rows)


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def label_col(header: str, width: float, kind: str = "text") -> Column:
    return Column(header, kind, width)


def count_col(header: str, role: ColumnRole, width: float, summed: bool = True) -> Column:
    return Column(header, "int", width, role, summed)


def rate_col(width: float) -> Column:
    """Procedures submitted / procedures guided; the total row recomputes it from sums."""
    return Column(L.COL_RATE, "pct", width, "rate", rate_of=("submitted", "procedures"))


def share_col(width: float) -> Column:
    return Column(L.COL_SHARE, "pct", width, "share")
