"""The screens: self-assessment with evidence, the council's adjustment, ranking, reports, refusals."""

from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from motcua.analytics.tests.conftest import t
from motcua.reform import commands
from motcua.reform.importer import import_set
from motcua.reform.models import Assessment
from motcua.reform.tests.conftest import DATA, PASSWORD, finished_dossiers


def login(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def opened(province: dict[str, Any], staff: dict[str, Any]) -> Assessment:
    finished_dossiers(province["H32.101"], province["proc"], 10, late=1)
    cs = import_set("x.yaml", (DATA / "cchc-xa-2025.yaml").read_bytes()).criteria_set
    with time_machine.travel(t("2026-01-05"), tick=False):
        rnd = commands.open_round(staff["reform"], cs)
    return rnd.assessments.get(unit__code="H32.101")


def test_self_assessment_and_appraisal_screens(opened: Assessment, staff: dict[str, Any]) -> None:
    unit = login(staff["admin101"])
    url = reverse("reform:assessment", args=[opened.pk])
    page = unit.get(url)
    assert page.status_code == 200 and "Lưu điểm tự chấm" in page.content.decode()
    assert "Chấm điểm CCHC" in unit.get(reverse("reform:rounds")).content.decode()  # the nav entry
    manual = [s.criterion.code for s in opened.scores.select_related("criterion") if s.criterion.method == "manual"]
    bad = {f"points-{code}": "1" for code in manual} | {"points-1.1": "9", "comment-1.2": "giữ lại"}
    r = unit.post(reverse("reform:run", args=[opened.pk, "self_score"]), bad)
    body = r.content.decode()
    assert r.status_code == 400 and "Điểm phải là số từ 0 đến 3.00" in body and "giữ lại" in body  # nothing lost
    good = {f"points-{code}": "1" for code in manual} | {"value-3.2.1": "95", "points-1.3": "0"}
    assert unit.post(reverse("reform:run", args=[opened.pk, "self_score"]), good).status_code == 302
    pdf = io.BytesIO(b"%PDF-1.4 ke hoach")
    pdf.name = "ke-hoach.pdf"
    r = unit.post(reverse("reform:run", args=[opened.pk, "upload_evidence"]), {"criterion": "1.1", "file": pdf})
    assert r.status_code == 302
    fake = io.BytesIO(b"not a pdf")
    fake.name = "x.pdf"
    r = unit.post(reverse("reform:run", args=[opened.pk, "upload_evidence"]), {"criterion": "1.1", "file": fake})
    assert r.status_code == 400 and "không khớp" in r.content.decode()
    body = unit.get(url).content.decode()
    assert "ke-hoach.pdf" in body
    assert "Hồ sơ liên quan" in body and "Đơn vị báo cáo" in body
    assert unit.post(reverse("reform:run", args=[opened.pk, "submit"])).status_code == 302
    assert unit.post(reverse("reform:run", args=[opened.pk, "adjust"]), {"criterion": "1.1"}).status_code == 403

    council = login(staff["appraiser"])
    r = council.post(reverse("reform:run", args=[opened.pk, "adjust"]), {"criterion": "1.1", "points": "0.5"})
    assert r.status_code == 400 and "Ghi rõ lý do" in r.content.decode()
    r = council.post(
        reverse("reform:run", args=[opened.pk, "adjust"]), {"criterion": "1.1", "points": "0.5", "reason": "Thiếu"}
    )
    assert r.status_code == 302
    reform = login(staff["reform"])
    assert (
        reform.post(reverse("reform:run", args=[opened.pk, "survey"]), {"criterion": "8.1", "value": "85"}).status_code
        == 302
    )
    assert reform.post(reverse("reform:round-step", args=[opened.round_id, "start_appraisal"])).status_code == 302
    assert council.post(reverse("reform:run", args=[opened.pk, "finalise"])).status_code == 302
    a = Assessment.objects.get(pk=opened.pk)
    assert a.status == "final" and a.result["band"]
    # survey 85% × 18 = 15.30
    assert a.scores.get(criterion__code="8.1").computed["points"] == "15.30"
    ranking = council.get(reverse("reform:ranking") + "?group=communes&year=2025").content.decode()
    assert "H32.101" in ranking and "<svg" in ranking
    pdf_r = council.get(reverse("reform:report", args=[a.pk, "pdf"]))
    assert pdf_r.status_code == 200 and pdf_r.content[:5] == b"%PDF-"
    xlsx = council.get(reverse("reform:report", args=[a.pk, "xlsx"]))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.active["B5"].value == a.result["index"]
    ev = a.scores.get(criterion__code="1.1").evidence.get()
    assert council.get(reverse("reform:evidence", args=[ev.pk])).content == b"%PDF-1.4 ke hoach"


def test_other_units_and_clerks_are_refused(opened: Assessment, staff: dict[str, Any]) -> None:
    other = login(staff["admin102"])
    assert other.get(reverse("reform:assessment", args=[opened.pk])).status_code == 403
    clerk = login(staff["clerk"])
    assert clerk.get(reverse("reform:rounds")).status_code == 403
    assert "Chấm điểm CCHC" not in clerk.get(reverse("backoffice:worklist")).content.decode()
    assert other.post(reverse("reform:import")).status_code == 403


def test_survey_component_for_the_round(opened: Assessment, staff: dict[str, Any]) -> None:
    reform = login(staff["reform"])
    url = reverse("reform:survey-import", args=[opened.round_id])
    bad = io.BytesIO(b"unit,criterion,value\nH32.101,8.1,88\nH32.999,8.1,70\nH32.102,1.1,50\n")
    bad.name = "dieu-tra.csv"
    r = reform.post(url, {"file": bad}, follow=True)
    body = r.content.decode()
    assert "dòng 2: đơn vị H32.999" in body and "dòng 3 (H32.102): Tiêu chí này không chấm bằng điều tra." in body
    assert opened.scores.get(criterion__code="8.1").computed == {}  # all or nothing
    good = io.BytesIO(b"H32.101,8.1,88\nH32.102,8.1,91.5\n")
    good.name = "dieu-tra.csv"
    assert "Đã nhập 2 kết quả điều tra." in reform.post(url, {"file": good}, follow=True).content.decode()
    assert opened.scores.get(criterion__code="8.1").computed["points"] == "15.84"  # 18 × 88%
    r = reform.post(url, {"from": "sipas"}, follow=True)
    assert "Chưa có kết quả khảo sát SIPAS" in r.content.decode()
    assert login(staff["admin101"]).post(url, {"from": "sipas"}).status_code == 403


def test_served_pages_carry_no_inline_code(opened: Assessment, staff: dict[str, Any]) -> None:
    from motcua.core.tests.test_csp import inline_code

    c = login(staff["reform"])
    for url in [
        reverse("reform:rounds"),
        reverse("reform:round", args=[opened.round_id]),
        reverse("reform:assessment", args=[opened.pk]),
        reverse("reform:ranking") + "?group=communes&year=2025",
    ]:
        r = c.get(url)
        assert r.status_code == 200, url
        assert not inline_code(r.content.decode()), (url, inline_code(r.content.decode()))


def test_import_and_open_from_the_screen(province: dict[str, Any], staff: dict[str, Any]) -> None:
    from motcua.reform.models import CriteriaSet, Round

    reform = login(staff["reform"])
    bad = io.BytesIO(b"code: X\nname: y\nyear: 2026\ngroup: communes\ncriteria: []\n")
    bad.name = "bad.yaml"
    body = reform.post(reverse("reform:import"), {"file": bad}, follow=True).content.decode()
    assert "Không nhập được bộ chỉ số" in body and "&#x27;criteria&#x27; must be a non-empty list" in body
    good = io.BytesIO((DATA / "cchc-so-2025.yaml").read_bytes())
    good.name = "cchc-so-2025.yaml"
    body = reform.post(reverse("reform:import"), {"file": good}, follow=True).content.decode()
    assert "Đã nhập bộ chỉ số CCHC-SO-2025" in body and "Mở đợt chấm điểm" in body
    cs = CriteriaSet.objects.get(code="CCHC-SO-2025")
    r = reform.post(reverse("reform:open", args=[cs.pk]), follow=True)
    assert "Đã mở đợt chấm điểm năm 2025 (2 đơn vị)." in r.content.decode()  # the two departments
    assert Round.objects.get(criteria_set=cs).assessments.count() == 2
    assert login(staff["appraiser"]).post(reverse("reform:open", args=[cs.pk])).status_code == 403
