"""The one procedure search every picker uses: instant, diacritic-blind, ranked.

The whole catalogue (a few thousand rows) is held in memory as folded text plus an
inverted word index (``search_index``), so a keystroke costs well under a few
milliseconds. Ranking, here:

    exact code > code prefix > every word matched as a whole word > every word matched
    (prefixes, substrings) > the letters matched with the spaces left out
    — and only when nothing of that is found, suggestions that are never added unseen:
    words matched after fixing a typo ("khai sihn") > some words matched

Within a tier: a word typed WITH marks prefers the names that have exactly that word
("biến động" before "biển … hoạt động"), then favourites, then how often THIS counter
used the procedure in the last 90 days, then how well the words sit together (the name
starts with them, they stand together as typed, pairs of them stand side by side), a
short name, a low code. A leading "Thủ tục" in the name is noise for the "starts with"
test. Abbreviations ("dk", "ks", "bhyt"...) come from the editable ``abbreviation``
table. Numbers match without their leading zeros ("muc 2" finds "mức độ 02").

How often this counter used each procedure is read once (on the app's job runner when
one is given, never inside a keystroke) and then kept up to date by ``note_use`` after
each save.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from counter_app.catalog.search_index import (
    CODE_LIKE,
    MAX_CHAR,
    IndexEntry,
    SearchIndex,
    load_index,
    marked_words,
    search_form,
    spellings,
    words_of,
)
from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.text import fold
from counter_app.storage.database import Store

USAGE_DAYS = 90
# Saves update the counts as they happen (``note_use``); a full recount now and then
# only lets uses older than 90 days drop out and picks up other PCs' restores.
USAGE_REFRESH_SECONDS = 15 * 60.0
_NOISE = re.compile(r"^\s*thủ tục\s+", re.IGNORECASE)
_EMBEDDED_CODE = re.compile(r"(?<![\w.])\d{1,2}\.\d{4,}(?:\.[0-9a-z]+)*")

Quality = Callable[[list[int]], list[int]]  # quality of each document, in bulk
AddTier = Callable[[int, set[int], Quality], bool]  # True once enough hits are collected
# run_in_background(job, done, key=...) of the app: the job runs on a worker thread.
Runner = Callable[..., None]

# Match tiers, best first (higher wins). From TIER_COMPACT up a hit is "sure": the top
# one may be added without being chosen (Enter, Ctrl+Enter); below it a hit is only a
# suggestion (``SearchHit.tentative``).
TIER_EXACT_CODE = 7
TIER_CODE_PREFIX = 6
TIER_ALL_WHOLE_WORDS = 5
TIER_ALL_WORDS = 4
TIER_COMPACT = 3
TIER_TYPO = 2
TIER_PARTIAL = 1
SURE_TIER = TIER_COMPACT

# How a query word matched a procedure name.
_WHOLE, _PREFIX, _SUBSTRING = 3, 2, 1
_TYPO = 1  # a word found only after fixing a typo counts as weakly as a substring
# Quality bonuses on top of the words' strengths.
_NAME_STARTS = 12  # the name (without "Thủ tục") starts with what was typed
_PHRASE = 10  # all the words stand together as typed
_PAIR = 3  # each pair of words typed side by side that stands side by side in the name

# How rare a word is, for suggestions with some words only, is measured against at
# least this many procedures (a commune's own short list must not make every word rare).
_CATALOGUE_SIZE_FLOOR = 500

# The ranking key packs, from the most significant: tier, marks, favourite, use,
# quality, static rank. Widths of each part:
_STATIC, _QUALITY, _USE, _FAV, _MARKS = 16384, 1024, 1024, 2, 8
_BELOW_TIER = _MARKS * _FAV * _USE * _QUALITY * _STATIC


@dataclass(frozen=True)
class SearchHit:
    code: str
    full_code: str
    name: str
    field: str
    online_level: str
    favourite: bool
    score: float
    tentative: bool = False  # a suggestion (typo fixed, some words only): never auto-added


def _hit(e: IndexEntry, score: float, tentative: bool = False) -> SearchHit:
    return SearchHit(
        e.code, e.full_code, e.name, e.field, e.online_level, e.favourite, score, tentative
    )


def usage_counts(store: Store, counter_id: int, since: datetime) -> dict[str, int]:
    """{procedure code: sessions} of one counter since ``since`` (not voided). Any thread
    with its own connection (a ``store.reader()`` on the job runner)."""
    rows = store.db.execute(
        "SELECT sp.procedure_code, count(*) FROM session_procedure sp "
        "JOIN session s ON s.id = sp.session_id "
        "WHERE s.counter_id = ? AND s.started_at >= ? AND s.voided = 0 "
        "GROUP BY sp.procedure_code",
        [counter_id, since.isoformat(timespec="seconds")],
    ).fetchall()
    return {code: n for code, n in rows}


class _Usage:
    """One counter's recent use: the counts, when they were read, whether a read runs."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.read_at: float | None = None  # time.monotonic() of the last full read
        self.loading = False
        self.generation = 0  # a refresh() meanwhile makes a running read's result stale


