from typing import Any

from django import template

from motcua.organizations import access

register = template.Library()


@register.filter
def province_wide(user: Any) -> bool:
    """Whether the sync control room belongs in this official's navigation."""
    return bool(getattr(user, "is_authenticated", False)) and access.is_province_wide(user)
