"""The gateway adapter interface and its first adapter, VNPAY 2.1.0 (contracts §8.2).

A `Gateway` builds the payment URL of a payment, asks about one (`query` → the gateway's answer as a
dict of `vnp_*` fields), refunds one, and lists a day's transactions for reconciliation. With
`MOTCUA_PAYMENT_SIMULATOR` on and no API URL configured, the merchant API calls go to the in-process
simulator (`payments.simulator`), which speaks the same signed protocol.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from urllib.parse import urljoin

from django.utils import timezone

from motcua import config
from motcua.payments import vnpay
from motcua.payments.models import Payment


class GatewayError(RuntimeError):
    pass


@dataclass(frozen=True)
class GatewayTxnRecord:
    """One transaction as the gateway reports it (reconciliation)."""

    txn_ref: str
    amount: int  # VND
    transaction_no: str
    status: str  # "00" success


class Gateway(Protocol):
    name: str

    def pay_url(self, payment: Payment, *, ip: str = "127.0.0.1") -> str: ...

    def query(self, payment: Payment) -> dict[str, Any]: ...

    def refund(self, payment: Payment, *, by: str = "motcua") -> dict[str, Any]: ...

    def transactions(self, day: date) -> list[GatewayTxnRecord]: ...


def _site(path: str) -> str:
    return urljoin(config.public_url() + "/", path.lstrip("/"))


def ascii_info(text: str) -> str:
    """`vnp_OrderInfo`: VNPAY asks for Vietnamese without accents and without special characters."""
    from motcua.core.text import fold

    return "".join(ch for ch in fold(text) if ch.isalnum() or ch in " -.")[:255]


class Vnpay:
    name = "vnpay"

    def pay_url(self, payment: Payment, *, ip: str = "127.0.0.1") -> str:
        base = config.env("MOTCUA_VNPAY_PAY_URL") or _simulator_url("paymentv2/vpcpay.html")
        order = vnpay.Order(
            txn_ref=payment.txn_ref,
            amount=payment.amount,
            info=ascii_info(f"Thanh toan phi ho so {payment.dossier.code}"),
            created=timezone.now(),
            ip=ip,
        )
        params = vnpay.payment_params(
            order,
            return_url=config.env("MOTCUA_VNPAY_RETURN_URL") or _site("/payments/vnpay/return"),
            expire_minutes=config.env_int("MOTCUA_VNPAY_EXPIRE_MINUTES"),
        )
        return f"{base}?{vnpay.signed_query(params)}"

    def _call(self, body: dict[str, str]) -> dict[str, Any]:
        url = config.env("MOTCUA_VNPAY_API_URL")
        if not url:
            if not config.payment_simulator():
                raise GatewayError("MOTCUA_VNPAY_API_URL is empty and the payment simulator is off")
            from motcua.payments import simulator

            return simulator.api(body)
        try:
            return vnpay.post_json(url, body)
        except OSError as exc:
            raise GatewayError(f"VNPAY API unreachable: {exc}") from exc

    def _base(self, command: str, payment: Payment) -> dict[str, str]:
        now = timezone.now()
        return {
            "vnp_RequestId": secrets.token_hex(8),
            "vnp_Version": vnpay.VERSION,
            "vnp_Command": command,
            "vnp_TmnCode": vnpay.tmn_code(),
            "vnp_TxnRef": payment.txn_ref,
            "vnp_OrderInfo": ascii_info(f"{command} {payment.txn_ref}"),
            "vnp_TransactionDate": vnpay.local_stamp(payment.created_at),
            "vnp_CreateDate": vnpay.local_stamp(now),
            "vnp_IpAddr": "127.0.0.1",
        }

    def query(self, payment: Payment) -> dict[str, Any]:
        answer = self._call(vnpay.api_request(vnpay.QUERY_FIELDS, self._base("querydr", payment)))
        if answer.get("vnp_SecureHash") and not vnpay.api_answer_ok(vnpay.QUERY_ANSWER_FIELDS, answer):
            raise GatewayError(f"querydr answer for {payment.txn_ref} has a bad signature")
        return answer

    def refund(self, payment: Payment, *, by: str = "motcua") -> dict[str, Any]:
        values = {
            **self._base("refund", payment),
            "vnp_TransactionType": "02",  # full refund
            "vnp_Amount": str(payment.amount * 100),
            "vnp_TransactionNo": payment.gateway_txn_no,
            "vnp_CreateBy": by,
        }
        answer = self._call(vnpay.api_request(vnpay.REFUND_FIELDS, values))
        if answer.get("vnp_SecureHash") and not vnpay.api_answer_ok(vnpay.REFUND_ANSWER_FIELDS, answer):
            raise GatewayError(f"refund answer for {payment.txn_ref} has a bad signature")
        return answer

    def transactions(self, day: date) -> list[GatewayTxnRecord]:
        if config.env("MOTCUA_VNPAY_API_URL") or not config.payment_simulator():
            raise GatewayError(
                "VNPAY lists a day's transactions only in its merchant portal: pass --file STATEMENT.csv"
            )
        from motcua.payments import simulator

        return simulator.transactions(day)


def _simulator_url(path: str) -> str:
    if not config.payment_simulator():
        raise GatewayError("MOTCUA_VNPAY_PAY_URL is empty and the payment simulator is off")
    return _site(f"/sim/vnpay/{path}")


def gateway() -> Gateway:
    return Vnpay()
