from typing import Any

from django import template

register = template.Library()


@register.filter
def may_use_inspections(user: Any) -> bool:
    """Show the inspections entry only to those who may use it (inspect, plan, or report remediation)."""
    from motcua.inspections.views import may_use

    return may_use(user)


@register.filter
def event_label(event_type: str) -> str:
    """The Vietnamese name of a history event."""
    from motcua.inspections.commands import EVENT_LABELS

    return EVENT_LABELS.get(event_type, event_type)
