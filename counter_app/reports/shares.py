"""Tables of answers from the editable lists (lookups): how many sessions (or procedures)
gave each label, and their share. Every active label is shown, zeros included; retired or
unknown labels that occur follow; "not recorded" comes last. Help types and barriers are
multi-choice: their shares do not add up to 100 %.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.models import TriState
from counter_app.reports import labels as L
from counter_app.reports.records import LookupOrder, SessionRec
from counter_app.reports.table import (
    Table,
    count_col,
    label_col,
    no_col,
    numbered,
    ratio,
    share_col,
)

TRI_CODES = tuple(t.value for t in TriState)  # yes, no, unknown: the order of the sheet


def _ordered(counter: Counter, order: list[str], active: list[str]) -> list[str]:
    """Active values in their set order (zeros shown), then retired or unknown values that
    occur, then the empty label last."""
    keys = list(active)
    keys += [k for k in order if k not in keys and counter.get(k)]
    keys += sorted(k for k in counter if k not in keys and k)
    if counter.get(""):
        keys.append("")
    return keys


def ordered_labels(counter: Counter, lookups: LookupOrder, kind: str) -> list[str]:
    """The non-empty labels of ``kind`` in display order (detail sheet columns)."""
    return [k for k in _ordered(counter, lookups.labels(kind), lookups.active_labels(kind)) if k]


def top_counts(counter: Counter, n: int) -> list[tuple[str, int]]:
    """The ``n`` most frequent non-empty labels; ties in Vietnamese dictionary order."""
    ranked = sorted(
        ((k, v) for k, v in counter.items() if k), key=lambda kv: (-kv[1], vietnamese_key(kv[0]))
    )
    return ranked[:n]


def _share_table(
    key: str,
    title: str,
    first: str,
    counter: Counter,
    den: int,
    lookups: LookupOrder,
    kind: str,
    per_procedure: bool = False,
    note: str = "",
) -> Table:
    """Label, count, share of ``den`` for every value of a lookup ``kind``; counts are of
    sessions, or of procedures when ``per_procedure``."""
    rows = [
        [label or L.NOT_RECORDED, counter.get(label, 0), ratio(counter.get(label, 0), den)]
        for label in _ordered(counter, lookups.labels(kind), lookups.active_labels(kind))
    ]
    count = (
        count_col(L.COL_PROCEDURES, "procedures", 14, summed=False)
        if per_procedure
        else count_col(L.COL_SESSIONS, "sessions", 14, summed=False)
    )
    columns = [label_col(first, 42), count, share_col(12)]
    return Table(key, title, columns, rows, note)


def outcomes_table(sessions: list[SessionRec], lookups: LookupOrder, procedures: int) -> Table:
    counts = Counter(p.outcome for s in sessions for p in s.procedures)
    return _share_table(
        "outcomes",
        L.T_OUTCOMES,
        L.COL_OUTCOME,
        counts,
        procedures,
        lookups,
        "outcome",
        per_procedure=True,
    )


def help_counts(sessions: Iterable[SessionRec]) -> Counter:
    return Counter(h for s in sessions for h in s.help_types)


def barrier_counts(sessions: Iterable[SessionRec]) -> Counter:
    return Counter(b for s in sessions for p in s.procedures for b in p.barriers)


def help_types_table(helps: Counter, sessions: int, lookups: LookupOrder) -> Table:
    return _share_table(
        "help_types", L.T_HELP, L.COL_HELP, helps, sessions, lookups, "help_type", note=L.NOTE_MULTI
    )


def barriers_table(barriers: Counter, not_submitted: int, lookups: LookupOrder) -> Table:
    """Barriers ranked by how often they were met, each as a share of the procedures that
    were NOT submitted online (the ones a barrier explains); barriers of the list that
    nobody met follow with zero, so the reader sees they were asked about."""
    ranked = top_counts(barriers, len(barriers))
    seen = {label for label, _ in ranked}
    zeros = [label for label in lookups.active_labels("barrier") if label not in seen]
    rows = [[label, c, ratio(c, not_submitted)] for label, c in ranked]
    rows += [[label, 0, ratio(0, not_submitted)] for label in zeros]
    columns = [
        no_col(),
        label_col(L.COL_BARRIER, 42),
        count_col(L.COL_PROCEDURES, "procedures", 14, summed=False),
        share_col(16, L.COL_SHARE_NOT_SUBMITTED),
    ]
    return Table("barriers", L.T_BARRIERS, columns, numbered(rows), L.NOTE_BARRIERS)


# --- how, who, and what they said -------------------------------------------------------
def _session_share(
    key: str, title: str, first: str, sessions: list[SessionRec], attr: str, lookups: LookupOrder
) -> Table:
    """Share of sessions per label of the lookup kind that ``attr`` holds."""
    counts = Counter(getattr(s, attr) for s in sessions)
    return _share_table(key, title, first, counts, len(sessions), lookups, attr)


def channels_table(sessions: list[SessionRec], lookups: LookupOrder) -> Table:
    return _session_share("channels", L.T_CHANNELS, L.COL_CHANNEL, sessions, "channel", lookups)


def portals_table(sessions: list[SessionRec], lookups: LookupOrder) -> Table:
    return _session_share("portals", L.T_PORTALS, L.COL_PORTAL, sessions, "portal", lookups)


def self_reliance_table(sessions: list[SessionRec], lookups: LookupOrder) -> Table:
    return _session_share(
        "self_reliance", L.T_SELF_RELIANCE, L.COL_ANSWER, sessions, "self_reliance", lookups
    )


def satisfaction_table(sessions: list[SessionRec], lookups: LookupOrder) -> Table:
    return _session_share(
        "satisfaction", L.T_SATISFACTION, L.COL_ANSWER, sessions, "satisfaction", lookups
    )


def groups_table(sessions: list[SessionRec], lookups: LookupOrder) -> Table:
    """Applicant type, then yes/no/unknown for each citizen group question."""
    n = len(sessions)
    applicant = Counter(s.applicant_type for s in sessions)
    order = _ordered(
        applicant, lookups.labels("applicant_type"), lookups.active_labels("applicant_type")
    )
    rows = []
    for label in order:
        c = applicant.get(label, 0)
        rows.append([L.GROUP_APPLICANT, label or L.NOT_RECORDED, c, ratio(c, n)])
    for attr, name in L.TRI_GROUPS.items():
        answers = Counter(getattr(s, attr) for s in sessions)
        for code in TRI_CODES:
            c = answers.get(code, 0)
            rows.append([name, L.TRI_LABELS[code], c, ratio(c, n)])
    columns = [
        label_col(L.COL_GROUP, 28),
        label_col(L.COL_VALUE, 24),
        count_col(L.COL_SESSIONS, "sessions", 11, summed=False),
        share_col(11),
    ]
    return Table("groups", L.T_GROUPS, columns, rows)
