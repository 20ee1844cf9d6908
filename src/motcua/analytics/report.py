"""The resolution report (Biểu 06a, contracts §5) from the rollups or from the base table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection

from motcua.analytics.models import DailyRollup, MonthlyRollup
from motcua.analytics.rollup import Dialect, _in, facts_sql
from motcua.analytics.rules import (
    MEASURES,
    RESOLVED_STATUSES,
    ROW_CELLS,
    WOS_STATUSES,
    add_cells,
    cells_from_prefixes,
    shape_row,
)
from motcua.core.replica import read_connection

GROUPINGS = ("unit", "field", "procedure", "level")


@dataclass
class Scope:
    """Which dossiers a report counts: unit ids (None = all) and optional field / level filters."""

    unit_ids: set[int] | None = None
    field_code: str | None = None
    level: str | None = None
    procedure_ids: set[int] | None = field(default=None)


def _group_expr(by: str) -> tuple[str, str, str]:
    """(key SQL, name SQL, joins) for a grouping, over an alias `x` with unit_id and procedure_id."""
    from motcua.catalog.models import Field, Procedure
    from motcua.organizations.models import Unit

    unit_t, proc_t, field_t = Unit._meta.db_table, Procedure._meta.db_table, Field._meta.db_table
    joins = (
        f" JOIN {unit_t} un ON un.id = x.unit_id JOIN {proc_t} pr ON pr.id = x.procedure_id"
        f" JOIN {field_t} fl ON fl.id = pr.field_id"
    )
    if by == "unit":
        return "un.code", "un.name", joins
    if by == "procedure":
        return "pr.code", "pr.name", joins
    if by == "field":
        return "fl.code", "fl.name", joins
    if by == "level":
        return "un.level", "un.level", joins
    raise ValueError(f"unknown grouping {by!r}")


def _scope_sql(scope: Scope) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if scope.unit_ids is not None:
        ids = sorted(scope.unit_ids) or [-1]
        clauses.append(f"x.unit_id IN ({', '.join(str(int(i)) for i in ids)})")
    if scope.procedure_ids is not None:
        ids = sorted(scope.procedure_ids) or [-1]
        clauses.append(f"x.procedure_id IN ({', '.join(str(int(i)) for i in ids)})")
    if scope.field_code:
        clauses.append("fl.code = %s")
        params.append(scope.field_code)
    if scope.level:
        clauses.append("un.level = %s")
        params.append(scope.level)
    return (" AND ".join(clauses) if clauses else "1 = 1"), params


def level_name(level: str) -> str:
    from motcua.organizations.models import Level

    try:
        return str(Level(level).label)
    except ValueError:
        return level


def prefixes_by_group(
    start: date, end: date, by: str, scope: Scope
) -> dict[tuple[str, str], tuple[dict[str, int], dict[str, int]]]:
    """Prefix sums of every counter at start−1 and at end, per (key, name): one pass over monthly rows
    plus at most two months of daily rows."""
    d = Dialect(connection.vendor)
    before = start - timedelta(days=1)
    # prefix(x) = monthly rows before month_start(x + 1) + daily rows from there to x: when x is the
    # last day of a month (periods starting on the 1st, ending at a month end) no daily row is read.
    m1, m2 = start.replace(day=1), (end + timedelta(days=1)).replace(day=1)
    key, name, joins = _group_expr(by)
    where, params = _scope_sql(scope)
    p1 = f"((x.src = 'm' AND x.day < {d.param(m1)}) OR (x.src = 'd' AND x.day BETWEEN {d.param(m1)} AND {d.param(before)}))"
    p2 = (
        f"((x.src = 'm' AND x.day < {d.param(m2)}) OR (x.src = 'd' AND x.day BETWEEN {d.param(m2)} AND {d.param(end)}))"
    )
    cols = ", ".join(MEASURES)
    sums = ", ".join(f"SUM(CASE WHEN {p1} THEN x.{m} ELSE 0 END)" for m in MEASURES)
    sums += ", " + ", ".join(f"SUM(CASE WHEN {p2} THEN x.{m} ELSE 0 END)" for m in MEASURES)
    source = (
        f"SELECT 'm' AS src, unit_id, procedure_id, day, {cols} FROM {MonthlyRollup._meta.db_table} "
        f"WHERE day < {d.param(m2)} "
        f"UNION ALL SELECT 'd' AS src, unit_id, procedure_id, day, {cols} FROM {DailyRollup._meta.db_table} "
        f"WHERE day BETWEEN {d.param(m1)} AND {d.param(before)} OR day BETWEEN {d.param(m2)} AND {d.param(end)}"
    )
    sql = f"SELECT {key}, {name}, {sums} FROM ({source}) x {joins} WHERE {where} GROUP BY {key}, {name}"
    out: dict[tuple[str, str], tuple[dict[str, int], dict[str, int]]] = {}
    n = len(MEASURES)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            a = {m: int(row[2 + i] or 0) for i, m in enumerate(MEASURES)}
            b = {m: int(row[2 + n + i] or 0) for i, m in enumerate(MEASURES)}
            out[(str(row[0]), str(row[1]))] = (a, b)
    return out


def cells_by_group_rollup(start: date, end: date, by: str, scope: Scope) -> dict[tuple[str, str], dict[str, int]]:
    """Flat §5 cells per (key, name) from the rollup tables."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for k, (a, b) in prefixes_by_group(start, end, by, scope).items():
        cells = cells_from_prefixes(a, b)
        if any(cells.values()):
            out[k] = cells
    return out


