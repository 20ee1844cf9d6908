"""Demo payments at Phường Nha Trang (H32.101), built through the same services the screens use:
two dossiers waiting for a fee (one filed online, with the lower online fee of the catalogue), and fees
paid through the VNPAY simulator, by a VietQR transfer in an imported bank statement, at the counter,
and one withdrawn after payment (due for refund; the worker refunds it through the simulator)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlsplit

from django.db import transaction
from django.utils import timezone

KEY = "demo-pay-"
UNIT = "H32.101"


def load(stdout: TextIO) -> None:
    from django.contrib.auth import get_user_model

    from motcua.catalog.models import Procedure
    from motcua.dossiers import demo as dd
    from motcua.dossiers import services as s
    from motcua.dossiers.models import Dossier
    from motcua.organizations.models import Unit
    from motcua.payments import fees, reconcile, record, simulator
    from motcua.payments.gateway import gateway

    if Dossier.objects.filter(idempotency_key__startswith=KEY).exists():
        stdout.write("payments: demo payments already present\n")
        return
    if (
        not Unit.objects.filter(code=UNIT).exists()
        or not get_user_model().objects.filter(username=dd.STAFF[UNIT]["clerk"]).exists()
    ):
        stdout.write("payments: demo units or accounts missing, no demo payments\n")
        return
    unit = Unit.objects.get(code=UNIT)
    now = timezone.now()

    def receive(name: str, code: str, person: int, *, online: bool = False) -> Any:
        proc = Procedure.objects.get(code=code)
        at = now - timedelta(hours=2)
        if online:
            d = s.submit_online(
                procedure=proc, unit=unit, applicant=dd._applicant(person), idempotency_key=KEY + name, now=at
            )
            d = dd.act("receive", UNIT, s.accept_online, d, now=at)
        else:
            d = dd.act(
                "receive",
                UNIT,
                s.receive_dossier,
                procedure=proc,
                unit=unit,
                applicant=dd._applicant(person),
                idempotency_key=KEY + name,
                now=at,
            )
        amount = fees.catalogue_fee(proc, d.channel) or 50_000
        return dd.act("request_fee", UNIT, s.request_fee, d, amount=amount, note="Phí, lệ phí theo danh mục", now=at)

    def via_simulator(d: Any) -> Any:
        payment = record.open_payment(d)
        txn = simulator.open_from_url(dict(parse_qsl(urlsplit(gateway().pay_url(payment)).query)))
        simulator.decide(txn, True)
        simulator.send_ipn(txn, note="demo")
        return payment

    def statement(d: Any) -> None:
        payment = record.open_payment(d)
        reconcile.import_statement(
            [
                {
                    "id": f"DEMO-FT-{payment.txn_ref}",
                    "booked_at": timezone.now(),
                    "amount": payment.amount,
                    "description": f"{d.applicant_name} chuyen tien {payment.txn_ref}",
                }
            ]
        )

    jobs: list[tuple[str, Callable[[], Any]]] = [
        ("awaiting-online", lambda: receive("awaiting-online", "1.004222", 3, online=True)),
        ("awaiting-direct", lambda: receive("awaiting-direct", "2.001035", 4)),
        ("paid-vnpay", lambda: via_simulator(receive("paid-vnpay", "2.001019", 5))),
        ("paid-vietqr", lambda: statement(receive("paid-vietqr", "1.004222", 6))),
        (
            "paid-counter",
            lambda: dd.act("receive", UNIT, s.confirm_fee, receive("paid-counter", "2.001019", 7), reference="BL-0001"),
        ),
        (
            "refund",
            lambda: dd.act(
                "withdraw",
                UNIT,
                s.withdraw,
                via_simulator(receive("refund", "2.001035", 8)).dossier,
                reason="Người nộp không còn nhu cầu",
            ),
        ),
    ]
    made, failed = 0, []
    for name, job in jobs:
        try:
            with transaction.atomic():
                job()
            made += 1
        except Exception as exc:  # keep the others; say which one and why
            failed.append(f"{name}: {exc}")
    stdout.write(f"payments: {made} demo dossiers with fees (waiting, paid by VNPAY, VietQR, at the counter, refund)\n")
    for line in failed:
        stdout.write(f"payments: demo {line}\n")
