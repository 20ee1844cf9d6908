"""Issue 11, acceptance 3 (inspections), in headless Chromium: the inspector records a finding with a
remediation item and concludes; the unit's administrator reports progress with an evidence upload
(on a phone); the inspector closes the item; the overdue list counts per unit. The clock is fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import time_machine

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.conftest import PHONE
from motcua.backoffice.tests.test_browser import login
from motcua.dossiers.tests.factories import PDF, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run(page: Any, label: str, files: dict[str, Path] | None = None, **fields: str) -> None:
    form = page.locator("form", has=page.get_by_role("heading", name=label, exact=True))
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    for name, path in (files or {}).items():
        form.locator(f"[name={name}]").set_input_files(str(path))
    form.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def world() -> dict[str, Any]:
    from motcua.inspections import commands as c
    from motcua.organizations.models import Unit

    root = Unit.objects.create(code="H32", name="UBND tỉnh Khánh Hòa", level="province")
    ward = Unit.objects.create(code="H32.101", name="UBND phường Nha Trang", level="commune", parent=root)
    Unit.objects.create(code="H32.27", name="Sở Tư pháp", level="province", parent=root)
    w = {
        "reform": f.user("reform", root, "reform_officer"),
        "inspector": f.user("inspector", root, "inspector"),
        "unitadmin": f.user("unitadmin", ward, "unit_admin"),
    }
    plan = c.execute("create_plan", w["reform"], None, {"year": 2026, "name": "Kế hoạch kiểm tra CCHC năm 2026"})
    item = c.execute(
        "add_plan_item", w["reform"], plan, {"unit": "H32.101", "start_date": "2026-01-05", "end_date": "2026-03-06"}
    )
    c.execute("approve_plan", w["reform"], plan)
    # An earlier inspection whose remediation at Sở Tư pháp is long overdue on 02/03/2026.
    old = c.execute("record_inspection", w["inspector"], item, {"inspected_on": "2026-01-05"})
    fd = c.execute("add_finding", w["inspector"], old, {"text": "Chưa số hóa kết quả giải quyết TTHC"})
    c.execute(
        "add_remediation",
        w["inspector"],
        fd,
        {"text": "Số hóa kết quả TTHC còn tồn", "owner_unit": "H32.27", "deadline_days": 10},
    )
    c.execute("conclude", w["inspector"], old, {"conclusion": "Có tồn tại."}, now=at(2026, 1, 6))
    w["inspection"] = c.execute("record_inspection", w["inspector"], item, {"inspected_on": "2026-03-02"})
    return w


@pytest.mark.parametrize("context", [PHONE], indirect=True, ids=["phone"])
def test_finding_remediation_closure_and_overdue_list(
    browser: Any, context: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from motcua.inspections.models import RemediationItem

    evidence = tmp_path / "bien-ban-niem-yet.pdf"
    evidence.write_bytes(PDF)
    desktop = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN", accept_downloads=True)
    desktop.set_default_timeout(10_000)
    with time_machine.travel(at(2026, 3, 2, 9), tick=True):
        world()
        base = f"{live_server.url}/backoffice/kiem-tra"

        inspector = login(desktop, live_server, "inspector")
        inspector.get_by_role("link", name="Kiểm tra CCHC").click()
        inspector.get_by_role("link", name="Kế hoạch kiểm tra CCHC năm 2026").click()
        inspector.get_by_role("link", name="Biên bản ngày 02/03/2026").click()
        run(
            inspector,
            "Ghi nhận tồn tại, hạn chế",
            text="Niêm yết TTHC chưa cập nhật theo quyết định công bố mới",
            severity="shortcoming",
            criterion_code="2.3",
        )
        inspector.get_by_text("Đã ghi nhận tồn tại, hạn chế.").wait_for()
        run(inspector, "Kiến nghị khắc phục", text="Cập nhật niêm yết TTHC", owner_unit="H32.101", deadline_days="")
        inspector.get_by_text("Nhập số ngày làm việc hoặc hạn cụ thể.").first.wait_for()  # refused, nothing lost
        run(inspector, "Kiến nghị khắc phục", text="Cập nhật niêm yết TTHC", owner_unit="H32.101", deadline_days="5")
        inspector.get_by_text("Đã thêm kiến nghị khắc phục.").wait_for()
        run(inspector, "Kết luận kiểm tra", conclusion="Cơ bản thực hiện tốt; còn tồn tại về niêm yết.")
        inspector.get_by_text("Đã kết luận; thời hạn khắc phục bắt đầu tính.").wait_for()
        item = RemediationItem.objects.get(owner_unit__code="H32.101")
        assert str(item.due_on) == "2026-03-09"  # 5 working days after Mon 02/03/2026
        inspector.get_by_text("hạn 09/03/2026").wait_for()
        inspector.close()

        # The ward's administrator, on a phone: the nav leads to the unit's remediation list.
        unit = login(context, live_server, "unitadmin")
        unit.goto(f"{base}/")
        unit.get_by_role("link", name="Cập nhật niêm yết TTHC").click()
        assert unit.get_by_role("heading", name="Xác nhận đã khắc phục, đóng").count() == 0
        run(
            unit,
            "Báo cáo kết quả khắc phục",
            files={"evidence": evidence},
            text="Đã thay bảng niêm yết theo Quyết định công bố mới.",
        )
        unit.get_by_text("Đã gửi báo cáo khắc phục.").wait_for()
        unit.get_by_role("link", name="bien-ban-niem-yet.pdf").wait_for()
        assert unit.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"
        item.refresh_from_db()
        assert item.status == "reported" and bytes(item.reports.get().data or b"") == PDF

        inspector = login(desktop, live_server, "inspector")
        inspector.goto(f"{base}/khac-phuc/{item.pk}/")
        with inspector.expect_download() as dl:
            inspector.get_by_role("link", name="bien-ban-niem-yet.pdf").click()
        assert Path(dl.value.path()).read_bytes() == PDF
        run(inspector, "Xác nhận đã khắc phục, đóng", note="Đạt yêu cầu.")
        inspector.get_by_text("Đã đóng kiến nghị.").wait_for()
        item.refresh_from_db()
        assert item.status == "closed"

        inspector.goto(f"{base}/qua-han/?year=2026")
        rows = inspector.locator("section", has_text="Theo đơn vị").locator("tbody tr")
        assert rows.count() == 2
        assert rows.nth(0).inner_text().split("\t") == ["H32.101 — UBND phường Nha Trang", "0", "0", "1"]
        assert rows.nth(1).inner_text().split("\t") == ["H32.27 — Sở Tư pháp", "1", "1", "1"]
        inspector.get_by_role("link", name="Số hóa kết quả TTHC còn tồn").wait_for()
        with inspector.expect_download() as dl:
            inspector.get_by_role("link", name="Tải XLSX").click()
        assert Path(dl.value.path()).read_bytes()[:2] == b"PK"
    desktop.close()
