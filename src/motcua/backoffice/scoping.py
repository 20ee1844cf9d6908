"""Which dossiers a staff member may see: those whose competent or receiving unit is in their scope.

Every back-office view gets dossiers from here, so a clerk of one commune can neither open, list
nor print another commune's dossiers (an out-of-scope code is a 404, as if it did not exist).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from motcua.dossiers.models import Dossier
from motcua.organizations import access
from motcua.organizations.models import Unit


def dossiers_for(user: Any) -> QuerySet[Dossier]:
    ids = access.unit_ids_for(user)
    qs = Dossier.objects.select_related("procedure", "unit", "receiving_unit")
    if ids is None:
        return qs
    return qs.filter(Q(unit_id__in=ids) | Q(receiving_unit_id__in=ids))


def dossier_or_404(user: Any, code: str) -> Dossier:
    dossier = dossiers_for(user).filter(code=code).first()
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


def unit_or_404(user: Any, code: str) -> Unit:
    unit = access.visible_units(user).filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    return unit
