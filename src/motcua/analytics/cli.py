"""Sub-commands of analytics: `dossiers import`, `report resolution|indicators|kl91`, `index 766`,
`analytics rebuild-rollups` (registered by `motcua.cli`)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from motcua.cli import CLIError, print_json, setup_django

FORMATS = ("json", "csv", "xlsx", "pdf")
GROUPINGS = ("unit", "field", "procedure", "level")  # = report.GROUPINGS (kept here: no Django before setup)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("dossiers", help="dossier data: historical import")
    dsub = p.add_subparsers(dest="dossiers_command", metavar="SUBCOMMAND", parser_class=type(p))
    dsub.required = True
    q = dsub.add_parser("import", help="import historical dossiers from JSON Lines (contracts §4)")
    q.add_argument("file", metavar="FILE.jsonl")
    q.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    q.add_argument("--partial", action="store_true", help="import the valid lines and report the others")
    q.add_argument("--json", action="store_true", help="print the result (with every error) as JSON on stdout")
    q.add_argument(
        "--bulk",
        action="store_true",
        help="PostgreSQL: drop the dossier and event tables' non-unique indexes (and their mutual foreign keys) "
        "during the import and rebuild them before commit. LOCKS both tables (no reads or writes of dossiers) "
        "until the import ends, and the rebuild costs time in proportion to the whole table: only for "
        "migrating history into a small table",
    )
    q.set_defaults(handler=cmd_import)

    p = sub.add_parser("report", help="reports: resolution (Biểu 06a), indicators, kl91")
    rsub = p.add_subparsers(dest="report_command", metavar="REPORT", parser_class=type(p))
    rsub.required = True
    q = rsub.add_parser("resolution", help="resolution report, Biểu 06a (contracts §5)")
    _period_args(q)
    q.add_argument("--by", default="unit", help="unit (default), field, procedure or level")
    q.add_argument("--format", default="json", help="json (default), csv, xlsx or pdf")
    q.add_argument("--output", help="file to write (required for xlsx and pdf)")
    _as_of_arg(q)
    q.set_defaults(handler=cmd_resolution)
    q = rsub.add_parser("indicators", help="on-time, online, payment and digitisation indicators per level")
    _period_args(q)
    q.add_argument("--format", default="json", help="json (default) or xlsx")
    q.add_argument("--output", help="file to write (required for xlsx)")
    q.set_defaults(handler=cmd_indicators)
    q = rsub.add_parser("kl91", help="Kết luận 91-KL/TU checks: units and officials over the thresholds")
    _period_args(q)
    q.add_argument("--late-threshold", type=float, default=0.05, help="unit late share (default 0.05)")
    q.add_argument("--satisfaction-threshold", type=float, default=0.80, help="unit satisfaction (default 0.80)")
    q.add_argument("--official-threshold", type=float, default=0.10, help="official late share (default 0.10)")
    q.add_argument("--limit", type=int, default=100, help="dossiers listed per flagged unit or official")
    q.set_defaults(handler=cmd_kl91)

    p = sub.add_parser("index", help="service indices")
    isub = p.add_subparsers(dest="index_command", metavar="INDEX", parser_class=type(p))
    isub.required = True
    q = isub.add_parser("766", help="the 766 service index (contracts §6)")
    _period_args(q)
    q.add_argument("--format", default="json", help="json")
    q.add_argument("--scoring", help="JSON or YAML file overriding {criterion: {max, threshold}}")
    q.add_argument("--drill", metavar="CRITERION", help="list the dossiers that cost points for this criterion")
    q.add_argument("--limit", type=int, default=1000, help="rows listed by --drill")
    _as_of_arg(q)
    q.set_defaults(handler=cmd_index)

    p = sub.add_parser("analytics", help="analytics maintenance")
    asub = p.add_subparsers(dest="analytics_command", metavar="SUBCOMMAND", parser_class=type(p))
    asub.required = True
    q = asub.add_parser("rebuild-rollups", help="recompute the rollup tables from the dossier table")
    q.add_argument("--unit", help="only this unit code (and its descendants)")
    q.set_defaults(handler=cmd_rebuild)


def _period_args(q: argparse.ArgumentParser) -> None:
    q.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--unit", help="unit code: that unit and every unit below it")
    q.add_argument("--source", default="rollup", help="rollup (default) or base (recompute from the dossier table)")


def _as_of_arg(q: argparse.ArgumentParser) -> None:
    q.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="group by the units as they were on this date: predecessors (mergers, renames) summed into successors",
    )


def _as_of(args: argparse.Namespace) -> date | None:
    return _date(args.as_of, "as-of") if getattr(args, "as_of", None) else None


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CLIError(f"--{name}: not a date (YYYY-MM-DD): {value!r}") from None


def _period(args: argparse.Namespace) -> tuple[date, date]:
    start, end = _date(args.start, "from"), _date(args.end, "to")
    if start > end:
        raise CLIError(f"--from {start} is after --to {end}")
    from motcua.analytics.rules import EARLIEST, LATEST  # pure: no Django before setup

    if start < EARLIEST or end > LATEST:
        raise CLIError(f"the period must lie between {EARLIEST} and {LATEST}")
    if args.source not in ("rollup", "base"):
        raise CLIError(f"--source must be rollup or base, not {args.source!r}")
    _as_of(args)  # a bad --as-of is refused before any work
    return start, end


def _scope(args: argparse.Namespace) -> Any:
    from motcua.analytics.report import Scope, scope_as_of, unit_and_descendants

    if not args.unit:
        return Scope()
    try:
        return Scope(unit_ids=scope_as_of(unit_and_descendants(args.unit), _as_of(args)))
    except LookupError:
        raise CLIError(f"unknown unit code {args.unit!r}") from None


def _write(data: bytes, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        return
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise CLIError(f"cannot write {output}: {exc.strerror}", 1) from None
    print(f"wrote {output}", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CLIError(f"no such file: {args.file}")
    setup_django()
    from motcua.analytics.importer import import_file

    try:
        result = import_file(str(path), dry_run=args.dry_run, partial=args.partial, bulk=args.bulk)
    except UnicodeDecodeError:
        raise CLIError(f"{args.file} is not UTF-8 text") from None
    if args.json:
        print_json(result.as_json())
    n_err = len(result.errors)
    first = result.errors[0] if result.errors else None
    if first and not args.partial:
        raise CLIError(f"{args.file}: line {first['line']}: {first['error']} ({n_err} errors); nothing imported", 1)
    verb = "would import" if args.dry_run else "imported"
    summary = f"{verb} {result.imported} dossiers from {result.lines} lines"
    if first:
        summary += f"; {n_err} lines rejected (first: line {first['line']}: {first['error']})"
        if not args.json:
            for e in result.errors:
                print(f"line {e['line']}: {e['error']}", file=sys.stderr)
    print(summary, file=sys.stderr if args.json else sys.stdout)
    # --partial: success when something was imported (or nothing needed importing); 1 when every line failed.
    return 1 if (first and result.imported == 0) else 0


def cmd_resolution(args: argparse.Namespace) -> int:
    start, end = _period(args)
    if args.by not in GROUPINGS:
        raise CLIError(f"--by must be one of {', '.join(GROUPINGS)}, not {args.by!r}")
    if args.format not in FORMATS:
        raise CLIError(f"--format must be one of {', '.join(FORMATS)}, not {args.format!r}")
    if args.format in ("xlsx", "pdf") and not args.output:
        raise CLIError(f"--format {args.format} writes a binary file: give --output FILE")
    setup_django()
    from motcua.analytics.exports import RENDERERS
    from motcua.analytics.report import resolution_report

    doc = resolution_report(start, end, args.by, _scope(args), args.source, as_of=_as_of(args))
    if args.format == "json":
        data = (json.dumps(doc, ensure_ascii=False) + "\n").encode()
    else:
        data = RENDERERS[args.format](doc)
    _write(data, args.output)
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    start, end = _period(args)
    if args.format not in ("json", "xlsx"):
        raise CLIError(f"--format must be json or xlsx, not {args.format!r}")
    if args.format == "xlsx" and not args.output:
        raise CLIError("--format xlsx writes a binary file: give --output FILE")
    setup_django()
    from motcua.analytics.indicators import indicators, indicators_xlsx

    doc = indicators(start, end, _scope(args), args.source)
    data = (json.dumps(doc, ensure_ascii=False) + "\n").encode() if args.format == "json" else indicators_xlsx(doc)
    _write(data, args.output)
    return 0


def cmd_kl91(args: argparse.Namespace) -> int:
    start, end = _period(args)
    for name in ("late_threshold", "satisfaction_threshold", "official_threshold"):
        if not 0 <= getattr(args, name) <= 1:
            raise CLIError(f"--{name.replace('_', '-')} must be between 0 and 1")
    setup_django()
    from motcua.analytics.kl91 import kl91

    print_json(
        kl91(
            start,
            end,
            _scope(args),
            late_threshold=args.late_threshold,
            satisfaction_threshold=args.satisfaction_threshold,
            official_threshold=args.official_threshold,
            limit=args.limit,
            source=args.source,
        )
    )
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    start, end = _period(args)
    if args.format != "json":
        raise CLIError(f"--format must be json, not {args.format!r}")
    setup_django()
    from motcua.analytics.index766 import DEFAULT_SCORING, ScoringError, index_766, load_scoring

    if args.scoring and not Path(args.scoring).is_file():
        raise CLIError(f"no such scoring file: {args.scoring}")
    try:
        scoring = load_scoring(args.scoring)
    except ScoringError as exc:
        raise CLIError(str(exc)) from None
    scope = _scope(args)
    if args.drill:
        from motcua.analytics.drill import DRILLS, drill

        if args.drill not in DEFAULT_SCORING:
            raise CLIError(f"unknown criterion {args.drill!r}")
        if args.drill not in DRILLS:
            raise CLIError(f"criterion {args.drill} has no dossier drill-down (catalogue or feedback data)")
        print_json(drill(args.drill, start, end, scope, limit=args.limit))
        return 0
    doc = index_766(start, end, scope, unit_code=args.unit, source=args.source, scoring=scoring)
    if args.as_of:
        doc["as_of"] = args.as_of  # the unit scope includes the unit's predecessors as of that date
    print_json(doc)
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    setup_django()
    from motcua.analytics.report import unit_and_descendants
    from motcua.analytics.rollup import rebuild

    ids = None
    if args.unit:
        try:
            ids = unit_and_descendants(args.unit)
        except LookupError:
            raise CLIError(f"unknown unit code {args.unit!r}") from None
    counts = rebuild(ids)
    print(f"rebuilt rollups: {counts['daily']} daily rows, {counts['monthly']} monthly rows", file=sys.stderr)
    return 0
