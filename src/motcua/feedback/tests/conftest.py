from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """Two departments (H32.27 receives, H32.28 is competent) with a clerk, a specialist and a leader each."""
    from motcua.feedback.migrations import __name__ as _  # noqa: F401
    from motcua.notifications.seed import ensure_templates

    ensure_templates()
    root = f.unit("H32", level="province", name="UBND tỉnh Khánh Hòa")
    a = f.unit("H32.27", level="province", parent=root, name="Sở Tư pháp")
    b = f.unit("H32.28", level="province", parent=root, name="Sở Xây dựng")
    people: dict[str, Any] = {"a": a, "b": b, "root": root}
    for u, tag in ((a, "a"), (b, "b")):
        people[f"clerk_{tag}"] = f.official(f"clerk_{tag}", u, Role.CLERK)
        people[f"spec_{tag}"] = f.official(f"spec_{tag}", u, Role.SPECIALIST)
        people[f"lead_{tag}"] = f.official(f"lead_{tag}", u, Role.LEADER)
    return people


def payload(unit: str = "H32.27", **extra: Any) -> dict[str, Any]:
    return {
        "unit": unit,
        "title": "Chậm trả kết quả đăng ký khai sinh",
        "content": "Tôi nộp hồ sơ đăng ký khai sinh cho con nhưng quá hẹn hai ngày vẫn chưa nhận được kết quả.",
        "submitter": {
            "name": "Trần Thị Bích Ngọc",
            "phone": "0905 111 222",
            "email": "ngoc@example.vn",
            "address": "12 Lê Lợi, Nha Trang",
        },
        **extra,
    }
