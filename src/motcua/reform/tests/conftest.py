"""Fixtures: a small province (two departments, three communes), reform staff, and dossier helpers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from motcua.analytics.tests.conftest import make_dossier, t

DATA = Path(__file__).resolve().parents[1] / "data"
PASSWORD = "motcua-test-pw"


def user_with(username: str, role: str, unit: Any) -> Any:
    from django.contrib.auth.models import User

    from motcua.organizations.models import Membership

    u = User.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=u, unit=unit, role=role)
    return u


@pytest.fixture
def province(db: Any) -> dict[str, Any]:
    from motcua.catalog.models import Field, Procedure
    from motcua.organizations.models import Unit

    h32 = Unit.objects.create(code="H32", name="UBND tỉnh Khánh Hòa", level="province", kind="ubnd_tinh")
    units = {"H32": h32}
    for code, name, level, kind in [
        ("H32.27", "Sở Tư pháp", "province", "so"),
        ("H32.28", "Sở Nội vụ", "province", "so"),
        ("H32.101", "Phường Nha Trang", "commune", "phuong"),
        ("H32.102", "Phường Bắc Nha Trang", "commune", "phuong"),
        ("H32.103", "Xã Cam Lâm", "commune", "xa"),
    ]:
        units[code] = Unit.objects.create(code=code, name=name, level=level, kind=kind, parent=h32)
    ht = Field.objects.create(code="HT", name="Hộ tịch")
    units["proc"] = Procedure.objects.create(
        code="1.001193", name="Đăng ký khai sinh", field=ht, deadline_amount=3, deadline_unit="working_days"
    )
    return units


@pytest.fixture
def staff(province: dict[str, Any]) -> dict[str, Any]:
    from motcua.organizations.models import Role

    return {
        "reform": user_with("reform", Role.REFORM_OFFICER, province["H32"]),
        "appraiser": user_with("appraiser", Role.APPRAISER, province["H32"]),
        "admin101": user_with("unitadmin", Role.UNIT_ADMIN, province["H32.101"]),
        "admin102": user_with("unitadmin.102", Role.UNIT_ADMIN, province["H32.102"]),
        "admin103": user_with("unitadmin.103", Role.UNIT_ADMIN, province["H32.103"]),
        "clerk": user_with("clerk", Role.CLERK, province["H32.101"]),
    }


def finished_dossiers(unit: Any, procedure: Any, total: int, late: int, year: int = 2025, prefix: str = "") -> None:
    """`total` dossiers received and finished in `year`, the first `late` of them after their due date."""
    for i in range(total):
        received = t(f"{year}-03-02") + timedelta(days=i % 200)
        due = received + timedelta(days=3)
        finished = due + timedelta(days=2) if i < late else due - timedelta(days=1)
        make_dossier(
            f"{prefix or unit.code}-{year}-{i:03d}",
            unit,
            procedure,
            received_at=received,
            due_at=due,
            finished_at=finished,
            status="finished",
        )
