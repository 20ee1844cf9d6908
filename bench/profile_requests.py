"""Server-side CPU per request of the benchmarked endpoints, with an optional cProfile.

Calls the WSGI application in-process (what one gunicorn worker runs per request, without the
socket) and reports CPU milliseconds per request (`time.process_time`, so less sensitive to other
processes on shared cores than a throughput figure) and, with `--profile`, the top functions.

    MOTCUA_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/motcua_bench_http \
      .venv/bin/python -m bench.profile_requests [--profile intake|lookup|healthz] [-n 500]

Needs the data of `bench.http` (run `python -m bench.http --prepare 200` against the database first).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any


def _environ(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> dict[str, Any]:
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
    }
    for k, v in (headers or {}).items():
        key = k.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE",) else f"HTTP_{key}"] = v
    return env


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", choices=["intake", "lookup", "healthz"])
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request of each kind")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from bench.http import UNLIMITED

    os.environ.setdefault("MOTCUA_PUBLIC_RATE_LIMIT", UNLIMITED)  # one client address, as in bench.http
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from bench.http import PROCEDURE, UNIT
    from motcua.dossiers.models import Dossier

    app = get_wsgi_application()
    token = Token.objects.get(user__username="bench-http-clerk").key
    pairs = list(
        Dossier.objects.filter(unit__code=UNIT).exclude(applicant_phone="").values_list("code", "applicant_phone")[:200]
    )
    tag = str(time.time_ns())

    def intake(i: int) -> dict[str, Any]:
        body = json.dumps(
            {
                "procedure": PROCEDURE,
                "unit": UNIT,
                "applicant_name": f"Người nộp {i}",
                "applicant_id_number": f"{i:012d}",
                "applicant_phone": f"09{i:08d}",
                "idempotency_key": f"prof-{tag}-{i}",
            }
        ).encode()
        return _environ(
            "POST",
            "/api/v1/dossiers/",
            body,
            {"Authorization": f"Token {token}", "CONTENT_TYPE": "application/json", "Accept": "application/json"},
        )

    def lookup(i: int) -> dict[str, Any]:
        code, phone = pairs[i % len(pairs)]
        return _environ(
            "GET", f"/api/v1/public/lookup?code={code}&phone={phone}", headers={"Accept": "application/json"}
        )

    def healthz(i: int) -> dict[str, Any]:
        return _environ("GET", "/healthz", headers={"Accept": "application/json"})

    kinds: dict[str, Callable[[int], dict[str, Any]]] = {"healthz": healthz, "lookup": lookup, "intake": intake}

    def call(env: dict[str, Any]) -> str:
        status: list[str] = []
        chunks = app(env, lambda s, h, *a: status.append(s))
        b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return status[0]

    for name, make in kinds.items():
        for i in range(20):
            assert call(make(10_000_000 + i))[:1] == "2", (name, call(make(10_000_000 + i)))
        if args.queries:
            with CaptureQueriesContext(connection) as ctx:
                call(make(20_000_000))
            print(f"--- {name}: {len(ctx.captured_queries)} queries", file=sys.stderr)
            for q in ctx.captured_queries:
                print("   ", q["sql"][:300], file=sys.stderr)
    results = {}
    for name, make in kinds.items():
        profiler = cProfile.Profile() if args.profile == name else None
        batch = max(1, args.n // 10)
        cpus, walls = [], []
        for b in range(0, args.n, batch):  # batches: the least disturbed one estimates the cost best
            envs = [make(b + i) for i in range(batch)]
            c0, w0 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            for env in envs:
                call(env)
            if profiler:
                profiler.disable()
            cpus.append((time.process_time() - c0) / batch * 1000)
            walls.append((time.perf_counter() - w0) / batch * 1000)
        # Deterministic measures of the work, immune to other processes: Python function calls and
        # SQL statements per request (one profiled pass over 50 requests).
        counter = cProfile.Profile()
        envs = [make(5_000_000 + i) for i in range(50)]
        with CaptureQueriesContext(connection) as queries:
            counter.enable()
            for env in envs:
                call(env)
            counter.disable()
        calls = pstats.Stats(counter).total_calls  # type: ignore[attr-defined]
        results[name] = {
            "python_calls": calls // 50,
            "sql_statements": len(queries.captured_queries) // 50,
            "cpu_ms_min": round(min(cpus), 3),
            "cpu_ms_median": round(sorted(cpus)[len(cpus) // 2], 3),
            "wall_ms_median": round(sorted(walls)[len(walls) // 2], 3),
        }
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            out2 = io.StringIO()
            pstats.Stats(profiler, stream=out2).sort_stats("tottime").print_stats(30)
            print(out.getvalue(), out2.getvalue(), file=sys.stderr)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
