"""`{% identity_badge dossier %}` on the dossier page: the latest check against the population database."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.population.checks import latest
from motcua.population.models import Outcome

register = template.Library()


@register.inclusion_tag("population/_badge.html", takes_context=True)
def identity_badge(context: Any, dossier: Any) -> dict[str, Any]:
    check = latest(dossier)
    return {
        "check": check,
        "label": Outcome(check.outcome).label if check else "",
        "d": dossier,
        "csrf_token": context.get("csrf_token"),
    }
