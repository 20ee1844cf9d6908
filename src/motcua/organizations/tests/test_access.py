"""Each role can do what it should and nothing at other units (through `access`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from motcua.organizations import access
from motcua.organizations.access import ROLE_ACTIONS, Action, can, require
from motcua.organizations.models import Category, Role

# (user, action, unit code or None, expected)
CASES = [
    # clerk at H32.101: receives and returns there and at its police post, nowhere else, nothing more
    ("clerk", Action.RECEIVE, "H32.101", True),
    ("clerk", Action.RETURN, "H32.101.01", True),
    ("clerk", Action.RECEIVE, "H32.102", False),
    ("clerk", Action.PROCESS, "H32.101", False),
    ("clerk", Action.MANAGE_CATALOG, None, False),
    # specialist
    ("specialist", Action.PROCESS, "H32.101", True),
    ("specialist", Action.PROCESS, "H32.27", False),
    ("specialist", Action.APPROVE, "H32.101", False),
    ("specialist.stp", Action.PROCESS, "H32.27", True),
    ("specialist.stp", Action.READ, "H32.101", False),
    # leader
    ("leader", Action.APPROVE, "H32.101", True),
    ("leader", Action.SIGN, "H32.101", True),
    ("leader", Action.APPROVE, "H32.102", False),
    ("leader", Action.RECEIVE, "H32.101", False),
    # unit admin
    ("unitadmin", Action.MANAGE_OFFICIALS, "H32.101", True),
    ("unitadmin", Action.MANAGE_UNIT, "H32.101.01", True),
    ("unitadmin", Action.MANAGE_OFFICIALS, "H32.102", False),
    ("unitadmin", Action.RECEIVE, "H32.101", False),
    ("unitadmin", Action.MANAGE_CATALOG, None, False),
    # province admin
    ("provinceadmin", Action.MANAGE_CATALOG, None, True),
    ("provinceadmin", Action.MANAGE_CALENDAR, None, True),
    ("provinceadmin", Action.MANAGE_OFFICIALS, "H32.102", True),
    ("provinceadmin", Action.RECEIVE, "H32.101", False),
    ("provinceadmin", Action.APPROVE, "H32.27", False),
    # inspector: reads everything, changes nothing
    ("inspector", Action.READ, "H32.102", True),
    ("inspector", Action.READ, "H32.27", True),
    ("inspector", Action.MANAGE_CATALOG, None, False),
    ("inspector", Action.RECEIVE, "H32.101", False),
    ("inspector", Action.MANAGE_OFFICIALS, "H32.101", False),
]


@pytest.mark.parametrize(("username", "action", "code", "expected"), CASES)
def test_role_action_table(org: dict[str, Any], username: str, action: str, code: str | None, expected: bool) -> None:
    user = User.objects.get(username=username)  # fresh object: no cached memberships
    unit = org["units"][code] if code else None
    assert can(user, action, unit) is expected
    if not expected:
        with pytest.raises(PermissionDenied):
            require(user, action, unit)


def test_every_role_has_an_explicit_row() -> None:
    assert set(ROLE_ACTIONS) == set(Role.values)
    assert all(Action.READ in actions for actions in ROLE_ACTIONS.values())


def test_anonymous_and_inactive_users_can_do_nothing(org: dict[str, Any]) -> None:
    unit = org["units"]["H32.101"]
    assert not can(AnonymousUser(), Action.READ, unit)
    clerk = User.objects.get(username="clerk")
    clerk.is_active = False
    clerk.save()
    assert not can(User.objects.get(username="clerk"), Action.RECEIVE, unit)
    assert access.visible_units(AnonymousUser()).count() == 0


def test_visible_units_follow_the_tree(org: dict[str, Any]) -> None:
    codes = lambda u: set(access.visible_units(User.objects.get(username=u)).values_list("code", flat=True))  # noqa: E731
    assert codes("clerk") == {"H32.101", "H32.101.01"}
    assert codes("specialist.stp") == {"H32.27"}
    assert codes("inspector") == set(org["units"])
    assert access.unit_ids_where(User.objects.get(username="provinceadmin"), Action.MANAGE_OFFICIALS) is None


def test_unknown_action_and_unit_actions_without_unit_are_programming_errors(org: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unknown action"):
        can(org["users"]["clerk"], "fly", org["units"]["H32.101"])
    with pytest.raises(ValueError, match="needs a unit"):
        can(org["users"]["clerk"], Action.RECEIVE)


def test_raw_kinds_map_to_categories(org: dict[str, Any]) -> None:
    assert org["units"]["H32.27"].category == Category.DEPARTMENT
    assert org["units"]["H32.101"].category == Category.PEOPLES_COMMITTEE
    assert org["units"]["H32.101.01"].category == Category.OTHER  # no kind given


def test_cached_memberships_can_be_cleared(org: dict[str, Any]) -> None:
    from motcua.organizations.models import Membership

    clerk = User.objects.get(username="clerk")
    other = org["units"]["H32.102"]
    assert not can(clerk, Action.RECEIVE, other)
    Membership.objects.create(user=clerk, unit=other, role=Role.CLERK)
    assert not can(clerk, Action.RECEIVE, other)  # cached for the life of this user object
    access.clear_cache(clerk)
    assert can(clerk, Action.RECEIVE, other)
