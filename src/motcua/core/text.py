"""Vietnamese text helpers: NFC normalisation and accent folding for search.

People type "dang ky ket hon" and expect "Đăng ký kết hôn"; every search box folds both sides
with `fold` (on PostgreSQL the same folding is done by `unaccent` in the database).
"""

from __future__ import annotations

import unicodedata
from typing import Any


def nfc(text: str) -> str:
    """The canonical (composed) form in which motcua stores all text."""
    return unicodedata.normalize("NFC", text)


def nfc_deep(value: Any) -> Any:
    """`value` with every string in it (dict keys too, lists, tuples) in NFC; other values unchanged.

    Used at every edge (API parsers, importers) so that NFD input from macOS or some phone keyboards
    never reaches the database: "Nguyễn" typed either way is then one and the same string.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc_deep(k): nfc_deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nfc_deep(v) for v in value]
    if isinstance(value, tuple):
        return tuple(nfc_deep(v) for v in value)
    return value


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse white space, for accent-insensitive search."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
