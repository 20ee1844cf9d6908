"""Server-side authorisation, scoped by unit. Every view, endpoint and service asks here.

A membership in unit U gives its role over U and U's descendants (a department over its public
service units, a commune over its police post). Province administrators and inspectors see every
unit; inspectors only read. Nothing here trusts the client: callers pass the authenticated user.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from motcua.organizations.models import Membership, Role, Unit

PROVINCE_WIDE = {Role.PROVINCE_ADMIN, Role.INSPECTOR}


def _memberships(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Membership] | None = getattr(user, "_motcua_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, active=True).select_related("unit"))
        user._motcua_memberships = cached
    return cached


def _descendant_ids(root_ids: Iterable[int]) -> set[int]:
    """The units below (and including) the roots, walking the tree level by level."""
    found = set(root_ids)
    frontier = set(found)
    while frontier:
        children = set(Unit.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= children
        frontier = children
    return found


def is_province_wide(user: Any, roles: Iterable[str] | None = None) -> bool:
    wanted = set(roles) if roles is not None else set(PROVINCE_WIDE)
    return bool(getattr(user, "is_superuser", False)) or any(
        m.role in PROVINCE_WIDE and m.role in wanted for m in _memberships(user)
    )


def unit_ids_for(user: Any, *roles: str) -> set[int] | None:
    """Ids of units where the user holds one of `roles` (all roles if none given); None means every unit."""
    wanted = set(roles) or set(Role.values)
    if is_province_wide(user, wanted):
        return None
    roots = [m.unit_id for m in _memberships(user) if m.role in wanted]
    return _descendant_ids(roots) if roots else set()


def visible_units(user: Any) -> QuerySet[Unit]:
    """Units whose data the user may read."""
    ids = unit_ids_for(user)
    return Unit.objects.all() if ids is None else Unit.objects.filter(id__in=ids)


def roles_in(user: Any, unit: Unit) -> set[str]:
    """The roles the user holds over `unit` (directly or through an ancestor, or province-wide)."""
    if getattr(user, "is_superuser", False):
        return set(Role.values)
    roles: set[str] = set()
    ancestry = {unit.id}
    parent_id = unit.parent_id
    while parent_id is not None and parent_id not in ancestry:
        ancestry.add(parent_id)
        parent_id = Unit.objects.filter(id=parent_id).values_list("parent_id", flat=True).first()
    for m in _memberships(user):
        if m.role in PROVINCE_WIDE or m.unit_id in ancestry:
            roles.add(m.role)
    return roles


def can_read(user: Any, unit: Unit) -> bool:
    return bool(roles_in(user, unit))


def require_role(user: Any, unit: Unit, *roles: str) -> None:
    """Raise PermissionDenied (with a Vietnamese message) unless the user holds one of `roles` over `unit`."""
    if not roles_in(user, unit) & set(roles):
        names = ", ".join(str(Role(r).label) for r in roles)
        raise PermissionDenied(f"Bạn không có quyền ({names}) tại đơn vị {unit.code}.")


def require_read(user: Any, unit: Unit) -> None:
    if not can_read(user, unit):
        raise PermissionDenied(f"Bạn không có quyền xem dữ liệu của đơn vị {unit.code}.")
