"""SIPAS: 500 generated answers give the documented indices (hand-computed below); paper import; one answer per dossier.

Answers of respondent i (0 ≤ i < 500; unit H32.27 when i is even, H32.28 when odd):
- E1.S1 = i mod 5 + 1 (100 of each value: satisfied 4–5 = 200/500 = 0.40); E1.S2 = 4 if i < 350 else 2 (0.70) → E1 = 0.55
- E2.S1 = 5 (1.00); E2.S2 = 3 (0.00) → E2 = 0.50
- E3.S1 = 4 if i even else 1 (0.50); E3.S2 = 5 if i mod 4 = 0 else 3 (125/500 = 0.25) → E3 = 0.375
- E4.S1 = 4 if i < 450 else 1 (0.90); E4.S2 = 5 for i < 400, unanswered after (400/400 = 1.00) → E4 = 0.95
- E5.S1 = 4 if i < 400 else 2 (0.80); E5.S2 = 4 if i < 300 else 2 (0.60) → E5 = 0.70
- every assessment question 4 (1.00); E1.X1 "online" for i < 100, else "space".
Overall = (0.55 + 0.50 + 0.375 + 0.95 + 0.70) / 5 = 0.615, n = 500,
margin of error 1.96 × √(0.615 × 0.385 / 500) = 0.0427; E1.S1: 1.96 × √(0.4 × 0.6 / 500) = 0.0429.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from motcua.dossiers.tests import factories as f
from motcua.surveys import service
from motcua.surveys.indices import campaign_indices
from motcua.surveys.models import Campaign, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db: None) -> Campaign:
    a = f.unit("H32.27", level="province", name="Sở Tư pháp")
    b = f.unit("H32.28", level="province", name="Sở Xây dựng")
    c = Campaign.objects.create(
        code="sipas-2026",
        name="Khảo sát SIPAS 2026",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        sample_size=250,
        questionnaire=service.default_questionnaire(),
    )
    c.units.set([a, b])
    return c


def answers(i: int) -> dict[str, Any]:
    a: dict[str, Any] = {
        "E1.S1": i % 5 + 1,
        "E1.S2": 4 if i < 350 else 2,
        "E2.S1": 5,
        "E2.S2": 3,
        "E3.S1": 4 if i % 2 == 0 else 1,
        "E3.S2": 5 if i % 4 == 0 else 3,
        "E4.S1": 4 if i < 450 else 1,
        "E4.S2": 5 if i < 400 else "",
        "E5.S1": 4 if i < 400 else 2,
        "E5.S2": 4 if i < 300 else 2,
        "E1.X1": "online" if i < 100 else "space",
        "P1": "f" if i % 3 else "m",
    }
    for e in range(1, 6):
        a[f"E{e}.A1"] = 4
    return a


def test_500_answers_give_the_documented_indices_and_export(campaign: Campaign) -> None:
    for i in range(500):
        channel = ("portal", "kiosk", "paper")[i % 3]
        service.submit(campaign, "H32.27" if i % 2 == 0 else "H32.28", answers(i), channel, dossier_code=f"D-{i}")
    doc = campaign_indices(campaign)
    elements = {e["id"]: e["index"] for e in doc["elements"]}
    assert elements == {"E1": 0.55, "E2": 0.5, "E3": 0.375, "E4": 0.95, "E5": 0.7}
    assert doc["overall"] == {"index": 0.615, "n": 500, "moe": 0.0427}
    assert doc["questions"]["E1.S1"] == {"index": 0.4, "n": 500, "moe": 0.0429, "kind": "satisfaction", "element": "E1"}
    assert doc["questions"]["E4.S2"]["n"] == 400 and doc["questions"]["E4.S2"]["moe"] == 0.0
    assert doc["questions"]["E2.A1"]["index"] == 1.0
    assert doc["expectations"]["E1.X1"] == {"space": 400, "online": 100, "hours": 0}
    units = {u["unit"]: u for u in doc["units"]}
    assert units["H32.27"]["respondents"] == 250 and units["H32.27"]["sample_size"] == 250
    # H32.27 (even i): E3.S1 = 1.00 and E3.S2 = 125/250 = 0.5 → E3 = 0.75.
    assert {e["id"]: e["index"] for e in units["H32.27"]["elements"]}["E3"] == 0.75
    # A changed formula (weights) is applied without code.
    campaign.formula = {"weights": {"E4": 3}}
    weighted = campaign_indices(campaign)["overall"]["index"]
    assert weighted == round((0.55 + 0.5 + 0.375 + 3 * 0.95 + 0.7) / 7, 4)
    campaign.formula = {}
    from openpyxl import load_workbook

    from motcua.surveys.exports import to_pdf, to_xlsx

    wb = load_workbook(io.BytesIO(to_xlsx(campaign, doc)))
    sheet = wb["Chỉ số"]
    assert [c.value for c in sheet[4]] == ["SIPAS", "Chỉ số hài lòng chung", 0.615, 500, 0.0427]
    assert wb["Phiếu"].max_row == 501  # raw answers kept: header + 500
    assert to_pdf(campaign, doc, "")[:5] == b"%PDF-"


def test_one_answer_per_dossier_and_per_session(campaign: Campaign) -> None:
    service.submit(campaign, "H32.27", {"E1.S1": 5}, "kiosk", dossier_code="h32.27-260302-0001", session_key="s1")
    with pytest.raises(service.SurveyError) as e:
        service.submit(campaign, "H32.27", {"E1.S1": 4}, "kiosk", dossier_code="H32.27-260302-0001")
    assert "dossier_code" in e.value.fields
    with pytest.raises(service.SurveyError) as e:
        service.submit(campaign, "H32.27", {"E1.S1": 4}, "portal", session_key="s1")
    assert "session" in e.value.fields
    with pytest.raises(service.SurveyError) as e:
        service.submit(campaign, "H99", {"E1.S1": 9, "Z": 1}, "portal")
    assert {"unit", "E1.S1", "Z"} <= set(e.value.fields)
    assert Response.objects.count() == 1


def test_paper_import_is_all_or_nothing_with_row_numbers(campaign: Campaign) -> None:
    good = "unit,dossier_code,E1.S1,E1.S2,P1\nH32.27,,5,4,m\nH32.28,D-9,3,,f\n"
    bad = good + "H32.27,,7,4,x\n"
    result = service.import_paper(campaign, "phieu.csv", bad.encode())
    assert result.errors and result.errors[0]["row"] == 4 and "E1.S1" in result.errors[0]["error"]
    assert Response.objects.count() == 0
    assert service.import_paper(campaign, "phieu.csv", good.encode(), dry_run=True).imported == 2
    assert Response.objects.count() == 0
    assert service.import_paper(campaign, "phieu.csv", good.encode()).imported == 2
    assert Response.objects.filter(channel="paper").count() == 2
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["unit", "E2.S1"])
    ws.append(["H32.27", 4])
    buf = io.BytesIO()
    wb.save(buf)
    assert service.import_paper(campaign, "phieu.xlsx", buf.getvalue()).imported == 1
    assert service.import_paper(campaign, "phieu.csv", b"bogus,E1.S1\n").errors[0]["row"] == 1
    assert service.import_paper(campaign, "phieu.xlsx", b"not a zip").errors[0]["row"] == 0


def test_kl91_sipas_satisfaction_per_unit(campaign: Campaign) -> None:
    from motcua.analytics.kl91 import sipas_satisfaction

    for i in range(4):  # H32.27: 5, 5, 5, 2 → one question, 3/4 satisfied
        service.submit(campaign, "H32.27", {"E1.S1": 5 if i < 3 else 2}, "portal", dossier_code=f"K-{i}")
    result = sipas_satisfaction(date(2026, 1, 1), date(2026, 12, 31))
    assert result == {
        "H32.27": {"index": 0.75, "n": 4, "moe": round(1.96 * (0.75 * 0.25 / 4) ** 0.5, 4), "campaigns": ["sipas-2026"]}
    }
    assert sipas_satisfaction(date(2025, 1, 1), date(2025, 12, 31)) == {}
