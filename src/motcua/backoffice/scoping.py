"""Which dossiers a staff member may see: `motcua.dossiers.visibility`, the one model (re-exported).

Every back-office view gets dossiers from here, so a clerk of one commune can neither open, list
nor print another commune's dossiers (an out-of-scope code is a 404, as if it did not exist).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from motcua.dossiers.visibility import dossier_or_404, visible_dossiers
from motcua.organizations import access
from motcua.organizations.models import Unit

dossiers_for = visible_dossiers

__all__ = ["dossier_or_404", "dossiers_for", "unit_or_404", "visible_dossiers"]


def unit_or_404(user: Any, code: str) -> Unit:
    unit = access.visible_units(user).filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    return unit
