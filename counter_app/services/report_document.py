"""What the Word report says about the office that is not data: its document symbol, the
place in the date line, who signs and on whose behalf, who receives it, and the
supervisor's own "Đề xuất, kiến nghị" (kept from week to week). Supervisors set them in
Cài đặt › Đơn vị; an office profile (TOML) may carry them for a new install.

Decree 30/2020 forms: "Số: …/BC-UBND", "Tân Hòa, ngày 05 tháng 02 năm 2026", a signature
block "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / <name>", "Nơi nhận: - Như trên; … - Lưu: VT.".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from counter_app.domain.text import nfc, place_only
from counter_app.i18n import tr
from counter_app.services import settings
from counter_app.storage.database import Store

# The forms of signing on behalf of someone (Decree 30, appendix I, part II §8).
AUTHORITY_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")
MAX_LINE = 200
MAX_RECIPIENTS = 20
MAX_PROPOSALS = 4000
_SYMBOL = re.compile(r"^[0-9A-Za-zĐđ][0-9A-Za-zĐđ\-.]{0,39}$")


@dataclass
class DocumentSettings:
    symbol: str = ""  # "UBND" → "Số: …/BC-UBND"; empty: the office code
    place: str = ""  # empty: the province without "Tỉnh"
    signer_title: str = ""  # "GIÁM ĐỐC"; empty: "THỦ TRƯỞNG ĐƠN VỊ"
    signer_name: str = ""
    signer_authority: str = ""  # "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN" or empty
    recipients: list[str] = field(default_factory=list)  # besides "Như trên" and "Lưu: VT."
    proposals: str = ""
    suggestions: bool = True  # add the suggestions made from the barrier ranking

    def problems(self) -> list[str]:
        """Vietnamese messages, one per unusable value (empty: it may be saved)."""
        out = []
        if self.symbol and not _SYMBOL.match(self.symbol):
            out.append(
                tr(
                    "The document symbol may hold letters, digits, '-' and '.', at most 40 "
                    "characters (e.g. UBND or TTPVHCC)."
                )
            )
        authority = self.signer_authority
        if authority and not authority.upper().startswith(AUTHORITY_PREFIXES):
            out.append(
                tr(
                    "Signing on behalf of someone starts with TM., KT., Q., TL. or TUQ. "
                    "(e.g. KT. CHỦ TỊCH); leave it empty when the head signs."
                )
            )
        for value in (self.place, self.signer_title, self.signer_name, authority):
            if len(value) > MAX_LINE:
                out.append(tr("A line of the document is too long (at most 200 characters)."))
                break
        if len(self.recipients) > MAX_RECIPIENTS or any(len(r) > MAX_LINE for r in self.recipients):
            out.append(tr("At most 20 recipients of 200 characters each."))
        if len(self.proposals) > MAX_PROPOSALS:
            out.append(tr("The proposals are too long (at most 4000 characters)."))
        return out


def _recipient(line: str) -> str:
    """ "- Sở Nội vụ;" → "Sở Nội vụ": the form adds the dash and the semicolon itself."""
    line = nfc(line).lstrip("-–•+ ").rstrip(";,. ")
    return line


def clean(doc: DocumentSettings) -> DocumentSettings:
    """Trimmed, NFC, recipients without dashes, the standard lines and blanks."""
    recipients = [_recipient(r) for r in doc.recipients]
    standard = {"như trên", "lưu: vt", "lưu vt", "lưu"}
    recipients = [r for r in recipients if r and r.casefold() not in standard]
    proposals = "\n".join(nfc(line) for line in (doc.proposals or "").splitlines()).strip()
    return DocumentSettings(
        symbol=nfc(doc.symbol),
        place=nfc(doc.place),
        signer_title=nfc(doc.signer_title),
        signer_name=nfc(doc.signer_name),
        signer_authority=nfc(doc.signer_authority),
        recipients=recipients,
        proposals=proposals,
        suggestions=bool(doc.suggestions),
    )


def load_document_settings(store: Store) -> DocumentSettings:
    return DocumentSettings(
        symbol=settings.REPORT_SYMBOL.get(store),
        place=settings.REPORT_PLACE.get(store),
        signer_title=settings.REPORT_SIGNER_TITLE.get(store),
        signer_name=settings.REPORT_SIGNER_NAME.get(store),
        signer_authority=settings.REPORT_SIGNER_AUTHORITY.get(store),
        recipients=[str(r) for r in settings.REPORT_RECIPIENTS.get(store) if isinstance(r, str)],
        proposals=settings.REPORT_PROPOSALS.get(store),
        suggestions=settings.REPORT_SUGGESTIONS.get(store),
    )


def save_document_settings(store: Store, doc: DocumentSettings) -> DocumentSettings:
    """Validate and store every value in one transaction; ValueError carries the
    Vietnamese messages and nothing is written."""
    doc = clean(doc)
    problems = doc.problems()
    if problems:
        raise ValueError("\n".join(problems))
    with store.transaction():
        settings.REPORT_SYMBOL.set(store, doc.symbol)
        settings.REPORT_PLACE.set(store, doc.place)
        settings.REPORT_SIGNER_TITLE.set(store, doc.signer_title)
        settings.REPORT_SIGNER_NAME.set(store, doc.signer_name)
        settings.REPORT_SIGNER_AUTHORITY.set(store, doc.signer_authority)
        settings.REPORT_RECIPIENTS.set(store, list(doc.recipients))
        settings.REPORT_PROPOSALS.set(store, doc.proposals)
        settings.REPORT_SUGGESTIONS.set(store, doc.suggestions)
    return doc


def place_name(doc_place: str, province: str) -> str:
    """The place of the date line: the office's own (a commune writes its own name), else
    the province without its administrative prefix."""
    return doc_place.strip() or place_only(province)


def export_notes(store: Store) -> bool:
    """Whether officers' notes go into exported files at all (an office setting)."""
    return settings.EXPORT_NOTES.get(store)


def set_export_notes(store: Store, value: bool) -> None:
    settings.EXPORT_NOTES.set(store, bool(value))


def report_formats(store: Store) -> list[str]:
    chosen = [f for f in settings.REPORT_FORMATS.get(store) if f in ("docx", "xlsx")]
    return chosen or ["docx", "xlsx"]


def set_report_formats(store: Store, formats: list[str]) -> None:
    chosen = [f for f in ("docx", "xlsx") if f in formats]
    if not chosen:
        raise ValueError(tr("Choose at least one kind of file: Word or Excel."))
    settings.REPORT_FORMATS.set(store, chosen)
