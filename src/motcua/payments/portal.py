"""Glue to the national-portal adapter (`motcua.nationalportal`): a fee paid on the national portal's
payment platform arrives as the signed inbound message `payment.made` and is recorded like any other
online payment (`record.external_payment`, channel `dvcqg`): idempotent on the portal's transaction
reference, so the clock resumes once however often the message is sent.

    {"message_id", "type": "payment.made", "portal_ref" | "code", "amount": VND, "reference",
     "paid_at"?: ISO 8601}

`connect()` registers the handler when the adapter is installed (from `PaymentsConfig.ready`).
"""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_datetime


def _dossier(message: dict[str, Any]) -> Any:
    from motcua.dossiers.models import Dossier

    code = str(message.get("code") or "")
    if code:
        return Dossier.objects.filter(code=code).first()
    ref = str(message.get("portal_ref") or "")
    if not ref:
        return None
    from motcua.nationalportal.models import NationalDossier, State

    nd = NationalDossier.objects.filter(portal_ref=ref, state=State.RECEIVED).select_related("dossier").first()
    return nd.dossier if nd is not None else None


def handle_made(message: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A `payment.made` message → (status, answer)."""
    from motcua.payments import record
    from motcua.payments.models import PayChannel

    amount, reference = message.get("amount"), str(message.get("reference") or "")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return 400, {"detail": "amount must be a positive whole number of VND"}
    if not reference or len(reference) > 64:
        return 400, {"detail": "reference is required (at most 64 characters)"}
    paid_at = None
    if message.get("paid_at"):
        try:
            paid_at = parse_datetime(str(message["paid_at"]))
        except ValueError:
            paid_at = None
        if paid_at is None or paid_at.tzinfo is None:
            return 400, {"detail": "paid_at must be an ISO 8601 date-time with a time zone"}
    d = _dossier(message)
    if d is None:
        return 404, {"detail": "unknown dossier (give code or portal_ref)"}
    raw = {k: v for k, v in message.items() if isinstance(v, str | int | float | bool) or v is None}
    try:
        payment = record.external_payment(d, amount, reference, channel=PayChannel.DVCQG, raw=raw, paid_at=paid_at)
    except record.PaymentError as exc:
        status = 422 if exc.code in ("amount", "not_awaiting_fee", "no_fee") else 400
        return status, {"detail": str(exc), "code": exc.code}
    d.refresh_from_db()
    return 200, {"status": payment.status, "code": d.code, "txn_ref": payment.txn_ref, "dossier_status": d.status}


def connect() -> bool:
    """Register `payment.made` with the national-portal adapter when it is installed."""
    try:
        from motcua.nationalportal import inbound as national  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:
        return False
    national.register("payment.made", lambda message: national.Answer(*handle_made(message)))
    return True
