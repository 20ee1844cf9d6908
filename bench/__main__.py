"""Runs every benchmark module and writes `var/bench/results.json`.

Each module in `BENCHMARKS` exposes `run(quick: bool) -> dict` returning its figures, each with the
baseline measured in the same run, medians of repeated runs and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

from bench import summary

BENCHMARKS = [
    "bench.calendar_batch",
    "bench.calendar_peers",
    "bench.intake",
    "bench.http",
    "bench.reports",
    "bench.history_import",
    "bench.audit",
    "bench.soak",
]


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--quick", action="store_true", help="small data, every figure, under two minutes")
    parser.add_argument("--only", action="append", default=[], help="run only these modules (e.g. calendar_batch)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    results: dict[str, object] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": args.quick,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "figures": {},
    }
    figures: dict[str, object] = {}
    for name in BENCHMARKS:
        short = name.split(".")[-1]
        if args.only and short not in args.only:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        print(f"bench: {short} ...", file=sys.stderr, flush=True)
        figures[short] = module.run(quick=args.quick)
        print(json.dumps(figures[short], indent=2), file=sys.stderr)
    results["figures"] = figures
    out = Path(os.environ.get("MOTCUA_DATA_DIR", "var")) / "bench" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    table = summary.markdown(results)
    (out.parent / "summary.md").write_text(table)
    print(table, file=sys.stderr)
    print(f"bench: wrote {out} and {out.parent / 'summary.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
