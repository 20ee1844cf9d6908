"""Electronic fee receipts (biên lai điện tử): a number per collecting unit and year without gaps, and the PDF.

The number is taken in the transaction that settles the payment, under a row lock on the unit's counter
for the year: a rolled-back payment gives its number back, two concurrent payments never share one.
`receipt_pdf(receipt)` is the one function that renders a receipt (unsigned; the signing step wraps it).
The receipt's QR decodes to the payment reference (what the bank note, the gateway and the dossier carry).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from motcua import config
from motcua.payments.models import Payment, PayStatus, Receipt, ReceiptCounter
from motcua.payments.words import amount_in_words

TITLE = "BIÊN LAI THU PHÍ, LỆ PHÍ"
FORM = "01BLP0-001"  # mẫu số of an e-receipt without a printed face value (Circular 78/2021/TT-BTC style)


def _take_number(unit: Any, year: int) -> int:
    ReceiptCounter.objects.get_or_create(unit=unit, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(unit=unit, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def issue(payment: Payment, at: datetime) -> Receipt:
    """The payment's receipt, issued once (a second call returns the first)."""
    existing = Receipt.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    d = payment.dossier
    unit = d.receiving_unit or d.unit
    local = at.astimezone(config.time_zone())
    with transaction.atomic():
        number = _take_number(unit, local.year)
        content = {
            "dossier": d.code,
            "procedure": {"code": d.procedure.code, "name": d.procedure.name},
            "unit": {"code": unit.code, "name": unit.name, "parent": unit.parent.name if unit.parent else ""},
            "payer": {"name": d.applicant_name, "id_number": d.applicant_id_number, "address": d.applicant_address},
            "amount": payment.amount,
            "amount_words": amount_in_words(payment.amount),
            "channel": payment.channel,
            "channel_label": str(payment.get_channel_display()),
            "txn_ref": payment.txn_ref,
            "gateway_txn_no": payment.gateway_txn_no,
            "paid_at": (payment.paid_at or at).isoformat(),
        }
        return Receipt.objects.create(
            payment=payment,
            unit=unit,
            year=local.year,
            number=number,
            series=f"{config.env('MOTCUA_RECEIPT_SERIES')}-{unit.code}/{local.year}",
            issued_at=at,
            content=content,
        )


def vnd(amount: int) -> str:
    """`1250000` → `1.250.000` (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as an A5 PDF with Vietnamese text and a QR of the payment reference (unsigned)."""
    from weasyprint import HTML

    from motcua.backoffice.pdf import qr
    from motcua.portal.links import lookup_url

    c = receipt.content
    local = receipt.issued_at.astimezone(config.time_zone())
    paid = datetime.fromisoformat(c["paid_at"]).astimezone(config.time_zone())
    refunded = receipt.payment.status == PayStatus.REFUNDED
    html = render_to_string(
        "payments/pdf/receipt.html",
        {
            "r": receipt,
            "c": c,
            "title": TITLE,
            "form": FORM,
            "issued": local,
            "paid": paid,
            "refunded": refunded,
            "qr": qr.svg_data_uri(c["txn_ref"]),
            "number": f"{receipt.number:07d}",
            "amount": vnd(c["amount"]),
            "lookup": lookup_url(c["dossier"]),
        },
    )
    return bytes(HTML(string=html, base_url=None).write_pdf())
