"""`may_track_tasks`: whether the navigation shows the assigned-tasks entry (same test as the views)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def may_track_tasks(user: Any) -> bool:
    from motcua.assignments.views import may_use

    return may_use(user)
