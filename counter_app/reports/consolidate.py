"""Many offices' (or counters') report files → one workbook of the same layout.

Each file's machine-readable data sheet is read and validated; sessions are merged by
UUID, so the same file given twice, or files whose periods overlap, count each session
once. Any unusable file stops the whole job with a message naming it; nothing partial
is written (``xlsx.workbook`` goes through a temporary file, then ``xlsx.publish``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.i18n import tr
from counter_app.reports import labels as L
from counter_app.reports.aggregate import Totals, build_report
from counter_app.reports.datasheet import DataFile, DataSheetError
from counter_app.reports.datasheet_reader import read_data_file
from counter_app.reports.period import Period
from counter_app.reports.records import LookupOrder, OfficeInfo, SessionRec
from counter_app.reports.xlsx.publish import consolidated_name, unique_path
from counter_app.reports.xlsx.workbook import Progress, write_workbook


class ConsolidationError(Exception):
    """Files that cannot be consolidated; ``str()`` is a Vietnamese message naming them."""

    def __init__(self, problems: list[tuple[Path, str]]):
        self.problems = problems
        lines = [
            tr("Nothing was consolidated and no file was written. These files cannot be used:")
        ]
        for path, reason in problems:
            lines.append(f"- {Path(path).name}: {reason}")
        super().__init__("\n".join(lines))


def reason_text(error: DataSheetError) -> str:
    if error.kind == "newer":
        return tr(
            "made by a newer version of the app (format {version}); update the app "
            "to consolidate it"
        ).format(version=error.detail)
    if error.kind == "corrupt":
        return tr("the file is damaged or incomplete (perhaps copied only in part)")
    if error.kind == "too_large":
        return tr("the file is far too large, or packed abnormally, to be a weekly report")
    if error.kind == "truncated":
        return tr("the data inside the file is incomplete")
    return tr("not a weekly report made by this app")


@dataclass
class ConsolidationResult:
    path: Path
    files: int
    sessions: int
    duplicates: int
    offices: list[OfficeInfo] = field(default_factory=list)
    period: Period | None = None


def read_all(files: Sequence[Path], progress: Progress | None = None) -> list[DataFile]:
    """Read every file; raise ConsolidationError listing all unusable ones."""
    loaded, problems = [], []
    for i, f in enumerate(files):
        f = Path(f)
        try:
            if not f.is_file():  # a mistyped name is not "a file of another program"
                raise FileNotFoundError(2, tr("file not found"))
            loaded.append(read_data_file(f, L.SHEET_DATA))
        except DataSheetError as exc:
            problems.append((f, reason_text(exc)))
        except OSError as exc:
            problems.append((f, tr("cannot be opened ({error})").format(error=exc.strerror or exc)))
        if progress:
            progress(0.3 * (i + 1) / max(len(files), 1), "read")
    if not files:
        raise ConsolidationError([(Path("-"), tr("no file was chosen"))])
    if problems:
        raise ConsolidationError(problems)
    return loaded


def _content(s: SessionRec) -> tuple:
    """What a session says, for telling a true duplicate from an edited copy. Procedure
    names and fields are left out: they come from each file's catalogue, which may have
    been updated between two exports without the session changing."""
    return (
        s.office_code,
        s.started_at,
        s.minutes,
        s.officer,
        s.counter,
        s.channel,
        s.portal,
        s.applicant_code,
        s.applicant_type,
        s.elderly,
        s.ethnic_minority,
        s.disability,
        s.self_reliance,
        s.satisfaction,
        s.help_types,
        s.note,
        tuple(
            (p.code, p.outcome_code, p.outcome, p.barriers, p.dossier_code) for p in s.procedures
        ),
    )


def merge(data: list[DataFile]) -> tuple[list[SessionRec], int]:
    """Sessions of all files, each UUID once, oldest first.

    The same UUID with different content means a session was edited between two exports:
    which copy is right cannot be told from the files, so nothing is merged and both files
    are named (the user keeps only the newer one)."""
    seen: dict[str, tuple[SessionRec, DataFile]] = {}
    duplicates = 0
    conflicts: dict[tuple[Path, Path], int] = {}
    for d in data:
        for s in d.sessions:
            first = seen.get(s.uuid)
            if first is None:
                seen[s.uuid] = (s, d)
                continue
            duplicates += 1
            if _content(first[0]) != _content(s):
                pair = (Path(first[1].path), Path(d.path))
                conflicts[pair] = conflicts.get(pair, 0) + 1
    if conflicts:
        raise ConsolidationError(
            [
                (
                    later,
                    tr(
                        "{n} sessions in it differ from the same sessions in {other} (edited "
                        "between the two exports); give only the newer of the two files"
                    ).format(n=n, other=earlier.name),
                )
                for (earlier, later), n in conflicts.items()
            ]
        )
    merged = sorted((s for s, _ in seen.values()), key=lambda s: (s.started_at, s.uuid))
    return merged, duplicates


def common_period(data: list[DataFile]) -> Period:
    periods = {d.period for d in data}
    if len(periods) == 1:
        return periods.pop()
    return Period.custom(min(p.start for p in periods), max(p.end for p in periods))


def previous_totals(data: list[DataFile], period: Period) -> Totals | None:
    """Sum of each source's previous-period totals, when every file covers ``period``.

    One office may send several files: the same file twice (or a re-export) shares its
    sessions and counts once, while the files of the office's several counter PCs hold
    different sessions and each adds its own previous period."""
    if any(d.period != period or d.prev_totals is None for d in data):
        return None
    sources: list[tuple[str, set[str], Totals]] = []
    for d in data:
        if d.consolidated or d.prev_totals is None:
            return None
        uuids = {s.uuid for s in d.sessions}
        same = next(
            (
                src
                for src in sources
                if src[0] == d.office.code and (src[1] & uuids or src[1] == uuids)
            ),
            None,
        )
        if same is None:
            sources.append((d.office.code, uuids, d.prev_totals))
        else:
            same[1].update(uuids)
    total = Totals()
    for _, _, t in sources:
        total = total + t
    return total


def consolidate(
    files: Sequence[Path],
    out: Path | None = None,
    *,
    office: OfficeInfo | None = None,
    progress: Progress | None = None,
) -> ConsolidationResult:
    """Read, validate, merge and write; ``office`` is who consolidates (cover header)."""
    from counter_app import paths

    data = read_all(files, progress)
    sessions, duplicates = merge(data)
    period = common_period(data)
    offices: dict[str, OfficeInfo] = {}
    for d in data:
        if not d.consolidated:
            offices.setdefault(d.office.code, d.office)
    for d in data:
        for s in d.sessions:
            offices.setdefault(s.office_code, OfficeInfo(s.office_code, s.office_name))
    first = data[0].office
    header = office or OfficeInfo("", first.parent_body, first.province, "")
    lookups = LookupOrder.from_records([r for d in data for r in d.lookups])
    report = build_report(
        sessions,
        lookups,
        period,
        header,
        previous_totals(data, period),
        consolidated=True,
        offices=list(offices.values()),
    )
    if out is None:
        out = paths.exports_dir() / consolidated_name(period)
    target = unique_path(Path(out))

    def scaled(fraction: float, message: str) -> None:
        if progress:
            progress(0.3 + 0.7 * fraction, message)

    target = write_workbook(report, sessions, target, scaled if progress else None)
    return ConsolidationResult(
        target, len(data), len(sessions), duplicates, list(offices.values()), period
    )
