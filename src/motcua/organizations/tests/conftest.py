from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from motcua.catalog.importer import import_document
from motcua.organizations.models import Membership, Role, Unit

# username -> (unit code, role, is_staff)
PEOPLE = {
    "clerk": ("H32.101", Role.CLERK, False),
    "clerk2": ("H32.102", Role.CLERK, False),
    "specialist": ("H32.101", Role.SPECIALIST, False),
    "specialist.stp": ("H32.27", Role.SPECIALIST, False),
    "leader": ("H32.101", Role.LEADER, False),
    "unitadmin": ("H32.101", Role.UNIT_ADMIN, True),
    "provinceadmin": ("H32", Role.PROVINCE_ADMIN, True),
    "inspector": ("H32", Role.INSPECTOR, True),
}


@pytest.fixture
def org(db: Any) -> dict[str, Any]:
    """A small province: H32 > {H32.27 Sở Tư pháp, H32.101 > H32.101.01 Công an phường, H32.102}."""
    import_document(
        {
            "units": [
                {"code": "H32", "name": "UBND tỉnh Khánh Hòa", "level": "province", "kind": "ubnd_tinh"},
                {"code": "H32.27", "name": "Sở Tư pháp", "level": "province", "parent": "H32", "kind": "so"},
                {"code": "H32.101", "name": "Phường Nha Trang", "level": "commune", "parent": "H32", "kind": "phuong"},
                {"code": "H32.101.01", "name": "Công an phường Nha Trang", "level": "commune", "parent": "H32.101"},
                {
                    "code": "H32.102",
                    "name": "Phường Bắc Nha Trang",
                    "level": "commune",
                    "parent": "H32",
                    "kind": "phuong",
                },
            ],
            "fields": [{"code": "HT", "name": "Hộ tịch"}],
            "procedures": [
                {
                    "code": "1.001193",
                    "name": "Thủ tục đăng ký khai sinh",
                    "field": "HT",
                    "levels": ["commune"],
                    "deadline": {"amount": 0, "unit": "same_day", "cutoff": "15:00"},
                    "online": "partial",
                    "fee": 0,
                    "components": [{"name": "Tờ khai đăng ký khai sinh", "copies": 1, "mandatory": True}],
                    "results": [{"name": "Giấy khai sinh", "code": "KQ.G15.000031"}],
                },
                {
                    "code": "1.000894",
                    "name": "Thủ tục đăng ký kết hôn",
                    "field": "HT",
                    "levels": ["commune"],
                    "deadline": {"amount": 3, "unit": "working_days"},
                    "online": "partial",
                    "fee": 0,
                },
            ],
        }
    )
    units = {u.code: u for u in Unit.objects.all()}
    users = {}
    for username, (code, role, staff) in PEOPLE.items():
        user = User.objects.create_user(
            username, is_staff=staff
        )  # no password: no slow hashing; tests log in with force_login
        Membership.objects.create(user=user, unit=units[code], role=role)
        users[username] = user
    return {"units": units, "users": users}
