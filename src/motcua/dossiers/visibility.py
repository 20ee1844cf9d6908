"""Who sees which dossier: the one visibility model behind pages, API, PDFs, documents and analytics.

A user sees a dossier when they serve its competent unit or its receiving unit (a membership in a
unit covers every unit below it; province-wide roles and superusers serve every unit), and a
citizen sees the dossiers they filed. Anonymous and inactive users see nothing. An invisible
dossier is a 404, as if it did not exist. Statistics (dashboards, exports, the 766 index) count
dossiers by their competent unit among `unit_ids(user)`, so every dossier behind a number is
visible too.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.organizations import access


def unit_ids(user: Any) -> set[int] | None:
    """Ids of the units whose dossiers and statistics the user may read; None means every unit."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return set()
    return access.unit_ids_for(user)


def visibility_q(user: Any) -> Q | None:
    """The condition on `Dossier` rows the user may read; None means every dossier."""
    ids = unit_ids(user)
    if ids is None:
        return None
    q = Q(unit_id__in=ids) | Q(receiving_unit_id__in=ids)
    if getattr(user, "is_authenticated", False) and getattr(user, "is_active", False) and user.pk is not None:
        q |= Q(applicant_user_id=user.pk)
    return q


def restrict(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """`qs` (any queryset of dossiers) cut to the dossiers the user may read."""
    q = visibility_q(user)
    return qs if q is None else qs.filter(q)


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    """Every dossier the user may read (with the relations every screen shows)."""
    return restrict(user, Dossier.objects.select_related("procedure", "unit", "receiving_unit", "parent"))


def dossier_or_404(user: Any, code: str) -> Dossier:
    """The dossier `code` if the user may read it, else 404 (no hint that it exists)."""
    dossier = visible_dossiers(user).filter(code=code).first()
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier
