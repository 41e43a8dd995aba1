"""A breakdown table as the aggregation hands it to the writer: titled columns that know
their role (a count, the success rate…), and rows of plain values (None: not defined)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from counter_app.reports import labels as L

ColumnRole = Literal[
    "no",
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
    kind: str = "text"  # text | int | pct | dec | change (a relative change) | date
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

    def column_of_header(self, header: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.header == header)

    def column_sum(self, index: int) -> int:
        return sum(r[index] or 0 for r in self.rows)

    @property
    def label_index(self) -> int:
        """The column a total row's label goes in (after the STT column, if any)."""
        return 1 if self.columns and self.columns[0].role == "no" else 0

    def without_empty_columns(self) -> Table:
        """The table without the text columns that are empty on every row (a catalogue
        without online levels prints no empty "Mức độ DVC" column). The first label
        column always stays; a table without rows keeps its layout."""
        if not self.rows:
            return self
        first = self.label_index
        keep = [
            i
            for i, col in enumerate(self.columns)
            if i <= first or col.kind != "text" or any(r[i] not in (None, "") for r in self.rows)
        ]
        if len(keep) == len(self.columns):
            return self
        return Table(
            self.key,
            self.title,
            [self.columns[i] for i in keep],
            [[r[i] for i in keep] for r in self.rows],
            self.note,
        )


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def label_col(header: str, width: float, kind: str = "text") -> Column:
    return Column(header, kind, width)


def count_col(header: str, role: ColumnRole, width: float, summed: bool = True) -> Column:
    return Column(header, "int", width, role, summed)


def rate_col(width: float) -> Column:
    """Procedures submitted / procedures guided; the total row recomputes it from sums."""
    return Column(L.COL_RATE, "pct", width, "rate", rate_of=("submitted", "procedures"))


def share_col(width: float, header: str = L.COL_SHARE) -> Column:
    return Column(header, "pct", width, "share")


def no_col() -> Column:
    """The STT column of a long, ranked table: 1, 2, 3… in the printed order."""
    return Column(L.COL_NO, "int", 6, "no")


def numbered(rows: list[list]) -> list[list]:
    return [[i, *row] for i, row in enumerate(rows, start=1)]
