"""Periodic payment duties, run by `motcua worker` (`tick(now)`):

1. the simulator's delayed IPN calls that are due;
2. `querydr` for VNPAY payments still pending after `MOTCUA_PAYMENT_QUERY_AFTER_MINUTES` (a lost IPN is
   recovered; asked again at the same interval);
3. refunds through the gateway for VNPAY payments due for refund (other channels are refunded by the
   treasurer and listed on the reconciliation page).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Q

from motcua import config
from motcua.payments import record
from motcua.payments.gateway import GatewayError, gateway
from motcua.payments.models import PayChannel, Payment, PayStatus

log = logging.getLogger(__name__)
GIVE_UP = timedelta(days=7)  # a payment link left unpaid this long is no longer asked about


def query_pending(now: datetime) -> int:
    wait = timedelta(minutes=config.env_int("MOTCUA_PAYMENT_QUERY_AFTER_MINUTES"))
    due = Payment.objects.filter(
        status__in=[PayStatus.PENDING, PayStatus.FAILED], created_at__lte=now - wait, created_at__gte=now - GIVE_UP
    ).filter(Q(last_queried_at__isnull=True) | Q(last_queried_at__lte=now - wait))
    done = 0
    for payment in due.select_related("dossier")[:200]:
        try:
            answer = gateway().query(payment)
        except GatewayError as exc:
            log.warning("querydr %s: %s", payment.txn_ref, exc)
            continue
        record.apply_query(payment.pk, answer)
        done += 1
    return done


def refund_due(now: datetime) -> int:
    done = 0
    for payment in Payment.objects.filter(status=PayStatus.REFUND_DUE, channel=PayChannel.VNPAY)[:200]:
        try:
            answer = gateway().refund(payment)
        except GatewayError as exc:
            log.warning("refund %s: %s", payment.txn_ref, exc)
            continue
        if answer.get("vnp_ResponseCode") == "00":
            record.mark_refunded(payment.pk, answer, now)
            done += 1
    return done


def tick(now: datetime) -> dict[str, int]:
    sent = 0
    if config.payment_simulator():
        from motcua.payments import simulator

        sent = simulator.deliver_due(now)
    return {"delayed_ipn": sent, "queried": query_pending(now), "refunded": refund_due(now)}
