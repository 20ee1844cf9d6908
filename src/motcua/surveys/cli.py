"""`motcua surveys import CAMPAIGN FILE.xlsx|csv [--dry-run] [--json]`: typed paper answers, all-or-nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motcua.cli import CLIError, print_json, setup_django


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("surveys", help="SIPAS satisfaction surveys")
    ssub = p.add_subparsers(dest="surveys_command", metavar="SUBCOMMAND", parser_class=type(p))
    ssub.required = True
    q = ssub.add_parser(
        "import", help="import typed paper answers (XLSX or CSV; columns: unit, dossier_code, question ids)"
    )
    q.add_argument("campaign", metavar="CAMPAIGN")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    q.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    q.set_defaults(handler=cmd_import)
    q = ssub.add_parser("indices", help="print a campaign's indices (JSON)")
    q.add_argument("campaign", metavar="CAMPAIGN")
    q.set_defaults(handler=cmd_indices)


def _campaign(code: str):  # type: ignore[no-untyped-def]
    from motcua.surveys.models import Campaign

    c = Campaign.objects.select_related("questionnaire").filter(code=code).first()
    if c is None:
        raise CLIError(f"no survey campaign {code!r}")
    return c


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CLIError(f"no such file: {args.file}")
    setup_django()
    from motcua.surveys.service import import_paper

    result = import_paper(_campaign(args.campaign), path.name, path.read_bytes(), dry_run=args.dry_run)
    if args.json:
        print_json(result.as_json())
    if result.errors:
        first = result.errors[0]
        raise CLIError(
            f"{args.file}: row {first['row']}: {first['error']} ({len(result.errors)} errors); nothing imported", 1
        )
    verb = "would import" if args.dry_run else "imported"
    print(f"{verb} {result.imported} answers from {result.rows} rows", file=sys.stderr if args.json else sys.stdout)
    return 0


def cmd_indices(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.surveys.indices import campaign_indices

    print_json(campaign_indices(_campaign(args.campaign)))
    return 0
