"""`motcua feedback import FILE.jsonl [--dry-run] [--json]` (contracts §9.2)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motcua.cli import CLIError, print_json, setup_django


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("feedback", help="feedback (PAKN): history import")
    fsub = p.add_subparsers(dest="feedback_command", metavar="SUBCOMMAND", parser_class=type(p))
    fsub.required = True
    q = fsub.add_parser("import", help="import feedback history from JSON Lines (contracts §9.2), all-or-nothing")
    q.add_argument("file", metavar="FILE.jsonl")
    q.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    q.add_argument("--json", action="store_true", help="print the result (with every error) as JSON on stdout")
    q.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CLIError(f"no such file: {args.file}")
    setup_django()
    from motcua.feedback.importer import import_file

    try:
        result = import_file(str(path), dry_run=args.dry_run)
    except UnicodeDecodeError:
        raise CLIError(f"{args.file} is not UTF-8 text") from None
    if args.json:
        print_json(result.as_json())
    if result.errors:
        first = result.errors[0]
        n = len(result.errors)
        raise CLIError(f"{args.file}: line {first['line']}: {first['error']} ({n} errors); nothing imported", 1)
    verb = "would import" if args.dry_run else "imported"
    print(f"{verb} {result.imported} feedback from {result.lines} lines", file=sys.stderr if args.json else sys.stdout)
    return 0
