from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """The province, two units (a ward H32.101 and Sở Tư pháp H32.27), a reform officer, an inspector
    and each unit's administrator."""
    root = f.unit("H32", level="province", name="UBND tỉnh Khánh Hòa")
    ward = f.unit("H32.101", parent=root, name="UBND phường Nha Trang")
    dept = f.unit("H32.27", level="province", parent=root, name="Sở Tư pháp")
    return {
        "root": root,
        "ward": ward,
        "dept": dept,
        "reform": f.official("reform", root, Role.REFORM_OFFICER),
        "inspector": f.official("inspector", root, Role.INSPECTOR),
        "ward_admin": f.official("ward_admin", ward, Role.UNIT_ADMIN),
        "dept_admin": f.official("dept_admin", dept, Role.UNIT_ADMIN),
        "clerk": f.official("clerk", ward, Role.CLERK),
    }
