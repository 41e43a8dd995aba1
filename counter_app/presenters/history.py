"""History: filter, page (in SQL), open to edit, void with a reason, the audit trail,
and the end-of-day check."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from counter_app.catalog.procedures import ProcedureService
from counter_app.domain.models import LookupKind, SessionFilter, SessionRow, TriState
from counter_app.domain.text import short_procedure_name
from counter_app.domain.validation import ValidationError
from counter_app.i18n import tr
from counter_app.presenters.base import AppLike, signed_in_id
from counter_app.presenters.session_state import short
from counter_app.services.audit import HIDDEN_FIELDS, changed_fields, field_labels
from counter_app.services.batches import ACTION as BATCH_ACTION
from counter_app.services.batches import BatchService
from counter_app.services.endofday import Flagged, check_day
from counter_app.services.lookups import LookupService
from counter_app.services.offices import OfficeService
from counter_app.services.sessions import SessionService
from counter_app.storage.database import Store
from counter_app.storage.errors import StorageError

log = logging.getLogger(__name__)
PAGE_SIZE = 50
NAME_CHARS = 30  # a procedure's name beside its code in the table, shortened


@dataclass
class HistoryFilter:
    date_from: date | None = None
    date_to: date | None = None  # inclusive, as the user sees it
    officer_id: int | None = None
    procedure_code: str = ""
    outcome_id: int | None = None
    text: str = ""
    include_voided: bool = False

    def to_session_filter(self) -> SessionFilter:
        return SessionFilter(
            date_from=datetime.combine(self.date_from, datetime.min.time())
            if self.date_from
            else None,
            date_to=datetime.combine(self.date_to + timedelta(days=1), datetime.min.time())
            if self.date_to
            else None,
            officer_id=self.officer_id or None,
            procedure_code=self.procedure_code.strip() or None,
            outcome_id=self.outcome_id or None,
            text=self.text,
            include_voided=self.include_voided,
        )


@dataclass
class PageInfo:
    page: int  # 1-based
    pages: int | None  # None while the count is still running
    total: int | None


@dataclass
class HistoryChoices:
    officers: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)


class HistoryView(Protocol):
    def set_choices(self, choices: HistoryChoices) -> None: ...
    def show_rows(self, rows: list[SessionRow]) -> None: ...
    def show_page(self, info: PageInfo) -> None: ...
    def show_flagged(self, flagged: list[Flagged]) -> None: ...
    def show_audit(self, title: str, lines: list[str]) -> None: ...
    def show_batch(self, title: str, rows: list[SessionRow]) -> None: ...


class HistoryPresenter:
    """Pages come straight from SQL (LIMIT/OFFSET on the started_at index); the total,
    which needs a scan of the filtered rows, is counted on the app's worker with a reader
    of its own, so the first page shows before the count is known. A newer filter's
    count supersedes an older one still running."""

    def __init__(
        self,
        view: HistoryView,
        app: AppLike,
        clock: Callable[[], datetime] | None = None,
        page_size: int = PAGE_SIZE,
    ):
        self.view = view
        self.app = app
        self.clock = clock or app.clock
        self.sessions = SessionService(app.store, clock=self.clock)
        self.page_size = page_size
        self.filter = HistoryFilter()
        self.page = 0
        self.total: int | None = 0
        self.rows: list[SessionRow] = []
        self._count_token = 0
        self._page_token = 0
        self._running: dict[str, Store] = {}  # the reader of the page/count job under way
        self._end_of_day_officer: int | None = None

    def start(self) -> None:
        self.view.set_choices(
            HistoryChoices(
                officers=OfficeService(self.app.store).officers(include_retired=True),
                outcomes=LookupService(self.app.store).values(LookupKind.OUTCOME),
            )
        )
        self.apply_filter(HistoryFilter())

    def apply_filter(self, flt: HistoryFilter) -> None:
        self.filter = flt
        self.page = 0
        self.total = None
        self.load_page()
        self._recount()

    def _recount(self) -> None:
        self._count_token += 1
        token = self._count_token
        flt = self.filter.to_session_filter()

        def done(total: int | None, error: BaseException | None) -> None:
            if error is not None:
                log.error("history count failed: %s", error)
            self._counted(token, None if error is not None else total)

        self._submit("history-count", lambda sessions: sessions.count(flt), done)

    def _submit(self, key: str, query: Callable[[SessionService], Any], done: Any) -> None:
        """Run ``query`` on the job runner with a reader of its own. A newer request of the
        same kind wins: the older one's result is dropped and its SQL interrupted (a count
        of a million rows must not go on after the officer changed the filter)."""
        previous = self._running.pop(key, None)
        if previous is not None:
            try:
                previous.conn.interrupt()
            except Exception:  # already finished and closed
                pass
        reader = self.app.store.reader()
        self._running[key] = reader

        def job() -> Any:
            try:
                return query(SessionService(reader, clock=self.clock))
            finally:
                reader.close()

        def finished(result: Any, error: BaseException | None) -> None:
            if self._running.get(key) is reader:
                del self._running[key]
            done(result, error)

        self.app.run_in_background(job, finished, key=key)

    def _counted(self, token: int, total: int | None) -> None:
        if token != self._count_token or total is None:
            return  # a newer filter was applied meanwhile, or the count failed
        self.total = total
        pages = max(1, math.ceil(total / self.page_size))
        if self.page >= pages:
            self.page = pages - 1
            self.load_page()
        else:
            self.view.show_page(self.page_info())

    def pages(self) -> int | None:
        if self.total is None:
            return None
        return max(1, math.ceil(self.total / self.page_size))

    def page_info(self) -> PageInfo:
        return PageInfo(self.page + 1, self.pages(), self.total)

    def load_page(self) -> None:
        """The current page, read on the job runner; shown when it arrives (a newer
        page request wins over one still running)."""
        flt = self.filter.to_session_filter()
        offset, total, size = self.page * self.page_size, self.total, self.page_size
        self._page_token += 1
        token = self._page_token

        def query(sessions: SessionService) -> list[SessionRow]:
            if total is not None and offset > total // 2:
                # Back half: read from the oldest end, a short skip instead of a long one.
                from_end = total - offset - size
                limit = size + min(0, from_end)
                rows = sessions.list(
                    flt, limit=max(0, limit), offset=max(0, from_end), oldest_first=True
                )
                return list(reversed(rows))
            return sessions.list(flt, limit=size, offset=offset)

        def done(rows: list[SessionRow] | None, error: BaseException | None) -> None:
            if token != self._page_token:
                return
            if error is not None or rows is None:
                log.error("history page failed: %s", error)
                self.app.show_error(
                    str(error)
                    if isinstance(error, StorageError)
                    else tr("The history could not be read; try again.")
                )
                return
            self.rows = self.readable_rows(rows)  # two short indexed reads
            self.view.show_rows(self.rows)
            self.view.show_page(self.page_info())

        self._submit("history-page", query, done)

    def readable_rows(self, rows: list[SessionRow]) -> list[SessionRow]:
        """Each code with its (short) name, and a session entered in a batch marked so:
        two queries per page, whatever the page."""
        codes = sorted({c for r in rows for c in _codes(r.procedures)})
        names = ProcedureService(self.app.store).names(codes)
        batches = BatchService(self.app.store).membership([r.uuid for r in rows])
        out = []
        for r in rows:
            labelled = _labelled(r.procedures, names)
            note = r.note
            if r.uuid in batches:
                note = tr("[entered with {n}]").format(n=batches[r.uuid][1]) + " " + note
            out.append(dataclass_replace(r, procedures=labelled, note=note.strip()))
        return out

    def next_page(self) -> None:
        pages = self.pages()
        if (pages is None and len(self.rows) == self.page_size) or (
            pages is not None and self.page + 1 < pages
        ):
            self.page += 1
            self.load_page()

    def prev_page(self) -> None:
        if self.page > 0:
            self.page -= 1
            self.load_page()

    def first_page(self) -> None:
        self.page = 0
        self.load_page()

    def last_page(self) -> None:
        pages = self.pages()
        if pages is not None:
            self.page = pages - 1
            self.load_page()

    def refresh(self) -> None:
        """After a save elsewhere: reload this page and recount."""
        self.load_page()
        self._recount()

    def open(self, session_uuid: str) -> None:
        self.app.edit_session(session_uuid)

    def describe(self, session_uuid: str) -> str:
        """A session as an officer recognises it: "08:30 26/11/2026 · Đăng ký khai sinh"."""
        s = self.sessions.get(session_uuid)
        codes = [p.procedure_code for p in s.procedures]
        names = ProcedureService(self.app.store).names(codes)
        what = "; ".join(short(short_procedure_name(names.get(c, c)), 48) for c in codes) or "—"
        return f"{s.started_at.strftime('%H:%M %d/%m/%Y')} · {what}"

    def void(self, session_uuid: str) -> bool:
        """Del: void one session; the question says which one (and, for a session of a
        batch, that the others stay)."""
        prompt = tr("Void the session of {session}? Why? (required)").format(
            session=self.describe(session_uuid)
        )
        batch = BatchService(self.app.store).of_session(session_uuid)
        if batch is not None and batch.active > 1:
            prompt += "\n" + tr(
                "It was entered with {n} alike sessions; the others stay. To void them all, "
                "use “Void the batch”."
            ).format(n=batch.size)
        reason = self.app.ask_string(prompt)
        if reason is None:
            return False
        if not reason.strip():
            self.app.show_error(tr("Give a reason for voiding the session."))
            return False
        try:
            self.sessions.void(session_uuid, actor_id=signed_in_id(self.app), reason=reason)
        except ValidationError as exc:
            self.app.show_error(str(exc))
            return False
        except StorageError as exc:
            self.app.show_error(str(exc))
            return False
        self.app.toast(tr("Session voided."))
        self.app.sessions_changed()
        return True

    def void_batch(self, session_uuid: str) -> bool:
        """Void every session entered together with this one ("Ghi nhiều lượt")."""
        batches = BatchService(self.app.store, clock=self.clock)
        batch = batches.of_session(session_uuid)
        if batch is None:
            self.app.show_info(tr("This session was entered on its own, not in a batch."))
            return False
        reason = self.app.ask_string(
            tr(
                "Void all {n} sessions entered together at {when} ({procedures})? Why? (required)"
            ).format(
                n=batch.active,
                when=batch.created_at.strftime("%H:%M %d/%m/%Y"),
                procedures=batch.procedures,
            )
        )
        if reason is None:
            return False
        try:
            n = batches.void(batch.uuid, actor_id=signed_in_id(self.app), reason=reason)
        except ValidationError as exc:
            self.app.show_error(str(exc))
            return False
        except StorageError as exc:
            self.app.show_error(str(exc))
            return False
        self.app.toast(tr("{n} sessions voided.").format(n=n))
        self.app.sessions_changed()
        return True

    def show_batch(self, session_uuid: str) -> bool:
        """The sessions entered together with this one, in the table."""
        batches = BatchService(self.app.store)
        batch = batches.of_session(session_uuid)
        if batch is None:
            self.app.show_info(tr("This session was entered on its own, not in a batch."))
            return False
        rows = self.readable_rows(batches.rows(batch.uuid))
        self.view.show_batch(
            tr("{n} sessions entered together at {when}. Apply returns to the history.").format(
                n=batch.size, when=batch.created_at.strftime("%H:%M %d/%m/%Y")
            ),
            rows,
        )
        return True

    def audit_lines(self, session_uuid: str) -> list[str]:
        """The change history in the form's words: "Người cao tuổi: Không rõ → Có"."""
        store = self.app.store
        officers = {o.id: o.name for o in OfficeService(store).officers(True)}
        counters = {c.id: c.name for c in OfficeService(store).counters(True)}
        labels = LookupService(store).labels()
        s = self.sessions.get(session_uuid)
        trail = self.sessions.audit(session_uuid)
        codes = {p.procedure_code for p in s.procedures}
        for entry in trail:
            for side in (entry.before or {}, entry.after or {}):
                codes.update(p.get("procedure_code", "") for p in side.get("procedures") or [])
        show = _Values(labels, officers, counters, ProcedureService(store).names(sorted(codes)))
        lines = [
            tr("Created {when} by {who}").format(
                when=s.created_at.strftime("%H:%M %d/%m/%Y") if s.created_at else "?",
                who=officers.get(s.officer_id, "?"),
            )
        ]
        names = field_labels()
        actions = {
            "update": tr("Edited"),
            "void": tr("Voided"),
            BATCH_ACTION: tr("Entered together with others (many alike sessions)"),
        }
        for entry in trail:
            lines.append(
                f"{entry.at.strftime('%H:%M %d/%m/%Y')} · {actions.get(entry.action, entry.action)}"
                f" · {officers.get(entry.officer_id, '?')}"
                + (f" · {tr('reason')}: {entry.reason}" if entry.reason else "")
            )
            if entry.action == BATCH_ACTION:
                after = entry.after or {}
                lines.append(
                    "    "
                    + tr("Session {i} of {n} saved in one action").format(
                        i=after.get("batch_index", "?"), n=after.get("batch_size", "?")
                    )
                )
                continue
            for name, (old, new) in changed_fields(entry.before or {}, entry.after or {}).items():
                if name in HIDDEN_FIELDS:
                    continue
                lines.append(f"    {names.get(name, name)}: {show(name, old)} → {show(name, new)}")
        return lines

    def show_audit(self, session_uuid: str) -> None:
        self.view.show_audit(tr("Change history of the session"), self.audit_lines(session_uuid))

    def end_of_day(self, day: date | None = None, officer_id: int | None = None) -> list[Flagged]:
        """Today's sessions to look at: everyone's, or one officer's (on closing, the
        list must match the count the officer was just told)."""
        self._end_of_day_officer = officer_id
        self._page_token += 1  # a history page still on its way must not replace the list
        flagged = check_day(self.app.store, day or self.clock().date(), officer_id)
        names = ProcedureService(self.app.store).names(
            sorted({c for f in flagged for c in _codes(f.procedures)})
        )
        flagged = [dataclass_replace(f, procedures=_labelled(f.procedures, names)) for f in flagged]
        self.view.show_flagged(flagged)
        if not flagged:
            self.app.toast(tr("End of day: nothing to fix today."))
        return flagged

    def refresh_end_of_day(self) -> list[Flagged]:
        """After a fix: the same list again (same officer), without the fixed session."""
        return self.end_of_day(officer_id=self._end_of_day_officer)


