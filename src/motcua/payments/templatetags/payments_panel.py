"""`{% payments_panel d %}` on the back-office dossier page: payments, QR, receipts, the request button."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers import commands
from motcua.payments.fees import catalogue_fee
from motcua.payments.models import Payment, PayStatus

register = template.Library()


@register.inclusion_tag("payments/_panel.html", takes_context=True)
def payments_panel(context: Any, d: Any) -> dict[str, Any]:
    payments = list(Payment.objects.filter(dossier=d).select_related("receipt").order_by("created_at"))
    awaiting = d.status == "awaiting_fee"
    fee = catalogue_fee(d.procedure, d.channel)
    user = context.get("user")
    may_request = (
        fee > 0
        and d.status in ("received", "processing")  # the fee request's sources: ask the table only then
        and user is not None
        and commands.allowed("request_fee", user, d)
    )
    return {
        "may_request": may_request,
        "d": d,
        "payments": payments,
        "awaiting": awaiting,
        "can_open": awaiting and not any(p.status == PayStatus.PENDING for p in payments),
        "catalogue_fee": fee,
        "show": bool(payments) or awaiting or fee > 0,
        "csrf_token": context.get("csrf_token"),
    }
