"""What payments do when a dossier command changes a dossier's status (same transaction, dossier locked).

- enters `awaiting_fee` (request_fee): the payment is opened at once (reference for the fee notice and QR);
- leaves `awaiting_fee` by a clerk's confirm_fee (not by a payment): a counter payment with its receipt;
- leaves it any other way: the open payment is cancelled;
- refused or withdrawn: money already taken becomes due for refund (the worker refunds through the gateway).
"""

from __future__ import annotations

from typing import Any

from motcua.dossiers.signals import dossier_state_changed


def _changed(sender: Any, dossier: Any, before: dict[str, Any] | None, **kwargs: Any) -> None:
    if before is None or before.get("status") == dossier.status:
        return
    from motcua.dossiers.models import DossierEvent
    from motcua.payments import record
    from motcua.payments.models import Payment, PayStatus

    last = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    at = last.at if last is not None else dossier.updated_at
    if dossier.status == "awaiting_fee" and dossier.fee_amount > 0:
        if not Payment.objects.filter(dossier=dossier, status=PayStatus.PENDING).exists():
            Payment.objects.create(
                dossier=dossier,
                txn_ref=record.new_ref(dossier),
                amount=dossier.fee_amount,
                created_at=at,
                requested_by=last.actor if last is not None and last.actor_id else None,
            )
        return
    Payment.objects.filter(dossier=dossier, status=PayStatus.PENDING).update(status=PayStatus.CANCELLED)
    if before.get("status") == "awaiting_fee" and last is not None and last.type == "fee_confirmed":
        reference = str(last.payload.get("reference", ""))
        if not Payment.objects.filter(dossier=dossier, txn_ref=reference, status=PayStatus.PAID).exists():
            record.counter_payment(dossier, reference, at)
        return
    if dossier.status in ("refused", "withdrawn"):
        record.mark_refund_due(dossier, f"dossier {dossier.status}")


def connect() -> None:
    dossier_state_changed.connect(_changed, dispatch_uid="payments.hooks")
