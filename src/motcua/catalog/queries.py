"""Read helpers other contexts use (portal search, dossier intake): one place for catalogue look-ups."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.catalog.models import Procedure, ProcedureVersion, RequiredComponent
from motcua.core.text import fold


def search_procedures(q: str, queryset: QuerySet[Procedure] | None = None) -> QuerySet[Procedure]:
    """Accent-insensitive search: every word must appear in the folded name, or `q` in the code.

    "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH" and "khai sinh" all find "Thủ tục đăng ký khai sinh".
    """
    qs = Procedure.objects.all() if queryset is None else queryset
    q = q.strip()
    if not q:
        return qs
    by_name = Q()
    for word in fold(q).split():
        by_name &= Q(name_folded__contains=word)
    return qs.filter(by_name | Q(code__icontains=q))


def current_version(procedure: Procedure) -> ProcedureVersion | None:
    """The latest published version (what a dossier received now is received under)."""
    return procedure.versions.order_by("-version").first()


def mandatory_components(procedure: Procedure) -> QuerySet[RequiredComponent]:
    """Components a dossier must contain before it can be received."""
    return procedure.components.filter(mandatory=True).order_by("order")
