"""`motcua catalog import FILE` and `motcua catalog export` (contracts §1, §3)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motcua.cli import CLIError, print_json, setup_django


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    catalog = sub.add_parser("catalog", help="import or export the procedure catalogue")
    csub = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", parser_class=type(catalog))
    csub.required = True

    p = csub.add_parser("import", help="import a catalogue file (YAML or JSON); all or nothing, idempotent")
    p.add_argument("file", help="catalogue file (.yaml, .yml or .json)")
    p.add_argument("--dry-run", action="store_true", help="validate and report what would change, write nothing")
    p.add_argument("--json", action="store_true", help="print the summary (or every error) as JSON on stdout")
    p.set_defaults(handler=cmd_import)

    p = csub.add_parser("export", help="export the catalogue (stdout unless --output)")
    p.add_argument("--output", "-o", help="file to write; its extension (.json/.yaml) picks the format")
    p.add_argument("--format", choices=["yaml", "json"], help="output format (default: yaml, or from --output)")
    p.set_defaults(handler=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.catalog.importer import import_file
    from motcua.catalog.spec import CatalogError

    try:
        summary = import_file(args.file, dry_run=args.dry_run)
    except CatalogError as exc:
        if args.json:
            print_json({"ok": False, "errors": exc.errors})
        raise CLIError(exc.one_line(), 2) from None
    prefix = "would import" if args.dry_run else "imported"
    print(f"motcua: {prefix} {args.file}: {summary.one_line()}", file=sys.stderr)
    if args.json:
        print_json({"ok": True, "dry_run": args.dry_run, **summary.as_dict()})
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt is None:
        fmt = "json" if args.output and Path(args.output).suffix.lower() == ".json" else "yaml"
    setup_django()
    from motcua.catalog.exporter import dumps, export_catalog

    text = dumps(export_catalog(), fmt)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CLIError(f"cannot write {args.output}: {exc.strerror}", 1) from None
        print(f"motcua: exported the catalogue to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
