"""Acceptance (issue 11, PAR scoring), in headless Chromium: a commune's unit admin self-assesses with an
evidence upload and submits; the appraisal council adjusts a score with a reason and finalises; the
self-assessment page also works at phone size without sideways scrolling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CRITERIA = Path(__file__).resolve().parents[2] / "reform" / "tests" / "acceptance.yaml"


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"


def test_self_assessment_appraisal_and_phone(
    context: Any, browser: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from motcua.organizations.models import Unit
    from motcua.reform import commands
    from motcua.reform.importer import import_set
    from motcua.reform.models import Assessment

    province = Unit.objects.create(code="H32", name="UBND tỉnh Khánh Hòa", level="province")
    commune = Unit.objects.create(
        code="H32.101", name="Phường Nha Trang", level="commune", kind="phuong", parent=province
    )
    f.user("unitadmin", commune, "unit_admin")
    f.user("appraiser", province, "appraiser")
    reform = f.user("reform", province, "reform_officer")
    cs = import_set("acceptance.yaml", CRITERIA.read_bytes()).criteria_set
    assert cs is not None
    rnd = commands.open_round(reform, cs)
    a = Assessment.objects.get(round=rnd, unit=commune)
    commands.execute("survey", reform, a, {"criterion": "3.1", "value": "90"})

    # The unit admin: nav entry → the unit's assessment → self-score, evidence, submit.
    page = login(context, live_server, "unitadmin")
    page.get_by_role("link", name="Chấm điểm CCHC").click()
    page.get_by_role("link", name="2025").click()
    page.get_by_label("Điểm tự chấm 1.1").fill("30")
    page.get_by_label("Điểm tự chấm 1.2").fill("25")  # above the maximum of 20
    page.get_by_label("Điểm tự chấm 2.1").fill("18")
    page.get_by_label("Điểm tự chấm 2.2").fill("10")
    page.get_by_label("Giải trình").first.fill("Kế hoạch số 12/KH-UBND ngày 20/12/2024")
    page.get_by_role("button", name="Lưu điểm tự chấm").first.click()
    page.get_by_text("Điểm phải là số từ 0 đến 20.00.").first.wait_for()
    assert page.get_by_label("Điểm tự chấm 1.1").input_value() == "30"  # nothing lost
    page.get_by_label("Điểm tự chấm 1.2").fill("20")
    page.get_by_role("button", name="Lưu điểm tự chấm").first.click()
    page.get_by_text("Đã lưu điểm tự chấm.").wait_for()
    evidence = tmp_path / "ke-hoach-cchc-2025.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% ke hoach CCHC\n")
    page.get_by_label("Tệp kiểm chứng 1.1").set_input_files(str(evidence))
    page.locator("#c-1\\.1").get_by_role("button", name="Tải lên").click()
    page.get_by_text("Đã tải tài liệu kiểm chứng.").wait_for()
    assert page.get_by_role("link", name="ke-hoach-cchc-2025.pdf").is_visible()
    page.get_by_role("button", name="Gửi thẩm định").click()
    page.get_by_text("Đã gửi kết quả tự chấm điểm để thẩm định.").wait_for()
    assert page.locator("#status").inner_text().startswith("Đã gửi thẩm định")
    assert page.get_by_role("button", name="Lưu điểm tự chấm").count() == 0

    # The reform officer moves the round to appraisal; the council adjusts with a reason and finalises.
    page = login(context, live_server, "reform")
    page.goto(f"{live_server.url}/backoffice/cai-cach/dot/{rnd.pk}/")
    page.get_by_role("button", name="Chuyển sang thẩm định").click()
    page.get_by_text("Đã cập nhật trạng thái đợt chấm điểm.").wait_for()
    page = login(context, live_server, "appraiser")
    page.goto(f"{live_server.url}/backoffice/cai-cach/danh-gia/{a.pk}/")
    page.get_by_label("Tiêu chí").first.select_option("1.2")
    page.get_by_label("Điểm thẩm định").fill("15")
    page.get_by_role("button", name="Điều chỉnh", exact=True).click()
    page.get_by_text("Ghi rõ lý do điều chỉnh điểm.").first.wait_for()  # the reason is mandatory
    page.get_by_label("Tiêu chí").first.select_option("1.2")
    page.get_by_label("Điểm thẩm định").fill("15")
    page.get_by_label("Lý do điều chỉnh (bắt buộc)").fill("Báo cáo quý IV nộp muộn")
    page.get_by_role("button", name="Điều chỉnh", exact=True).click()
    page.get_by_text("Đã điều chỉnh điểm.").wait_for()
    page.get_by_role("button", name="Chốt kết quả").click()
    page.get_by_text("Đã chốt kết quả chấm điểm.").wait_for()
    # 30 + 15 + 18 (no dossiers: its own points) + 10 + 18 (90% of 20) = 91 → Tốt
    assert page.locator("#index").inner_text() == "91,0%"
    assert page.locator("#band").inner_text() == "Tốt"
    assert page.get_by_text("Báo cáo quý IV nộp muộn").first.is_visible()

    # Phone size: the unit's page reads without sideways scrolling (the table scrolls in its box).
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True, has_touch=True)
    try:
        p = login(phone, live_server, "unitadmin")
        p.goto(f"{live_server.url}/backoffice/cai-cach/danh-gia/{a.pk}/")
        p.locator("#band").wait_for()
        no_sideways_scroll(p)
        p.goto(f"{live_server.url}/backoffice/cai-cach/xep-hang/?group=communes&year=2025")
        p.locator("#ranking").wait_for()
        no_sideways_scroll(p)
    finally:
        phone.close()
