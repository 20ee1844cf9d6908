"""Acceptance 2: inbound online dossiers (held when files are missing), outbound sync in order without
duplicates across a receiver outage, 766 criterion 1.4 from acknowledgements, the control room."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from motcua.analytics.index766 import index_766
from motcua.conftest import DEFAULT_NOW
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import factories as f
from motcua.nationalportal.models import InboundMessage, NationalDossier
from motcua.nationalportal.tests.helpers import attachment, signed_post, submitted
from motcua.notifications import worker
from motcua.notifications.models import OutboxMessage
from motcua.organizations.models import Role
from motcua.portalsim.models import ProvinceMessage, ReceiverSwitch


@pytest.fixture(autouse=True)
def _scenario_instant(clock: Any) -> None:
    """This module's scenarios are written with calendar dates of the default test instant (a working
    Wednesday in late November 2026): pinned there, also in CI's reruns at other instants."""
    clock.move_to(datetime.fromisoformat(DEFAULT_NOW))


pytestmark = pytest.mark.django_db


def file_online(client: Client, ref: str = "G22.260304.0001", **kw: Any) -> Dossier:
    response = signed_post(client, "/dvcqg/inbound", submitted(ref, **kw))
    assert response.status_code == 201, response.content
    return Dossier.objects.get(code=response.json()["code"])


def drain(rounds: int = 10) -> None:
    for _ in range(rounds):
        if worker.deliver_due() == 0:
            return


def received(code: str) -> list[tuple[int, str]]:
    return list(ProvinceMessage.objects.filter(code=code).order_by("seq").values_list("seq", "type"))


def test_online_dossier_enters_the_intake_queue_with_its_files(client: Client, commune: Any, clock: Any) -> None:
    d = file_online(client)
    assert (d.status, d.channel, d.applicant_id_number) == ("submitted", "online", "056090000001")
    assert sorted(d.documents.values_list("component", "filename")) == [
        ("1", "to-khai.pdf"),
        ("2", "giay-chung-sinh.pdf"),
    ]
    nd = NationalDossier.objects.get(portal_ref="G22.260304.0001")
    assert nd.dossier == d and nd.identity_verified and nd.vneid_subject == "vneid-056090000001"
    # The same message again, or the same filing under a new message id: the same dossier, nothing added.
    again = signed_post(client, "/dvcqg/inbound", submitted())
    other = signed_post(client, "/dvcqg/inbound", {**submitted(), "message_id": "another"})
    assert again.json()["code"] == other.json()["code"] == d.code
    assert Dossier.objects.count() == 1 and d.documents.count() == 2
    assert InboundMessage.objects.count() == 2


def test_bad_signature_is_refused(client: Client, commune: Any) -> None:
    response = signed_post(client, "/dvcqg/inbound", submitted(), secret="wrong")
    assert response.status_code == 401
    assert Dossier.objects.count() == 0


def test_missing_attachment_is_held_and_listed(client: Client, commune: Any, clock: Any) -> None:
    complete = attachment("1", "to-khai.pdf", f.PDF + b"1")
    missing = attachment("2", "giay-chung-sinh.pdf", f.PDF + b"2", send=False)
    tampered = {**attachment("2", "ban-sao.pdf", f.PDF + b"3"), "sha256": "0" * 64}
    response = signed_post(client, "/dvcqg/inbound", submitted(attachments=[complete, missing, tampered]))
    assert response.status_code == 202
    assert [p["problem"] for p in response.json()["problems"]] == ["missing", "sha256_mismatch"]
    assert Dossier.objects.count() == 0  # never received empty or partial
    nd = NationalDossier.objects.get(portal_ref="G22.260304.0001")
    assert nd.state == "held"
    # Listed in the province's control room.
    admin = f.official("tinh", f.unit("H32", level="province"), Role.PROVINCE_ADMIN)
    client.force_login(admin)
    page = client.get("/backoffice/dong-bo/?loc=held").content.decode()
    assert "G22.260304.0001" in page and "giay-chung-sinh.pdf: missing" in page
    # The portal sends the files again: now it is received.
    d = file_online(client, attachments=None, message_id="resend")
    nd.refresh_from_db()
    assert nd.state == "received" and nd.dossier == d and d.documents.count() == 2


