"""The server figures of contracts §7, all on `motcua serve` (gunicorn) in one run.

- **Intake over HTTP**: `POST /api/v1/dossiers/` as a clerk (API token, JSON body) through
  gunicorn, Django's middleware, the DRF view, the command pipeline and `receive`, from `clients`
  concurrent clients; dossiers/s with p50/p99.
- **Public look-up** (§8.1): `GET /api/v1/public/lookup?code=…&phone=…` with the right phone for
  dossiers that exist (successful look-ups: failures are limited per address and would answer 429),
  at 50 concurrent clients; p99 and look-ups/s.
- **Baseline for both, same server, same run**: `GET /healthz`, a trivial JSON endpoint (one
  `SELECT 1`) behind the same middleware, at the same concurrency.
- **Memory**: resident memory (RSS, and PSS which counts shared pages once) of the gunicorn
  master and its workers, summed from /proc, sampled through the whole run; the peak is reported.

The server runs the production command `python -m motcua serve --workers 5` (2 × cores + 1) as
its own process group; the load generator (`bench.load`) is this process. Phases are interleaved
(floor, intake, floor, look-up, …) so that load from other processes on the shared cores hits
each figure and its baseline alike; figures are medians over the repetitions.

Database: `MOTCUA_BENCH_HTTP_DATABASE_URL` (default
`postgresql://postgres@127.0.0.1:5432/motcua_bench_http`), created and migrated if missing; its
dossiers are emptied before each run (it belongs to the benchmark).
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench import load

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/motcua_bench_http"
UNIT = "BENCH.HTTP"
PROCEDURE = "BENCH.HTTP.1"
WORKERS = 5
LOOKUP_CLIENTS = 50
LOOKUP_DOSSIERS = 500
UNLIMITED = str(10**9)


def database_url() -> str:
    return os.environ.get("MOTCUA_BENCH_HTTP_DATABASE_URL", DEFAULT_URL)


# ---- server side (subprocesses with Django) ----------------------------------------------------


def prepare(lookups: int) -> dict[str, Any]:
    """Empty the bench database's dossiers, create the unit, procedure, clerk (token) and dossiers to look up."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from motcua.catalog.models import Field, Procedure
    from motcua.dossiers import commands
    from motcua.organizations.models import Membership, Role, Unit

    call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE dossiers_dossier, dossiers_codecounter, notifications_outboxmessage, "
            "notifications_simulateddelivery CASCADE"
        )
    unit, _ = Unit.objects.get_or_create(code=UNIT, defaults={"name": "Bench HTTP unit", "level": "commune"})
    field, _ = Field.objects.get_or_create(code="BENCHH", defaults={"name": "Bench"})
    Procedure.objects.get_or_create(
        code=PROCEDURE,
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
    for role in (Role.CLERK, Role.SPECIALIST, Role.LEADER):
        Membership.objects.get_or_create(user=clerk, unit=unit, role=role)
    token, _ = Token.objects.get_or_create(user=clerk)
    pairs = []
    for i in range(lookups):
        phone = f"09{i:08d}"
        d = commands.execute(
            "receive",
            clerk,
            data={
                "procedure": PROCEDURE,
                "unit": UNIT,
                "applicant_name": f"Người tra cứu {i}",
                "applicant_id_number": f"{i:012d}",
                "applicant_phone": phone,
            },
        )
        pairs.append([d.code, phone])
    return {"token": token.key, "lookups": pairs}


def run_prepare(url: str, lookups: int = LOOKUP_DOSSIERS) -> dict[str, Any]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": url}
    out = subprocess.run(
        [sys.executable, "-m", "bench.http", "--prepare", str(lookups)],
        check=True,
        stdout=subprocess.PIPE,
        env=env,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    url: str, port: int, workers: int = WORKERS, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`python -m motcua serve` in its own process group (so that it can be killed whole); waits for /healthz."""
    env = {
        **os.environ,
        "MOTCUA_DATABASE_URL": url,
        "MOTCUA_ALLOWED_HOSTS": "127.0.0.1",
        # The load generator is one client address: the public rate limit (60 look-ups per 10 minutes
        # per address) would turn all but the first look-ups into 429s. The limiter still runs and
        # counts every request (its cost is part of the figure); only its threshold is lifted.
        "MOTCUA_PUBLIC_RATE_LIMIT": UNLIMITED,
        **(extra_env or {}),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "motcua", "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        env=env,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"motcua serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("motcua serve did not answer /healthz within 90 s") from None
            time.sleep(0.2)
    return server


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# ---- memory ------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def _kib(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(master: int) -> dict[str, int]:
    """RSS and PSS (KiB) of the master and its direct children (the workers), summed."""
    pids = [master, *_children(master)]
    rss = sum(_kib(Path(f"/proc/{p}/status"), "VmRSS:") for p in pids)
    pss = sum(_kib(Path(f"/proc/{p}/smaps_rollup"), "Pss:") for p in pids)
    return {"processes": len(pids), "rss_kib": rss, "pss_kib": pss}


class MemorySampler(threading.Thread):
    def __init__(self, master: int, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.master, self.every = master, every
        self.peak: dict[str, int] = {"processes": 0, "rss_kib": 0, "pss_kib": 0}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            m = memory(self.master)
            if m["rss_kib"] > self.peak["rss_kib"]:
                self.peak = m
            self.halt.wait(self.every)


# ---- requests ----------------------------------------------------------------------------------


def intake_factory(token: str, tag: str) -> load.Factory:
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}

    def make(i: int) -> load.Request:
        body = {
            "procedure": PROCEDURE,
            "unit": UNIT,
            "applicant_name": f"Người nộp {i}",
            "applicant_id_number": f"{i % 10**12:012d}",
            "applicant_phone": f"09{i % 10**8:08d}",
            "idempotency_key": f"bench-http-{tag}-{i}",
        }
        return ("POST", "/api/v1/dossiers/", headers, json.dumps(body).encode())

    return make


def lookup_factory(pairs: list[list[str]], seed: int = 7) -> load.Factory:
    rng = random.Random(seed)
    order = [rng.randrange(len(pairs)) for _ in range(4096)]

    def make(i: int) -> load.Request:
        code, phone = pairs[order[i % len(order)]]
        return ("GET", f"/api/v1/public/lookup?code={code}&phone={phone}", {"Accept": "application/json"}, None)

    return make


def floor_factory() -> load.Factory:
    def make(i: int) -> load.Request:
        return ("GET", "/healthz", {"Accept": "application/json"}, None)

    return make


def _med(runs: list[dict[str, Any]], key: str) -> float | None:
    return load.median_of(runs, key)


def run(quick: bool = False) -> dict[str, Any]:
    from bench.intake import ensure_database

    url = database_url()
    ensure_database(url)
    prepared = run_prepare(url, 50 if quick else LOOKUP_DOSSIERS)
    token, pairs = prepared["token"], prepared["lookups"]
    n_intake, n_lookup, reps, clients = (300, 600, 2, 16) if quick else (1500, 3000, 5, 16)
    port = free_port()
    server = start_server(url, port)
    sampler = MemorySampler(server.pid)
    sampler.start()
    floors16: list[dict[str, Any]] = []
    floors50: list[dict[str, Any]] = []
    intakes: list[dict[str, Any]] = []
    lookups: list[dict[str, Any]] = []
    try:
        tag = f"{time.time_ns()}"
        # Warm-up: every worker imports lazily-loaded modules and opens its connection.
        load.load(port, floor_factory(), clients=clients, requests=50 if quick else 200)
        load.load(port, intake_factory(token, tag + "w"), clients=clients, requests=30 if quick else 100)
        load.load(port, lookup_factory(pairs), clients=LOOKUP_CLIENTS, requests=50 if quick else 200)
        for r in range(reps):
            floors16.append(load.load(port, floor_factory(), clients=clients, requests=n_intake).summary())
            intakes.append(
                load.load(port, intake_factory(token, f"{tag}-{r}"), clients=clients, requests=n_intake).summary()
            )
            floors50.append(load.load(port, floor_factory(), clients=LOOKUP_CLIENTS, requests=n_lookup).summary())
            lookups.append(
                load.load(port, lookup_factory(pairs, r), clients=LOOKUP_CLIENTS, requests=n_lookup).summary()
            )
            print(
                f"bench.http rep {r}: floor {floors16[-1]['per_s']}/s, intake {intakes[-1]['per_s']}/s "
                f"p99 {intakes[-1]['p99_ms']} ms; floor@50 {floors50[-1]['per_s']}/s, look-up {lookups[-1]['per_s']}/s "
                f"p99 {lookups[-1]['p99_ms']} ms",
                file=sys.stderr,
                flush=True,
            )
    finally:
        sampler.halt.set()
        sampler.join()
        stop_server(server)

    intake_ps, floor_ps = _med(intakes, "per_s"), _med(floors16, "per_s")
    lookup_ps, floor50_ps = _med(lookups, "per_s"), _med(floors50, "per_s")
    ratios_intake = [i["per_s"] / f["per_s"] for i, f in zip(intakes, floors16, strict=True)]
    ratios_lookup = [i["per_s"] / f["per_s"] for i, f in zip(lookups, floors50, strict=True)]
    peak = sampler.peak
    intake_errors, lookup_errors = sum(i["errors"] for i in intakes), sum(i["errors"] for i in lookups)
    intake_ratio = round(intake_ps / floor_ps, 3) if intake_ps and floor_ps else None
    lookup_ratio = round(lookup_ps / floor50_ps, 3) if lookup_ps and floor50_ps else None
    intake_p99, lookup_p99 = _med(intakes, "p99_ms"), _med(lookups, "p99_ms")
    return {
        "intake_http": {
            "server": f"python -m motcua serve --workers {WORKERS} (gunicorn sync workers)",
            "clients": clients,
            "requests_per_rep": n_intake,
            "repeats": reps,
            "dossiers_per_s": intake_ps,
            "p50_ms": _med(intakes, "p50_ms"),
            "p99_ms": intake_p99,
            "errors": intake_errors,
            "baseline_healthz_per_s": floor_ps,
            "baseline_healthz_p99_ms": _med(floors16, "p99_ms"),
            "ratio": intake_ratio,
            "ratio_per_rep_median": round(statistics.median(ratios_intake), 3),
            "runs": intakes,
            "baseline_runs": floors16,
            "goal": ">= 500 dossiers/s on 2 cores, >= 0.3x the trivial endpoint, p99 <= 100 ms",
            # An error answer is not a measured request: any error voids the figure.
            "met": bool(
                intake_errors == 0
                and (intake_ps or 0) >= 500
                and (intake_ratio or 0) >= 0.3
                and (intake_p99 or 1e9) <= 100
            ),
        },
        "lookup_http": {
            "clients": LOOKUP_CLIENTS,
            "requests_per_rep": n_lookup,
            "repeats": reps,
            "dossiers_looked_up": len(pairs),
            "lookups_per_s": lookup_ps,
            "p50_ms": _med(lookups, "p50_ms"),
            "p99_ms": lookup_p99,
            "errors": lookup_errors,
            "baseline_healthz_per_s": floor50_ps,
            "baseline_healthz_p99_ms": _med(floors50, "p99_ms"),
            "ratio": lookup_ratio,
            "ratio_per_rep_median": round(statistics.median(ratios_lookup), 3),
            "runs": lookups,
            "baseline_runs": floors50,
            "goal": "p99 <= 50 ms at 50 concurrent clients, >= 0.5x the trivial endpoint's throughput",
            "met": bool(lookup_errors == 0 and (lookup_ratio or 0) >= 0.5 and (lookup_p99 or 1e9) <= 50),
        },
        "memory_serve": {
            "workers": WORKERS,
            "processes": peak["processes"],
            "peak_rss_total_mib": round(peak["rss_kib"] / 1024, 1),
            "pss_total_mib_at_peak": round(peak["pss_kib"] / 1024, 1),
            "goal": "< 1024 MiB resident in total (master + workers) under the HTTP benchmark",
            "met": peak["rss_kib"] < 1024 * 1024,
        },
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--prepare":
        print(json.dumps(prepare(int(sys.argv[2]))))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
