"""Acceptance 1 (contracts §8.2): the IPN's answers, idempotence, and the clock resuming exactly once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers import services as s
from motcua.payments import jobs, record, simulator, vnpay
from motcua.payments.gateway import gateway
from motcua.payments.models import Callback, GatewayTxn, Payment, PayStatus, Receipt
from motcua.payments.tests.helpers import call_ipn, confirmations, ipn_params

pytestmark = pytest.mark.django_db


def opened(shop: Any, amount: int = 50000) -> Payment:
    d = shop.awaiting(amount)
    return record.open_payment(d)


def test_request_fee_opens_one_payment_and_request_returns_it(shop: Any) -> None:
    d = shop.awaiting(120000)
    first = record.open_payment(d)
    assert first.amount == 120000 and first.status == "pending"
    assert record.open_payment(d).pk == first.pk
    assert Payment.objects.filter(dossier=d).count() == 1


def test_success_confirms_once_even_when_sent_twice(shop: Any, client: Client) -> None:
    p = opened(shop)
    params = ipn_params(p)
    assert call_ipn(client, params) == {"RspCode": "00", "Message": "Confirm Success"}
    assert call_ipn(client, params)["RspCode"] == "02"
    d = p.dossier
    d.refresh_from_db()
    assert d.status == "received" and d.clock_state["running"]
    assert confirmations(d) == 1
    assert d.paid_online
    p.refresh_from_db()
    assert p.status == "paid" and p.channel == "vnpay" and p.gateway_txn_no == "14000001"
    assert Receipt.objects.filter(payment=p).count() == 1
    assert list(Callback.objects.filter(txn_ref=p.txn_ref).values_list("answer", flat=True).order_by("id")) == [
        "00",
        "02",
    ]
    assert Callback.objects.filter(txn_ref=p.txn_ref).first().raw == params  # type: ignore[union-attr]


def test_uppercase_digest_is_accepted(shop: Any, client: Client) -> None:
    p = opened(shop)
    params = ipn_params(p)
    params["vnp_SecureHash"] = params["vnp_SecureHash"].upper()
    assert call_ipn(client, params)["RspCode"] == "00"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("forged", "97"),
        ("no_hash", "97"),
        ("tampered", "97"),
        ("duplicated", "97"),
        ("amount", "04"),
        ("unknown", "01"),
    ],
)
def test_bad_callbacks_change_nothing(shop: Any, client: Client, change: str, code: str) -> None:
    p = opened(shop)
    d = p.dossier
    version = d.version
    if change == "forged":
        params = ipn_params(p)
        params["vnp_SecureHash"] = vnpay.hmac512(vnpay.hash_data(params), "wrong-secret")
    elif change == "no_hash":
        params = ipn_params(p)
        del params["vnp_SecureHash"]
    elif change == "tampered":
        params = ipn_params(p)
        params["vnp_Amount"] = "100"
    elif change == "amount":
        params = ipn_params(p, amount=p.amount - 1)
    else:
        params = ipn_params(p, vnp_TxnRef="MC99999999")
    if change == "duplicated":
        query = urlencode(ipn_params(p)) + "&vnp_Amount=100"
        body = client.get("/payments/vnpay/ipn?" + query).json()
    else:
        body = call_ipn(client, params)
    assert body["RspCode"] == code
    d.refresh_from_db()
    p.refresh_from_db()
    assert d.status == "awaiting_fee" and d.version == version and p.status == "pending"
    assert confirmations(d) == 0 and not Receipt.objects.exists()
    assert Callback.objects.filter(answer=code).count() == 1  # kept, raw and all


def test_no_parameters_and_garbage_answer_json_200(client: Client) -> None:
    for query in ("", "?foo=bar", "?vnp_SecureHash=zz", "?vnp_TxnRef=%00&vnp_SecureHash=" + "a" * 128):
        response = client.get("/payments/vnpay/ipn" + query)
        assert response.status_code == 200 and response.json()["RspCode"] == "97"
    assert client.get("/payments/vnpay/ipn/").json()["RspCode"] == "97"
    assert client.post("/payments/vnpay/ipn").json()["RspCode"] == "97"


def test_declined_payment_is_recorded_answered_00_and_dossier_keeps_waiting(shop: Any, client: Client) -> None:
    p = opened(shop)
    assert call_ipn(client, ipn_params(p, ok=False))["RspCode"] == "00"
    assert call_ipn(client, ipn_params(p, ok=False))["RspCode"] == "02"
    p.refresh_from_db()
    p.dossier.refresh_from_db()
    assert p.status == "failed" and p.dossier.status == "awaiting_fee" and confirmations(p.dossier) == 0
    # The citizen tries again: a new payment, which succeeds.
    again = record.open_payment(p.dossier)
    assert again.pk != p.pk
    assert call_ipn(client, ipn_params(again))["RspCode"] == "00"
    again.dossier.refresh_from_db()
    assert again.dossier.status == "received" and confirmations(again.dossier) == 1


def test_return_url_before_ipn_changes_nothing_then_ipn_confirms(shop: Any, client: Client) -> None:
    p = opened(shop)
    params = ipn_params(p)
    page = client.get("/payments/vnpay/return?" + urlencode(params))
    assert page.status_code == 200 and "Giao dịch thành công" in page.content.decode()
    p.dossier.refresh_from_db()
    assert p.dossier.status == "awaiting_fee"
    assert call_ipn(client, params)["RspCode"] == "00"
    page = client.get("/payments/vnpay/return?" + urlencode(params))
    assert "Đã ghi nhận" in page.content.decode()
    assert confirmations(p.dossier) == 1
    forged = dict(params, vnp_ResponseCode="00", vnp_SecureHash="0" * 128)
    assert "sai chữ ký" in client.get("/payments/vnpay/return?" + urlencode(forged)).content.decode()


def test_lost_ipn_is_recovered_by_query_then_the_retry_is_02(shop: Any, client: Client, clock: Any) -> None:
    """Timeout-and-retry: the gateway's IPN never arrived; the periodic query confirms; the late retry is 02."""
    p = opened(shop)
    url = gateway().pay_url(p)
    query = dict(parse_qsl(urlsplit(url).query))
    txn = simulator.open_from_url(query)
    simulator.decide(txn, True)  # paid at the gateway, IPN lost
    p.dossier.refresh_from_db()
    assert p.dossier.status == "awaiting_fee"
    assert jobs.tick(timezone.now())["queried"] == 0  # too early
    clock.shift(timedelta(minutes=25))
    assert jobs.tick(timezone.now())["queried"] == 1
    p.refresh_from_db()
    p.dossier.refresh_from_db()
    assert p.status == "paid" and p.dossier.status == "received" and confirmations(p.dossier) == 1
    assert simulator.send_ipn(txn, note="retry") == "02"
    assert confirmations(p.dossier) == 1


