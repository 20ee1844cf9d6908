from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from motcua.dossiers.services import Applicant
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role, Unit


@dataclass
class World:
    commune: Unit
    other: Unit
    clerk: Any
    specialist: Any
    leader: Any
    stranger: Any
    applicant: Applicant


@pytest.fixture
def world(db: Any) -> World:
    commune = f.unit("H32.27.01", name="UBND phường Nha Trang")
    other = f.unit("H32.27.02", name="UBND xã Cam Lâm")
    return World(
        commune=commune,
        other=other,
        clerk=f.official("clerk", commune, Role.CLERK),
        specialist=f.official("specialist", commune, Role.SPECIALIST),
        leader=f.official("leader", commune, Role.LEADER),
        stranger=f.official("stranger", other, Role.CLERK, Role.SPECIALIST, Role.LEADER),
        applicant=Applicant(name="Nguyễn Văn A", id_number="056090000001", email="a@example.vn", phone="0900000001"),
    )


@pytest.fixture(autouse=True)
def fresh_calendars() -> Any:
    """A test that edits calendar overrides rolls back its rows but not the per-process calendar cache."""
    from motcua.calendar.service import invalidate

    invalidate()
    yield
    invalidate()
