"""The in-memory index behind ``CatalogueSearch``: built in one go, then only read.

The whole catalogue (a few thousand rows) becomes folded text plus an inverted word
index, sorted code and name lists for prefix look-ups, and all words (and all names
without spaces) joined into one string each, so a substring search is one C-speed scan.
Each name is also kept with its marks (lower-cased), so a word typed WITH marks can
prefer the name that has exactly that word ("biến", not "biển"). Numbers
are words without their leading zeros ("mức độ 02" has the word "2"). A refresh builds a
new index and swaps it in; ranking lives in ``search``.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from counter_app.domain.text import fold
from counter_app.storage.database import Store

WORD = re.compile(r"[^\W_]+")
CODE_LIKE = re.compile(r"^\d+(\.[0-9a-z]*)*$")
MAX_CHAR = "\U0010ffff"
_NOISE_PREFIX = ("thu", "tuc")

# Vietnamese writes a syllable ending in i/y either way after a consonant ("kí"/"ký",
# "lí"/"lý", "mĩ"/"mỹ", "quí"/"quý"): officers type "dang ki" for "Đăng ký". Index and
# query both spell such a syllable with i; "y" alone ("y tế") and "uy", "ay" stay.
_FINAL_Y = re.compile(r"\b(ph|th|tr|ch|nh|ng|kh|gh|qu|[bcdghklmnprstvx])y\b")
# A typed "kí" or "ký" is the same marked word: the query's word is compared both ways.
_FINAL_I_OR_Y = re.compile(
    r"^(.*(?:ph|th|tr|ch|nh|ng|kh|gh|qu|[bcdđghklmnprstvx]))([iíìỉĩịyýỳỷỹỵ])$"
)
_I_Y = str.maketrans("iíìỉĩịyýỳỷỹỵ", "yýỳỷỹỵiíìỉĩị")
_ETH = str.maketrans({"ð": "đ", "Ð": "Đ"})
_LEADING_ZEROS = re.compile(r"\b0+(?=\d)")

# code, full_code, name, field, online_level, favourite, active, name_folded
ProcedureRow = tuple[str, str | None, str, str | None, str | None, int, int, str | None]


def search_form(folded: str) -> str:
    """Folded text with the interchangeable final y written i."""
    return _FINAL_Y.sub(r"\1i", folded) if "y" in folded else folded


def words_of(folded: str) -> list[str]:
    """The search words of already folded text."""
    return WORD.findall(search_form(_LEADING_ZEROS.sub("", folded)))


def split_words(text: str) -> list[str]:
    """Search words of ``text`` (letters and digits; punctuation separates)."""
    return words_of(fold(text))


def marked_form(text: str) -> str:
    """Lower-case text that keeps its marks ("Ð" read as "đ"): what a word typed WITH
    marks is compared on."""
    lowered = unicodedata.normalize("NFC", text).casefold()
    return lowered.translate(_ETH) if "ð" in lowered else lowered


def marked_words(text: str) -> list[str]:
    return WORD.findall(_LEADING_ZEROS.sub("", marked_form(text)))


def spellings(marked_word: str) -> tuple[str, ...]:
    """A marked word and its other correct spelling ("kí"/"ký", "lí"/"lý")."""
    m = _FINAL_I_OR_Y.match(marked_word)
    if m is None:
        return (marked_word,)
    return (marked_word, m.group(1) + m.group(2).translate(_I_Y))


def code_digits(code: str) -> str:
    return code.replace(".", "").casefold()


@dataclass
class IndexEntry:
    code: str
    full_code: str
    name: str
    field: str
    online_level: str
    favourite: bool
    active: bool
    code_digits: str
    full_code_folded: str
    padded: str  # " word word ... " folded name
    padded_core: str  # the same without a leading "thu tuc"
    n_words: int
    marked: str  # " word word ... " with the name's marks, lower-cased


@dataclass
class SearchIndex:
    """Every procedure, by position; the lists below are indexed the same way."""

    entries: list[IndexEntry]
    by_code: dict[str, int]
    codes_sorted: list[tuple[str, int]]  # (code digits or folded full code, entry)
    postings: dict[str, set[int]]  # word → entries whose name has it
    vocab: list[str]  # every word, sorted
    vocab_blob: str  # the same joined by "\n"
    vocab_starts: list[int]  # where each word starts in the blob
    abbreviations: dict[str, list[list[str]]]  # short word → the phrases it stands for
    static: list[int]  # tie-break rank: short names, then low codes; higher is better
    fav: list[bool]
    active: list[bool]
    code_of: list[str]
    padded: list[str]
    compact_blob: str  # every name without spaces, joined by "\n"
    compact_starts: list[int]
    cores_sorted: list[tuple[str, int]]  # (name without "thu tuc", entry)
    names_sorted: list[tuple[str, int]]
    marked: list[str]  # each name with its marks, as IndexEntry.marked
    vocab_by_length: dict[int, list[str]]  # every word, by length: typo candidates

    # -- look-ups ------------------------------------------------------------------------
    def match_code(self, q: str) -> tuple[set[int], set[int]]:
        """(exact, prefix) matches of a typed code, with or without dots."""
        exact: set[int] = set()
        prefix: set[int] = set()
        compact = q.replace(" ", "")
        if not CODE_LIKE.match(compact):
            return exact, prefix
        digits = code_digits(compact)
        # "1.012753.H19" typed in full: its base code is the first two dot-groups.
        base = self.by_code.get(".".join(compact.split(".")[:2]))
        if base is not None:
            exact.add(base)
        keys = self.codes_sorted
        for key in {digits, compact}:
            start = bisect.bisect_left(keys, (key, -1))
            for text, i in itertools.islice(keys, start, None):
                if not text.startswith(key):
                    break
                if text == key:
                    exact.add(i)
                elif len(digits) >= 2:
                    prefix.add(i)
        return exact, prefix - exact

    def name_prefix_docs(self, variants: list[str]) -> set[int]:
        """Entries whose name (or name without "Thủ tục") starts with a query variant."""
        found: set[int] = set()
        for v in variants:
            # The full name only differs from the core when the officer typed "thu tuc".
            lists = (
                (self.cores_sorted, self.names_sorted)
                if v.startswith(" thu")
                else (self.cores_sorted,)
            )
            for sorted_names in lists:
                start = bisect.bisect_left(sorted_names, (v,))
                end = bisect.bisect_left(sorted_names, (v + MAX_CHAR,), start)
                found.update(i for _, i in sorted_names[start:end])
        return found

    def compact_matches(self, compact: str) -> set[int]:
        """Entries whose name, spaces removed, contains ``compact``."""
        found: set[int] = set()
        blob, starts = self.compact_blob, self.compact_starts
        pos = blob.find(compact)
        while pos >= 0:
            k = bisect.bisect_right(starts, pos) - 1
            found.add(k)
            pos = blob.find(compact, starts[k + 1] if k + 1 < len(starts) else len(blob))
        return found


# -- building ------------------------------------------------------------------------------
def load_index(store: Store) -> SearchIndex:
    """Index the ``procedure`` table and the active abbreviations."""
    rows = store.db.execute(
        "SELECT code, full_code, name, field, online_level, favourite, active, name_folded "
        "FROM procedure"
    ).fetchall()
    abbreviations = store.db.execute(
        "SELECT short, expansion FROM abbreviation WHERE active = 1"
    ).fetchall()
    return build_index(rows, abbreviations)


def build_index(
    rows: Iterable[ProcedureRow], abbreviation_rows: Iterable[tuple[str, str]]
) -> SearchIndex:
    entries = [_entry(row) for row in rows]
    postings: dict[str, set[int]] = {}
    for i, e in enumerate(entries):
        for w in set(e.padded.split()):
            postings.setdefault(w, set()).add(i)
    vocab = sorted(postings)
    by_length: dict[int, list[str]] = {}
    for w in vocab:
        by_length.setdefault(len(w), []).append(w)
    compact_names = [e.padded.replace(" ", "") for e in entries]
    return SearchIndex(
        entries=entries,
        by_code={e.code: i for i, e in enumerate(entries)},
        codes_sorted=_codes_sorted(entries),
        postings=postings,
        vocab=vocab,
        vocab_blob="\n".join(vocab),
        vocab_starts=_starts(vocab),
        abbreviations=_abbreviations(abbreviation_rows),
        static=_static_rank(entries),
        fav=[e.favourite for e in entries],
        active=[e.active for e in entries],
        code_of=[e.code for e in entries],
        padded=[e.padded for e in entries],
        compact_blob="\n".join(compact_names),
        compact_starts=_starts(compact_names),
        cores_sorted=sorted((e.padded_core, i) for i, e in enumerate(entries)),
        names_sorted=sorted((e.padded, i) for i, e in enumerate(entries)),
        marked=[e.marked for e in entries],
        vocab_by_length=by_length,
    )


def _entry(row: ProcedureRow) -> IndexEntry:
    code, full_code, name, field, online, fav, active, folded = row
    # name_folded is kept by every writer (seed, import, edits)
    words = words_of(folded or fold(name))
    core = words[2:] if tuple(words[:2]) == _NOISE_PREFIX and len(words) > 2 else words
    return IndexEntry(
        code=code,
        full_code=full_code or code,
        name=name,
        field=field or "",
        online_level=online or "",
        favourite=bool(fav),
        active=bool(active),
        code_digits=code_digits(code),
        full_code_folded=(full_code or code).casefold(),
        padded=" " + " ".join(words) + " ",
        padded_core=" " + " ".join(core) + " ",
        n_words=len(core),
        marked=" " + " ".join(marked_words(name)) + " ",
    )


def _codes_sorted(entries: list[IndexEntry]) -> list[tuple[str, int]]:
    """Code digits of every entry, plus the full code where it differs."""
    return sorted(
        [(e.code_digits, i) for i, e in enumerate(entries)]
        + [(e.full_code_folded, i) for i, e in enumerate(entries) if e.full_code_folded != e.code]
    )


def _starts(items: list[str]) -> list[int]:
    """Where each item starts in ``"\\n".join(items)``."""
    if not items:
        return []
    return list(itertools.accumulate((len(w) + 1 for w in items[:-1]), initial=0))


def _static_rank(entries: list[IndexEntry]) -> list[int]:
    """Ties go to short names, then low codes: a static rank, higher is better."""
    order = sorted(
        range(len(entries)), key=lambda i: (entries[i].n_words, _code_tuple(entries[i].code))
    )
    static = [0] * len(entries)
    for position, i in enumerate(order):
        static[i] = len(entries) - position
    return static


def _abbreviations(rows: Iterable[tuple[str, str]]) -> dict[str, list[list[str]]]:
    result: dict[str, list[list[str]]] = {}
    for short, expansion in rows:
        key = search_form(fold(short).strip())
        words = split_words(expansion)
        if key and words and words != [key]:
            result.setdefault(key, []).append(words)
    return result


def _code_tuple(code: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.\-]", code))
