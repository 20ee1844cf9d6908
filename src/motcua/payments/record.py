"""The one place a payment changes state: opening, the IPN, the gateway's query answers, bank statement
lines, payments recorded by the national portal, the counter and refunds.

Lock order everywhere: the dossier row first, then its payments (the dossier commands hold the dossier
row when `hooks` touches payments), so two writers never wait on each other in a circle.
A settled payment confirms the dossier's fee through the command pipeline (`confirm_fee`, actor SYSTEM),
so the clock resumes through the same rule as a clerk's confirmation, and exactly once: the payment row
is the idempotency key (a second success finds it settled and changes nothing).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua import config
from motcua.dossiers.commands import SYSTEM, execute
from motcua.dossiers.models import Dossier
from motcua.payments import receipts, vnpay
from motcua.payments.models import SETTLED, Callback, PayChannel, Payment, PayStatus

log = logging.getLogger(__name__)
REF_RE = re.compile(r"MC\d{8,}")


class PaymentError(ValueError):
    """A refused payment operation; `code` is stable for programs, the message plain English."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def _lock_dossier(pk: int) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",)).select_related("procedure", "unit", "receiving_unit").get(pk=pk)
    )


def new_ref(d: Dossier) -> str:
    """`MC` + the dossier id (6+ digits) + the attempt (2 digits) + 6 random digits: letters and digits only,
    so it survives every bank's transfer note and VNPAY's `vnp_TxnRef` rules; the random part keeps the
    public payment page (which names the dossier code) from being walked by guessing references."""
    attempt = Payment.objects.filter(dossier=d).count() + 1
    return f"MC{d.pk:06d}{attempt:02d}{secrets.randbelow(10**6):06d}"


def open_payment(dossier: Dossier | int, *, actor: Any = None, now: datetime | None = None) -> Payment:
    """The open payment of a dossier awaiting a fee, created if there is none (contracts §8.2)."""
    at = now or timezone.now()
    with transaction.atomic():
        d = _lock_dossier(dossier.pk if isinstance(dossier, Dossier) else dossier)
        if d.status != "awaiting_fee":
            raise PaymentError(f"dossier {d.code} is not awaiting a fee (status: {d.status})", "not_awaiting_fee")
        if d.fee_amount <= 0:
            raise PaymentError(f"dossier {d.code} has no fee to pay", "no_fee")
        found = Payment.objects.filter(dossier=d, status=PayStatus.PENDING).first()
        if found is not None:
            return found
        return Payment.objects.create(
            dossier=d,
            txn_ref=new_ref(d),
            amount=d.fee_amount,
            created_at=at,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )


def request_payment(dossier: Dossier | int, *, actor: Any = None, ip: str = "127.0.0.1") -> dict[str, Any]:
    """Contracts §8.2's answer for the CLI, the back office and the national portal's adapter:
    `{"txn_ref", "amount", "pay_url"}` of the dossier's open payment (created if needed)."""
    from motcua.payments.gateway import gateway

    payment = open_payment(dossier, actor=actor)
    return {"txn_ref": payment.txn_ref, "amount": payment.amount, "pay_url": gateway().pay_url(payment, ip=ip)}


def _settle(payment: Payment, d: Dossier, at: datetime) -> None:
    """`payment` took the money: confirm the dossier's fee (once) or, if the dossier no longer waits for
    it, keep the money due for refund; issue the receipt either way. Caller holds the dossier lock."""
    payment.save()
    others = Payment.objects.filter(dossier=d, status=PayStatus.PAID, paid_at__gte=_fee_requested_at(d)).exclude(
        pk=payment.pk
    )
    if d.status == "awaiting_fee" and not others.exists():
        execute(
            "confirm_fee",
            SYSTEM,
            d,
            {"paid_online": payment.online, "reference": payment.txn_ref},
            now=at,
        )
    else:
        payment.status = PayStatus.REFUND_DUE
        payment.refund_reason = "paid while the dossier was not awaiting this fee"
        payment.save(update_fields=["status", "refund_reason"])
    receipts.issue(payment, at)


def _fee_requested_at(d: Dossier) -> datetime:
    from motcua.dossiers.models import DossierEvent

    last = DossierEvent.objects.filter(dossier=d, type="fee_requested").order_by("-seq").values_list("at", flat=True)
    return last.first() or d.received_at


def _log(payment: Payment | None, source: str, txn_ref: str, raw: Mapping[str, Any], answer: str = "") -> None:
    Callback.objects.create(
        payment=payment, source=source, txn_ref=txn_ref[:100], raw=dict(raw), answer=answer, received_at=timezone.now()
    )