def test_receiver_outage_then_every_message_in_order_once(
    client: Client, commune: Any, clerk: Any, wired: None, clock: Any
) -> None:
    d = file_online(client)
    ReceiverSwitch.set(False)
    s.accept_online(clerk, d)
    s.request_supplement(clerk, d, reason="Thiếu giấy tờ", items=["Bản sao giấy chứng sinh", "Tờ khai có chữ ký"])
    drain()
    assert received(d.code) == []
    assert set(OutboxMessage.objects.filter(channel="dvcqg").values_list("status", flat=True)) == {"pending"}
    s.supply_supplement(clerk, d)
    clock.shift(timedelta(seconds=40))
    drain()  # still down: retried with back-off, nothing delivered
    assert received(d.code) == []
    ReceiverSwitch.set(True)
    clock.shift(timedelta(minutes=10))
    drain()
    assert received(d.code) == [(1, "accepted"), (2, "supplement_requested"), (3, "supplement_received")]
    supplement = ProvinceMessage.objects.get(code=d.code, seq=2).payload
    assert supplement["items"] == ["Bản sao giấy chứng sinh", "Tờ khai có chữ ký"]  # every item at once
    # A worker that died after sending re-sends with the same key: acknowledged, not applied twice.
    OutboxMessage.objects.filter(key=f"dvcqg:{d.code}:2").update(status="pending", next_attempt_at=None)
    drain()
    assert received(d.code) == [(1, "accepted"), (2, "supplement_requested"), (3, "supplement_received")]
    assert set(OutboxMessage.objects.filter(channel="dvcqg").values_list("status", flat=True)) == {"sent"}
    nd = NationalDossier.objects.get(dossier=d)
    assert (nd.out_seq, nd.acked_seq) == (3, 3)


def test_a_gap_is_refused_by_the_receiver(client: Client, commune: Any, clerk: Any, wired: None, clock: Any) -> None:
    from motcua.nationalportal import channel

    d = file_online(client)
    s.accept_online(clerk, d)
    s.request_supplement(clerk, d, reason="Thiếu", items=["Tờ khai"])
    second = OutboxMessage.objects.get(key=f"dvcqg:{d.code}:2")
    status, answer = channel.post(f"{channel.national_url()}/api/receiver", second.context)
    assert status == 409 and "expected seq 1" in answer["detail"]


def test_766_criterion_1_4_counts_only_acknowledged_dossiers(
    client: Client, commune: Any, clerk: Any, wired: None, clock: Any
) -> None:
    first = file_online(client, "G22.1")
    second = file_online(client, "G22.2")
    s.accept_online(clerk, first)
    drain()
    ReceiverSwitch.set(False)
    s.accept_online(clerk, second)
    drain()
    today = clock.time_to_freeze.date() if hasattr(clock, "time_to_freeze") else date.today()
    result = index_766(today - timedelta(days=1), today + timedelta(days=1))
    c14 = next(c for g in result["groups"] for c in g["criteria"] if c["id"] == "1.4")
    assert (c14["numerator"], c14["denominator"]) == (1, 2)
    assert c14["points"] == 2.0  # 4 × 1/2
    assert Dossier.objects.get(pk=first.pk).synced_national
    assert not Dossier.objects.get(pk=second.pk).synced_national


