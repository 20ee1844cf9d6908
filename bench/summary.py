"""One table of every goal in a `make bench` run: `python -m bench.summary [results.json]`.

Walks `var/bench/results.json` and prints, for each figure that states a goal, its headline value,
the same-run baseline, the ratio and whether the goal was met (Markdown, for docs/benchmarks.md).
A figure that does not decide `met` itself is shown as "see goal" rather than guessed here.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

# Baselines are named for what they are (plain SQL, COPY, numpy, the hash loop, the trivial endpoint).
BASELINE_MARKS = ("baseline", "plain_sql", "busday_offset", "hash_loop")


def _rate_keys(node: dict[str, Any]) -> list[str]:
    return [k for k, v in node.items() if k.endswith("_per_s") and isinstance(v, (int, float))]


def _headline(node: dict[str, Any]) -> tuple[str, str]:
    """(value, baseline) cells: the first throughput that is not a baseline, the first that is."""
    rates = _rate_keys(node)
    ours = [k for k in rates if not any(m in k for m in BASELINE_MARKS)]
    theirs = [k for k in rates if any(m in k for m in BASELINE_MARKS)]
    if not ours:
        ours = [k for k in ("peak_rss_total_mib", "resolution_report_s") if k in node]
    value = f"{ours[0]} = {node[ours[0]]}" if ours else ""
    baseline = f"{theirs[0]} = {node[theirs[0]]}" if theirs else ""
    return value, baseline


def _met(node: dict[str, Any], goal: Any, ratio: Any) -> str:
    met = node.get("met")
    if met is None and isinstance(goal, (int, float)) and isinstance(ratio, (int, float)):
        met = ratio >= goal  # a bare number as goal is the module's ratio goal
    return "yes" if met is True else "**no**" if met is False else "see goal"


def rows(figures: dict[str, Any], path: str = "") -> list[list[str]]:
    out: list[list[str]] = []
    for name, node in figures.items():
        if not isinstance(node, dict):
            continue
        where = f"{path}.{name}" if path else name
        goal = node.get("goal", node.get("goal_ratio"))
        if goal is not None:
            value, baseline = _headline(node)
            ratio = node.get("ratio", node.get("ratio_vs_faster_peer"))
            out.append(
                [where, value, baseline, "" if ratio is None else str(ratio), str(goal), _met(node, goal, ratio)]
            )
        out += rows({k: v for k, v in node.items() if isinstance(v, dict)}, where)
    return out


def markdown(results: dict[str, Any]) -> str:
    head = f"`make bench` started {results.get('started_at')} (quick: {results.get('quick')}), {results.get('machine')}"
    lines = [head, "", "| figure | value | baseline (same run) | ratio | goal | met |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in r) + " |" for r in rows(results["figures"])]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    default = Path(os.environ.get("MOTCUA_DATA_DIR", "var")) / "bench" / "results.json"
    path = Path(argv[0]) if argv else default
    if not path.exists():
        print(f"bench.summary: {path} does not exist; run `make bench` first", file=sys.stderr)
        return 2
    sys.stdout.write(markdown(json.loads(path.read_text())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
