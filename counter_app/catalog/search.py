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
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.text import fold
from counter_app.storage.database import Store

USAGE_DAYS = 90
USAGE_CACHE_SECONDS = 60.0
_WORD = re.compile(r"[^\W_]+")
_CODE_LIKE = re.compile(r"^\d+(\.[0-9a-z]*)*$")
_EMBEDDED_CODE = re.compile(r"(?<![\w.])\d{1,2}\.\d{4,}(?:\.[0-9a-z]+)*")
_NOISE_PREFIX = ("thu", "tuc")
_MAX_CHAR = "\U0010ffff"

Quality = Callable[[list[int]], list[int]]  # quality of each document, in bulk

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
        return SearchHit(
            self.code,
            self.full_code,
            self.name,
            self.field,
            self.online_level,
            self.favourite,
            score,
        )


# Vietnamese writes a syllable ending in i/y either way after a consonant ("kí"/"ký",
# "lí"/"lý", "mĩ"/"mỹ", "quí"/"quý"): officers type "dang ki" for "Đăng ký". Index and
# query both spell such a syllable with i; "y" alone ("y tế") and "uy", "ay" stay.
_FINAL_Y = re.compile(r"\b(ph|th|tr|ch|nh|ng|kh|gh|qu|[bcdghklmnprstvx])y\b")


def search_form(folded: str) -> str:
    """Folded text with the interchangeable final y written i."""
    return _FINAL_Y.sub(r"\1i", folded) if "y" in folded else folded


def split_words(text: str) -> list[str]:
    """Search words of ``text`` (letters and digits; punctuation separates)."""
    return _WORD.findall(search_form(fold(text)))


def code_digits(code: str) -> str:
    return code.replace(".", "").casefold()


