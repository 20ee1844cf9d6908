"""How a person's name is printed: Vietnamese order, family name first.

Django's `User.get_full_name()` is "first_name last_name", the Western order. motcua stores the
family and middle names in `last_name` and the given name in `first_name` (the demo accounts, the
admin form and `organizations.demo` do so), so "Nguyễn Thị Tiếp" + "Nhận" must print as
"Nguyễn Thị Tiếp Nhận", never "Nhận Nguyễn Thị Tiếp". Every screen, PDF and API that shows an
official's name calls `display_name` (templates: `{% load names %}{{ user|display_name }}`).
"""

from __future__ import annotations

from typing import Any


def full_name(last_name: str | None, first_name: str | None, fallback: str = "") -> str:
    """'Nguyễn Thị Tiếp' + 'Nhận' → 'Nguyễn Thị Tiếp Nhận'; `fallback` when both are empty (for query values)."""
    parts = [p.strip() for p in (last_name or "", first_name or "") if p and p.strip()]
    return " ".join(parts) or fallback


def display_name(user: Any) -> str:
    """Family (and middle) names, then the given name; the username when both are empty; '' for None."""
    if user is None:
        return ""
    get_username = getattr(user, "get_username", None)
    username = str(get_username()) if callable(get_username) else str(user)
    return full_name(getattr(user, "last_name", ""), getattr(user, "first_name", ""), username)
