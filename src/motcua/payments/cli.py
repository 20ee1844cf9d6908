"""`motcua payments request|reconcile|import-statement|tick` (contracts §1, §8.2)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from motcua.cli import CLIError, print_json, setup_django


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    pay = sub.add_parser("payments", help="fees: open a payment, reconcile with the gateway, import bank statements")
    psub = pay.add_subparsers(dest="payments_command", metavar="ACTION", parser_class=type(pay))
    psub.required = True
    p = psub.add_parser("request", help="create or return the open payment of a dossier awaiting a fee")
    p.add_argument("--dossier", metavar="CODE", required=True)
    p.add_argument("--json", action="store_true", help="print {txn_ref, amount, pay_url} as JSON")
    p.set_defaults(handler=cmd_request)
    p = psub.add_parser("reconcile", help="the gateway's transactions of a local date against motcua's payments")
    p.add_argument("--date", metavar="YYYY-MM-DD", required=True)
    p.add_argument("--file", metavar="CSV", help="the gateway's statement (txn_ref,amount[,transaction_no,status])")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reconcile)
    p = psub.add_parser("import-statement", help="match a bank statement CSV (VietQR transfers) to dossiers")
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import)
    p = psub.add_parser("tick", help="run the periodic payment duties once (pending queries, refunds)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_tick)


def cmd_request(args: argparse.Namespace) -> int:
    code = (args.dossier or "").strip()
    if not code:
        raise CLIError("payments request: --dossier must not be empty", 2)
    setup_django()
    from motcua.dossiers.models import Dossier
    from motcua.payments import record
    from motcua.payments.gateway import GatewayError

    d = Dossier.objects.filter(code=code).first()
    if d is None:
        raise CLIError(f"payments request: no dossier with code {code}", 2)
    try:
        document = record.request_payment(d)
    except record.PaymentError as exc:
        raise CLIError(f"payments request: {exc}", 1) from None
    except GatewayError as exc:
        raise CLIError(f"payments request: {exc}", 1) from None
    if args.json:
        print_json(document)
    else:
        print(f"{document['txn_ref']}\t{document['amount']}\t{document['pay_url']}")
    return 0


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise CLIError(f"payments reconcile: --date {raw!r} is not a date (YYYY-MM-DD)", 2) from None


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CLIError(f"{what}: cannot read {path}: {exc}", 2) from None


def cmd_reconcile(args: argparse.Namespace) -> int:
    day = _day(args.date)
    text = _read(args.file, "payments reconcile") if args.file else None
    setup_django()
    from motcua.payments import reconcile
    from motcua.payments.gateway import GatewayError

    try:
        records = reconcile.read_gateway_file(text) if text is not None else None
        report = reconcile.gateway_report(day, records)
    except ValueError as exc:
        raise CLIError(f"payments reconcile: {exc}", 2) from None
    except GatewayError as exc:
        raise CLIError(f"payments reconcile: {exc}", 1) from None
    if args.json:
        print_json(report)
    else:
        print(
            f"{report['date']}: {report['matched']} matched, {len(report['missing_in_motcua'])} missing in motcua, "
            f"{len(report['missing_at_gateway'])} missing at the gateway, {len(report['amount_mismatch'])} amount mismatches"
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    text = _read(args.file, "payments import-statement")
    setup_django()
    from motcua.payments import reconcile

    try:
        rows = reconcile.read_statement(text)
    except ValueError as exc:
        raise CLIError(f"payments import-statement: {exc}", 2) from None
    summary = reconcile.import_statement(rows)
    if args.json:
        print_json(summary)
    else:
        print(
            f"{summary['lines']} new lines: {len(summary['matched'])} matched, "
            f"{len(summary['amount_mismatch'])} amount mismatches, {len(summary['unmatched'])} unmatched, "
            f"{len(summary['duplicate'])} already paid; {summary['skipped']} imported before",
            file=sys.stderr,
        )
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from motcua.payments import jobs

    result = jobs.tick(timezone.now())
    if args.json:
        print_json(result)
    return 0
