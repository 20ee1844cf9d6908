"""`motcua calendar due|classify|days` (contracts §1, §2).

Timestamps are ISO 8601; one without an offset is read as local time (the product's single time
zone, `MOTCUA_TIME_ZONE`, default Asia/Ho_Chi_Minh). Output timestamps are ISO 8601 with the local
offset (+07:00 by default), seconds precision.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from motcua.cli import CLIError, print_json, setup_django

TS_HELP = "ISO 8601 timestamp, e.g. 2026-02-13T16:30:00+07:00 (no offset = local time, MOTCUA_TIME_ZONE)"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cal = sub.add_parser("calendar", help="working-time calendar and deadlines")
    csub = cal.add_subparsers(dest="calendar_command", metavar="COMMAND", parser_class=type(cal))
    csub.required = True

    p = csub.add_parser("due", help="official receipt and due time of a dossier")
    p.add_argument("--received", required=True, help=TS_HELP)
    p.add_argument("--amount", help="time limit N (ignored for same_day)")
    p.add_argument("--unit", required=True, help="working_days | working_hours | calendar_days | same_day")
    p.add_argument("--cutoff", help="same_day cut-off HH:MM (default 15:00)")
    p.add_argument("--pause", action="append", default=[], metavar="START/END", help="a pause [START, END)")
    p.add_argument("--calendar", default="default", help="calendar name (default: default)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_due)

    p = csub.add_parser("classify", help="early / on_time / late (compares local dates)")
    p.add_argument("--due", required=True, help=TS_HELP)
    p.add_argument("--finished", required=True, help=TS_HELP)
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_classify)

    p = csub.add_parser("days", help="holidays, days off and swapped working days of a year")
    p.add_argument("--year", required=True, help="year, e.g. 2026")
    p.add_argument("--calendar", default="default", help="calendar name (default: default)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=cmd_days)


def parse_ts(text: str, option: str) -> datetime:
    from motcua.calendar.engine import TZ

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CLIError(
            f"{option}: malformed timestamp {text!r}; expected ISO 8601, e.g. 2026-02-13T16:30:00+07:00"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    return value


def parse_hhmm(text: str, option: str) -> time:
    try:
        value = time.fromisoformat(text.strip())
    except ValueError:
        raise CLIError(f"{option}: malformed time {text!r}; expected HH:MM") from None
    if value.tzinfo is not None:
        raise CLIError(f"{option}: malformed time {text!r}; expected HH:MM")
    return value


def iso(t: datetime) -> str:
    from motcua.calendar.engine import TZ

    return t.astimezone(TZ).isoformat(timespec="seconds")


def _calendar(name: str) -> Any:
    setup_django()
    from motcua.calendar.service import UnknownCalendar, get_calendar

    try:
        return get_calendar(name)
    except UnknownCalendar as exc:
        raise CLIError(str(exc)) from None


def cmd_due(args: argparse.Namespace) -> int:
    from motcua.calendar.engine import UNITS, explain_vi

    received = parse_ts(args.received, "--received")
    if args.unit not in UNITS:
        raise CLIError(f"--unit: unknown unit {args.unit!r}; expected one of {', '.join(UNITS)}")
    amount: Decimal | int
    if args.amount is None:
        if args.unit != "same_day":
            raise CLIError("the following argument is required: --amount")
        amount = 0
    else:
        try:
            amount = Decimal(args.amount.strip())
        except InvalidOperation:
            raise CLIError(f"--amount: not a number: {args.amount!r}") from None
        if not amount.is_finite():
            raise CLIError(f"--amount: not a number: {args.amount!r}")
        if amount == amount.to_integral_value():
            amount = int(amount)
    cutoff = parse_hhmm(args.cutoff, "--cutoff") if args.cutoff else None
    pauses = []
    for text in args.pause:
        start, sep, end = text.partition("/")
        if not sep:
            raise CLIError(f"--pause: expected START/END, got {text!r}")
        p1, p2 = parse_ts(start, "--pause"), parse_ts(end, "--pause")
        if p2 < p1:
            raise CLIError(f"--pause: the pause ends ({end}) before it starts ({start})")
        pauses.append((p1, p2))
    cal = _calendar(args.calendar)
    try:
        dl = cal.due(received, amount, args.unit, cutoff)
        due = cal.apply_pauses(dl.due, pauses)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    if args.json:
        print_json({"official_receipt": iso(dl.official_receipt), "due": iso(due)})
    else:
        print(f"official receipt: {iso(dl.official_receipt)}")
        print(f"due:              {iso(due)}")
        print(explain_vi(cal, received, amount, args.unit, cutoff, pauses))
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    from motcua.calendar.engine import classify

    result = classify(parse_ts(args.due, "--due"), parse_ts(args.finished, "--finished"))
    if args.json:
        print_json({"result": result})
    else:
        print(result)
    return 0


def cmd_days(args: argparse.Namespace) -> int:
    try:
        year = int(args.year)
        date(year, 1, 1)
    except ValueError:
        raise CLIError(f"--year: not a year: {args.year!r}") from None
    if not 1901 <= year <= 9000:
        raise CLIError(f"--year: out of range: {year}")
    cal = _calendar(args.calendar)
    entries = cal.days(year)
    if args.json:
        print_json(
            [
                {"date": e.date.isoformat(), "kind": e.kind, "name": e.name, "legal_basis": e.legal_basis}
                for e in entries
            ]
        )
    else:
        for e in entries:
            print(f"{e.date:%d/%m/%Y}  {e.kind:<11}  {e.name}")
    return 0
