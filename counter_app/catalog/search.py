"""The one procedure search every picker uses: instant, diacritic-blind, ranked.

The whole catalogue (a few thousand rows) is held in memory as folded text plus an
inverted word index, so a keystroke costs well under a few milliseconds. Ranking:

    exact code > code prefix > name starts with the query > every word matched as a
    whole word > every word matched (prefixes, substrings) > some words matched

then favourites, then how often THIS counter used the procedure in the last 90 days,
then how well the words sit together (a contiguous phrase, a short name). A leading
"Thủ tục" in the name is noise for the "starts with" test. Abbreviations ("dk",
"ks", "bhyt"...) come from the editable ``abbreviation`` table.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.text import fold
from counter_app.storage.database import Store

USAGE_DAYS = 90
USAGE_CACHE_SECONDS = 60.0
_WORD = re.compile(r"[^\W_]+")
_CODE_LIKE = re.compile(r"^\d+(\.[0-9a-z]*)*$")
_NOISE_PREFIX = ("thu", "tuc")

# Match tiers, best first (higher wins).
TIER_EXACT_CODE = 6
TIER_CODE_PREFIX = 5
TIER_NAME_PREFIX = 4
TIER_ALL_WHOLE_WORDS = 3
TIER_ALL_WORDS = 2
TIER_PARTIAL = 1

# How a query word matched a procedure name.
_WHOLE, _PREFIX, _SUBSTRING = 3, 2, 1


@dataclass(frozen=True)
class SearchHit:
    code: str
    full_code: str
    name: str
    field: str
    online_level: str
    favourite: bool
    score: float


@dataclass
class _Entry:
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

    def hit(self, score: float) -> SearchHit:
        return SearchHit(self.code, self.full_code, self.name, self.field,
                         self.online_level, self.favourite, score)


def split_words(text: str) -> list[str]:
    """Folded words of ``text`` (letters and digits; punctuation separates)."""
    return _WORD.findall(fold(text))


def code_digits(code: str) -> str:
    return code.replace(".", "").casefold()


class CatalogueSearch:
    """In-memory index over the ``procedure`` table; call ``refresh`` after changes."""

    def __init__(self, store: Store):
        self.store = store
        self._entries: list[_Entry] = []
        self._by_code: dict[str, int] = {}
        self._codes_sorted: list[tuple[str, int]] = []
        self._postings: dict[str, set[int]] = {}
        self._vocab: list[str] = []
        self._abbreviations: dict[str, list[list[str]]] = {}
        self._usage: dict[int | None, tuple[float, dict[str, int]]] = {}
        self.refresh()

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload procedures and abbreviations (after an import, an edit, a retire)."""
        rows = self.store.db.execute(
            "SELECT code, full_code, name, field, online_level, favourite, active "
            "FROM procedure"
        ).fetchall()
        entries: list[_Entry] = []
        postings: dict[str, set[int]] = {}
        for i, (code, full_code, name, field, online, fav, active) in enumerate(rows):
            words = split_words(name)
            core = words[2:] if tuple(words[:2]) == _NOISE_PREFIX and len(words) > 2 else words
            entries.append(_Entry(
                code=code, full_code=full_code or code, name=name, field=field or "",
                online_level=online or "", favourite=bool(fav), active=bool(active),
                code_digits=code_digits(code), full_code_folded=fold(full_code or code),
                padded=" " + " ".join(words) + " ", padded_core=" " + " ".join(core) + " ",
                n_words=len(core),
            ))
            for w in set(words):
                postings.setdefault(w, set()).add(i)
        self._entries = entries
        self._by_code = {e.code: i for i, e in enumerate(entries)}
        self._codes_sorted = sorted(
            [(e.code_digits, i) for i, e in enumerate(entries)]
            + [(e.full_code_folded, i) for i, e in enumerate(entries)
               if e.full_code_folded != e.code])
        self._postings = postings
        self._vocab = sorted(postings)
        self._abbreviations = self._load_abbreviations()
        self._usage.clear()

    def _load_abbreviations(self) -> dict[str, list[list[str]]]:
        try:
            rows = self.store.db.execute(
                "SELECT short, expansion FROM abbreviation WHERE active = 1"
            ).fetchall()
        except sqlite3.OperationalError:  # a database from before the catalogue tables
            return {}
        result: dict[str, list[list[str]]] = {}
        for short, expansion in rows:
            key = fold(short).strip()
            words = split_words(expansion)
            if key and words and words != [key]:
                result.setdefault(key, []).append(words)
        return result

    def _usage_counts(self, counter_id: int | None) -> dict[str, int]:
        """How often this counter used each procedure lately (cached for a minute)."""
        if counter_id is None:
            return {}
        now = time.monotonic()
        cached = self._usage.get(counter_id)
        if cached and now - cached[0] < USAGE_CACHE_SECONDS:
            return cached[1]
        since = (datetime.now() - timedelta(days=USAGE_DAYS)).isoformat(timespec="seconds")
        rows = self.store.db.execute(
            "SELECT sp.procedure_code, count(*) FROM session_procedure sp "
            "JOIN session s ON s.id = sp.session_id "
            "WHERE s.counter_id = ? AND s.started_at >= ? AND s.voided = 0 "
            "GROUP BY sp.procedure_code",
            [counter_id, since],
        ).fetchall()
        counts = {code: n for code, n in rows}
        self._usage[counter_id] = (now, counts)
        return counts

    # -- queries -------------------------------------------------------------------------
    def get(self, code: str) -> SearchHit | None:
        i = self._by_code.get(code)
        return None if i is None else self._entries[i].hit(0.0)

    def favourites(self) -> list[SearchHit]:
        """Active favourites in Vietnamese name order (the picker's empty-query list)."""
        favs = [e for e in self._entries if e.favourite and e.active]
        favs.sort(key=lambda e: vietnamese_key(e.name))
        return [e.hit(0.0) for e in favs]

    def search(self, query: str, *, counter_id: int | None = None, limit: int = 20,
               include_retired: bool = False) -> list[SearchHit]:
        """Ranked matches for what the officer typed; an empty query gives nothing."""
        q = " ".join(fold(query or "").split())
        if not q or limit <= 0:
            return []
        tiers: dict[int, int] = {}
        quality: dict[int, float] = {}
        self._match_code(q, tiers)
        tokens = _WORD.findall(q)
        if tokens and not _is_code_query(q):
            self._match_words(tokens, tiers, quality)
        if not tiers:
            return []
        usage = self._usage_counts(counter_id)
        entries = self._entries

        def rank(i: int) -> tuple:
            e = entries[i]
            return (tiers[i], e.favourite, usage.get(e.code, 0), quality.get(i, 0.0),
                    -e.n_words, _neg_code(e.code))

        candidates: Iterable[int] = tiers
        if not include_retired:
            candidates = [i for i in tiers if entries[i].active]
        best = heapq.nlargest(limit, candidates, key=rank)
        return [entries[i].hit(_score(rank(i))) for i in best]

    def _match_code(self, q: str, tiers: dict[int, int]) -> None:
        compact = q.replace(" ", "")
        if not _CODE_LIKE.match(compact):
            return
        digits = code_digits(compact)
        # "1.012753.H19" typed in full: its base code is the first two dot-groups.
        base = ".".join(compact.split(".")[:2])
        exact = self._by_code.get(base)
        if exact is not None:
            tiers[exact] = TIER_EXACT_CODE
        keys = self._codes_sorted
        for key in {digits, compact}:
            start = bisect.bisect_left(keys, (key, -1))
            for text, i in itertools.islice(keys, start, None):
                if not text.startswith(key):
                    break
                if text == key:
                    tiers[i] = TIER_EXACT_CODE
                elif len(digits) >= 2 and tiers.get(i, 0) < TIER_CODE_PREFIX:
                    tiers[i] = TIER_CODE_PREFIX

    def _token_matches(self, token: str) -> dict[int, int]:
        """{entry index: how well} for one query word, abbreviations expanded.

        A word that is a known abbreviation ("kh") matches only as a whole word or
        spelled out, not as the start of longer words ("khai"): the officer meant it.
        """
        found: dict[int, int] = {}
        vocab = self._vocab
        is_abbreviation = token in self._abbreviations
        start = bisect.bisect_left(vocab, token)
        for w in itertools.islice(vocab, start, None):
            if not w.startswith(token):
                break
            if w != token and is_abbreviation:
                continue
            strength = _WHOLE if w == token else _PREFIX
            for i in self._postings[w]:
                if found.get(i, 0) < strength:
                    found[i] = strength
        if len(token) >= 3 and not is_abbreviation:
            for w in vocab:
                if token in w and not w.startswith(token):
                    for i in self._postings[w]:
                        found.setdefault(i, _SUBSTRING)
        for words in self._abbreviations.get(token, ()):
            phrase = " " + " ".join(words) + " "
            docs = set.intersection(*(self._postings.get(w, set()) for w in words))
            for i in docs:
                if phrase in self._entries[i].padded:
                    found[i] = _WHOLE
        return found

    def _variants(self, tokens: list[str]) -> list[str]:
        """The query as phrases, each abbreviation also spelled out (a few at most)."""
        options = []
        for n, t in enumerate(tokens):
            spelled = [" ".join(w) for w in self._abbreviations.get(t, ())]
            last_and_short = spelled and n == len(tokens) - 1
            options.append([t + " " if last_and_short else t] + spelled)
        return [" " + " ".join(combo) for combo in itertools.islice(
            itertools.product(*options), 16)]

    def _match_words(self, tokens: list[str], tiers: dict[int, int],
                     quality: dict[int, float]) -> None:
        per_token = [self._token_matches(t) for t in tokens]
        n = len(tokens)
        counted: dict[int, list[int]] = {}
        for matches in per_token:
            for i, strength in matches.items():
                slot = counted.get(i)
                if slot is None:
                    counted[i] = [1, strength, strength]
                else:
                    slot[0] += 1
                    slot[1] += strength
                    slot[2] = min(slot[2], strength)
        variants = self._variants(tokens)
        entries = self._entries
        for i, (hits, strength_sum, weakest) in counted.items():
            if hits == n:
                e = entries[i]
                if any(e.padded_core.startswith(v) or e.padded.startswith(v)
                       for v in variants):
                    tier = TIER_NAME_PREFIX
                elif weakest == _WHOLE:
                    tier = TIER_ALL_WHOLE_WORDS
                else:
                    tier = TIER_ALL_WORDS
                phrase = any(v in e.padded for v in variants)
                quality[i] = strength_sum + (10.0 if phrase else 0.0)
            else:
                tier = TIER_PARTIAL
                quality[i] = hits * 10.0 + strength_sum
            if tiers.get(i, 0) < tier:
                tiers[i] = tier


def _is_code_query(q: str) -> bool:
    """A code typed with dots or 4+ digits is looked up as a code only."""
    compact = q.replace(" ", "")
    return bool(_CODE_LIKE.match(compact)) and ("." in compact or len(compact) >= 4)


def _neg_code(code: str) -> tuple[int, ...]:
    """Lower codes first on ties (a max-heap key, so negate the numbers)."""
    return tuple(-int(p) if p.isdigit() else 0 for p in re.split(r"[.\-]", code))


def _score(rank: tuple) -> float:
    tier, fav, usage, quality, neg_words = rank[:5]
    return round(tier + (0.5 if fav else 0.0) + min(usage, 99) / 1000
                 + min(quality, 99.0) / 100000 + 1 / (1 - neg_words) / 10_000_000, 6)
