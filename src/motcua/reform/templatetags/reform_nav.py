"""The back-office navigation entry, shown only to users who hold a reform action."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("reform/nav.html")
def reform_nav(user: Any, nav: str = "") -> dict[str, Any]:
    from motcua.reform.views import may_use

    return {"show": may_use(user), "current": nav == "reform"}
