"""Many offices' (or counters') report files → one workbook of the same layout.

Each file's machine-readable data sheet is read and validated; sessions are merged by
UUID, so the same file given twice, or files whose periods overlap, count each session
once. The newer copy of a session edited between two exports wins (format 2 files carry
each session's update time), and a session voided at its office (a tombstone in a later
file) stops counting. Files of different periods are refused unless asked for
(``mixed_periods``); every file's office, period and export time is in the result. Any
unusable file stops the whole job with a message naming it; nothing partial is written
(``xlsx.workbook`` goes through a temporary file, then ``xlsx.publish``).

The cover is headed by who consolidates (``office``: the app's own office, or the one
given on the command line), never by whichever file came first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from counter_app.i18n import tr
from counter_app.reports import labels as L
from counter_app.reports.aggregate import Totals, build_report
from counter_app.reports.datasheet import DataFile, DataSheetError
from counter_app.reports.datasheet_reader import read_data_file
from counter_app.reports.period import Period
from counter_app.reports.records import LookupOrder, OfficeInfo, SessionRec
from counter_app.reports.xlsx.publish import consolidated_name
from counter_app.reports.xlsx.workbook import Progress
from counter_app.services.report_document import DocumentSettings


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
    if error.kind == "invalid":
        where = (
            tr("row {row} of the hidden data sheet").format(row=error.row)
            if error.row
            else tr("the hidden data sheet")
        )
        return tr("the file is damaged or was edited by hand ({where}: {reason})").format(
            where=where, reason=error.detail
        )
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
class Source:
    """One file given: whose it is, which period, when it was exported."""

    path: Path
    office: OfficeInfo
    period: Period
    generated_at: datetime | None
    sessions: int
    version: int

    def line(self) -> str:
        when = self.generated_at.strftime("%H:%M %d/%m/%Y") if self.generated_at else "?"
        who = self.office.name or self.office.code or tr("(office not named)")
        return tr("{name}: {office}, {period}, exported at {when}").format(
            name=Path(self.path).name, office=who, period=self.period.label, when=when
        )


def sources(data: list[DataFile]) -> list[Source]:
    return [
        Source(d.path, d.office, d.period, d.generated_at, len(d.sessions), d.version) for d in data
    ]


@dataclass
class ConsolidationResult:
    path: Path
    files: int
    sessions: int
    duplicates: int
    offices: list[OfficeInfo] = field(default_factory=list)
    period: Period | None = None
    sources: list[Source] = field(default_factory=list)
    replaced: int = 0  # older copies of edited sessions, superseded by the newer one
    voided: int = 0  # sessions dropped because a later file says they were voided
    outputs: dict[str, Path] = field(default_factory=dict)  # "docx"/"xlsx" → path


class MixedPeriodsError(ConsolidationError):
    """Files of different periods: refused unless the user asks for it explicitly."""

    def __init__(self, found: list[Source]):
        self.sources = found
        periods = sorted({s.period for s in found}, key=lambda p: (p.start, p.end))
        message = tr(
            "The files cover different periods ({periods}); nothing was consolidated. "
            "Give files of one period, or confirm that the periods are to be merged."
        ).format(periods="; ".join(p.label for p in periods))
        Exception.__init__(self, "\n".join([message, *("- " + s.line() for s in found)]))
        self.problems = [(s.path, s.period.label) for s in found]


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


@dataclass
class Merged:
    sessions: list[SessionRec]
    duplicates: int = 0
    replaced: int = 0
    voided: int = 0


def merge_files(data: list[DataFile]) -> Merged:
    """Sessions of all files, each UUID once, oldest first; the newest copy wins.

    Copies of one session are told apart by their update time (format 2): the newer one
    wins. The same UUID with different content and the same (or no) update time means
    which copy is right cannot be told from the files, so nothing is merged and both
    files are named (the user keeps only the newer one). A tombstone (a void) at least as
    new as the newest copy drops the session."""
    seen: dict[str, tuple[SessionRec, DataFile]] = {}
    duplicates = replaced = 0
    conflicts: dict[tuple[Path, Path], int] = {}
    tombs: dict[str, str] = {}
    for d in data:
        for t in d.tombstones:
            if t.updated_at >= tombs.get(t.uuid, ""):
                tombs[t.uuid] = t.updated_at
        for s in d.sessions:
            first = seen.get(s.uuid)
            if first is None:
                seen[s.uuid] = (s, d)
                continue
            duplicates += 1
            if _content(first[0]) == _content(s):
                continue
            if s.updated_at != first[0].updated_at and (s.updated_at and first[0].updated_at):
                replaced += 1
                if s.updated_at > first[0].updated_at:
                    seen[s.uuid] = (s, d)
                continue
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
    voided = 0
    kept = []
    for s, _ in seen.values():
        tomb = tombs.get(s.uuid)
        if tomb is not None and tomb >= s.updated_at:
            voided += 1
            continue
        kept.append(s)
    kept.sort(key=lambda s: (s.started_at, s.uuid))
    return Merged(kept, duplicates, replaced, voided)


def check_periods(data: list[DataFile], mixed_periods: bool) -> None:
    if not mixed_periods and len({d.period for d in data}) > 1:
        raise MixedPeriodsError(sources(data))


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
    mixed_periods: bool = False,
    document: DocumentSettings | None = None,
    formats: Sequence[str] = ("xlsx",),
) -> ConsolidationResult:
    """Read, validate, merge and write; ``office`` is who consolidates (the cover's
    header: the app's own office). Files of different periods are refused unless
    ``mixed_periods``. ``formats`` may add the Word report ("docx") beside the workbook."""
    from counter_app import paths

    data = read_all(files, progress)
    check_periods(data, mixed_periods)
    merged = merge_files(data)
    sessions, duplicates = merged.sessions, merged.duplicates
    period = common_period(data)
    offices: dict[str, OfficeInfo] = {}
    for d in data:
        if not d.consolidated:
            offices.setdefault(d.office.code, d.office)
    for d in data:
        for s in d.sessions:
            offices.setdefault(s.office_code, OfficeInfo(s.office_code, s.office_name))
    header = office or OfficeInfo("", "")
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
    if document is not None:
        report.document = document
    report.with_annex = "xlsx" in formats
    if out is None:
        out = paths.exports_dir() / consolidated_name(period)
    base = Path(out)

    def scaled(fraction: float, message: str) -> None:
        if progress:
            progress(0.3 + 0.7 * fraction, message)

    from counter_app.reports.export import write_files

    written = write_files(report, sessions, base, formats, progress=scaled if progress else None)
    target = written.get("xlsx") or written["docx"]
    result = ConsolidationResult(
        target,
        len(data),
        len(sessions),
        duplicates,
        list(offices.values()),
        period,
        sources(data),
        merged.replaced,
        merged.voided,
    )
    result.outputs = written
    return result
