"""A local VNPAY 2.1.0 simulator: the payment page's decisions, signed IPN calls (sent at once, delayed,
replayed or forged on purpose), the browser return, and the merchant API (`querydr`, `refund`).

It keeps its own ledger (`GatewayTxn`), so reconciliation compares two independent records. The IPN is
delivered in-process to `record.handle_ipn`, the same function the HTTP endpoint calls.
Served only when `config.payment_simulator()` is on.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone

from motcua import config
from motcua.payments import vnpay
from motcua.payments.gateway import GatewayTxnRecord
from motcua.payments.models import GatewayTxn


class SimulatorError(ValueError):
    pass


def open_from_url(params: Mapping[str, str]) -> GatewayTxn:
    """The payment page was opened with these parameters: check them as VNPAY does, remember the order."""
    if not vnpay.verify(params):
        raise SimulatorError("Sai chữ ký (mã lỗi 97)")
    if params.get("vnp_TmnCode") != vnpay.tmn_code():
        raise SimulatorError("Website chưa được phê duyệt (sai vnp_TmnCode)")
    amount = str(params.get("vnp_Amount", ""))
    if not amount.isdigit() or int(amount) % 100 or int(amount) <= 0:
        raise SimulatorError("Số tiền không hợp lệ")
    txn, _ = GatewayTxn.objects.get_or_create(
        txn_ref=str(params.get("vnp_TxnRef", "")),
        defaults={
            "tmn_code": params["vnp_TmnCode"],
            "amount": int(amount) // 100,
            "order_info": str(params.get("vnp_OrderInfo", ""))[:255],
            "return_url": str(params.get("vnp_ReturnUrl", ""))[:500],
            "created_at": timezone.now(),
        },
    )
    return txn


def callback_params(txn: GatewayTxn, *, amount: int | None = None) -> dict[str, str]:
    """What VNPAY appends to the IPN and return URLs, signed."""
    params = {
        "vnp_Amount": str((txn.amount if amount is None else amount) * 100),
        "vnp_BankCode": txn.bank_code,
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": txn.order_info,
        "vnp_PayDate": vnpay.local_stamp(txn.pay_date or timezone.now()),
        "vnp_ResponseCode": txn.response_code or "24",
        "vnp_TmnCode": txn.tmn_code,
        "vnp_TransactionNo": txn.transaction_no or "0",
        "vnp_TransactionStatus": txn.status,
        "vnp_TxnRef": txn.txn_ref,
    }
    if txn.transaction_no:
        params["vnp_BankTranNo"] = f"VNP{txn.transaction_no}"
    params["vnp_SecureHash"] = vnpay.sign(params)
    return params


def decide(txn: GatewayTxn, approve: bool, *, at: datetime | None = None) -> GatewayTxn:
    """The tester approved (00) or declined (24: customer cancelled) the payment."""
    if txn.status != "01":
        return txn
    txn.status = "00" if approve else "02"
    txn.response_code = "00" if approve else "24"
    txn.transaction_no = str(14000000 + txn.pk) if approve else ""
    txn.pay_date = at or timezone.now()
    txn.save()
    return txn


def send_ipn(txn: GatewayTxn, params: Mapping[str, str] | None = None, *, note: str = "") -> str:
    """Deliver one IPN now (in-process) and keep the merchant's answer; returns the RspCode."""
    from motcua.payments import record

    sent = dict(params or callback_params(txn))
    code, _message = record.handle_ipn(sent)
    with transaction.atomic():
        row = GatewayTxn.objects.select_for_update().get(pk=txn.pk)
        row.ipn_answers = [*row.ipn_answers, {"at": timezone.now().isoformat(), "note": note, "RspCode": code}]
        row.save(update_fields=["ipn_answers"])
    txn.ipn_answers = row.ipn_answers
    return code


def forged(txn: GatewayTxn) -> dict[str, str]:
    params = callback_params(txn)
    params["vnp_SecureHash"] = vnpay.hmac512(vnpay.hash_data(params), "not-the-secret")
    return params


def wrong_amount(txn: GatewayTxn) -> dict[str, str]:
    return callback_params(txn, amount=txn.amount + 1000)


