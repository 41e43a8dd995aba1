"""The one procedure search every picker uses: instant, diacritic-blind, ranked.

The whole catalogue (a few thousand rows) is held in memory as folded text plus an
inverted word index (``search_index``), so a keystroke costs well under a few
milliseconds. Ranking, here:

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

from counter_app.catalog.search_index import (
    CODE_LIKE,
    MAX_CHAR,
    WORD,
    IndexEntry,
    SearchIndex,
    load_index,
    search_form,
)
from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.text import fold
from counter_app.storage.database import Store

USAGE_DAYS = 90
USAGE_CACHE_SECONDS = 60.0
_EMBEDDED_CODE = re.compile(r"(?<![\w.])\d{1,2}\.\d{4,}(?:\.[0-9a-z]+)*")

Quality = Callable[[list[int]], list[int]]  # quality of each document, in bulk
AddTier = Callable[[int, set[int], Quality], bool]  # True once enough hits are collected

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


def _hit(e: IndexEntry, score: float) -> SearchHit:
    return SearchHit(e.code, e.full_code, e.name, e.field, e.online_level, e.favourite, score)


class CatalogueSearch:
    """In-memory index over the ``procedure`` table; call ``refresh`` after changes."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now):
        self.store = store
        self.clock = clock
        self._usage: dict[int | None, tuple[float, dict[str, int]]] = {}
        self._token_cache: dict[str, tuple[dict[int, int], set[int]]] = {}
        self.refresh()

    # -- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload procedures and abbreviations (after an import, an edit, a retire)."""
        self._index: SearchIndex = load_index(self.store)
        self._usage.clear()
        self._token_cache = {}

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
        i = self._index.by_code.get(code)
        return None if i is None else _hit(self._index.entries[i], 0.0)

    def favourites(self) -> list[SearchHit]:
        """Active favourites in Vietnamese name order (the picker's empty-query list)."""
        favs = [e for e in self._index.entries if e.favourite and e.active]
        favs.sort(key=lambda e: vietnamese_key(e.name))
        return [_hit(e, 0.0) for e in favs]

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
        ix = self._index
        ranking = _Ranking(ix, self._usage_counts(counter_id), limit, include_retired)
        exact, prefix = ix.match_code(q)
        for embedded in _EMBEDDED_CODE.findall(q):  # "mã 1.001193," pasted from a paper
            more_exact, more_prefix = ix.match_code(embedded)
            exact |= more_exact
            prefix |= more_prefix
        done = ranking.add(TIER_EXACT_CODE, exact, _no_quality) or ranking.add(
            TIER_CODE_PREFIX, prefix, _no_quality
        )
        tokens = WORD.findall(q)
        if not done and tokens and not _is_code_query(q):
            self._rank_words(tokens, ranking.add)
        compact = "".join(tokens)
        if not ranking.ranked and len(compact) >= 4 and not compact.isdigit():
            # "khaisinh" typed without spaces: look in the names without spaces.
            ranking.add(TIER_PARTIAL, ix.compact_matches(compact), _no_quality)
        return ranking.best()

    def _rank_words(self, tokens: list[str], add_tier: AddTier) -> None:
        per_token = [self._token_matches(t) for t in tokens]
        matches = [m for m, _ in per_token]
        all_docs: set[int] = set(matches[0])
        for m in matches[1:]:
            all_docs &= m.keys()
        variants = self._variants(tokens)
        strengths = _strengths(matches)
        quality = _phrase_quality(strengths, variants, self._index.padded, len(tokens) == 1)
        prefix_docs = self._index.name_prefix_docs(variants) & all_docs
        if add_tier(TIER_NAME_PREFIX, prefix_docs, quality):
            return
        whole = set(per_token[0][1])
        for _, w in per_token[1:]:
            whole &= w
        if add_tier(TIER_ALL_WHOLE_WORDS, whole & all_docs, quality):
            return
        if add_tier(TIER_ALL_WORDS, all_docs, quality):
            return
        if len(tokens) > 1:
            _rank_partial(matches, strengths, add_tier)

    def _token_matches(self, token: str) -> tuple[dict[int, int], set[int]]:
        """({entry index: how well}, entries matching it as a whole word) for one query word.

        Cached per word until ``refresh``: while typing, only the last word is new.

        A word that is a known abbreviation ("kh") matches only as a whole word or
        spelled out, not as the start of longer words ("khai"): the officer meant it.
        """
        cached = self._token_cache.get(token)
        if cached is not None:
            return cached
        ix = self._index
        vocab, postings = ix.vocab, ix.postings
        is_abbreviation = token in ix.abbreviations
        # Weakest first: each later update overwrites with a stronger match.
        found: dict[int, int] = {}
        if len(token) >= 3 and not is_abbreviation:
            blob, starts = ix.vocab_blob, ix.vocab_starts
            pos = blob.find(token)
            while pos >= 0:
                k = bisect.bisect_right(starts, pos) - 1
                if starts[k] != pos:  # inside a word, not at its start
                    found.update(dict.fromkeys(postings[vocab[k]], _SUBSTRING))
                pos = blob.find(token, starts[k + 1] if k + 1 < len(starts) else len(blob))
        start = bisect.bisect_left(vocab, token)
        end = bisect.bisect_left(vocab, token + MAX_CHAR, start)
        if not is_abbreviation:
            for w in vocab[start:end]:
                if w != token:
                    found.update(dict.fromkeys(postings[w], _PREFIX))
        whole: set[int] = set(postings.get(token, ()))
        for words in ix.abbreviations.get(token, ()):
            phrase = " " + " ".join(words) + " "
            docs = set.intersection(*(postings.get(w, set()) for w in words))
            whole.update(i for i in docs if phrase in ix.padded[i])
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
            spelled = [" ".join(w) for w in self._index.abbreviations.get(t, ())]
            last_and_short = spelled and n == len(tokens) - 1
            options.append([t + " " if last_and_short else t] + spelled)
        return [
            " " + " ".join(combo) for combo in itertools.islice(itertools.product(*options), 16)
        ]