class CatalogueSearch:
    """In-memory index over the ``procedure`` table; call ``refresh`` after changes."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now):
        self.store = store
        self.clock = clock
        self._entries: list[_Entry] = []
        self._by_code: dict[str, int] = {}
        self._codes_sorted: list[tuple[str, int]] = []
        self._postings: dict[str, set[int]] = {}
        self._vocab: list[str] = []
        self._vocab_blob = ""
        self._vocab_starts: list[int] = []
        self._abbreviations: dict[str, list[list[str]]] = {}
        self._usage: dict[int | None, tuple[float, dict[str, int]]] = {}
        self._token_cache: dict[str, tuple[dict[int, int], set[int]]] = {}
        self._static: list[int] = []
        self._fav: list[bool] = []
        self._active: list[bool] = []
        self._code_of: list[str] = []
        self._padded: list[str] = []
        self._compact_blob = ""
        self._compact_starts: list[int] = []
        self._cores_sorted: list[tuple[str, int]] = []
        self._names_sorted: list[tuple[str, int]] = []
        self.refresh()

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload procedures and abbreviations (after an import, an edit, a retire)."""
        rows = self.store.db.execute(
            "SELECT code, full_code, name, field, online_level, favourite, active, name_folded "
            "FROM procedure"
        ).fetchall()
        entries: list[_Entry] = []
        postings: dict[str, set[int]] = {}
        for i, (code, full_code, name, field, online, fav, active, folded) in enumerate(rows):
            # name_folded is kept by every writer (seed, import, edits)
            words = _WORD.findall(search_form(folded or fold(name)))
            core = words[2:] if tuple(words[:2]) == _NOISE_PREFIX and len(words) > 2 else words
            entries.append(
                _Entry(
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
                )
            )
            for w in set(words):
                postings.setdefault(w, set()).add(i)
        self._entries = entries
        self._by_code = {e.code: i for i, e in enumerate(entries)}
        self._codes_sorted = sorted(
            [(e.code_digits, i) for i, e in enumerate(entries)]
            + [
                (e.full_code_folded, i)
                for i, e in enumerate(entries)
                if e.full_code_folded != e.code
            ]
        )
        self._postings = postings
        self._vocab = sorted(postings)
        # All words in one string: a substring search is one C-speed scan, not a loop.
        self._vocab_blob = "\n".join(self._vocab)
        self._vocab_starts = (
            list(itertools.accumulate((len(w) + 1 for w in self._vocab[:-1]), initial=0))
            if self._vocab
            else []
        )
        self._abbreviations = self._load_abbreviations()
        self._usage.clear()
        self._token_cache = {}
        # Ties go to short names, then low codes: a static rank, higher is better.
        order = sorted(
            range(len(entries)), key=lambda i: (entries[i].n_words, _code_tuple(entries[i].code))
        )
        self._static = [0] * len(entries)
        for position, i in enumerate(order):
            self._static[i] = len(entries) - position
        self._fav = [e.favourite for e in entries]
        self._active = [e.active for e in entries]
        self._code_of = [e.code for e in entries]
        self._padded = [e.padded for e in entries]
        compact_names = [e.padded.replace(" ", "") for e in entries]
        self._compact_blob = "\n".join(compact_names)
        self._compact_starts = (
            list(itertools.accumulate((len(c) + 1 for c in compact_names[:-1]), initial=0))
            if entries
            else []
        )
        self._cores_sorted = sorted((e.padded_core, i) for i, e in enumerate(entries))
        self._names_sorted = sorted((e.padded, i) for i, e in enumerate(entries))

    def _load_abbreviations(self) -> dict[str, list[list[str]]]:
        rows = self.store.db.execute(
            "SELECT short, expansion FROM abbreviation WHERE active = 1"
        ).fetchall()
        result: dict[str, list[list[str]]] = {}
        for short, expansion in rows:
            key = search_form(fold(short).strip())
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
        since = (self.clock() - timedelta(days=USAGE_DAYS)).isoformat(timespec="seconds")
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

    def search(
        self,
        query: str,
        *,
        counter_id: int | None = None,
        limit: int = 20,
        include_retired: bool = False,
    ) -> list[SearchHit]:
        """Ranked matches for what the officer typed; an empty query gives nothing."""
        q = search_form(" ".join(fold(query or "").split()))
        if not q or limit <= 0:
            return []
        usage = self._usage_counts(counter_id)
        used = {self._by_code[c] for c in usage if c in self._by_code}
        ranked: list[tuple[int, int]] = []  # (key, entry index), key higher is better
        taken: set[int] = set()
        active, fav, static = self._active, self._fav, self._static

        def add_tier(tier: int, docs: set[int], quality: Quality) -> bool:
            """Rank one tier's documents; True once enough results are collected."""
            fresh = [i for i in docs if i not in taken and (include_retired or active[i])]
            taken.update(fresh)
            if len(fresh) > limit:
                # Only favourites, recently used ones and the best `limit` of the rest can
                # make the list: rank the rest by (quality, static) alone, in bulk.
                special = [i for i in fresh if fav[i] or i in used]
                plain = [i for i in fresh if not fav[i] and i not in used]
                keys = [q * 16384 + static[i] for q, i in zip(quality(plain), plain, strict=True)]
                fresh = special + [
                    i for _, i in heapq.nlargest(limit, zip(keys, plain, strict=True))
                ]
            for q, i in zip(quality(fresh), fresh, strict=True):
                ranked.append((self._key(tier, i, usage, q), i))
            return len(ranked) >= limit

        exact, prefix = self._match_code(q)
        for embedded in _EMBEDDED_CODE.findall(q):  # "mã 1.001193," pasted from a paper
            more_exact, more_prefix = self._match_code(embedded)
            exact |= more_exact
            prefix |= more_prefix
        done = add_tier(TIER_EXACT_CODE, exact, _no_quality)
        if not done:
            done = add_tier(TIER_CODE_PREFIX, prefix, _no_quality)
        tokens = _WORD.findall(q)
        if not done and tokens and not _is_code_query(q):
            self._rank_words(tokens, add_tier)
        compact = "".join(tokens)
        if not ranked and len(compact) >= 4 and not compact.isdigit():
            # "khaisinh" typed without spaces: look in the names without spaces.
            add_tier(TIER_PARTIAL, self._compact_matches(compact), _no_quality)
        best = heapq.nlargest(limit, ranked)
        return [self._entries[i].hit(_score(key)) for key, i in best]

    def _key(self, tier: int, i: int, usage: dict[str, int], quality: int) -> int:
        """One integer that sorts like (tier, favourite, recent use, quality, static)."""
        used = min(usage.get(self._code_of[i], 0), 1023) if usage else 0
        return (
            ((tier * 2 + self._fav[i]) * 1024 + used) * 1024 + min(quality, 1023)
        ) * 16384 + min(self._static[i], 16383)

    def _rank_words(
        self, tokens: list[str], add_tier: Callable[[int, set[int], Quality], bool]
    ) -> None:
        per_token = [self._token_matches(t) for t in tokens]
        matches = [m for m, _ in per_token]
        all_docs: set[int] = set(matches[0])
        for m in matches[1:]:
            all_docs &= m.keys()
        variants = self._variants(tokens)
        padded = self._padded
        single = len(tokens) == 1

        def strengths(docs: list[int]) -> list[int]:
            totals = [0] * len(docs)
            for m in matches:
                get = m.get
                totals = [t + get(i, 0) for t, i in zip(totals, docs, strict=True)]
            return totals

        def quality(docs: list[int]) -> list[int]:
            """Words matched well, plus a bonus when they stand together as typed."""
            totals = strengths(docs)
            if single:
                return totals
            if len(variants) == 1:
                v = variants[0]
                return [
                    t + (10 if v in padded[i] else 0) for t, i in zip(totals, docs, strict=True)
                ]
            return [
                t + (10 if any(v in padded[i] for v in variants) else 0)
                for t, i in zip(totals, docs, strict=True)
            ]

        prefix_docs = self._name_prefix_docs(variants) & all_docs
        if add_tier(TIER_NAME_PREFIX, prefix_docs, quality):
            return
        whole = set(per_token[0][1])
        for _, w in per_token[1:]:
            whole &= w
        if add_tier(TIER_ALL_WHOLE_WORDS, whole & all_docs, quality):
            return
        if add_tier(TIER_ALL_WORDS, all_docs, quality):
            return
        if single:
            return
        hits: Counter[int] = Counter()
        for m in matches:
            hits.update(m.keys())
        groups: dict[int, set[int]] = {}
        for i, n in hits.items():
            groups.setdefault(n, set()).add(i)
        # Most words matched first; a smaller group is only ranked when still needed.
        for n in sorted(groups, reverse=True):
            if add_tier(
                TIER_PARTIAL, groups[n], lambda docs, n=n: [n * 64 + t for t in strengths(docs)]
            ):
                return

    def _compact_matches(self, compact: str) -> set[int]:
        """Entries whose name, spaces removed, contains ``compact``."""
        found: set[int] = set()
        blob, starts = self._compact_blob, self._compact_starts
        pos = blob.find(compact)
        while pos >= 0:
            k = bisect.bisect_right(starts, pos) - 1
            found.add(k)
            pos = blob.find(compact, starts[k + 1] if k + 1 < len(starts) else len(blob))
        return found

    def _name_prefix_docs(self, variants: list[str]) -> set[int]:
        """Entries whose name (or name without "Thủ tục") starts with a query variant."""
        found: set[int] = set()
        for v in variants:
            # The full name only differs from the core when the officer typed "thu tuc".
            lists = (
                (self._cores_sorted, self._names_sorted)
                if v.startswith(" thu")
                else (self._cores_sorted,)
            )
            for sorted_names in lists:
                start = bisect.bisect_left(sorted_names, (v,))
                end = bisect.bisect_left(sorted_names, (v + _MAX_CHAR,), start)
                found.update(i for _, i in sorted_names[start:end])
        return found

    def _match_code(self, q: str) -> tuple[set[int], set[int]]:
        """(exact, prefix) matches of a typed code, with or without dots."""
        exact: set[int] = set()
        prefix: set[int] = set()
        compact = q.replace(" ", "")
        if not _CODE_LIKE.match(compact):
            return exact, prefix
        digits = code_digits(compact)
        # "1.012753.H19" typed in full: its base code is the first two dot-groups.
        base = self._by_code.get(".".join(compact.split(".")[:2]))
        if base is not None:
            exact.add(base)
        keys = self._codes_sorted
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

    def _token_matches(self, token: str) -> tuple[dict[int, int], set[int]]:
        """({entry index: how well}, entries matching it as a whole word) for one query word.

        Cached per word until ``refresh``: while typing, only the last word is new.

        A word that is a known abbreviation ("kh") matches only as a whole word or
        spelled out, not as the start of longer words ("khai"): the officer meant it.
        """
        cached = self._token_cache.get(token)
        if cached is not None:
            return cached
        vocab, postings = self._vocab, self._postings
        is_abbreviation = token in self._abbreviations
        # Weakest first: each later update overwrites with a stronger match.
        found: dict[int, int] = {}
        if len(token) >= 3 and not is_abbreviation:
            blob, starts = self._vocab_blob, self._vocab_starts
            pos = blob.find(token)
            while pos >= 0:
                k = bisect.bisect_right(starts, pos) - 1
                if starts[k] != pos:  # inside a word, not at its start
                    found.update(dict.fromkeys(postings[vocab[k]], _SUBSTRING))
                pos = blob.find(token, starts[k + 1] if k + 1 < len(starts) else len(blob))
        start = bisect.bisect_left(vocab, token)
        end = bisect.bisect_left(vocab, token + _MAX_CHAR, start)
        if not is_abbreviation:
            for w in vocab[start:end]:
                if w != token:
                    found.update(dict.fromkeys(postings[w], _PREFIX))
        whole: set[int] = set(postings.get(token, ()))
        for words in self._abbreviations.get(token, ()):
            phrase = " " + " ".join(words) + " "
            docs = set.intersection(*(postings.get(w, set()) for w in words))
            whole.update(i for i in docs if phrase in self._padded[i])
        found.update(dict.fromkeys(whole, _WHOLE))
        result = found, whole
        if len(self._token_cache) > 5000:
            self._token_cache.clear()
        self._token_cache[token] = result
        return result

    def _variants(self, tokens: list[str]) -> list[str]:
        """The query as phrases, each abbreviation also spelled out (a few at most)."""
        options = []
        for n, t in enumerate(tokens):
            spelled = [" ".join(w) for w in self._abbreviations.get(t, ())]
            last_and_short = spelled and n == len(tokens) - 1
            options.append([t + " " if last_and_short else t] + spelled)
        return [
            " " + " ".join(combo) for combo in itertools.islice(itertools.product(*options), 16)
        ]


def _is_code_query(q: str) -> bool:
    """A code typed with dots or 4+ digits is looked up as a code only."""
    compact = q.replace(" ", "")
    return bool(_CODE_LIKE.match(compact)) and ("." in compact or len(compact) >= 4)


def _code_tuple(code: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.\-]", code))


def _no_quality(docs: list[int]) -> list[int]:
    return [0] * len(docs)


def _score(key: int) -> float:
    """The ranking key as a readable number: the tier, then the finer order as fraction."""
    tier_and_fav, rest = divmod(key, 1024 * 1024 * 16384)
    return round(
        tier_and_fav // 2 + (tier_and_fav % 2) * 0.5 + rest / (1024 * 1024 * 16384) * 0.5, 6
    )
