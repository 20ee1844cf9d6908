"""Acceptance (issue 16, item 4): the population simulator over HTTP; intake verified against it; a
wrong ID gives a clear Vietnamese message; the service down → intake still works and is flagged
"chưa xác thực", re-verified later; every look-up in the personal-data read trail."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.backoffice.models import PersonalDataRead
from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.test_screens import component_ids, intake_post
from motcua.dossiers.models import Dossier
from motcua.population import adapters, synthetic
from motcua.population.models import IdentityCheck, Outcome

pytestmark = pytest.mark.django_db
DEMO_ID = "056089001234"  # Nguyễn Văn An, in docs/DEMO.md


@pytest.fixture
def world() -> dict[str, Any]:
    u = f.units()
    people = f.staff(u["a"])
    f.process(f.procedure(), u["a"])
    c = Client()
    c.force_login(people["clerk"])
    return {"unit": u["a"], "client": c, **people}


def intake_form(**extra: str) -> dict[str, str]:
    an = synthetic.find(DEMO_ID)
    assert an is not None
    values = {
        "applicant_name": an.name,
        "applicant_id_number": DEMO_ID,
        "applicant_birth_date": an.birth_date.strftime("%d/%m/%Y"),
        "applicant_sex": an.sex,
    }
    form = intake_post(**{**values, **extra})
    for pk in component_ids():
        form[f"component_{pk}"] = "on"
    return form


def test_synthetic_citizens_are_deterministic_and_follow_the_id_layout() -> None:
    people = synthetic.citizens()
    assert len(people) >= 300
    assert people[DEMO_ID].name == "Nguyễn Văn An" and people[DEMO_ID].sex == "Nam"
    assert people[DEMO_ID].birth_date.year == 1989
    for p in people.values():
        sex, century = synthetic.sex_and_century(p.id_number)
        assert p.sex == sex and p.birth_date.year == century + int(p.id_number[4:6])


def test_adapter_over_http(population_up: str, monkeypatch: pytest.MonkeyPatch) -> None:
    found = adapters.lookup(DEMO_ID, "test")
    assert found.outcome == adapters.FOUND and found.citizen == synthetic.find(DEMO_ID)
    assert adapters.lookup("056089999999", "test").outcome == adapters.NOT_FOUND
    assert adapters.lookup("12345", "test").outcome == adapters.NOT_APPLICABLE
    monkeypatch.setenv("MOTCUA_POPULATION_URL", population_up + "loi-503/")
    assert adapters.lookup(DEMO_ID, "test").outcome == adapters.UNAVAILABLE
    monkeypatch.setenv("MOTCUA_POPULATION_URL", population_up + "cham/")
    monkeypatch.setenv("MOTCUA_POPULATION_TIMEOUT", "0.5")
    started = time.monotonic()
    slow = adapters.lookup(DEMO_ID, "test")
    assert slow.outcome == adapters.UNAVAILABLE and time.monotonic() - started < 5
    monkeypatch.setenv("MOTCUA_POPULATION_URL", population_up.replace("/sim/csdlqg-dancu/", "/khong-co/"))
    assert adapters.lookup(DEMO_ID, "test").outcome == adapters.UNAVAILABLE  # a bare 404 is a wrong URL


def test_adapter_refuses_a_wrong_key(population_up: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_POPULATION_API_KEY", "dung")
    assert adapters.lookup(DEMO_ID, "test").outcome == adapters.FOUND
    url = f"/sim/csdlqg-dancu/v1/cong-dan/{DEMO_ID}"
    assert Client().get(url, headers={"X-Api-Key": "khac"}).status_code == 401
    assert Client().get(url, headers={"X-Api-Key": "dung"}).status_code == 200


def test_prefill_fragment_and_read_trail(world: dict[str, Any], population_up: str) -> None:
    c = world["client"]
    page = c.get(reverse("population:prefill"), {"applicant_id_number": DEMO_ID}).content.decode()
    assert 'data-name="Nguyễn Văn An"' in page and "Đã điền thông tin" in page
    wrong = c.get(reverse("population:prefill"), {"applicant_id_number": "056089999999"}).content.decode()
    assert "Không tìm thấy số định danh cá nhân 056089999999" in wrong
    short = c.get(reverse("population:prefill"), {"applicant_id_number": "0560"}).content.decode()
    assert "gồm đúng 12 chữ số" in short
    trail = PersonalDataRead.objects.filter(what="population_lookup").order_by("at", "pk")
    assert [(r.user, r.detail["id_number"], r.detail["purpose"], r.detail["outcome"]) for r in trail] == [
        (world["clerk"], DEMO_ID, "dien_thong_tin_tiep_nhan", "found"),
        (world["clerk"], "056089999999", "dien_thong_tin_tiep_nhan", "not_found"),
    ]


def test_prefill_needs_a_counter_role(world: dict[str, Any], population_up: str) -> None:
    c = Client()
    c.force_login(world["specialist"])
    assert c.get(reverse("population:prefill"), {"applicant_id_number": DEMO_ID}).status_code == 403
    assert not PersonalDataRead.objects.filter(what="population_lookup").exists()


def test_intake_verified_and_recorded_with_the_dossier(world: dict[str, Any], population_up: str) -> None:
    response = world["client"].post(reverse("backoffice:intake"), intake_form())
    assert response.status_code == 302
    d = Dossier.objects.get()
    check = IdentityCheck.objects.get(dossier=d)
    assert check.outcome == Outcome.VERIFIED and check.checked_by == world["clerk"]
    read = PersonalDataRead.objects.get(what="population_lookup")
    assert read.dossier == d and read.detail["purpose"] == "tiep_nhan_ho_so" and read.user == world["clerk"]
    page = world["client"].get(reverse("backoffice:dossier", args=[d.code])).content.decode()
    assert 'data-identity="verified"' in page


def test_wrong_id_or_wrong_data_stops_the_intake_with_a_vietnamese_message(
    world: dict[str, Any], population_up: str
) -> None:
    c = world["client"]
    page = c.post(reverse("backoffice:intake"), intake_form(applicant_id_number="056089999999")).content.decode()
    assert "Không tìm thấy số định danh cá nhân 056089999999 trong Cơ sở dữ liệu quốc gia về dân cư" in page
    page = c.post(reverse("backoffice:intake"), intake_form(applicant_name="Nguyễn Văn Ân")).content.decode()
    assert "Họ và tên không khớp với Cơ sở dữ liệu quốc gia về dân cư (Nguyễn Văn An)" in page
    page = c.post(reverse("backoffice:intake"), intake_form(applicant_birth_date="01/01/1990")).content.decode()
    assert "Ngày sinh không khớp" in page
    assert not Dossier.objects.exists()
    assert PersonalDataRead.objects.filter(what="population_lookup", dossier=None).count() == 3


def test_service_down_intake_goes_on_flagged_then_reverified(
    world: dict[str, Any], population_down: str, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = world["client"]
    assert c.post(reverse("backoffice:intake"), intake_form()).status_code == 302
    d = Dossier.objects.get()
    assert IdentityCheck.objects.get(dossier=d).outcome == Outcome.UNAVAILABLE
    listing = c.get(reverse("population:unverified")).content.decode()
    assert d.code in listing and "Chưa xác thực" in listing
    assert 'data-identity="unavailable"' in c.get(reverse("backoffice:dossier", args=[d.code])).content.decode()
    # still down: stays flagged
    c.post(reverse("population:reverify", args=[d.code]))
    assert d.code in c.get(reverse("population:unverified")).content.decode()
    # back up: verified, off the list
    monkeypatch.setenv("MOTCUA_POPULATION_URL", f"{live_server.url}/sim/csdlqg-dancu/")
    c.post(reverse("population:reverify", args=[d.code]))
    assert IdentityCheck.objects.filter(dossier=d).order_by("-checked_at", "-pk").first().outcome == Outcome.VERIFIED
    assert f'href="/backoffice/d/{d.code}/"' not in c.get(reverse("population:unverified")).content.decode()
    trail = PersonalDataRead.objects.filter(what="population_lookup", dossier=d).order_by("at", "pk")
    assert [r.detail["purpose"] for r in trail] == ["tiep_nhan_ho_so", "xac_thuc_lai", "xac_thuc_lai"]
    assert [r.detail["outcome"] for r in trail] == ["unavailable", "unavailable", "found"]


def test_reverify_is_for_the_receiving_units_clerks(world: dict[str, Any], population_down: str) -> None:
    world["client"].post(reverse("backoffice:intake"), intake_form())
    d = Dossier.objects.get()
    other = Client()
    other.force_login(world["specialist"])
    assert other.post(reverse("population:reverify", args=[d.code])).status_code == 403
