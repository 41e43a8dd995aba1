"""Text handling shared by storage, search and sorting."""

from __future__ import annotations

import unicodedata


def nfc(value: str | None) -> str:
    """NFC-normalise and trim: the one form text is stored in."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Casefold, strip diacritics and map đ→d: the form search compares on.

    Vietnamese typed with or without marks ("Đăng ký", "dang ky") folds the same.
    """
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()