# ---- the IPN (contracts §8.2) -------------------------------------------------------------------


def handle_ipn(params: Mapping[str, str], *, duplicated: bool = False, source: str = "ipn") -> tuple[str, str]:
    """Judge one IPN call; returns (RspCode, Message). Every call is kept with its raw parameters."""
    raw = dict(params)
    txn_ref = str(raw.get("vnp_TxnRef", ""))
    if duplicated or not vnpay.verify(raw):
        _safe_log(None, source, txn_ref, raw, vnpay.SIGNATURE)
        return vnpay.SIGNATURE, vnpay.MESSAGES[vnpay.SIGNATURE]
    try:
        code = _apply_ipn(raw, txn_ref, source)
    except Exception:
        log.exception("IPN %s failed", txn_ref)
        _safe_log(None, source, txn_ref, raw, vnpay.OTHER)
        return vnpay.OTHER, vnpay.MESSAGES[vnpay.OTHER]
    _pause_point()
    return code, vnpay.MESSAGES[code]


def _safe_log(payment: Payment | None, source: str, txn_ref: str, raw: Mapping[str, Any], answer: str) -> None:
    try:
        _log(payment, source, txn_ref, raw, answer)
    except Exception:
        log.exception("could not keep callback %s", txn_ref)


def _apply_ipn(raw: dict[str, str], txn_ref: str, source: str) -> str:
    found = Payment.objects.filter(txn_ref=txn_ref).values_list("dossier_id", flat=True).first()
    if found is None or raw.get("vnp_TmnCode") != vnpay.tmn_code():
        _log(None, source, txn_ref, raw, vnpay.UNKNOWN)
        return vnpay.UNKNOWN
    with transaction.atomic():
        d = _lock_dossier(found)
        payment = Payment.objects.select_for_update().get(txn_ref=txn_ref)
        code = _judge(payment, d, raw)
        _log(payment, source, txn_ref, raw, code)
    return code


def _judge(payment: Payment, d: Dossier, raw: Mapping[str, str]) -> str:
    amount = str(raw.get("vnp_Amount", ""))
    if not amount.isdigit() or int(amount) != payment.amount * 100:
        return vnpay.AMOUNT
    if payment.status in SETTLED:
        return vnpay.ALREADY
    success = raw.get("vnp_ResponseCode") == "00" and raw.get("vnp_TransactionStatus") == "00"
    now = timezone.now()
    if not success:
        if payment.status == PayStatus.FAILED:
            return vnpay.ALREADY
        payment.response_code = str(raw.get("vnp_ResponseCode", ""))[:8]
        if payment.status == PayStatus.PENDING:
            payment.status = PayStatus.FAILED  # the dossier keeps waiting; a new request opens a new payment
        payment.save(update_fields=["response_code", "status"])
        return vnpay.CONFIRMED
    _mark_paid(payment, PayChannel.VNPAY, raw, now)
    _settle(payment, d, now)
    return vnpay.CONFIRMED


def _mark_paid(payment: Payment, channel: str, raw: Mapping[str, Any], now: datetime) -> None:
    payment.status = PayStatus.PAID
    payment.channel = channel
    payment.paid_at = now
    payment.gateway_txn_no = str(raw.get("vnp_TransactionNo", "") or raw.get("reference", ""))[:64]
    payment.bank_code = str(raw.get("vnp_BankCode", ""))[:20]
    payment.response_code = str(raw.get("vnp_ResponseCode", "00"))[:8]


def _pause_point() -> None:
    """Crash tests: the IPN has committed; announce it and wait here so the server can be killed."""
    marker = config.env("MOTCUA_TEST_IPN_PAUSE_FILE")
    if marker and not config.production():
        Path(marker).write_text(str(os.getpid()))
        time.sleep(60)


# ---- answers of the gateway's query (periodic job) ------------------------------------------------


