"""Text handling shared by storage, search and sorting."""

from __future__ import annotations

import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(value: str | None) -> str:
    """NFC-normalise and trim: the one form text is stored in."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Casefold, strip diacritics and map đ→d: the form search compares on.

    Vietnamese typed with or without marks ("Đăng ký", "dang ky") folds the same. The
    look-alike eth "Ð"/"ð" (U+00D0/U+00F0), which old fonts, converters and some input
    methods produce for Đ, folds to d as well.
    """
    decomposed = unicodedata.normalize("NFD", value.translate(_D))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def same_label(a: str, b: str) -> bool:
    """Two names a person would read as the same entry of a list (counters, officers'
    lists, lookup values): equal after NFC, trimming and casefolding. Reports count by
    label, so two such values would silently be added together."""
    return nfc(a).casefold() == nfc(b).casefold()


def short_procedure_name(name: str) -> str:
    """ "Thủ tục đăng ký khai sinh" reads "Đăng ký khai sinh" on a button or in a narrow
    column: most national names start with the same two words."""
    if nfc(name).lower().startswith("thủ tục "):
        rest = nfc(name)[len("thủ tục ") :]
        return rest[:1].upper() + rest[1:]
    return name


PROVINCE_PREFIXES = ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố ", "TP. ", "TP ")


def place_only(province: str) -> str:
    """ "Tỉnh Đồng Tháp" → "Đồng Tháp": a province as the place of a date line."""
    place = province.strip()
    for prefix in PROVINCE_PREFIXES:
        if place.startswith(prefix):
            return place[len(prefix) :]
    return place
