"""The `motcua` console script (contracts §1).

Each bounded context registers its own sub-commands from `<app>/cli.py` (a `register(subparsers)`
function). Errors are one line on stderr with a non-zero exit code, never a traceback; with
`--json` stdout carries exactly one JSON document and everything else goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

COMMAND_MODULES = [
    "motcua.core.cli",
    "motcua.organizations.cli",
    "motcua.calendar.cli",
    "motcua.catalog.cli",
    "motcua.dossiers.cli",
    "motcua.analytics.cli",
    "motcua.notifications.cli",
    "motcua.restructure.cli",
    "motcua.signing.cli",
    "motcua.payments.cli",
    "motcua.feedback.cli",
    "motcua.surveys.cli",
    "motcua.reform.cli",
]


class CLIError(Exception):
    """A failure to report to the user in one line, with an exit code (2 = bad input)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse prints usage plus a message on bad arguments; we want exactly one line."""

    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{self.prog}: {message}", 2)


def setup_django(migrate: bool = True) -> None:
    """Configure Django and, on first use, create or migrate the database (messages to stderr).

    In the production profile nothing migrates by itself (a schema change is an operator's
    decision, taken with `motcua migrate`): a command meeting an outdated database stops instead.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise CLIError(str(exc), 2) from exc
    if migrate:
        from django.conf import settings
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            if settings.PRODUCTION:
                raise CLIError("the database schema is not up to date: run `motcua migrate` first", 1)
            from django.core.management import call_command

            call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=None, default=str))
    sys.stdout.write("\n")


Handler = Callable[[argparse.Namespace], int | None]


def build_parser() -> Parser:
    parser = Parser(prog="motcua", description="motcua — one-stop administrative-procedure system")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(sub)
    return parser


def nfc_args(argv: Sequence[str]) -> list[str]:
    """Arguments in NFC, like every other edge: a unit name or file name typed on macOS arrives as NFD."""
    import unicodedata

    return [unicodedata.normalize("NFC", a) for a in argv]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(nfc_args(sys.argv[1:] if argv is None else argv))
        handler: Handler = args.handler
        result = handler(args)
        return int(result or 0)
    except CLIError as exc:
        print(f"motcua: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("motcua: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        if os.environ.get("MOTCUA_TRACEBACK") == "1":
            raise
        print(f"motcua: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
