"""A small HTTP load generator for the server benchmarks (asyncio, one process, no dependencies).

`clients` coroutines each send one request at a time (closed loop, no think time) over a fresh
TCP connection (gunicorn's sync workers close the connection after every response), so a figure
is requests/s at that concurrency and latency includes the connect. Raw HTTP/1.1 on
`asyncio` streams keeps the generator's own CPU cost low: it shares the two cores with the server.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A request: method, path, headers, body. A factory gets the request's number and returns one.
Request = tuple[str, str, dict[str, str], bytes | None]
Factory = Callable[[int], Request]


@dataclass
class Sample:
    started: float  # seconds since the run started
    latency: float
    status: int
    label: str = ""


@dataclass
class Run:
    wall: float
    samples: list[Sample] = field(default_factory=list)
    bodies: list[tuple[int, bytes]] = field(default_factory=list)  # (status, body) when kept

    @property
    def ok(self) -> list[Sample]:
        return [s for s in self.samples if 200 <= s.status < 300]

    def errors(self) -> list[Sample]:
        return [s for s in self.samples if not 200 <= s.status < 300]

    def summary(self) -> dict[str, Any]:
        return summarise(self.samples, self.wall)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (q in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * q // 100))
    return sorted_values[int(rank) - 1]


def summarise(samples: list[Sample], wall: float) -> dict[str, Any]:
    lat = sorted(s.latency for s in samples)
    errors = [s for s in samples if not 200 <= s.status < 300]
    return {
        "requests": len(samples),
        "per_s": round(len(samples) / wall, 1) if wall else None,
        "p50_ms": round(percentile(lat, 50) * 1000, 1) if lat else None,
        "p90_ms": round(percentile(lat, 90) * 1000, 1) if lat else None,
        "p99_ms": round(percentile(lat, 99) * 1000, 1) if lat else None,
        "max_ms": round(lat[-1] * 1000, 1) if lat else None,
        "errors": len(errors),
        "error_statuses": sorted({s.status for s in errors}),
    }


def encode(host: str, request: Request) -> bytes:
    method, path, headers, body = request
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


async def _send(host: str, port: int, raw: bytes, timeout: float) -> tuple[int, bytes]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(raw)
        data = await asyncio.wait_for(reader.read(-1), timeout)  # the server closes after the response
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = 599  # no or a broken response
    return status, body


async def _run(
    host: str,
    port: int,
    factory: Factory,
    clients: int,
    requests: int | None,
    duration: float | None,
    label: Callable[[int], str] | None,
    keep: Callable[[int, int, bytes], bool] | None,
    timeout: float,
    on_response: Callable[[int, int, bytes], None] | None,
) -> Run:
    run = Run(wall=0.0)
    counter = iter(range(requests if requests is not None else 1 << 62))
    t0 = time.perf_counter()
    stop_at = t0 + duration if duration is not None else None

    async def client() -> None:
        for i in counter:
            if stop_at is not None and time.perf_counter() >= stop_at:
                return
            raw = encode(host, factory(i))
            started = time.perf_counter()
            try:
                status, body = await _send(host, port, raw, timeout)
            except (OSError, TimeoutError):
                status, body = 598, b""  # refused, reset or timed out: an error like any other
            now = time.perf_counter()
            run.samples.append(Sample(started - t0, now - started, status, label(i) if label else ""))
            if on_response is not None:
                on_response(i, status, body)
            if keep is not None and keep(i, status, body):
                run.bodies.append((status, body))

    await asyncio.gather(*(client() for _ in range(clients)))
    run.wall = time.perf_counter() - t0
    return run


def load(
    port: int,
    factory: Factory,
    *,
    clients: int,
    requests: int | None = None,
    duration: float | None = None,
    host: str = "127.0.0.1",
    label: Callable[[int], str] | None = None,
    keep: Callable[[int, int, bytes], bool] | None = None,
    timeout: float = 30.0,
    on_response: Callable[[int, int, bytes], None] | None = None,
) -> Run:
    """Send `requests` requests (or for `duration` seconds) from `clients` concurrent clients."""
    return asyncio.run(_run(host, port, factory, clients, requests, duration, label, keep, timeout, on_response))


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 1) if values else None
