"""NFD input (macOS keyboards, text pasted from PDFs) is stored NFC whichever edge it came through."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from motcua.backoffice.tests import factories as bf
from motcua.catalog.models import Procedure
from motcua.cli import main
from motcua.core.middleware import nfc_querydict
from motcua.core.text import nfc_deep
from motcua.dossiers.models import Dossier, DossierEvent

NAME = "Nguyễn Văn Ánh"
NFD = unicodedata.normalize("NFD", NAME)


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    assert NFD != NAME and not is_nfc(NFD)
    u = bf.units()
    people = bf.staff(u["a"])
    bf.process(bf.procedure(), u["a"])
    return {"unit": u["a"], **people}


def test_backoffice_intake_form_stores_nfc(world: dict[str, Any]) -> None:
    c = Client()
    c.force_login(world["clerk"])
    ids = list(bf.procedure().components.order_by("order").values_list("pk", flat=True))
    data = {
        "procedure": "1.001193",
        "applicant_name": NFD,
        "applicant_id_number": "056190001234",
        "applicant_phone": "0905123456",
        "applicant_address": unicodedata.normalize("NFD", "12 Trần Phú"),
        "sets": "1",
        "idempotency_key": "nfc-1",
        **{f"component_{i}": "on" for i in ids[:2]},
    }
    response = c.post(reverse("backoffice:intake"), data)
    assert response.status_code == 302, response.content.decode()[:1000]
    d = Dossier.objects.get()
    assert d.applicant_name == NAME
    assert d.applicant_address == "12 Trần Phú"


def test_api_intake_stores_nfc(world: dict[str, Any]) -> None:
    c = APIClient()
    c.force_authenticate(world["clerk"])
    body = {"procedure": "1.001193", "unit": world["unit"].code, "applicant_name": NFD, "idempotency_key": "nfc-api"}
    r = c.post("/api/v1/dossiers/", body, format="json")
    assert r.status_code == 201, r.content
    assert Dossier.objects.get().applicant_name == NAME
    assert r.json()["applicant_name"] == NAME


def test_api_form_encoded_body_is_nfc_too(world: dict[str, Any]) -> None:
    c = APIClient()
    c.force_authenticate(world["clerk"])
    body = {"procedure": "1.001193", "unit": world["unit"].code, "applicant_name": NFD, "idempotency_key": "nfc-f"}
    r = c.post("/api/v1/dossiers/", body, format="multipart")
    assert r.status_code == 201, r.content
    assert Dossier.objects.get().applicant_name == NAME


def test_query_strings_are_nfc(rf: Any) -> None:
    request = rf.get("/x", {"q": NFD})
    assert nfc_querydict(request.GET)["q"] == NAME
    untouched = rf.get("/x", {"q": NAME}).GET
    assert nfc_querydict(untouched) is untouched


def test_nfc_deep() -> None:
    assert nfc_deep({NFD: [NFD, (NFD, 1)], "n": None}) == {NAME: [NAME, (NAME, 1)], "n": None}


def line(code: str, note: str) -> str:
    doc = {
        "code": code,
        "procedure": "1.001193",
        "unit": "H32.101",
        "channel": "direct",
        "received_at": "2025-01-06T08:15:00+07:00",
        "due_at": "2025-01-09T17:00:00+07:00",
        "status": "processing",
        "note": note,
    }
    return json.dumps(doc, ensure_ascii=False)


def test_history_import_stores_nfc(world: dict[str, Any], tmp_path: Path) -> None:
    raw = tmp_path / "history.jsonl"
    escaped = json.dumps({"x": NFD})[7:-2]  # the NFD name written with \\u escapes, as ASCII
    assert "\\u" in escaped
    raw.write_text(line("OLD-1", NFD) + "\n" + line("OLD-2", "x").replace('"x"}', f'"{escaped}"}}') + "\n")
    assert main(["dossiers", "import", str(raw)]) == 0
    notes = [e.payload["note"] for e in DossierEvent.objects.filter(type="imported").order_by("dossier__code")]
    assert notes == [NAME, NAME]


def test_history_import_chain_verifies_after_normalising(world: dict[str, Any], tmp_path: Path) -> None:
    raw = tmp_path / "history.jsonl"
    raw.write_text(line("OLD-1", NFD) + "\n")
    assert main(["dossiers", "import", str(raw)]) == 0
    assert main(["audit", "verify"]) == 0


def test_cli_arguments_are_nfc(world: dict[str, Any], tmp_path: Path) -> None:
    """A path typed as NFD names the NFC file on disk (Linux file names are bytes)."""
    named = tmp_path / "lịch sử.jsonl"
    named.write_text(line("OLD-3", "x") + "\n")
    nfd_path = str(tmp_path / unicodedata.normalize("NFD", "lịch sử.jsonl"))
    assert not Path(nfd_path).exists()
    assert main(["dossiers", "import", nfd_path]) == 0
    assert Dossier.objects.filter(code="OLD-3").exists()


def test_catalogue_import_stores_nfc(db: None) -> None:
    from motcua.catalog.importer import import_document

    nfd = unicodedata.normalize("NFD", "Thủ tục đăng ký khai sinh")
    import_document(
        {
            "units": [
                {"code": "H32", "name": unicodedata.normalize("NFD", "UBND tỉnh Khánh Hòa"), "level": "province"}
            ],
            "fields": [{"code": "HT", "name": unicodedata.normalize("NFD", "Hộ tịch")}],
            "procedures": [
                {
                    "code": "1.001193",
                    "name": nfd,
                    "field": "HT",
                    "levels": ["province"],
                    "notes": unicodedata.normalize("NFD", "Ghi chú"),
                    "components": [{"name": unicodedata.normalize("NFD", "Tờ khai"), "ghi_chú": NFD}],
                }
            ],
        }
    )
    p = Procedure.objects.get(code="1.001193")
    assert p.name == "Thủ tục đăng ký khai sinh"
    assert p.extra["notes"] == "Ghi chú"
    component = p.components.get()
    assert component.name == "Tờ khai"
    assert component.extra == {"ghi_chú": NAME}
