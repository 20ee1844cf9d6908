"""Acceptance (issue 16, item 4) in headless Chromium: at the counter the clerk types a personal ID,
presses "Tra cứu CSDL dân cư", the applicant's fields fill from the population simulator (over HTTP),
and the dossier is received verified; a wrong ID shows a Vietnamese message. Desktop and phone."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.conftest import DESKTOP, PHONE
from motcua.backoffice.tests.test_browser import login
from motcua.dossiers.models import Dossier
from motcua.population import synthetic
from motcua.population.models import IdentityCheck, Outcome

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO_ID = "056089001234"


@pytest.fixture
def world(transactional_db: None, live_server: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("MOTCUA_POPULATION_URL", f"{live_server.url}/sim/csdlqg-dancu/")
    u = f.units()
    people = f.staff(u["a"])
    f.process(f.procedure(), u["a"])
    return {"unit": u["a"], **people}


@pytest.mark.parametrize("context", [DESKTOP, PHONE], indirect=True, ids=["desktop", "phone"])
def test_counter_prefill_from_the_population_database(context: Any, live_server: Any, world: dict[str, Any]) -> None:
    page = login(context, live_server, "lan")
    page.goto(f"{live_server.url}/backoffice/intake/")
    search = page.get_by_role("searchbox", name="Tìm thủ tục")
    search.fill("dang ky khai sinh")
    page.get_by_role("option", name="Đăng ký khai sinh").wait_for()
    search.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_text("Thành phần hồ sơ").wait_for()
    id_field = page.get_by_label("Số định danh cá nhân / mã số doanh nghiệp")

    id_field.fill("056089999999")
    page.get_by_role("button", name="Tra cứu CSDL dân cư").click()
    page.get_by_text("Không tìm thấy số định danh cá nhân 056089999999", exact=False).wait_for()
    assert page.get_by_label("Họ và tên người nộp").input_value() == ""

    id_field.fill(DEMO_ID)
    page.get_by_role("button", name="Tra cứu CSDL dân cư").click()
    page.get_by_text("Đã điền thông tin từ Cơ sở dữ liệu quốc gia về dân cư").wait_for()
    an = synthetic.find(DEMO_ID)
    assert an is not None
    assert page.get_by_label("Họ và tên người nộp").input_value() == "Nguyễn Văn An"
    assert page.get_by_label("Ngày sinh (dd/mm/yyyy)").input_value() == an.birth_date.strftime("%d/%m/%Y")
    assert page.get_by_label("Giới tính").input_value() == "Nam"
    assert page.get_by_label("Địa chỉ").input_value() == an.permanent_address
    if page.viewport_size["width"] <= PHONE["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Tiếp nhận và lập giấy hẹn").click()
    page.get_by_text("Đã tiếp nhận hồ sơ", exact=False).first.wait_for()
    d = Dossier.objects.get()
    assert d.applicant_name == "Nguyễn Văn An"
    assert IdentityCheck.objects.get(dossier=d).outcome == Outcome.VERIFIED
    assert page.locator('[data-identity="verified"]').count() == 1
