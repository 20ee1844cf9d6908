"""The screens: the forms shown come from the command table, bad input is a 400 with a Vietnamese
message, other units' items are invisible, and the overdue list exports real XLSX."""

from __future__ import annotations

import io
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.dossiers.tests.factories import PDF, at
from motcua.inspections.tests.test_commands import concluded_item


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_nav_and_plans_for_who_may(world: dict[str, Any]) -> None:
    page = client(world["reform"]).get("/backoffice/kiem-tra/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kiểm tra CCHC" in text and "Lập kế hoạch kiểm tra" in text
    inspector = client(world["inspector"]).get("/backoffice/kiem-tra/").content.decode()
    assert "Kiểm tra CCHC" in inspector and "Lập kế hoạch kiểm tra" not in inspector
    # A unit administrator lands on the unit's remediation list; a clerk sees no entry at all.
    assert client(world["ward_admin"]).get("/backoffice/kiem-tra/").status_code == 302
    assert "Kiểm tra CCHC" not in client(world["clerk"]).get("/backoffice/kiem-tra/khac-phuc/").content.decode()


def test_bad_input_is_a_clear_400(world: dict[str, Any]) -> None:
    c = client(world["reform"])
    r = c.post("/backoffice/kiem-tra/lenh/create_plan/", {"year": "năm nay", "name": ""})
    assert r.status_code == 400
    assert "Nhập một số nguyên." in r.content.decode() and "Trường này không được bỏ trống." in r.content.decode()
    r = c.post("/backoffice/kiem-tra/lenh/create_plan/", {"year": "2026", "name": "KH", "decision_date": "31/02/2026"})
    assert r.status_code == 400 and "Ngày không hợp lệ" in r.content.decode()
    r = client(world["inspector"]).post("/backoffice/kiem-tra/lenh/create_plan/", {"year": "2026", "name": "x"})
    assert r.status_code == 403


def test_unit_reports_and_inspector_closes(world: dict[str, Any]) -> None:
    rem = concluded_item(world)
    other = concluded_item(world, unit="H32.27")
    ward = client(world["ward_admin"])
    listing = ward.get("/backoffice/kiem-tra/khac-phuc/").content.decode()
    assert f"/khac-phuc/{rem.pk}/" in listing and f"/khac-phuc/{other.pk}/" not in listing
    assert ward.get(f"/backoffice/kiem-tra/khac-phuc/{other.pk}/").status_code == 404
    page = ward.get(f"/backoffice/kiem-tra/khac-phuc/{rem.pk}/").content.decode()
    assert "Báo cáo kết quả khắc phục" in page and "Xác nhận đã khắc phục, đóng" not in page
    bad = ward.post(
        f"/backoffice/kiem-tra/khac-phuc/{rem.pk}/report_progress/",
        {"text": "Đã sửa", "evidence": SimpleUploadedFile("a.pdf", b"not a pdf")},
    )
    assert bad.status_code == 400 and "không khớp" in bad.content.decode()
    ok = ward.post(
        f"/backoffice/kiem-tra/khac-phuc/{rem.pk}/report_progress/",
        {"text": "Đã sửa", "evidence": SimpleUploadedFile('biên bản "họp".pdf', PDF)},
    )
    assert ok.status_code == 302
    report = rem.reports.get()
    got = ward.get(f"/backoffice/kiem-tra/khac-phuc/{rem.pk}/minh-chung/{report.pk}/")
    assert got.content == PDF and got["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert ward.post(f"/backoffice/kiem-tra/khac-phuc/{rem.pk}/close/", {}).status_code == 403
    insp = client(world["inspector"])
    assert insp.post(f"/backoffice/kiem-tra/khac-phuc/{rem.pk}/close/", {"note": "Đạt"}).status_code == 302
    rem.refresh_from_db()
    assert rem.status == "closed"


def test_overdue_list_and_xlsx(world: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    concluded_item(world)  # due 09/03/2026
    concluded_item(world, unit="H32.27")
    with time_machine.travel(at(2026, 3, 12, 9), tick=False):
        c = client(world["inspector"])
        page = c.get("/backoffice/kiem-tra/qua-han/?year=2026").content.decode()
        assert "H32.101" in page and "H32.27" in page
        r = c.get("/backoffice/kiem-tra/qua-han.xlsx?year=2026")
        assert r.status_code == 200
        wb = load_workbook(io.BytesIO(r.content))
        rows = list(wb["Theo đơn vị"].iter_rows(min_row=3, values_only=True))
        assert ("H32.101", "UBND phường Nha Trang", 1, 1, 1) in rows
        assert len(list(wb["Danh sách quá hạn"].iter_rows(min_row=2))) == 2
        # The ward's administrator sees only the ward's overdue item.
        mine = client(world["ward_admin"]).get("/backoffice/kiem-tra/qua-han/").content.decode()
        assert "H32.101" in mine and "Sở Tư pháp" not in mine


def test_a_retried_form_is_not_run_twice(world: dict[str, Any]) -> None:
    rem = concluded_item(world)
    ins = rem.finding.inspection
    plan_item = ins.plan_item
    c = client(world["inspector"])
    page = c.get(f"/backoffice/kiem-tra/ke-hoach/{plan_item.plan_id}/").content.decode()
    assert 'name="_key"' in page
    form = {"inspected_on": "2026-04-01", "_key": "retry-key-1"}
    first = c.post(f"/backoffice/kiem-tra/don-vi-kiem-tra/{plan_item.pk}/record_inspection/", form)
    again = c.post(f"/backoffice/kiem-tra/don-vi-kiem-tra/{plan_item.pk}/record_inspection/", form)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert plan_item.inspections.count() == 2  # the earlier one and this one, once
    reported = {"text": "Đã sửa", "_key": "retry-key-2"}
    ward = client(world["ward_admin"])
    for _ in range(2):
        assert ward.post(f"/backoffice/kiem-tra/khac-phuc/{rem.pk}/report_progress/", reported).status_code == 302
    assert rem.reports.count() == 1
