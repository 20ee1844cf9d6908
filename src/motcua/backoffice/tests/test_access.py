"""Acceptance: a clerk of one commune cannot open, list or print another commune's dossiers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.backoffice.tests import factories as f


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    u = f.units()
    mine = f.dossier(u["a"], code="H32.101-260105-0001")
    theirs = f.dossier(u["b"], code="H32.110-260105-0001", applicant_name="Phạm Quốc Khánh")
    clerk_a = f.user("clerk_a", u["a"], "clerk")
    return {"units": u, "mine": mine, "theirs": theirs, "clerk_a": clerk_a}


@pytest.fixture
def client_a(world: dict[str, Any]) -> Client:
    c = Client()
    c.force_login(world["clerk_a"])
    return c


def test_anonymous_users_are_sent_to_the_login_page(world: dict[str, Any]) -> None:
    response = Client().get(reverse("backoffice:dossier", args=[world["mine"].code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("backoffice:login"))


def test_own_dossier_page_and_pdf_are_served(client_a: Client, world: dict[str, Any]) -> None:
    code = world["mine"].code
    page = client_a.get(reverse("backoffice:dossier", args=[code]))
    assert page.status_code == 200
    assert "Nguyễn Thị Hồng Nhung" in page.content.decode()
    slip = client_a.get(reverse("backoffice:form_pdf", args=[code, "receipt"]))
    assert slip.status_code == 200
    assert slip["Content-Type"] == "application/pdf"


def test_other_communes_dossier_page_is_404(client_a: Client, world: dict[str, Any]) -> None:
    assert client_a.get(reverse("backoffice:dossier", args=[world["theirs"].code])).status_code == 404


@pytest.mark.parametrize("kind", ["receipt", "control", "supplement"])
def test_other_communes_forms_cannot_be_printed(client_a: Client, world: dict[str, Any], kind: str) -> None:
    assert client_a.get(reverse("backoffice:form_pdf", args=[world["theirs"].code, kind])).status_code == 404


def test_worklist_lists_only_own_commune(client_a: Client, world: dict[str, Any]) -> None:
    body = client_a.get(reverse("backoffice:worklist"), {"status": "all"}).content.decode()
    assert world["mine"].code in body
    assert world["theirs"].code not in body
    assert "Phạm Quốc Khánh" not in body


def test_searching_for_another_communes_code_finds_nothing(client_a: Client, world: dict[str, Any]) -> None:
    body = client_a.get(reverse("backoffice:worklist"), {"status": "all", "q": world["theirs"].code}).content.decode()
    assert reverse("backoffice:dossier", args=[world["theirs"].code]) not in body
    assert "Không có hồ sơ nào." in body
    body = client_a.get(reverse("backoffice:worklist"), {"status": "all", "q": world["mine"].code}).content.decode()
    assert reverse("backoffice:dossier", args=[world["mine"].code]) in body


def test_tracking_book_of_another_commune_is_refused(client_a: Client, world: dict[str, Any]) -> None:
    url = reverse("backoffice:tracking_book")
    assert client_a.get(url, {"unit": "H32.110"}).status_code == 404
    # Selecting another commune's dossier by code prints nothing of it.
    from motcua.backoffice.tests.test_forms_pdf import text_of

    response = client_a.get(url, {"code": [world["theirs"].code, world["mine"].code]})
    assert response.status_code == 200
    text = text_of(response.content)
    assert world["mine"].code in text
    assert world["theirs"].code not in text


def test_applicant_lookup_does_not_leak_other_communes(client_a: Client, world: dict[str, Any]) -> None:
    body = client_a.get(
        reverse("backoffice:applicant_lookup"), {"applicant_id_number": "056190001234"}
    ).content.decode()
    assert world["mine"].code in body
    assert world["theirs"].code not in body


def test_province_admin_sees_both(world: dict[str, Any]) -> None:
    admin = f.user("tinh", world["units"]["province"], "province_admin")
    c = Client()
    c.force_login(admin)
    body = c.get(reverse("backoffice:worklist"), {"status": "all"}).content.decode()
    assert world["mine"].code in body and world["theirs"].code in body
    assert c.get(reverse("backoffice:dossier", args=[world["theirs"].code])).status_code == 200


def test_procedure_search_is_accent_insensitive(client_a: Client, world: dict[str, Any]) -> None:
    body = client_a.get(reverse("backoffice:procedure_search"), {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in body
    body = client_a.get(reverse("backoffice:procedure_search"), {"q": "ket hon"}).content.decode()
    assert "Đăng ký khai sinh" not in body


def test_other_communes_documents_cannot_be_opened_or_reused(world: dict[str, Any]) -> None:
    from motcua.dossiers import services
    from motcua.organizations.models import Membership

    u = world["units"]
    clerk_b = f.user("clerk_b", u["b"], "clerk")
    Membership.objects.get_or_create(user=clerk_b, unit=u["b"], role="clerk")
    theirs = f.received(clerk_b, u["b"])
    doc = services.attach_document(clerk_b, theirs, upload=services.Upload("cs.pdf", f.PDF), component="2")
    c = Client()
    c.force_login(world["clerk_a"])
    assert c.get(reverse("backoffice:document", args=[theirs.code, doc.pk])).status_code == 404
    # Asking for it by id on one's own dossier does not work either.
    assert c.get(reverse("backoffice:document", args=[world["mine"].code, doc.pk])).status_code == 404


def test_procedure_search_puts_the_closest_name_first(client_a: Client, world: dict[str, Any]) -> None:
    f.procedure("1.000001", "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con")
    f.procedure("1.000002", "Thủ tục đăng ký lại khai sinh")
    body = client_a.get(reverse("backoffice:procedure_search"), {"q": "dang ky khai sinh"}).content.decode()
    names = ["Đăng ký khai sinh", "Thủ tục đăng ký khai sinh kết hợp", "Thủ tục đăng ký lại khai sinh"]
    positions = [body.index(n) for n in names]
    assert positions == sorted(positions)
