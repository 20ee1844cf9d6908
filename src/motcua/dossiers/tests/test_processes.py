"""Real processes against the (file) test database: concurrent intake and a SIGKILL in the middle of intake.

Both run on whichever backend the suite uses: SQLite file with `make test`, PostgreSQL with
`make test-postgres`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from motcua.dossiers.audit import verify
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests import factories as f

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SRC = Path(__file__).resolve().parents[3]


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    user = s.get("USER") or "postgres"
    auth = f"{user}:{s['PASSWORD']}" if s.get("PASSWORD") else user
    return f"postgresql://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def spawn(world: Any, proc: Any, count: int, prefix: str, shared: int = 0) -> subprocess.Popen[str]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": database_url(), "PYTHONPATH": str(SRC)}
    args = [sys.executable, "-m", "motcua.dossiers.tests.intake_worker"]
    args += [str(world.commune.pk), str(proc.pk), str(world.clerk.pk), str(count), prefix, str(shared)]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_concurrent_intake_never_duplicates_a_code(world: Any) -> None:
    proc = f.procedure()
    connection.close()  # let the workers have the database to themselves
    workers = [spawn(world, proc, 24, f"w{n}", shared=6) for n in range(4)]
    outputs = [w.communicate(timeout=120) for w in workers]
    for w, (_, err) in zip(workers, outputs, strict=True):
        assert w.returncode == 0, err[-2000:]
    lines = [line.split() for out, _ in outputs for line in out.splitlines() if line != "ready"]
    assert len(lines) == 4 * 24
    by_key: dict[str, set[str]] = {}
    for key, code in lines:
        by_key.setdefault(key, set()).add(code)
    # A retried submission with the same client key returned the same dossier in every process.
    assert all(len(codes) == 1 for codes in by_key.values())
    assert len(by_key) == 4 * 12 + 6
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == len(by_key)
    numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    assert numbers == list(range(1, len(codes) + 1))  # no gap, no duplicate
    assert verify().ok


def test_sigkill_during_intake_loses_no_acknowledged_dossier(world: Any) -> None:
    proc = f.procedure()
    connection.close()
    worker = spawn(world, proc, 0, "k")
    assert worker.stdout is not None
    acknowledged: list[str] = []
    deadline = time.monotonic() + 90
    assert worker.stdout.readline().strip() == "ready"
    while len(acknowledged) < 25 and time.monotonic() < deadline:
        line = worker.stdout.readline()
        if not line:
            break
        acknowledged.append(line.split()[1])
    os.kill(worker.pid, signal.SIGKILL)  # in the middle of the next intake
    rest, err = worker.communicate(timeout=30)
    acknowledged += [line.split()[1] for line in rest.splitlines() if line.strip()]
    assert worker.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 25, err[-2000:]
    stored = set(Dossier.objects.values_list("code", flat=True))
    assert set(acknowledged) <= stored
    # Nothing half-written: every dossier has exactly the events its row says, with an intact chain.
    assert not Dossier.objects.filter(event_count=0).exists()
    assert DossierEvent.objects.count() == sum(Dossier.objects.values_list("event_count", flat=True))
    report = verify(stop_at_first=False)
    assert report.ok, [p.line() for p in report.problems]
    # At most the one in-flight dossier committed without being printed.
    assert len(stored) - len(set(acknowledged)) <= 1
