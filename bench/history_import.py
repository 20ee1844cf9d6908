"""Historical import throughput (dossiers/s, PostgreSQL) next to plain COPY of the same rows.

Each run imports N generated JSONL lines through `motcua.analytics.importer.import_lines`
(validation, due dates given, dossier + event rows by COPY, hash chain, rollups; default options,
so no bulk mode) and is then removed; the baseline COPYs the same dossier and event rows, already rendered, in one transaction.
Full mode: 200,000 lines × 3 runs; quick mode: 20,000 × 3. Runs in a subprocess, in its own database
(`<MOTCUA_BENCH_DATABASE_URL>_import`, `_import_quick`), so that it never touches the report data set.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any


def worker(n: int, runs: int) -> dict[str, Any]:
    from motcua.analytics import benchdata

    benchdata.setup(quick=n < 100_000, suffix="_import")
    from django.db import connection, transaction

    from motcua.analytics.importer import Validator, Writer, _copy_text, import_lines

    benchdata.ensure_world()
    lines = list(benchdata.jsonl_lines(n, "HI"))

    def cleanup() -> None:
        from motcua.trust.appendonly import lifted

        with lifted("bench: remove the import bench's dossiers"), connection.cursor() as c:
            c.execute(
                "DELETE FROM dossiers_dossierevent WHERE dossier_id IN "
                "(SELECT id FROM dossiers_dossier WHERE code LIKE 'HI%%')"
            )
            c.execute("DELETE FROM dossiers_dossier WHERE code LIKE 'HI%%'")
        from motcua.analytics.rollup import rebuild

        rebuild(set(benchdata.ensure_world()[0]))

    cleanup()
    rates = []
    for _ in range(runs):
        t = time.perf_counter()
        result = import_lines(lines)
        dt = time.perf_counter() - t
        assert result.imported == n, result.errors[:3]
        rates.append(n / dt)
        cleanup()
    # Baseline: the same rows, rendered once, then plain COPY (dossiers and events) in one transaction.
    validator = Validator(None)
    rows = [validator.row(i, text) for i, text in enumerate(lines, 1)]
    writer = Writer()
    dcols = [f.attname for f in writer.dossier_fields]
    ecols = [f.attname for f in writer.event_fields if f.attname != "id"]
    base_rates = []
    for _ in range(runs):
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                "SELECT nextval(pg_get_serial_sequence('dossiers_dossier', 'id')) FROM generate_series(1, %s)", [n]
            )
            ids = [r[0] for r in c.fetchall()]
            dbuf, ebuf = io.StringIO(), io.StringIO()
            for pk, r in zip(ids, rows, strict=True):
                v = r.values
                dbuf.write(
                    "\t".join(_copy_text(pk if k == "id" else v.get(k, writer.defaults[k])) for k in dcols) + "\n"
                )
                ev = {
                    "dossier_id": pk,
                    "seq": 1,
                    "type": "imported",
                    "actor_label": "import",
                    "at": writer.now,
                    "payload": json.dumps(r.source, ensure_ascii=False),
                    "prev_hash": "0" * 64,
                    "hash": "0" * 64,
                }
                ebuf.write("\t".join(_copy_text(ev.get(k)) for k in ecols) + "\n")
            dtext, etext = dbuf.getvalue(), ebuf.getvalue()
            t = time.perf_counter()
            with c.cursor.copy(f"COPY dossiers_dossier ({', '.join(dcols)}) FROM STDIN") as cp:
                cp.write(dtext)
            with c.cursor.copy(f"COPY dossiers_dossierevent ({', '.join(ecols)}) FROM STDIN") as cp:
                cp.write(etext)
            dt = time.perf_counter() - t
        base_rates.append(n / dt)
        cleanup()
    imp, base = statistics.median(rates), statistics.median(base_rates)
    return {
        "lines": n,
        "runs": runs,
        "import_dossiers_per_s": round(imp),
        "import_runs_per_s": [round(x) for x in rates],
        "baseline_copy_dossiers_per_s": round(base),
        "baseline_runs_per_s": [round(x) for x in base_rates],
        "ratio": round(imp / base, 3),
        "goal": ">= 0.3x the baseline; >= 50,000 dossiers/s",
    }


def run(quick: bool) -> dict[str, Any]:
    n, runs = (20_000, 3) if quick else (200_000, 3)
    out = subprocess.run(
        [sys.executable, "-m", "bench.history_import", "--worker", str(n), str(runs)],
        check=True,
        stdout=subprocess.PIPE,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings"},
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
