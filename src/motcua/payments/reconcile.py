"""Daily reconciliation (contracts §8.2) and bank statement import (VietQR transfers).

`gateway_report(day)`: each gateway transaction of that local date against motcua's VNPAY payments
settled that day: `{"date", "matched", "missing_in_motcua", "missing_at_gateway", "amount_mismatch"}`.
`import_statement(rows)`: credit lines of a bank statement matched to payments by the reference in
the transfer note; a match settles the payment (and confirms the dossier's fee) like an IPN.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua import config
from motcua.payments import record
from motcua.payments.gateway import GatewayTxnRecord, gateway
from motcua.payments.models import SETTLED, PayChannel, Payment, StatementLine


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=config.time_zone())
    return start, start + timedelta(days=1)


def read_gateway_file(text: str) -> list[GatewayTxnRecord]:
    """A gateway statement CSV: header with `txn_ref`, `amount` (VND), optional `transaction_no`, `status`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"txn_ref", "amount"} <= set(reader.fieldnames):
        raise ValueError("gateway file needs a header with txn_ref and amount")
    rows = []
    for n, row in enumerate(reader, start=2):
        amount = (row.get("amount") or "").strip()
        if not amount.isdigit():
            raise ValueError(f"line {n}: amount {amount!r} is not a whole number of VND")
        status = (row.get("status") or "00").strip()
        if status == "00":
            rows.append(
                GatewayTxnRecord(row["txn_ref"].strip(), int(amount), (row.get("transaction_no") or ""), status)
            )
    return rows


def gateway_report(day: date, records: list[GatewayTxnRecord] | None = None) -> dict[str, Any]:
    if records is None:
        records = gateway().transactions(day)
    start, end = _day_bounds(day)
    ours = {
        p.txn_ref: p
        for p in Payment.objects.filter(
            channel=PayChannel.VNPAY, status__in=SETTLED, paid_at__gte=start, paid_at__lt=end
        )
    }
    theirs = {r.txn_ref: r for r in records}
    known = {
        p.txn_ref: p for p in Payment.objects.filter(txn_ref__in=[r for r in theirs if r not in ours])
    }  # paid at the gateway on that day but recorded by us on another day (or not at all)
    matched, missing_in_motcua, mismatch = 0, [], []
    for ref, r in sorted(theirs.items()):
        p = ours.get(ref) or (known.get(ref) if known.get(ref) and known[ref].status in SETTLED else None)
        if p is None:
            found = known.get(ref)
            missing_in_motcua.append(
                {
                    "txn_ref": ref,
                    "amount": r.amount,
                    "transaction_no": r.transaction_no,
                    "dossier": found.dossier.code if found else None,
                    "motcua_status": found.status if found else None,
                }
            )
        elif p.amount != r.amount:
            mismatch.append({"txn_ref": ref, "amount": p.amount, "gateway_amount": r.amount, "dossier": p.dossier.code})
        else:
            matched += 1
    missing_at_gateway = [
        {
            "txn_ref": ref,
            "amount": p.amount,
            "dossier": p.dossier.code,
            "paid_at": timezone.localtime(p.paid_at).isoformat(),
        }
        for ref, p in sorted(ours.items())
        if ref not in theirs and p.paid_at is not None
    ]
    return {
        "date": day.isoformat(),
        "matched": matched,
        "missing_in_motcua": missing_in_motcua,
        "missing_at_gateway": missing_at_gateway,
        "amount_mismatch": mismatch,
    }


# ---- bank statements --------------------------------------------------------------------------------

STATEMENT_HEADER = ("transaction_id", "booked_at", "amount", "description")


def _parse_time(text: str) -> datetime:
    text = text.strip()
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=config.time_zone())
        except ValueError:
            pass
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=config.time_zone())


def read_statement(text: str) -> list[dict[str, Any]]:
    """Statement CSV (UTF-8): `transaction_id,booked_at,amount,description`; debit lines (amount ≤ 0) skipped.
    `booked_at` ISO 8601 or `dd/mm/yyyy HH:MM[:SS]` local time; `amount` whole VND (dots/commas as
    thousands separators allowed). Raises ValueError naming the first bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not set(STATEMENT_HEADER) <= {f.strip() for f in reader.fieldnames}:
        raise ValueError(f"statement needs the header {','.join(STATEMENT_HEADER)}")
    rows = []
    for n, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        digits = row["amount"].replace(".", "").replace(",", "").lstrip("+")
        negative = digits.startswith("-")
        if not digits.lstrip("-").isdigit():
            raise ValueError(f"line {n}: amount {row['amount']!r} is not a whole number of VND")
        if not row["transaction_id"]:
            raise ValueError(f"line {n}: transaction_id is empty")
        try:
            booked = _parse_time(row["booked_at"])
        except ValueError:
            raise ValueError(f"line {n}: booked_at {row['booked_at']!r} is not a date and time") from None
        if negative or int(digits) == 0:
            continue
        rows.append(
            {"id": row["transaction_id"], "booked_at": booked, "amount": int(digits), "description": row["description"]}
        )
    return rows


def _candidates(description: str) -> list[str]:
    text = "".join(description.upper().split())
    refs = []
    for m in record.REF_RE.finditer(text):
        token = m.group(0)
        refs += [token[:n] for n in range(len(token), 9, -1)]
    return refs


def import_statement(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Match each new credit line; a line already imported (same transaction id) is skipped."""
    summary: dict[str, Any] = {
        "lines": 0,
        "skipped": 0,
        "matched": [],
        "amount_mismatch": [],
        "unmatched": [],
        "duplicate": [],
    }
    for row in rows:
        if StatementLine.objects.filter(bank_txn_id=row["id"]).exists():
            summary["skipped"] += 1
            continue
        summary["lines"] += 1
        payment = None
        for ref in _candidates(row["description"]):
            payment = Payment.objects.filter(txn_ref=ref).select_related("dossier").first()
            if payment:
                break
        outcome = "unmatched"
        item: dict[str, Any] = {"transaction_id": row["id"], "amount": row["amount"]}
        if payment is not None:
            item.update(txn_ref=payment.txn_ref, dossier=payment.dossier.code)
            if payment.status in SETTLED:
                outcome = "duplicate"
            elif payment.amount != row["amount"]:
                outcome = "amount_mismatch"
                item["expected"] = payment.amount
            else:
                outcome = "matched"
        with transaction.atomic():
            line = StatementLine.objects.create(
                bank_txn_id=row["id"],
                booked_at=row["booked_at"],
                amount=row["amount"],
                description=row["description"][:500],
                payment=payment,
                outcome=outcome,
                imported_at=timezone.now(),
            )
            if outcome == "matched" and payment is not None:
                record.settle_transfer(payment.pk, line.bank_txn_id, row)
        summary[outcome].append(item)
    return summary
