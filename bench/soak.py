"""Soak run: mixed traffic on `motcua serve` plus `motcua worker` for 10 minutes (30 s with --quick).

Traffic, from 16 concurrent clients without think time, in a fixed rotation of 20 requests:
7 intakes (`POST /api/v1/dossiers/`), 6 public look-ups, 5 staff reads (the unit's dossier list
and a dossier's detail) and 2 commands on dossiers received during the run (`request-fee`, then
`confirm-fee`, as the same official holding clerk, specialist and leader roles). The worker
delivers the receipt and fee messages to the simulators meanwhile. Reported: errors (goal 0) and
latency percentiles per minute (per 10 s with --quick), overall and per kind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import deque
from typing import Any

from bench import http, load

ROTATION = "IILLSRIILCSLIILRSCLI"  # I intake, L look-up, S list, R detail, C command (fee request/confirm)
KINDS = {"I": "intake", "L": "lookup", "S": "staff_list", "R": "staff_detail", "C": "command"}


def run(quick: bool) -> dict[str, Any]:
    from bench.intake import ensure_database

    url = http.database_url()
    ensure_database(url)
    prepared = http.run_prepare(url, 50)
    token, pairs = prepared["token"], prepared["lookups"]
    duration, window = (30.0, 10.0) if quick else (600.0, 60.0)
    clients = 16
    port = http.free_port()
    server = http.start_server(url, port)
    worker = subprocess.Popen(
        [sys.executable, "-m", "motcua", "worker"],
        env={**os.environ, "MOTCUA_DATABASE_URL": url},
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    auth = {"Authorization": f"Token {token}", "Accept": "application/json"}
    post = {**auth, "Content-Type": "application/json"}
    intake = http.intake_factory(token, f"soak-{os.getpid()}")
    lookup = http.lookup_factory(pairs)
    received: deque[str] = deque(maxlen=5000)  # codes received in the run, for reads and commands
    fee_requested: deque[str] = deque()
    kind_of: dict[int, str] = {}

    def make(i: int) -> load.Request:
        kind = ROTATION[i % len(ROTATION)]
        if kind in "RC" and not received:
            kind = "I"
        if kind == "C" and fee_requested and i % 2:
            kind_of[i] = "confirm"
            code = fee_requested.popleft()
            return (
                "POST",
                f"/api/v1/dossiers/{code}/confirm-fee/",
                post,
                json.dumps({"reference": f"BL-{i}"}).encode(),
            )
        kind_of[i] = kind
        if kind == "I":
            return intake(i)
        if kind == "L":
            return lookup(i)
        if kind == "S":
            return ("GET", f"/api/v1/dossiers/?unit={http.UNIT}", auth, None)
        if kind == "R":
            return ("GET", f"/api/v1/dossiers/{received[i % len(received)]}/", auth, None)
        kind_of[i] = "request"
        code = received.popleft()
        return ("POST", f"/api/v1/dossiers/{code}/request-fee/", post, json.dumps({"amount": 50_000}).encode())

    def on_response(i: int, status: int, body: bytes) -> None:
        kind = kind_of.pop(i, "")
        if 200 <= status < 300 and kind == "I":
            received.append(json.loads(body)["code"])
        elif 200 <= status < 300 and kind == "request":
            fee_requested.append(json.loads(body)["code"])

    first_errors: list[str] = []

    def keep(i: int, status: int, body: bytes) -> bool:
        if not 200 <= status < 300 and len(first_errors) < 5:
            first_errors.append(f"{status} {body[:300]!r}")
        return False

    def label(i: int) -> str:
        return KINDS.get(ROTATION[i % len(ROTATION)], "")

    try:
        result = load.load(
            port, make, clients=clients, duration=duration, label=label, keep=keep, on_response=on_response
        )
    finally:
        http.stop_server(server)
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    windows = []
    n_windows = max(1, int(-(-min(result.wall, duration) // window)))  # no window for the last answers only
    for w in range(n_windows):
        samples = [s for s in result.samples if w * window <= s.started < (w + 1) * window]
        span = min(window, result.wall - w * window)
        windows.append({"from_s": int(w * window), **load.summarise(samples, span)})
    per_kind = {
        kind: load.summarise([s for s in result.samples if s.label == kind], result.wall)
        for kind in sorted({s.label for s in result.samples})
    }
    overall = result.summary()
    return {
        "duration_s": round(result.wall, 1),
        "clients": clients,
        "window_s": window,
        "mix": {KINDS[k]: ROTATION.count(k) for k in KINDS},
        "overall": overall,
        "per_kind": per_kind,
        "per_window": windows,
        "first_errors": first_errors,
        "goal": "0 errors; latency percentiles stable over time",
        "met": overall["errors"] == 0,
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
