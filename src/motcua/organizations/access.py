"""Server-side authorisation, scoped by unit. Every view, endpoint and service asks here.

A membership in unit U gives its role over U and U's descendants (a department over its public
service units, a commune over its police post). Province administrators and inspectors see every
unit; inspectors only read. Nothing here trusts the client: callers pass the authenticated user.

What a role allows is one explicit table, `ROLE_ACTIONS`; ask `can(user, action, unit)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from motcua.organizations.models import Membership, Role, Unit

PROVINCE_WIDE = {Role.PROVINCE_ADMIN, Role.INSPECTOR, Role.REFORM_OFFICER, Role.APPRAISER}


class Action:
    """What an official may do; `ROLE_ACTIONS` says which role allows which action."""

    READ = "read"
    RECEIVE = "receive"  # tiếp nhận hồ sơ
    RETURN = "return"  # trả kết quả
    PROCESS = "process"  # thẩm định, xử lý
    APPROVE = "approve"  # phê duyệt
    SIGN = "sign"  # ký số kết quả
    MANAGE_OFFICIALS = "manage_officials"  # cán bộ và vai trò trong đơn vị
    MANAGE_UNIT = "manage_unit"  # thông tin, cấu hình của đơn vị
    MANAGE_CATALOG = "manage_catalog"  # danh mục TTHC, quy trình (toàn tỉnh)
    MANAGE_CALENDAR = "manage_calendar"  # lịch làm việc, ngày nghỉ (toàn tỉnh)
    MANAGE_SYNC = "manage_sync"  # đồng bộ Cổng DVC quốc gia: gửi lại (toàn tỉnh; nationalportal)
    # Feedback (PAKN) and SIPAS surveys (branch voice; granted in FEEDBACK_ROLE_ACTIONS below)
    RECEIVE_FEEDBACK = "receive_feedback"  # nhập phản ánh nhận tại quầy, thư, đường dây nóng
    HANDLE_FEEDBACK = "handle_feedback"  # phân loại, chuyển, yêu cầu bổ sung, soạn trả lời PAKN
    APPROVE_FEEDBACK = "approve_feedback"  # duyệt, công khai trả lời PAKN
    MANAGE_SURVEYS = "manage_surveys"  # đợt khảo sát SIPAS, nhập phiếu giấy
    # Reform oversight (PAR-index scoring, inspections, assigned tasks; granted in REFORM_ROLE_ACTIONS)
    MANAGE_REFORM = "manage_reform"  # bộ tiêu chí, đợt chấm điểm, kế hoạch kiểm tra, giao nhiệm vụ (toàn tỉnh)
    APPRAISE = "appraise"  # thẩm định, điều chỉnh điểm, chốt kết quả chấm điểm CCHC (toàn tỉnh)
    INSPECT = "inspect"  # ghi biên bản kiểm tra, kết luận, đóng kiến nghị khắc phục (toàn tỉnh)
    REPORT_REFORM = "report_reform"  # đơn vị tự chấm điểm, báo cáo tiến độ nhiệm vụ và khắc phục

    ALL = (
        READ,
        RECEIVE,
        RETURN,
        PROCESS,
        APPROVE,
        SIGN,
        MANAGE_OFFICIALS,
        MANAGE_UNIT,
        MANAGE_CATALOG,
        MANAGE_CALENDAR,
        MANAGE_SYNC,
        RECEIVE_FEEDBACK,
        HANDLE_FEEDBACK,
        APPROVE_FEEDBACK,
        MANAGE_SURVEYS,
        MANAGE_REFORM,
        APPRAISE,
        INSPECT,
        REPORT_REFORM,
    )


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset({Action.READ, Action.RECEIVE, Action.RETURN}),
    Role.SPECIALIST: frozenset({Action.READ, Action.PROCESS}),
    Role.LEADER: frozenset({Action.READ, Action.APPROVE, Action.SIGN}),
    Role.UNIT_ADMIN: frozenset({Action.READ, Action.MANAGE_OFFICIALS, Action.MANAGE_UNIT}),
    Role.PROVINCE_ADMIN: frozenset(
        {
            Action.READ,
            Action.MANAGE_OFFICIALS,
            Action.MANAGE_UNIT,
            Action.MANAGE_CATALOG,
            Action.MANAGE_CALENDAR,
            Action.MANAGE_SYNC,
        }
    ),
    Role.INSPECTOR: frozenset({Action.READ}),
    Role.REFORM_OFFICER: frozenset({Action.READ}),
    Role.APPRAISER: frozenset({Action.READ}),
}

# Feedback (PAKN) and SIPAS surveys: the one-stop desk takes feedback in, specialists handle it,
# leaders approve and publish the answers; unit and province administrators run survey campaigns.
FEEDBACK_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset({Action.RECEIVE_FEEDBACK, Action.HANDLE_FEEDBACK}),
    Role.SPECIALIST: frozenset({Action.RECEIVE_FEEDBACK, Action.HANDLE_FEEDBACK}),
    Role.LEADER: frozenset({Action.APPROVE_FEEDBACK, Action.MANAGE_SURVEYS}),
    Role.UNIT_ADMIN: frozenset({Action.MANAGE_SURVEYS}),
    Role.PROVINCE_ADMIN: frozenset({Action.MANAGE_SURVEYS}),
}
for _role, _extra in FEEDBACK_ROLE_ACTIONS.items():
    ROLE_ACTIONS[_role] = ROLE_ACTIONS[_role] | _extra

# Reform oversight: the province's reform office runs rounds, plans and assignments; the appraisal
# council adjusts and finalises scores; inspectors record findings and close remediation; a unit's
# administrator and leader self-score their unit and report progress on its tasks and remediation.
REFORM_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.REFORM_OFFICER: frozenset({Action.MANAGE_REFORM, Action.APPRAISE, Action.INSPECT}),
    Role.APPRAISER: frozenset({Action.APPRAISE}),
    Role.INSPECTOR: frozenset({Action.INSPECT}),
    Role.UNIT_ADMIN: frozenset({Action.REPORT_REFORM}),
    Role.LEADER: frozenset({Action.REPORT_REFORM}),
}
for _role, _extra in REFORM_ROLE_ACTIONS.items():
    ROLE_ACTIONS[_role] = ROLE_ACTIONS[_role] | _extra

# Actions that concern the whole province rather than one unit (asked with unit=None).
PROVINCE_ACTIONS = frozenset(
    {
        Action.MANAGE_CATALOG,
        Action.MANAGE_CALENDAR,
        Action.MANAGE_SYNC,
        Action.MANAGE_REFORM,
        Action.APPRAISE,
        Action.INSPECT,
    }
)


def roles_allowing(action: str) -> set[str]:
    if action not in Action.ALL:
        raise ValueError(f"unknown action {action!r}")
    return {role for role, actions in ROLE_ACTIONS.items() if action in actions}


def _memberships(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return []
    cached: list[Membership] | None = getattr(user, "_motcua_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user, active=True).select_related("unit"))
        user._motcua_memberships = cached
    return cached


def clear_cache(user: Any) -> None:
    """Forget the memberships cached on this user object (after changing them in the same request)."""
    if hasattr(user, "_motcua_memberships"):
        del user._motcua_memberships


def _descendant_ids(root_ids: Iterable[int]) -> set[int]:
    """The units below (and including) the roots, walking the tree level by level."""
    found = set(root_ids)
    frontier = set(found)
    while frontier:
        children = set(Unit.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= children
        frontier = children
    return found


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) and bool(getattr(user, "is_active", True))


def is_province_wide(user: Any, roles: Iterable[str] | None = None) -> bool:
    wanted = set(roles) if roles is not None else set(PROVINCE_WIDE)
    return _is_superuser(user) or any(m.role in PROVINCE_WIDE and m.role in wanted for m in _memberships(user))


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
    if _is_superuser(user):
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


def can(user: Any, action: str, unit: Unit | None = None) -> bool:
    """May `user` do `action` at `unit`? Province-wide actions (catalogue, calendars) take unit=None."""
    allowed = roles_allowing(action)
    if _is_superuser(user):
        return True
    if unit is None:
        if action not in PROVINCE_ACTIONS and action != Action.READ:
            raise ValueError(f"action {action!r} needs a unit")
        return any(m.role in allowed and m.role in PROVINCE_WIDE for m in _memberships(user))
    return bool(roles_in(user, unit) & allowed)


def require(user: Any, action: str, unit: Unit | None = None) -> None:
    """Raise PermissionDenied (Vietnamese message) unless `can(user, action, unit)`."""
    if not can(user, action, unit):
        where = f" tại đơn vị {unit.code}" if unit is not None else ""
        raise PermissionDenied(f"Bạn không có quyền thực hiện thao tác này ({action}){where}.")


def unit_ids_where(user: Any, action: str) -> set[int] | None:
    """Ids of the units where the user may do `action` (None = every unit)."""
    return unit_ids_for(user, *roles_allowing(action))


def units_where(user: Any, action: str) -> QuerySet[Unit]:
    ids = unit_ids_where(user, action)
    return Unit.objects.all() if ids is None else Unit.objects.filter(id__in=ids)


def has_staff_role(user: Any, *roles: str) -> bool:
    """Does the user hold any of `roles` (any role if none given) anywhere?"""
    wanted = set(roles) or set(Role.values)
    return _is_superuser(user) or any(m.role in wanted for m in _memberships(user))


def holders(unit: Unit, *roles: str) -> list[Any]:
    """The active officials who hold one of `roles` over `unit`, from the nearest unit up that has any.

    A membership applies to its unit and everything below, so the commune's own staff answer for
    its police post; the walk stops at the first unit (itself, then its ancestors) with a holder,
    so province-level staff are not told about every commune. Ordered by username.
    """
    seen: set[int] = set()
    current: int | None = unit.pk
    while current is not None and current not in seen:
        seen.add(current)
        found = (
            Membership.objects.filter(unit_id=current, role__in=roles, active=True, user__is_active=True)
            .select_related("user")
            .order_by("user__username")
        )
        users = list({m.user_id: m.user for m in found}.values())
        if users:
            return users
        current = Unit.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return []
