"""`motcua payments request|reconcile|import-statement` (contracts §8.2) with good and bad input; VietQR
statements matched to dossiers; the national portal's payments recorded the same way."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from motcua.cli import main
from motcua.payments import record, simulator, vnpay
from motcua.payments.models import Callback, GatewayTxn, Payment
from motcua.payments.tests.helpers import call_ipn, confirmations

pytestmark = pytest.mark.django_db


def run(capsys: Any, *args: str) -> tuple[int, Any, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    try:
        doc = json.loads(out) if out.strip() else None
    except ValueError:
        doc = out
    return code, doc, err


def test_request_cli(shop: Any, capsys: Any) -> None:
    d = shop.awaiting(75000)
    code, doc, _ = run(capsys, "payments", "request", "--dossier", d.code, "--json")
    assert code == 0 and set(doc) == {"txn_ref", "amount", "pay_url"} and doc["amount"] == 75000
    query = dict(parse_qsl(urlsplit(doc["pay_url"]).query))
    assert query["vnp_TxnRef"] == doc["txn_ref"] and query["vnp_Amount"] == "7500000"
    assert query["vnp_Version"] == "2.1.0" and query["vnp_TmnCode"] == vnpay.tmn_code()
    assert vnpay.verify(query)
    again = run(capsys, "payments", "request", "--dossier", d.code, "--json")[1]
    assert again["txn_ref"] == doc["txn_ref"]  # one open payment per dossier


@pytest.mark.parametrize("args", [["--dossier", "NOPE"], ["--dossier", ""], ["--dossier", " "]])
def test_request_cli_bad_input(shop: Any, capsys: Any, args: list[str]) -> None:
    code, doc, err = run(capsys, "payments", "request", *args, "--json")
    assert code == 2 and doc is None and err.count("\n") == 1 and err.startswith("motcua: error:")


def test_request_cli_for_a_dossier_not_awaiting_a_fee(shop: Any, capsys: Any) -> None:
    from motcua.dossiers import services as s

    d = s.receive_dossier(shop.clerk, procedure=shop.proc, unit=shop.commune, applicant=shop.applicant)
    code, doc, err = run(capsys, "payments", "request", "--dossier", d.code, "--json")
    assert code == 1 and doc is None and "not awaiting a fee" in err


def test_reconcile_reports_each_side(shop: Any, capsys: Any, client: Client) -> None:
    def paid_at_gateway(amount: int, ipn: bool) -> Payment:
        p = record.open_payment(shop.awaiting(amount))
        from motcua.payments.gateway import gateway

        txn = simulator.open_from_url(dict(parse_qsl(urlsplit(gateway().pay_url(p)).query)))
        simulator.decide(txn, True)
        if ipn:
            simulator.send_ipn(txn)
        return p

    ok = paid_at_gateway(50000, ipn=True)
    lost = paid_at_gateway(60000, ipn=False)  # the IPN never arrived: missing in motcua
    ghost = paid_at_gateway(70000, ipn=True)
    GatewayTxn.objects.filter(txn_ref=ghost.txn_ref).delete()  # the gateway has no trace: missing at the gateway
    odd = paid_at_gateway(80000, ipn=True)
    GatewayTxn.objects.filter(txn_ref=odd.txn_ref).update(amount=80001)
    today = timezone.localdate().isoformat()
    code, doc, _ = run(capsys, "payments", "reconcile", "--date", today, "--json")
    assert code == 0
    assert doc["date"] == today and doc["matched"] == 1
    assert [r["txn_ref"] for r in doc["missing_in_motcua"]] == [lost.txn_ref]
    assert doc["missing_in_motcua"][0]["dossier"] == lost.dossier.code
    assert [r["txn_ref"] for r in doc["missing_at_gateway"]] == [ghost.txn_ref]
    assert doc["amount_mismatch"] == [
        {"txn_ref": odd.txn_ref, "amount": 80000, "gateway_amount": 80001, "dossier": odd.dossier.code}
    ]
    assert ok.txn_ref not in json.dumps(doc["missing_in_motcua"] + doc["missing_at_gateway"])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    empty = run(capsys, "payments", "reconcile", "--date", yesterday, "--json")[1]
    assert empty == {
        "date": yesterday,
        "matched": 0,
        "missing_in_motcua": [],
        "missing_at_gateway": [],
        "amount_mismatch": [],
    }


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "", "2026/11/25"])
def test_reconcile_bad_date(db: Any, capsys: Any, value: str) -> None:
    code, doc, err = run(capsys, "payments", "reconcile", "--date", value, "--json")
    assert code == 2 and doc is None and err.count("\n") == 1


def test_reconcile_from_a_gateway_file(shop: Any, capsys: Any, client: Client, tmp_path: Path) -> None:
    p = record.open_payment(shop.awaiting(50000))
    from motcua.payments.tests.helpers import ipn_params

    call_ipn(client, ipn_params(p))
    good = tmp_path / "gw.csv"
    good.write_text(f"txn_ref,amount,transaction_no,status\n{p.txn_ref},50000,1,00\nMC99999901,1000,2,00\n")
    doc = run(
        capsys, "payments", "reconcile", "--date", timezone.localdate().isoformat(), "--file", str(good), "--json"
    )[1]
    assert doc["matched"] == 1 and [r["txn_ref"] for r in doc["missing_in_motcua"]] == ["MC99999901"]
    bad = tmp_path / "bad.csv"
    bad.write_text("txn_ref,amount\nX,12a\n")
    code, _, err = run(capsys, "payments", "reconcile", "--date", "2026-11-25", "--file", str(bad), "--json")
    assert code == 2 and "line 2" in err
    code, _, err = run(capsys, "payments", "reconcile", "--date", "2026-11-25", "--file", str(tmp_path / "none.csv"))
    assert code == 2


def test_vietqr_transfer_in_a_statement_matches_its_dossier(shop: Any, capsys: Any, tmp_path: Path) -> None:
    p = record.open_payment(shop.awaiting(50000))
    other = record.open_payment(shop.awaiting(30000))
    statement = tmp_path / "sao-ke.csv"
    statement.write_text(
        "transaction_id,booked_at,amount,description\n"
        f"FT001,25/11/2026 10:02:11,50.000,NGUYEN VAN ANH chuyen tien {p.txn_ref.lower()}\n"
        f'FT002,2026-11-25T10:05:00+07:00,"29,000",{other.txn_ref}\n'
        "FT003,25/11/2026 10:07,120000,tien dien thang 11\n"
        "FT004,25/11/2026 10:09,-5000,phi dich vu\n",
        encoding="utf-8",
    )
    code, doc, _ = run(capsys, "payments", "import-statement", str(statement), "--json")
    assert code == 0
    assert [m["dossier"] for m in doc["matched"]] == [p.dossier.code]
    assert [m["txn_ref"] for m in doc["amount_mismatch"]] == [other.txn_ref]
    assert [m["transaction_id"] for m in doc["unmatched"]] == ["FT003"]
    p.refresh_from_db()
    p.dossier.refresh_from_db()
    assert p.status == "paid" and p.channel == "vietqr" and p.dossier.status == "received"
    assert confirmations(p.dossier) == 1 and hasattr(p, "receipt")
    other.dossier.refresh_from_db()
    assert other.dossier.status == "awaiting_fee"
    # Importing the same statement again changes nothing.
    again = run(capsys, "payments", "import-statement", str(statement), "--json")[1]
    assert again["lines"] == 0 and again["skipped"] == 3 and confirmations(p.dossier) == 1


@pytest.mark.parametrize(
    "content",
    [
        "",
        "a,b\n1,2\n",
        "transaction_id,booked_at,amount,description\nX,hôm qua,100,x\n",
        "transaction_id,booked_at,amount,description\nX,25/11/2026,1e3,x\n",
    ],
)
def test_statement_bad_input(db: Any, capsys: Any, tmp_path: Path, content: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(content)
    code, doc, err = run(capsys, "payments", "import-statement", str(path), "--json")
    assert code == 2 and doc is None and err.count("\n") == 1


def test_national_portal_payment_is_recorded_once(shop: Any) -> None:
    d = shop.awaiting(50000)
    raw = {"maHoSo": d.code, "soTien": 50000, "maGiaoDich": "DVC-1"}
    p = record.external_payment(d, 50000, "DVC-1", channel="dvcqg", raw=raw)
    assert record.external_payment(d, 50000, "DVC-1", channel="dvcqg", raw=raw).pk == p.pk
    d.refresh_from_db()
    assert d.status == "received" and d.paid_online and confirmations(d) == 1
    assert Callback.objects.filter(payment=p, source="dvcqg").count() == 2
    d2 = shop.awaiting(50000)
    with pytest.raises(record.PaymentError):
        record.external_payment(d2, 49000, "DVC-2")
    with pytest.raises(record.PaymentError):
        record.external_payment(d2, 50000, "")
    d2.refresh_from_db()
    assert d2.status == "awaiting_fee"


def test_tick_cli_and_missing_arguments(db: Any, capsys: Any) -> None:
    code, doc, _ = run(capsys, "payments", "tick", "--json")
    assert code == 0 and doc == {"delayed_ipn": 0, "queried": 0, "refunded": 0}
    for args in (["payments", "request", "--json"], ["payments", "reconcile", "--json"], ["payments"]):
        code, doc, err = run(capsys, *args)
        assert code == 2 and doc is None and err.count("\n") == 1
