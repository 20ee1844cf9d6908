"""How a person's name is printed: Vietnamese order, family name first.

Django's `User.get_full_name()` is "first_name last_name", the Western order. motcua stores the
family and middle names in `last_name` and the given name in `first_name` (the demo accounts, the
admin form and `organizations.demo` do so), so "Nguyễn Thị Tiếp" + "Nhận" must print as
"Nguyễn Thị Tiếp Nhận", never "Nhận Nguyễn Thị Tiếp". Every screen, PDF and API that shows an
official's name calls `display_name` (templates: `{% load names %}{{ user|display_name }}`).
"""

from __future__ import annotations

from typing import Any


def display_name(user: Any) -> str:
    """Family (and middle) names, then the given name; the username when both are empty; '' for None."""
    if user is None:
        return ""
    family = (getattr(user, "last_name", "") or "").strip()
    given = (getattr(user, "first_name", "") or "").strip()
    full = " ".join(part for part in (family, given) if part)
    if full:
        return full
    get_username = getattr(user, "get_username", None)
    return str(get_username()) if callable(get_username) else str(user)