def test_control_room_lists_a_dossier_overdue_only_because_of_a_failed_sync(
    client: Client, commune: Any, clerk: Any, wired: None, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "MAX_ATTEMPTS", 1)
    d = file_online(client)
    s.accept_online(clerk, d)
    drain()  # the national side knows the first due time
    first_due = Dossier.objects.get(pk=d.pk).due_at
    ReceiverSwitch.set(False)
    clock.shift(timedelta(days=1))
    s.request_supplement(clerk, d, reason="Thiếu", items=["Tờ khai"])
    clock.shift(timedelta(days=4))
    s.supply_supplement(clerk, d)  # the time limit restarts here (Decree 118)
    drain()
    assert set(
        OutboxMessage.objects.filter(key__startswith=f"dvcqg:{d.code}:")
        .exclude(key=f"dvcqg:{d.code}:1")
        .values_list("status", flat=True)
    ) == {"failed"}
    d.refresh_from_db()
    assert d.due_at > first_due
    clock.move_to(first_due + timedelta(hours=1))  # after the old due time, before the new one
    ReceiverSwitch.set(True)
    admin = f.official("tinh", f.unit("H32", level="province"), Role.PROVINCE_ADMIN)
    client.force_login(admin)
    page = client.get("/backoffice/dong-bo/?loc=overdue_national").content.decode()
    assert "Quá hạn chỉ vì lỗi đồng bộ (1)" in page and d.code in page
    # One click: re-send; the national side catches up and the dossier leaves the list.
    response = client.post(f"/backoffice/dong-bo/gui-lai/{d.code}/")
    assert response.status_code == 302
    drain()
    assert [seq for seq, _ in received(d.code)] == [1, 2, 3]
    page = client.get("/backoffice/dong-bo/").content.decode()
    assert "Quá hạn chỉ vì lỗi đồng bộ" not in page


def test_control_room_is_for_province_roles(client: Client, clerk: Any) -> None:
    client.force_login(clerk)
    assert client.get("/backoffice/dong-bo/").status_code == 403


def test_assisted_filing_goes_through_the_national_channel(
    client: Client, commune: Any, clerk: Any, wired: None, clock: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.catalog.models import Procedure
    from motcua.portalsim.models import PortalDossier

    client.force_login(clerk)
    assert client.get("/backoffice/dong-bo/nop-thay/").status_code == 200
    response = client.post(
        "/backoffice/dong-bo/nop-thay/",
        {
            "procedure": str(Procedure.objects.get(code="1.001193").pk),
            "unit": "H32.27.01",
            "applicant_name": "Lê Hoàng Nam",
            "applicant_id_number": "056201000003",
            "applicant_phone": "0988777666",
            "component_1": "1",
            "file_1": SimpleUploadedFile("to-khai.pdf", f.PDF + b"ht"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    d = Dossier.objects.get()
    assert (d.channel, d.status, d.applicant_id_number) == ("online", "submitted", "056201000003")
    nd = NationalDossier.objects.get(dossier=d)
    assert nd.source == "assisted" and not nd.identity_verified
    s.accept_online(clerk, d)
    drain()
    assert received(d.code) == [(1, "created")]  # the national portal learns of it with its acceptance
    assert PortalDossier.objects.get(code=d.code).status == "received"


def test_refusal_goes_out_with_its_one_reason(
    client: Client, commune: Any, clerk: Any, wired: None, clock: Any
) -> None:
    d = file_online(client)
    s.refuse_intake(clerk, d, reason="Không thuộc thẩm quyền của UBND phường")
    drain()
    message = ProvinceMessage.objects.get(code=d.code, seq=1)
    assert (message.type, message.payload["reason"], message.payload["status"]) == (
        "refused",
        "Không thuộc thẩm quyền của UBND phường",
        "refused",
    )


def test_counter_dossiers_sync_only_when_asked(
    commune: Any, clerk: Any, wired: None, clock: Any, settings: Any
) -> None:
    from motcua.catalog.models import Procedure
    from motcua.dossiers.services import Applicant

    procedure = Procedure.objects.get(code="1.001193")
    applicant = Applicant(name="Nguyễn Văn Ánh", id_number="056090000001", phone="0905123456")
    first = s.receive_dossier(clerk, procedure=procedure, unit=commune, applicant=applicant)
    assert not NationalDossier.objects.exists() and not OutboxMessage.objects.filter(channel="dvcqg").exists()
    settings.NATIONAL_SYNC_ALL = True
    second = s.receive_dossier(clerk, procedure=procedure, unit=commune, applicant=applicant)
    drain()
    assert received(first.code) == [] and received(second.code) == [(1, "created")]
    assert ProvinceMessage.objects.get(code=second.code).payload["applicant"]["id_number"] == "056090000001"
    assert Dossier.objects.get(pk=second.pk).synced_national
