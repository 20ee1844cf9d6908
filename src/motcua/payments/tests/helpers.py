from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.test import Client

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.payments import vnpay
from motcua.payments.models import Payment


def ipn_params(payment: Payment, *, ok: bool = True, amount: int | None = None, **over: str) -> dict[str, str]:
    """What the gateway sends, signed with the configured secret."""
    params = {
        "vnp_Amount": str((payment.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": f"Thanh toan phi ho so {payment.dossier.code}",
        "vnp_PayDate": "20261125093000",
        "vnp_ResponseCode": "00" if ok else "24",
        "vnp_TmnCode": vnpay.tmn_code(),
        "vnp_TransactionNo": "14000001" if ok else "0",
        "vnp_TransactionStatus": "00" if ok else "02",
        "vnp_TxnRef": payment.txn_ref,
        **over,
    }
    params["vnp_SecureHash"] = vnpay.sign(params)
    return params


def call_ipn(client: Client, params: dict[str, str]) -> dict[str, Any]:
    response = client.get("/payments/vnpay/ipn?" + urlencode(params))
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def confirmations(d: Dossier) -> int:
    return DossierEvent.objects.filter(dossier=d, type="fee_confirmed").count()
