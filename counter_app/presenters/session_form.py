"""The new-session form: the state of a half-filled session and every action on it.

The view reports explicit actions (a variable changed, Enter pressed, a shortcut) and
renders the state back; nothing here looks at raw key events, so Unikey's fake
backspaces can never corrupt data.

The timer starts when the first procedure is added or another field is set — typing in
the procedure box alone starts nothing — and stops counting when the form is cleared or
Esc leaves it empty. The draft is written at once when a procedure or a choice changes,
and at most two seconds after typed text (the view's timer).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from counter_app.catalog.bundles import BundleService
from counter_app.catalog.procedures import ProcedureService
from counter_app.catalog.search import CatalogueSearch
from counter_app.domain.models import (
    OUTCOME_SUBMITTED,
    LookupKind,
    Session,
)
from counter_app.domain.validation import MAX_MINUTES, FieldError, ValidationError
from counter_app.i18n import tr
from counter_app.presenters.base import AppLike, signed_in_id
from counter_app.presenters.session_state import (
    SCALAR_FIELDS,
    TEXT_FIELDS,
    Choices,
    FormState,
    ProcedureLine,
    edit_fields,
    form_defaults,
    outcome_errors,
    parse_minutes,
    parse_started,
    session_from_state,
    short,
    started_is_backdated,
    state_from_session,
)
from counter_app.services import settings
from counter_app.services.batches import MAX_BATCH, Batch, BatchService
from counter_app.services.drafts import DraftService
from counter_app.services.lookups import LookupService
from counter_app.services.offices import OfficeService
from counter_app.services.privacy import load_settings
from counter_app.services.sessions import SessionService
from counter_app.storage.errors import StorageError

log = logging.getLogger(__name__)
MAX_SHORTCUTS = 9
MOBILE_CHANNEL = "mobile_team"  # "Lưu động": where a batch of alike sessions mostly comes from


@dataclass(frozen=True)
class BatchForm:
    """What the "Ghi nhiều lượt" dialog opens with: the shared content in words, the
    channel offered first (lưu động), the minutes the form holds."""

    summary: list[str]
    channel_id: int | None
    minutes_text: str


class SessionFormView(Protocol):
    def set_choices(self, choices: Choices) -> None: ...
    def render(self, state: FormState) -> None: ...
    def show_hits(self, hits: list) -> None: ...
    def show_errors(self, errors: list[FieldError]) -> None: ...
    def focus_procedure_box(self) -> None: ...
    def schedule_draft_save(self) -> None: ...  # typed text: written within 2 s


class SessionFormPresenter:
    def __init__(
        self,
        view: SessionFormView,
        app: AppLike,
        clock: Callable[[], datetime] | None = None,
        search: Any = None,
    ):
        self.view = view
        self.app = app
        self.store = app.store
        self.clock = clock or app.clock
        self.sessions = SessionService(self.store, clock=self.clock)
        self.lookups = LookupService(self.store)
        self.offices = OfficeService(self.store)
        officer = app.current_officer
        self.drafts = DraftService(self.store, officer_id=officer.id if officer else None)
        self.search_engine = (
            search
            if search is not None
            else CatalogueSearch(self.store, clock=self.clock, runner=app.run_in_background)
        )
        self.procedures = ProcedureService(self.store)
        self.state = FormState()
        self.hits: list = []
        self.choices: Choices | None = None
        self._edit_loaded: dict[str, Any] | None = None  # a correction as it was opened
        self._edit_started: datetime | None = None  # its stored start, to the second
        self._blank: dict[str, Any] = {}  # the fresh form, to tell whether anything was entered
        self._errors_shown = False  # problems are on screen: recheck them after each change
        self._search_error = False  # a message about the procedure box is on screen
        self.batch_errors: list[FieldError] = []  # why the last "Ghi nhiều lượt" was refused

    # -- start ----------------------------------------------------------------------

    def start(self) -> None:
        self.load_choices()
        self.state = self.blank_state(keep=None)
        self.view.render(self.state)
        self.search_engine.warm(self._counter_id())  # this counter's use, read on a worker

    def refresh_choices(self) -> None:
        """After the catalogue or settings changed favourites, bundles or lists."""
        self.search_engine.refresh()
        self.load_choices()
        self.view.render(self.state)

    def load_choices(self) -> None:
        v = self.lookups.values
        try:
            submitted = self.lookups.id_for(LookupKind.OUTCOME, OUTCOME_SUBMITTED)
        except KeyError:
            submitted = None
        self.choices = Choices(
            help_types=v(LookupKind.HELP_TYPE),
            outcomes=v(LookupKind.OUTCOME),
            barriers=v(LookupKind.BARRIER),
            channels=v(LookupKind.CHANNEL),
            portals=v(LookupKind.PORTAL),
            applicant_types=v(LookupKind.APPLICANT_TYPE),
            self_reliance=v(LookupKind.SELF_RELIANCE),
            satisfaction=v(LookupKind.SATISFACTION),
            favourites=list(self.search_engine.favourites())[:MAX_SHORTCUTS],
            bundles=BundleService(self.store).list()[:6],
            personal_fields=load_settings(self.store).personal_fields,
            submitted_id=submitted,
        )
        self.view.set_choices(self.choices)

    def defaults(self) -> dict[str, Any]:
        """Office defaults for channel, portal and help (Settings), else the first values."""
        return form_defaults(settings.FORM_DEFAULTS.get(self.store), self.choices)

    def blank_state(self, keep: FormState | None) -> FormState:
        d = self.defaults()
        s = FormState(
            channel_id=d["channel_id"],
            portal_id=d["portal_id"],
            help_type_ids=d["help_type_ids"],
            applicant_type_id=d["applicant_type_id"],
        )
        if keep is not None:
            s.channel_id, s.portal_id = keep.channel_id, keep.portal_id
            s.help_type_ids = list(keep.help_type_ids)
        self._blank = edit_fields(s)
        return s

    # -- input ----------------------------------------------------------------------

    def touch(self, urgent: bool = True) -> None:
        """Input that belongs to the session: start the timer; write the draft now (a
        procedure, a choice) or soon (typed text, see ``schedule_draft_save``)."""
        if self.state.first_input_at is None:
            self.state.first_input_at = self.clock().replace(microsecond=0).isoformat()
        if urgent:
            self.save_draft()
        else:
            self.view.schedule_draft_save()
        self._recheck()

    def search(self, text: str) -> None:
        """The procedure box changed: new hits. Typing here is not yet a session: the
        timer waits for a procedure (a word typed and cleared again leaves no trace)."""
        text = text.strip()
        if self._search_error:
            self._search_error = False
            self.view.show_errors([])
        if text:
            self.hits = list(
                self.search_engine.search(text, counter_id=self._counter_id(), limit=20)
            )
        else:
            self.hits = []
        self.view.show_hits(self.hits)

    def escape(self) -> None:
        """Esc in the procedure box (after the view emptied it): a form holding nothing
        else starts again, so its timer does not count the wait for the next citizen."""
        if not self.state.editing_uuid and not self.has_input():
            self.state.first_input_at = None
            self._discard_draft()
            self.view.render(self.state)

    def add_hit(self, index: int = 0, chosen: bool = False) -> bool:
        """Enter: add the chosen hit, or the first one when it matches every word typed.
        A suggestion (a typo fixed, some words only) is added only when chosen in the list
        (↓ then Enter): it is a guess the officer must see."""
        if not (0 <= index < len(self.hits)):
            return False
        hit = self.hits[index]
        if getattr(hit, "tentative", False) and not chosen:
            self._show_search_error(self._only_suggestions_error())
            return False
        added = self.add_procedure(hit.code, hit.name)
        self.hits = []
        self.view.show_hits([])
        return added

    def _show_search_error(self, error: FieldError) -> None:
        """A message about what the procedure box holds: it goes when the box changes."""
        self._search_error = True
        self._errors_shown = False
        self.view.show_errors([error])

    @staticmethod
    def _only_suggestions_error() -> FieldError:
        return FieldError(
            "procedures",
            tr(
                "No procedure matches every word typed. Choose one of the suggestions "
                "(↓ then Enter), correct the words, or clear the box (Esc)."
            ),
        )

    def add_procedure(self, code: str, name: str | None = None) -> bool:
        if any(p.code == code for p in self.state.procedures):
            return False
        if name is None:
            name = self.procedures.names([code]).get(code, code)
        self.state.procedures.append(
            ProcedureLine(code, name, self.choices.submitted_id if self.choices else None)
        )
        self.touch()
        self.view.render(self.state)
        return True

    def add_favourite(self, n: int) -> bool:
        """Alt+n: the n-th favourite (1-based); an empty slot says so (a key that does
        nothing silently looks broken)."""
        favs = self.choices.favourites if self.choices else []
        if not 1 <= n <= len(favs):
            self.app.toast(
                tr(
                    "Alt+{n} has no favourite procedure yet. A supervisor stars procedures "
                    "in Catalogue (F5)."
                ).format(n=n)
            )
            return False
        return self.add_procedure(favs[n - 1].code, favs[n - 1].name)

    def add_bundle(self, n: int) -> bool:
        bundles = self.choices.bundles if self.choices else []
        if not 1 <= n <= len(bundles):
            return False
        codes = list(bundles[n - 1].codes)
        names = self.procedures.names(codes)
        added = False
        for code in codes:
            if code in names:
                added = self.add_procedure(code, names[code]) or added
        return added

    def remove_procedure(self, index: int) -> None:
        if 0 <= index < len(self.state.procedures):
            del self.state.procedures[index]
            self.touch()
            self.view.render(self.state)

    def set_outcome(self, index: int, outcome_id: int | None) -> None:
        line = self.state.procedures[index]
        line.outcome_id = outcome_id
        if outcome_id == (self.choices.submitted_id if self.choices else None):
            line.barrier_ids = []
        self.touch()
        self.view.render(self.state)

    def toggle_barrier(self, index: int, barrier_id: int) -> None:
        line = self.state.procedures[index]
        if barrier_id in line.barrier_ids:
            line.barrier_ids.remove(barrier_id)
        else:
            line.barrier_ids.append(barrier_id)
        self.touch()

    def set_dossier(self, index: int, text: str) -> None:
        if 0 <= index < len(self.state.procedures):
            self.state.procedures[index].dossier_code = text
            self.touch(urgent=False)

    def toggle_help(self, n: int) -> None:
        """Ctrl+n / n: toggle the n-th help type (1-based)."""
        helps = self.choices.help_types if self.choices else []
        help_id = helps[n - 1].id if 1 <= n <= len(helps) else None
        if help_id is not None:
            self.set_help(help_id, help_id not in self.state.help_type_ids)
            self.view.render(self.state)

    def set_help(self, help_id: int, on: bool) -> None:
        ids = self.state.help_type_ids
        if on and help_id not in ids:
            ids.append(help_id)
        elif not on and help_id in ids:
            ids.remove(help_id)
        self.touch()

    def set_field(self, name: str, value: Any) -> None:
        if name not in SCALAR_FIELDS:
            raise KeyError(name)
        if getattr(self.state, name) == value:
            return
        setattr(self.state, name, value)
        self.touch(urgent=name not in TEXT_FIELDS)

    # -- computed -------------------------------------------------------------------

    def elapsed_minutes(self) -> int | None:
        """The timer, to the nearest minute (at least 1); None before the first input."""
        if not self.state.first_input_at:
            return None
        seconds = (self.clock() - datetime.fromisoformat(self.state.first_input_at)).total_seconds()
        return min(MAX_MINUTES, max(1, math.floor(seconds / 60 + 0.5)))

    def _minutes(self) -> int:
        typed = parse_minutes(self.state.minutes_text)
        return typed if typed is not None else (self.elapsed_minutes() or 1)

    def _timed_start(self, minutes: int) -> datetime:
        """The start of a session the timer (or typed minutes) measured: the first input,
        moved back just enough that the session ends by the time it is saved (a one-minute
        minimum, minutes typed longer than the timer ran). It never moves into yesterday
        (that would ask for a late-entry reason)."""
        now = self.clock().replace(microsecond=0)
        first = (
            datetime.fromisoformat(self.state.first_input_at) if self.state.first_input_at else now
        )
        latest = now - timedelta(minutes=minutes)
        if first <= latest:
            return first
        midnight = datetime.combine(first.date(), datetime.min.time())
        return max(latest, midnight)

    def build_session(self) -> Session:
        """The Session to store; raises ValidationError (every problem of the form at
        once) for input the view must fix."""
        session, errors = self._session_and_errors()
        if errors:
            raise ValidationError(errors)
        return session

    def problems(self) -> list[FieldError]:
        """Everything that stops the save now, all at once (also what the service would
        refuse): shown under the buttons and checked again after each change."""
        session, errors = self._session_and_errors()
        if not errors:
            errors = self.sessions.problems(session, self.state.editing_uuid)
        return _unique(errors)

    def _session_and_errors(self) -> tuple[Session, list[FieldError]]:
        """The form as a Session, with what the form itself finds wrong (an unreadable
        start or duration, a missing outcome); a part that cannot be read is replaced by
        the timer's value so the other checks still run."""
        officer, counter = self.app.current_officer, self.app.current_counter
        errors: list[FieldError] = []
        if officer is None or counter is None or officer.id is None or counter.id is None:
            raise ValidationError([FieldError("officer", tr("Choose the officer at the counter."))])
        s = self.state
        try:
            minutes = self._minutes()
        except ValidationError as exc:
            errors.extend(exc.errors)
            minutes = self.elapsed_minutes() or 1
        try:
            started = parse_started(s.started_text, self.clock().date())
        except ValidationError as exc:
            errors.extend(exc.errors)
            started = None
        if (
            s.editing_uuid
            and self._edit_loaded is not None
            and s.started_text == self._edit_loaded.get("started_text")
        ):
            # The form shows the start to the minute: an untouched start keeps its
            # seconds, or every correction of an older session "moved" it and was
            # refused for want of a late-entry reason.
            started = self._edit_started
        if started is None:
            started = self._timed_start(minutes)
        errors.extend(outcome_errors(s))
        session = session_from_state(
            s,
            officer_id=officer.id,
            counter_id=counter.id,
            started=started,
            minutes=minutes,
            submitted_id=self.choices.submitted_id if self.choices else None,
            personal=self.choices.personal_fields if self.choices else False,
            strict=False,
        )
        return session, errors

    def _show_errors(self, errors: list[FieldError]) -> None:
        self._errors_shown = bool(errors)
        self.view.show_errors(errors)

    def _recheck(self) -> None:
        """After a change while problems are shown: the list follows the form (a fixed
        problem disappears, one still there stays)."""
        if self._errors_shown:
            try:
                self._show_errors(self.problems())
            except (ValidationError, StorageError, KeyError):
                pass

    # -- save -----------------------------------------------------------------------

    def take_pending(self, text: str) -> bool:
        """Before a save: what is still typed in the procedure box is added when its top
        hit matches every word; a suggestion or no match stops the save (it would be
        stored unseen, or dropped). True when the save may go on."""
        text = text.strip()
        if not text:
            return True
        if not self.hits:
            self._show_search_error(
                FieldError(
                    "procedures",
                    tr(
                        "No procedure matches “{text}”. Choose one from the list or clear "
                        "the box (Esc)."
                    ).format(text=text),
                )
            )
            self.view.focus_procedure_box()
            return False
        if getattr(self.hits[0], "tentative", False):
            self._show_search_error(self._only_suggestions_error())
            self.view.focus_procedure_box()
            return False
        self.add_hit(0)
        return True

    def save(self, keep: bool = True, pending: str = "") -> Session | None:
        """Ctrl+Enter: store the session; keep channel/portal/help for the next one.
        ``pending`` is what the procedure box still holds (see ``take_pending``)."""
        if not self.take_pending(pending):
            return None
        editing = self.state.editing_uuid
        try:
            problems = self.problems()
            if problems:
                raise ValidationError(problems)
            session = self.build_session()
            actor = signed_in_id(self.app)
            if editing:
                saved = self.sessions.update(
                    editing, session, actor_id=actor, reason=self.state.edit_reason
                )
            else:
                saved = self.sessions.create(session, actor_id=actor)
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return None
        except StorageError as exc:
            self.app.show_error(str(exc))
            return None
        self._show_errors([])
        if not editing:
            self._discard_draft()
            self.search_engine.note_use(
                self._counter_id(), [p.procedure_code for p in saved.procedures]
            )
        names = "; ".join(short(p.name or p.code) for p in self.state.procedures)
        self.app.toast(
            (tr("Session updated: {procedures}") if editing else tr("Saved: {procedures}")).format(
                procedures=names
            )
        )
        previous = self.state
        self.state = self.blank_state(keep=previous if keep and not editing else None)
        self.hits = []
        self.view.show_hits([])
        self.view.render(self.state)
        self.view.focus_procedure_box()
        self.app.sessions_changed()
        if editing:
            self.resume_draft()
            self.app.edit_done()
        return saved

    def clear(self) -> None:
        """Esc on an untouched form or the Clear button: start again (drops the draft)."""
        self.state = self.blank_state(keep=None)
        self._discard_draft()
        self.hits = []
        self.view.show_hits([])
        self._show_errors([])
        self.view.render(self.state)
        self.view.focus_procedure_box()

    # -- many alike sessions ("Ghi nhiều lượt") --------------------------------------

    def batch_form(self, pending: str = "") -> BatchForm | None:
        """Open the tally: what the box still holds is added first (as for a save); the
        form must hold at least one procedure. None (with the reason shown) otherwise."""
        if self.state.editing_uuid:
            self._show_errors([FieldError("batch", tr("Finish or cancel the correction first."))])
            return None
        if not self.take_pending(pending):
            return None
        if not self.state.procedures:
            self._show_errors([FieldError("procedures", tr("Choose at least one procedure."))])
            self.view.focus_procedure_box()
            return None
        channels = self.choices.channels if self.choices else []
        mobile = next((c.id for c in channels if c.code == MOBILE_CHANNEL), None)
        return BatchForm(
            self._batch_summary(), mobile or self.state.channel_id, self.state.minutes_text
        )

    def _batch_summary(self) -> list[str]:
        """The shared content, line by line, as the confirmation shows it."""
        labels = self.lookups.labels()
        s = self.state
        lines = [
            f"{short(p.name or p.code, 70)} — {labels.get(p.outcome_id or -1, '—')}"
            for p in s.procedures
        ]
        helps = ", ".join(labels.get(h, "?") for h in s.help_type_ids)
        lines.append(tr("Help given: {helps}").format(helps=helps or "—"))
        group = [labels.get(s.applicant_type_id or -1, "")] + [
            label
            for value, label in (
                (s.elderly, tr("Elderly")),
                (s.ethnic_minority, tr("Ethnic minority")),
                (s.disability, tr("With disability")),
            )
            if value == "yes"
        ]
        lines.append(tr("Citizen group: {group}").format(group=", ".join(g for g in group if g)))
        lines.append(tr("Name, phone, ID number and dossier codes are not copied."))
        return lines

    def save_batch(self, n_text: str, channel_id: int | None, minutes_text: str) -> Batch | None:
        """Store N sessions like the form, with the dialog's channel and minutes each;
        the problems go back to the dialog (``batch_errors``) and nothing is stored."""
        self.batch_errors = []
        n = _whole(n_text)
        if n is None or not 1 <= n <= MAX_BATCH:
            self.batch_errors.append(
                FieldError(
                    "batch_size",
                    tr("The number of sessions must be a whole number from 1 to {max}.").format(
                        max=MAX_BATCH
                    ),
                )
            )
        if not minutes_text.strip():
            self.batch_errors.append(
                FieldError("minutes", tr("Write how many minutes one session took, on average."))
            )
        previous = (self.state.channel_id, self.state.minutes_text)
        self.state.channel_id, self.state.minutes_text = channel_id, minutes_text.strip()
        try:
            if not self.batch_errors:
                self.batch_errors = self.problems()
            if self.batch_errors:
                return None
            template = self.build_session()
            batch = BatchService(self.store, clock=self.clock).record(
                template, n or 0, actor_id=signed_in_id(self.app)
            )
        except ValidationError as exc:
            self.batch_errors = list(exc.errors)
            return None
        except StorageError as exc:
            self.app.show_error(str(exc))
            return None
        finally:
            if self.batch_errors:
                self.state.channel_id, self.state.minutes_text = previous
        self._discard_draft()
        self.search_engine.note_use(
            self._counter_id(), [p.code for p in self.state.procedures], n=batch.size
        )
        names = "; ".join(short(p.name or p.code) for p in self.state.procedures)
        self.app.toast(
            tr("Saved {n} sessions together: {procedures}").format(n=batch.size, procedures=names)
        )
        self.state = self.blank_state(keep=self.state)
        self.hits = []
        self._show_errors([])
        self.view.show_hits([])
        self.view.render(self.state)
        self.view.focus_procedure_box()
        self.app.sessions_changed()
        return batch

    # -- edit -----------------------------------------------------------------------

    def load_session(self, session_uuid: str) -> bool:
        """Open a stored session in the form, for correction; a half-entered new
        session is kept as the draft and comes back when the correction is done.

        The session already being corrected stays as typed; another session replaces
        an unsaved correction only when the officer agrees."""
        if self.state.editing_uuid == session_uuid:
            self.view.render(self.state)
            self.view.focus_procedure_box()
            return True
        s = self.sessions.get(session_uuid)
        if s.voided:  # it could not be saved: say so before the officer types a change
            self.app.show_error(tr("A voided session cannot be edited."))
            return False
        if self.has_unsaved_edit() and not self.app.confirm(
            tr("The correction you are making is not saved. Drop it and open the other session?"),
            default=False,
        ):
            return False
        if not self.state.editing_uuid:
            self.save_draft()
        names = self.procedures.names([p.procedure_code for p in s.procedures])
        self.state = state_from_session(s, names)
        self._edit_loaded = edit_fields(self.state)
        self._edit_started = s.started_at
        self._show_errors([])
        self.view.render(self.state)
        self.view.focus_procedure_box()
        return True

    def has_unsaved_edit(self) -> bool:
        """A stored session is open for correction and something in it was changed."""
        return (
            bool(self.state.editing_uuid)
            and self._edit_loaded is not None
            and edit_fields(self.state) != self._edit_loaded
        )

    def edit_snapshot(self) -> tuple | None:
        """The correction in progress, to carry over a rebuild of the screen (language)."""
        if not self.state.editing_uuid:
            return None
        return FormState.from_dict(asdict(self.state)), self._edit_loaded, self._edit_started

    def restore_edit(self, snapshot: tuple) -> None:
        self.state, self._edit_loaded, self._edit_started = snapshot
        self.view.render(self.state)

    def cancel_edit(self) -> None:
        if self.state.editing_uuid:
            self.state = self.blank_state(keep=None)
            self._show_errors([])
            self.resume_draft()
            self.view.render(self.state)
            self.app.edit_done()

    def resume_draft(self) -> None:
        """After a correction: the new session that was being typed comes back."""
        draft = self.drafts.load()
        if draft:
            try:
                self.state = FormState.from_dict(draft)
            except (TypeError, ValueError):
                return
            self.view.render(self.state)

    def late_reason_wanted(self, now: datetime) -> bool:
        """For the view: the late-entry reason row. A correction of an old session asks
        for it only when its start is changed (the stored reason is shown as it is)."""
        s = self.state
        if s.backdated_reason:
            return True
        if not started_is_backdated(s, now):
            return False
        if s.editing_uuid and self._edit_loaded is not None:
            return s.started_text != self._edit_loaded.get("started_text")
        return True

    # -- drafts ---------------------------------------------------------------------

    def has_input(self) -> bool:
        """Something was entered: a search typed and cleared again is not a session to
        offer back or to confirm clearing."""
        return self.state.first_input_at is not None and (
            bool(self.state.editing_uuid) or edit_fields(self.state) != self._blank
        )

    def save_draft(self) -> None:
        """Called (debounced) after changes and on close; edits are not drafted."""
        if self.state.editing_uuid:
            return
        try:
            if self.has_input():
                self.drafts.save(asdict(self.state))
            else:
                self.drafts.discard()
        except StorageError:
            pass  # a draft is a convenience; the save itself reports storage problems

    def _discard_draft(self) -> None:
        """After a save the session is stored whatever happens to its draft: a failure
        here must not leave the form filled (a second Ctrl+Enter would store it twice)."""
        try:
            self.drafts.discard()
        except StorageError:
            log.exception("draft not discarded")

    def offer_draft(self) -> bool:
        """At start: a draft left by a close or crash is offered back."""
        draft = self.drafts.load()
        if not draft:
            return False
        try:
            state = FormState.from_dict(draft)
        except (TypeError, ValueError):
            self.drafts.discard()
            return False
        when = state.first_input_at or ""
        try:
            when = datetime.fromisoformat(when).strftime("%H:%M %d/%m/%Y")
        except ValueError:
            pass
        codes = ", ".join(p.code for p in state.procedures) or tr("no procedure yet")
        if self.app.confirm(
            tr("A session was left half-entered ({when}; {procedures}). Continue it?").format(
                when=when, procedures=codes
            )
        ):
            self.state = state
            self.view.render(self.state)
            return True
        self.drafts.discard()
        return False

    def _counter_id(self) -> int | None:
        c = self.app.current_counter
        return c.id if c else None


def _unique(errors: list[FieldError]) -> list[FieldError]:
    """Each message once (two checks may find the same problem)."""
    seen: set[str] = set()
    out = []
    for e in errors:
        if e.message not in seen:
            seen.add(e.message)
            out.append(e)
    return out


def _whole(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None
