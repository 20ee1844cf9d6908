"""Intake over HTTP: dossiers/s with p50/p99 latency, next to the server's floor in the same run.

Figure: `POST /api/v1/dossiers/` (session-authenticated clerk, JSON body) through the real WSGI
stack, the DRF view and `services.receive_dossier`, from concurrent keep-alive-less clients.
Baseline: `GET /healthz` on the same server with the same clients — what the HTTP server and
Django's middleware cost before any dossier work. The server is Django's threaded WSGI server in a
subprocess (the demo server); production would run several worker processes behind a proxy.

Database: `MOTCUA_BENCH_HTTP_DATABASE_URL` (default `postgresql://postgres@127.0.0.1:5432/motcua_bench_http`),
created and migrated if missing; the bench's own rows are removed before each run.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/motcua_bench_http"
PREFIX = "BENCH.HTTP"
CSRF = "b" * 32  # an unmasked CSRF secret, sent as cookie and header


def _serve(port: int) -> None:
    """Server side (run in a subprocess): prepare data and a session, then serve until killed."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from motcua.catalog.models import Field, Procedure
    from motcua.organizations.models import Membership, Role, Unit

    call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)
    unit, _ = Unit.objects.get_or_create(code=PREFIX, defaults={"name": "Bench HTTP unit", "level": "commune"})
    from motcua.trust.appendonly import lifted

    with lifted("bench: remove the HTTP bench's dossiers"), connection.cursor() as c:
        for table in ["notifications_outboxmessage", "dossiers_duty", "dossiers_dossierevent"]:
            c.execute(
                f"DELETE FROM {table} WHERE dossier_id IN (SELECT id FROM dossiers_dossier WHERE unit_id = %s)",
                [unit.pk],
            )
        c.execute("DELETE FROM dossiers_dossier WHERE unit_id = %s", [unit.pk])
        c.execute("DELETE FROM dossiers_codecounter WHERE prefix = %s", [PREFIX])
    field, _ = Field.objects.get_or_create(code="BENCHH", defaults={"name": "Bench"})
    Procedure.objects.get_or_create(
        code="BENCH.HTTP.1",
        defaults={
            "name": "Bench procedure",
            "field": field,
            "deadline_amount": Decimal(5),
            "deadline_unit": "working_days",
        },
    )
    clerk, created = get_user_model().objects.get_or_create(username="bench-http-clerk")
    if created:
        clerk.set_unusable_password()
        clerk.save()
    Membership.objects.get_or_create(user=clerk, unit=unit, role=Role.CLERK)
    session = SessionStore()
    session["_auth_user_id"] = str(clerk.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = clerk.get_session_auth_hash()
    session.create()

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadedWSGIServer(("127.0.0.1", port), Quiet, allow_reuse_address=True)
    server.set_app(get_wsgi_application())
    print(json.dumps({"ready": True, "session": session.session_key}), flush=True)
    server.serve_forever()


def _load(port: int, session: str, method: str, path: str, bodies: list[bytes | None], clients: int) -> dict[str, Any]:
    """Send every body with `clients` concurrent threads; latency per request, overall rate."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    todo = list(enumerate(bodies))
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        "Content-Type": "application/json",
        "Host": "127.0.0.1",
    }

    def worker() -> None:
        while True:
            with lock:
                if not todo:
                    return
                _, body = todo.pop()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - t0
            conn.close()
            with lock:
                latencies.append(elapsed)
                if response.status >= 400:
                    errors.append(f"{response.status} {data[:200]!r}")

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000, 1),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


def run(quick: bool = False) -> dict[str, Any]:
    from bench.intake import ensure_database

    url = os.environ.get("MOTCUA_BENCH_HTTP_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    port = 18000 + os.getpid() % 1000
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.http", "--serve", str(port)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        hello = json.loads(server.stdout.readline())
        n, clients = (300, 8) if quick else (2000, 16)
        bodies: list[bytes | None] = [
            json.dumps(
                {
                    "procedure": "BENCH.HTTP.1",
                    "unit": PREFIX,
                    "applicant_name": f"Người nộp {i}",
                    "applicant_id_number": f"{i:012d}",
                    "idempotency_key": f"bench-http-{time.time_ns()}-{i}",
                }
            ).encode()
            for i in range(n)
        ]
        floor = _load(port, hello["session"], "GET", "/healthz", [None] * n, clients)
        intake = _load(port, hello["session"], "POST", "/api/v1/dossiers/", bodies, clients)
    finally:
        server.terminate()
        server.wait(10)
    return {
        "intake_http": {
            "dossiers_per_s": intake["per_s"],
            "p50_ms": intake["p50_ms"],
            "p99_ms": intake["p99_ms"],
            "requests": intake["requests"],
            "errors": intake["errors"],
            "first_error": intake["first_error"],
            "clients": clients,
            "baseline_healthz_per_s": floor["per_s"],
            "baseline_healthz_p99_ms": floor["p99_ms"],
            "ratio": round(intake["per_s"] / floor["per_s"], 3) if floor["per_s"] else None,
            "goal": "≥ 500 dossiers/s on 2 cores, p99 ≤ 100 ms",
        }
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        _serve(int(sys.argv[2]))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
