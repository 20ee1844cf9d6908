"""Crash under load (issue 13): SIGKILL `motcua serve` and `motcua worker` while clients post intakes.

On PostgreSQL, real processes: clients post dossiers over HTTP with their own idempotency keys; the
whole server (gunicorn master and workers, one process group) and the background worker are killed
with SIGKILL mid-load, then started again; every client that got no answer retries with the same
key, as a real client would. Afterwards: every dossier acknowledged with 201 exists with the code
the client was given, one dossier per key, codes unique, hash chains intact, and every outbox
message was delivered exactly once to the simulator (one delivery row per key; a re-send after the
kill may only bump the simulator's request counter, as a real provider's idempotency key would).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
from django.db.models import Count
from rest_framework.authtoken.models import Token

from motcua.core.tests import live
from motcua.dossiers import audit
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import factories as f
from motcua.notifications.models import OutboxMessage, OutboxStatus, SimulatedDelivery
from motcua.notifications.seed import ensure_templates
from motcua.organizations.models import Role

CLIENTS = 6
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


class Clients:
    """Threads posting intakes; each key is retried until it is acknowledged (or the run ends)."""

    def __init__(self, base: str, token: str, unit: str) -> None:
        self.base, self.token, self.unit = base, token, unit
        self.acked: dict[str, str] = {}  # idempotency key → code answered with 201
        self.unanswered = 0  # requests that got no HTTP answer (refused, reset) — retried
        self.other: list[str] = []  # any other answer (a 4xx/5xx) — must not happen
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(c,), daemon=True) for c in range(CLIENTS)]

    def _post(self, key: str, i: int) -> tuple[int, dict[str, object] | None]:
        body = {
            "procedure": "1.001193",
            "unit": self.unit,
            "applicant_name": f"Nguyễn Văn {i}",
            "applicant_phone": f"09{i:08d}",
            "idempotency_key": key,
        }
        request = urllib.request.Request(
            f"{self.base}/api/v1/dossiers/",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Token {self.token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, None
        except (OSError, ValueError):  # refused, reset, cut off mid-answer
            return 0, None

    def _client(self, c: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            i = c * 100_000 + n
            key = f"crash-{c}-{n}"
            while True:  # the same key until acknowledged: an unanswered request may or may not have committed
                status, body = self._post(key, i)
                with self.lock:
                    if status == 201 and body is not None:
                        self.acked[key] = str(body["code"])
                        break
                    if status == 0:
                        self.unanswered += 1
                    else:
                        self.other.append(f"{status} for {key}")
                        break
                time.sleep(0.05)
                if self.stop.is_set() and status != 0:
                    break

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)

    def wait_for(self, n: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < n:
            assert time.monotonic() < deadline, f"only {len(self.acked)} intakes acknowledged"
            time.sleep(0.02)


def _serve(port: int, started: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    server = live.motcua(
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "3",
        start_new_session=True,  # its own process group: the kill takes the master and every worker
        stderr=subprocess.DEVNULL,
    )
    started.append(server)
    live.wait_until_up(f"http://127.0.0.1:{port}/healthz", server, timeout=90)
    return server


def _worker(started: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    # A slow simulator (tests only) so that the kill lands while deliveries are in flight.
    worker = live.motcua(
        "worker", env={"MOTCUA_SIMULATOR_DELAY_MS": "20"}, start_new_session=True, stderr=subprocess.DEVNULL
    )
    started.append(worker)
    return worker


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigkill_of_server_and_worker_under_intake_load() -> None:
    # The receipt templates come from a data migration; an earlier transactional test may have flushed them.
    ensure_templates()
    unit = f.unit("H32.27.01", name="UBND phường Nha Trang")
    f.procedure()
    clerk = f.official("clerk-crash", unit, Role.CLERK)
    token = Token.objects.create(user=clerk).key
    port = live.free_port()
    clients = Clients(f"http://127.0.0.1:{port}", token, unit.code)

    started: list[subprocess.Popen[bytes]] = []
    try:
        server, worker = _serve(port, started), _worker(started)
        clients.start()
        clients.wait_for(30)
        _kill(server)
        _kill(worker)
        at_kill = len(clients.acked)
        server, worker = _serve(port, started), _worker(started)  # clients keep retrying meanwhile
        clients.wait_for(at_kill + 30)
        clients.finish()
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    finally:
        clients.stop.set()
        for process in started:  # the second worker too: killed mid-delivery or idle, the lease covers it
            _kill(process)

    assert clients.other == [], clients.other[:5]
    assert clients.unanswered > 0, "the kill came when no request was in flight: nothing was tested"

    # Every acknowledged dossier exists, with the code its client was given; one dossier per key.
    stored = dict(Dossier.objects.filter(idempotency_key__startswith="crash-").values_list("idempotency_key", "code"))
    assert {key: stored.get(key) for key in clients.acked} == clients.acked
    assert len(set(stored.values())) == len(stored) == Dossier.objects.count()
    report = audit.verify()
    assert report.ok, report

    # Time passes: the dead worker's leases run out and retries waiting out their backoff (a delivery
    # that failed while the database was under the kill) come due; a fresh worker delivers the rest.
    OutboxMessage.objects.filter(status__in=[OutboxStatus.SENDING, OutboxStatus.PENDING]).update(
        next_attempt_at=LONG_AGO
    )
    drain = live.motcua("worker", "--once", stderr=subprocess.PIPE)
    _, err = drain.communicate(timeout=120)
    assert drain.returncode == 0, err.decode()

    keys = set(OutboxMessage.objects.values_list("key", flat=True))
    assert len(keys) >= len(clients.acked)  # at least the receipt of every dossier
    unsent = OutboxMessage.objects.exclude(status=OutboxStatus.SENT)
    assert not unsent.exists(), (
        unsent.count(),
        list(unsent.values_list("key", "status", "attempts", "next_attempt_at", "last_error")[:5]),
        err.decode()[-2000:],
    )
    per_key = dict(SimulatedDelivery.objects.values_list("idempotency_key").annotate(n=Count("id")))
    assert set(per_key) == keys and set(per_key.values()) == {1}
