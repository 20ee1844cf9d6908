"""`motcua signing init-ca` (the demo's local test CA) and `motcua signing verify FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from motcua.cli import CLIError, print_json, setup_django


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    signing = sub.add_parser("signing", help="signed documents: the demo test CA, verification")
    signing_sub = signing.add_subparsers(dest="signing_command", metavar="ACTION", parser_class=type(signing))
    signing_sub.required = True
    p = signing_sub.add_parser(
        "init-ca",
        help="make the local test CA (demo only) and a certificate per unit and per leader in MOTCUA_SIGNING_DIR",
    )
    p.add_argument("--force", action="store_true", help="make a new root and re-issue every certificate")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(handler=cmd_init_ca)
    p = signing_sub.add_parser("verify", help="check the signatures of a PDF; exit 0 when valid, 1 when not")
    p.add_argument("file", help="the PDF to check")
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    p.set_defaults(handler=cmd_verify)


def cmd_init_ca(args: argparse.Namespace) -> int:
    setup_django()
    from motcua import config
    from motcua.signing import ca, keystore

    if config.production() and not config.simulators_on():
        raise CLIError("signing init-ca: refused in production (a test CA has no legal value)", 2)
    made = ca.init_all(force=args.force)
    report = {"dir": str(keystore.signing_dir()), **made}
    if args.json:
        print_json(report)
    else:
        print(
            f"test CA in {report['dir']}: root {'made' if made['root'] else 'kept'}, "
            f"{made['units']} unit and {made['people']} personal certificates issued",
            file=sys.stderr,
        )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CLIError(f"signing verify: cannot read {path}: {exc.strerror}", 2) from None
    setup_django()
    from motcua.signing.verify import verify_pdf

    verdict = verify_pdf(data)
    if args.json:
        print_json(verdict.as_dict())
    else:
        for s in verdict.signatures:
            print(f"{s.signer} ({s.organisation}) {s.signed_at:%Y-%m-%d %H:%M:%S}" if s.signed_at else s.signer)
        print("valid" if verdict.ok else "not valid: " + "; ".join(verdict.reasons), file=sys.stderr)
    return 0 if verdict.ok else 1
