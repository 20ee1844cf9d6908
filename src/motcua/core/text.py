"""Vietnamese text helpers: NFC normalisation and accent folding for search.

People type "dang ky ket hon" and expect "Đăng ký kết hôn"; every search box folds both sides
with `fold` (on PostgreSQL the same folding is done by `unaccent` in the database).
"""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """The canonical (composed) form in which motcua stores all text."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse white space, for accent-insensitive search."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