class CatalogueSearch:
    """In-memory index over the ``procedure`` table; call ``refresh`` after changes.

    The index is built on first use, not in the constructor: a screen that only shows
    the catalogue's list (the Catalogue tab) never pays for it.

    ``runner`` (the app's ``run_in_background``) moves the read of this counter's recent
    use to a worker with its own read-only connection; until it arrives, ranking goes
    without it. Without a runner (command line, tests) the counts are read at once.
    """

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = datetime.now,
        runner: Runner | None = None,
    ):
        self.store = store
        self.clock = clock
        self.runner = runner
        self._index_cache: SearchIndex | None = None
        self._usage: dict[int, _Usage] = {}
        self._usage_lock = threading.Lock()
        self._token_cache: dict[str, tuple[dict[int, int], set[int]]] = {}
        self._typo_cache: dict[str, list[str]] = {}

    # -- loading -------------------------------------------------------------------------
    @property
    def _index(self) -> SearchIndex:
        if self._index_cache is None:
            self._index_cache = load_index(self.store)
        return self._index_cache

    def refresh(self) -> None:
        """After an import, an edit, a retire: the index is built again on next use and
        the recent use read again."""
        self._index_cache = None
        self._token_cache = {}
        self._typo_cache = {}
        with self._usage_lock:
            for usage in self._usage.values():
                usage.read_at = None
                usage.generation += 1

    def warm(self, counter_id: int | None = None) -> None:
        """Build the index and start reading this counter's use now, before the first
        keystroke needs them."""
        _ = self._index
        if counter_id is not None:
            self._usage_counts(counter_id)

    def note_use(self, counter_id: int | None, codes: list[str], n: int = 1) -> None:
        """A session of these procedures was just saved at this counter (``n`` sessions
        for a batch): count it without reading the table again."""
        if counter_id is None:
            return
        with self._usage_lock:
            usage = self._usage.get(counter_id)
            if usage is None or usage.read_at is None and not usage.loading:
                return  # nothing read yet: the coming read includes this session
            for code in codes:
                usage.counts[code] = usage.counts.get(code, 0) + n

    def _usage_counts(self, counter_id: int | None) -> dict[str, int]:
        """This counter's recent use as known now; starts a (background) read when none
        was made or the last one is old. Never waits for the database with a runner."""
        if counter_id is None:
            return {}
        with self._usage_lock:
            usage = self._usage.setdefault(counter_id, _Usage())
            fresh = (
                usage.read_at is not None
                and time.monotonic() - usage.read_at < USAGE_REFRESH_SECONDS
            )
            if fresh or usage.loading:
                return usage.counts
            usage.loading = True
            generation = usage.generation
        since = self.clock() - timedelta(days=USAGE_DAYS)
        if self.runner is None:
            self._usage_read(counter_id, generation, usage_counts(self.store, counter_id, since))
            return usage.counts
        reader = self.store.reader()

        def job() -> dict[str, int]:
            try:
                return usage_counts(reader, counter_id, since)
            finally:
                reader.close()

        def done(counts: dict[str, int] | None, error: BaseException | None) -> None:
            if error is not None or counts is None:
                with self._usage_lock:
                    usage.loading = False  # try again at the next keystroke
                return
            self._usage_read(counter_id, generation, counts)

        self.runner(job, done, key=f"catalogue-usage-{counter_id}")
        return usage.counts

    def _usage_read(self, counter_id: int, generation: int, counts: dict[str, int]) -> None:
        with self._usage_lock:
            usage = self._usage[counter_id]
            usage.loading = False
            usage.counts = counts
            # A refresh() while reading: keep these counts, but read again next time.
            usage.read_at = time.monotonic() if generation == usage.generation else None

    # -- queries -------------------------------------------------------------------------
    def get(self, code: str) -> SearchHit | None:
        i = self._index.by_code.get(code)
        return None if i is None else _hit(self._index.entries[i], 0.0)

    def favourites(self) -> list[SearchHit]:
        """Active favourites in Vietnamese name order, a leading "Thủ tục" aside (the
        order of Alt+1…9: "Đăng ký khai sinh" sits with the other "Đăng ký")."""
        favs = [e for e in self._index.entries if e.favourite and e.active]
        favs.sort(key=lambda e: vietnamese_key(_NOISE.sub("", e.name)))
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
        tokens = words_of(q)
        marks = _marks_of(tokens, marked_words(query or ""), ix.marked)
        ranking = _Ranking(ix, self._usage_counts(counter_id), limit, include_retired, marks)
        exact, prefix = ix.match_code(q)
        for embedded in _EMBEDDED_CODE.findall(q):  # "mã 1.001193," pasted from a paper
            more_exact, more_prefix = ix.match_code(embedded)
            exact |= more_exact
            prefix |= more_prefix
        done = ranking.add(TIER_EXACT_CODE, exact, _no_quality) or ranking.add(
            TIER_CODE_PREFIX, prefix, _no_quality
        )
        words_query = bool(tokens) and not _is_code_query(q)
        if not done and words_query:
            done = self._rank_words(tokens, ranking.add)
        compact = "".join(tokens)
        if not ranking.ranked and len(compact) >= 4 and not compact.isdigit():
            # "khaisinh" typed without spaces: look in the names without spaces.
            done = ranking.add(TIER_COMPACT, ix.compact_matches(compact), _no_quality)
        if not ranking.ranked and words_query:
            done = self._rank_typos(tokens, ranking.add)
        if not done and words_query and len(tokens) > 1:
            matches = [self._token_matches(t)[0] for t in tokens]
            _rank_partial(matches, _strengths(matches), ranking.add)
        return ranking.best()

    def _rank_words(self, tokens: list[str], add_tier: AddTier) -> bool:
        """The sure tiers of a words query; True once enough hits are collected."""
        per_token = [self._token_matches(t) for t in tokens]
        matches = [m for m, _ in per_token]
        all_docs: set[int] = set(matches[0])
        for m in matches[1:]:
            all_docs &= m.keys()
        if not all_docs:
            return False
        variants = self._variants(tokens)
        starts = self._index.name_prefix_docs(self._prefix_phrases(tokens)) & all_docs
        quality = _phrase_quality(_strengths(matches), variants, self._index.padded, starts)
        whole = set(per_token[0][1])
        for _, w in per_token[1:]:
            whole &= w
        whole &= all_docs
        if add_tier(TIER_ALL_WHOLE_WORDS, whole, quality):
            return True
        return add_tier(TIER_ALL_WORDS, all_docs - whole, quality)

    def _rank_typos(self, tokens: list[str], add_tier: AddTier) -> bool:
        """Nothing matched every word: a word no procedure has is replaced by the words
        one or two typing slips away ("sihn" → "sinh"); those hits are suggestions."""
        matches: list[dict[int, int]] = []
        fixed = False
        for token in tokens:
            found = self._token_matches(token)[0]
            if not found:
                found = {}
                for word in self._typo_candidates(token):
                    found.update(dict.fromkeys(self._index.postings[word], _TYPO))
                fixed = fixed or bool(found)
            matches.append(found)
        if not fixed:
            return False
        docs: set[int] = set(matches[0])
        for m in matches[1:]:
            docs &= m.keys()
        return add_tier(TIER_TYPO, docs, _strengths(matches))

    def _typo_candidates(self, token: str) -> list[str]:
        """Words of the catalogue within one slip (two for long words) of ``token``: a
        letter wrong, missing, extra, or two letters swapped."""
        cached = self._typo_cache.get(token)
        if cached is not None:
            return cached
        found: list[str] = []
        if len(token) >= 3 and not token.isdigit():
            limit = 1 if len(token) <= 5 else 2
            by_length = self._index.vocab_by_length
            for n in range(len(token) - limit, len(token) + limit + 1):
                found.extend(w for w in by_length.get(n, ()) if _within(token, w, limit))
        if len(self._typo_cache) > 2000:
            self._typo_cache.clear()
        self._typo_cache[token] = found
        return found

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
        if not is_abbreviation and not token.isdigit():  # "2" is not the start of "2019"
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

    def _variants(self, tokens: list[str]) -> list[list[str]]:
        """The query as word lists, each abbreviation also spelled out (a few at most)."""
        options = [[[t]] + [list(w) for w in self._index.abbreviations.get(t, ())] for t in tokens]
        return [
            [w for part in combo for w in part]
            for combo in itertools.islice(itertools.product(*options), 16)
        ]

    def _prefix_phrases(self, tokens: list[str]) -> list[str]:
        """The query as " word word" phrases a name may start with; a last word that is
        an abbreviation is a whole word ("dk kh" is not the start of "đăng ký khai …")."""
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
        self,
        ix: SearchIndex,
        usage: dict[str, int],
        limit: int,
        include_retired: bool,
        marks: Quality,
    ) -> None:
        self.ix = ix
        self.usage = usage
        self.used = {ix.by_code[c] for c in usage if c in ix.by_code}
        self.limit = limit
        self.include_retired = include_retired
        self.marks = marks
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
            # make the list: rank the rest by (marks, quality, static) alone, in bulk.
            special = [i for i in fresh if fav[i] or i in used]
            plain = [i for i in fresh if not fav[i] and i not in used]
            top = _QUALITY - 1
            if self.marks is _no_quality:
                keys = [
                    (q if q < top else top) * _STATIC + static[i]
                    for q, i in zip(quality(plain), plain, strict=True)
                ]
            else:
                keys = [
                    (m * _QUALITY + (q if q < top else top)) * _STATIC + static[i]
                    for m, q, i in zip(self.marks(plain), quality(plain), plain, strict=True)
                ]
            fresh = special + [i for _, i in heapq.nlargest(limit, zip(keys, plain, strict=True))]
        for m, q, i in zip(self.marks(fresh), quality(fresh), fresh, strict=True):
            self.ranked.append((self.key(tier, i, m, q), i))
        return len(self.ranked) >= limit

    def key(self, tier: int, i: int, marks: int, quality: int) -> int:
        """One integer that sorts like (tier, marks, favourite, recent use, quality,
        static). Among names with some of the words only, how many (and how telling)
        words matched comes before a star: a favourite sharing one common word with the
        query is no better guess than a name with the rare one."""
        ix, usage = self.ix, self.usage
        used = min(usage.get(ix.code_of[i], 0), _USE - 1) if usage else 0
        quality = min(quality, _QUALITY - 1)
        key = tier * _MARKS + min(marks, _MARKS - 1)
        if tier == TIER_PARTIAL:  # same widths, quality first
            key = ((key * _QUALITY + quality) * _FAV + ix.fav[i]) * _USE + used
        else:
            key = ((key * _FAV + ix.fav[i]) * _USE + used) * _QUALITY + quality
        return key * _STATIC + min(ix.static[i], _STATIC - 1)

    def best(self) -> list[SearchHit]:
        best = heapq.nlargest(self.limit, self.ranked)
        return [
            _hit(self.ix.entries[i], _score(key), key // _BELOW_TIER < SURE_TIER) for key, i in best
        ]


def _marks_of(tokens: list[str], marked: list[str], names: list[str]) -> Quality:
    """How many of the words typed WITH marks each document has exactly as typed ("kí"
    and "ký" being the same word)."""
    wanted = (
        [
            tuple(" " + s for s in spellings(m))
            for m in marked
            if fold(m) != m  # marks or đ were typed
        ]
        if len(marked) == len(tokens)
        else []
    )
    if not wanted:
        return _no_quality

    def marks(docs: list[int]) -> list[int]:
        return [sum(1 for w in wanted if any(s in names[i] for s in w)) for i in docs]

    return marks


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
    strengths: Quality, variants: list[list[str]], padded: list[str], starts: set[int]
) -> Quality:
    """Words matched well; a bonus when the name starts with them, when they stand
    together as typed, and for each pair of them that stands side by side ("biến động"
    in "Đăng ký biến động đất đai", not "biển" and "động" far apart)."""
    phrases = [" " + " ".join(v) for v in variants if len(v) > 1]
    pairs = [[f" {a} {b}" for a, b in itertools.pairwise(v)] for v in variants if len(v) > 1]
    whole_phrase = _PHRASE + _PAIR * max((len(ps) for ps in pairs), default=0)

    def together(name: str) -> int:
        """The phrase bonus of one name (called for every candidate: kept plain)."""
        for phrase in phrases:
            if phrase in name:
                return whole_phrase  # all its pairs stand side by side too
        best = 0
        for ps in pairs:
            n = 0
            for pair in ps:
                if pair in name:
                    n += 1
            best = max(best, n)
        return _PAIR * best

    def quality(docs: list[int]) -> list[int]:
        totals = strengths(docs)
        if phrases:
            totals = [t + together(padded[i]) for t, i in zip(totals, docs, strict=True)]
        if starts:
            totals = [
                t + _NAME_STARTS if i in starts else t for t, i in zip(totals, docs, strict=True)
            ]
        return totals

    return quality


