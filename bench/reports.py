"""Resolution report and 766 index over N synthetic dossiers (PostgreSQL), next to one raw SQL GROUP BY.

Full mode: 10,000,000 dossiers; quick mode: 200,000. Runs in a subprocess so that its database
(MOTCUA_BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/motcua_bench) is
independent of the other benchmark modules. Data is kept between runs (only missing rows are added).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from typing import Any

FULL, QUICK = 10_000_000, 200_000


def _median(fn: Any, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def worker(n: int) -> dict[str, Any]:
    from motcua.analytics import benchdata

    benchdata.setup(quick=n < FULL)
    from django.db import connection

    from motcua.analytics.index766 import index_766
    from motcua.analytics.report import Scope, base_cells_sql, resolution_report
    from motcua.analytics.rollup import rebuild

    t = time.perf_counter()
    inserted = benchdata.generate_dossiers(n)
    gen_s = time.perf_counter() - t
    rebuild_s = None
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM analytics_dailyrollup")
        empty = c.fetchone()[0] == 0
    if inserted or empty:
        t = time.perf_counter()
        rebuild()
        rebuild_s = time.perf_counter() - t
        with connection.cursor() as c:
            c.execute("ANALYZE analytics_dailyrollup")
            c.execute("ANALYZE analytics_monthlyrollup")
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM dossiers_dossier")
        total = c.fetchone()[0]
        c.execute("SELECT count(*) FROM analytics_dailyrollup")
        daily = c.fetchone()[0]
        c.execute("SELECT count(*) FROM analytics_monthlyrollup")
        monthly = c.fetchone()[0]
    full = n >= FULL
    figures: dict[str, Any] = {}
    for label, (start, end), base_runs in (
        ("h1_2025_month_aligned", (date(2025, 1, 1), date(2025, 6, 30)), 3 if full else 5),
        ("mid_month_2025_01_10_to_06_20", (date(2025, 1, 10), date(2025, 6, 20)), 1 if full else 3),
    ):
        report_s, report_runs = _median(lambda s=start, e=end: resolution_report(s, e, "unit"), 5)
        index_s, index_runs = _median(lambda s=start, e=end: index_766(s, e), 5)
        sql, params = base_cells_sql(start, end, "unit", Scope())

        def baseline(sql: str = sql, params: list[Any] = params) -> None:
            with connection.cursor() as c:
                c.execute(sql, params)
                c.fetchall()

        base_s, base_list = _median(baseline, base_runs)
        figures[label] = {
            "period": [start.isoformat(), end.isoformat()],
            "resolution_report_s": round(report_s, 4),
            "resolution_report_runs_s": [round(x, 4) for x in report_runs],
            "index_766_s": round(index_s, 4),
            "index_766_runs_s": [round(x, 4) for x in index_runs],
            "baseline_group_by_s": round(base_s, 4),
            "baseline_runs_s": [round(x, 4) for x in base_list],
            "report_speedup_vs_baseline": round(base_s / report_s, 1) if report_s else None,
        }
    start, end = date(2025, 1, 10), date(2025, 6, 20)
    same = resolution_report(start, end, "unit") == resolution_report(start, end, "unit", source="base")
    return {
        "dossiers": total,
        "rollup_rows": {"daily": daily, "monthly": monthly},
        "generated_now": inserted,
        "generation_s": round(gen_s, 2),
        "rebuild_rollups_s": None if rebuild_s is None else round(rebuild_s, 2),
        **figures,
        "rollup_equals_base": same,
        "goal": "report and index <= 1 s each",
    }


def run(quick: bool) -> dict[str, Any]:
    n = QUICK if quick else FULL
    out = subprocess.run(
        [sys.executable, "-m", "bench.reports", "--worker", str(n)],
        check=True,
        stdout=subprocess.PIPE,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings"},
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def prepare(n: int) -> dict[str, Any]:
    """Generate the data and rebuild the rollups only (to run the timed part later)."""
    from motcua.analytics import benchdata

    benchdata.setup()
    from django.db import connection

    from motcua.analytics.rollup import rebuild

    t = time.perf_counter()
    inserted = benchdata.generate_dossiers(n)
    gen_s = time.perf_counter() - t
    t = time.perf_counter()
    counts = rebuild()
    with connection.cursor() as c:
        c.execute("ANALYZE analytics_dailyrollup")
        c.execute("ANALYZE analytics_monthlyrollup")
    return {
        "generated": inserted,
        "generation_s": round(gen_s, 1),
        "rebuild_s": round(time.perf_counter() - t, 1),
        **counts,
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--prepare":
        print(json.dumps(prepare(int(sys.argv[2]))))
    elif len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]))))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
