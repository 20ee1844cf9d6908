"""Maintaining the rollup tables: incrementally (signal receiver, import) and by a full rebuild."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction

from motcua.analytics.models import DailyRollup, MonthlyRollup
from motcua.analytics.rules import (
    MEASURES,
    NOT_RECEIVED,
    RESOLVED_STATUSES,
    TERMINAL_STATUSES,
    WOS_STATUSES,
    DossierFacts,
    contributions,
    local_date,
)
from motcua.config import time_zone, utc_offset

Key = tuple[int, int, date]  # unit_id, procedure_id, day
Deltas = dict[Key, dict[str, int]]

FACT_FIELDS = (
    "unit_id",
    "procedure_id",
    "status",
    "channel",
    "received_at",
    "finished_at",
    "due_at",
    "fee_amount",
    "paid_online",
    "digitized",
    "reused",
    "e_result",
    "synced_national",
    "negative_feedback",
)


def facts_of(values: Mapping[str, Any]) -> DossierFacts:
    """DossierFacts from a mapping of Dossier field values (attribute names, e.g. `unit_id`)."""
    received: datetime = values["received_at"]
    r = local_date(received)
    assert r is not None
    return DossierFacts(
        status=values["status"],
        channel=values["channel"],
        r=r,
        e=local_date(values.get("finished_at")),
        u=local_date(values.get("due_at")),
        fee_amount=int(values.get("fee_amount") or 0),
        paid_online=bool(values.get("paid_online")),
        digitized=bool(values.get("digitized")),
        reused=bool(values.get("reused")),
        e_result=bool(values.get("e_result")),
        synced=bool(values.get("synced_national")),
        negative=bool(values.get("negative_feedback")),
    )


def add_dossier(deltas: Deltas, unit_id: int, procedure_id: int, facts: DossierFacts, sign: int = 1) -> None:
    for (day, measure), n in contributions(facts).items():
        row = deltas.setdefault((unit_id, procedure_id, day), {})
        row[measure] = row.get(measure, 0) + sign * n


def values_of(dossier: Any) -> dict[str, Any]:
    return {f: getattr(dossier, f, None) for f in FACT_FIELDS}


def month_start(d: date) -> date:
    return d.replace(day=1)


def monthly(deltas: Deltas) -> Deltas:
    out: Deltas = {}
    for (u, p, day), counters in deltas.items():
        row = out.setdefault((u, p, month_start(day)), {})
        for m, v in counters.items():
            row[m] = row.get(m, 0) + v
    return out


def apply_deltas(deltas: Deltas) -> None:
    """Add the counters to both grains (an upsert that works on PostgreSQL and SQLite)."""
    deltas = {k: v for k, v in deltas.items() if any(v.values())}
    if not deltas:
        return
    if connection.vendor == "postgresql" and len(deltas) > 500:
        _apply_deltas_copy(deltas)
        return
    for model, rows in ((DailyRollup, deltas), (MonthlyRollup, monthly(deltas))):
        table = model._meta.db_table
        cols = ", ".join(MEASURES)
        updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in MEASURES)
        row = "(" + ", ".join(["%s"] * (3 + len(MEASURES))) + ")"
        params: list[list[Any]] = [
            [u, p, day, *(c.get(m, 0) for m in MEASURES)] for (u, p, day), c in sorted(rows.items())
        ]
        # One multi-row statement per grain and batch (a dossier's change touches 1–4 days): fewer
        # statements on intake's path than one per row. Keys are distinct within `rows`, so no row
        # is upserted twice by one statement.
        with connection.cursor() as cursor:
            for start in range(0, len(params), 500):
                batch = params[start : start + 500]
                cursor.execute(
                    f"INSERT INTO {table} (unit_id, procedure_id, day, {cols}) VALUES {', '.join([row] * len(batch))} "
                    f"ON CONFLICT (unit_id, procedure_id, day) DO UPDATE SET {updates}",
                    [value for values in batch for value in values],
                )


def _apply_deltas_copy(deltas: Deltas) -> None:
    """Bulk path: COPY the daily deltas into a temporary table, then one upsert per grain."""
    cols = ", ".join(MEASURES)
    lines = []
    for (u, p, day), c in deltas.items():
        lines.append("\t".join([str(u), str(p), day.isoformat(), *(str(c.get(m, 0)) for m in MEASURES)]))
    with connection.cursor() as cursor:
        cursor.execute(DELTA_TABLE_SQL)
        cursor.execute("TRUNCATE analytics_rollup_delta")
        with cursor.cursor.copy(f"COPY analytics_rollup_delta (unit_id, procedure_id, day, {cols}) FROM STDIN") as cp:
            cp.write("\n".join(lines) + "\n")
        _upsert_from_delta_table(cursor)


DELTA_TABLE_SQL = (
    "CREATE TEMP TABLE IF NOT EXISTS analytics_rollup_delta (unit_id bigint, procedure_id bigint, day date, "
    + ", ".join(f"{m} integer" for m in MEASURES)
    + ")"
)


def add_from_dossiers(ids: list[int]) -> None:
    """PostgreSQL bulk path: add the counters of these (new) dossiers, computed by the server."""
    if not ids:
        return
    d = Dialect(connection.vendor)
    cols = ", ".join(MEASURES)
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    with connection.cursor() as cursor:
        cursor.execute(DELTA_TABLE_SQL)
        cursor.execute("TRUNCATE analytics_rollup_delta")
        for start in range(0, len(ids), 500_000):
            cursor.execute(
                f"WITH f AS ({facts_sql(d, 'WHERE id = ANY(%s)')}) "
                f"INSERT INTO analytics_rollup_delta (unit_id, procedure_id, day, {cols}) "
                f"SELECT unit_id, procedure_id, day, {sums} FROM ({' UNION ALL '.join(_contribution_parts(d))}) c "
                f"GROUP BY unit_id, procedure_id, day",
                [ids[start : start + 500_000]],
            )
        _upsert_from_delta_table(cursor)


def _upsert_from_delta_table(cursor: Any) -> None:
    """Add the rows of the temporary delta table to both grains, then empty it."""
    cols = ", ".join(MEASURES)
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    for model, day_expr in ((DailyRollup, "day"), (MonthlyRollup, "date_trunc('month', day)::date")):
        table = model._meta.db_table
        updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in MEASURES)
        cursor.execute(
            f"INSERT INTO {table} (unit_id, procedure_id, day, {cols}) "
            f"SELECT unit_id, procedure_id, {day_expr}, {sums} FROM analytics_rollup_delta "
            f"GROUP BY unit_id, procedure_id, {day_expr} "
            f"ON CONFLICT (unit_id, procedure_id, day) DO UPDATE SET {updates}"
        )
    cursor.execute("TRUNCATE analytics_rollup_delta")


def on_dossier_state_changed(sender: Any, dossier: Any, before: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
    """Receiver of `dossiers.signals.dossier_state_changed`: remove the old counters, add the new ones.

    `before` holds Dossier field values before the change (attribute names as in FACT_FIELDS; missing
    unit_id/procedure_id mean unchanged). Runs inside the sender's transaction.
    """
    deltas: Deltas = {}
    after = values_of(dossier)
    if before is not None:
        old = {**after, **dict(before)}
        if "unit" in before and "unit_id" not in before:
            old["unit_id"] = getattr(before["unit"], "pk", before["unit"])
        if "procedure" in before and "procedure_id" not in before:
            old["procedure_id"] = getattr(before["procedure"], "pk", before["procedure"])
        add_dossier(deltas, old["unit_id"], old["procedure_id"], facts_of(old), -1)
    add_dossier(deltas, after["unit_id"], after["procedure_id"], facts_of(after), +1)
    apply_deltas(deltas)


# --- full rebuild in SQL ------------------------------------------------------------------------


class Dialect:
    """The few SQL expressions that differ between PostgreSQL and SQLite."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def local_day(self, col: str) -> str:
        """The local date of a timestamp column, in the configured zone (fixed offset, see config)."""
        if self.pg:
            return f"({col} AT TIME ZONE '{time_zone().key}')::date"
        minutes = int(utc_offset().total_seconds()) // 60
        return f"date({col}, '{minutes:+d} minutes')"

    def next_day(self, expr: str) -> str:
        return f"({expr} + 1)" if self.pg else f"date({expr}, '+1 day')"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"max({a}, {b})"

    def month(self, expr: str) -> str:
        return f"date_trunc('month', {expr})::date" if self.pg else f"strftime('%Y-%m-01', {expr})"

    def param(self, d: date) -> str:
        return f"DATE '{d.isoformat()}'" if self.pg else f"'{d.isoformat()}'"


