"""Project-wide sub-commands: migrate, demo, serve, worker, backup, restore, manage."""

from __future__ import annotations

import argparse
import importlib
import signal
import subprocess
import sys
from pathlib import Path

from motcua.cli import CLIError, print_json, setup_django

# Each context may ship `demo.py` with `load(stdout)`; they run in this order (catalog first).
DEMO_LOADERS = [
    "motcua.calendar.demo",
    "motcua.catalog.demo",
    "motcua.organizations.demo",
    "motcua.dossiers.demo",
    "motcua.analytics.demo",
    "motcua.restructure.demo",
    "motcua.signing.demo",  # after dossiers: signs the finished demo dossiers' results
    "motcua.payments.demo",
    "motcua.portalsim.demo",  # the DVCQG/VNeID simulator's citizens and one online filing
    "motcua.feedback.demo",
    "motcua.surveys.demo",
    "motcua.inspections.demo",
    "motcua.assignments.demo",
    "motcua.reform.demo",  # PAR-index rounds: two finished years and the open one
    "motcua.trust.demo",  # last: checkpoints the loaded demo
]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("migrate", help="create or migrate the database")
    p.set_defaults(handler=cmd_migrate)

    p = sub.add_parser(
        "demo",
        help="migrate, load the sample catalogue and history, serve on 127.0.0.1:8000 with a background worker",
        description="Migrate, load the demo data, then serve it. While serving, a `motcua worker` child process "
        "delivers notifications (e-mail, SMS, Zalo to the local simulators) and raises deadline warnings; it is "
        "stopped when the server exits (Ctrl-C).",
    )
    p.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")
    p.add_argument("--no-serve", action="store_true", help="load the demo data and exit")
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="serve without starting the background worker `motcua worker` (run it yourself to send notifications)",
    )
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("serve", help="run the production web server (gunicorn)")
    p.add_argument("--bind", help="address to listen on (default: MOTCUA_BIND)")
    p.add_argument("--workers", type=int, help="worker processes (default: MOTCUA_WEB_WORKERS or 2 × cores + 1)")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("worker", help="run background tasks and periodic jobs")
    p.add_argument("--once", action="store_true", help="process what is due, then exit")
    p.set_defaults(handler=cmd_worker)

    p = sub.add_parser("backup", help="back up the database and the document store, with a SHA-256 manifest")
    p.add_argument("--output", metavar="DIR", help="new folder (default: <data dir>/backups/motcua-<UTC time>)")
    p.add_argument("--json", action="store_true", help="print the manifest summary as one JSON document")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup into an empty installation (verifies it first)")
    p.add_argument("folder", metavar="DIR", help="a folder written by `motcua backup`")
    p.add_argument("--json", action="store_true", help="print the manifest summary as one JSON document")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("manage", help="run a Django management command", add_help=False)
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(handler=cmd_manage)


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django(migrate=False)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1, stdout=sys.stderr)
    return 0


def load_demo_data() -> None:
    """Run every context's demo loader; each is idempotent, so a second run changes nothing."""
    for name in DEMO_LOADERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.load(sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    load_demo_data()
    if args.no_serve:
        return 0
    from django.core.management import call_command

    worker = None if args.no_worker else start_worker()
    print(f"motcua: serving the demo on http://{args.addr}/", file=sys.stderr)
    # A SIGTERM to the demo must stop the worker too: turn it into an orderly exit through `finally`.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        call_command("runserver", args.addr, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None:
            stop_worker(worker)
    return 0


def _workers(args: argparse.Namespace) -> int:
    from motcua import config
    from motcua.core import serve

    if args.workers is not None:
        workers: int = args.workers
    else:
        raw = config.env("MOTCUA_WEB_WORKERS").strip()
        if not raw:
            return serve.default_workers()
        try:
            workers = int(raw)
        except ValueError:
            raise CLIError(f"MOTCUA_WEB_WORKERS must be a whole number, not {raw!r}") from None
    if workers < 1:
        raise CLIError("the number of web workers must be at least 1")
    return workers


def cmd_serve(args: argparse.Namespace) -> int:
    from motcua import config

    workers = _workers(args)
    bind = args.bind or config.env("MOTCUA_BIND")
    setup_django()
    from django.conf import settings

    if settings.PRODUCTION and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        # Hashed, compressed copies for WhiteNoise take a minute to build: a deploy step, not a start-up one.
        raise CLIError("static files are not collected: run `motcua manage collectstatic --noinput` first", 1)
    from motcua.core import serve

    return serve.run(bind, workers)


WORKER_COMMAND = [sys.executable, "-m", "motcua", "worker"]


def start_worker(command: list[str] | None = None) -> subprocess.Popen[bytes]:
    """Start `motcua worker` as a child (same settings and database through the inherited environment)."""
    proc = subprocess.Popen(command or WORKER_COMMAND)
    print(f"motcua: background worker started (pid {proc.pid}): notifications and deadline warnings", file=sys.stderr)
    return proc


def stop_worker(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
    """Ask the worker to finish its batch and exit (SIGTERM), kill it if it does not; its exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return int(proc.returncode)


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    try:
        worker = importlib.import_module("motcua.notifications.worker")
    except ModuleNotFoundError as exc:
        raise CLIError("the worker is not available in this build", 1) from exc
    return int(worker.run(once=args.once) or 0)


def _summary(folder: Path, manifest: dict[str, object]) -> dict[str, object]:
    files = manifest["files"]
    assert isinstance(files, list)
    return {
        "folder": str(folder),
        "database": manifest["database"],
        "files": len(files),
        "bytes": sum(entry["size"] for entry in files),
        "created_at": manifest["created_at"],
    }


def cmd_backup(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from motcua import config
    from motcua.core import backup

    setup_django()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(args.output) if args.output else config.data_dir() / "backups" / f"motcua-{stamp}"
    try:
        summary = _summary(folder, backup.backup(folder.resolve()))
    except (backup.BackupError, OSError) as exc:
        raise CLIError(f"backup: {exc}", 1) from exc
    if args.json:
        print_json(summary)
    print(f"motcua: backup written to {folder} ({summary['files']} files, {summary['bytes']} bytes)", file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from motcua.core import backup

    folder = Path(args.folder)
    if not folder.is_dir():
        raise CLIError(f"restore: {folder} is not a folder")
    setup_django(migrate=False)  # the target must stay empty until the backup is in
    try:
        summary = _summary(folder, backup.restore(folder.resolve()))
    except (backup.BackupError, OSError) as exc:
        raise CLIError(f"restore: {exc}", 1) from exc
    if args.json:
        print_json(summary)
    print(
        f"motcua: restored {folder} (made {summary['created_at']}); check it with `motcua audit verify`",
        file=sys.stderr,
    )
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django(migrate=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["motcua manage", *args.args])
    return 0
