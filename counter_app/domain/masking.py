"""Personal data typed into free text (notes, dossier fields), masked before it leaves the
office: phone numbers, CCCD/CMND numbers and e-mail addresses.

Officers write "SĐT 0987 654 321" or "CCCD 079123456789" into a note although the form
has fields for them (which are never exported). Exports and the retention purge pass
free text through ``mask_personal``. The numbers are recognised with the validators' own
rules (``domain.validation``), so a number the form would accept as a phone is the
number masked here, however it is spaced or dotted.

What must survive: dossier codes ("000.00.12.H12-241126-0001"), dates, times, amounts
("150.000 đ"): a digit run glued to letters or digits by "-", "." or "_" is part of a
code, and identity numbers are only recognised when written as plain digits (with
spaces at most), never dotted like an amount.
"""

from __future__ import annotations

import re

from counter_app.domain.validation import (
    CCCD_PATTERN,
    CMND_PATTERN,
    EMAIL_PATTERN,
    PHONE_PATTERN,
    PHONE_SEPARATORS,
)

PHONE_MASK = "[SĐT]"
ID_MASK = "[số giấy tờ]"
EMAIL_MASK = "[email]"

# a run of digits with the separators people put inside phone numbers
_RUN = re.compile(r"[(+]{0,2}\d[\d \t.\-()+]*")
_GLUE = "-._"
_SPACES = re.compile(r"[ \t]+")


def _alnum(ch: str) -> bool:
    return ch.isalnum()


def _glued_before(text: str, start: int) -> bool:
    """The run continues a word or a code: "H12-241126", "abc0987…"."""
    if start == 0:
        return False
    before = text[start - 1]
    if _alnum(before):
        return True
    return before in _GLUE and start >= 2 and _alnum(text[start - 2])


def _glued_after(text: str, end: int) -> bool:
    if end >= len(text):
        return False
    after = text[end]
    if _alnum(after):
        return True
    return after in _GLUE and end + 1 < len(text) and _alnum(text[end + 1])


def _kind(piece: str) -> str | None:
    """What a candidate (one or more space-separated chunks) is: "phone", "id" or None."""
    bare = PHONE_SEPARATORS.sub("", piece)
    if PHONE_PATTERN.match(bare):
        return "phone"
    # identity numbers: plain digits, spaces at most (a dotted 9-digit run is an amount)
    plain = _SPACES.sub("", piece)
    if plain.isdigit() and (CCCD_PATTERN.match(plain) or CMND_PATTERN.match(plain)):
        return "id"
    return None


def _mask_run(run: str) -> str:
    """Mask what the run holds, chunk by chunk: "0987 654 321 0912345678" is two numbers
    (the longest run of chunks that forms a number wins, from the left)."""
    chunks = [m for m in re.finditer(r"[^ \t]+", run)]
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(chunks):
        found = None
        for j in range(len(chunks), i, -1):
            piece = run[chunks[i].start() : chunks[j - 1].end()]
            kind = _kind(piece)
            if kind:
                found = (j, kind)
                break
        if found is None:
            i += 1
            continue
        j, kind = found
        out.append(run[pos : chunks[i].start()])
        out.append(PHONE_MASK if kind == "phone" else ID_MASK)
        pos = chunks[j - 1].end()
        i = j
    out.append(run[pos:])
    return "".join(out)


def mask_personal(text: str) -> str:
    """``text`` with every phone number, CCCD/CMND number and e-mail address replaced by
    a marker ("[SĐT]", "[số giấy tờ]", "[email]"); anything else is left as typed."""
    if not text:
        return text or ""
    text = EMAIL_PATTERN.sub(EMAIL_MASK, text)
    if not any(ch.isdigit() for ch in text):
        return text
    parts: list[str] = []
    pos = 0
    for m in _RUN.finditer(text):
        start, end = m.start(), m.end()
        run = m.group()
        # the run may end on separators ("0987654321. "): they are not part of it
        stripped = run.rstrip(" \t.-(+")
        end = start + len(stripped)
        if stripped.endswith(")") and stripped.count("(") < stripped.count(")"):
            stripped, end = stripped[:-1], end - 1
        if _glued_before(text, start) or _glued_after(text, end):
            continue
        masked = _mask_run(stripped)
        if masked != stripped:
            parts.append(text[pos:start])
            parts.append(masked)
            pos = end
    parts.append(text[pos:])
    return "".join(parts)
