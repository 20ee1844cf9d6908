"""Acceptance 5: criteria 3.5 and 3.6 of the 766 index from real payment records (hand-computed),
with imported history (its `paid_online` flag) still counted."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.analytics.importer import import_lines
from motcua.analytics.index766 import index_766
from motcua.conftest import DEFAULT_NOW
from motcua.dossiers import services as s
from motcua.dossiers.tests import factories as f
from motcua.payments import reconcile, record
from motcua.payments.tests.helpers import call_ipn, ipn_params


@pytest.fixture(autouse=True)
def _scenario_instant(clock: Any) -> None:
    """This module's scenarios are written with calendar dates of the default test instant (a working
    Wednesday in late November 2026): pinned there, also in CI's reruns at other instants."""
    clock.move_to(datetime.fromisoformat(DEFAULT_NOW))


pytestmark = pytest.mark.django_db


def history(code: str, proc: str, paid_online: bool) -> str:
    return json.dumps(
        {
            "code": code,
            "procedure": proc,
            "unit": "H32.27.01",
            "channel": "online",
            "received_at": "2026-11-02T08:15:00+07:00",
            "status": "returned",
            "finished_at": "2026-11-03T10:00:00+07:00",
            "returned_at": "2026-11-03T14:00:00+07:00",
            "fee_amount": 30000,
            "paid_online": paid_online,
        }
    )


def test_766_payment_criteria_by_hand(shop: Any, client: Client) -> None:
    # Catalogue: shop.proc (fee 50,000, online full) is open to online payment; `offline` (fee, not
    # online) becomes open because one of its dossiers was really paid online (national portal) in the
    # period; `opted_out` (fee, online, `online_payment: false`) is not; `free` has no fee.
    offline = f.procedure("2.000815", online="none", fee=20000)
    opted_out = f.procedure("2.000816", online="full", fee=10000)
    opted_out.extra = {"online_payment": False}
    opted_out.save()
    f.procedure("2.000817", online="full", fee=0)

    d1 = shop.awaiting(50000)  # paid through VNPAY (IPN)
    call_ipn(client, ipn_params(record.open_payment(d1)))
    d2 = shop.awaiting(50000)  # paid in cash at the counter
    s.confirm_fee(shop.clerk, d2, reference="BL-1")
    now = timezone.now()
    d3 = s.receive_dossier(shop.clerk, procedure=offline, unit=shop.commune, applicant=shop.applicant, now=now)
    d3 = s.request_fee(shop.specialist, d3, amount=20000, now=now)
    record.external_payment(d3, 20000, "DVCQG-778899", channel="dvcqg", raw={"maGiaoDich": "DVCQG-778899"})
    d4 = shop.awaiting(50000)  # a VietQR transfer found in the bank statement: cashless, not an online payment
    p4 = record.open_payment(d4)
    reconcile.import_statement(
        [{"id": "FT1", "booked_at": now, "amount": 50000, "description": f"CK {p4.txn_ref} NGUYEN VAN ANH"}]
    )
    shop.awaiting(50000)  # d5: still waiting
    # Imported history: one paid online, nine not.
    lines = [history("OLD-1", shop.proc.code, True)] + [
        history(f"OLD-{n}", shop.proc.code, False) for n in range(2, 11)
    ]
    assert not import_lines(lines).errors

    for d in (d1, d3):
        d.refresh_from_db()
        assert d.paid_online
    d2.refresh_from_db()
    d4.refresh_from_db()
    assert not d2.paid_online and not d4.paid_online and d4.status == "received"

    doc = index_766(timezone.localdate().replace(day=1), timezone.localdate())
    crit = {c["id"]: c for g in doc["groups"] for c in g["criteria"]}
    # 3.5: fee-bearing procedures = shop.proc, offline, opted_out (3); open = shop.proc, offline (2).
    # share 2/3 = 0.6667; 4 × 0.6667 / 0.8 = 3.33
    assert (crit["3.5"]["numerator"], crit["3.5"]["denominator"], crit["3.5"]["points"]) == (2, 3, 3.33)
    # 3.6: fee-bearing new dossiers = d1..d5 + 10 imported = 15; paid online = d1, d3, OLD-1 = 3.
    # share 0.2; 6 × 0.2 / 0.3 = 4.0
    assert (crit["3.6"]["numerator"], crit["3.6"]["denominator"], crit["3.6"]["share"], crit["3.6"]["points"]) == (
        3,
        15,
        0.2,
        4.0,
    )
    assert index_766(timezone.localdate().replace(day=1), timezone.localdate(), source="base") == doc


def test_without_a_gateway_only_real_online_payments_open_a_procedure(
    shop: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTCUA_PAYMENT_SIMULATOR", "0")
    doc = index_766(timezone.localdate().replace(day=1), timezone.localdate())
    crit = {c["id"]: c for g in doc["groups"] for c in g["criteria"]}
    assert (crit["3.5"]["numerator"], crit["3.5"]["denominator"]) == (0, 1)
