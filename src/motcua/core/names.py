"""People's names as Vietnamese write them: family and middle names first, the given name last."""

from __future__ import annotations

from typing import Any


def display_name(user: Any) -> str:
    """`last_name` holds the family and middle names, `first_name` the given name (Django's fields)."""
    if user is None:
        return ""
    full = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return full or str(getattr(user, "username", "") or user)
