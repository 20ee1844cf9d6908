"""Screens through the Django client: the forms the table offers, messages on bad input, who sees
what, the overdue page and the XLSX."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from motcua.assignments.models import Task
from motcua.assignments.tests.test_commands import world  # noqa: F401  (fixture)
from motcua.calendar.engine import TZ

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_screens_from_directive_to_xlsx(world: dict[str, Any]) -> None:  # noqa: F811
    reform, unit = client(world["reform"]), client(world["admin_a"])
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False) as clock:
        page = reform.get("/backoffice/nhiem-vu/").content.decode()
        assert "Nhập văn bản giao nhiệm vụ" in page and "Nhiệm vụ được giao" in page
        bad = reform.post("/backoffice/nhiem-vu/van-ban/moi/", {"number": "", "issued_on": "x"})
        assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
        r = reform.post(
            "/backoffice/nhiem-vu/van-ban/moi/",
            {
                "number": "45/TB-UBND",
                "issued_on": "2026-03-02",
                "issuer": "chu_tich",
                "signer": "Ông B",
                "title": "Kết luận",
            },
        )
        assert r.status_code == 302
        url = r["Location"]
        assert "Giao nhiệm vụ" in reform.get(url).content.decode()
        bad = reform.post(f"{url}assign_task/", {"content": "Rà soát TTHC", "lead_unit": "H32.101"})
        assert bad.status_code == 400 and "chỉ một trong hai" in bad.content.decode()
        r = reform.post(
            f"{url}assign_task/", {"content": "Rà soát TTHC", "lead_unit": "H32.101", "deadline": "2026-03-10"}
        )
        task = Task.objects.get()
        assert r["Location"] == f"/backoffice/nhiem-vu/{task.pk}/"
        page = unit.get(r["Location"]).content.decode()
        assert "post_progress/" in page and "decide_extension/" not in page
        assert (
            unit.post(f"/backoffice/nhiem-vu/{task.pk}/decide_extension/", {"decision": "approved"}).status_code == 403
        )
        unit.post(
            f"/backoffice/nhiem-vu/{task.pk}/post_progress/", {"text": "Đang rà soát 12 thủ tục", "percent": "30"}
        )
        clock.move_to(datetime(2026, 3, 20, 9, tzinfo=TZ))
        page = reform.get("/backoffice/nhiem-vu/").content.decode()
        assert "<title>Nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao — motcua</title>" in page
        assert f'href="/backoffice/nhiem-vu/van-ban/{task.directive_id}/">45/TB-UBND</a>' in page
        page = reform.get("/backoffice/nhiem-vu/qua-han/").content.decode()
        assert "Rà soát TTHC" in page and "Đang rà soát 12 thủ tục" in page
        x = reform.get("/backoffice/nhiem-vu/bao-cao.xlsx?year=2026")
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(x.content))
        assert wb.sheetnames == ["Theo đơn vị", "Theo văn bản", "Quá hạn chưa hoàn thành", "Danh sách nhiệm vụ"]
        assert [c.value for c in wb["Theo đơn vị"][3]][:7] == ["H32.101", "UBND thành phố Nha Trang", 1, 0, 0, 1, 0]
        assert wb["Quá hạn chưa hoàn thành"]["H3"].value == 10  # days past 10/03
    # A clerk has no entry and no access; another unit's admin does not see the task.
    clerk = client(world["clerk_a"])
    assert "Nhiệm vụ được giao" not in clerk.get("/backoffice/").content.decode()
    assert clerk.get("/backoffice/nhiem-vu/").status_code == 403
    other = client(world["admin_b"])
    assert other.get(f"/backoffice/nhiem-vu/{task.pk}/").status_code == 404
    assert reform.get("/backoffice/nhiem-vu/thong-ke/?year=abc").status_code == 200


def test_admin_is_read_only() -> None:
    from django.contrib.auth import get_user_model

    admin = client(get_user_model().objects.create_superuser("root", "root@example.org", "x"))
    assert admin.get("/admin/assignments/task/").status_code == 200
    assert admin.get("/admin/assignments/directive/add/").status_code == 403


def test_summary_numbers_open_their_lists(world: dict[str, Any]) -> None:  # noqa: F811
    from motcua.assignments import commands
    from motcua.assignments.tests.test_commands import directive, vn

    d = directive(world, vn(2026, 3, 2, 9))
    for deadline in ("2026-03-10", "2027-01-10"):
        commands.execute(
            "assign_task",
            world["reform"],
            d,
            {"content": f"Hạn {deadline}", "lead_unit": "H32.101", "deadline": deadline},
        )
    reform = client(world["reform"])
    with time_machine.travel(datetime(2026, 3, 20, 9, tzinfo=TZ), tick=False):
        page = reform.get("/backoffice/nhiem-vu/thong-ke/?year=2026").content.decode()
        assert 'href="/backoffice/nhiem-vu/?year=2026&amp;unit=H32.101&status=overdue">1</a>' in page
        listed = reform.get("/backoffice/nhiem-vu/?year=2026&unit=H32.101&status=overdue").content.decode()
        assert "Hạn 2026-03-10" in listed and "Hạn 2027-01-10" not in listed
        assert "Hạn 2027-01-10" in reform.get("/backoffice/nhiem-vu/?year=x").content.decode()
