"""`motcua units restructure create|preview|apply|cancel|list|run-due` and `motcua units history CODE`.

`create` records a decision as a draft; `preview` prints what it will move (the same plan `apply`
executes); `apply` schedules it (carried out by the worker on its effective date, at once when the
date has come); `cancel` withdraws it before then. Errors: one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from motcua.cli import CLIError, print_json, setup_django

KINDS = ("merge", "split", "rename", "move", "dissolve")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("units", help="units through time: restructuring decisions, history")
    usub = p.add_subparsers(dest="units_command", metavar="SUBCOMMAND", parser_class=type(p))
    usub.required = True
    h = usub.add_parser("history", help="a unit's validity period, predecessors and successors")
    h.add_argument("code")
    h.add_argument("--json", action="store_true")
    h.set_defaults(handler=cmd_history)

    r = usub.add_parser("restructure", help="restructuring decisions: merge, split, rename, move, dissolve")
    rsub = r.add_subparsers(dest="restructure_command", metavar="ACTION", parser_class=type(r))
    rsub.required = True
    c = rsub.add_parser("create", help="record a decision (a draft: nothing changes yet)")
    c.add_argument("--kind", required=True, help="merge, split, rename, move or dissolve")
    c.add_argument("--number", required=True, help="decision number, e.g. 1667/NQ-UBTVQH15")
    c.add_argument("--signed-on", required=True, metavar="YYYY-MM-DD")
    c.add_argument("--effective-on", required=True, metavar="YYYY-MM-DD")
    c.add_argument("--legal-basis", default="", help="text of the legal basis")
    c.add_argument("--unit", dest="units", action="append", default=[], metavar="CODE", help="a unit restructured")
    c.add_argument("--into", metavar="CODE", help="existing successor (merge, dissolve) or new parent (move)")
    c.add_argument("--new-code", default="", help="code of the new successor unit (merge, rename)")
    c.add_argument("--new-name", default="", help="name of the new successor unit")
    c.add_argument("--new-kind", default="", help="kind of the new successor unit (default: the first source's)")
    c.add_argument(
        "--part",
        action="append",
        default=[],
        metavar="CODE|NAME|WORD,WORD",
        help="split: a successor (new or existing) and the address words that send a dossier there; first = default",
    )
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=cmd_create)
    for name, helptext, fn in (
        ("preview", "what the decision will move (nothing is written)", cmd_preview),
        ("apply", "schedule the decision; carried out on its effective date (at once if it has come)", cmd_apply),
        ("cancel", "withdraw a decision before its effective date", cmd_cancel),
    ):
        q = rsub.add_parser(name, help=helptext)
        q.add_argument("number")
        q.add_argument("--json", action="store_true")
        q.set_defaults(handler=fn)
    q = rsub.add_parser("list", help="every decision with its status")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_list)
    q = rsub.add_parser(
        "run-due", help="apply the scheduled decisions whose effective date has come (the worker does it)"
    )
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_run_due)


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CLIError(f"--{name}: not a date (YYYY-MM-DD): {value!r}") from None


def _decision(number: str) -> Any:
    from motcua.restructure.models import Decision

    found = Decision.objects.filter(number=number).first()
    if found is None:
        raise CLIError(f"no decision numbered {number!r}")
    return found


def cmd_create(args: argparse.Namespace) -> int:
    if args.kind not in KINDS:
        raise CLIError(f"--kind must be one of {', '.join(KINDS)}, not {args.kind!r}")
    signed, effective = _date(args.signed_on, "signed-on"), _date(args.effective_on, "effective-on")
    if signed > effective:
        raise CLIError(f"--signed-on {signed} is after --effective-on {effective}")
    if not args.number.strip():
        raise CLIError("--number must not be empty")
    if not args.units:
        raise CLIError("name at least one --unit")
    parts = []
    for raw in args.part:
        code, _, rest = raw.partition("|")
        name, _, words = rest.partition("|")
        if not code.strip():
            raise CLIError(f"--part {raw!r}: give CODE|NAME|WORD,WORD")
        parts.append(
            {"code": code.strip(), "name": name.strip(), "match": [w.strip() for w in words.split(",") if w.strip()]}
        )
    setup_django()
    from motcua.restructure.forms import create_decision

    try:
        decision = create_decision(
            kind=args.kind,
            number=args.number.strip(),
            signed_on=signed,
            effective_on=effective,
            legal_basis=args.legal_basis,
            unit_codes=args.units,
            into=args.into,
            new_code=args.new_code.strip(),
            new_name=args.new_name.strip(),
            new_kind=args.new_kind.strip(),
            parts=parts,
        )
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    return _show(decision, args.json, "recorded (draft)")


def _show(decision: Any, as_json: bool, verb: str) -> int:
    from motcua.restructure.engine import plan

    p = decision.result if decision.status == "applied" else plan(decision).as_dict()
    if as_json:
        print_json({"number": decision.number, "status": decision.status, "plan": p})
    else:
        print(f"{decision.number}: {verb}; status {decision.status}; effective {decision.effective_on}")
        print(render_plan(p))
    return 0


def render_plan(p: dict[str, Any]) -> str:
    lines = []
    for u in p["new_units"]:
        lines.append(
            f"new unit {u['code']} {u['name']} (level {u['level']}, parent {u['parent'] or '-'}, calendar {u['calendar']})"
        )
    for code in p["ended_units"]:
        lines.append(f"ends {code}")
    for r in p["reparented"]:
        lines.append(f"moves {r['unit']} from {r['from'] or '-'} under {r['to']}")
    for link in p["links"]:
        lines.append(f"link {link['predecessor']} -> {link['successor']}{' (primary)' if link['primary'] else ''}")
    for d in p["dossiers"]:
        note = " (citizen notified)" if d["notify"] else ""
        lines.append(f"dossier {d['code']} [{d['status']}] {d['from_unit']} -> {d['to_unit']}{note}")
    for m in p["memberships"]:
        lines.append(f"official {m['user']} {m['role']} {m['from']} -> {m['to']}")
    for s in p["process_steps"]:
        lines.append(f"process step {s['procedure']} v{s['version']} #{s['order']} {s['from']} -> {s['to']}")
    for c in p["calendars"]:
        lines.append(f"calendar of {c['unit']}: {c['calendar']} (from {c['from']})")
    for link in p["linked"]:
        lines.append(f"lien thong dossier {link['code']} (lead {link['lead']}) -> {link['to_unit']}")
    missing = [x["code"] for x in p["procedures"] if not x["offered_by_successor"]]
    lines.append(
        f"procedures offered: {len(p['procedures'])}; not offered by the successor: {', '.join(missing) or 'none'}"
    )
    for problem in p["problems"]:
        lines.append(f"PROBLEM: {problem}")
    return "\n".join(lines)


def cmd_preview(args: argparse.Namespace) -> int:
    setup_django()
    return _show(_decision(args.number), args.json, "preview")


def cmd_apply(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.restructure.engine import RestructureError, schedule

    decision = _decision(args.number)
    try:
        schedule(decision)
    except RestructureError as exc:
        raise CLIError(str(exc)) from None
    decision.refresh_from_db()
    return _show(decision, args.json, "applied" if decision.status == "applied" else "scheduled")


def cmd_cancel(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.restructure.engine import RestructureError, cancel

    decision = _decision(args.number)
    try:
        cancel(decision)
    except RestructureError as exc:
        raise CLIError(str(exc)) from None
    print(f"{decision.number}: cancelled", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.restructure.models import Decision

    rows = [
        {
            "number": d.number,
            "kind": d.kind,
            "status": d.status,
            "signed_on": d.signed_on.isoformat(),
            "effective_on": d.effective_on.isoformat(),
            "units": [u.code for u in d.sources.order_by("code")],
        }
        for d in Decision.objects.order_by("effective_on", "number")
    ]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r['number']}\t{r['kind']}\t{r['status']}\t{r['effective_on']}\t{' '.join(r['units'])}")
    return 0


def cmd_run_due(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.restructure.engine import apply_due

    result = apply_due()
    if args.json:
        print_json(result)
    else:
        print(f"applied: {', '.join(result['applied']) or 'none'}")
        for e in result["errors"]:
            print(e, file=sys.stderr)
    return 1 if result["errors"] else 0


def cmd_history(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.organizations.history import lineage
    from motcua.organizations.models import Unit

    unit = Unit.objects.filter(code=args.code).first()
    if unit is None:
        raise CLIError(f"unknown unit code {args.code!r}")
    links = lineage(unit)
    preds = [u.code for u in links["predecessors"]]
    succs = [u.code for u in links["successors"]]
    doc: dict[str, Any] = {
        "code": unit.code,
        "name": unit.name,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "predecessors": preds,
        "successors": succs,
    }
    if args.json:
        print_json(doc)
    else:
        print(f"{doc['code']} {doc['name']}: valid {doc['valid_from'] or '…'} – {doc['valid_to'] or '…'}")
        print(f"predecessors: {' '.join(preds) or '-'}; successors: {' '.join(succs) or '-'}")
    return 0
