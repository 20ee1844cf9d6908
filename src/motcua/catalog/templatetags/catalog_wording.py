"""Template filters for catalogue facts as a citizen reads them (see `catalog.wording`)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.catalog import wording

register = template.Library()


@register.filter
def deadline_text(procedure: Any) -> str:
    """`{{ procedure|deadline_text }}` → 'Trong ngày (nhận trước 15:00)', '05 ngày làm việc'."""
    return wording.procedure_deadline_text(procedure)


@register.filter
def required_for(component: Any, channel: str = "direct") -> bool:
    """`{% if c|required_for:"direct" %}`: mandatory for a dossier filed through that channel."""
    return wording.required_for(component, channel)


@register.filter
def applies_to(component: Any, channel: str = "direct") -> bool:
    return wording.applies_to(component, channel)


@register.filter
def channel_note(component: Any) -> str:
    return wording.channel_note(component)