def _rank_partial(matches: list[dict[int, int]], strengths: Quality, add_tier: AddTier) -> None:
    """Documents with only some of the words. A rare word counts for more than a common
    one ("dang ky tam vang": "Khai báo tạm vắng" has the telling word, "Đăng ký tạm trú"
    only the common ones)."""
    total = max(len(m) for m in matches) + 1
    weights = []
    hits: dict[int, int] = {}
    for m in matches:
        weight = 1 + int(2 * math.log2((_CATALOGUE_SIZE_FLOOR + total) / (len(m) + 1)))
        weights.append(weight)
        for i in m:
            hits[i] = hits.get(i, 0) + weight

    def partial(docs: list[int]) -> list[int]:
        return [hits[i] * 4 + t for i, t in zip(docs, strengths(docs), strict=True)]

    add_tier(TIER_PARTIAL, set(hits), partial)


def _within(a: str, b: str, limit: int) -> bool:
    """Optimal string alignment distance of ``a`` and ``b`` is at most ``limit``
    (substitution, insertion, deletion, two neighbours swapped)."""
    if abs(len(a) - len(b)) > limit:
        return False
    if a == b:
        return True
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def _is_code_query(q: str) -> bool:
    """A code typed with dots or 4+ digits is looked up as a code only."""
    compact = q.replace(" ", "")
    return bool(CODE_LIKE.match(compact)) and ("." in compact or len(compact) >= 4)


def _no_quality(docs: list[int]) -> list[int]:
    return [0] * len(docs)


def _score(key: int) -> float:
    """The ranking key as a readable number: the tier, then the finer order as fraction."""
    tier, rest = divmod(key, _BELOW_TIER)
    return round(tier + rest / _BELOW_TIER, 6)
