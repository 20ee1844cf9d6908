"""Acceptance (issue 11, assigned tasks), in headless Chromium: the province's reform officer enters a
directive and assigns a task to H32.101; the unit's administrator reports progress; the clock passes
the deadline; the unit completes it with a result document; the task is counted "Hoàn thành trễ hạn"
in the counts and in the XLSX. And the unit's list at phone size without sideways scrolling."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import time_machine

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.conftest import PHONE
from motcua.backoffice.tests.factories import vn
from motcua.backoffice.tests.test_browser import login
from motcua.backoffice.tests.test_feedback_browser import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% bao cao ket qua\n%%EOF\n"}


def submit(page: Any, label: str, file: dict[str, Any] | None = None, **fields: str) -> None:
    """Fill the form headed `label` (the command's label) and press its button."""
    form = page.locator("form", has=page.get_by_role("heading", name=label, exact=True))
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    if file is not None:
        form.locator("input[type=file]").set_input_files(file)
    form.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def test_task_assigned_updated_completed_late_is_counted_late(
    browser: Any, context: Any, live_server: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from motcua.organizations.models import Unit

    with time_machine.travel(vn(2026, 3, 2, 9), tick=True) as clock:
        province = Unit.objects.create(code="H32", name="UBND tỉnh Khánh Hòa", level="province")
        unit = Unit.objects.create(code="H32.101", name="UBND thành phố Nha Trang", level="district", parent=province)
        f.user("reform", province, "reform_officer")
        f.user("unitadmin", unit, "unit_admin")

        officer = login(context, live_server, "reform")
        officer.get_by_role("link", name="Nhiệm vụ được giao").click()
        officer.get_by_role("link", name="Nhập văn bản giao nhiệm vụ").click()
        submit(
            officer,
            "Nhập văn bản giao nhiệm vụ",
            number="123/UBND-KSTT",
            issued_on="2026-03-02",
            issuer="ubnd",
            signer="Nguyễn Tấn Tuân",
            title="Về việc đẩy mạnh số hóa hồ sơ, kết quả giải quyết TTHC",
        )
        officer.get_by_text("Đã nhập văn bản giao nhiệm vụ.").wait_for()
        submit(
            officer,
            "Giao nhiệm vụ",
            content="Số hóa 100% hồ sơ TTHC tiếp nhận trong quý I/2026",
            lead_unit="H32.101",
            deadline="2026-03-10",
        )
        officer.get_by_text("Đã giao nhiệm vụ.").wait_for()
        officer.get_by_text("Đang thực hiện trong hạn").first.wait_for()
        from motcua.assignments.models import Task

        task = Task.objects.get()

        reporter = login(context, live_server, "unitadmin")
        reporter.get_by_role("link", name="Nhiệm vụ được giao").click()
        reporter.get_by_role("link", name=f"NV-{task.pk}").click()
        assert reporter.get_by_role("heading", name="Giao nhiệm vụ").count() == 0  # not offered to the unit
        submit(reporter, "Báo cáo tiến độ", text="Đã số hóa 60% hồ sơ", percent="60")
        reporter.get_by_text("Đã ghi báo cáo tiến độ.").wait_for()

        clock.move_to(vn(2026, 3, 20, 9))  # ten days past the deadline of 10/03
        reporter = login(context, live_server, "unitadmin")
        reporter.goto(f"{live_server.url}/backoffice/nhiem-vu/qua-han/")
        reporter.get_by_role("link", name="Số hóa 100% hồ sơ TTHC tiếp nhận trong quý I/2026").click()
        reporter.get_by_text("Quá hạn chưa hoàn thành").first.wait_for()
        submit(reporter, "Báo cáo hoàn thành", file=PDF, result_number="215/BC-UBND", result_date="2026-03-20")
        reporter.get_by_text("Đã ghi nhận hoàn thành nhiệm vụ.").wait_for()
        reporter.get_by_text("Hoàn thành trễ hạn").first.wait_for()
        assert reporter.get_by_role("link", name="ket-qua.pdf").count() == 1
        shot(reporter, "assignments-task-completed-late.png")

        officer = login(context, live_server, "reform")
        officer.goto(f"{live_server.url}/backoffice/nhiem-vu/thong-ke/?year=2026")
        row = officer.locator("tr", has=officer.get_by_role("link", name="H32.101"))
        assert row.locator("td").all_inner_texts()[1:] == ["1", "0", "1", "0", "0"]
        shot(officer, "assignments-summary.png")
        with officer.expect_download() as dl:
            officer.get_by_role("link", name="Tải XLSX").click()
        from openpyxl import load_workbook

        assert dl.value.suggested_filename == "nhiem-vu-2026-20260320.xlsx"
        wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
        assert [c.value for c in wb["Theo đơn vị"][3]][2:7] == [1, 0, 1, 0, 0]
        assert wb["Theo đơn vị"]["E2"].value == "Hoàn thành trễ hạn"
        listed = [c.value for c in wb["Danh sách nhiệm vụ"][2]]
        assert listed[7] == "215/BC-UBND ngày 20/03/2026" and listed[8:] == ["Hoàn thành trễ hạn", 10]

        phone = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
        phone.set_default_timeout(10_000)
        try:
            small = login(phone, live_server, "unitadmin")
            small.goto(f"{live_server.url}/backoffice/nhiem-vu/")
            small.locator("td .tag", has_text="Hoàn thành trễ hạn").wait_for()
            assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"
            shot(small, "assignments-phone-list.png")
            small.get_by_role("link", name=f"NV-{task.pk}").click()
            small.get_by_role("heading", name="Diễn biến").wait_for()
            assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"
            shot(small, "assignments-phone-task.png")
        finally:
            phone.close()
