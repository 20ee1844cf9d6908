"""Catalogue fees by filing channel: a procedure may publish a lower fee for online filing.

The catalogue keeps other procedure keys in `Procedure.extra`; `fee_by_channel: {online: N, direct: M,
postal: M}` (whole VND) overrides `fee` for that channel. The specialist's fee request form is
pre-filled with `catalogue_fee(procedure, dossier.channel)`.
"""

from __future__ import annotations

from typing import Any


def catalogue_fee(procedure: Any, channel: str) -> int:
    by_channel = (procedure.extra or {}).get("fee_by_channel")
    if isinstance(by_channel, dict):
        value = by_channel.get(channel)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return int(procedure.fee or 0)


def online_payment_open(procedure: Any) -> bool:
    """A fee-bearing procedure is open to online payment when it is offered online and does not opt out
    (`online_payment: false` in the catalogue), and an online gateway is available."""
    from motcua import config

    if procedure.online not in ("full", "partial"):
        return False
    if (procedure.extra or {}).get("online_payment") is False:
        return False
    return config.payment_simulator() or bool(config.env("MOTCUA_VNPAY_PAY_URL"))