def _in(statuses: Iterable[str]) -> str:
    return "(" + ", ".join(f"'{s}'" for s in sorted(statuses)) + ")"


def facts_sql(dialect: Dialect, where: str = "") -> str:
    """One row per dossier with r, e (terminal only), u as local dates."""
    from motcua.dossiers.models import Dossier

    table = Dossier._meta.db_table
    return (
        f"SELECT id, unit_id, procedure_id, status, channel, handled_by_id, "
        f"{dialect.local_day('received_at')} AS r, "
        f"CASE WHEN status IN {_in(TERMINAL_STATUSES)} THEN {dialect.local_day('finished_at')} END AS e, "
        f"{dialect.local_day('due_at')} AS u, fee_amount, paid_online, digitized, reused, e_result, "
        f"synced_national, negative_feedback FROM {table} "
        f"WHERE status NOT IN {_in(NOT_RECEIVED)} {('AND ' + where.removeprefix('WHERE ')) if where else ''}"
    )


def _case(cond: str) -> str:
    return f"CASE WHEN {cond} THEN 1 ELSE 0 END"


def _contribution_parts(d: Dialect) -> list[str]:
    """SELECTs over the facts CTE `f` yielding (unit_id, procedure_id, day, counters...) rows (`rules.contributions` in SQL)."""
    zero = dict.fromkeys(MEASURES, "0")
    nr = "status <> 'refused'"

    def select(day: str, values: dict[str, str], cond: str) -> str:
        row = {**zero, **values}
        return (
            f"SELECT unit_id, procedure_id, {day} AS day, "
            + ", ".join(f"{row[m]} AS {m}" for m in MEASURES)
            + f" FROM f WHERE {cond}"
        )

    parts = [
        select(
            "r",
            {
                "new_online": _case(f"{nr} AND channel = 'online'"),
                "new_direct_postal": _case(f"{nr} AND channel <> 'online'"),
                "refused": _case("status = 'refused'"),
                "synced": _case(f"{nr} AND synced_national"),
                "e_result": _case(f"{nr} AND e_result"),
                "digitized": _case(f"{nr} AND digitized"),
                "reused": _case(f"{nr} AND reused"),
                "negative": _case(f"{nr} AND negative_feedback"),
                "fee_bearing": _case(f"{nr} AND fee_amount > 0"),
                "paid_online": _case(f"{nr} AND fee_amount > 0 AND paid_online"),
            },
            "1 = 1",
        ),
        select(
            "e",
            {
                "res_early": _case(f"status IN {_in(RESOLVED_STATUSES)} AND u IS NOT NULL AND e < u"),
                "res_on_time": _case(f"status IN {_in(RESOLVED_STATUSES)} AND (u IS NULL OR e = u)"),
                "res_late": _case(f"status IN {_in(RESOLVED_STATUSES)} AND u IS NOT NULL AND e > u"),
                "wos": _case(f"status IN {_in(WOS_STATUSES)}"),
            },
            "e IS NOT NULL",
        ),
        select(d.greatest("r", d.next_day("u")), {"od_start": "1"}, f"u IS NOT NULL AND {nr}"),
        select(d.greatest("e", d.next_day("u")), {"od_end": "1"}, "u IS NOT NULL AND e IS NOT NULL"),
    ]
    return parts