class _Values:
    """A stored value as the form shows it: names for ids, "Có/Không/Không rõ", times
    as dd/mm/yyyy hh:mm, procedures with their names and outcomes."""

    def __init__(
        self,
        labels: dict[int, str],
        officers: dict[int | None, str],
        counters: dict[int | None, str],
        procedures: dict[str, str],
    ) -> None:
        self.labels = labels
        self.officers = officers
        self.counters = counters
        self.procedures = procedures

    def __call__(self, name: str, value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if name == "officer_id":
            return self.officers.get(value, str(value))
        if name == "counter_id":
            return self.counters.get(value, str(value))
        if name in ("elderly", "ethnic_minority", "disability"):
            return {
                TriState.YES.value: tr("Yes"),
                TriState.NO.value: tr("No"),
                TriState.UNKNOWN.value: tr("Unknown"),
            }.get(value, str(value))
        if isinstance(value, bool):
            return tr("Yes") if value else tr("No")
        if name == "started_at" and isinstance(value, str):
            try:
                return datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")
            except ValueError:
                return value
        if name == "procedures" and isinstance(value, list):
            return "; ".join(self._procedure(p) for p in value if isinstance(p, dict))
        if name.endswith("_ids") and isinstance(value, list):
            return ", ".join(self.labels.get(v, str(v)) for v in value)
        if name.endswith("_id") and isinstance(value, int):
            return self.labels.get(value, str(value))
        return str(value)

    def _procedure(self, p: dict) -> str:
        code = p.get("procedure_code", "")
        name = short(short_procedure_name(self.procedures.get(code, "")), 40)
        outcome = p.get("outcome_id")
        parts = [self.labels.get(outcome, "—") if isinstance(outcome, int) else "—"]
        barriers = [self.labels.get(b, str(b)) for b in p.get("barrier_ids") or []]
        if barriers:
            parts.append(tr("barriers: {list}").format(list=", ".join(barriers)))
        if p.get("dossier_code"):
            parts.append(tr("dossier {code}").format(code=p["dossier_code"]))
        return f"{code} {name} ({'; '.join(parts)})".replace("  ", " ")


def _labelled(procedures: str, names: dict[str, str]) -> str:
    """ "1.001193, 2.000815" as each code with its short name (a code not in the
    catalogue stays as it is)."""
    return ", ".join(
        f"{c} {short(short_procedure_name(names[c]), NAME_CHARS)}" if c in names else c
        for c in _codes(procedures)
    )


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]