FLAGS = ("synced", "e_result", "digitized", "reused", "negative", "fee_bearing", "paid_online")


def flag_counts(start: date, end: date, scope: Scope, source: str = "rollup", by: str = "unit") -> dict[str, int]:
    """Counts over new dossiers (received in the period, not refused): new, online and each flag."""
    groups = flag_counts_by_group(start, end, by, scope, source)
    total = dict.fromkeys(("new", "online", *FLAGS), 0)
    for counts in groups.values():
        for k, v in counts.items():
            total[k] += v
    return total


def flag_counts_by_group(
    start: date, end: date, by: str, scope: Scope, source: str = "rollup"
) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = {}
    if source == "rollup":
        for k, (a, b) in prefixes_by_group(start, end, by, scope).items():
            diff = {m: b[m] - a[m] for m in MEASURES}
            out[k] = {
                "new": diff["new_online"] + diff["new_direct_postal"],
                "online": diff["new_online"],
                **{f: diff[f] for f in FLAGS},
            }
        return out
    d = Dialect(connection.vendor)
    key, name, joins = _group_expr(by)
    where, params = _scope_sql(scope)
    cond = f"x.status <> 'refused' AND x.r BETWEEN {d.param(start)} AND {d.param(end)}"
    exprs = {
        "new": "1 = 1",
        "online": "x.channel = 'online'",
        "synced": "x.synced_national",
        "e_result": "x.e_result",
        "digitized": "x.digitized",
        "reused": "x.reused",
        "negative": "x.negative_feedback",
        "fee_bearing": "x.fee_amount > 0",
        "paid_online": "x.fee_amount > 0 AND x.paid_online",
    }
    sums = ", ".join(f"SUM(CASE WHEN {e} THEN 1 ELSE 0 END)" for e in exprs.values())
    sql = (
        f"SELECT {key}, {name}, {sums} FROM ({facts_sql(d)}) x {joins} WHERE {where} AND {cond} GROUP BY {key}, {name}"
    )
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            out[(str(row[0]), str(row[1]))] = {k: int(row[2 + i] or 0) for i, k in enumerate(exprs)}
    return out


def base_cells_sql(start: date, end: date, by: str, scope: Scope) -> tuple[str, list[Any]]:
    """One GROUP BY over the dossier table following §5 literally (also the benchmark baseline)."""
    d = Dialect(connection.vendor)
    key, name, joins = _group_expr(by)
    where, params = _scope_sql(scope)
    s, t = d.param(start), d.param(end)
    nr = "x.status <> 'refused'"
    new = f"{nr} AND x.r BETWEEN {s} AND {t}"
    carried = f"{nr} AND x.r < {s} AND (x.e IS NULL OR x.e >= {s})"
    handle = f"(({new}) OR ({carried}))"
    res = f"{handle} AND x.status IN {_in(RESOLVED_STATUSES)} AND x.e <= {t}"
    wos = f"{handle} AND x.status IN {_in(WOS_STATUSES)} AND x.e <= {t}"
    prog = f"{handle} AND NOT (x.status IN {_in(RESOLVED_STATUSES | WOS_STATUSES)} AND x.e <= {t})"
    conds = {
        "online": f"{new} AND x.channel = 'online'",
        "direct_postal": f"{new} AND x.channel <> 'online'",
        "carried_over": carried,
        "early": f"{res} AND x.u IS NOT NULL AND x.e < x.u",
        "on_time": f"{res} AND (x.u IS NULL OR x.e = x.u)",
        "late": f"{res} AND x.u IS NOT NULL AND x.e > x.u",
        "withdrawn_or_stopped": wos,
        "within_time": f"{prog} AND (x.u IS NULL OR x.u >= {t})",
        "overdue": f"{prog} AND x.u < {t}",
        "refused": f"x.status = 'refused' AND x.r BETWEEN {s} AND {t}",
    }
    sums = ", ".join(f"SUM(CASE WHEN {conds[c]} THEN 1 ELSE 0 END)" for c in ROW_CELLS)
    sql = (
        f"SELECT {key}, {name}, {sums} FROM ({facts_sql(d)}) x {joins} "
        f"WHERE {where} AND x.r <= {t} GROUP BY {key}, {name}"
    )
    return sql, params


