"""Sub-commands of this context (registered by `motcua.cli`): `motcua audit verify`."""

from __future__ import annotations

import argparse
import sys

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
    p.set_defaults(handler=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.cli import CLIError
    from motcua.dossiers.audit import verify
    from motcua.dossiers.models import Dossier

    if args.dossier and not Dossier.objects.filter(code=args.dossier).exists():
        raise CLIError(f"audit verify: no dossier with code {args.dossier}", 2)
    report = verify(args.dossier, stop_at_first=not args.all)
    if args.json:
        print_json(report.as_json())
    if report.ok and not args.dossier and not feedback_chains_ok(args.all):  # feedback (PAKN) chains too
        return 1
    if report.ok:
        if not args.json:
            print(f"ok: {report.dossiers} dossiers, {report.events} events verified", file=sys.stderr)
        return 0
    print(f"motcua: audit failed: {report.problems[0].line()}", file=sys.stderr)
    return 1
