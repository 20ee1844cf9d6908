"""Helpers for tests that start real `motcua` processes against the test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote

from django.db import connection


def database_url() -> str:
    """The URL of the test database this process uses, for a subprocess."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def motcua(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.Popen[bytes]:
    full_env = {**os.environ, "MOTCUA_DATABASE_URL": database_url(), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "motcua", *args], env=full_env, **kwargs)  # type: ignore[call-overload]


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited before answering"
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:  # refused, reset, or a read timeout while a loaded machine starts the server
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")