def delay(txn: GatewayTxn, seconds: int) -> None:
    """Hold the IPN back: the worker (`jobs.tick`) sends it once `seconds` have passed."""
    due = timezone.now() + timedelta(seconds=seconds)
    txn.pending_callbacks = [*txn.pending_callbacks, {"due": due.isoformat()}]
    txn.save(update_fields=["pending_callbacks"])


def deliver_due(now: datetime) -> int:
    sent = 0
    for txn in GatewayTxn.objects.exclude(pending_callbacks=[]):
        due = [c for c in txn.pending_callbacks if datetime.fromisoformat(c["due"]) <= now]
        if not due:
            continue
        txn.pending_callbacks = [c for c in txn.pending_callbacks if c not in due]
        txn.save(update_fields=["pending_callbacks"])
        for _ in due:
            send_ipn(txn, note="delayed")
            sent += 1
    return sent


def return_url(txn: GatewayTxn) -> str:
    base = txn.return_url or (config.public_url() + "/payments/vnpay/return")
    return f"{base}{'&' if '?' in base else '?'}{urlencode(callback_params(txn))}"


# ---- merchant API -------------------------------------------------------------------------------


def _answer(fields: tuple[str, ...], values: dict[str, str]) -> dict[str, str]:
    values["vnp_SecureHash"] = vnpay.hmac512("|".join(str(values.get(f, "")) for f in fields))
    return values


def api(body: Mapping[str, Any]) -> dict[str, Any]:
    command = str(body.get("vnp_Command", ""))
    fields = vnpay.QUERY_FIELDS if command == "querydr" else vnpay.REFUND_FIELDS
    base = {"vnp_ResponseId": secrets.token_hex(8), "vnp_Command": command, "vnp_TmnCode": vnpay.tmn_code()}
    if command not in ("querydr", "refund"):
        return {**base, "vnp_ResponseCode": "99", "vnp_Message": "Unknown command"}
    given = str(body.get("vnp_SecureHash", "")).lower()
    if given != vnpay.hmac512("|".join(str(body.get(f, "")) for f in fields)):
        return {**base, "vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}
    txn = GatewayTxn.objects.filter(txn_ref=str(body.get("vnp_TxnRef", ""))).first()
    if txn is None:
        return {**base, "vnp_ResponseCode": "91", "vnp_Message": "Transaction not found"}
    info = {
        "vnp_TxnRef": txn.txn_ref,
        "vnp_Amount": str(txn.amount * 100),
        "vnp_BankCode": txn.bank_code,
        "vnp_PayDate": vnpay.local_stamp(txn.pay_date) if txn.pay_date else "",
        "vnp_TransactionNo": txn.transaction_no,
        "vnp_TransactionStatus": txn.status,
        "vnp_OrderInfo": txn.order_info,
    }
    if command == "querydr":
        values = {**base, **info, "vnp_ResponseCode": "00", "vnp_Message": "Success", "vnp_TransactionType": "01"}
        values.update(vnp_PromotionCode="", vnp_PromotionAmount="")
        return _answer(vnpay.QUERY_ANSWER_FIELDS, values)
    amount = str(body.get("vnp_Amount", ""))
    if txn.status != "00" or not amount.isdigit() or int(amount) // 100 > txn.amount - txn.refunded_amount:
        return {**base, "vnp_ResponseCode": "94", "vnp_Message": "Refund not allowed"}
    txn.refunded_amount += int(amount) // 100
    if txn.refunded_amount == txn.amount:
        txn.status = "06"  # refunded (VNPAY: "Giao dịch đã được gửi yêu cầu hoàn tiền")
    txn.save(update_fields=["refunded_amount", "status"])
    values = {**base, **info, "vnp_ResponseCode": "00", "vnp_Message": "Success"}
    values["vnp_TransactionType"] = str(body.get("vnp_TransactionType", "02"))
    return _answer(vnpay.REFUND_ANSWER_FIELDS, values)


def transactions(day: date) -> list[GatewayTxnRecord]:
    """The simulator's successful transactions paid on local `day` (refunded ones included)."""
    tz = config.time_zone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    rows = GatewayTxn.objects.filter(
        status__in=["00", "06"], pay_date__gte=start, pay_date__lt=start + timedelta(days=1)
    ).order_by("pay_date")
    return [GatewayTxnRecord(t.txn_ref, t.amount, t.transaction_no, "00") for t in rows]
