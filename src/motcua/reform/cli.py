"""`motcua reform import FILE [--dry-run] [--json]`: a criteria set from YAML or XLSX, all-or-nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motcua.cli import CLIError, print_json, setup_django


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("reform", help="PAR-index (Chỉ số CCHC) scoring")
    rsub = p.add_subparsers(dest="reform_command", metavar="SUBCOMMAND", parser_class=type(p))
    rsub.required = True
    q = rsub.add_parser("import", help="import a criteria set (YAML or XLSX; format: docs/REFORM.md)")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    q.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    q.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CLIError(f"no such file: {args.file}")
    setup_django()
    from motcua.reform.importer import ImportFailed, import_set

    try:
        result = import_set(path.name, path.read_bytes(), dry_run=args.dry_run)
    except ImportFailed as exc:
        if args.json:
            print_json({"errors": exc.errors})
        for line in exc.errors[1:]:
            print(f"{args.file}: {line}", file=sys.stderr)
        raise CLIError(f"{args.file}: {exc.errors[0]} ({len(exc.errors)} problem(s)); nothing imported", 1) from None
    if args.json:
        print_json(result.as_json())
    verb = "would import" if args.dry_run else "imported"
    print(
        f"{verb} criteria set {result.code}: {result.criteria} criteria ({result.leaves} scored), {result.total} points",
        file=sys.stderr if args.json else sys.stdout,
    )
    return 0
