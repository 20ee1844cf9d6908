"""Issue 16: a fee paid on the national portal (signed inbound `payment.made`) is recorded like any
online payment: the clock resumes once, however often the message arrives."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.nationalportal.tests.helpers import signed_post
from motcua.payments.models import Payment
from motcua.payments.tests.helpers import confirmations


def made(code: str, amount: int = 50000, **extra: Any) -> dict[str, Any]:
    return {
        "message_id": f"pay:{code}:1",
        "type": "payment.made",
        "code": code,
        "amount": amount,
        "reference": "DVCQG-PAY-000123",
        "paid_at": "2026-11-25T09:30:00+07:00",
        **extra,
    }


def test_payment_made_on_the_portal_resumes_the_clock_once(shop: Any, client: Client) -> None:
    d = shop.awaiting()
    first = signed_post(client, "/dvcqg/inbound", made(d.code))
    assert first.status_code == 200, first.content
    assert first.json()["dossier_status"] == "received"
    # The same message again, and the same payment under a new message id: nothing more.
    assert signed_post(client, "/dvcqg/inbound", made(d.code)).status_code == 200
    again = signed_post(client, "/dvcqg/inbound", made(d.code, message_id="pay:retry"))
    assert again.status_code == 200, again.content
    d.refresh_from_db()
    assert d.status == "received" and d.clock_state["running"]
    assert confirmations(d) == 1
    paid = Payment.objects.get(dossier=d, status="paid")
    assert (paid.channel, paid.gateway_txn_no, paid.amount) == ("dvcqg", "DVCQG-PAY-000123", 50000)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"amount": 40000}, 422),
        ({"amount": "50000"}, 400),
        ({"reference": ""}, 400),
        ({"code": "NOPE"}, 404),
        ({"paid_at": "yesterday"}, 400),
    ],
)
def test_bad_payment_messages_change_nothing(shop: Any, client: Client, change: dict[str, Any], status: int) -> None:
    d = shop.awaiting()
    response = signed_post(client, "/dvcqg/inbound", {**made(d.code), **change})
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    d.refresh_from_db()
    assert d.status == "awaiting_fee" and confirmations(d) == 0


def test_payment_made_found_by_portal_ref(shop: Any, client: Client) -> None:
    from motcua.nationalportal.models import NationalDossier

    d = shop.awaiting(channel="online")
    NationalDossier.objects.create(portal_ref="G22.261125.00AB", dossier=d)
    msg = {**made(""), "portal_ref": "G22.261125.00AB"}
    msg.pop("code")
    response = signed_post(client, "/dvcqg/inbound", msg)
    assert response.status_code == 200, response.content
    assert response.json()["code"] == d.code
    d.refresh_from_db()
    assert d.status == "received" and confirmations(d) == 1 and d.paid_online


def test_payment_made_after_the_fee_was_settled_is_due_for_refund(shop: Any, client: Client) -> None:
    d = shop.awaiting()
    assert signed_post(client, "/dvcqg/inbound", made(d.code)).status_code == 200
    late = signed_post(client, "/dvcqg/inbound", made(d.code, message_id="pay:2", reference="DVCQG-PAY-000999"))
    assert late.status_code == 200 and late.json()["status"] == "refund_due"
    d.refresh_from_db()
    assert confirmations(d) == 1
