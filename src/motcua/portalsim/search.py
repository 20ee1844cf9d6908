"""The national portal's procedure search: accent-insensitive and forgiving of how people type.

"dang ki khai sinh", "đăng ký khai sinh", "khaisinh", "DANG KY KHAI SINH" all find "Đăng ký khai
sinh": both sides are folded (`core.text.fold`: no diacritics, lower case), "y" and "i" are one
letter (ký/kí are both correct spellings), and a query typed without spaces matches the name
without spaces. Every word must match (or the whole squashed query); the code matches too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from motcua.core.text import fold


def key(text: str) -> str:
    return fold(text).replace("y", "i")


def matches(query: str, name: str, code: str = "") -> bool:
    q = key(query)
    if not q:
        return False
    if code and query.strip().lower() in code.lower():
        return True
    target = key(name)
    squashed_target = target.replace(" ", "")
    if all(word in target for word in q.split()):
        return True
    return q.replace(" ", "") in squashed_target


def search(query: str, procedures: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Matching procedures, names that start with the query first, then by name."""
    found = [p for p in procedures if matches(query, str(p.get("name", "")), str(p.get("code", "")))]
    q = key(query)
    return sorted(found, key=lambda p: (q not in key(str(p.get("name", ""))), len(str(p.get("name", "")))))