def apply_query(payment_id: int, answer: Mapping[str, Any]) -> str:
    """A `querydr` answer about a pending payment: paid → settled as by the IPN; failed → failed."""
    with transaction.atomic():
        dossier_id = Payment.objects.values_list("dossier_id", flat=True).get(pk=payment_id)
        d = _lock_dossier(dossier_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        _log(payment, "querydr", payment.txn_ref, answer)
        payment.last_queried_at = timezone.now()
        payment.save(update_fields=["last_queried_at"])
        if payment.status in SETTLED or answer.get("vnp_ResponseCode") != "00":
            return payment.status
        amount = str(answer.get("vnp_Amount", ""))
        status = answer.get("vnp_TransactionStatus")
        if status == "00" and amount.isdigit() and int(amount) == payment.amount * 100:
            _mark_paid(payment, PayChannel.VNPAY, answer, timezone.now())
            _settle(payment, d, timezone.now())
        elif status == "02" and payment.status == PayStatus.PENDING:
            payment.status = PayStatus.FAILED
            payment.save(update_fields=["status"])
        return payment.status


# ---- money that arrives by other routes ---------------------------------------------------------------


def external_payment(
    dossier: Dossier | int,
    amount: int,
    reference: str,
    *,
    channel: str = PayChannel.DVCQG,
    raw: Mapping[str, Any] | None = None,
    paid_at: datetime | None = None,
) -> Payment:
    """Record a payment made elsewhere (the national portal's payment platform, a bank transfer): idempotent
    by (channel, reference); confirms the fee like the IPN. Raises PaymentError on a wrong amount."""
    if channel not in PayChannel.values:
        raise PaymentError(f"unknown payment channel {channel!r}")
    if not reference:
        raise PaymentError("a payment reference is required")
    at = paid_at or timezone.now()
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    with transaction.atomic():
        d = _lock_dossier(pk)
        same = Payment.objects.filter(dossier=d, channel=channel, gateway_txn_no=reference[:64]).first()
        if same is not None:
            _log(same, channel, same.txn_ref, raw or {}, "02")
            return same
        payment = Payment.objects.filter(dossier=d, status=PayStatus.PENDING).select_for_update().first()
        if payment is None:
            payment = Payment.objects.create(dossier=d, txn_ref=new_ref(d), amount=amount, created_at=at)
        if int(amount) != payment.amount:
            _log(payment, channel, payment.txn_ref, raw or {}, "04")
            raise PaymentError(f"amount {amount} differs from the fee {payment.amount} of {d.code}", "amount")
        _mark_paid(payment, channel, {"reference": reference}, at)
        _log(payment, channel, payment.txn_ref, raw or {}, "00")
        _settle(payment, d, timezone.now())
        return payment


def settle_transfer(payment_id: int, bank_txn_id: str, line: Mapping[str, Any]) -> Payment:
    """A bank statement line paid this payment (VietQR transfer): settle it like an IPN success."""
    dossier_id = Payment.objects.values_list("dossier_id", flat=True).get(pk=payment_id)
    with transaction.atomic():
        d = _lock_dossier(dossier_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        raw = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in line.items()}
        _log(payment, "statement", payment.txn_ref, raw, "00")
        if payment.status in SETTLED:
            return payment
        _mark_paid(payment, PayChannel.VIETQR, {"reference": bank_txn_id}, timezone.now())
        payment.paid_at = line.get("booked_at") or payment.paid_at
        _settle(payment, d, timezone.now())
        return payment


def counter_payment(d: Dossier, reference: str, at: datetime) -> Payment:
    """The clerk confirmed the fee at the counter (cash or card): a settled counter payment with its receipt.
    Called from `hooks` inside the confirm_fee transaction (the dossier row is already locked)."""
    Payment.objects.filter(dossier=d, status=PayStatus.PENDING).update(status=PayStatus.CANCELLED)
    payment = Payment.objects.create(
        dossier=d,
        txn_ref=new_ref(d),
        amount=d.fee_amount or 1,
        created_at=at,
        status=PayStatus.PAID,
        channel=PayChannel.COUNTER,
        paid_at=at,
        gateway_txn_no=reference[:64],
    )
    _log(payment, "counter", payment.txn_ref, {"reference": reference})
    receipts.issue(payment, at)
    return payment


def mark_refund_due(d: Dossier, reason: str) -> int:
    """The dossier was refused or withdrawn: every payment that took money becomes due for refund."""
    return Payment.objects.filter(dossier=d, status=PayStatus.PAID).update(
        status=PayStatus.REFUND_DUE, refund_reason=reason[:255]
    )


def mark_refunded(payment_id: int, raw: Mapping[str, Any], at: datetime | None = None) -> None:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        _log(payment, "refund", payment.txn_ref, raw)
        if payment.status == PayStatus.REFUND_DUE:
            payment.status = PayStatus.REFUNDED
            payment.refunded_at = at or timezone.now()
            payment.save(update_fields=["status", "refunded_at"])


__all__ = [
    "REF_RE",
    "PaymentError",
    "apply_query",
    "counter_payment",
    "external_payment",
    "handle_ipn",
    "mark_refund_due",
    "mark_refunded",
    "open_payment",
    "request_payment",
]
