"""Payments of dossier fees, every gateway callback as received, the gateway simulator's own ledger,
imported bank statement lines and electronic receipts (numbered per unit and year without gaps)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PayChannel(models.TextChoices):
    VNPAY = "vnpay", _("Cổng thanh toán (VNPAY)")
    VIETQR = "vietqr", _("Chuyển khoản VietQR")
    DVCQG = "dvcqg", _("Nền tảng thanh toán Cổng DVC quốc gia")
    COUNTER = "counter", _("Nộp tại quầy")


ONLINE_CHANNELS = (PayChannel.VNPAY, PayChannel.DVCQG)


class PayStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán không thành công")
    CANCELLED = "cancelled", _("Đã hủy")
    REFUND_DUE = "refund_due", _("Chờ hoàn tiền")
    REFUNDED = "refunded", _("Đã hoàn tiền")


# A payment that took the citizen's money (counted, receipted, reconciled).
SETTLED = (PayStatus.PAID, PayStatus.REFUND_DUE, PayStatus.REFUNDED)


class Payment(models.Model):
    """One attempt to collect a dossier's fee; `txn_ref` is the reference the gateway and the bank note carry."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payments")
    txn_ref = models.CharField(_("mã thanh toán"), max_length=40, unique=True)
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=PayStatus.choices, default=PayStatus.PENDING)
    # How it was (or is expected to be) paid; an open payment may still be paid by any channel.
    channel = models.CharField(_("hình thức"), max_length=10, choices=PayChannel.choices, blank=True, default="")
    created_at = models.DateTimeField(_("thời điểm tạo"))
    paid_at = models.DateTimeField(_("thời điểm thanh toán"), null=True, blank=True)
    gateway_txn_no = models.CharField(_("mã giao dịch tại cổng/ngân hàng"), max_length=64, blank=True, default="")
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True, default="")
    response_code = models.CharField(_("mã phản hồi"), max_length=8, blank=True, default="")
    last_queried_at = models.DateTimeField(null=True, blank=True)
    refund_reason = models.CharField(max_length=255, blank=True, default="")
    refunded_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(status="pending"), name="payments_one_open"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["paid_at"])]

    def __str__(self) -> str:
        return f"{self.txn_ref} ({self.amount} VND, {self.status})"

    @property
    def online(self) -> bool:
        return self.channel in ONLINE_CHANNELS


class Callback(models.Model):
    """Every callback or answer about a payment, with its raw parameters, kept even when refused."""

    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks")
    source = models.CharField(max_length=20)  # ipn, return, querydr, refund, dvcqg, statement, counter
    txn_ref = models.CharField(max_length=100, blank=True, default="")
    raw = models.JSONField(default=dict)
    answer = models.CharField(max_length=8, blank=True, default="")  # the RspCode we answered (IPN)
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["txn_ref"])]

    def __str__(self) -> str:
        return f"{self.source} {self.txn_ref} → {self.answer}"


class StatementLine(models.Model):
    """A credit line of an imported bank statement (VietQR transfers), matched to a payment when possible."""

    bank_txn_id = models.CharField(max_length=64, unique=True)
    booked_at = models.DateTimeField()
    amount = models.BigIntegerField()
    description = models.CharField(max_length=500)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="lines")
    outcome = models.CharField(max_length=20)  # matched, amount_mismatch, unmatched, duplicate
    imported_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.bank_txn_id} {self.amount} ({self.outcome})"


class ReceiptCounter(models.Model):
    """The last receipt number of a unit in a year; locked while a number is taken (no gaps, no doubles)."""

    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="payments_counter_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class Receipt(models.Model):
    """An electronic fee receipt (biên lai điện tử); its content is fixed when issued."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    series = models.CharField(max_length=40)
    issued_at = models.DateTimeField()
    content = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("biên lai điện tử")
        verbose_name_plural = _("biên lai điện tử")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "number"], name="payments_receipt_number")]

    def __str__(self) -> str:
        return f"{self.series} {self.number:07d}"


class GatewayTxn(models.Model):
    """The simulator's side of the gateway: what it knows of each payment (its own ledger for reconcile)."""

    txn_ref = models.CharField(max_length=100, unique=True)
    tmn_code = models.CharField(max_length=20)
    amount = models.BigIntegerField()  # VND (vnp_Amount / 100)
    order_info = models.CharField(max_length=255, blank=True, default="")
    return_url = models.CharField(max_length=500, blank=True, default="")
    status = models.CharField(max_length=2, default="01")  # vnp_TransactionStatus: 00 ok, 01 pending, 02 failed
    response_code = models.CharField(max_length=2, blank=True, default="")
    transaction_no = models.CharField(max_length=20, blank=True, default="")
    bank_code = models.CharField(max_length=20, blank=True, default="NCB")
    created_at = models.DateTimeField()
    pay_date = models.DateTimeField(null=True, blank=True)
    refunded_amount = models.BigIntegerField(default=0)
    # Callbacks waiting to be sent (the "delay" button): list of {"params", "due"}.
    pending_callbacks = models.JSONField(default=list)
    ipn_answers = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.txn_ref} {self.amount} ({self.status})"
