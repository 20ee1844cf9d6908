"""Staff pages (dossier panel, request button, daily reconciliation with a statement upload) and the
simulator switched off."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from motcua.payments import record
from motcua.payments.models import Payment, PayStatus
from motcua.payments.tests.helpers import call_ipn, ipn_params

pytestmark = pytest.mark.django_db


def test_dossier_page_panel_and_request_button(shop: Any, client: Client) -> None:
    d = shop.awaiting(50000)
    Payment.objects.filter(dossier=d).update(status=PayStatus.FAILED)  # the last attempt failed
    client.force_login(shop.clerk)
    page = client.get(f"/backoffice/d/{d.code}/").content.decode()
    assert "Phí, lệ phí" in page and "Tạo mã thanh toán" in page and "50000 đồng" in page
    response = client.post(f"/payments/request/{d.code}/")
    assert response.status_code == 302
    opened = Payment.objects.get(dossier=d, status="pending")
    page = client.get(f"/backoffice/d/{d.code}/").content.decode()
    assert opened.txn_ref in page and "Hiện mã QR cho người nộp" in page and "Tạo mã thanh toán" not in page
    client.force_login(shop.leader)  # neither receives nor processes
    assert client.post(f"/payments/request/{d.code}/").status_code == 403


def test_daily_page_with_statement_upload(shop: Any, client: Client) -> None:
    paid = record.open_payment(shop.awaiting(50000))
    call_ipn(client, ipn_params(paid))
    waiting = record.open_payment(shop.awaiting(30000))
    client.force_login(shop.clerk)
    page = client.get("/payments/doi-soat/")
    assert page.status_code == 200
    text = page.content.decode()
    assert paid.txn_ref in text and waiting.txn_ref in text and "Khớp" in text
    csv = f"transaction_id,booked_at,amount,description\nFT9,25/11/2026 10:00,30000,CK {waiting.txn_ref}\n"
    upload = SimpleUploadedFile("sao-ke.csv", csv.encode(), content_type="text/csv")
    text = client.post("/payments/doi-soat/", {"statement": upload}).content.decode()
    assert "khớp: 1" in text
    waiting.refresh_from_db()
    assert waiting.status == "paid" and waiting.channel == "vietqr"
    bad = SimpleUploadedFile("x.csv", b"\xff\xfe", content_type="text/csv")
    assert client.post("/payments/doi-soat/", {"statement": bad}).status_code == 200
    assert client.get("/payments/doi-soat/?ngay=hom-qua").status_code == 200
    client.force_login(shop.leader)
    assert client.get("/payments/doi-soat/").status_code == 403


def test_simulator_off_means_404_and_no_pay_link(shop: Any, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    p = record.open_payment(shop.awaiting(50000))
    monkeypatch.setenv("MOTCUA_PAYMENT_SIMULATOR", "0")
    assert client.get("/sim/vnpay/").status_code == 404
    assert client.get("/sim/vnpay/paymentv2/vpcpay.html").status_code == 404
    assert (
        client.post("/sim/vnpay/merchant_webapi/api/transaction", "{}", content_type="application/json").status_code
        == 404
    )
    response = client.get(f"/payments/pay/{p.txn_ref}/vnpay/", follow=True)
    assert "Cổng thanh toán chưa được cấu hình" in response.content.decode()


def test_production_profile_turns_the_simulator_off_unless_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    from motcua import config

    monkeypatch.setenv("MOTCUA_ENV", "production")
    monkeypatch.delenv("MOTCUA_PAYMENT_SIMULATOR", raising=False)
    assert not config.payment_simulator()
    monkeypatch.setenv("MOTCUA_PAYMENT_SIMULATOR", "1")
    assert config.payment_simulator()
    monkeypatch.setenv("MOTCUA_ENV", "development")
    monkeypatch.setenv("MOTCUA_PAYMENT_SIMULATOR", "")
    assert config.payment_simulator()


def test_simulator_api_refuses_bad_requests(db: Any, client: Client) -> None:
    url = "/sim/vnpay/merchant_webapi/api/transaction"
    assert client.post(url, "[1]", content_type="application/json").json()["vnp_ResponseCode"] == "99"
    assert client.post(url, "not json", content_type="application/json").json()["vnp_ResponseCode"] == "99"
    body = {"vnp_Command": "querydr", "vnp_TxnRef": "X", "vnp_SecureHash": "0"}
    assert client.post(url, body, content_type="application/json").json()["vnp_ResponseCode"] == "97"


def test_catalogue_fee_by_channel_through_request_fee(shop: Any, client: Client) -> None:
    from motcua.dossiers import services as s

    shop.proc.extra = {"fee_by_channel": {"online": 30000, "direct": 50000}}
    shop.proc.save()
    now = timezone.now()
    d = s.submit_online(procedure=shop.proc, unit=shop.commune, applicant=shop.applicant, now=now)
    d = s.accept_online(shop.clerk, d, now=now)
    client.force_login(shop.clerk)  # a clerk may not ask for a fee: no button
    assert "request-catalogue-fee" not in client.get(f"/backoffice/d/{d.code}/").content.decode()
    client.post(f"/payments/request-fee/{d.code}/")
    d.refresh_from_db()
    assert d.status == "received"
    client.force_login(shop.specialist)
    page = client.get(f"/backoffice/d/{d.code}/").content.decode()
    assert "Yêu cầu nộp 30000 đồng theo danh mục" in page
    client.post(f"/payments/request-fee/{d.code}/", {"expected_version": d.version})
    d.refresh_from_db()
    assert d.status == "awaiting_fee" and d.fee_amount == 30000
    assert Payment.objects.get(dossier=d, status="pending").amount == 30000
