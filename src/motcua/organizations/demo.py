"""Demo accounts, one per role (idempotent). Passwords are for the demo only: see docs/DEMO.md."""

from __future__ import annotations

from typing import TextIO

from django.contrib.auth.models import User
from django.db import transaction

from motcua.organizations.models import Membership, Role, Unit

DEMO_PASSWORD = "motcua-demo"

# username, full name, [(unit code, role)], staff (may open /admin/)
ACCOUNTS: list[tuple[str, str, list[tuple[str, str]], bool]] = [
    ("clerk", "Nguyễn Thị Tiếp Nhận", [("H32.101", Role.CLERK)], False),
    ("clerk2", "Trần Văn Một Cửa", [("H32.102", Role.CLERK)], False),
    ("clerk.stp", "Lê Thị Quầy", [("H32.27", Role.CLERK)], False),
    ("specialist", "Phạm Văn Xử Lý", [("H32.101", Role.SPECIALIST)], False),
    ("specialist.stp", "Hoàng Thị Thẩm Định", [("H32.27", Role.SPECIALIST)], False),
    ("leader", "Võ Văn Lãnh Đạo", [("H32.101", Role.LEADER)], False),
    ("leader.stp", "Đặng Thị Phê Duyệt", [("H32.27", Role.LEADER)], False),
    ("unitadmin", "Bùi Văn Quản Trị", [("H32.101", Role.UNIT_ADMIN)], True),
    ("provinceadmin", "Đỗ Thị Văn Phòng", [("H32", Role.PROVINCE_ADMIN)], True),
    ("inspector", "Ngô Văn Thanh Tra", [("H32", Role.INSPECTOR)], True),
    ("unitadmin.stp", "Lý Thị Tự Chấm", [("H32.27", Role.UNIT_ADMIN)], True),
    ("reform", "Trương Văn Cải Cách", [("H32", Role.REFORM_OFFICER)], False),
    ("appraiser", "Mai Thị Thẩm Định", [("H32", Role.APPRAISER)], False),
]


@transaction.atomic
def load(stdout: TextIO) -> None:
    if not Unit.objects.filter(code="H32.101").exists():
        from motcua.catalog import demo as catalog_demo

        catalog_demo.load(stdout)
    units = {u.code: u for u in Unit.objects.filter(code__in={c for _, _, ms, _ in ACCOUNTS for c, _ in ms})}
    created = 0
    for username, full_name, memberships, staff in ACCOUNTS:
        last, _, first = full_name.rpartition(" ")
        user, was_created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "is_staff": staff}
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        for code, role in memberships:
            Membership.objects.get_or_create(user=user, unit=units[code], role=role)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD)
        created += 1
    print(f"motcua: demo accounts: {created} created (password {DEMO_PASSWORD!r}, see docs/DEMO.md)", file=stdout)