def rebuild(unit_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Recompute both rollup grains from the dossier table (all units, or only `unit_ids`)."""
    d = Dialect(connection.vendor)
    ids = sorted(set(unit_ids)) if unit_ids is not None else None
    where = f"WHERE unit_id IN ({', '.join(str(int(i)) for i in ids)})" if ids else ""
    if ids is not None and not ids:
        return {"daily": 0, "monthly": 0}
    parts = _contribution_parts(d)
    sums = ", ".join(f"SUM({m})" for m in MEASURES)
    cols = ", ".join(MEASURES)
    daily, monthly_t = DailyRollup._meta.db_table, MonthlyRollup._meta.db_table
    unit_filter = where
    with transaction.atomic(), connection.cursor() as cursor:
        if d.pg:
            # One big GROUP BY: let it hash in memory instead of spilling in 4 MB batches.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DELETE FROM {daily} {unit_filter}")
        cursor.execute(f"DELETE FROM {monthly_t} {unit_filter}")
        cursor.execute(
            f"WITH f AS ({facts_sql(d, where)}) INSERT INTO {daily} (unit_id, procedure_id, day, {cols}) "
            f"SELECT unit_id, procedure_id, day, {sums} FROM ({' UNION ALL '.join(parts)}) c "
            f"GROUP BY unit_id, procedure_id, day"
        )
        n_daily = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {monthly_t} (unit_id, procedure_id, day, {cols}) "
            f"SELECT unit_id, procedure_id, {d.month('day')}, {sums} FROM {daily} {unit_filter} "
            f"GROUP BY unit_id, procedure_id, {d.month('day')}"
        )
        n_monthly = cursor.rowcount
    return {"daily": n_daily, "monthly": n_monthly}


def deltas_total(deltas: Deltas) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for counters in deltas.values():
        for m, v in counters.items():
            total[m] += v
    return dict(total)
