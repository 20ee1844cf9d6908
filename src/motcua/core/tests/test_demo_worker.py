"""`motcua demo` serves with a `motcua worker` child so notifications leave, and stops it on exit."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from motcua.core import cli as core_cli


def test_demo_help_documents_the_worker() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "motcua", "demo", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "motcua worker" in out and "--no-worker" in out and "Ctrl-C" in out


def test_start_and_stop_a_worker_child() -> None:
    child = core_cli.start_worker([sys.executable, "-c", "import time; time.sleep(120)"])
    assert child.poll() is None
    code = core_cli.stop_worker(child, timeout=5)
    assert code == -signal.SIGTERM  # ended by SIGTERM, well before its two minutes


def test_a_worker_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    stubborn = (
        "import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "pathlib.Path(sys.argv[1]).touch(); time.sleep(120)"
    )
    child = core_cli.start_worker([sys.executable, "-c", stubborn, str(ready)])
    deadline = time.monotonic() + 20
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists()
    assert core_cli.stop_worker(child, timeout=0.5) == -signal.SIGKILL


@pytest.mark.parametrize("no_worker", [False, True])
def test_demo_starts_the_worker_and_stops_it_when_the_server_ends(
    monkeypatch: pytest.MonkeyPatch, no_worker: bool
) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(core_cli, "setup_django", lambda: None)
    monkeypatch.setattr(core_cli, "load_demo_data", lambda: calls.append("load"))
    monkeypatch.setattr(core_cli, "start_worker", lambda: calls.append("start") or "child")
    monkeypatch.setattr(core_cli, "stop_worker", lambda proc: calls.append(("stop", proc)))

    def serve(*args: Any, **kwargs: Any) -> None:
        calls.append("serve")
        raise KeyboardInterrupt  # Ctrl-C

    import django.core.management

    monkeypatch.setattr(django.core.management, "call_command", serve)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        args = argparse.Namespace(addr="127.0.0.1:0", no_serve=False, no_worker=no_worker)
        assert core_cli.cmd_demo(args) == 0
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert calls == (["load", "serve"] if no_worker else ["load", "start", "serve", ("stop", "child")])