class _Ranking:
    """One query's hits, ranked tier by tier until ``limit`` of them are collected."""

    def __init__(
        self, ix: SearchIndex, usage: dict[str, int], limit: int, include_retired: bool
    ) -> None:
        self.ix = ix
        self.usage = usage
        self.used = {ix.by_code[c] for c in usage if c in ix.by_code}
        self.limit = limit
        self.include_retired = include_retired
        self.ranked: list[tuple[int, int]] = []  # (key, entry index), key higher is better
        self.taken: set[int] = set()

    def add(self, tier: int, docs: set[int], quality: Quality) -> bool:
        """Rank one tier's documents; True once enough results are collected."""
        active, fav, static = self.ix.active, self.ix.fav, self.ix.static
        limit, used, taken = self.limit, self.used, self.taken
        fresh = [i for i in docs if i not in taken and (self.include_retired or active[i])]
        taken.update(fresh)
        if len(fresh) > limit:
            # Only favourites, recently used ones and the best `limit` of the rest can
            # make the list: rank the rest by (quality, static) alone, in bulk.
            special = [i for i in fresh if fav[i] or i in used]
            plain = [i for i in fresh if not fav[i] and i not in used]
            keys = [q * 16384 + static[i] for q, i in zip(quality(plain), plain, strict=True)]
            fresh = special + [i for _, i in heapq.nlargest(limit, zip(keys, plain, strict=True))]
        for q, i in zip(quality(fresh), fresh, strict=True):
            self.ranked.append((self.key(tier, i, q), i))
        return len(self.ranked) >= limit

    def key(self, tier: int, i: int, quality: int) -> int:
        """One integer that sorts like (tier, favourite, recent use, quality, static)."""
        ix, usage = self.ix, self.usage
        used = min(usage.get(ix.code_of[i], 0), 1023) if usage else 0
        return (((tier * 2 + ix.fav[i]) * 1024 + used) * 1024 + min(quality, 1023)) * 16384 + min(
            ix.static[i], 16383
        )

    def best(self) -> list[SearchHit]:
        best = heapq.nlargest(self.limit, self.ranked)
        return [_hit(self.ix.entries[i], _score(key)) for key, i in best]


def _strengths(matches: list[dict[int, int]]) -> Quality:
    """How well each document matched the query words, summed over the words."""

    def strengths(docs: list[int]) -> list[int]:
        totals = [0] * len(docs)
        for m in matches:
            get = m.get
            totals = [t + get(i, 0) for t, i in zip(totals, docs, strict=True)]
        return totals

    return strengths


def _phrase_quality(
    strengths: Quality, variants: list[str], padded: list[str], single: bool
) -> Quality:
    """Words matched well, plus a bonus when they stand together as typed."""

    def quality(docs: list[int]) -> list[int]:
        totals = strengths(docs)
        if single:
            return totals
        if len(variants) == 1:
            v = variants[0]
            return [t + (10 if v in padded[i] else 0) for t, i in zip(totals, docs, strict=True)]
        return [
            t + (10 if any(v in padded[i] for v in variants) else 0)
            for t, i in zip(totals, docs, strict=True)
        ]

    return quality


def _rank_partial(matches: list[dict[int, int]], strengths: Quality, add_tier: AddTier) -> None:
    """Documents with only some of the words, most words matched first; a smaller group
    is only ranked while results are still needed."""
    hits: Counter[int] = Counter()
    for m in matches:
        hits.update(m.keys())
    groups: dict[int, set[int]] = {}
    for i, n in hits.items():
        groups.setdefault(n, set()).add(i)
    for n in sorted(groups, reverse=True):

        def partial(docs: list[int], n: int = n) -> list[int]:
            return [n * 64 + t for t in strengths(docs)]

        if add_tier(TIER_PARTIAL, groups[n], partial):
            return


def _is_code_query(q: str) -> bool:
    """A code typed with dots or 4+ digits is looked up as a code only."""
    compact = q.replace(" ", "")
    return bool(CODE_LIKE.match(compact)) and ("." in compact or len(compact) >= 4)


def _no_quality(docs: list[int]) -> list[int]:
    return [0] * len(docs)


def _score(key: int) -> float:
    """The ranking key as a readable number: the tier, then the finer order as fraction."""
    tier_and_fav, rest = divmod(key, 1024 * 1024 * 16384)
    return round(
        tier_and_fav // 2 + (tier_and_fav % 2) * 0.5 + rest / (1024 * 1024 * 16384) * 0.5, 6
    )
