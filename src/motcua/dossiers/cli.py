"""Sub-commands of this context (registered by `motcua.cli`): `motcua audit verify | checkpoint | adopt | export`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from motcua.cli import print_json, setup_django
from motcua.feedback.audit import feedback_chains_ok


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser("audit", help="verify the dossier event chains and cached state")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", parser_class=type(audit))
    audit_sub.required = True
    p = audit_sub.add_parser("verify", help="exit 0 if every chain is intact and every cached state re-derives")
    p.add_argument("--dossier", metavar="CODE", help="verify only this dossier")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.add_argument("--all", action="store_true", help="report every broken dossier, not only the first")
    p.add_argument("--checkpoint", type=int, metavar="N", help="compare with checkpoint N (default: the latest)")
    p.add_argument("--no-files", action="store_true", help="do not hash the stored files")
    p.add_argument(
        "--full", action="store_true", help="re-derive every dossier, also those unchanged since they last passed"
    )
    p.set_defaults(handler=cmd_verify)
    c = audit_sub.add_parser("checkpoint", help="sign the heads of every chain into the checkpoint log")
    c.add_argument("--json", action="store_true", help="print the checkpoint as one JSON document")
    c.set_defaults(handler=cmd_checkpoint)
    a = audit_sub.add_parser(
        "adopt",
        help="once, after upgrading a database from before the chain seals: verify every chain, seal the "
        "unsealed heads and sign the first checkpoint",
    )
    a.add_argument("--reason", required=True, help="who decided the upgrade and why (kept in the lift log)")
    a.add_argument("--json", action="store_true", help="print the result as one JSON document")
    a.set_defaults(handler=cmd_adopt)
    e = audit_sub.add_parser("export", help="export a checkpoint as JSON or a one-page PDF for an outside party")
    e.add_argument("--checkpoint", type=int, metavar="N", help="checkpoint number (default: the latest)")
    e.add_argument("--format", choices=["json", "pdf"], default="json")
    e.add_argument("--output", metavar="FILE", help="write here (default: stdout for JSON)")
    e.set_defaults(handler=cmd_export)


def cmd_verify(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.cli import CLIError
    from motcua.dossiers.audit import Problem, verify
    from motcua.dossiers.models import Dossier
    from motcua.trust import checkpoints, keys

    if args.dossier and not Dossier.objects.filter(code=args.dossier).exists():
        raise CLIError(f"audit verify: no dossier with code {args.dossier}", 2)
    report = verify(args.dossier, stop_at_first=not args.all, check_files=not args.no_files, full=args.full)
    used = None
    if not args.dossier and (report.ok or args.all):
        try:
            used, found = checkpoints.verify_against(args.checkpoint)
        except (checkpoints.CheckpointError, keys.KeyError_) as exc:
            raise CLIError(f"audit verify: {exc}", 2) from exc
        report.problems += [Problem(code, seq, reason) for code, seq, reason in found]
        if not args.all:
            report.problems = report.problems[:1]
    if args.json:
        print_json({**report.as_json(), "checkpoint": None if used is None else used["n"]})
    if report.ok and not args.dossier and not feedback_chains_ok(args.all):  # feedback (PAKN) chains too
        return 1
    if report.ok:
        if not args.json:
            against = f", checkpoint {used['n']} holds" if used else ""
            print(f"ok: {report.dossiers} dossiers, {report.events} events verified{against}", file=sys.stderr)
        return 0
    print(f"motcua: audit failed: {report.problems[0].line()}", file=sys.stderr)
    return 1


def cmd_adopt(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.cli import CLIError
    from motcua.trust import keys
    from motcua.trust.adopt import AdoptError, adopt

    try:
        adopted = adopt(args.reason)
    except (AdoptError, keys.KeyError_) as exc:
        raise CLIError(f"audit adopt: {exc}", 1) from exc
    record = adopted.checkpoint
    if args.json:
        print_json({"sealed": adopted.sealed, "checkpoint": record["n"], "root": record["root"]})
    else:
        print(f"sealed {adopted.sealed} chain heads; checkpoint {record['n']}: {record['dossiers']} dossiers")
    return 0


def cmd_checkpoint(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.cli import CLIError
    from motcua.trust import checkpoints, keys

    try:
        record = checkpoints.create()
    except (checkpoints.CheckpointError, keys.KeyError_) as exc:
        raise CLIError(f"audit checkpoint: {exc}", 1) from exc
    if args.json:
        print_json(record)
    else:
        print(
            f"checkpoint {record['n']}: {record['dossiers']} dossiers, {record['events']} events, root {record['root']}",
            file=sys.stderr,
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.cli import CLIError
    from motcua.trust import checkpoints, keys, report

    try:
        log = checkpoints.check_log()
    except keys.KeyError_ as exc:
        raise CLIError(f"audit export: {exc}", 2) from exc
    if log.problems:
        raise CLIError(f"audit export: {log.problems[0]}", 1)
    records = [r for r in log.records if args.checkpoint is None or r.get("n") == args.checkpoint]
    if not records:
        raise CLIError("audit export: no such checkpoint (take one with `motcua audit checkpoint`)", 2)
    record = records[-1]
    if args.format == "json":
        text = json.dumps(checkpoints.export_json(record), ensure_ascii=False, indent=2)
        if args.output:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return 0
    if not args.output:
        raise CLIError("audit export: --format pdf needs --output FILE", 2)
    Path(args.output).write_bytes(report.pdf(record))
    return 0
