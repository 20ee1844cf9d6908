"""Acceptance (issue 16, item 3): a signed result validates with pyHanko's validator against the demo
CA; altering one byte makes the public verification page say so; notices are signed; the remote
(CSC) adapter signs through the simulator over HTTP and a dead service refuses cleanly."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua import config
from motcua.backoffice.tests import factories as f
from motcua.core.tests.live import free_port
from motcua.dossiers import services
from motcua.dossiers.services import DossierError
from motcua.signing import keystore
from motcua.signing.models import SignedDocument
from motcua.signing.service import SigningUnavailable, sign_pdf
from motcua.signing.verify import ALTERED, NO_SIGNATURE, NOT_PDF, verify_pdf

pytestmark = pytest.mark.django_db


def plain_pdf(text: str = "Giấy khai sinh — Nguyễn Văn An") -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=f"<p>{text}</p>").write_pdf())


@pytest.fixture
def world() -> dict[str, Any]:
    u = f.units()
    people = f.staff(u["a"])
    d = f.received(people["clerk"], u["a"])
    return {"unit": u["a"], "dossier": d, **people}


def record(world: dict[str, Any]) -> bytes:
    d = world["dossier"]
    doc = services.record_result(
        world["specialist"], d, upload=services.Upload("ket-qua.pdf", plain_pdf()), result_code="056190001234.KQ.1"
    )
    with doc.file.open("rb") as fh:
        return bytes(fh.read())


def altered(data: bytes) -> bytes:
    """One byte changed inside the first content stream (covered by the signature)."""
    changed = bytearray(data)
    at = data.index(b"stream") + 20
    changed[at] ^= 0x01
    return bytes(changed)


def test_signed_result_validates_with_pyhanko_against_the_demo_ca(world: dict[str, Any]) -> None:
    data = record(world)
    root = load_cert_from_pemder(str(keystore.ca_paths()[0]))
    (sig,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    status = validate_pdf_signature(sig, signer_validation_context=ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "Phường Nha Trang"
    registered = SignedDocument.objects.get(kind="result")
    assert registered.dossier == world["dossier"] and registered.provider == "local"
    assert world["dossier"].documents.get(kind="result").sha256 == registered.sha256


def test_verification_page_valid_then_one_altered_byte(world: dict[str, Any]) -> None:
    data = record(world)
    client = Client()
    page = client.get("/xac-thuc/")
    assert page.status_code == 200 and "Xác thực văn bản điện tử" in page.content.decode()
    ok = client.post("/xac-thuc/", {"tep": SimpleUploadedFile("kq.pdf", data, "application/pdf")})
    text = ok.content.decode()
    assert ok.status_code == 200 and 'data-verdict="valid"' in text
    assert "Phường Nha Trang" in text and "Không bị thay đổi sau khi ký" in text
    bad = client.post("/xac-thuc/", {"tep": SimpleUploadedFile("kq.pdf", altered(data), "application/pdf")})
    text = bad.content.decode()
    assert bad.status_code == 200 and 'data-verdict="invalid"' in text
    assert ALTERED in text and "Đã bị thay đổi sau khi ký" in text


def test_qr_link_page_and_comparison(world: dict[str, Any]) -> None:
    data = record(world)
    token = SignedDocument.objects.get(kind="result").token
    client = Client()
    page = client.get(f"/xac-thuc/{token}/")
    assert page.status_code == 200 and "Kết quả giải quyết thủ tục hành chính" in page.content.decode()
    same = client.post(f"/xac-thuc/{token}/", {"tep": SimpleUploadedFile("kq.pdf", data)})
    assert "Tệp trùng khớp với văn bản đã phát hành" in same.content.decode()
    other = client.post(f"/xac-thuc/{token}/", {"tep": SimpleUploadedFile("kq.pdf", altered(data))})
    assert "KHÁC với văn bản đã phát hành" in other.content.decode()
    assert client.get("/xac-thuc/khong-co-ma-nay/").status_code == 404


def test_bad_uploads_get_a_reason_never_a_500() -> None:
    client = Client()
    assert client.post("/xac-thuc/", {}).status_code == 400
    for content, reason in [
        (b"hello", NOT_PDF),
        (plain_pdf(), NO_SIGNATURE),
        (b"%PDF-1.7\n garbage", "bị hỏng"),
    ]:
        response = client.post("/xac-thuc/", {"tep": SimpleUploadedFile("x.pdf", content)})
        assert response.status_code == 200
        assert reason in response.content.decode()


def test_untrusted_signature_is_not_valid(
    signing_dir: Path, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = record(world)
    other = signing_dir.parent / "other"
    monkeypatch.setenv("MOTCUA_SIGNING_DIR", str(other))
    from motcua.signing import ca

    ca.init_root()
    verdict = verify_pdf(data)
    assert not verdict.ok and "không do tổ chức" in verdict.reasons[0]


def test_leader_signs_with_a_personal_certificate_on_top(world: dict[str, Any]) -> None:
    data = record(world)
    twice = sign_pdf(data, world["unit"], reason="Phê duyệt kết quả", signer=world["leader"], kind="result")
    verdict = verify_pdf(twice)
    assert verdict.ok, verdict.reasons
    assert [s.signer for s in verdict.signatures] == ["Phường Nha Trang", verdict.signatures[1].signer]
    assert verdict.signatures[1].signer != "Phường Nha Trang"


def test_receipt_slip_is_signed_by_the_receiving_unit(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["clerk"])
    response = client.get(f"/backoffice/d/{world['dossier'].code}/forms/receipt.pdf")
    assert response.status_code == 200
    verdict = verify_pdf(response.content)
    assert verdict.ok and verdict.signatures[0].signer == "Phường Nha Trang"
    assert SignedDocument.objects.filter(kind="receipt", dossier=world["dossier"]).exists()


def test_remote_adapter_signs_through_the_csc_simulator(
    live_server: Any, monkeypatch: pytest.MonkeyPatch, world: dict[str, Any]
) -> None:
    monkeypatch.setenv("MOTCUA_SIGNING_PROVIDER", "remote")
    monkeypatch.setenv("MOTCUA_SIGNING_REMOTE_URL", f"{live_server.url}/sim/ky-so/csc/v2/")
    signed = sign_pdf(plain_pdf(), world["unit"], reason="Thử ký từ xa", kind="receipt")
    verdict = verify_pdf(signed)
    assert verdict.ok, verdict.reasons
    assert SignedDocument.objects.get(sha256=verdict.sha256).provider == "remote"


def test_remote_service_down_refuses_the_result_and_stores_nothing(
    monkeypatch: pytest.MonkeyPatch, world: dict[str, Any]
) -> None:
    monkeypatch.setenv("MOTCUA_SIGNING_PROVIDER", "remote")
    monkeypatch.setenv("MOTCUA_SIGNING_REMOTE_URL", f"http://127.0.0.1:{free_port()}/csc/v2/")
    with pytest.raises(SigningUnavailable):
        sign_pdf(plain_pdf(), world["unit"], reason="x")
    with pytest.raises(DossierError) as info:
        record(world)
    assert info.value.code == "signing_unavailable"
    assert not world["dossier"].documents.filter(kind="result").exists()


def test_simulator_refuses_a_wrong_client(live_server: Any) -> None:
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{live_server.url}/sim/ky-so/csc/v2/signatures/signHash",
        data=json.dumps({"credentialID": "unit:H32.101", "hashes": ["AA=="]}).encode(),
        headers={"Authorization": "Bearer forged"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code == 401


def test_production_refuses_simulators_and_the_test_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_ENV", "production")
    errors = config.simulator_errors()
    assert any("MOTCUA_POPULATION_URL" in e for e in errors)
    assert any("MOTCUA_SIGNING_TRUST_ROOTS" in e for e in errors)
    assert not config.simulators_on()
    assert Client().get("/sim/csdlqg-dancu/v1/cong-dan/056089001234").status_code == 404
    monkeypatch.setenv("MOTCUA_SIMULATORS", "1")
    assert config.simulator_errors() == [] and config.simulators_on()


def test_init_ca_command(signing_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from motcua.cli import main

    f.units()
    assert main(["signing", "init-ca", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["root"] == 1 and report["units"] == 3
    assert (signing_dir / "units" / "H32.101.pem").exists()
    assert main(["signing", "init-ca", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["units"] == 0  # idempotent


def test_leader_signs_the_result_through_the_command(world: dict[str, Any]) -> None:
    from motcua.dossiers.commands import allowed, execute

    d = world["dossier"]
    assert not allowed("sign_result", world["leader"], d)  # no result yet
    record(world)
    assert not allowed("sign_result", world["specialist"], d)
    assert allowed("sign_result", world["leader"], d)
    doc = execute("sign_result", world["leader"], d, {})
    with doc.file.open("rb") as fh:
        verdict = verify_pdf(fh.read())
    assert verdict.ok, verdict.reasons
    assert verdict.signatures[0].signer == "Phường Nha Trang" and len(verdict.signatures) == 2
    event = d.events.order_by("-seq").first()
    assert event.type == "result_recorded" and event.payload["signed_by"] == world["leader"].username
    assert not allowed("sign_result", world["leader"], d)  # once