def test_simulator_round_trip_with_replay_forge_and_delay(shop: Any, client: Client, clock: Any) -> None:
    p = opened(shop)
    response = client.get(f"/payments/pay/{p.txn_ref}/vnpay/")
    assert response.status_code == 302
    sim_page = client.get(response["Location"])
    assert sim_page.status_code == 200 and "50.000" in sim_page.content.decode()
    txn = GatewayTxn.objects.get(txn_ref=p.txn_ref)
    back = client.post(f"/sim/vnpay/act/{p.txn_ref}/", {"action": "approve", "ipn": "delay", "seconds": "30"})
    assert back.status_code == 302 and "/payments/vnpay/return?" in back["Location"]
    p.dossier.refresh_from_db()
    assert p.dossier.status == "awaiting_fee"  # the IPN is held back; the return page changed nothing
    assert "Đang chờ" in client.get(back["Location"]).content.decode()
    client.post(f"/sim/vnpay/act/{p.txn_ref}/", {"action": "forge"})
    client.post(f"/sim/vnpay/act/{p.txn_ref}/", {"action": "wrong_amount"})
    clock.shift(timedelta(seconds=31))
    assert jobs.tick(timezone.now())["delayed_ipn"] == 1
    client.post(f"/sim/vnpay/act/{p.txn_ref}/", {"action": "replay"})
    txn.refresh_from_db()
    assert [a["RspCode"] for a in txn.ipn_answers] == ["97", "04", "00", "02"]
    p.dossier.refresh_from_db()
    assert p.dossier.status == "received" and confirmations(p.dossier) == 1
    assert client.get("/sim/vnpay/").status_code == 200


