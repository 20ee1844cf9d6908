"""`{{ user|display_name }}`: an official's name in Vietnamese order (see `organizations.names`)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.organizations.names import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user: Any) -> str:
    return _display_name(user)