def cells_by_group_base(start: date, end: date, by: str, scope: Scope) -> dict[tuple[str, str], dict[str, int]]:
    sql, params = base_cells_sql(start, end, by, scope)
    out: dict[tuple[str, str], dict[str, int]] = {}
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            cells = {c: int(row[2 + i] or 0) for i, c in enumerate(ROW_CELLS)}
            if any(cells.values()):
                out[(str(row[0]), str(row[1]))] = cells
    return out


def resolution_report(
    start: date,
    end: date,
    by: str = "unit",
    scope: Scope | None = None,
    source: str = "rollup",
    as_of: date | None = None,
) -> dict[str, Any]:
    """The §5 JSON document. `as_of` (restructuring): group by the units as of that date, each
    predecessor summed into its successor (`organizations.history`); the document then says `as_of`."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    scope = scope or Scope()
    fn = cells_by_group_rollup if source == "rollup" else cells_by_group_base
    groups = fn(start, end, by, scope)
    if by == "unit":  # restructuring: units as they were at the period's end, or as of `as_of`
        from motcua.analytics.history import as_they_were

        groups = as_they_were(groups, start, end, scope)
        if as_of is not None:
            groups = regroup_as_of(groups, as_of)
    rows = []
    total: dict[str, int] = dict.fromkeys(ROW_CELLS, 0)
    for (key, name), cells in sorted(groups.items()):
        add_cells(total, cells)
        label = level_name(key) if by == "level" else name
        rows.append({"key": key, "name": label, **shape_row(cells)})
    doc = {"from": start.isoformat(), "to": end.isoformat(), "by": by, "rows": rows, "total": shape_row(total)}
    if as_of is not None:
        doc["as_of"] = as_of.isoformat()
    return doc


def regroup_as_of(groups: dict[tuple[str, str], dict[str, int]], as_of: date) -> dict[tuple[str, str], dict[str, int]]:
    """Sum unit rows into the units that carry them as of `as_of` (cells are additive; rates come after)."""
    from motcua.organizations.history import as_of_map
    from motcua.organizations.models import Unit

    units = {u["code"]: u for u in Unit.objects.values("id", "code", "name")}
    by_id = {u["id"]: u for u in units.values()}
    mapping = as_of_map(as_of, [units[code]["id"] for code, _ in groups if code in units])
    out: dict[tuple[str, str], dict[str, int]] = {}
    for (code, name), cells in groups.items():
        rep = by_id[mapping[units[code]["id"]]] if code in units else {"code": code, "name": name}
        add_cells(out.setdefault((rep["code"], rep["name"]), dict.fromkeys(ROW_CELLS, 0)), cells)
    return out


def scope_as_of(unit_ids: set[int] | None, as_of: date | None) -> set[int] | None:
    """A unit scope widened to the predecessors summed into it as of `as_of` (unchanged without one)."""
    if unit_ids is None or as_of is None:
        return unit_ids
    from motcua.organizations.history import with_predecessors

    return with_predecessors(unit_ids, as_of)


def flatten(row: dict[str, Any]) -> list[Any]:
    """The 13 numeric columns of a row in form order (for CSV/XLSX/PDF)."""
    return [
        row["received"]["total"],
        row["received"]["online"],
        row["received"]["direct_postal"],
        row["received"]["carried_over"],
        row["resolved"]["total"],
        row["resolved"]["early"],
        row["resolved"]["on_time"],
        row["resolved"]["late"],
        row["withdrawn_or_stopped"],
        row["in_progress"]["total"],
        row["in_progress"]["within_time"],
        row["in_progress"]["overdue"],
        row["refused"],
        row["on_time_rate"],
        row["late_rate"],
    ]


def unit_and_descendants(code: str) -> set[int]:
    """Ids of the unit with this code and every unit below it (raises LookupError if unknown)."""
    from motcua.organizations.models import Unit

    root = Unit.objects.filter(code=code).values_list("id", flat=True).first()
    if root is None:
        raise LookupError(code)
    found = {root}
    frontier = {root}
    while frontier:
        children = set(Unit.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= children
        frontier = children
    return found


def iter_cells(rows: Iterable[dict[str, Any]]) -> list[list[Any]]:
    return [flatten(r) for r in rows]