def test_sim_decline_keeps_waiting(shop: Any, client: Client) -> None:
    p = opened(shop)
    client.get(client.get(f"/payments/pay/{p.txn_ref}/vnpay/")["Location"])
    back = client.post(f"/sim/vnpay/act/{p.txn_ref}/", {"action": "decline", "ipn": "now"})
    assert "không thành công" in client.get(back["Location"]).content.decode()
    p.refresh_from_db()
    p.dossier.refresh_from_db()
    assert p.status == "failed" and p.dossier.status == "awaiting_fee"


def test_sim_refuses_a_bad_signature(shop: Any, client: Client) -> None:
    p = opened(shop)
    url = gateway().pay_url(p)
    assert client.get(url.replace("vnp_Amount=5000000", "vnp_Amount=100")).status_code == 400


def test_clerk_confirmation_at_the_counter_makes_a_counter_payment_and_a_late_ipn_is_refunded(
    shop: Any, client: Client
) -> None:
    p = opened(shop)
    s.confirm_fee(shop.clerk, p.dossier, reference="BL-123")
    p.refresh_from_db()
    assert p.status == "cancelled"
    counter = Payment.objects.get(dossier=p.dossier, channel="counter")
    assert counter.status == "paid" and Receipt.objects.filter(payment=counter).exists()
    p.dossier.refresh_from_db()
    assert not p.dossier.paid_online
    # The citizen had paid online too: recorded, receipted, and due for refund; the clock is not touched again.
    assert call_ipn(client, ipn_params(p))["RspCode"] == "00"
    p.refresh_from_db()
    assert p.status == PayStatus.REFUND_DUE and confirmations(p.dossier) == 1
    simulator.GatewayTxn.objects.create(
        txn_ref=p.txn_ref, tmn_code="x", amount=p.amount, status="00", created_at=p.created_at
    )
    assert jobs.refund_due(timezone.now()) == 1
    p.refresh_from_db()
    assert p.status == "refunded"


def test_withdrawal_after_payment_makes_the_payment_due_for_refund(shop: Any, client: Client) -> None:
    p = opened(shop)
    call_ipn(client, ipn_params(p))
    s.withdraw(shop.clerk, p.dossier, reason="Không cần nữa")
    p.refresh_from_db()
    assert p.status == "refund_due"


def test_clerk_cannot_claim_an_online_payment(shop: Any) -> None:
    d = shop.awaiting()
    d = s.confirm_fee(shop.clerk, d, paid_online=True)
    assert not d.paid_online


def test_a_late_success_of_a_failed_attempt_confirms_and_cancels_the_newer_attempt(shop: Any, client: Client) -> None:
    first = opened(shop)
    assert call_ipn(client, ipn_params(first, ok=False))["RspCode"] == "00"
    second = record.open_payment(first.dossier)
    assert call_ipn(client, ipn_params(first))["RspCode"] == "00"  # the gateway took the money after all
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "paid" and second.status == "cancelled" and confirmations(first.dossier) == 1
    assert call_ipn(client, ipn_params(second))["RspCode"] == "00"  # paid twice: the second is refunded
    second.refresh_from_db()
    assert second.status == "refund_due" and confirmations(first.dossier) == 1


def test_signed_values_are_judged_as_sent_not_normalised(shop: Any, client: Client) -> None:
    """A decomposed (NFD) Vietnamese order text keeps its signature: the raw query is verified."""
    import unicodedata

    p = opened(shop)
    params = ipn_params(p, vnp_OrderInfo=unicodedata.normalize("NFD", "Thanh toán phí"))
    assert call_ipn(client, params)["RspCode"] == "00"
