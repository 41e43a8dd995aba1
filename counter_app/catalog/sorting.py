"""Vietnamese collation: the order a Vietnamese dictionary uses, not code-point order.

Letters compare first (a < ă < â < b < c < d < đ < e < ê ...), over the whole string;
only when the letters are equal do tones decide, in dictionary order (none, huyền,
hỏi, ngã, sắc, nặng); case decides last. Python's ``sorted`` on raw strings puts
"Đ" after "Z" and "ă" after "z", which officers read as broken.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_WEIGHT = {letter: 100 + i for i, letter in enumerate(_ALPHABET)}

# Combining marks that make a different letter (ă, â, ê, ô, ơ, ư) ...
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# ... and the five tones, in dictionary order after the unmarked syllable.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@functools.lru_cache(maxsize=4096)
def _char_weights(ch: str) -> tuple[int, int, int]:
    """(letter weight, tone weight, case weight) of one precomposed character (cached: a
    catalogue of a few thousand names has a few hundred distinct characters, and sorting
    it on the Catalogue tab's first open was most of that open's time)."""
    lower = ch.lower()
    case = 0 if ch == lower else 1
    if lower in ("đ", "ð"):  # the look-alike eth "Ð" old fonts and converters put for Đ
        return _LETTER_WEIGHT["đ"], 0, case
    decomposed = unicodedata.normalize("NFD", lower)
    base, marks = decomposed[0], decomposed[1:]
    tone = 0
    letter = base
    for mark in marks:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark == _BREVE and base == "a":
            letter = "ă"
        elif mark == _CIRCUMFLEX and base in "aeo":
            letter = unicodedata.normalize("NFC", base + _CIRCUMFLEX)
        elif mark == _HORN and base in "ou":
            letter = unicodedata.normalize("NFC", base + _HORN)
    if letter in _LETTER_WEIGHT:
        return _LETTER_WEIGHT[letter], tone, case
    if base.isspace():
        return 0, 0, 0
    if base.isdigit():
        return 10 + int(base) if base in "0123456789" else 20, 0, 0
    if base.isalpha():
        return 1000 + ord(base), tone, case
    return 1, 0, 0  # punctuation sorts before letters and digits


def vietnamese_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Sort key for Vietnamese text: letters, then tones, then case (multi-level)."""
    weights = [_char_weights(ch) for ch in unicodedata.normalize("NFC", text or "").strip()]
    return (
        tuple(w[0] for w in weights),
        tuple(w[1] for w in weights),
        tuple(w[2] for w in weights),
    )


def sort_vietnamese(items: Iterable[T], key: Callable[[T], str] | None = None) -> list[T]:
    """``sorted`` in Vietnamese order; ``key`` picks the text of each item."""
    if key is None:
        return sorted(items, key=lambda item: vietnamese_key(str(item)))
    pick = key
    return sorted(items, key=lambda item: vietnamese_key(pick(item)))
