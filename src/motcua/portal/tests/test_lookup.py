"""Public status look-up (contracts §8.1): the API and the /tra-cuu/ page."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import Applicant
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at
from motcua.notifications.models import OutboxMessage
from motcua.organizations.models import Role
from motcua.portal import lookup
from motcua.portal.links import lookup_url

URL = "/api/v1/public/lookup"
PHONE = "0905123456"
KEYS = {
    "code",
    "procedure",
    "unit",
    "status",
    "received_at",
    "appointment_at",
    "finished_at",
    "returned_at",
    "steps",
}


@pytest.fixture
def dossier(db: None) -> Dossier:
    """Received Mon 02/03/2026 09:00 (5 working days), one step started and finished, one open."""
    commune = f.unit("H32.27.01", name="UBND phường Nha Trang")
    clerk = f.official("clerk", commune, Role.CLERK)
    specialist = f.official("specialist", commune, Role.SPECIALIST)
    proc = f.procedure(amount=5, name="Đăng ký khai sinh")
    d = s.receive_dossier(
        clerk,
        procedure=proc,
        unit=commune,
        applicant=Applicant(
            name="Nguyễn Thị Hồng Nhung",
            id_number="056190001234",
            phone="+84 905 123 456",
            email="nhung@example.vn",
            address="12 Trần Phú",
        ),
        now=at(2026, 3, 2, 9),
    )
    s.start_step(specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10))
    d.refresh_from_db()
    return d


def get(client: Client | None = None, addr: str = "10.0.0.1", **params: str) -> Any:
    return (client or Client()).get(URL, params, REMOTE_ADDR=addr)


def test_found_has_exactly_the_contract_fields(dossier: Dossier) -> None:
    r = get(code=dossier.code, phone=PHONE)
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) == KEYS
    assert body["code"] == dossier.code
    assert body["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh"}
    assert body["unit"] == {"code": "H32.27.01", "name": "UBND phường Nha Trang"}
    assert body["status"] == dossier.status
    assert body["received_at"] == "2026-03-02T09:00:00+07:00"
    assert body["appointment_at"] == "2026-03-09T17:00:00+07:00"
    assert body["finished_at"] is None and body["returned_at"] is None
    assert body["steps"], "the started step is listed"
    for step in body["steps"]:
        assert set(step) == {"name", "unit", "started_at", "finished_at"}
    assert body["steps"][0]["name"] == "Thẩm định"
    assert body["steps"][0]["unit"] == "UBND phường Nha Trang"
    assert body["steps"][0]["started_at"] == "2026-03-02T10:00:00+07:00"
    assert body["steps"][0]["finished_at"] is None


def test_no_personal_data_in_the_answer(dossier: Dossier) -> None:
    text = get(code=dossier.code, phone=PHONE).content.decode()
    for private in ["Nguyễn Thị Hồng Nhung", "056190001234", "905123456", "nhung@example.vn", "Trần Phú", "clerk"]:
        assert private not in text


@pytest.mark.parametrize(
    "phone", ["0905123456", "0905 123 456", "0905.123.456", "+84905123456", "+84 905 123 456", "84905123456"]
)
def test_phone_formats(dossier: Dossier, phone: str) -> None:
    assert get(code=dossier.code, phone=phone).status_code == 200


def test_phone_normalisation() -> None:
    assert lookup.normalise_phone(" +84 (905) 123-456 ") == PHONE
    assert lookup.normalise_phone("0084905123456") == PHONE
    assert lookup.normalise_phone("84") is None
    assert lookup.normalise_phone("090512") is None
    assert lookup.normalise_phone("abc") is None


def test_wrong_phone_and_unknown_code_are_indistinguishable(dossier: Dossier) -> None:
    wrong_phone = get(code=dossier.code, phone="0905000000")
    unknown = get(code="H32.27.01-260302-9999", phone=PHONE)
    assert wrong_phone.status_code == unknown.status_code == 404
    assert wrong_phone.content == unknown.content
    assert wrong_phone.headers == unknown.headers
    assert unknown.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "code"),
        ({"code": "X"}, "phone"),
        ({"phone": PHONE}, "code"),
        ({"code": "  ", "phone": PHONE}, "code"),
        ({"code": "X", "phone": "không có"}, "phone"),
        ({"code": "X" * 65, "phone": PHONE}, "code"),
        ({"code": "X", "phone": "0" * 500}, "phone"),
    ],
)
def test_bad_parameters_are_400_with_a_message(db: None, params: dict[str, str], field: str) -> None:
    r = get(**params)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid" and field in body["errors"] and body["detail"]


def test_eleventh_failure_is_429_until_the_window_passes(dossier: Dossier, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_800_000_000.0]
    monkeypatch.setattr(lookup.limiter, "clock", lambda: now[0])
    for _ in range(10):
        assert get(code="NO-SUCH", phone=PHONE).status_code == 404
    blocked = get(code=dossier.code, phone=PHONE)  # even the right pair: the address is blocked
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "too_many_failures"
    assert 0 < int(blocked["Retry-After"]) <= 600
    assert get(code=dossier.code, phone=PHONE, addr="10.0.0.2").status_code == 200  # other clients unaffected
    now[0] += 599
    assert get(code=dossier.code, phone=PHONE).status_code == 429
    now[0] += 1
    assert get(code=dossier.code, phone=PHONE).status_code == 200


def test_limit_is_configurable(dossier: Dossier, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_LOOKUP_MAX_FAILURES", "2")
    assert [get(code="NO-SUCH", phone=PHONE).status_code for _ in range(3)] == [404, 404, 429]


def test_successes_and_bad_requests_do_not_count(dossier: Dossier) -> None:
    for _ in range(12):
        assert get(code=dossier.code, phone=PHONE).status_code == 200
        assert get(code="X").status_code == 400
    assert get(code="NO-SUCH", phone=PHONE).status_code == 404


def test_lookups_change_nothing_and_never_log_the_phone(dossier: Dossier, caplog: pytest.LogCaptureFixture) -> None:
    before = Dossier.objects.filter(pk=dossier.pk).values().get()
    events, messages = DossierEvent.objects.count(), OutboxMessage.objects.count()
    with caplog.at_level(logging.DEBUG):
        get(code=dossier.code, phone=PHONE)
        get(code=dossier.code, phone="0905 999 888")
        Client().post("/tra-cuu/", {"ma": dossier.code, "sdt": "0905 999 888"}, REMOTE_ADDR="10.0.0.1")
    assert Dossier.objects.filter(pk=dossier.pk).values().get() == before
    assert (DossierEvent.objects.count(), OutboxMessage.objects.count()) == (events, messages)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for digits in ("905123456", "905999888", "905 999 888"):
        assert digits not in logged


def test_page_prefills_the_code_from_the_qr_link(dossier: Dossier) -> None:
    link = urlsplit(lookup_url(dossier.code))
    page = Client().get(f"{link.path}?{link.query}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{dossier.code}"' in html
    assert '<html lang="vi">' in html and 'name="viewport"' in html
    assert "Tra cứu tình trạng hồ sơ" in html
    assert "https://" not in html and "//cdn" not in html


def test_page_shows_the_status(dossier: Dossier) -> None:
    r = Client().post("/tra-cuu/", {"ma": dossier.code, "sdt": "0905.123.456"}, REMOTE_ADDR="10.0.0.3")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Đăng ký khai sinh" in html and "UBND phường Nha Trang" in html
    assert "09/03/2026" in html and "Thẩm định" in html
    assert "Nguyễn Thị Hồng Nhung" not in html
    assert r["Cache-Control"] == "no-store"


def test_page_errors(dossier: Dossier) -> None:
    c = Client()
    wrong = c.post("/tra-cuu/", {"ma": dossier.code, "sdt": "0905000000"}, REMOTE_ADDR="10.0.0.4")
    unknown = c.post("/tra-cuu/", {"ma": dossier.code + "9", "sdt": PHONE}, REMOTE_ADDR="10.0.0.4")
    assert wrong.status_code == unknown.status_code == 404
    assert lookup.NOT_FOUND["detail"] in wrong.content.decode()
    bad = c.post("/tra-cuu/", {"ma": dossier.code, "sdt": "abc"}, REMOTE_ADDR="10.0.0.4")
    assert bad.status_code == 400 and "Số điện thoại không hợp lệ" in bad.content.decode()
    for _ in range(8):
        c.post("/tra-cuu/", {"ma": "NO-SUCH", "sdt": PHONE}, REMOTE_ADDR="10.0.0.4")
    blocked = c.post("/tra-cuu/", {"ma": dossier.code, "sdt": PHONE}, REMOTE_ADDR="10.0.0.4")
    assert blocked.status_code == 429 and "Tra cứu sai quá nhiều lần" in blocked.content.decode()
    assert int(blocked["Retry-After"]) > 0


def test_page_form_works_with_csrf_checks(dossier: Dossier) -> None:
    c = Client(enforce_csrf_checks=True)
    page = c.get("/tra-cuu/", {"ma": dossier.code})
    token = page.cookies["csrftoken"].value
    r = c.post("/tra-cuu/", {"ma": dossier.code, "sdt": PHONE, "csrfmiddlewaretoken": token}, REMOTE_ADDR="10.0.0.5")
    assert r.status_code == 200 and "Đang xử lý" in r.content.decode()
